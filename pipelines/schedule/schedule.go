// Package schedule is the pipeline daemon: it runs every pipeline that has a
// schedule on its cron expression (robfig/cron, time zone Asia/Shanghai unless
// the spec says otherwise), never two runs of one pipeline at once, retries
// failed runs with backoff, and publishes a read-only snapshot of the
// warehouse after each successful run so that other processes can read while
// it holds the file.
//
// On shutdown (the context passed to Serve is done) it takes no new runs, lets
// a running one finish within the grace period, and otherwise cancels it; the
// cancelled run's transaction rolls back and the run is recorded as
// interrupted.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/robfig/cron/v3"

	"grassroots/pipelines/run"
	"grassroots/pipelines/spec"
	"grassroots/sources/progress"
	"grassroots/sql/warehouse"
)

// RunFunc runs one pipeline (all its periods) and returns the outcomes.
type RunFunc func(ctx context.Context, s *spec.Spec) ([]run.Outcome, error)

// Daemon runs scheduled pipelines against one warehouse, which it owns.
type Daemon struct {
	Project   string
	Warehouse *warehouse.Warehouse
	Specs     []*spec.Spec
	Log       *slog.Logger
	// Grace is how long a running run may take to finish after shutdown is
	// asked for before it is cancelled (default 30s).
	Grace time.Duration
	// Run runs a pipeline; default run.Run with trigger "schedule".
	Run RunFunc
	// Refresh is passed to run.Run (indicators and reports after a run).
	Refresh run.RefreshFunc
	// Force reloads unchanged inputs (for tests and one-off catch-ups).
	Force bool
	// NoSnapshot turns publishing off.
	NoSnapshot bool
	// Location is the default time zone (Asia/Shanghai); specs may override.
	Location *time.Location
	// Progress is told of each run the default Run makes (the live lines on
	// a terminal); may be nil.
	Progress progress.Observer
	// ProgressEvery is how often the progress of the running runs is
	// logged at Debug (default 5s).
	ProgressEvery time.Duration

	runs atomic.Int64
}

// Serve runs the schedule until ctx is done, then shuts down as described in
// the package comment and returns nil. It fails at once if no spec has a
// schedule or a schedule does not parse.
func (d *Daemon) Serve(ctx context.Context) error {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Grace <= 0 {
		d.Grace = 30 * time.Second
	}
	if d.Location == nil {
		loc, err := time.LoadLocation(spec.DefaultTimeZone)
		if err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		d.Location = loc
	}
	if d.ProgressEvery <= 0 {
		d.ProgressEvery = 5 * time.Second
	}
	root, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var board progress.Board
	if d.Run == nil {
		var obs progress.Observer = progress.Tee{&board, d.Progress}
		d.Run = func(ctx context.Context, s *spec.Spec) ([]run.Outcome, error) {
			return run.Run(ctx, s, run.Options{Project: d.Project, Warehouse: d.Warehouse, Trigger: "schedule",
				Force: d.Force, Mem: memory.DefaultAllocator, Log: d.Log, Refresh: d.Refresh, Progress: obs})
		}
	}
	logger := cronLogger{d.Log}
	c := cron.New(cron.WithLocation(d.Location), cron.WithLogger(logger))
	var names []string
	for _, s := range d.Specs {
		if strings.TrimSpace(s.Schedule.Cron) == "" {
			continue
		}
		sch, err := s.CronSchedule()
		if err != nil {
			return fmt.Errorf("schedule: %s: schedule.cron: %w", s.File, err)
		}
		s := s
		job := cron.NewChain(cron.Recover(logger), cron.SkipIfStillRunning(skipLogger{d: d, s: s})).
			Then(cron.FuncJob(func() { d.job(root, s) }))
		c.Schedule(sch, job)
		names = append(names, fmt.Sprintf("%s (%s)", s.Name, s.Schedule.Cron))
	}
	if len(names) == 0 {
		return errors.New("schedule: no pipeline has a schedule (add schedule: {cron: ...} to a spec)")
	}
	sort.Strings(names)
	if !d.NoSnapshot {
		d.publish(root)
	}
	c.Start()
	d.Log.Info("scheduler started", "warehouse", d.Warehouse.Path(), "pipelines", strings.Join(names, ", "))
	if d.Log.Enabled(ctx, slog.LevelDebug) {
		logged := make(chan struct{})
		defer func() { <-logged }()
		defer cancel()
		go func() {
			defer close(logged)
			d.logProgress(root, &board)
		}()
	}
	<-ctx.Done()
	d.Log.Info("scheduler stopping: no new runs", "grace", d.Grace.String())
	stopped := c.Stop()
	select {
	case <-stopped.Done():
	case <-time.After(d.Grace):
		d.Log.Info("grace period over: cancelling the running runs (they roll back)")
		cancel()
		<-stopped.Done()
	}
	d.Log.Info("scheduler stopped", "runs", d.runs.Load())
	return nil
}

// job runs one pipeline with retries. A panic is recorded against the run it
// broke and logged; the daemon goes on.
func (d *Daemon) job(ctx context.Context, s *spec.Spec) {
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return
		}
		failed := d.attempt(ctx, s, attempt)
		if !failed || attempt >= s.Schedule.Retries || ctx.Err() != nil {
			return
		}
		wait := s.Backoff(attempt + 1)
		d.Log.Info("retrying", "pipeline", s.Name, "retry", attempt+1, "of", s.Schedule.Retries, "in", wait.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// attempt runs the pipeline once and reports whether any run failed.
func (d *Daemon) attempt(ctx context.Context, s *spec.Spec, attempt int) (failed bool) {
	defer func() {
		if p := recover(); p != nil {
			failed = true
			err := fmt.Errorf("panic: %v", p)
			d.Log.Error("run panicked", "pipeline", s.Name, "error", err, "stack", string(debug.Stack()))
			d.failRunning(s.Name, err)
		}
	}()
	d.Log.Debug("run starting", "pipeline", s.Name, "attempt", attempt+1)
	outs, err := d.Run(ctx, s)
	published := false
	for _, o := range outs {
		d.runs.Add(1)
		args := []any{"pipeline", s.Name, "run", o.RunID, "status", o.Status, "read", o.Read,
			"loaded", o.Loaded, "quarantined", o.Quarantined, "seconds", roundSec(o.Duration)}
		if o.Period != "" {
			args = append(args, "period", o.Period)
		}
		if o.Note != "" {
			args = append(args, "note", o.Note)
		}
		if o.Err != nil {
			args = append(args, "error", o.Err.Error())
		}
		if o.RefreshErr != nil {
			args = append(args, "refresh_error", o.RefreshErr.Error())
		}
		d.Log.Info("run", args...)
		if o.Status == warehouse.StatusFailed {
			failed = true
		}
		if o.Status == warehouse.StatusSucceeded && !published && !d.NoSnapshot {
			published = true
			defer d.publish(ctx)
		}
	}
	if len(outs) == 0 && err != nil {
		d.Log.Info("run", "pipeline", s.Name, "status", warehouse.StatusFailed, "error", err.Error())
		failed = true
	}
	return failed
}

func roundSec(t time.Duration) float64 { return float64(t.Milliseconds()) / 1000 }

// logProgress logs at Debug, every d.ProgressEvery until ctx is done, how far
// each running run has got.
func (d *Daemon) logProgress(ctx context.Context, b *progress.Board) {
	t := time.NewTicker(d.ProgressEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, s := range b.Snapshots() {
			args := []any{"pipeline", s.Pipeline, "phase", s.Phase.String(), "rows", s.Rows,
				"quarantined", s.Quarantined, "bytes", s.Bytes}
			if s.Period != "" {
				args = append(args, "period", s.Period)
			}
			if s.Size >= 0 {
				args = append(args, "of_bytes", s.Size)
			}
			if r := s.RowsPerSecond(); r > 0 {
				args = append(args, "rows_per_second", int64(r))
			}
			if left, ok := s.ETA(); ok {
				args = append(args, "eta_seconds", roundSec(left))
			}
			args = append(args, "seconds", roundSec(s.Elapsed))
			d.Log.Debug("run progress", args...)
		}
	}
}

func (d *Daemon) publish(ctx context.Context) {
	start := time.Now()
	p, err := Publish(context.WithoutCancel(ctx), d.Warehouse)
	if err != nil {
		d.Log.Error("snapshot not published", "error", err)
		return
	}
	d.Log.Debug("snapshot published", "path", p, "seconds", roundSec(time.Since(start)))
}

// failRunning records the runs of pipeline still marked running (this
// process is the only writer and runs one run of a pipeline at a time, so
// they are the ones the panic cut off).
func (d *Daemon) failRunning(pipeline string, cause error) {
	ctx := context.Background()
	rows, err := d.Warehouse.DB().QueryContext(ctx, `SELECT run_id FROM _run WHERE pipeline = ? AND status = 'running'`, pipeline)
	if err != nil {
		d.Log.Error("cannot record the panicked run", "pipeline", pipeline, "error", err)
		return
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	for _, id := range ids {
		if err := d.Warehouse.FinishRun(ctx, id, warehouse.RunResult{Status: warehouse.StatusFailed, Err: cause}); err != nil {
			d.Log.Error("cannot record the panicked run", "run", id, "error", err)
		}
	}
}

// cronLogger adapts slog to cron.Logger: cron's own chatter is Debug, its
// errors (recovered panics) Error.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"error", err}, kv...)...)
}

// skipLogger is the logger SkipIfStillRunning reports a skipped tick to; it
// knows the pipeline, so the skip is logged and recorded in the run history.
type skipLogger struct {
	d *Daemon
	s *spec.Spec
}

func (k skipLogger) Info(msg string, kv ...any) {
	if msg != "skip" {
		k.d.Log.Debug("cron: "+msg, kv...)
		return
	}
	const why = "skipped: the previous run of this pipeline was still going at this tick"
	k.d.Log.Info("tick skipped", "pipeline", k.s.Name, "reason", "previous run still going")
	ctx := context.Background()
	id, err := k.d.Warehouse.BeginRun(ctx, warehouse.RunInfo{Pipeline: k.s.Name, Trigger: "schedule"})
	if err == nil {
		err = k.d.Warehouse.FinishRun(ctx, id, warehouse.RunResult{Status: warehouse.StatusSkipped, Err: errors.New(why)})
	}
	if err != nil {
		k.d.Log.Error("cannot record the skipped tick", "pipeline", k.s.Name, "error", err)
	}
}

func (k skipLogger) Error(err error, msg string, kv ...any) {
	k.d.Log.Error("cron: "+msg, append([]any{"pipeline", k.s.Name, "error", err}, kv...)...)
}
