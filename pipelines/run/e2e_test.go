package run

import (
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"

	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
	"grassroots/sql/warehouse"
)

var update = flag.Bool("update", false, "rewrite the expected files of the end-to-end cases")

// testSalt makes hashed ids reproducible in the expected files.
const testSalt = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"

// TestEndToEnd runs every case directory under testdata/e2e. A case holds:
//
//	pipeline.yaml       the pipeline (named after the case directory)
//	inputs/…            the files it reads
//	setup.sql           optional statements run first, after testdata/regions.sql
//	                    (the region codes every case validates against)
//	steps               optional, one per line: run [--force] [--period P] |
//	                    copy FROM TO (replace an input between runs); default "run"
//	expected/runs.txt   one line per run: status, rows read/loaded/quarantined, error
//	expected/<table>.csv  the target table afterwards (without run_id), sorted
//	expected/quarantine.csv  every quarantined row with its reasons
//	expected/error.txt  instead of the above, for a spec that does not load:
//	                    every problem as path:line:col: message
//
// Run with -update to rewrite the expected files, then read the diff.
func TestEndToEnd(t *testing.T) {
	cases, err := filepath.Glob("testdata/e2e/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 10 {
		t.Fatalf("found %d end-to-end cases, want at least 10", len(cases))
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) { runCase(t, dir) })
	}
}

func runCase(t *testing.T, dir string) {
	ctx := context.Background()
	name := filepath.Base(dir)
	project := t.TempDir()
	if err := os.CopyFS(project, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	specFile := filepath.Join(project, "pipeline.yaml")
	b, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("pipeline.yaml", b)
	if ps := spec.ProblemsOf(err); ps != nil {
		check(t, dir, "error.txt", ps.Error()+"\n")
		return
	} else if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "expected", "error.txt")); err == nil {
		t.Fatalf("the spec loaded, but the case expects an error")
	}
	s.Name = name

	whPath := filepath.Join(project, "w.duckdb")
	if err := os.WriteFile(SaltFile(whPath), []byte(testSalt), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, whPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join("testdata", "regions.sql"), filepath.Join(project, "setup.sql")} {
		if setup, err := os.ReadFile(f); err == nil {
			if _, err := w.DB().ExecContext(ctx, string(setup)); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	}
	steps := []string{"run"}
	if b, err := os.ReadFile(filepath.Join(project, "steps")); err == nil {
		steps = nil
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				steps = append(steps, l)
			}
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	var runs strings.Builder
	for _, step := range steps {
		f := strings.Fields(step)
		switch f[0] {
		case "copy":
			data, err := os.ReadFile(filepath.Join(project, f[1]))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(project, f[2]), data, 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&runs, "# %s\n", step)
			continue
		case "run":
		default:
			t.Fatalf("steps: unknown step %q", step)
		}
		o := Options{Project: project, Warehouse: w, Mem: mem}
		for i := 1; i < len(f); i++ {
			switch f[i] {
			case "--force":
				o.Force = true
			case "--period":
				i++
				p, err := spec.ParsePeriods(f[i])
				if err != nil {
					t.Fatal(err)
				}
				o.Periods = p
			default:
				t.Fatalf("steps: unknown flag %q", f[i])
			}
		}
		outs, runErr := Run(ctx, s, o)
		fmt.Fprintf(&runs, "# %s\n", step)
		if len(outs) == 0 && runErr != nil {
			fmt.Fprintf(&runs, "error: %s\n", clean(runErr.Error(), project))
		}
		for _, out := range outs {
			fmt.Fprintf(&runs, "run %d%s: %s read=%d loaded=%d quarantined=%d replaced=%d",
				out.RunID, periodSuffix(out.Period), out.Status, out.Read, out.Loaded, out.Quarantined, out.Replaced)
			if out.Note != "" {
				fmt.Fprintf(&runs, " (%s)", out.Note)
			}
			if out.Err != nil {
				fmt.Fprintf(&runs, "\n  error: %s", clean(out.Err.Error(), project))
			}
			runs.WriteString("\n")
			// The record in _run says the same.
			var status string
			var read, loaded, quar int64
			if err := w.DB().QueryRow(`SELECT status, rows_read, rows_loaded, rows_quarantined FROM _run WHERE run_id = ?`,
				out.RunID).Scan(&status, &read, &loaded, &quar); err != nil {
				t.Fatal(err)
			}
			if status != out.Status || read != out.Read || loaded != out.Loaded || quar != out.Quarantined {
				t.Errorf("run %d recorded as %s %d/%d/%d, outcome says %s %d/%d/%d", out.RunID,
					status, read, loaded, quar, out.Status, out.Read, out.Loaded, out.Quarantined)
			}
			if read != loaded+quar {
				t.Errorf("run %d (%s): read %d != loaded %d + quarantined %d", out.RunID, status, read, loaded, quar)
			}
			var inTable int64
			if err := w.DB().QueryRow(`SELECT count(*) FROM _quarantine WHERE run_id = ?`, out.RunID).Scan(&inTable); err != nil {
				t.Fatal(err)
			}
			if inTable != quar {
				t.Errorf("run %d records %d quarantined rows, _quarantine has %d", out.RunID, quar, inTable)
			}
		}
	}
	mem.AssertSize(t, 0)
	check(t, dir, "runs.txt", runs.String())
	check(t, dir, s.Target.Table+".csv", dump(t, w.DB(), fmt.Sprintf(`SELECT * EXCLUDE (run_id) FROM %s ORDER BY ALL`, s.Target.Table)))
	check(t, dir, "quarantine.csv", dump(t, w.DB(), `SELECT run_id, file, row_number, raw, reasons FROM _quarantine ORDER BY run_id, row_number`))
}

func clean(s, project string) string {
	return strings.ReplaceAll(s, project, "$PROJECT")
}

// dump renders a query's result as CSV with a header.
func dump(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write(cols)
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				rec[i] = "NULL"
			case interface{ Format(string) string }:
				rec[i] = v.Format("2006-01-02")
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return b.String()
}

// check compares got with dir/expected/name (or writes it with -update).
func check(t *testing.T, dir, name, got string) {
	t.Helper()
	p := filepath.Join(dir, "expected", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from expected/%s:\n--- want\n%s\n--- got\n%s", dir, name, want, got)
	}
}
