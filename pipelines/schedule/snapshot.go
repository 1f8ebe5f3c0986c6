package schedule

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"grassroots/sql/warehouse"
)

// SnapshotPath is where the read-only snapshot of a warehouse is published:
// grassroots.duckdb → grassroots.snapshot.duckdb, beside it.
func SnapshotPath(warehousePath string) string {
	ext := filepath.Ext(warehousePath)
	return strings.TrimSuffix(warehousePath, ext) + ".snapshot" + ext
}

var publishMu sync.Mutex

// Publish copies the last committed state of w into the snapshot file: the
// copy is written to a temporary file beside it (DuckDB's COPY FROM DATABASE,
// which reads one consistent snapshot while loads go on) and renamed over the
// old snapshot, so a reader sees the old file or the new one, never half of
// one. Readers that have the old file open keep reading it.
func Publish(ctx context.Context, w *warehouse.Warehouse) (string, error) {
	publishMu.Lock()
	defer publishMu.Unlock()
	dst := SnapshotPath(w.Path())
	tmp := fmt.Sprintf("%s.tmp-%d", dst, os.Getpid())
	_ = os.Remove(tmp)
	_ = os.Remove(tmp + ".wal")
	conn, err := w.DB().Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	defer conn.Close()
	abs, err := filepath.Abs(tmp)
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "ATTACH '"+strings.ReplaceAll(abs, "'", "''")+"' AS _snapshot"); err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	detach := func() error {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), "DETACH _snapshot")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COPY FROM DATABASE "+warehouse.Catalog+" TO _snapshot"); err != nil {
		_ = detach()
		_ = os.Remove(tmp)
		return "", fmt.Errorf("snapshot: copy: %w", err)
	}
	if err := detach(); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("snapshot: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("snapshot: %w", err)
	}
	return dst, nil
}

// OpenReader opens the warehouse for reading. When another process (the
// scheduler) holds the file, it opens the published snapshot instead and
// returns a one-line note saying so; with no snapshot it returns the lock
// error with what to do.
func OpenReader(ctx context.Context, path string, opts ...warehouse.Option) (*warehouse.Warehouse, string, error) {
	opts = append([]warehouse.Option{warehouse.ReadOnly()}, opts...)
	w, err := warehouse.Open(ctx, path, opts...)
	var le *warehouse.LockedError
	if !errors.As(err, &le) {
		return w, "", err
	}
	snap := SnapshotPath(path)
	st, serr := os.Stat(snap)
	if serr != nil {
		return nil, "", fmt.Errorf("%w; no snapshot has been published yet (%s appears after the scheduler's first successful run)", err, filepath.Base(snap))
	}
	// A rename may land between Stat and Open; retry briefly.
	var sw *warehouse.Warehouse
	for i := 0; i < 20; i++ {
		sw, serr = warehouse.Open(ctx, snap, opts...)
		if serr == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if serr != nil {
		return nil, "", fmt.Errorf("%w; and the snapshot %s could not be opened: %v", err, snap, serr)
	}
	who := "another process"
	if le.PID != "" {
		who = "process " + le.PID
	}
	note := fmt.Sprintf("%s is in use by %s (the scheduler); reading the snapshot published %s",
		path, who, st.ModTime().Local().Format("2006-01-02 15:04:05"))
	return sw, note, nil
}
