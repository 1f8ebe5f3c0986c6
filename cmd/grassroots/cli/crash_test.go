package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// child starts `grassroots ARGS` as a process of its own (this test binary,
// see TestMain), with extra environment variables.
func child(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--"}, args...)...)
	cmd.Env = append(append(os.Environ(), "GRASSROOTS_TEST_CLI=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// crashProject writes a project whose one pipeline loads n rows into one
// partition (year 2000) of intl_series: large enough that its transaction
// and commit take measurable time.
func crashProject(t *testing.T, n int) (project, wh string, write func(k int) float64) {
	t.Helper()
	project = t.TempDir()
	wh = filepath.Join(project, "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", wh)
	if err := os.MkdirAll(filepath.Join(project, "pipelines"), 0o755); err != nil {
		t.Fatal(err)
	}
	spec := `source:
  kind: csv
  path: series.csv
  columns:
    - {name: iso3, from: iso3}
    - {name: year, from: year, type: int}
    - {name: series_code, from: series, type: string}
    - {name: value, from: value, type: float}
target:
  table: intl_series
  partition_by: [year]
`
	if err := os.WriteFile(filepath.Join(project, "pipelines", "series.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	// write makes the input with every value multiplied by k and returns
	// the sum of the values it holds.
	write = func(k int) float64 {
		var b bytes.Buffer
		b.WriteString("iso3,year,series,value\n")
		sum := 0.0
		for i := range n {
			v := float64(i%1000) * float64(k)
			sum += v
			fmt.Fprintf(&b, "X%06d,2000,TEST,%g\n", i, v)
		}
		if err := os.WriteFile(filepath.Join(project, "series.csv"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return sum
	}
	return project, wh, write
}

// partition reads what readers see of the loaded partition: rows, runs
// they come from, sum of values.
func partition(t *testing.T, wh string) (rows, runs int, sum float64) {
	t.Helper()
	out := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		"select count(*), count(distinct run_id), coalesce(sum(value), 0) from intl_series where year = 2000")
	f := strings.Split(strings.Split(strings.TrimSpace(out), "\n")[1], ",")
	rows, _ = strconv.Atoi(f[0])
	runs, _ = strconv.Atoi(f[1])
	sum, _ = strconv.ParseFloat(f[2], 64)
	return rows, runs, sum
}

// TestKilledRunsLeaveOneRunPerPartition kills `grassroots run` with SIGKILL
// at points spread over the whole run — timed from its measured duration,
// and at each write that matters (after the insert, after the replace,
// just before and just after the transaction's COMMIT, just after the run's
// own commit point) — and checks after each kill that a reader sees the
// partition holding exactly the rows of one run, the old one if the run
// shows as interrupted and the new one if it shows as succeeded; then that
// the next run succeeds.
func TestKilledRunsLeaveOneRunPerPartition(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: not in -short")
	}
	const n = 150_000
	project, wh, write := crashProject(t, n)
	args := []string{"run", "series", "--project", project, "--warehouse", wh, "--force"}
	sums := map[int]float64{1: write(1)}
	if code, out, errs := run(t, "", args...); code != 0 {
		t.Fatalf("first run: exit %d\n%s%s", code, out, errs)
	}
	before := sums[1]

	// How long a run takes, measured on this machine now.
	start := time.Now()
	cmd, out := child(t, nil, args...)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("timing run: %v\n%s", err, out)
	}
	took := time.Since(start)
	t.Logf("a run of %d rows takes %v", n, took)

	type kill struct {
		after time.Duration // a timed kill
		point string        // or a failpoint
	}
	var kills []kill
	const timed = 20
	for i := range timed {
		kills = append(kills, kill{after: took * time.Duration(i+1) / (timed + 1)})
	}
	for _, p := range []string{"load:inserted", "load:replaced", "update:before-commit", "update:committed", "run:committed"} {
		kills = append(kills, kill{point: p})
	}
	interrupted, succeeded, timedHits := 0, 0, 0
	for i, k := range kills {
		mult := i + 2
		sums[mult] = write(mult)
		var env []string
		if k.point != "" {
			env = []string{"GRASSROOTS_FAILPOINT=" + k.point}
		}
		last := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv", "select max(run_id) from _run")
		last = strings.TrimSpace(last[strings.Index(last, "\n")+1:])
		cmd, out := child(t, env, args...)
		if k.point == "" {
			time.Sleep(k.after)
			_ = cmd.Process.Kill()
		}
		err := cmd.Wait()
		what := fmt.Sprintf("kill %d (%v%s)", i+1, k.after, k.point)

		// Readers see one run's rows, before any writer has recovered.
		rows, runs, sum := partition(t, wh)
		if rows != n || runs != 1 || (sum != before && sum != sums[mult]) {
			t.Fatalf("%s: the partition holds %d rows from %d runs, sum %g (want %d rows of one run, sum %g or %g)\n%s",
				what, rows, runs, sum, n, before, sums[mult], out)
		}
		// The next writer to open the file recovers; the run's record
		// agrees with what readers see.
		mustRun(t, "", "init", "--no-reference", "--warehouse", wh)
		status := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
			"select coalesce(max(status), 'not begun') as status from _run where pipeline = 'series' and run_id > "+last)
		status = strings.TrimSpace(strings.TrimPrefix(status, "status\n"))
		switch {
		case status == "not begun" && sum == before && err != nil:
			// killed before the run was recorded
		case status == "interrupted" && sum == before && err != nil:
			interrupted++
			if k.point == "" {
				timedHits++
			}
		case status == "succeeded" && sum == sums[mult]:
			succeeded++
			before = sum
		default:
			t.Fatalf("%s: run status %q (process: %v) but the partition sums to %g (before %g, this run %g)",
				what, status, err, sum, before, sums[mult])
		}
		if strings.Contains(out.String(), "panic") {
			t.Fatalf("%s: %s", what, out)
		}
	}
	t.Logf("%d kills: %d runs interrupted (%d by a timed kill), %d had committed", len(kills), interrupted, timedHits, succeeded)
	// On a busy machine more timed kills land before the run begins or
	// after it ends; some must land inside it.
	if timedHits < 3 {
		t.Errorf("only %d of %d timed kills hit a run before its commit: the kills are not spread over the run", timedHits, timed)
	}

	// The history holds no row of an interrupted run after recovery.
	left := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		"select count(*) from intl_series_history where run_id in (select run_id from _run where status = 'interrupted')")
	if left != "count_star()\n0\n" {
		t.Errorf("rows of interrupted runs left in the history after recovery: %s", left)
	}
	// And the next run succeeds.
	final := write(1000)
	mustRun(t, "", args...)
	if rows, runs, sum := partition(t, wh); rows != n || runs != 1 || sum != final {
		t.Fatalf("after the kills a run loads %d rows from %d runs, sum %g, want %d, 1, %g", rows, runs, sum, n, final)
	}
}

// TestKilledRefreshIsRedone: a run whose indicator refresh is killed keeps
// its data, shows its indicators as stale, and the next run of the pipeline
// — although its input is unchanged and it loads nothing — redoes the
// refresh.
func TestKilledRefreshIsRedone(t *testing.T) {
	for _, point := range []string{"update:before-commit@2", "update:committed@2", "run:committed@2"} {
		t.Run(point, func(t *testing.T) {
			project, wh := refreshingProject(t)
			args := []string{"run", "pop", "--project", project, "--warehouse", wh}
			cmd, out := child(t, []string{"GRASSROOTS_FAILPOINT=" + point}, args...)
			if err := cmd.Wait(); err == nil {
				t.Fatalf("the failpoint did not kill the run:\n%s", out)
			}
			runs := mustRun(t, "", "runs", "--warehouse", wh, "--format", "csv")
			if !strings.Contains(runs, ",pop,cli,") || !strings.Contains(runs, ",succeeded,") ||
				!strings.Contains(runs, "pending: indicators stale until the next run of pop") {
				t.Fatalf("runs after a killed refresh:\n%s", runs)
			}
			values := func() string {
				return mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
					"select count(*) from indicator_value where indicator = 'urban.rate_resident' and region_code = '310112001'")
			}
			if point != "run:committed@2" && values() != "count_star()\n0\n" {
				t.Fatalf("indicator values of a refresh that never committed are seen: %s", values())
			}
			again := mustRun(t, "", args...)
			if !strings.Contains(again, "skipped") {
				t.Fatalf("second run:\n%s", again)
			}
			if values() == "count_star()\n0\n" {
				t.Fatalf("the refresh was not redone:\n%s", mustRun(t, "", "runs", "--warehouse", wh))
			}
			runs = mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
				"select refresh from _run where pipeline = 'pop' and status = 'succeeded'")
			if runs != "refresh\ndone\n" {
				t.Fatalf("refresh state after it was redone:\n%s", runs)
			}
		})
	}
}
