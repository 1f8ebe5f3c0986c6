package run

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"grassroots/sql/warehouse"
)

// A run stopped while its input is still downloading is in the run history
// as interrupted: the run is recorded before its input is fetched.
func TestRunCancelledWhileDownloadingIsRecorded(t *testing.T) {
	w := newWarehouse(t)
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Write([]byte("区划代码,年份,常住人口,城镇人口\n"))
		rw.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done() // the body never ends
	}))
	defer srv.Close()
	s := parseSpec(t, "pop", "source:\n  kind: csv\n  url: "+srv.URL+"/pop.csv\n"+popColumns)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	outs, _ := Run(ctx, s, Options{Project: t.TempDir(), Warehouse: w})
	if len(outs) != 1 || outs[0].Status != warehouse.StatusInterrupted {
		t.Fatalf("outcomes %+v, want one interrupted run", outs)
	}
	runs, err := w.Runs(context.Background(), warehouse.RunFilter{Pipeline: "pop"})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Status != warehouse.StatusInterrupted || runs[0].ID != outs[0].RunID {
		t.Fatalf("run history %+v, want the interrupted run", runs)
	}
}

// An input with no data rows never empties a table a pipeline replaces
// whole, unless the pipeline says allow_empty.
func TestEmptyInputDoesNotEmptyTheTable(t *testing.T) {
	w := newWarehouse(t)
	project := t.TempDir()
	write := func(body string) {
		if err := os.WriteFile(filepath.Join(project, "series.csv"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	spec := func(extra string) string {
		return `source:
  kind: csv
  path: series.csv
  columns:
    - {name: iso3, from: iso3}
    - {name: year, from: year, type: int}
    - {name: series_code, from: series}
    - {name: value, from: value, type: float}
target:
  table: intl_series
  replace_all: true
` + extra
	}
	count := func() int {
		var n int
		if err := w.DB().QueryRow(`SELECT count(*) FROM intl_series`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	write("iso3,year,series,value\nCHN,2020,X,1\nIND,2020,X,2\n")
	if out := runOnce(t, parseSpec(t, "series", spec("")), Options{Project: project, Warehouse: w}); out.Err != nil {
		t.Fatal(out.Err)
	}
	write("iso3,year,series,value\n")
	out := runOnce(t, parseSpec(t, "series", spec("")), Options{Project: project, Warehouse: w})
	if out.Status != warehouse.StatusFailed || out.Err == nil || !strings.Contains(out.Err.Error(), "has no data rows") ||
		!strings.Contains(out.Err.Error(), "allow_empty") {
		t.Fatalf("header-only input: %s %v", out.Status, out.Err)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d rows after a header-only input, want the 2 loaded before", n)
	}
	out = runOnce(t, parseSpec(t, "series", spec("  allow_empty: true\n")), Options{Project: project, Warehouse: w})
	if out.Err != nil || count() != 0 {
		t.Fatalf("allow_empty: %v, %d rows left", out.Err, count())
	}
}

// An integer beyond the range of its warehouse column is rejected with a
// reason, row by row; DuckDB would fail the whole load naming no row.
func TestIntegerOutOfColumnRangeIsQuarantined(t *testing.T) {
	w := newWarehouse(t)
	project := t.TempDir()
	csv := "code,name,members\nP1,一支部,12\nP2,二支部,3000000000\nP3,三支部,-2147483649\nP4,四支部,9223372036854775807\n"
	if err := os.WriteFile(filepath.Join(project, "orgs.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, "orgs", `source:
  kind: csv
  path: orgs.csv
  columns:
    - {name: org_code, from: code}
    - {name: name, from: name}
    - {name: members, from: members, type: int}
    - {name: snapshot_date, type: date, value: "2024-12-31"}
    - {name: region_code, type: string, value: "310112001"}
    - {name: kind, type: string, value: branch}
target:
  table: party_org
  partition_by: [snapshot_date]
reject_threshold: 100%
`)
	out := runOnce(t, s, Options{Project: project, Warehouse: w})
	if out.Err != nil || out.Loaded != 1 || out.Quarantined != 3 {
		t.Fatalf("run: %s loaded %d quarantined %d: %v", out.Status, out.Loaded, out.Quarantined, out.Err)
	}
	var reasons string
	if err := w.DB().QueryRow(`SELECT string_agg(reasons, ' | ' ORDER BY row_number) FROM _quarantine`).Scan(&reasons); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3000000000 is out of range for the warehouse column members (INTEGER: -2147483648 to 2147483647)", "9223372036854775807 is out of range",
		"-2147483649 is out of range"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons %q lack %q", reasons, want)
		}
	}
}
