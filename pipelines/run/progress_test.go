package run

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"grassroots/sources/progress"
	"grassroots/sql/warehouse"
)

// recorder is an observer that keeps what it was told.
type recorder struct {
	mu                sync.Mutex
	started, finished []progress.Snapshot
}

func (r *recorder) Started(c *progress.Counters) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = append(r.started, c.Snapshot())
}

func (r *recorder) Finished(c *progress.Counters) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = append(r.finished, c.Snapshot())
}

// TestProgressCountsTheRun: the observer is told of a run as it starts and
// when it ends, and by then the counters say what the outcome says — rows
// read, quarantined, and every byte of the input read of its known size —
// for a local file and for a URL (whose copy is read).
func TestProgressCountsTheRun(t *testing.T) {
	const csv = "区划代码,年份,常住人口,城镇人口\n310112001,2023,8.36,7.65\n999999999,2023,1.00,0.50\n310112006,2023,24.09,15.06\n"
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.Write([]byte(csv)) }))
	defer srv.Close()
	project := t.TempDir()
	if err := os.WriteFile(filepath.Join(project, "pop.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, source string }{
		{"local file", "path: pop.csv"},
		{"URL", "url: " + srv.URL + "/pop.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWarehouse(t)
			s := parseSpec(t, "pop", "description: 常住人口\nreject_threshold: 50%\nsource:\n  kind: csv\n  "+tc.source+popColumns)
			rec := &recorder{}
			out := runOnce(t, s, Options{Project: project, Warehouse: w, Progress: rec})
			if out.Status != warehouse.StatusSucceeded || out.Read != 3 || out.Quarantined != 1 {
				t.Fatalf("run: %s, %d read, %d quarantined, %v", out.Status, out.Read, out.Quarantined, out.Err)
			}
			if len(rec.started) != 1 || len(rec.finished) != 1 {
				t.Fatalf("told of %d starts and %d ends, want 1 each", len(rec.started), len(rec.finished))
			}
			st, fin := rec.started[0], rec.finished[0]
			if st.Pipeline != "pop" || st.Description != "常住人口" || st.Phase != progress.Starting || st.Rows != 0 {
				t.Errorf("at the start: %+v", st)
			}
			if fin.Phase != progress.Writing || fin.Rows != out.Read || fin.Quarantined != out.Quarantined {
				t.Errorf("at the end: %s, %d rows, %d quarantined; the outcome says %d read, %d quarantined",
					fin.Phase, fin.Rows, fin.Quarantined, out.Read, out.Quarantined)
			}
			if fin.Bytes != int64(len(csv)) || fin.Size != int64(len(csv)) {
				t.Errorf("at the end: %d of %d bytes read, want %d of %d", fin.Bytes, fin.Size, len(csv), len(csv))
			}
		})
	}
}

// A run without an observer counts nothing and runs as before; Run with one
// over a backfill tells it of each period.
func TestProgressPerPeriod(t *testing.T) {
	project := t.TempDir()
	for _, y := range []string{"2022", "2023"} {
		csv := "区划代码,年份,常住人口,城镇人口\n310112001," + y + ",8.36,7.65\n"
		if err := os.WriteFile(filepath.Join(project, "pop_"+y+".csv"), []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := newWarehouse(t)
	s := parseSpec(t, "pop", "periods: 2022..2023\nsource:\n  kind: csv\n  path: pop_{year}.csv"+popColumns)
	rec := &recorder{}
	outs, err := Run(context.Background(), s, Options{Project: project, Warehouse: w, Periods: []string{"2022", "2023"}, Progress: rec})
	if err != nil || len(outs) != 2 {
		t.Fatalf("backfill: %d outcomes, %v", len(outs), err)
	}
	if len(rec.finished) != 2 || rec.finished[0].Period != "2022" || rec.finished[1].Period != "2023" ||
		rec.finished[1].Rows != 1 {
		t.Fatalf("told of %+v", rec.finished)
	}
}
