package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// pipelineProject writes a project with one population pipeline whose input
// has one row with urban > total (synthetic figures).
func pipelineProject(t *testing.T, threshold string) (project, wh string) {
	t.Helper()
	project = t.TempDir()
	wh = fixture(t)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(project, "pipelines"), 0o755))
	must(os.WriteFile(filepath.Join(project, "pop.csv"), []byte("区划代码,年份,常住人口,城镇人口\n"+
		"310112001,2023,12.5,11.0\n310112001,2024,12.9,13.4\n310112501,2024,3.0,2.1\n"), 0o644))
	must(os.WriteFile(filepath.Join(project, "pipelines", "pop.yaml"), []byte(`source:
  kind: csv
  path: pop.csv
  columns:
    - {name: region_code, from: 区划代码}
    - {name: year, from: 年份, type: int}
    - {name: resident_pop, from: 常住人口, type: float, unit: 万人}
    - {name: urban_resident_pop, from: 城镇人口, type: float, unit: 万人}
    - {name: is_synthetic, type: bool, value: "true"}
target:
  table: population
  partition_by: [region_code, year]
reject_threshold: `+threshold+`
validate:
  columns:
    region_code: {region_level: 4}
  checks:
    - {sql: urban_resident_pop <= resident_pop, message: 城镇人口大于常住人口}
`), 0o644))
	return project, wh
}

func TestRunQuarantineAndRuns(t *testing.T) {
	project, wh := pipelineProject(t, "50%")
	out := mustRun(t, "", "run", "pop", "--project", project, "--warehouse", wh)
	if !strings.Contains(out, "succeeded") || !strings.Contains(out, "see grassroots quarantine 1") {
		t.Fatalf("run printed:\n%s", out)
	}
	out = mustRun(t, "", "run", "pop", "--project", project, "--warehouse", wh)
	if !strings.Contains(out, "skipped") || !strings.Contains(out, "unchanged since run 1") {
		t.Fatalf("second run printed:\n%s", out)
	}
	out = mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv", "select region_code, year, resident_pop from population order by all")
	if out != "region_code,year,resident_pop\n310112001,2023,125000\n310112501,2024,30000\n" {
		t.Fatalf("population after the run:\n%s", out)
	}
	out = mustRun(t, "", "quarantine", "1", "--warehouse", wh, "--format", "csv")
	want := "文件,行号,区划代码,年份,常住人口,城镇人口,原因\npop.csv,3,310112001,2024,12.9,13.4,城镇人口大于常住人口 (urban_resident_pop <= resident_pop)\n"
	if out != want {
		t.Fatalf("quarantine csv:\n%s\nwant:\n%s", out, want)
	}
	x := filepath.Join(t.TempDir(), "q.xlsx")
	mustRun(t, "", "quarantine", "1", "--warehouse", wh, "--format", "xlsx", "--out", x)
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("隔离行")
	f.Close()
	if len(rows) != 2 || rows[0][6] != "原因" || rows[1][2] != "310112001" {
		t.Fatalf("quarantine workbook rows: %q", rows)
	}
	out = mustRun(t, "", "runs", "pop", "--warehouse", wh, "--format", "csv")
	if !strings.Contains(out, ",skipped,0,0,0,") || !strings.Contains(out, ",succeeded,3,2,1,") {
		t.Fatalf("runs:\n%s", out)
	}
}

func TestRunOverThresholdFails(t *testing.T) {
	project, wh := pipelineProject(t, "1%")
	code, out, errs := run(t, "", "run", "pop", "--project", project, "--warehouse", wh)
	if code != 1 || !strings.Contains(out, "1 of 3 rows (33.33%) failed validation") || !strings.Contains(errs, "1 of 1 runs failed") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if n := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv", "select count(*) n from population"); n != "n\n0\n" {
		t.Fatalf("a failed run loaded rows: %s", n)
	}
	// Every row read is quarantined: read 3 = loaded 0 + quarantined 3.
	if out := mustRun(t, "", "runs", "pop", "--warehouse", wh, "--format", "csv"); !strings.Contains(out, ",failed,3,0,3,") {
		t.Fatalf("runs after the failed run:\n%s", out)
	}
	// The table shows the rejected row and counts the held-back ones.
	q := mustRun(t, "", "quarantine", "1", "--warehouse", wh)
	if !strings.Contains(q, "城镇人口大于常住人口") || strings.Contains(q, "not loaded: the run failed") ||
		!strings.Contains(q, "2 valid rows were held back, not loaded because the run failed: "+
			"33.3% of rows rejected (1 of 3), over the 1% threshold") {
		t.Fatalf("the failed run's quarantine:\n%s", q)
	}
	// The export for the sender lists every row with its reason, rejected first.
	held := `"not loaded: the run failed — 33.3% of rows rejected (1 of 3), over the 1% threshold"`
	want := "文件,行号,区划代码,年份,常住人口,城镇人口,原因\n" +
		"pop.csv,3,310112001,2024,12.9,13.4,城镇人口大于常住人口 (urban_resident_pop <= resident_pop)\n" +
		"pop.csv,2,,,,," + held + "\npop.csv,4,,,,," + held + "\n"
	if q := mustRun(t, "", "quarantine", "1", "--warehouse", wh, "--format", "csv"); q != want {
		t.Fatalf("quarantine csv of the failed run:\n%s\nwant:\n%s", q, want)
	}
	x := filepath.Join(t.TempDir(), "q.xlsx")
	if out := mustRun(t, "", "quarantine", "1", "--warehouse", wh, "--format", "xlsx", "--out", x); !strings.Contains(out,
		"1 rejected rows and 2 valid rows held back of run 1 (pop) written to") {
		t.Fatalf("quarantine --out said: %s", out)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("隔离行")
	f.Close()
	if len(rows) != 4 || rows[1][1] != "3" || rows[2][1] != "2" || !strings.HasPrefix(rows[3][len(rows[3])-1], "not loaded: the run failed") {
		t.Fatalf("quarantine workbook rows: %q", rows)
	}
}

func TestLintPipelines(t *testing.T) {
	project, _ := pipelineProject(t, "1%")
	if out := mustRun(t, "", "lint", project); !strings.Contains(out, "no problems") {
		t.Fatalf("lint of a good project:\n%s", out)
	}
	if out := mustRun(t, "", "lint", "--project", project); !strings.Contains(out, "no problems") {
		t.Fatalf("lint --project of a good project:\n%s", out)
	}
	bad := `source:
  kind: csv
  path: missing.csv
  columns:
    - {name: region_code, from: 区划代码}
    - {name: townname, from: 地区}
target:
  table: population
  partiton_by: [region_code]
`
	if err := os.WriteFile(filepath.Join(project, "pipelines", "bad.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "", "lint", project)
	want := filepath.Join(project, "pipelines", "bad.yaml") + `:9:3: unknown key "partiton_by"`
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("exit %d, lint printed:\n%s\nwant a line %s", code, out, want)
	}
	bad = strings.Replace(bad, "partiton_by", "partition_by", 1)
	os.WriteFile(filepath.Join(project, "pipelines", "bad.yaml"), []byte(bad), 0o644)
	_, out, _ = run(t, "", "lint", project)
	for _, w := range []string{`bad.yaml:3:9: source.path: input missing.csv not found`,
		`bad.yaml:6:14: source.columns[1].name: table population has no column "townname"`} {
		if !strings.Contains(out, w) {
			t.Errorf("lint output lacks %q:\n%s", w, out)
		}
	}
}

// refreshingProject is pipelineProject whose pipeline refreshes the
// resident urbanisation rate after each run.
func refreshingProject(t *testing.T) (project, wh string) {
	t.Helper()
	project, wh = pipelineProject(t, "50%")
	yaml := filepath.Join(project, "pipelines", "pop.yaml")
	b, err := os.ReadFile(yaml)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(yaml, append(b, "refresh:\n  indicators: [urban.rate_resident]\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	return project, wh
}

// The indicators a run refreshes are computed in a run of their own, after
// the pipeline's run commits; the pipeline's run records that its refresh is
// done.
func TestRunRefreshesIndicatorsInARunOfTheirOwn(t *testing.T) {
	project, wh := refreshingProject(t)
	out := mustRun(t, "", "run", "pop", "--project", project, "--warehouse", wh)
	if !strings.Contains(out, "succeeded") || strings.Contains(out, "loaded; refresh") {
		t.Fatalf("run printed:\n%s", out)
	}
	got := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		`select run_id, count(*) > 0 as has_values from indicator_value where indicator = 'urban.rate_resident' group by 1`)
	if got != "run_id,has_values\n2,true\n" {
		t.Fatalf("indicator values by run:\n%s", got)
	}
	got = mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		`select run_id, pipeline, trigger, status, refresh from _run order by 1`)
	if got != "run_id,pipeline,trigger,status,refresh\n1,pop,cli,succeeded,done\n2,indicators,cli,succeeded,\n3,audit,cli,succeeded,\n" {
		t.Fatalf("runs recorded:\n%s", got)
	}
}

// A run's refresh audits what it loaded: a row whose urban and rural
// residents do not add up to its residents passes the row checks, is
// loaded, and the audit after the refresh raises it as an alert; the
// corrected file clears it.
func TestRunRefreshAuditsAndRaisesAlerts(t *testing.T) {
	project, wh := refreshingProject(t)
	yaml := filepath.Join(project, "pipelines", "pop.yaml")
	b, err := os.ReadFile(yaml)
	if err != nil {
		t.Fatal(err)
	}
	spec := strings.Replace(string(b), "    - {name: is_synthetic", "    - {name: rural_resident_pop, from: 乡村人口, type: float, unit: 万人}\n    - {name: is_synthetic", 1)
	write := func(rows string) {
		t.Helper()
		if err := os.WriteFile(yaml, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(project, "pop.csv"), []byte("区划代码,年份,常住人口,城镇人口,乡村人口\n"+rows), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("310112001,2024,12.9,11.0,2.5\n310112501,2024,3.0,2.1,0.9\n")
	mustRun(t, "", "run", "pop", "--project", project, "--warehouse", wh)
	alerts := mustRun(t, "", "indicators", "alerts", "--warehouse", wh, "--format", "csv")
	if !strings.Contains(alerts, "audit:population.urban_rural_sum") || !strings.Contains(alerts, "310112001") || strings.Contains(alerts, "310112501") {
		t.Fatalf("alerts after a run loading a row that does not add up:\n%s", alerts)
	}
	write("310112001,2024,12.9,11.0,1.9\n310112501,2024,3.0,2.1,0.9\n")
	mustRun(t, "", "run", "pop", "--project", project, "--warehouse", wh)
	if alerts := mustRun(t, "", "indicators", "alerts", "--warehouse", wh, "--format", "csv"); strings.Contains(alerts, "audit:") {
		t.Fatalf("the corrected file left an audit alert:\n%s", alerts)
	}
}
