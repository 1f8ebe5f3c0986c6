package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// LoadOptions say where a load goes and what it replaces.
type LoadOptions struct {
	// RunID is the run the rows belong to (see BeginRun). Zero makes Load record
	// a run of its own named Pipeline.
	RunID int64
	// Pipeline names the run when Load records it itself.
	Pipeline string
	// Trigger says who started a run Load records itself (cli, schedule, demo).
	Trigger string
	// PartitionBy lists the columns whose value combinations make a partition.
	// Every partition present in the loaded rows replaces the rows of that
	// partition already in the table, so re-loading never duplicates. Empty with
	// ReplaceAll false appends.
	PartitionBy []string
	// ReplaceAll replaces the whole table (for reference tables).
	ReplaceAll bool
}

// LoadStats tell what a load did.
type LoadStats struct {
	RunID    int64
	Rows     int64 // rows inserted
	Replaced int64 // older rows removed from the partitions loaded
	Duration time.Duration
}

// Tx is one write transaction. All loads and statements through it commit or
// roll back together.
//
// The transaction begins at its first statement. A Load must come first: the
// Arrow view it scans has to exist before the transaction's snapshot is taken
// (see registerView), so a transaction holds at most one Load, as its first
// step; other statements (quarantine rows, run bookkeeping) may follow it.
type Tx struct {
	w      *Warehouse
	conn   *sql.Conn
	begun  bool
	loaded bool
	run    int64 // the run the transaction writes (see bind)
}

func (tx *Tx) begin(ctx context.Context) error {
	if tx.begun {
		return nil
	}
	if _, err := tx.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("warehouse: begin: %w", err)
	}
	tx.begun = true
	return nil
}

// ExecContext runs a statement inside the transaction.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := tx.begin(ctx); err != nil {
		return nil, err
	}
	return tx.conn.ExecContext(ctx, query, args...)
}

// QueryContext runs a query inside the transaction (it sees the transaction's
// own uncommitted rows).
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := tx.begin(ctx); err != nil {
		return nil, err
	}
	return tx.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query returning one row inside the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) (*sql.Row, error) {
	if err := tx.begin(ctx); err != nil {
		return nil, err
	}
	return tx.conn.QueryRowContext(ctx, query, args...), nil
}

// Update runs fn in one write transaction: it commits if fn returns nil and
// rolls back otherwise, also when ctx is cancelled. Write transactions are
// serialised; readers keep seeing the last committed data meanwhile.
func (w *Warehouse) Update(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if w.readOnly {
		return fmt.Errorf("warehouse %s: opened read-only", w.path)
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer conn.Close()
	tx := &Tx{w: w, conn: conn}
	defer func() {
		if tx.run != 0 {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), "RESET VARIABLE grassroots_run"); err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
	}()
	if err := fn(ctx, tx); err != nil {
		if !tx.begun {
			return err
		}
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		return err
	}
	if !tx.begun {
		return nil
	}
	failpoint("update:before-commit")
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("warehouse: commit: %w", err)
	}
	failpoint("update:committed")
	return nil
}

// bind makes the transaction's connection see the rows of run id, which it
// writes, before the run is committed (see versions.go). Update unbinds the
// connection when the transaction ends.
func (tx *Tx) bind(ctx context.Context, id int64) error {
	if tx.run == id {
		return nil
	}
	if tx.run != 0 {
		return fmt.Errorf("warehouse: one transaction writes one run (%d), not %d too", tx.run, id)
	}
	if _, err := tx.conn.ExecContext(ctx, fmt.Sprintf("SET VARIABLE grassroots_run = %d", id)); err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	tx.run = id
	return nil
}

var viewSeq atomic.Int64

// Load writes rdr into table inside the transaction: the reader is registered
// as a single-use view in the in-memory catalog, inserted by column name with
// the run id, the partitions it covers replace the older rows of the same
// partitions, the load is recorded in _load, and the view is dropped. Columns
// of rdr whose names start with "_" (such as a source's _row) are not loaded.
// Load does not release rdr.
func (tx *Tx) Load(ctx context.Context, table string, rdr array.RecordReader, o LoadOptions) (LoadStats, error) {
	start := time.Now()
	st := LoadStats{RunID: o.RunID}
	if err := checkIdent("table", table); err != nil {
		return st, fmt.Errorf("warehouse: load: %w", err)
	}
	if o.RunID == 0 {
		return st, fmt.Errorf("warehouse: load %s: no run id", table)
	}
	var cols []string
	for _, f := range rdr.Schema().Fields() {
		if strings.HasPrefix(f.Name, "_") {
			continue
		}
		if f.Name == "run_id" {
			return st, fmt.Errorf("warehouse: load %s: the reader must not carry run_id; it is set by the load", table)
		}
		cols = append(cols, QuoteIdent(f.Name))
	}
	for _, c := range o.PartitionBy {
		if err := checkIdent("partition column", c); err != nil {
			return st, fmt.Errorf("warehouse: load %s: %w", table, err)
		}
	}
	if tx.begun {
		return st, fmt.Errorf("warehouse: load %s: a load must be the first step of its transaction", table)
	}
	if err := tx.checkColumns(ctx, table, rdr); err != nil {
		return st, err
	}
	if err := tx.bind(ctx, o.RunID); err != nil {
		return st, err
	}

	// The cap and the unordered insert are for the INSERT alone (see
	// LoadMemoryMin); replacing partitions after it may need more memory.
	restoreMemory, restoreOrder, restoreGo := tx.capMemory(ctx), tx.unordered(ctx), capGoMemory()
	settle := sync.OnceFunc(func() { restoreOrder(); restoreMemory(); restoreGo() })
	defer settle()

	view := fmt.Sprintf("_arrow_%s_%d", table, viewSeq.Add(1))
	release, err := tx.registerView(ctx, rdr, view)
	if err != nil {
		return st, fmt.Errorf("warehouse: load %s: %w", table, err)
	}
	defer release()
	if err := tx.begin(ctx); err != nil {
		return st, err
	}

	target, versioned, err := tx.physical(ctx, table)
	if err != nil {
		return st, fmt.Errorf("warehouse: load %s: %w", table, err)
	}
	colList := strings.Join(cols, ", ")
	insert := fmt.Sprintf("INSERT INTO %s (%s, run_id) SELECT %s, $1::BIGINT FROM memory.main.%s",
		target, colList, colList, QuoteIdent(view))
	res, err := tx.conn.ExecContext(ctx, insert, o.RunID)
	settle()
	if err != nil {
		return st, fmt.Errorf("warehouse: load %s: %w", table, err)
	}
	st.Rows, _ = res.RowsAffected()
	failpoint("load:inserted")

	if o.ReplaceAll || len(o.PartitionBy) > 0 {
		var conds []string
		for _, c := range o.PartitionBy {
			q := QuoteIdent(c)
			conds = append(conds, fmt.Sprintf("n.%s IS NOT DISTINCT FROM t.%s", q, q))
		}
		where := "t.run_id IS DISTINCT FROM $1::BIGINT"
		if !o.ReplaceAll {
			where += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM %s AS n WHERE n.run_id = $1::BIGINT AND %s)",
				target, strings.Join(conds, " AND "))
		}
		// A versioned table keeps the rows it replaces, marked with the
		// run that replaced them: they disappear from readers' view when
		// this run commits, and not before (see Commit).
		stmt := "DELETE FROM " + target + " AS t WHERE " + where
		if versioned {
			stmt = "UPDATE " + target + " AS t SET superseded_by = $1::BIGINT WHERE " + visible("t") + " AND " + where
		}
		res, err := tx.conn.ExecContext(ctx, stmt, o.RunID)
		if err != nil {
			return st, fmt.Errorf("warehouse: load %s: replace partitions: %w", table, err)
		}
		st.Replaced, _ = res.RowsAffected()
		failpoint("load:replaced")
	}
	st.Duration = time.Since(start)
	partition := strings.Join(o.PartitionBy, ",")
	if o.ReplaceAll {
		partition = "*"
	}
	if _, err := tx.conn.ExecContext(ctx, `INSERT INTO _load VALUES (?, ?, ?, ?, ?, ?, ?, 'succeeded', NULL)`,
		o.RunID, table, partition, st.Rows, st.Replaced, start, time.Now()); err != nil {
		return st, fmt.Errorf("warehouse: load %s: record: %w", table, err)
	}
	return st, nil
}

// Load's cap on DuckDB's buffer pool: LoadMemoryPerThread per worker thread,
// at least LoadMemoryMin. DuckDB keeps every block an INSERT writes to the file
// cached in its buffer pool until the pool reaches its limit (by default 80% of
// the machine's memory), so without a cap a load's resident memory grows with
// the rows loaded (10M party_member rows: ~175 MB of cached table blocks)
// although the blocks are already on disk. Under the cap DuckDB evicts them as
// it goes.
//
// The load also runs with preserve_insertion_order off: with it on, DuckDB
// inserts from an Arrow view on one thread (the view gives no batch indexes),
// and that thread, under a tight cap, evicts and rereads the blocks it is
// compressing. Off, the insert runs on every thread. Rows keep their source
// position in their own columns where it matters (pipelines carry _row to
// quarantine; facts are keyed by region and period), not in the table's
// physical order. Measured on 2 threads, 10M member rows: order on, 192 MB cap,
// 11.3 s and 351–362 MB peak RSS; order off, 128 MB cap, 7.5 s and 318 MB.
const (
	LoadMemoryMin       = 128 << 20
	LoadMemoryPerThread = 64 << 20
)

// LoadGoMemory is the soft limit on the Go runtime's memory while a load
// streams (runtime/debug.SetMemoryLimit). The batches in flight between the
// source, the validator and DuckDB are 80–110 MB live on the 10M-row member
// register; left to GOGC the heap grows to twice that before each collection.
// Under the limit the collector runs sooner and the heap stays near what is
// live, at no measurable cost in time: measured there, peak RSS of the whole
// run 445 MB without the limit, 379 MB at 140 MiB, 374 MB at 120 MiB. It is a
// soft limit: a load whose live heap is larger (very wide rows) runs with more
// collections, not out of memory.
const LoadGoMemory = 128 << 20

var goMemory struct {
	sync.Mutex
	loads  int
	before int64
}

// capGoMemory lowers the Go memory limit to LoadGoMemory while loads run,
// unless it is lower already (GOMEMLIMIT), and returns what restores it when
// the last load ends.
func capGoMemory() func() {
	goMemory.Lock()
	defer goMemory.Unlock()
	if goMemory.loads == 0 {
		goMemory.before = debug.SetMemoryLimit(-1)
		if goMemory.before > LoadGoMemory {
			debug.SetMemoryLimit(LoadGoMemory)
		}
	}
	goMemory.loads++
	return sync.OnceFunc(func() {
		goMemory.Lock()
		defer goMemory.Unlock()
		if goMemory.loads--; goMemory.loads == 0 {
			debug.SetMemoryLimit(goMemory.before)
			// The batches are gone; give their memory back, so that
			// what follows the load (the indicator refresh) does not
			// stand on top of it.
			debug.FreeOSMemory()
		}
	})
}

// capMemory caps DuckDB's memory limit for the duration of the load (see
// LimitMemory) and returns what lifts the cap. The limit is the database's:
// queries running in this process meanwhile share the cap (and spill to disk
// sooner).
func (tx *Tx) capMemory(ctx context.Context) func() {
	var threads int64
	if err := tx.conn.QueryRowContext(ctx, `SELECT current_setting('threads')::BIGINT`).Scan(&threads); err != nil {
		return func() {}
	}
	return tx.w.LimitMemory(ctx, max(LoadMemoryMin, threads*LoadMemoryPerThread))
}

// unordered turns preserve_insertion_order off for the load (see
// LoadMemoryMin) and returns what turns it back as it was.
func (tx *Tx) unordered(ctx context.Context) func() {
	var on bool
	if err := tx.conn.QueryRowContext(ctx, `SELECT current_setting('preserve_insertion_order')`).Scan(&on); err != nil || !on {
		return func() {}
	}
	if _, err := tx.conn.ExecContext(ctx, "SET GLOBAL preserve_insertion_order = false"); err != nil {
		return func() {}
	}
	return func() {
		// On a connection of its own, like capMemory's restore.
		_, _ = tx.w.db.ExecContext(context.WithoutCancel(ctx), "SET GLOBAL preserve_insertion_order = true")
	}
}

// ComputeMemory is the cap on DuckDB's buffer pool while indicators are
// computed (LimitMemory): their queries scan whole fact tables once (31M
// member rows at the bench's largest scale), and without a cap DuckDB keeps
// every block it read cached, so that the process grew with the table
// (409 MB at 31M members against 373 MB at 10M). Aggregates over regions and
// periods need little memory; what does not fit spills to disk.
const ComputeMemory = 192 << 20

// LimitMemory caps DuckDB's memory limit at limit until the returned func
// is called. Caps overlap (a load and an indicator refresh in the daemon):
// the limit in force is the lowest of the caps held and of the limit from
// before the first, which comes back when the last cap ends. A failure to
// read or set the limit leaves it as it was: it costs memory, not
// correctness.
//
// The limit is restored by SET to the value it had before the first cap of
// this process: RESET updates the setting but not the buffer pool's limit
// (the capped pool then fails to pin blocks for what follows), and DuckDB
// renders limits rounded, so setting back each cap's own reading would wear
// the limit down cap after cap; one remembered rendering reads back the same
// every time. The SET runs on a connection of its own: a load's may sit in a
// failed transaction, where every statement is refused.
func (w *Warehouse) LimitMemory(ctx context.Context, limit int64) func() {
	noop := func() {}
	if w.readOnly {
		return noop
	}
	w.memMu.Lock()
	defer w.memMu.Unlock()
	if w.memBefore == "" {
		if err := w.db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&w.memBefore); err != nil {
			w.memBefore = ""
			return noop
		}
	}
	if b, ok := parseBytes(w.memBefore); !ok || b <= limit {
		return noop
	}
	w.memCaps = append(w.memCaps, limit)
	w.applyMemory(ctx)
	return sync.OnceFunc(func() {
		w.memMu.Lock()
		defer w.memMu.Unlock()
		if k := slices.Index(w.memCaps, limit); k >= 0 {
			w.memCaps = slices.Delete(w.memCaps, k, k+1)
		}
		w.applyMemory(context.WithoutCancel(ctx))
	})
}

// applyMemory sets DuckDB's limit to the lowest cap held, or back to the
// limit from before the first; w.memMu is held.
func (w *Warehouse) applyMemory(ctx context.Context) {
	set := "SET GLOBAL memory_limit = " + quoteString(w.memBefore)
	if len(w.memCaps) > 0 {
		set = fmt.Sprintf("SET GLOBAL memory_limit = '%dMiB'", slices.Min(w.memCaps)>>20)
	}
	_, _ = w.db.ExecContext(ctx, set)
}

// parseBytes reads DuckDB's rendering of a memory size ("19.1 GiB", "512.0 MiB").
func parseBytes(s string) (int64, bool) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	scale := map[string]float64{"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
	if scale == 0 {
		return 0, false
	}
	return int64(v * scale), true
}

// registerView exposes rdr as a view in the in-memory catalog. DuckDB creates
// Arrow views in the connection's default catalog, and a transaction may write to
// one database only, so the view is registered (and committed) on a connection of
// its own switched to the in-memory catalog, before the load's transaction begins
// (a transaction does not see catalog entries committed after its start); the
// transaction then only reads it.
// The returned release drops the view and releases the exported stream.
func (tx *Tx) registerView(ctx context.Context, rdr array.RecordReader, name string) (func(), error) {
	conn, err := tx.w.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "USE memory"); err != nil {
		conn.Close()
		return nil, err
	}
	var release func()
	err = withArrow(conn, func(ar *duckdb.Arrow) (err error) {
		release, err = ar.RegisterView(rdr, name)
		return err
	})
	if err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "USE "+Catalog)
		conn.Close()
		return nil, err
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		_, _ = conn.ExecContext(ctx, "DROP VIEW IF EXISTS memory.main."+QuoteIdent(name))
		release()
		if _, err := conn.ExecContext(ctx, "USE "+Catalog); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// checkColumns fails with a clear message when the reader has a column the
// table does not.
func (tx *Tx) checkColumns(ctx context.Context, table string, rdr array.RecordReader) error {
	rows, err := tx.conn.QueryContext(ctx, `SELECT column_name FROM duckdb_columns()
		WHERE database_name = ? AND schema_name = 'main' AND table_name = ?`, Catalog, table)
	if err != nil {
		return fmt.Errorf("warehouse: load %s: %w", table, err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return err
		}
		have[c] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(have) == 0 {
		return fmt.Errorf("warehouse: load: no table %q in the warehouse (run `grassroots init`?)", table)
	}
	var missing []string
	for _, f := range rdr.Schema().Fields() {
		if !strings.HasPrefix(f.Name, "_") && !have[f.Name] {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("warehouse: load %s: the table has no column %s", table, strings.Join(missing, ", "))
	}
	return nil
}

// Load writes rdr into table in one transaction of its own, recording a run
// named o.Pipeline unless o.RunID names one already begun. See Tx.Load.
func (w *Warehouse) Load(ctx context.Context, table string, rdr array.RecordReader, o LoadOptions) (LoadStats, error) {
	own := o.RunID == 0
	if own {
		id, err := w.BeginRun(ctx, RunInfo{Pipeline: o.Pipeline, Trigger: o.Trigger})
		if err != nil {
			return LoadStats{}, err
		}
		o.RunID = id
	}
	var st LoadStats
	err := w.Update(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		st, err = tx.Load(ctx, table, rdr, o)
		return err
	})
	st.RunID = o.RunID
	if own {
		res := RunResult{Status: StatusSucceeded, RowsRead: st.Rows, RowsLoaded: st.Rows}
		if err != nil {
			res = RunResult{Status: StatusFailed, Err: err}
		}
		if ferr := w.FinishRun(context.WithoutCancel(ctx), o.RunID, res); ferr != nil && err == nil {
			err = ferr
		}
	}
	return st, err
}
