package schedule

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"grassroots/pipelines/spec"
	"grassroots/sources/progress"
)

// observed counts what an observer is told.
type observed struct {
	mu                sync.Mutex
	started, finished int
}

func (o *observed) Started(*progress.Counters) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.started++
}

func (o *observed) Finished(*progress.Counters) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.finished++
}

// TestProgressLoggedAtDebug: while a scheduled run loads, the daemon logs
// its progress at Debug every ProgressEvery, and tells its Progress
// observer of the run.
func TestProgressLoggedAtDebug(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 400,000 rows")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pipelines"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "big.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString("iso3,year,value\n")
	for i := range 400_000 {
		fmt.Fprintf(bw, "X%05d,%d,%d.5\n", i/60, 1960+i%60, i)
	}
	bw.Flush()
	f.Close()
	yaml := `source:
  kind: csv
  path: big.csv
  columns:
    - {name: iso3, from: iso3}
    - {name: year, from: year, type: int}
    - {name: value, from: value, type: float}
    - {name: series_code, value: TEST.SYNTHETIC}
target:
  table: intl_series
  partition_by: [series_code]
schedule:
  cron: "@every 1s"
`
	if err := os.WriteFile(filepath.Join(dir, "pipelines", "big.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	specs, err := spec.LoadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	obs := &observed{}
	d := &Daemon{Project: dir, Warehouse: tempWarehouse(t), Specs: specs, NoSnapshot: true, Force: true,
		Log:      slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Progress: obs, ProgressEvery: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error)
	go func() { served <- d.Serve(ctx) }()
	line := regexp.MustCompile(`msg="run progress" pipeline=big phase=reading rows=(\d+) quarantined=0 bytes=\d+ of_bytes=\d+`)
	deadline := time.Now().Add(time.Minute)
	for seen := false; !seen; {
		for _, m := range line.FindAllStringSubmatch(logs.String(), -1) {
			if n, _ := strconv.Atoi(m[1]); n > 0 {
				seen = true
			}
		}
		if seen {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			<-served
			t.Fatalf("no progress logged while the run read rows:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.started == 0 || obs.finished != obs.started {
		t.Errorf("the observer was told of %d starts and %d ends", obs.started, obs.finished)
	}
}
