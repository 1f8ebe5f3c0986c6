package warehouse

// Versions: how a run becomes visible, and why a crash cannot split it.
//
// Every table a run writes keeps all its versions in <table>_history (schema
// migration 0007); the table of that name is a view of the current rows. A
// run writes in two steps:
//
//  1. One transaction inserts its rows into the history tables under its run
//     id, marks the rows they replace with superseded_by = its run id, and
//     writes its _load and _quarantine rows. Readers see none of it: the
//     views hide the rows of runs that are not committed, and keep showing
//     rows whose replacing run is not committed.
//  2. Commit sets _run.committed_at of the run: one column of one row, a
//     write no crash can split. From that moment readers see the new rows
//     and not the replaced ones, all at once.
//
// A crash during step 1 — even one that leaves DuckDB replaying part of the
// transaction from a torn write-ahead log — leaves rows that no reader sees.
// The next writer to open the file (Open, through recover) deletes them,
// clears the marks they left, and records the run as interrupted. A crash
// between step 2 and the run's bookkeeping leaves a committed run still
// "running": recover records it as succeeded, counting its rows from _load
// and _quarantine.
//
// Replaced rows stay in the history until Vacuum drops those replaced longer
// ago than the warehouse's retention, so the warehouse can be read as it was
// at any moment since (OpenAsOf), and a run can be reverted (Revert).

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// HistorySuffix ends the name of the table holding every version of a
// versioned table.
const HistorySuffix = "_history"

// visible is the condition under which row alias a of a history table is
// seen by readers now (see _unseen_run in migration 0007).
func visible(a string) string {
	return fmt.Sprintf(`(%[1]s.run_id IS NULL OR %[1]s.run_id NOT IN (SELECT run_id FROM _unseen_run))
		AND (%[1]s.superseded_by IS NULL OR %[1]s.superseded_by IN (SELECT run_id FROM _unseen_run))`, a)
}

// physical returns the table a load of table writes to: its history table
// when it is versioned, else the table itself.
func (tx *Tx) physical(ctx context.Context, table string) (string, bool, error) {
	var n int
	if err := tx.conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = ? AND schema_name = 'main' AND table_name = ?`, Catalog, table+HistorySuffix).Scan(&n); err != nil {
		return "", false, err
	}
	if n > 0 {
		return Catalog + ".main." + QuoteIdent(table+HistorySuffix), true, nil
	}
	return Catalog + ".main." + QuoteIdent(table), false, nil
}

// VersionedTables lists the tables whose versions the warehouse keeps.
func (w *Warehouse) VersionedTables(ctx context.Context) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables()
		WHERE database_name = ? AND schema_name = 'main' AND table_name LIKE '%\_history' ESCAPE '\'
		ORDER BY 1`, Catalog)
	if err != nil {
		return nil, fmt.Errorf("warehouse: list versioned tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, strings.TrimSuffix(t, HistorySuffix))
	}
	return out, rows.Err()
}

// commit makes run id visible: the single write that is a run's commit
// point. It is a transaction of its own holding one UPDATE of one column of
// one row.
func (w *Warehouse) commit(ctx context.Context, id int64, at time.Time) error {
	res, err := w.db.ExecContext(ctx, `UPDATE _run SET committed_at = ? WHERE run_id = ? AND committed_at IS NULL`, at, id)
	if err != nil {
		return fmt.Errorf("warehouse: commit run %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("warehouse: commit run %d: no such uncommitted run", id)
	}
	return nil
}

// recover is called once when a writer opens the file. DuckDB lets one
// process write a file, so a run still "running" then belongs to a process
// that died: if it had committed, it is recorded as succeeded; if not,
// whatever of it survived in the history tables is removed and it is
// recorded as interrupted. It returns the runs marked interrupted.
func (w *Warehouse) recover(ctx context.Context) (int64, error) {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns()
		WHERE database_name = ? AND table_name = '_run' AND column_name = 'committed_at'`, Catalog).Scan(&n); err != nil || n == 0 {
		// Before migration 0007 (or a new file): the old rule.
		return w.markInterrupted(ctx)
	}
	// Committed before the process died: the run's data is in; finish its
	// record from what its transaction wrote.
	if _, err := w.db.ExecContext(ctx, `UPDATE _run SET status = 'succeeded', ended_at = committed_at,
		rows_loaded = coalesce((SELECT sum(rows) FROM _load l WHERE l.run_id = _run.run_id), 0),
		rows_quarantined = (SELECT count(*) FROM _quarantine q WHERE q.run_id = _run.run_id),
		rows_read = coalesce((SELECT sum(rows) FROM _load l WHERE l.run_id = _run.run_id), 0)
		          + (SELECT count(*) FROM _quarantine q WHERE q.run_id = _run.run_id)
		WHERE status = 'running' AND committed_at IS NOT NULL`); err != nil {
		return 0, fmt.Errorf("warehouse: recover committed runs: %w", err)
	}
	var dead []int64
	rows, err := w.db.QueryContext(ctx, `SELECT run_id FROM _run WHERE status = 'running' AND committed_at IS NULL`)
	if err != nil {
		return 0, fmt.Errorf("warehouse: recover: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		dead = append(dead, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(dead) == 0 {
		return 0, nil
	}
	// The clean-up first, in one transaction, the record after: killed
	// between the two, the next open does the (idempotent) clean-up again.
	if err := w.dropUncommitted(ctx, dead); err != nil {
		return 0, err
	}
	return w.markInterrupted(ctx)
}

// dropUncommitted removes what runs that never committed left in the
// history tables, _load and _quarantine. Readers never saw any of it.
func (w *Warehouse) dropUncommitted(ctx context.Context, ids []int64) error {
	tables, err := w.VersionedTables(ctx)
	if err != nil {
		return err
	}
	list := int64List(ids)
	err = w.Update(ctx, func(ctx context.Context, tx *Tx) error {
		for _, t := range tables {
			h := QuoteIdent(t + HistorySuffix)
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+h+" WHERE run_id IN ("+list+")"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE "+h+" SET superseded_by = NULL WHERE superseded_by IN ("+list+")"); err != nil {
				return err
			}
		}
		for _, t := range []string{"_load", "_quarantine"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE run_id IN ("+list+")"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("warehouse: remove what interrupted runs left: %w", err)
	}
	return nil
}

func int64List(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}

// ErrNotRevertible is wrapped by Revert's errors when the run cannot be
// undone as asked.
var ErrNotRevertible = errors.New("cannot revert")

// Table returns the name to INSERT rows of table into inside the
// transaction, which writes run: its history table when it is versioned
// (the rows must carry run's id; they are seen once the run commits), else
// the table itself.
func (tx *Tx) Table(ctx context.Context, table string, run int64) (string, error) {
	if err := checkIdent("table", table); err != nil {
		return "", fmt.Errorf("warehouse: %w", err)
	}
	if err := tx.begin(ctx); err != nil {
		return "", err
	}
	if err := tx.bind(ctx, run); err != nil {
		return "", err
	}
	name, _, err := tx.physical(ctx, table)
	return name, err
}

// Supersede replaces the rows of table that readers see now and that match
// where (an SQL condition on the table's columns, with args): in a versioned
// table they are marked as replaced by run, and disappear from view when run
// commits; in another table they are deleted. It returns how many.
func (tx *Tx) Supersede(ctx context.Context, table string, run int64, where string, args ...any) (int64, error) {
	if err := checkIdent("table", table); err != nil {
		return 0, fmt.Errorf("warehouse: %w", err)
	}
	if err := tx.begin(ctx); err != nil {
		return 0, err
	}
	if err := tx.bind(ctx, run); err != nil {
		return 0, err
	}
	name, versioned, err := tx.physical(ctx, table)
	if err != nil {
		return 0, err
	}
	if where == "" {
		where = "true"
	}
	stmt := "DELETE FROM " + name + " AS t WHERE (" + where + ")"
	if versioned {
		stmt = fmt.Sprintf("UPDATE %s AS t SET superseded_by = %d WHERE t.run_id IS DISTINCT FROM %d AND %s AND (%s)",
			name, run, run, visible("t"), where)
	}
	res, err := tx.conn.ExecContext(ctx, stmt, args...)
	if err != nil {
		return 0, fmt.Errorf("warehouse: replace rows of %s: %w", table, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
