package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"grassroots/pipelines/collect"
)

// A new user's trial: 梅陇镇 sent its file, but typed its code wrong, so its
// one row was quarantined and no loaded row carries 310112108. The file was
// read: 梅陇镇 returned, with a row in the quarantine. A file named for no
// township and carrying no township's code is listed by its name.
func TestStatusReturnsAsAUserSeesThem(t *testing.T) {
	proj, wh := returnsProject(t)
	tplPath := filepath.Join(proj, "template.xlsx")
	mustRun(t, "", "template", "demo_population", "--region", "310112", "--period", "2024", "--out", tplPath,
		"--project", proj, "--warehouse", wh)
	f, err := excelize.OpenFile(tplPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(collect.DefaultSheet)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]string{}
	for i, h := range rows[2] {
		name, _ := excelize.ColumnNumberToName(i + 1)
		col[h] = name
	}
	returns := filepath.Join(proj, "inputs", "returns")
	fill := func(i int, name string, code string) {
		v := map[string]any{"常住人口（人）": 80000 + i*1000, "城镇常住人口（人）": 60000, "户籍人口（人）": 50000,
			"城镇户籍人口（人）": 40000, "流动人口（人）": 20000, "城市化面积（平方公里）": 9.5, "数据状态": "年报"}
		if code != "" {
			v["区划代码"] = code
		}
		fillReturn(t, tplPath, filepath.Join(returns, name), 4+i, col, v)
	}
	for i, r := range rows[3:] {
		code := ""
		if r[2] == "梅陇镇" {
			code = "310112180" // mistyped: not a township's code
		}
		fill(i, r[1]+"_"+r[2]+".xlsx", code)
	}
	fill(0, "补充材料.xlsx", "310112999") // no township's name, no township's code
	out := mustRun(t, "", "run", "demo_population_returns", "--format", "csv", "--project", proj, "--warehouse", wh)
	res := csvRecords(t, out)
	run1 := res[0]["run"]
	if res[0]["status"] != "succeeded" || res[0]["read"] != "15" || res[0]["quarantined"] != "2" {
		t.Fatalf("the run of 15 files: %v", res)
	}
	st := mustRun(t, "", "status", "--returns", "--warehouse", wh)
	for _, want := range []string{
		"14 of 14 regions below 310112 returned",
		"已报，1 行进隔离区：grassroots quarantine " + run1,
		"read but matched to no region below 310112 (neither the code its name begins with nor its rows' codes): inputs/returns/补充材料.xlsx",
	} {
		if !strings.Contains(st, want) {
			t.Errorf("status --returns lacks %q:\n%s", want, st)
		}
	}
	if !regexp.MustCompile(`310112108 +梅陇镇 +returned +inputs/returns/310112108_梅陇镇\.xlsx .* 1 +1 +0 +0 +已报，1 行进隔离区`).MatchString(st) {
		t.Errorf("梅陇镇 is not shown returned with its quarantined row:\n%s", st)
	}
	if strings.Contains(st, "missing:") {
		t.Errorf("a region is called missing:\n%s", st)
	}
	rs := csvRecords(t, mustRun(t, "", "status", "--returns", "--warehouse", wh, "--format", "csv"))
	if last := rs[len(rs)-1]; len(rs) != 15 || last["status"] != "unmatched" || last["file"] != "inputs/returns/补充材料.xlsx" || last["region"] != "" {
		t.Errorf("status --returns --format csv: %d rows, the last %v", len(rs), rs[len(rs)-1])
	}

	// The hand-back tells 梅陇镇 what is wrong in Chinese; the table keeps
	// the run's own words.
	x := filepath.Join(proj, "q.xlsx")
	mustRun(t, "", "quarantine", run1, "--format", "xlsx", "--out", x, "--warehouse", wh)
	qf, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	qrows, err := qf.GetRows("隔离行")
	qf.Close()
	if err != nil {
		t.Fatal(err)
	}
	var hand strings.Builder
	for _, r := range qrows {
		hand.WriteString(strings.Join(r, " | ") + "\n")
	}
	if want := `区划代码："310112180" 区划代码不在区划表中（应为第4级，街道/乡镇）`; !strings.Contains(hand.String(), want) ||
		strings.Contains(hand.String(), "region table") {
		t.Errorf("the hand-back workbook lacks %q, or has English reasons:\n%s", want, hand.String())
	}
	if q := mustRun(t, "", "quarantine", run1, "--warehouse", wh); !strings.Contains(q, `"310112180" is not a level-4 (township) code in the region table`) {
		t.Errorf("quarantine's table does not keep the run's reason:\n%s", q)
	}

	// 浦江镇's file taken out: the next run has no rows of it, so its rows
	// of the first run stay loaded; status says both.
	if err := os.Remove(filepath.Join(returns, "310112114_浦江镇.xlsx")); err != nil {
		t.Fatal(err)
	}
	res = csvRecords(t, mustRun(t, "", "run", "demo_population_returns", "--format", "csv", "--project", proj, "--warehouse", wh))
	run2 := res[0]["run"]
	if res[0]["status"] != "succeeded" || res[0]["read"] != "14" {
		t.Fatalf("the run of 14 files: %v", res)
	}
	st = mustRun(t, "", "status", "--returns", "--warehouse", wh)
	if want := "missing: 310112114 浦江镇 (missing from run " + run2 + "; figures of run " + run1 + " still loaded)"; !strings.Contains(st, want) ||
		!regexp.MustCompile(`310112114 +浦江镇 +missing +1 +missing from run `+run2+`; figures of run `+run1+` still loaded`).MatchString(st) {
		t.Errorf("status --returns lacks %q:\n%s", want, st)
	}
	for _, r := range csvRecords(t, mustRun(t, "", "status", "--returns", "--warehouse", wh, "--format", "csv", "--period", "2024")) {
		if r["region"] == "310112114" && (r["status"] != "missing" || r["still_loaded"] != "1" || r["loaded"] != "") {
			t.Errorf("status --returns --period 2024 --format csv, 浦江镇: %v", r)
		}
	}

	// The packages part of status --period: no package came, but the
	// returns' figures are loaded — 浦江镇's of the first run too — and
	// only 梅陇镇's row, quarantined, is not.
	st = mustRun(t, "", "status", "--warehouse", wh, "--period", "2024")
	for _, want := range []string{"310112114  浦江镇      2024  no package; figures loaded", "310112108  梅陇镇      2024  missing",
		"0 of 14 reported, the figures of 13 more are loaded (returns: see below); the roll-ups above the 1 with neither are partial until every child is in"} {
		if !strings.Contains(st, want) {
			t.Errorf("status --period 2024 lacks %q:\n%s", want, st)
		}
	}
	// 梅陇镇 corrects its code and 浦江镇 sends its file again: every
	// township's figures are in, and nothing is called partial.
	for i, r := range rows[3:] {
		if r[2] == "梅陇镇" || r[2] == "浦江镇" {
			fill(i, r[1]+"_"+r[2]+".xlsx", "")
		}
	}
	mustRun(t, "", "run", "demo_population_returns", "--project", proj, "--warehouse", wh)
	// Another load replaces 江川路街道's returned row: its figures are
	// loaded all the same.
	if err := os.WriteFile(filepath.Join(proj, "inputs", "fix.csv"), []byte("年份,区划代码,常住人口\n2024,310112001,81000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "pipelines", "fix.yaml"), []byte(`description: 更正（示例数据，synthetic）
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
	st = mustRun(t, "", "status", "--warehouse", wh, "--period", "2024")
	if want := "0 of 14 reported by package; no package from the other 14 regions below, but their figures are loaded (returns: see below)"; !strings.Contains(st, want) ||
		strings.Contains(st, "partial") || strings.Contains(st, "missing") {
		t.Errorf("status --period 2024 with every return loaded: want %q, and nothing partial or missing:\n%s", want, st)
	}
}
