package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyDir copies the files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readSite reads every file of a rendered site.
func readSite(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameSite(a, b map[string]string) (string, bool) {
	for f, s := range a {
		if b[f] != s {
			return f, false
		}
	}
	for f := range b {
		if _, ok := a[f]; !ok {
			return f, false
		}
	}
	return "", true
}

// TestRevertAndAsOf, on a copy of the demo warehouse: reverting the latest
// population run takes its rows out and recomputes the indicators; the
// report changes; rendered --as-of the moment of the first report, it is
// that report again, byte for byte; sql, indicators show and export read
// the past too.
func TestRevertAndAsOf(t *testing.T) {
	demo, _ := sharedDemo(t)
	dir := t.TempDir()
	copyDir(t, demo, dir)
	wh := filepath.Join(dir, "grassroots.duckdb")
	q := func(args ...string) string {
		return mustRun(t, "", append([]string{"sql", "--warehouse", wh, "--format", "csv"}, args...)...)
	}
	before := filepath.Join(dir, "site-before")
	mustRun(t, "", "report", "--warehouse", wh, "--out", before)
	time.Sleep(10 * time.Millisecond)
	issued := time.Now().Format(time.RFC3339Nano)
	time.Sleep(10 * time.Millisecond)
	countBefore := q("select count(*) from population where is_synthetic")
	showBefore := mustRun(t, "", "indicators", "show", "urban.rate_resident", "--warehouse", wh, "--region", "310112", "--format", "csv")

	id := strings.TrimSpace(strings.TrimPrefix(q("select max(run_id) as id from _run where pipeline = 'demo_population' and status = 'succeeded'"), "id\n"))
	loaded := strings.TrimSpace(strings.TrimPrefix(q("select rows_loaded as n from _run where run_id = "+id), "n\n"))
	out := mustRun(t, "", "runs", "revert", id, "--warehouse", wh)
	if !strings.Contains(out, "population") || !strings.Contains(out, "rows of run "+id+" out") || !strings.Contains(out, "reverted by run") {
		t.Fatalf("revert printed:\n%s", out)
	}
	if again, _, errs := run(t, "", "runs", "revert", id, "--warehouse", wh); again == 0 || !strings.Contains(errs, "reverted it already") {
		t.Fatalf("a second revert of run %s: exit %d, %s", id, again, errs)
	}
	runs := mustRun(t, "", "runs", "--warehouse", wh, "--format", "csv")
	if !strings.Contains(runs, "reverted by run") || !strings.Contains(runs, ",revert,cli,") {
		t.Fatalf("runs after the revert:\n%s", runs)
	}
	countAfter := q("select count(*) from population where is_synthetic")
	if countAfter == countBefore {
		t.Fatalf("the revert of run %s (%s rows) left population as it was: %s", id, loaded, countAfter)
	}

	after := filepath.Join(dir, "site-after")
	mustRun(t, "", "report", "--warehouse", wh, "--out", after)
	if _, same := sameSite(readSite(t, before), readSite(t, after)); same {
		t.Fatal("the report is the same after the revert: the test proves nothing")
	}
	asOf := filepath.Join(dir, "site-as-of")
	mustRun(t, "", "report", "--warehouse", wh, "--out", asOf, "--as-of", issued)
	if f, same := sameSite(readSite(t, before), readSite(t, asOf)); !same {
		t.Fatalf("the report rendered --as-of %s differs from the one issued then in %s", issued, f)
	}
	if got := q("--as-of", issued, "select count(*) from population where is_synthetic"); got != countBefore {
		t.Fatalf("sql --as-of: %s, want %s", got, countBefore)
	}
	if got := mustRun(t, "", "indicators", "show", "urban.rate_resident", "--warehouse", wh, "--region", "310112",
		"--format", "csv", "--as-of", issued); got != showBefore {
		t.Fatalf("indicators show --as-of:\n%s\nwant\n%s", got, showBefore)
	}
	if code, _, errs := run(t, "", "sql", "--warehouse", wh, "--write", "--as-of", issued, "select 1"); code != 2 || !strings.Contains(errs, "--as-of") {
		t.Fatalf("sql --write --as-of: exit %d, %s", code, errs)
	}
	xlsx := filepath.Join(dir, "past.xlsx")
	mustRun(t, "", "export", "indicators", "--warehouse", wh, "--format", "xlsx", "--out", xlsx, "--as-of", issued)
	if st, err := os.Stat(xlsx); err != nil || st.Size() == 0 {
		t.Fatalf("export --as-of: %v", err)
	}

	// The reverted run's input is no longer "unchanged since the last
	// success": the next run loads it again.
	if again := mustRun(t, "", "run", "demo_population", "--project", dir, "--warehouse", wh); strings.Contains(again, "skipped") {
		t.Fatalf("after the revert the pipeline skips its input:\n%s", again)
	}
	if got := q("select count(*) from population where is_synthetic"); got != countBefore {
		t.Fatalf("after the revert and a new run: %s, want %s", got, countBefore)
	}
	// --as-of a year of the data, not of the warehouse, is refused saying so.
	if code, _, errs := run(t, "", "sql", "--warehouse", wh, "--as-of", "2020-01-01", "select 1"); code != 1 ||
		!strings.Contains(errs, "not a year of the data") {
		t.Fatalf("--as-of 2020-01-01: exit %d, %s", code, errs)
	}

	// Vacuum with a retention of 0 days drops the replaced rows: the past
	// before now can no longer be read, nor runs before it reverted.
	out = mustRun(t, "", "vacuum", "--warehouse", wh, "--set-retention", "0")
	if !strings.Contains(out, "replaced rows dropped") {
		t.Fatalf("vacuum printed:\n%s", out)
	}
	if left := q("select count(*) as n from population_history where superseded_by is not null"); left != "n\n0\n" {
		t.Fatalf("replaced rows after vacuum: %s", left)
	}
	if got := q("select count(*) from population where is_synthetic"); got != countBefore {
		t.Fatalf("vacuum changed the current rows: %s, want %s", got, countBefore)
	}
	if code, _, errs := run(t, "", "sql", "--warehouse", wh, "--as-of", issued, "select 1"); code != 1 || !strings.Contains(errs, "was vacuumed") {
		t.Fatalf("--as-of before the vacuum: exit %d, %s", code, errs)
	}
	last := strings.TrimSpace(strings.TrimPrefix(q("select max(run_id) as id from _run where pipeline = 'demo_population' and status = 'succeeded'"), "id\n"))
	if code, _, errs := run(t, "", "runs", "revert", last, "--warehouse", wh); code != 1 || !strings.Contains(errs, "vacuumed") {
		t.Fatalf("revert of a run before the vacuum: exit %d, %s", code, errs)
	}
	if code, _, errs := run(t, "", "vacuum", "--warehouse", wh, "--set-retention", "-5"); code != 2 {
		t.Fatalf("vacuum --set-retention -5: exit %d, %s", code, errs)
	}
}
