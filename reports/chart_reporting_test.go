package reports

import (
	"context"
	"database/sql"
	stdhtml "html"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"grassroots/sql/warehouse"
)

// cityDB is a warehouse of Shanghai (home 310000) with three districts
// under the 市辖区 placeholder and a township of the third, and the
// packages of the first two districts imported for 2024 (one from the
// year before too).
func cityDB(t *testing.T) *sql.DB {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "city.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.SetHome(ctx, "310000"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, w.DB(), `INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
		('000000', '全国', 0, 'country', NULL),
		('310000', '上海市', 1, 'province', '000000'),
		('310100', '市辖区', 2, 'prefecture', '310000'),
		('310104', '徐汇区', 3, 'county', '310100'),
		('310105', '长宁区', 3, 'county', '310100'),
		('310107', '普陀区', 3, 'county', '310100'),
		('310107002', '石泉路街道', 4, 'township', '310107')`)
	mustExec(t, w.DB(), `INSERT INTO reported_package_history (package_region, year, producer, producer_home, created_at, imported_at,
		file_sha256, format_version, rows, is_synthetic) VALUES
		('310104', 2023, '徐汇区统计局 2023', '310104', '2024-01-05 09:00:00+08', '2024-01-06 10:00:00+08', 'aa', 1, 90, false),
		('310104', 2024, '徐汇区统计局', '310104', '2025-01-10 09:30:00+08', '2025-01-12 14:05:00+08', 'a1', 1, 120, true),
		('310105', 2024, '长宁区<script>alert(1)</script> & 组织部', '310105', '2025-01-11 08:00:00+08', '2025-01-12 14:06:00+08', 'b2', 1, 110, true)`)
	return w.DB()
}

// reportingSection renders the page of region and returns the text of its
// reporting block and the block's HTML ("" for none).
func reportingSection(t *testing.T, db *sql.DB, region string, l Lang) (text, html string) {
	t.Helper()
	tmpl, err := RegionTemplate()
	if err != nil {
		t.Fatal(err)
	}
	p, err := BuildRegion(context.Background(), db, tmpl, region, l)
	if err != nil {
		t.Fatal(err)
	}
	page, err := PageHTML(p, Options{Lang: l})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sections(string(page)) {
		if s[0] == "reporting" {
			return strings.Join(strings.Fields(stdhtml.UnescapeString(tagRE.ReplaceAllString(s[2], " "))), " "), s[2]
		}
	}
	return "", ""
}

func localTime(s string) string {
	tm, err := time.Parse("2006-01-02 15:04 -0700", s)
	if err != nil {
		panic(err)
	}
	return tm.Local().Format("2006-01-02 15:04")
}

// The page of the city shows, for the latest year a package arrived, its
// three districts: two reported, with who made each package and when it
// was made and imported, and the third missing; the line above says 2 of 3
// and that the figures above them are partial. In Chinese and English.
func TestReportingBlock(t *testing.T) {
	db := cityDB(t)
	made, imported := localTime("2025-01-10 09:30 +0800"), localTime("2025-01-12 14:05 +0800")
	cases := []struct {
		lang Lang
		want []string
	}{
		{Zh, []string{
			"2024年：3个区县中2个已报送；全部下级报送之前，上级的汇总数字均为部分汇总。",
			"下级地区 年度 状态 报送单位 生成时间 导入时间",
			"徐汇区（310104） 示例 2024 已报送 徐汇区统计局 " + made + " " + imported,
			"长宁区（310105） 示例 2024 已报送 长宁区<script>alert(1)</script> & 组织部",
			"普陀区（310107） 2024 未报送 — — —",
			"示例数据",
		}},
		{En, []string{
			"2024: 2 of 3 counties reported; figures above them are partial until every child is in.",
			"Region below Year Status Reported by Made Imported",
			"徐汇区 (310104) synthetic 2024 reported 徐汇区统计局 " + made + " " + imported,
			"普陀区 (310107) 2024 missing — — —",
		}},
	}
	for _, c := range cases {
		t.Run(string(c.lang), func(t *testing.T) {
			got, html := reportingSection(t, db, "310000", c.lang)
			if got == "" {
				t.Fatal("the city's page has no reporting block")
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("the reporting block does not say %q:\n%s", w, got)
				}
			}
			if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 组织部") {
				t.Errorf("a producer's name is not escaped:\n%s", html)
			}
			if strings.Contains(got, "2023") {
				t.Errorf("the block shows an older year than the latest:\n%s", got)
			}
		})
	}

	// A package of a township of the third district: partly, not reported.
	mustExec(t, db, `INSERT INTO reported_package_history (package_region, year, producer, created_at, imported_at,
		file_sha256, format_version, rows) VALUES
		('310107002', 2024, '石泉路街道', '2025-01-13 08:00:00+08', '2025-01-13 09:00:00+08', 'c3', 1, 12)`)
	got, _ := reportingSection(t, db, "310000", En)
	for _, w := range []string{"2024: 2 of 3 counties reported (1 more partly); figures above them are partial",
		"普陀区 (310107) 2024 partly: 石泉路街道 (310107002) 石泉路街道"} {
		if !strings.Contains(got, w) {
			t.Errorf("with a township of 310107 in, the block does not say %q:\n%s", w, got)
		}
	}

	// Every district in: complete.
	mustExec(t, db, `INSERT INTO reported_package_history (package_region, year, producer, created_at, imported_at,
		file_sha256, format_version, rows) VALUES
		('310107', 2024, '普陀区', '2025-01-14 08:00:00+08', '2025-01-14 09:00:00+08', 'd4', 1, 100)`)
	if got, _ := reportingSection(t, db, "310000", Zh); !strings.Contains(got, "2024年：3个区县中3个已报送，全部下级均已报送。") {
		t.Errorf("with every district in, the block says:\n%s", got)
	}
}

// Where no package arrived — a warehouse of its own microdata, a district
// whose package is all there is, a region above the home region — the page
// has no reporting block.
func TestReportingBlockAbsent(t *testing.T) {
	for _, c := range []struct {
		name   string
		db     *sql.DB
		region string
	}{
		{"no packages", fixtureDB(t), "310000"},
		{"no packages, county", fixtureDB(t), "310112"},
		{"the package's own region", cityDB(t), "310104"},
		{"above the home region", cityDB(t), "000000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := reportingSection(t, c.db, c.region, Zh); got != "" {
				t.Errorf("the page of %s has a reporting block:\n%s", c.region, got)
			}
		})
	}
}
