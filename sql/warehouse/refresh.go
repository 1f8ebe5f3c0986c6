package warehouse

import (
	"context"
	"fmt"
)

// Refresh states of a run (_run.refresh): what depends on its data
// (indicators, reports) and has or has not been brought up to date.
const (
	RefreshPending = "pending" // committed with the run; redone until done
	RefreshDone    = "done"
	RefreshFailed  = "failed"
)

// MarkRefreshPending records, inside the run's own transaction, that what
// depends on the run must be refreshed once it commits. Written with the
// run's data, it cannot be lost by a crash that keeps the data: a refresh
// cut off leaves the mark, and the next run of the pipeline redoes it.
func (tx *Tx) MarkRefreshPending(ctx context.Context, run int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE _run SET refresh = 'pending' WHERE run_id = ?`, run); err != nil {
		return fmt.Errorf("warehouse: record pending refresh: %w", err)
	}
	return nil
}

// SetRefresh records how the refresh after the runs ids ended.
func (w *Warehouse) SetRefresh(ctx context.Context, ids []int64, state string, cause error) error {
	if len(ids) == 0 {
		return nil
	}
	var msg any
	if cause != nil {
		msg = oneLine(cause.Error())
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if _, err := w.db.ExecContext(ctx, `UPDATE _run SET refresh = ?, refresh_error = ? WHERE run_id IN (`+int64List(ids)+`)`,
		state, msg); err != nil {
		return fmt.Errorf("warehouse: record refresh: %w", err)
	}
	return nil
}

// PendingRefresh lists the committed runs of pipeline whose refresh is
// pending or failed, oldest first.
func (w *Warehouse) PendingRefresh(ctx context.Context, pipeline string) ([]int64, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT run_id FROM _run WHERE pipeline = ? AND committed_at IS NOT NULL
		AND refresh IN ('pending', 'failed') ORDER BY run_id`, pipeline)
	if err != nil {
		return nil, fmt.Errorf("warehouse: read pending refreshes: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
