package run

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"grassroots/pipelines/spec"
	"grassroots/sql/warehouse"
)

// newWarehouse is a migrated warehouse in a temporary folder with the region
// codes of the end-to-end cases.
func newWarehouse(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	setup, err := os.ReadFile("testdata/regions.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, string(setup)); err != nil {
		t.Fatal(err)
	}
	return w
}

func parseSpec(t *testing.T, name, yaml string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse(name+".yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	s.Name = name
	return s
}

func runOnce(t *testing.T, s *spec.Spec, o Options) Outcome {
	t.Helper()
	outs, err := Run(context.Background(), s, o)
	if len(outs) != 1 {
		t.Fatalf("%d outcomes (%v), want 1", len(outs), err)
	}
	return outs[0]
}

func population(t *testing.T, w *warehouse.Warehouse) string {
	t.Helper()
	var n int
	var sum float64
	if err := w.DB().QueryRow(`SELECT count(*), coalesce(sum(resident_pop), 0) FROM population`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d rows, %.0f persons", n, sum)
}

const popColumns = `
  columns:
    - {name: region_code, from: 区划代码}
    - {name: year, from: 年份, type: int}
    - {name: resident_pop, from: 常住人口, type: float, unit: 万人}
    - {name: urban_resident_pop, from: 城镇人口, type: float, unit: 万人}
    - {name: is_synthetic, type: bool, value: "true"}
target:
  table: population
  partition_by: [region_code, year]
validate:
  columns:
    region_code: {required: true, region_level: 4}
`

// A CSV over HTTP is downloaded once per run: the bytes hashed are the bytes
// loaded.
func TestURLInputIsFetchedOnce(t *testing.T) {
	body, err := os.ReadFile("testdata/e2e/clean_load/inputs/pop.csv")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var gets atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		mu.Lock()
		defer mu.Unlock()
		rw.Write(body)
	}))
	defer srv.Close()
	w := newWarehouse(t)
	s := parseSpec(t, "pop_http", "source:\n  kind: csv\n  url: "+srv.URL+"/pop.csv"+popColumns)
	o := Options{Warehouse: w}

	rows := int64(strings.Count(string(body), "\n") - 1)
	out := runOnce(t, s, o)
	if out.Status != warehouse.StatusSucceeded || out.Loaded != rows || gets.Load() != 1 {
		t.Fatalf("first run: %s, %d loaded, %v; %d requests, want 1", out.Status, out.Loaded, out.Err, gets.Load())
	}
	if out.Input != srv.URL+"/pop.csv" {
		t.Errorf("input recorded as %q, want the URL", out.Input)
	}
	before := population(t, w)
	out = runOnce(t, s, o)
	if out.Status != warehouse.StatusSkipped || gets.Load() != 2 {
		t.Fatalf("unchanged input: %s (%v); %d requests, want 2", out.Status, out.Err, gets.Load())
	}
	mu.Lock()
	body = []byte(strings.Replace(string(body), "310112001,2023,8.36,", "310112001,2023,9.36,", 1))
	mu.Unlock()
	out = runOnce(t, s, o)
	if out.Status != warehouse.StatusSucceeded || gets.Load() != 3 {
		t.Fatalf("changed input: %s (%v); %d requests, want 3", out.Status, out.Err, gets.Load())
	}
	if after := population(t, w); after == before || !strings.HasPrefix(after, fmt.Sprint(rows, " rows")) {
		t.Errorf("population before %s, after the changed input %s", before, after)
	}
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "grassroots-input-*")); len(left) > 0 {
		t.Errorf("temporary copies left behind: %v", left)
	}
}

// A failing URL input names the URL, never the temporary copy.
func TestURLInputErrorsNameTheURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprint(rw, "区划代码,年份,常住人口\n310112001,2023,8.36\n")
	}))
	defer srv.Close()
	w := newWarehouse(t)
	s := parseSpec(t, "pop_http", "source:\n  kind: csv\n  url: "+srv.URL+"/pop.csv"+popColumns)
	out := runOnce(t, s, Options{Warehouse: w})
	if out.Err == nil || !strings.Contains(out.Err.Error(), srv.URL+"/pop.csv") ||
		strings.Contains(out.Err.Error(), "grassroots-input-") || !strings.Contains(out.Err.Error(), "城镇人口") {
		t.Fatalf("error: %v", out.Err)
	}
}

// Every page of a paginated API is hashed: a change on the last page is a
// changed input, and each page is fetched once per run.
func TestPaginatedInputHashesEveryPage(t *testing.T) {
	pages := [][]string{
		{`{"code":"310112001","year":2023,"pop":8.36,"urban":7.65}`, `{"code":"310112006","year":2023,"pop":24.09,"urban":15.06}`},
		{`{"code":"310112008","year":2023,"pop":17.39,"urban":12.53}`},
	}
	var mu sync.Mutex
	var gets atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		mu.Lock()
		defer mu.Unlock()
		var recs []string
		switch r.URL.Query().Get("page") {
		case "1":
			recs = pages[0]
		case "2":
			recs = pages[1]
		}
		fmt.Fprintf(rw, `{"data":[%s],"generated":"now"}`, strings.Join(recs, ","))
	}))
	defer srv.Close()
	w := newWarehouse(t)
	s := parseSpec(t, "pop_api", `source:
  kind: json
  url: `+srv.URL+`/api
  records_path: data
  pagination: {page_param: page, size_param: size, size: 2}
  columns:
    - {name: region_code, from: code}
    - {name: year, from: year, type: int}
    - {name: resident_pop, from: pop, type: float, unit: 万人}
    - {name: urban_resident_pop, from: urban, type: float, unit: 万人}
    - {name: is_synthetic, type: bool, value: "true"}
target:
  table: population
  partition_by: [region_code, year]
`)
	o := Options{Warehouse: w}
	out := runOnce(t, s, o)
	if out.Status != warehouse.StatusSucceeded || out.Loaded != 3 || gets.Load() != 2 {
		t.Fatalf("first run: %s, %d loaded, %v; %d requests, want 2", out.Status, out.Loaded, out.Err, gets.Load())
	}
	out = runOnce(t, s, o)
	if out.Status != warehouse.StatusSkipped || gets.Load() != 4 {
		t.Fatalf("unchanged pages: %s (%v); %d requests, want 4", out.Status, out.Err, gets.Load())
	}
	mu.Lock()
	pages[1][0] = `{"code":"310112008","year":2023,"pop":18.00,"urban":12.53}`
	mu.Unlock()
	out = runOnce(t, s, o)
	if out.Status != warehouse.StatusSucceeded || out.Loaded != 3 || gets.Load() != 6 {
		t.Fatalf("changed last page: %s, %d loaded, %v; %d requests, want 6", out.Status, out.Loaded, out.Err, gets.Load())
	}
	var pop float64
	if err := w.DB().QueryRow(`SELECT resident_pop FROM population WHERE region_code = '310112008'`).Scan(&pop); err != nil {
		t.Fatal(err)
	}
	if pop != 180000 {
		t.Errorf("310112008 resident_pop = %v after the changed page, want 180000", pop)
	}
}

// The refresh after a run learns that run's id and trigger.
func TestRefreshGetsTheRun(t *testing.T) {
	w := newWarehouse(t)
	project, err := filepath.Abs("testdata/e2e/clean_load")
	if err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, "pop", "source:\n  kind: csv\n  path: inputs/pop.csv"+popColumns+"refresh:\n  indicators: [auto]\n")
	var got []RunRef
	o := Options{Project: project, Warehouse: w, Trigger: "schedule",
		Refresh: func(ctx context.Context, w *warehouse.Warehouse, s *spec.Spec, by RunRef) error {
			got = append(got, by)
			return nil
		}}
	out := runOnce(t, s, o)
	if out.Status != warehouse.StatusSucceeded || len(got) != 1 || got[0] != (RunRef{ID: out.RunID, Trigger: "schedule"}) {
		t.Fatalf("run %d %s (%v); refresh called with %+v", out.RunID, out.Status, out.Err, got)
	}
	if out = runOnce(t, s, o); out.Status != warehouse.StatusSkipped || len(got) != 1 {
		t.Fatalf("a skipped run refreshed: %s, %+v", out.Status, got)
	}
}

// A few rejected rows in a large batch: the rows around them reach DuckDB as
// slices of the source's arrays, and load exactly.
func TestSparseRejectsLoadExactly(t *testing.T) {
	const n = 100000
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("区划代码,年份,常住人口,城镇人口\n")
	towns := strings.Fields(benchTownships)
	var wantRows, wantYears int64
	var wantPop float64
	for i := 0; i < n; i++ {
		pop, urban := float64(1+i%97), float64(i%50)/100
		if i%40000 == 17 {
			urban = pop + 1 // rejected
		} else {
			wantRows++
			wantYears += int64(i)
			wantPop += pop * 10000
		}
		fmt.Fprintf(&sb, "%s,%d,%g,%g\n", towns[i%len(towns)], i, pop, urban)
	}
	if err := os.WriteFile(filepath.Join(dir, "pop.csv"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	w := newWarehouse(t)
	s := parseSpec(t, "pop", "source:\n  kind: csv\n  path: pop.csv"+popColumns+
		"  unique: [region_code, year]\n  checks:\n    - {sql: urban_resident_pop <= resident_pop}\n")
	out := runOnce(t, s, Options{Project: dir, Warehouse: w})
	if out.Status != warehouse.StatusSucceeded || out.Loaded != wantRows || out.Quarantined != n-wantRows {
		t.Fatalf("%s: loaded %d, quarantined %d (%v); want %d and %d", out.Status, out.Loaded, out.Quarantined, out.Err, wantRows, n-wantRows)
	}
	var rows, years int64
	var pop float64
	if err := w.DB().QueryRow(`SELECT count(*), sum(year), sum(resident_pop) FROM population`).Scan(&rows, &years, &pop); err != nil {
		t.Fatal(err)
	}
	if rows != wantRows || years != wantYears || pop != wantPop {
		t.Fatalf("population holds %d rows, years summing to %d, %.0f persons; want %d, %d, %.0f", rows, years, pop, wantRows, wantYears, wantPop)
	}
}

// A backfill whose every period fails for the same reason says so once,
// naming the other periods, and a period that fails otherwise is told apart.
func TestBackfillFailuresToldOnce(t *testing.T) {
	w := newWarehouse(t)
	project := t.TempDir()
	if err := os.MkdirAll(filepath.Join(project, "inputs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for y, body := range map[string]string{
		"2015": "区划代码,常住人口\n310112101,20.1\n", // no 城镇人口, as in 2016 and 2017
		"2016": "区划代码,常住人口\n310112101,20.6\n",
		"2017": "区划代码,常住人口\n310112101,21.0\n",
		"2018": "区划代码,常住人口,城镇人口\n310112101,21.2,x\n", // right columns, a bad number
	} {
		if err := os.WriteFile(filepath.Join(project, "inputs", "pop_"+y+".csv"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := parseSpec(t, "pop", `source:
  kind: csv
  path: inputs/pop_{year}.csv
  columns:
    - {name: region_code, from: 区划代码}
    - {name: year, type: int, value: "{year}"}
    - {name: resident_pop, from: 常住人口, type: float, unit: 万人}
    - {name: urban_resident_pop, from: 城镇人口, type: float, unit: 万人, required: true}
target:
  table: population
  partition_by: [region_code, year]
periods: 2015..2018
reject_threshold: 0
`)
	outs, err := Run(context.Background(), s, Options{Project: project, Warehouse: w})
	if len(outs) != 4 || err == nil {
		t.Fatalf("%d outcomes, error %v", len(outs), err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per distinct failure:\n%s", len(lines), err)
	}
	if !strings.HasPrefix(lines[0], "pop [2015]: ") || !strings.Contains(lines[0], "城镇人口") ||
		!strings.HasSuffix(lines[0], " (the same for 2016, 2017)") || strings.Contains(lines[0], "pop_2016") {
		t.Errorf("first line: %s", lines[0])
	}
	if !strings.HasPrefix(lines[1], "pop [2018]: ") {
		t.Errorf("second line: %s", lines[1])
	}
}
