// Package run runs a pipeline once: read the source, validate and quarantine
// row by row as the data streams, load the good rows through Arrow into the
// warehouse in one transaction together with the quarantined rows, and record
// the run with rows read, loaded and quarantined (read = loaded + quarantined).
//
// A run whose input (content, spec and period) is unchanged since the last
// successful run is recorded as skipped unless forced. A run whose rejected
// share exceeds the pipeline's threshold loads nothing; like any run that fails
// after reading rows, it still quarantines every row it read: the rejected
// ones with their reasons, the valid ones as held back (HeldBackPrefix), so
// that read = loaded + quarantined holds for failed runs too. A spec whose source names
// {year} runs once per period, each period its own run and transaction.
//
// # Where the time and memory go
//
// Three workers share the machine while rows stream: the source's reader
// (CSV or workbook → Arrow batches), the validator (recode, hash, checks,
// unique key, personal data; filter.go), and DuckDB pulling the batches into
// one INSERT on its own threads. Measured with pprof, gctrace and /proc on
// the demo's member pipeline over the 10.3M-row scale-400 register (2 cores,
// 2026-12-07):
//
//   - Memory, before: peak RSS 1.65 GB (3.5 GB at 31M rows), growing with the
//     input. The unique key table was most of it (16-byte slots at load ≤ 0.5,
//     512 MB at 10M keys and the copy while it doubled), then the Go heap,
//     which GOGC let grow to twice the 80–110 MB of batches live. DuckDB's
//     buffer pool is capped during the load (warehouse.LoadMemoryMin).
//     After: the key check spills past 1M keys (keys.go) and the load runs
//     under a soft Go memory limit (warehouse.LoadGoMemory): 356–377 MB at
//     10M rows, 388 MB at 31M, flat in the input.
//   - Time: of 27.6 s of CPU in a 15.6 s run, DuckDB took 12.5 s (its INSERT
//     alone, table to table, costs 15.5 s of CPU for these rows), the reader
//     6.0 s (splitting lines 1.5 s, dates 0.7 s, trimming 0.8 s), the
//     validator 6.9 s (HMAC-SHA256 of the member number 2.6 s, the key check
//     0.6 s, building the output columns 1.5 s). Before this round the run
//     took 22 s: hashing the input file before reading it (0.65 s with a core
//     idle, now beside the load, input.go), string appends for recoded and
//     hashed columns (now dictionary-encoded and written in place), checks
//     evaluated row by row through closures (column comparisons now a column
//     at a time), trimming Chinese cells rune by rune.
//   - Against DuckDB's own read_csv → INSERT of the same file (19–21 s of CPU,
//     10.8–11.6 s on a quiet machine) the run is at 0.78–0.83×: DuckDB's
//     INSERT costs both the same, and parsing, validating and hashing in Go
//     cost more than DuckDB's CSV parsing alone. make bench's headline tracks
//     the ratio.
package run

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
	"grassroots/sources"
	_ "grassroots/sources/csv" // source kinds register themselves
	_ "grassroots/sources/json"
	_ "grassroots/sources/parquet"
	"grassroots/sources/progress"
	_ "grassroots/sources/xlsx"
	"grassroots/sql/warehouse"
)

// Options say how to run.
type Options struct {
	// Project is the folder relative paths in specs are resolved against.
	Project   string
	Warehouse *warehouse.Warehouse
	// Trigger is recorded with the run: cli, schedule, demo.
	Trigger string
	// Force loads even when the input is unchanged since the last success.
	Force bool
	// Periods to run, for specs whose source names {year}; nil means the spec's
	// own periods.
	Periods []string
	// Mem allocates the Arrow buffers (default memory.DefaultAllocator).
	Mem memory.Allocator
	Log *slog.Logger
	// Refresh is called after each successful run that loaded rows, with the
	// spec's refresh list; its error is reported in the outcome, not as a
	// failure of the run (the data is committed).
	Refresh RefreshFunc
	// Progress, when set, is told of each run (each period) as it starts,
	// with the counters the run bumps as it reads, and when it has ended.
	Progress progress.Observer
}

// RefreshFunc refreshes what depends on a pipeline's table (indicators,
// reports) after a successful run. by is that run: what the refresh writes
// carries its id, and its trigger says who started it.
type RefreshFunc func(ctx context.Context, w *warehouse.Warehouse, s *spec.Spec, by RunRef) error

// RunRef names a run and how it was started (cli, schedule, demo).
type RunRef struct {
	ID      int64
	Trigger string
}

// Outcome is how one run ended.
type Outcome struct {
	Pipeline    string
	Period      string
	RunID       int64
	Status      string
	Input       string
	Read        int64
	Loaded      int64
	Quarantined int64
	Replaced    int64
	Duration    time.Duration
	// Err is why the run failed (nil for succeeded and skipped runs).
	Err error
	// Note says why a run was skipped, or which files a pattern matched
	// that it did not read (Excel's lock files, hidden files).
	Note string
	// RefreshErr is a failed refresh after a successful run.
	RefreshErr error
}

// Run runs the pipeline for each period (or once, if its source names no
// period). It returns the outcomes and an error joining the failed runs.
func Run(ctx context.Context, s *spec.Spec, o Options) ([]Outcome, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Mem == nil {
		o.Mem = memory.DefaultAllocator
	}
	if o.Trigger == "" {
		o.Trigger = "cli"
	}
	periods := []string{""}
	switch {
	case s.UsesPeriod() && o.Periods != nil:
		periods = o.Periods
	case s.UsesPeriod():
		p, err := spec.ParsePeriods(s.Periods)
		if err != nil {
			return nil, fmt.Errorf("pipeline %s: periods: %w", s.Name, err)
		}
		periods = p
	case o.Periods != nil:
		return nil, fmt.Errorf("pipeline %s takes no --period: its source names no {year}", s.Name)
	}
	var outs []Outcome
	var fails periodErrors
	if err := redoRefresh(ctx, s, o); err != nil {
		fails.add(s.Name, "", err)
	}
	for _, p := range periods {
		if err := ctx.Err(); err != nil {
			fails.add(s.Name, "", err)
			break
		}
		out := runOne(ctx, s, o, p)
		outs = append(outs, out)
		if out.Err != nil {
			fails.add(s.Name, p, out.Err)
		}
	}
	return outs, fails.err()
}

// periodErrors gathers the failures of a backfill. Periods that fail for the
// same reason (the same message once the period is taken out, e.g. a column
// missing from every year's sheet) are told once, with the other periods
// named after it, instead of twenty times over.
type periodErrors struct {
	groups []*periodError
}

type periodError struct {
	pipeline, first string
	more            []string
	key             string
	err             error
}

func (e *periodError) Error() string {
	msg := fmt.Sprintf("%s%s: %v", e.pipeline, periodSuffix(e.first), e.err)
	if len(e.more) > 0 {
		msg += fmt.Sprintf(" (the same for %s)", strings.Join(e.more, ", "))
	}
	return msg
}

func (e *periodError) Unwrap() error { return e.err }

func (f *periodErrors) add(pipeline, period string, err error) {
	key := err.Error()
	if period != "" {
		key = strings.ReplaceAll(key, period, "{period}")
	}
	for _, g := range f.groups {
		if g.key == key && period != "" {
			g.more = append(g.more, period)
			return
		}
	}
	f.groups = append(f.groups, &periodError{pipeline: pipeline, first: period, key: key, err: err})
}

func (f *periodErrors) err() error {
	errs := make([]error, len(f.groups))
	for i, g := range f.groups {
		errs[i] = g
	}
	return errors.Join(errs...)
}

func periodSuffix(p string) string {
	if p == "" {
		return ""
	}
	return " [" + p + "]"
}

// resolve returns the source configuration for a period with relative paths
// resolved against the project, and the location as the spec names it.
func resolve(s *spec.Spec, project, period string) (sources.Config, string) {
	cfg := s.ForPeriod(period)
	display := cfg.Location()
	if cfg.Path != "" && !filepath.IsAbs(cfg.Path) && !strings.HasPrefix(cfg.Path, "file://") {
		cfg.Path = filepath.Join(project, cfg.Path)
	}
	return cfg, display
}

// InputHash combines the content hash of the input with the spec and period,
// so that a changed spec reloads an unchanged file.
func InputHash(content string, s *spec.Spec, period string) string {
	sum := sha256.Sum256(s.Raw)
	h := sha256.Sum256([]byte("content=" + content + "\nspec=" + hex.EncodeToString(sum[:]) + "\nperiod=" + period))
	return hex.EncodeToString(h[:])
}

func runOne(ctx context.Context, s *spec.Spec, o Options, period string) (out Outcome) {
	start := time.Now()
	w := o.Warehouse
	cfg, display := resolve(s, o.Project, period)
	out = Outcome{Pipeline: s.Name, Period: period, Input: display + periodSuffix(period)}
	defer func() { out.Duration = time.Since(start) }()
	bg := context.WithoutCancel(ctx)
	var pc *progress.Counters // nil counts nothing
	if o.Progress != nil {
		pc = progress.New(s.Name, period, s.Description)
		o.Progress.Started(pc)
		defer o.Progress.Finished(pc)
	}

	// The run is recorded before its input is fetched, so that a download
	// that fails or is cut off is in the history too.
	id, err := w.BeginRun(ctx, warehouse.RunInfo{Pipeline: s.Name, Trigger: o.Trigger, Input: out.Input})
	if err != nil {
		out.Status, out.Err = warehouse.StatusFailed, err
		return out
	}
	out.RunID = id
	var in *input
	fail := func(err error) Outcome {
		out.Status, out.Err = warehouse.StatusFailed, in.place(err)
		if ctx.Err() != nil {
			out.Status = warehouse.StatusInterrupted
			out.Err = fmt.Errorf("stopped before the run finished; nothing of it was loaded (%w)", err)
		}
		if ferr := w.FinishRun(bg, out.RunID, warehouse.RunResult{Status: out.Status, RowsRead: out.Read,
			RowsQuarantined: out.Quarantined, Err: out.Err}); ferr != nil {
			out.Err = errors.Join(out.Err, ferr)
		}
		return out
	}

	in, err = stageInput(ctx, &cfg, s, o.Project, display, pc)
	if err != nil {
		return fail(fmt.Errorf("input %s: %w", display, err))
	}
	defer in.remove()
	if in.many != nil && len(in.many.skipped) > 0 {
		out.Note = "not read: " + spec.SkippedNote(in.many.skipped)
		o.Log.Debug("files skipped", "pipeline", s.Name, "files", in.many.skipped)
	}
	skip := func(prev int64) Outcome {
		out.Status = warehouse.StatusSkipped
		out.Note = joinNote(fmt.Sprintf("input unchanged since run %d; use --force to load it again", prev), out.Note)
		if err := w.FinishRun(bg, out.RunID, warehouse.RunResult{Status: warehouse.StatusSkipped,
			Err: errors.New("skipped: " + out.Note)}); err != nil {
			out.Status, out.Err = warehouse.StatusFailed, err
		}
		return out
	}
	// A local input is hashed while it is read (see checkInput): the load
	// starts at once, and stops if the input turns out unchanged.
	loadCtx, cancelLoad := context.WithCancelCause(ctx)
	hc := checkInput(loadCtx, w, s, o.Force, out.RunID, out.Input, period, in, cancelLoad)
	// However the run ends, the hashing stops and is waited for: nothing
	// of it runs on after the run.
	defer func() { cancelLoad(nil); hc.wait() }()
	if in.pending == nil {
		if hc.wait(); hc.err != nil {
			return fail(hc.err)
		}
		if err := w.SetInputHash(ctx, out.RunID, hc.hash); err != nil {
			return fail(err)
		}
		if hc.prev != 0 {
			return skip(hc.prev)
		}
	}

	var salt []byte
	if len(s.PII.Hash) > 0 {
		if salt, err = Salt(w.Path()); err != nil {
			return fail(err)
		}
	}
	var q []QRow
	var srcRejects int64
	h := hasher{salt: salt}
	sheet := cfg.Sheet.String()
	cfg.Allocator = o.Mem
	cfg.Progress = pc
	cfg.OnReject = func(rj sources.Reject) {
		srcRejects++
		q = append(q, sanitizeReject(s, h, rj, display))
	}
	bounds, err := targetBounds(ctx, w, s.Target.Table)
	if err != nil {
		return fail(err)
	}
	var st warehouse.LoadStats
	var v *validator
	// A run reads its input once, or twice when the unique key check finds
	// repeated keys only at the end of a large input (see keyCheck).
	var repeats Repeats
	for {
		q, srcRejects = q[:0], 0
		pc.SetPhase(progress.Reading)
		v, err = openChecked(loadCtx, s, cfg, in.many, validatorConfig{spec: s, mem: o.Mem, salt: salt, file: display, sheet: sheet,
			bounds: bounds, q: &q, srcRejects: &srcRejects, progress: pc, spillDir: spillDir(w), repeats: repeats,
			regions: func(level int) (map[string]bool, error) { return regionCodes(loadCtx, w, level) }})
		if err != nil {
			hc.wait()
			if hc.prev != 0 {
				return skip(hc.prev)
			}
			return fail(err)
		}
		err = w.Update(loadCtx, func(ctx context.Context, tx *warehouse.Tx) error {
			var err error
			st, err = tx.Load(ctx, s.Target.Table, v, warehouse.LoadOptions{RunID: out.RunID,
				PartitionBy: s.Target.PartitionBy, ReplaceAll: s.Target.ReplaceAll})
			if err != nil {
				return err
			}
			v.stop()
			pc.SetPhase(progress.Writing)
			if st.Rows == 0 && s.Target.ReplaceAll && !s.Target.AllowEmpty {
				what := "has no data rows"
				if n := v.Read(); n > 0 {
					what = fmt.Sprintf("has no row to load (all %d quarantined)", n)
				}
				return fmt.Errorf("run: the input %s, and the pipeline replaces the whole table %s: "+
					"it would be emptied; nothing was loaded (set target.allow_empty: true if that is meant)", what, s.Target.Table)
			}
			if read, sum := v.Read(), st.Rows+int64(len(q)); read != sum {
				return fmt.Errorf("run: %d rows read but %d loaded and %d quarantined; nothing was loaded", read, st.Rows, len(q))
			}
			// Nothing commits before the input's hash is known: an
			// unchanged input is skipped, not loaded again.
			if hc.wait(); hc.err != nil {
				return hc.err
			}
			if hc.prev != 0 {
				return errUnchanged
			}
			if in.pending != nil {
				// With the rows: a crash after the commit leaves no
				// run whose input has no hash.
				if _, err := tx.ExecContext(ctx, `UPDATE _run SET input_hash = ? WHERE run_id = ?`, hc.hash, out.RunID); err != nil {
					return fmt.Errorf("run: record the input hash: %w", err)
				}
			}
			if refreshes(s, o) {
				if err := tx.MarkRefreshPending(ctx, out.RunID); err != nil {
					return err
				}
			}
			if in.many != nil {
				in.many.place(q)
				if err := in.many.record(ctx, tx, out.RunID, q); err != nil {
					return err
				}
			}
			return insertQuarantine(ctx, tx, out.RunID, q)
		})
		v.stop()
		if err == nil || v.redo == nil || repeats != nil || loadCtx.Err() != nil {
			break
		}
		o.Log.Info("repeated unique keys found at the end of the input: reading it again to quarantine them",
			"pipeline", s.Name, "rows", len(v.redo))
		repeats = v.redo
		v.Release()
	}
	defer v.Release()
	if in.pending != nil {
		hc.wait()
		if hc.prev != 0 {
			return skip(hc.prev) // rolled back before it committed
		}
		if hc.err != nil && err != nil {
			err = hc.err // why the load was stopped
		}
	}
	out.Read = v.Read()
	if err != nil {
		switch {
		case v.failure != nil:
			err = v.failure
		case v.err != nil && ctx.Err() == nil:
			err = v.err
		}
		var te *ThresholdError
		if errors.As(err, &te) {
			te.RunID = out.RunID
		}
		// Nothing was loaded: every row read is quarantined, the rejected
		// ones with their reasons, the valid ones as held back. Recorded in
		// a transaction of its own (the load rolled back).
		held := HeldBackPrefix + " — " + failureSummary(ctx, in.place(err))
		qerr := w.Update(bg, func(ctx context.Context, tx *warehouse.Tx) error {
			if in.many == nil {
				if err := insertQuarantine(ctx, tx, out.RunID, q); err != nil {
					return err
				}
				return insertHeld(ctx, tx, out.RunID, display, sheet, v.held, held)
			}
			in.many.place(q)
			if err := insertQuarantine(ctx, tx, out.RunID, q); err != nil {
				return err
			}
			for i, spans := range in.many.heldByFile(v.held) {
				if err := insertHeld(ctx, tx, out.RunID, in.many.names[i], sheet, spans, held); err != nil {
					return err
				}
			}
			return nil
		})
		if qerr == nil {
			out.Quarantined = int64(len(q)) + v.Kept()
		} else {
			err = errors.Join(err, qerr)
		}
		return fail(err)
	}
	out.Status = warehouse.StatusSucceeded
	out.Loaded, out.Replaced, out.Quarantined = st.Rows, st.Replaced, int64(len(q))
	if err := w.FinishRun(bg, out.RunID, warehouse.RunResult{Status: out.Status, RowsRead: out.Read,
		RowsLoaded: out.Loaded, RowsQuarantined: out.Quarantined}); err != nil {
		out.Err = err
		return out
	}
	if refreshes(s, o) {
		pc.SetPhase(progress.Refreshing)
		out.RefreshErr = refresh(ctx, w, s, o, []int64{out.RunID})
	}
	return out
}

// joinNote puts the notes of a run one after the other.
func joinNote(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

// inputCheck is the content hash of a run's input and whether it is
// unchanged since the pipeline's last successful run of the same input.
type inputCheck struct {
	done chan struct{}
	hash string // InputHash
	prev int64  // the earlier run with the same hash (0: none, or forced)
	err  error
}

// errUnchanged rolls back a load whose input turned out unchanged.
var errUnchanged = errors.New("run: the input is unchanged since the last successful run")

// checkInput settles in's hash: at once for a downloaded input, hashed as it
// was copied; for a local file in a goroutine of its own that reads the file
// beside the load (on the measured 862 MB register it took 0.65 s before the
// load could start). When the hash says the input is unchanged, or cannot be
// taken, it stops the load through cancel.
func checkInput(ctx context.Context, w *warehouse.Warehouse, s *spec.Spec, force bool, run int64, input, period string,
	in *input, cancel context.CancelCauseFunc) *inputCheck {
	c := &inputCheck{done: make(chan struct{})}
	settle := func(content string) {
		defer close(c.done)
		c.hash = InputHash(content, s, period)
		if force {
			return
		}
		prev, err := lastSuccess(ctx, w, s.Name, input, run)
		if err != nil {
			c.err = err
			return
		}
		if prev.hash == c.hash {
			c.prev = prev.id
		}
	}
	if in.pending == nil {
		settle(in.hash)
		return c
	}
	go func() {
		content, err := in.pending(ctx)
		if err != nil {
			c.err = fmt.Errorf("input %s: %w", input, err)
			close(c.done)
			cancel(c.err)
			return
		}
		settle(content)
		if c.err != nil {
			cancel(c.err)
		} else if c.prev != 0 {
			cancel(errUnchanged)
		}
	}()
	return c
}

func (c *inputCheck) wait() { <-c.done }

// openChecked opens the source of cfg, or of every file of many, and the
// validator over it; the validator releases the source.
func openChecked(ctx context.Context, s *spec.Spec, cfg sources.Config, many *manyFiles, vc validatorConfig) (*validator, error) {
	var rdr array.RecordReader
	if many != nil {
		mr, err := newMultiReader(ctx, cfg, many)
		if err != nil {
			return nil, err
		}
		rdr, vc.rowRef = mr, many.rowRef
	} else {
		src, err := sources.New(cfg.Kind, cfg)
		if err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
		if rdr, err = src.Open(ctx); err != nil {
			return nil, err
		}
	}
	vc.src = rdr
	v, err := newValidator(vc)
	if err != nil {
		rdr.Release()
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	v.ownsSrc = true
	return v, nil
}

// spillDir is where a run spills what it must not hold in memory: beside
// the warehouse file, where DuckDB spills too, or the system's temporary
// folder for a warehouse in memory.
func spillDir(w *warehouse.Warehouse) string {
	if p := w.Path(); p != "" && p != ":memory:" {
		return filepath.Dir(p)
	}
	return os.TempDir()
}

// refreshes reports whether runs of s refresh what depends on them.
func refreshes(s *spec.Spec, o Options) bool {
	return o.Refresh != nil && (len(s.Refresh.Indicators) > 0 || len(s.Refresh.Reports) > 0)
}

// refresh brings what depends on the runs ids of s up to date and records
// it: done, or failed with the error (then the next run redoes it).
func refresh(ctx context.Context, w *warehouse.Warehouse, s *spec.Spec, o Options, ids []int64) error {
	err := o.Refresh(ctx, w, s, RunRef{ID: ids[len(ids)-1], Trigger: o.Trigger})
	state := warehouse.RefreshDone
	if err != nil {
		state = warehouse.RefreshFailed
		if ctx.Err() != nil {
			// Cut off: still pending, as a kill would leave it.
			state = warehouse.RefreshPending
		}
	}
	if rerr := w.SetRefresh(context.WithoutCancel(ctx), ids, state, err); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return err
}

// redoRefresh redoes the refresh of the committed runs of s whose refresh
// was cut off or failed: their data is in, what depends on it is stale.
func redoRefresh(ctx context.Context, s *spec.Spec, o Options) error {
	if !refreshes(s, o) {
		return nil
	}
	ids, err := o.Warehouse.PendingRefresh(ctx, s.Name)
	if err != nil || len(ids) == 0 {
		return err
	}
	o.Log.Info("redoing a refresh that did not finish", "pipeline", s.Name, "runs", ids)
	if err := refresh(ctx, o.Warehouse, s, o, ids); err != nil {
		return fmt.Errorf("refresh after run %d (redone): %w", ids[len(ids)-1], err)
	}
	return nil
}

type prevRun struct {
	id   int64
	hash string
}

// lastSuccess is the newest succeeded run of pipeline for input before run
// that was not reverted since (a reverted run's data is no longer in).
func lastSuccess(ctx context.Context, w *warehouse.Warehouse, pipeline, input string, run int64) (prevRun, error) {
	var p prevRun
	var hash sql.NullString
	err := w.DB().QueryRowContext(ctx, `SELECT run_id, input_hash FROM _run
		WHERE pipeline = ? AND coalesce(input, '') = ? AND status = 'succeeded' AND run_id < ?
		  AND run_id NOT IN (SELECT reverts FROM _run WHERE reverts IS NOT NULL AND committed_at IS NOT NULL)
		ORDER BY run_id DESC LIMIT 1`, pipeline, input, run).Scan(&p.id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("run: read run history: %w", err)
	}
	p.hash = hash.String
	return p, nil
}

// targetBounds reads the ranges of table's narrow integer columns.
func targetBounds(ctx context.Context, w *warehouse.Warehouse, table string) (map[string]typeBounds, error) {
	rows, err := w.DB().QueryContext(ctx, `SELECT column_name, data_type FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?`, table)
	if err != nil {
		return nil, fmt.Errorf("run: read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	out := map[string]typeBounds{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		if b, ok := integerBounds[typ]; ok {
			out[name] = b
		}
	}
	return out, rows.Err()
}

// regionCodes is the set of region codes at level.
func regionCodes(ctx context.Context, w *warehouse.Warehouse, level int) (map[string]bool, error) {
	rows, err := w.DB().QueryContext(ctx, `SELECT code FROM region WHERE level = ?`, level)
	if err != nil {
		return nil, fmt.Errorf("validate: read region codes: %w", err)
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		set[c] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("validate: the region table has no %s codes to check against; "+
			"load the region codes first (pipelines refdata_region and refdata_region_township)", levelName(level))
	}
	return set, nil
}

// HeldBackPrefix begins the reason of every valid row a failed run held back:
// such rows are in _quarantine with a NULL raw (the source file still has
// them; file and row number find them).
const HeldBackPrefix = "not loaded: the run failed"

// failureSummary says in one line why a run failed, for the rows it held back.
func failureSummary(ctx context.Context, err error) string {
	var te *ThresholdError
	switch {
	case errors.As(err, &te):
		return te.Summary()
	case ctx.Err() != nil:
		return "it was stopped before it finished"
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	msg = strings.TrimSuffix(msg, "; nothing was loaded")
	if r := []rune(msg); len(r) > 300 {
		msg = string(r[:300]) + "…"
	}
	return msg
}

// insertHeld quarantines the valid rows of a failed run, one statement per
// thousand runs of consecutive row numbers.
func insertHeld(ctx context.Context, tx *warehouse.Tx, runID int64, file, sheet string, held []span, reason string) error {
	const per = 1000
	var sh any
	if sheet != "" {
		sh = sheet
	}
	for i := 0; i < len(held); i += per {
		chunk := held[i:min(i+per, len(held))]
		var b strings.Builder
		b.WriteString("INSERT INTO _quarantine (run_id, file, sheet, row_number, raw, reasons) " +
			"SELECT ?, ?, ?, unnest(range(a, b + 1)), NULL, ? FROM (VALUES ")
		args := make([]any, 0, 4+len(chunk)*2)
		args = append(args, runID, file, sh, reason)
		for j, sp := range chunk {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?::BIGINT, ?::BIGINT)")
			args = append(args, sp.from, sp.to)
		}
		b.WriteString(") s(a, b)")
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("run: record held-back rows: %w", err)
		}
	}
	return nil
}

// insertQuarantine writes the rejected rows, many per statement.
func insertQuarantine(ctx context.Context, tx *warehouse.Tx, runID int64, q []QRow) error {
	const per = 200
	for i := 0; i < len(q); i += per {
		chunk := q[i:min(i+per, len(q))]
		var b strings.Builder
		b.WriteString("INSERT INTO _quarantine (run_id, file, sheet, row_number, raw, reasons) VALUES ")
		args := make([]any, 0, len(chunk)*6)
		for j, r := range chunk {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?)")
			var sheet any
			if r.Sheet != "" {
				sheet = r.Sheet
			}
			args = append(args, runID, r.File, sheet, r.Row, r.RawJSON(), strings.Join(r.Reasons, "; "))
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("run: record quarantined rows: %w", err)
		}
	}
	return nil
}
