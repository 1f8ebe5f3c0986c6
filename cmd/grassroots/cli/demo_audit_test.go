package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoAudit: the demo's audit lists the deliberate mistakes of the demo
// inputs that pass row validation (2016 rural population with two digits
// swapped; 2018 urban hukou population with a digit dropped, and the jump
// back in 2019), and what the bundled reference data do not add up to: the
// 2010 census row of 西沙群岛 prints 444 residents, all urban, and 45 rural.
// Nothing else: no finding on data that agree.
func TestDemoAudit(t *testing.T) {
	dir, out := sharedDemo(t)
	if !strings.Contains(out, "audit (数据审核, rules in sql/audit):\n  10 rules: 4 findings (2 errors, raised as alerts; 3 on synthetic demo data)") {
		t.Errorf("demo output lacks the audit stage:\n%s", out)
	}
	w := filepath.Join(dir, "grassroots.duckdb")
	got := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv",
		`SELECT rule, region_code, period, vintage, series, severity, is_synthetic, figures FROM audit_finding ORDER BY severity, rule, period`)
	want := "rule,region_code,period,vintage,series,severity,is_synthetic,figures\n" +
		"census.urban_rural_sum,460321,2010,census_2010,,error,false,常住人口 444人，城镇 + 乡村人口 489人，相差 -45人（容差 0）\n" +
		"population.urban_rural_sum,310112114,2016,demo,,error,true,常住人口 290646人，城镇 + 乡村常住人口 291546人，相差 -900人（容差 0.1%）\n" +
		"urban.rate_change,310112101,2018,demo,urban.rate_hukou,notice,true,城镇化率 2017 92.49% → 2018 9.29%，变动 -83.21 pp（阈值 8 pp）\n" +
		"urban.rate_change,310112101,2019,demo,urban.rate_hukou,notice,true,城镇化率 2018 9.29% → 2019 93.27%，变动 +83.98 pp（阈值 8 pp）\n"
	if got != want {
		t.Errorf("demo findings:\n%s\nwant:\n%s", got, want)
	}
	// The site renders the audit report and links it from the index.
	index, err := os.ReadFile(filepath.Join(dir, "reports", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// The demo's warehouse is the district's (home 闵行区): its audit
	// report lists the district's findings, and says the reference data's
	// finding elsewhere (西沙群岛) is left out and how to see it.
	if !strings.Contains(string(index), `<a href="audit.html">数据审核报告</a>：最近一次审核发现 3 条问题`) {
		t.Error("index.html does not link the audit report")
	}
	page, err := os.ReadFile(filepath.Join(dir, "reports", "audit.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"闵行区", "浦江镇", "莘庄镇", "示例数据 / synthetic", "本地区以外另有 1 条结果", "grassroots audit --region 000000"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("audit.html lacks %q", want)
		}
	}
	if strings.Contains(string(page), "西沙群岛") {
		t.Error("the district's audit report lists 西沙群岛")
	}
	// Fast enough to run after every refresh (on a copy: other tests read
	// the shared demo as the demo left it).
	b, err := os.ReadFile(w)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "grassroots.duckdb")
	if err := os.WriteFile(cp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out = mustRun(t, "", "audit", "--warehouse", cp, "--out", t.TempDir())
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("grassroots audit of the demo warehouse took %s", d)
	}
	if !strings.Contains(out, "3 条结果") || !strings.Contains(out, "本地区以外另有 1 条结果") {
		t.Errorf("grassroots audit of the district:\n%s", out)
	}
	// The whole country's audit has the census's own mistake.
	out = mustRun(t, "", "audit", "--warehouse", cp, "--region", "000000", "--out", t.TempDir())
	if !strings.Contains(out, "460321 西沙群岛") || !strings.Contains(out, "普查表第 2279 行") || !strings.Contains(out, "4 条结果") {
		t.Errorf("grassroots audit --region 000000:\n%s", out)
	}
}
