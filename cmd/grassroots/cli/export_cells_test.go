package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The protection of small cells in an export does not depend on what is
// exported: a sibling hidden to protect a small cell stays hidden when it is
// exported alone, and the change on a hidden previous period, which would
// give it back, is not published.
func TestExportSmallCellsWhateverTheScope(t *testing.T) {
	w := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	var members []string
	add := func(date, region string, n, old int) {
		for i := 0; i < n; i++ {
			born := "1994-01-01"
			if i < old {
				born = "1960-01-01"
			}
			members = append(members, "('"+date+"', '"+region+"', '"+region+date+string(rune('a'+i))+"', '"+born+"', false)")
		}
	}
	add("2023-12-31", "310112101", 2, 2) // 甲镇 2023: two members, both 55+: small
	add("2024-12-31", "310112101", 10, 5)
	add("2023-12-31", "310112102", 10, 4)
	add("2024-12-31", "310112102", 10, 4)
	add("2022-12-31", "310112103", 2, 2) // 丙镇: its latest figure is small
	mustRun(t, "", "sql", "--write", "--warehouse", w, `
		INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
			('000000', '全国', 0, 'country', NULL), ('310000', '上海市', 1, 'province', '000000'),
			('310112', '闵行区', 3, 'county', '310000'),
			('310112101', '甲镇', 4, 'township', '310112'), ('310112102', '乙镇', 4, 'township', '310112'),
			('310112103', '丙镇', 4, 'township', '310112');
		INSERT INTO alert_rule VALUES ('member.share_55_plus', '>', 50, 'warn', '55岁以上党员占比超过一半', NULL, 'test');
		INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, is_synthetic) VALUES `+strings.Join(members, ", "))
	mustRun(t, "", "indicators", "compute", "--warehouse", w, "member.share_55_plus")

	rows := func(args ...string) map[string][]string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "e.csv")
		mustRun(t, "", append([]string{"export", "indicators", "--warehouse", w, "--format", "csv", "--out", out}, args...)...)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, c := range recs[0] {
			col[c] = i
		}
		got := map[string][]string{}
		for _, r := range recs[1:] {
			if r[col["指标代码"]] == "member.share_55_plus" {
				got[r[col["区划代码"]]+" "+r[col["时期"]]] = []string{r[col["分子"]], r[col["分母"]], r[col["数值"]], r[col["较上期变化"]]}
			}
		}
		return got
	}
	all := rows()
	if g := all["310112101 2023-12-31"]; g[0] != "<3" || g[1] != "<3" || g[2] != "—" {
		t.Errorf("甲镇 2023 (2 of 2): %v, want <3 of <3 = —", g)
	}
	if g := all["310112102 2023-12-31"]; g[0] != "x" || g[1] != "x" || g[2] != "—" {
		t.Errorf("乙镇 2023, hidden so that 闵行区 minus it cannot give 甲镇 back: %v, want x of x = —", g)
	}
	if g := all["310112101 2024-12-31"]; g[2] != "50.0" || g[3] != "—" {
		t.Errorf("甲镇 2024: %v, want 50.0 with its change on the hidden 2023 not published", g)
	}
	alone := rows("--region", "310112102")
	if g := alone["310112102 2023-12-31"]; g[0] != "x" || g[1] != "x" {
		t.Errorf("乙镇 2023 exported alone: %v, want x of x as in the whole export", g)
	}
	// The district page's alerts: 丙镇's alert stands, its rate over two
	// members is not printed, not even in the message.
	site := filepath.Join(t.TempDir(), "site")
	mustRun(t, "", "report", "district", "--region", "310112", "--warehouse", w, "--out", site)
	page, err := os.ReadFile(filepath.Join(site, "district.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<td class=\"short\">丙镇</td><td>55岁以上党员占比</td><td class=\"short\">2022-12-31</td><td class=\"num\">—</td>") ||
		strings.Contains(string(page), "100.0%") {
		i := strings.Index(string(page), "当前预警")
		t.Errorf("district page: 丙镇's alert missing, or its rate of 2 members printed:\n%s", string(page)[i:min(len(page), i+3000)])
	}
	if len(alone) != 2 {
		t.Errorf("export of 乙镇 alone has %d rows of the indicator, want its 2: %v", len(alone), alone)
	}
}
