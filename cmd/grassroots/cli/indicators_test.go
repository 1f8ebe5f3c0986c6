package cli

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// indicatorFixture is a warehouse with a small made-up district (synthetic
// counts; no names of persons) and two national years.
func indicatorFixture(t *testing.T) string {
	t.Helper()
	w := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	mustRun(t, "", "sql", "--write", "--warehouse", w, `
		INSERT INTO region_history (code, name, level, level_name, parent_code, urban_rural_class) VALUES
			('000000', '全国', 0, 'country', NULL, NULL),
			('310000', '上海市', 1, 'province', '000000', NULL),
			('310112', '闵行区', 3, 'county', '310000', NULL),
			('310112101', '甲镇', 4, 'township', '310112', NULL),
			('310112102', '乙镇', 4, 'township', '310112', NULL);
		INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop) VALUES
			('000000', 2012, 'first_release', 1354040000, 711820000),
			('000000', 2016, 'first_release', 1382710000, 792980000);
		INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, education, is_synthetic) VALUES
			('2024-06-30', '310112101', 'a1', '1950-01-01', 'junior_high', true),
			('2024-06-30', '310112101', 'a2', '1960-01-01', 'junior_high', true),
			('2024-06-30', '310112101', 'a3', '1990-01-01', 'bachelor', true),
			('2024-06-30', '310112102', 'b1', '1995-01-01', 'college', true);
		INSERT INTO organisation_history (snapshot_date, region_code, org_id, name, kind, employees, formal_members, party_org_mode, is_synthetic) VALUES
			('2024-06-30', '310112101', 'o1', '示例科技有限公司', 'nonpublic_enterprise', 80, 6, 'none', true),
			('2024-06-30', '310112101', 'o2', '示例物流有限公司', 'nonpublic_enterprise', 40, 3, 'none', true),
			('2024-06-30', '310112102', 'o3', '示例制造有限公司', 'nonpublic_enterprise', 300, 12, 'single', true),
			('2024-06-30', '310112102', 'o4', '示例商贸有限公司', 'nonpublic_enterprise', 10, 2, 'none', true);
		INSERT INTO target VALUES ('urban.rate_resident', '000000', 2012, 52.6, 2020, 60, false, 'plan', NULL);
		INSERT INTO alert_rule VALUES ('member.share_55_plus', '>', 50, 'warn', '55岁以上党员占比超过一半', NULL, 'study');`)
	return w
}

func TestIndicatorsList(t *testing.T) {
	out := mustRun(t, "", "indicators", "list", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 37 {
		t.Fatalf("%d rows, want a header and 36 indicators:\n%s", len(recs), out)
	}
	if !strings.Contains(out, "urban.rate_resident,常住人口城镇化率,") || !strings.Contains(out, "org.must_establish_gap,应建未建,") {
		t.Fatalf("list lacks the resident urbanisation rate or the must-establish gap:\n%s", out)
	}
}

func TestIndicatorsComputeShowAlerts(t *testing.T) {
	w := indicatorFixture(t)
	out := mustRun(t, "", "indicators", "compute", "--warehouse", w)
	if !strings.Contains(out, "36 indicators") || !strings.Contains(out, "member.share_55_plus") {
		t.Fatalf("compute printed:\n%s", out)
	}

	// 2016 first release: 79298/138271 = 57.35%; from 2012 (52.57%) the
	// target of 60% by 2020 is half the time gone and 64% of the task done;
	// at +1.19 pp a year the remaining 2.65 pp take until 2019.
	out = mustRun(t, "", "indicators", "show", "urban.rate_resident", "--warehouse", w, "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("show printed %d rows:\n%s", len(recs), out)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	last := recs[2]
	if last[col["period"]] != "2016" || last[col["value"]] != "57.3" || last[col["value_exact"]] != "57.349697" ||
		last[col["target_status"]] != "on_track" || last[col["status"]] != "final" ||
		last[col["change"]] != "4.7796" || last[col["per_year"]] != "1.1949" || last[col["projected_year"]] != "2019" {
		t.Fatalf("2016 row: %v", last)
	}
	table := mustRun(t, "", "indicators", "show", "urban.rate_resident", "--warehouse", w, "--from", "2016")
	if !strings.Contains(table, "vintage: first_release") || !strings.Contains(table, "(1 row)") {
		t.Fatalf("show --from 2016:\n%s", table)
	}

	// The district's 55+ share: township 甲镇 2 of 3 members, the district 2 of 4.
	out = mustRun(t, "", "indicators", "show", "member.share_55_plus", "--warehouse", w, "--region", "310112", "--format", "csv")
	if !strings.Contains(out, "310112,闵行区,2024-06-30,,50.0,%,s,synthetic,2,4,") || !strings.Contains(out, "roll-up of 2 of 2 sub-regions synthetic") {
		t.Fatalf("district 55+ share:\n%s", out)
	}

	out = mustRun(t, "", "indicators", "alerts", "--warehouse", w, "--format", "csv")
	recs, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][1] != "member.share_55_plus" || recs[1][3] != "310112101" || recs[1][10] != "synthetic" {
		t.Fatalf("alerts (only 甲镇 is over 50%%, on synthetic data):\n%s", out)
	}

	code, _, errs := run(t, "", "indicators", "show", "urban.nope", "--warehouse", w)
	if code != 2 || !strings.Contains(errs, `no indicator "urban.nope"`) {
		t.Fatalf("show of an unknown code: exit %d, %q", code, errs)
	}
	code, _, errs = run(t, "", "indicators", "show", "urban.rate_resident", "--warehouse", w, "--vintage", "census_2020")
	if code != 2 || !strings.Contains(errs, "has first_release for region 000000") {
		t.Fatalf("show of a missing vintage: exit %d, %q", code, errs)
	}
}

// The preferred vintage ends in 2023; 2024 exists only as a first release:
// show --from 2024 prints it from that vintage, at the published precision,
// with its status symbol and the legend, and says so.
func TestShowNewerVintageAndStatus(t *testing.T) {
	w := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	mustRun(t, "", "sql", "--write", "--warehouse", w, `
		INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES ('000000', '全国', 0, 'country', NULL);
		INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop, status) VALUES
			('000000', 2022, 'NBS_data_portal_revised', 1411750000, 920710000, 'revised'),
			('000000', 2023, 'NBS_data_portal_revised', 1409670000, 932670000, 'revised'),
			('000000', 2023, 'first_release', 1409670000, 932670000, 'preliminary'),
			('000000', 2024, 'first_release', 1408280000, 943500000, 'preliminary');
		INSERT INTO footnote (indicator, region_code, period, note_zh) VALUES
			('urban.rate_resident', '000000', '2024', '2024年为统计公报初步数');`)
	mustRun(t, "", "indicators", "compute", "--warehouse", w, "urban.rate_resident")
	out := mustRun(t, "", "indicators", "show", "urban.rate_resident", "--region", "000000", "--from", "2024", "--warehouse", w)
	for _, want := range []string{"NBS_data_portal_revised has no value for 2024, shown from first_release",
		"2024    first_release   67.0  %     p    preliminary", " p ", "preliminary", "(1 row)", "p 快报数 (preliminary)",
		"newer than the NBS_data_portal_revised series, from first_release", "2024年为统计公报初步数"} {
		if !strings.Contains(out, want) {
			t.Errorf("show --from 2024 lacks %q:\n%s", want, out)
		}
	}
	out = mustRun(t, "", "indicators", "show", "urban.rate_resident", "--region", "000000", "--from", "2022", "--warehouse", w)
	for _, want := range []string{"2022    NBS_data_portal_revised   65.2", "2023    NBS_data_portal_revised   66.2", "(3 rows)", "r 修订数 (revised)  p 快报数 (preliminary)"} {
		if !strings.Contains(out, want) {
			t.Errorf("show --from 2022 lacks %q:\n%s", want, out)
		}
	}
	// The export: the value as published with its symbol, full precision
	// beside it, and the legend of the symbols in a sheet of its own.
	xl := filepath.Join(t.TempDir(), "i.xlsx")
	mustRun(t, "", "export", "indicators", "--warehouse", w, "--out", xl)
	f, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("指标数据")
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	var found bool
	for n, r := range rows[1:] {
		if r[col["时期"]] != "2024" || r[col["指标代码"]] != "urban.rate_resident" {
			continue
		}
		found = true
		cell, _ := excelize.CoordinatesToCellName(col["数值"]+1, n+2)
		shown, _ := f.GetCellValue("指标数据", cell) // formatted as Excel shows it
		if typ, _ := f.GetCellType("指标数据", cell); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("数值 %s is text, not a number Excel can sum", cell)
		}
		if shown != "67.0" || r[col["标志"]] != "p" || r[col["数据状态"]] != "快报数" ||
			!strings.HasPrefix(r[col["数值（全精度）"]], "66.9966") || r[col["数据口径"]] != "first_release" ||
			!strings.Contains(r[col["数据说明"]], "首选口径尚无该期数据，取自first_release") || r[col["脚注"]] != "2024年为统计公报初步数" {
			t.Errorf("2024 row of the export: shown %q, %v", shown, r)
		}
	}
	if !found {
		t.Errorf("the export has no 2024 value:\n%v", rows)
	}
	legend, err := f.GetRows("符号说明")
	if err != nil || len(legend) < 6 || !slices.ContainsFunc(legend, func(r []string) bool { return len(r) > 1 && r[0] == "p" && r[1] == "快报数" }) {
		t.Errorf("legend sheet: %v %v", legend, err)
	}

	// An explicit vintage shows that vintage only; none in the years asked
	// says which vintage has them.
	out = mustRun(t, "", "indicators", "show", "urban.rate_resident", "--region", "000000", "--from", "2024",
		"--vintage", "NBS_data_portal_revised", "--warehouse", w)
	if !strings.Contains(out, "(0 rows)") || !strings.Contains(out, "other vintages have: first_release (2024; --vintage first_release)") {
		t.Errorf("show --vintage NBS_data_portal_revised --from 2024:\n%s", out)
	}
}

func TestIndicatorsWorklistAndExport(t *testing.T) {
	w := indicatorFixture(t)
	mustRun(t, "", "indicators", "compute", "--warehouse", w)

	out := mustRun(t, "", "indicators", "worklist", "--warehouse", w, "--format", "csv", "--region", "310112")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][3] != "组织编号" || recs[1][3] != "o1" || recs[2][3] != "o2" || recs[1][10] != "示例数据（synthetic）" || recs[1][9] != "否" {
		t.Fatalf("work list (o1 with 6 members, then o2 with 3; not o4 with 2 nor o3 with an organisation):\n%s", out)
	}
	out = mustRun(t, "", "indicators", "worklist", "--warehouse", w, "--format", "csv", "--region", "310112102")
	if strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("work list of 乙镇 should be empty:\n%s", out)
	}

	dir := t.TempDir()
	xlsx := filepath.Join(dir, "ind.xlsx")
	mustRun(t, "", "export", "indicators", "--warehouse", w, "--out", xlsx, "--region", "310112")
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "指标数据,指标说明,符号说明" {
		t.Fatalf("sheets %s", got)
	}
	rows, err := x.GetRows("指标数据")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "指标代码" || rows[0][2] != "单位" || rows[0][7] != "数值" {
		t.Fatalf("header %v", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] == "org.coverage_economic" && r[3] == "310112" {
			found = true
			// 1 of 4 non-public enterprises has a party organisation.
			// Shown as published, one decimal; synthetic, and so marked s.
			if r[2] != "%" || r[7] != "25.0" || r[8] != "s" || r[9] != "示例数据" || !slices.Contains(r, "合成数据（演示用）") {
				t.Fatalf("economic coverage row %v", r)
			}
		}
		if r[3] == "000000" {
			t.Fatalf("a national row in an export of 310112: %v", r)
		}
	}
	if !found {
		t.Fatal("no economic coverage row for 310112")
	}
	about, _ := x.GetRows("指标说明")
	if len(about) != 37 {
		t.Fatalf("指标说明 has %d rows, want 37", len(about))
	}

	csvPath := filepath.Join(dir, "ind.csv")
	mustRun(t, "", "export", "indicators", "--warehouse", w, "--format", "csv", "--out", csvPath)
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeff指标代码,指标名称,单位,")) {
		t.Fatalf("csv starts %q", b[:40])
	}
}

func TestLintIndicators(t *testing.T) {
	dir := t.TempDir()
	ind := filepath.Join(dir, "sql", "indicators")
	if err := os.MkdirAll(ind, 0o755); err != nil {
		t.Fatal(err)
	}
	header := `-- @code: test.%s
-- @name_zh: 测试
-- @name_en: Test
-- @unit: %%
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: a
-- @denominator: b
-- @source_tables: %s
-- @period: year
`
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(ind, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := func(code, tables string) string {
		return strings.Replace(strings.Replace(header, "%s", code, 1), "%s", tables, 1)
	}
	write("test.good.sql", strings.ReplaceAll(f("good", "population"), "%%", "%")+
		"SELECT region_code, CAST(year AS VARCHAR) AS period, urban_resident_pop AS numerator, resident_pop AS denominator FROM population\n")
	write("test.badcol.sql", strings.ReplaceAll(f("badcol", "population"), "%%", "%")+
		"SELECT region_code, CAST(year AS VARCHAR) AS period, urban_pop AS numerator, resident_pop AS denominator FROM population\n")
	write("test.shape.sql", strings.ReplaceAll(f("shape", "populations"), "%%", "%")+
		"SELECT region_code, year AS period, 1 AS numerator FROM population\n")
	write("test.header.sql", "-- @code: test.header\n-- @colour: blue\nSELECT 1\n")

	code, out, _ := run(t, "", "lint", dir)
	if code != 1 {
		t.Fatalf("lint exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{
		filepath.Join("sql", "indicators", "test.badcol.sql") + ":12:1: ",
		`"urban_pop"`,
		filepath.Join("sql", "indicators", "test.shape.sql") + `:10: @source_tables: the warehouse has no table "populations"`,
		filepath.Join("sql", "indicators", "test.shape.sql") + ":12:1: the query returns no denominator column",
		filepath.Join("sql", "indicators", "test.header.sql") + ":2:4: unknown key @colour",
		filepath.Join("sql", "indicators", "test.header.sql") + ":1: missing @name_zh",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "test.good.sql") {
		t.Errorf("lint complains about the good definition:\n%s", out)
	}
}
