package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAuditPrintsAndWrites: grassroots audit prints the findings, errors
// first, with region, period, figures, rule and what to check, and writes
// the page (every data string escaped) and the workbook, which reads back
// with one row per finding.
func TestAuditPrintsAndWrites(t *testing.T) {
	w := fixture(t)
	mustRun(t, "", "sql", "--write", "--warehouse", w, `INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
		('310112002', '<i>测试</i>街道', 4, 'township', '310112')`)
	// Made-up figures: 2020 of the first township has urban + rural ≠
	// resident (an error); the second's population jumps by half (a notice).
	mustRun(t, "", "sql", "--write", "--warehouse", w, `INSERT INTO population_history (region_code, year, vintage,
		resident_pop, urban_resident_pop, rural_resident_pop, is_synthetic) VALUES
		('310112001', 2019, 't', 100000, 90000, 10000, true),
		('310112001', 2020, 't', 101000, 91000, 19000, true),
		('310112002', 2019, 't', 50000, 40000, 10000, false),
		('310112002', 2020, 't', 75000, 60000, 15000, false)`)
	out := filepath.Join(t.TempDir(), "site")
	stdout := mustRun(t, "", "audit", "--warehouse", w, "--out", out)
	for _, want := range []string{
		"2 条结果，错误 1，提示 1",
		"错误（1 条）\n  310112001 江川路街道  2020  口径 t  [示例数据 synthetic]\n    城镇与乡村常住人口之和不等于常住人口 [population.urban_rural_sum]\n    常住人口 101000人，城镇 + 乡村常住人口 110000人，相差 -9000人（容差 0.1%）\n    建议核查：",
		"提示（1 条）\n  310112002 <i>测试</i>街道  2020  口径 t\n    常住人口年变动过大 [population.resident_change]\n    常住人口 2019 50000人 → 2020 75000人，变动 +50 %（阈值 25 %）",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Index(stdout, "错误（") > strings.Index(stdout, "提示（") {
		t.Error("notices printed before errors")
	}
	page, err := os.ReadFile(filepath.Join(out, "audit.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{"数据审核报告", "&lt;i&gt;测试&lt;/i&gt;街道", "建议核查：", "示例数据 / synthetic", "@page { size: A4"} {
		if !strings.Contains(html, want) {
			t.Errorf("audit.html lacks %q", want)
		}
	}
	if strings.Contains(html, "<i>测试") || strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Error("audit.html holds an unescaped data string or an internet address")
	}
	x, err := excelize.OpenFile(filepath.Join(out, "audit.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("数据审核")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows in audit.xlsx, want a header and 2 findings: %q", len(rows), rows)
	}
	if rows[1][0] != "错误" || rows[1][1] != "310112001" || rows[1][3] != "2020" || rows[1][11] != "示例数据 synthetic" ||
		rows[2][0] != "提示" || rows[2][2] != "<i>测试</i>街道" || rows[2][11] != "真实数据" {
		t.Errorf("audit.xlsx rows: %q", rows[1:])
	}

	// --region and --period keep one region's findings of one period; the
	// alert of the error is listed with the others.
	stdout = mustRun(t, "", "audit", "--warehouse", w, "--out", out, "--region", "310112002", "--period", "2020")
	if !strings.Contains(stdout, "1 条结果，提示 1") || strings.Contains(stdout, "江川路街道") {
		t.Errorf("filtered audit:\n%s", stdout)
	}
	// written beside the whole audit, never over it
	if _, err := os.Stat(filepath.Join(out, "audit-310112002-2020.xlsx")); err != nil {
		t.Errorf("the filtered list: %v", err)
	}
	if whole, _ := os.ReadFile(filepath.Join(out, "audit.html")); !strings.Contains(string(whole), "江川路街道") {
		t.Error("the filtered audit replaced the whole one in audit.html")
	}
	alerts := mustRun(t, "", "indicators", "alerts", "--warehouse", w)
	if !strings.Contains(alerts, "audit:population.urban_rural_sum") || !strings.Contains(alerts, "310112001") {
		t.Errorf("the error raised no alert:\n%s", alerts)
	}
}

func TestLintAuditRules(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sql", "audit"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "-- @code: x.y\n-- @title_zh: 标题\n-- @severity: error\n-- @kind: sum\n-- @checks: c\n-- @advice: a\n-- @source_tables: population\nSELECT 1"
	if err := os.WriteFile(filepath.Join(dir, "sql", "audit", "x.y.sql"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := run(t, "", "lint", dir)
	if code == 0 || !strings.Contains(stdout, filepath.Join("sql", "audit", "x.y.sql")+":4: @kind sum needs a @tolerance") {
		t.Errorf("lint exit %d:\n%s", code, stdout)
	}
}
