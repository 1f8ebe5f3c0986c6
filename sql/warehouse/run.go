package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
)

// Run statuses recorded in _run.
const (
	StatusRunning     = "running"
	StatusSucceeded   = "succeeded"
	StatusFailed      = "failed"
	StatusSkipped     = "skipped"
	StatusInterrupted = "interrupted"
)

// RunInfo describes a run as it starts.
type RunInfo struct {
	Pipeline  string
	Trigger   string // cli, schedule, demo; default cli
	Input     string // file or URL read
	InputHash string // content hash of the input, to skip unchanged inputs
}

// RunResult is how a run ended. RowsRead must equal RowsLoaded +
// RowsQuarantined for a succeeded run.
type RunResult struct {
	Status          string
	RowsRead        int64
	RowsLoaded      int64
	RowsQuarantined int64
	Err             error
}

// Run is one row of _run.
type Run struct {
	ID              int64
	Pipeline        string
	Trigger         string
	Started         time.Time
	Ended           sql.NullTime
	Status          string
	RowsRead        int64
	RowsLoaded      int64
	RowsQuarantined int64
	Input           string
	InputHash       string
	Error           string
	Refresh         string // pending, done, failed; empty when nothing depends on the run
	RefreshError    string
	RevertedBy      sql.NullInt64 // the run that reverted this one
	Reverts         sql.NullInt64 // for a revert: the run it undid
}

// BeginRun records a run as running, committed on its own so that the record
// survives whatever happens to the run's transaction. A run still "running" when
// a writer next opens the file was cut off by a dead process; MarkInterrupted
// records it so.
func (w *Warehouse) BeginRun(ctx context.Context, info RunInfo) (int64, error) {
	if info.Pipeline == "" {
		return 0, fmt.Errorf("warehouse: run without a pipeline name")
	}
	if info.Trigger == "" {
		info.Trigger = "cli"
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	var id int64
	err := w.db.QueryRowContext(ctx, `INSERT INTO _run (run_id, pipeline, trigger, started_at, status, input, input_hash, pid)
		VALUES (nextval('_run_id_seq'), ?, ?, ?, 'running', ?, ?, ?) RETURNING run_id`,
		info.Pipeline, info.Trigger, time.Now(), nullString(info.Input), nullString(info.InputHash), os.Getpid()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("warehouse: record run: %w", err)
	}
	return id, nil
}

// SetInputHash records the content hash of run id's input once it is known.
func (w *Warehouse) SetInputHash(ctx context.Context, id int64, hash string) error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if _, err := w.db.ExecContext(ctx, `UPDATE _run SET input_hash = ? WHERE run_id = ?`, hash, id); err != nil {
		return fmt.Errorf("warehouse: record input hash of run %d: %w", id, err)
	}
	return nil
}

// FinishRun records how run id ended. A succeeded run is committed first:
// its rows become visible to readers at that write (see versions.go).
func (w *Warehouse) FinishRun(ctx context.Context, id int64, r RunResult) error {
	var msg any
	if r.Err != nil {
		msg = oneLine(r.Err.Error())
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	now := time.Now()
	if r.Status == StatusSucceeded {
		// The commit point comes first and alone (see versions.go).
		if err := w.commit(ctx, id, now); err != nil {
			return err
		}
		failpoint("run:committed")
	}
	_, err := w.db.ExecContext(ctx, `UPDATE _run SET ended_at = ?, status = ?, rows_read = ?, rows_loaded = ?,
		rows_quarantined = ?, error = ? WHERE run_id = ?`,
		now, r.Status, r.RowsRead, r.RowsLoaded, r.RowsQuarantined, msg, id)
	if err != nil {
		return fmt.Errorf("warehouse: record end of run %d: %w", id, err)
	}
	return nil
}

// markInterrupted records every run still marked running as interrupted (see
// recover, which removes first what such runs left).
func (w *Warehouse) markInterrupted(ctx context.Context) (int64, error) {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = ? AND table_name = '_run'`, Catalog).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	res, err := w.db.ExecContext(ctx, `UPDATE _run SET status = 'interrupted', ended_at = ?,
		error = 'the process running it ended before the run finished; nothing of it was loaded'
		WHERE status = 'running'`, time.Now())
	if err != nil {
		return 0, fmt.Errorf("warehouse: mark interrupted runs: %w", err)
	}
	return res.RowsAffected()
}

// RunFilter selects runs.
type RunFilter struct {
	Pipeline string
	Failed   bool // failed or interrupted only
	Limit    int
}

// Runs lists runs, newest first.
func (w *Warehouse) Runs(ctx context.Context, f RunFilter) ([]Run, error) {
	q := `SELECT run_id, pipeline, trigger, started_at, ended_at, status, rows_read, rows_loaded,
		rows_quarantined, coalesce(input, ''), coalesce(input_hash, ''), coalesce(error, ''),
		coalesce(refresh, ''), coalesce(refresh_error, ''),
		(SELECT max(r.run_id) FROM _run r WHERE r.reverts = _run.run_id AND r.committed_at IS NOT NULL), reverts
		FROM _run WHERE true`
	var args []any
	if f.Pipeline != "" {
		q += " AND pipeline = ?"
		args = append(args, f.Pipeline)
	}
	if f.Failed {
		q += " AND status IN ('failed', 'interrupted')"
	}
	q += " ORDER BY run_id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("warehouse: read runs: %w", err)
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.Pipeline, &r.Trigger, &r.Started, &r.Ended, &r.Status, &r.RowsRead,
			&r.RowsLoaded, &r.RowsQuarantined, &r.Input, &r.InputHash, &r.Error, &r.Refresh, &r.RefreshError, &r.RevertedBy, &r.Reverts); err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
