package cli

import (
	"archive/zip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"grassroots/pipelines"
	"grassroots/pipelines/collect"
	"grassroots/pipelines/spec"
)

// returnsProject is a project whose warehouse (home region 闵行区 310112)
// holds the region codes to township level, with the demo's population
// pipelines: the GBK CSV one and the one reading returned workbooks.
func returnsProject(t *testing.T) (proj, wh string) {
	t.Helper()
	proj = t.TempDir()
	wh = filepath.Join(proj, "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", wh, "--region", "310112")
	if _, err := pipelines.WriteReference(proj); err != nil {
		t.Fatal(err)
	}
	for _, p := range pipelines.Demo() {
		if p.Name == "demo_population" || p.Name == "demo_population_returns" {
			if err := os.WriteFile(filepath.Join(proj, spec.Dir, p.File), p.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	mustRun(t, "", "run", "refdata_region", "refdata_region_township", "--project", proj, "--warehouse", wh)
	if err := os.MkdirAll(filepath.Join(proj, "inputs", "returns"), 0o755); err != nil {
		t.Fatal(err)
	}
	return proj, wh
}

// grassroots template demo_population --region 310112 writes the return
// layout (the demo_population pipeline reads a CSV export; its returns
// pipeline reads workbooks): the 14 townships of 闵行区 pre-filled, working
// drop-downs and number ranges over the cells to fill, the header and
// pre-filled cells locked, the sheet protected without a password. Fourteen
// filled copies, two with mistakes, load in one run with the mistakes
// quarantined by file and row; status lists who returned, and who not.
func TestTemplateAndReturns(t *testing.T) {
	proj, wh := returnsProject(t)
	tplPath := filepath.Join(proj, "template.xlsx")
	out := mustRun(t, "", "template", "demo_population", "--region", "310112", "--period", "2024", "--out", tplPath,
		"--deadline", "2025年1月15日", "--contact", "区委组织部组织科", "--project", proj, "--warehouse", wh)
	for _, want := range []string{"this is the template of demo_population_returns", "wrote " + tplPath + ": 14 rows",
		"310112001_江川路街道.xlsx"} {
		if !strings.Contains(out, want) {
			t.Errorf("template output lacks %q:\n%s", want, out)
		}
	}
	// Rows the pipeline would refuse are not offered: districts for a
	// pipeline of township codes; a pipeline keyed by year needs the year.
	if code, _, errs := run(t, "", "template", "demo_population_returns", "--region", "310100", "--period", "2024",
		"--out", filepath.Join(proj, "no.xlsx"), "--project", proj, "--warehouse", wh); code != 2 || !strings.Contains(errs, "codes of level 4") {
		t.Errorf("template for the districts of 310100: exit %d, %s", code, errs)
	}
	if code, _, errs := run(t, "", "template", "demo_population_returns", "--out", filepath.Join(proj, "no.xlsx"),
		"--project", proj, "--warehouse", wh); code != 1 || !strings.Contains(errs, "--period 2024") {
		t.Errorf("template without the year: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(proj, "no.xlsx")); err == nil {
		t.Error("a refused template was written")
	}
	f, err := excelize.OpenFile(tplPath)
	if err != nil {
		t.Fatal(err)
	}
	sheet := collect.DefaultSheet
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	// Title, note, header (row 3), then one row per township.
	col := map[string]string{}
	for i, h := range rows[2] {
		name, _ := excelize.ColumnNumberToName(i + 1)
		col[h] = name
	}
	var codes []string
	for _, r := range rows[3:] {
		codes = append(codes, r[1]+" "+r[2])
	}
	if len(codes) != 14 || codes[0] != "310112001 江川路街道" || codes[13] != "310112501 莘庄工业区" || rows[3][0] != "2024" {
		t.Fatalf("rows below the header: %d %q (year %q), want the 14 townships of 310112", len(codes), codes, rows[3][0])
	}
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, dv := range dvs {
		got[dv.Sqref] = strings.TrimSpace(dv.Type + " " + dv.Operator + " " + dv.Formula1 + " " + dv.Formula2)
	}
	for header, want := range map[string]string{
		"数据状态":        `list  "快报,年报"`,
		"常住人口（人）":     "whole greaterThanOrEqual 0",
		"流动人口（人）":     "whole greaterThanOrEqual 0",
		"城市化面积（平方公里）": "decimal between 0 400",
	} {
		sq := col[header] + "4:" + col[header] + "17"
		if got[sq] != want {
			t.Errorf("validation over %s (%s) = %q, want %q; all: %v", sq, header, got[sq], want, got)
		}
	}
	if len(dvs) != 8 {
		t.Errorf("%d validations, want 8 (7 number columns and 数据状态): %v", len(dvs), got)
	}
	locked := func(cell string) bool {
		id, _ := f.GetCellStyle(sheet, cell)
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Protection == nil || st.Protection.Locked
	}
	for _, h := range rows[2] {
		if !locked(col[h] + "3") {
			t.Errorf("header %s3 (%s) is not locked", col[h], h)
		}
	}
	if !locked("B4") || !locked("C17") || locked(col["常住人口（人）"]+"4") || locked(col["数据状态"]+"17") {
		t.Errorf("pre-filled cells must be locked and the cells to fill open")
	}
	if xml := sheetXML(t, tplPath, "xl/worksheets/sheet1.xml"); !regexp.MustCompile(`<sheetProtection[^>]*sheet="(1|true)"`).MatchString(xml) ||
		strings.Contains(xml, "hashValue") || strings.Contains(xml, "password") {
		t.Errorf("sheet protection: want on, without a password: %s", regexp.MustCompile(`<sheetProtection[^>]*>`).FindString(xml))
	}
	notes, _ := f.GetRows(collect.InstructionsSheet)
	var text strings.Builder
	for _, r := range notes {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, want := range []string{"2025年1月15日", "区委组织部组织科", "常住人口（人） 常住人口 人", "城镇常住人口", "闵行区（310112）下辖14个单位"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("填报说明 lacks %q:\n%s", want, text.String())
		}
	}

	// Each township fills its own row of a copy and sends it back.
	returns := filepath.Join(proj, "inputs", "returns")
	for i, r := range rows[3:] {
		v := map[string]any{"常住人口（人）": 80000 + i*1000, "城镇常住人口（人）": 60000 + i*1000, "户籍人口（人）": 50000,
			"城镇户籍人口（人）": 40000, "流动人口（人）": 20000, "城市化面积（平方公里）": 9.5, "数据状态": "年报"}
		switch r[2] {
		case "马桥镇":
			v["城镇常住人口（人）"] = 99999 // more than its residents
		case "吴泾镇":
			v["流动人口（人）"] = -5
		}
		fillReturn(t, tplPath, filepath.Join(returns, r[1]+"_"+r[2]+".xlsx"), 4+i, col, v)
	}
	out = mustRun(t, "", "run", "demo_population_returns", "--format", "csv", "--project", proj, "--warehouse", wh)
	res := csvRecords(t, out)
	if res[0]["status"] != "succeeded" || res[0]["read"] != "14" || res[0]["loaded"] != "12" || res[0]["quarantined"] != "2" {
		t.Fatalf("the run of 14 returns: %v", res)
	}
	q := mustRun(t, "", "quarantine", res[0]["run"], "--warehouse", wh)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`inputs/returns/310112112_马桥镇\.xlsx +填报表 +15 .*城镇常住人口大于常住人口`),
		regexp.MustCompile(`inputs/returns/310112110_吴泾镇\.xlsx +填报表 +14 .*-5 is below the minimum 0`),
	} {
		if !want.MatchString(q) {
			t.Errorf("quarantine %s lacks %s:\n%s", res[0]["run"], want, q)
		}
	}
	st := mustRun(t, "", "status", "--warehouse", wh)
	if !strings.Contains(st, "returned files of demo_population_returns (run "+res[0]["run"]) || !strings.Contains(st, "; rows of 2024): 14 of 14 regions below 310112 returned") ||
		!regexp.MustCompile(`310112112 +马桥镇 +returned +inputs/returns/310112112_马桥镇\.xlsx .* 1 +1 +0 +0 +已报，1 行进隔离区：grassroots quarantine \d+\n`).MatchString(st) {
		t.Errorf("status after 14 returns:\n%s", st)
	}
	// --period shows the returns of that year: none of 2023.
	st = mustRun(t, "", "status", "--warehouse", wh, "--period", "2023")
	if !strings.Contains(st, "returned files of demo_population_returns for 2023: no successful run read files with rows of 2023; 14 regions below 310112 missing") {
		t.Errorf("status --period 2023:\n%s", st)
	}
	st = mustRun(t, "", "status", "--warehouse", wh, "--period", "2024")
	if !strings.Contains(st, "returned files of demo_population_returns for 2024 (run "+res[0]["run"]) || !strings.Contains(st, "14 of 14 regions below 310112 returned") {
		t.Errorf("status --period 2024:\n%s", st)
	}
	// csv and json are one document each: the packages, or the returns.
	var doc []map[string]any
	if js := mustRun(t, "", "status", "--warehouse", wh, "--format", "json"); json.Unmarshal([]byte(js), &doc) != nil || strings.Contains(js, "returned") {
		t.Errorf("status --format json is not one document of the packages:\n%s", js)
	}
	rs := csvRecords(t, mustRun(t, "", "status", "--returns", "--warehouse", wh, "--format", "csv", "--period", "2023,2024"))
	if len(rs) != 28 || rs[0]["pipeline"] != "demo_population_returns" || rs[0]["year"] != "2023" || rs[0]["status"] != "missing" ||
		rs[27]["year"] != "2024" || rs[27]["run"] != res[0]["run"] || rs[27]["status"] != "returned" {
		t.Errorf("status --returns --format csv --period 2023,2024: %d rows: %v", len(rs), rs)
	}

	// 浦江镇's file taken out: one run of 13 files says who is missing.
	pujiang := filepath.Join(returns, "310112114_浦江镇.xlsx")
	if err := os.Remove(pujiang); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "", "run", "demo_population_returns", "--format", "csv", "--project", proj, "--warehouse", wh)
	if res := csvRecords(t, out); res[0]["status"] != "succeeded" || res[0]["read"] != "13" {
		t.Fatalf("the run of 13 returns: %v", res)
	}
	st = mustRun(t, "", "status", "--warehouse", wh)
	if !strings.Contains(st, "13 of 14 regions below 310112 returned") || !strings.Contains(st, "missing: 310112114 浦江镇") ||
		!regexp.MustCompile(`310112114 +浦江镇 +missing`).MatchString(st) {
		t.Errorf("status after 13 returns:\n%s", st)
	}

	// A text file named as a workbook fails the run, named; nothing loads.
	if err := os.WriteFile(pujiang, []byte("区划代码,常住人口\n310112114,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "run", "demo_population_returns", "--project", proj, "--warehouse", wh)
	if code != 1 || !strings.Contains(out+errs, "1 of the 14 files could not be read") || !strings.Contains(out+errs, "310112114_浦江镇.xlsx") {
		t.Errorf("a broken file: exit %d\n%s\n%s", code, out, errs)
	}
	st = mustRun(t, "", "status", "--warehouse", wh)
	if !strings.Contains(st, "13 of 14 regions below 310112 returned") || !strings.Contains(st, "failed and loaded nothing") {
		t.Errorf("status after a failed run:\n%s", st)
	}

	// Another load replaces 江川路街道's row and vacuum drops the replaced
	// one: it was loaded from the return all the same, and is no longer.
	if err := os.WriteFile(filepath.Join(proj, "inputs", "fix.csv"), []byte("年份,区划代码,常住人口\n2024,310112001,81000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, spec.Dir, "fix.yaml"), []byte(`description: 更正（示例数据，synthetic）
source:
  kind: csv
  path: inputs/fix.csv
  columns:
    - {name: year, from: 年份, type: int}
    - {name: region_code, from: 区划代码}
    - {name: resident_pop, from: 常住人口, type: int}
    - {name: vintage, value: demo}
    - {name: is_synthetic, type: bool, value: "true"}
target:
  table: population
  partition_by: [region_code, year, vintage]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "run", "fix", "--project", proj, "--warehouse", wh)
	mustRun(t, "", "vacuum", "--set-retention", "0", "--warehouse", wh)
	rs = csvRecords(t, mustRun(t, "", "status", "--returns", "--warehouse", wh, "--format", "csv"))
	for _, r := range rs {
		want := "1 1"
		if r["region"] == "310112001" {
			want = "1 0"
		} else if r["status"] == "missing" {
			want = " 1" // 浦江镇: its rows of the first run are still loaded
		}
		if got := r["loaded"] + " " + r["still_loaded"]; got != want && r["name"] != "马桥镇" && r["name"] != "吴泾镇" {
			t.Errorf("after a replacing load and vacuum, %s %s loaded, still loaded: %q, want %q", r["region"], r["name"], got, want)
		}
	}

	// The district's report site draws the returns; the reports of a member
	// or organisation register it does not have are left out, not drawn empty.
	site := filepath.Join(proj, "site")
	out = mustRun(t, "", "report", "--warehouse", wh, "--out", site)
	if !strings.Contains(out, "region pages: 1 county, ") || !strings.Contains(out, "district.html") ||
		strings.Contains(out, "members.html") || strings.Contains(out, "organisations.html") {
		t.Errorf("report of a project with returns only:\n%s", out)
	}
}

// fillReturn copies the template at from to to with row's cells set.
func fillReturn(t *testing.T, from, to string, row int, col map[string]string, v map[string]any) {
	t.Helper()
	f, err := excelize.OpenFile(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for h, x := range v {
		c, ok := col[h]
		if !ok {
			t.Fatalf("the template has no column %q", h)
		}
		if err := f.SetCellValue(collect.DefaultSheet, c+strconv.Itoa(row), x); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(to); err != nil {
		t.Fatal(err)
	}
}

// sheetXML is one part of a workbook file.
func sheetXML(t *testing.T, path, part string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == part {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return string(b)
		}
	}
	t.Fatalf("%s has no %s", path, part)
	return ""
}

// csvRecords reads CSV output with a header into maps.
func csvRecords(t *testing.T, out string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("not CSV with a header and rows (%v):\n%s", err, out)
	}
	var res []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		res = append(res, m)
	}
	return res
}
