package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RevertStats say what a revert did.
type RevertStats struct {
	RunID    int64            // the revert's own run
	Restored map[string]int64 // rows made current again, by table
	Removed  map[string]int64 // rows of the reverted run taken out of view, by table
}

// Tables lists the tables a revert changed.
func (s RevertStats) Tables() []string {
	var out []string
	for t := range s.Removed {
		out = append(out, t)
	}
	for t := range s.Restored {
		if _, ok := s.Removed[t]; !ok {
			out = append(out, t)
		}
	}
	return out
}

// Revert undoes run id: the rows it wrote leave the current view, and the
// rows it replaced become current again — as copies under a run of its own
// (pipeline "revert", recorded with the run it undid), committed like any
// run, so that the history stays true: read as of a moment before the
// revert, the warehouse still shows the reverted run's rows. Only a run whose
// rows are all still current can be reverted: if a later run replaced some
// of them, that run must be reverted first.
func (w *Warehouse) Revert(ctx context.Context, id int64, trigger string) (RevertStats, error) {
	st := RevertStats{Restored: map[string]int64{}, Removed: map[string]int64{}}
	var pipeline string
	var committed sql.NullTime
	err := w.db.QueryRowContext(ctx, `SELECT pipeline, committed_at FROM _run WHERE run_id = ?`, id).Scan(&pipeline, &committed)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("warehouse: %w: there is no run %d", ErrNotRevertible, id)
	}
	if err != nil {
		return st, fmt.Errorf("warehouse: revert: %w", err)
	}
	if !committed.Valid {
		return st, fmt.Errorf("warehouse: %w run %d: it never loaded anything (see grassroots runs)", ErrNotRevertible, id)
	}
	var by sql.NullInt64
	if err := w.db.QueryRowContext(ctx, `SELECT max(run_id) FROM _run WHERE reverts = ? AND committed_at IS NOT NULL`, id).Scan(&by); err != nil {
		return st, fmt.Errorf("warehouse: revert: %w", err)
	}
	if by.Valid {
		return st, fmt.Errorf("warehouse: %w run %d: run %d reverted it already", ErrNotRevertible, id, by.Int64)
	}
	since, err := w.HistorySince(ctx)
	if err != nil {
		return st, err
	}
	if committed.Time.Before(since) {
		return st, fmt.Errorf("warehouse: %w run %d: it committed at %s, before the history was vacuumed up to %s; the rows it replaced are gone",
			ErrNotRevertible, id, committed.Time.Local().Format(time.DateTime), since.Local().Format(time.DateTime))
	}
	tables, err := w.VersionedTables(ctx)
	if err != nil {
		return st, err
	}
	for _, t := range tables {
		var later sql.NullInt64
		if err := w.db.QueryRowContext(ctx, `SELECT min(superseded_by) FROM `+QuoteIdent(t+HistorySuffix)+`
			WHERE run_id = ? AND superseded_by IN (SELECT run_id FROM _run WHERE committed_at IS NOT NULL)`, id).Scan(&later); err != nil {
			return st, fmt.Errorf("warehouse: revert: %w", err)
		}
		if later.Valid {
			return st, fmt.Errorf("warehouse: %w run %d: run %d has since replaced some of its rows in %s; revert run %d first",
				ErrNotRevertible, id, later.Int64, t, later.Int64)
		}
	}

	rev, err := w.BeginRun(ctx, RunInfo{Pipeline: "revert", Trigger: trigger, Input: fmt.Sprintf("run %d (%s)", id, pipeline)})
	if err != nil {
		return st, err
	}
	st.RunID = rev
	err = w.Update(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE _run SET reverts = ? WHERE run_id = ?`, id, rev); err != nil {
			return err
		}
		if err := tx.bind(ctx, rev); err != nil {
			return err
		}
		for _, t := range tables {
			start := time.Now()
			cols, err := tx.dataColumns(ctx, t+HistorySuffix)
			if err != nil {
				return err
			}
			h := Catalog + ".main." + QuoteIdent(t+HistorySuffix)
			list := strings.Join(cols, ", ")
			res, err := tx.conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s, run_id) SELECT %s, %d FROM %s WHERE superseded_by = %d`,
				h, list, list, rev, h, id))
			if err != nil {
				return fmt.Errorf("warehouse: revert %s: %w", t, err)
			}
			restored, _ := res.RowsAffected()
			removed, err := tx.Supersede(ctx, t, rev, "t.run_id = "+strconv.FormatInt(id, 10))
			if err != nil {
				return err
			}
			if restored == 0 && removed == 0 {
				continue
			}
			st.Restored[t], st.Removed[t] = restored, removed
			if _, err := tx.conn.ExecContext(ctx, `INSERT INTO _load VALUES (?, ?, ?, ?, ?, ?, ?, 'succeeded', NULL)`,
				rev, t, "revert of run "+strconv.FormatInt(id, 10), restored, removed, start, time.Now()); err != nil {
				return fmt.Errorf("warehouse: revert %s: record: %w", t, err)
			}
		}
		return nil
	})
	var restored int64
	for _, n := range st.Restored {
		restored += n
	}
	res := RunResult{Status: StatusSucceeded, RowsRead: restored, RowsLoaded: restored}
	if err != nil {
		res = RunResult{Status: StatusFailed, Err: err}
	}
	if ferr := w.FinishRun(context.WithoutCancel(ctx), rev, res); ferr != nil && err == nil {
		err = ferr
	}
	return st, err
}

// dataColumns lists the quoted columns of a history table other than run_id
// and superseded_by.
func (tx *Tx) dataColumns(ctx context.Context, table string) ([]string, error) {
	rows, err := tx.conn.QueryContext(ctx, `SELECT column_name FROM duckdb_columns()
		WHERE database_name = ? AND schema_name = 'main' AND table_name = ? ORDER BY column_index`, Catalog, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		if c != "run_id" && c != "superseded_by" {
			cols = append(cols, QuoteIdent(c))
		}
	}
	return cols, rows.Err()
}

// HistorySince is the moment from which the warehouse can be read as of:
// the latest vacuum's horizon, or the zero time if it was never vacuumed.
func (w *Warehouse) HistorySince(ctx context.Context) (time.Time, error) {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
		AND table_name = '_setting'`).Scan(&n); err != nil || n == 0 {
		return time.Time{}, err
	}
	var since sql.NullTime
	err := w.db.QueryRowContext(ctx, `SELECT max(value::TIMESTAMPTZ) FROM _setting WHERE key = 'history_complete_since'`).Scan(&since)
	if err != nil {
		return time.Time{}, fmt.Errorf("warehouse: read the history's horizon: %w", err)
	}
	return since.Time, nil
}

// checkAsOf refuses a moment the warehouse cannot show as it was: before its
// history was vacuumed, or before anything was loaded into it.
func (w *Warehouse) checkAsOf(ctx context.Context, t time.Time) error {
	since, err := w.HistorySince(ctx)
	if err != nil {
		return err
	}
	if t.Before(since) {
		return fmt.Errorf("warehouse %s: cannot be read as of %s: its history before %s was vacuumed (grassroots vacuum)",
			w.path, t.Local().Format(time.DateTime), since.Local().Format(time.DateTime))
	}
	var first sql.NullTime
	if err := w.db.QueryRowContext(ctx, `SELECT min(committed_at) FROM _run`).Scan(&first); err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	if !first.Valid || t.Before(first.Time) {
		at := "nothing has been loaded yet"
		if first.Valid {
			at = "its first run committed at " + first.Time.Local().Format(time.DateTime)
		}
		return fmt.Errorf("warehouse %s held nothing as of %s (%s): --as-of is a moment of the warehouse's own history, "+
			"when data was loaded, not a year of the data (for that, filter on year or period)",
			w.path, t.Local().Format(time.DateTime), at)
	}
	return nil
}

// DefaultRetention is how long replaced rows are kept when the warehouse
// sets nothing else: long enough to re-issue a year's reports as they were.
const DefaultRetention = 400 * 24 * time.Hour

// Retention is how long the warehouse keeps replaced rows (setting
// history_retention_days).
func (w *Warehouse) Retention(ctx context.Context) (time.Duration, error) {
	var v sql.NullString
	err := w.db.QueryRowContext(ctx, `SELECT value FROM _setting WHERE key = 'history_retention_days'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !v.Valid) {
		return DefaultRetention, nil
	}
	if err != nil {
		return 0, fmt.Errorf("warehouse: read retention: %w", err)
	}
	days, err := strconv.Atoi(v.String)
	if err != nil || days < 0 {
		return 0, fmt.Errorf("warehouse: setting history_retention_days = %q is not a number of days", v.String)
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// SetRetention stores how long replaced rows are kept.
func (w *Warehouse) SetRetention(ctx context.Context, d time.Duration) error {
	days := int(d / (24 * time.Hour))
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	_, err := w.db.ExecContext(ctx, `INSERT OR REPLACE INTO _setting VALUES ('history_retention_days', ?)`, strconv.Itoa(days))
	if err != nil {
		return fmt.Errorf("warehouse: set retention: %w", err)
	}
	return nil
}

// Vacuum drops, from every history table, the rows replaced by a run
// committed before now minus the retention (the warehouse can no longer be
// read as of a moment before that horizon), and returns how many by table.
// Then it checkpoints, so the file can reuse the space.
func (w *Warehouse) Vacuum(ctx context.Context, now time.Time) (map[string]int64, time.Time, error) {
	keep, err := w.Retention(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	horizon := now.Add(-keep)
	tables, err := w.VersionedTables(ctx)
	if err != nil {
		return nil, horizon, err
	}
	dropped := map[string]int64{}
	err = w.Update(ctx, func(ctx context.Context, tx *Tx) error {
		for _, t := range tables {
			res, err := tx.ExecContext(ctx, `DELETE FROM `+QuoteIdent(t+HistorySuffix)+` WHERE superseded_by IN
				(SELECT run_id FROM _run WHERE committed_at < ?)`, horizon)
			if err != nil {
				return fmt.Errorf("warehouse: vacuum %s: %w", t, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				dropped[t] = n
			}
		}
		// From here on the warehouse cannot be read as of an earlier moment.
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO _setting VALUES ('history_complete_since',
			CAST(greatest(?::TIMESTAMPTZ, coalesce((SELECT max(value::TIMESTAMPTZ) FROM _setting WHERE key = 'history_complete_since'), ?::TIMESTAMPTZ)) AS VARCHAR))`,
			horizon, horizon)
		return err
	})
	if err != nil {
		return nil, horizon, err
	}
	if _, err := w.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return dropped, horizon, fmt.Errorf("warehouse: vacuum: checkpoint: %w", err)
	}
	return dropped, horizon, nil
}
