package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"
)

// popReader yields batches of population rows for region 110101, one year per
// row starting at firstYear. With failAfter > 0 it fails after that many batches.
type popReader struct {
	mem       memory.Allocator
	schema    *arrow.Schema
	batches   int
	batchRows int
	firstYear int
	failAfter int
	n         int
	cur       arrow.RecordBatch
	err       error
	refs      int64
}

var popSchema = arrow.NewSchema([]arrow.Field{
	{Name: "region_code", Type: arrow.BinaryTypes.String},
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "resident_pop", Type: arrow.PrimitiveTypes.Float64},
	{Name: "urban_resident_pop", Type: arrow.PrimitiveTypes.Float64},
	{Name: "_row", Type: arrow.PrimitiveTypes.Int64},
}, nil)

func newPopReader(mem memory.Allocator, batches, batchRows, firstYear int) *popReader {
	return &popReader{mem: mem, schema: popSchema, batches: batches, batchRows: batchRows, firstYear: firstYear, refs: 1}
}

func (r *popReader) Retain() { r.refs++ }
func (r *popReader) Release() {
	r.refs--
	if r.refs == 0 && r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}
func (r *popReader) Schema() *arrow.Schema          { return r.schema }
func (r *popReader) Record() arrow.RecordBatch      { return r.cur }
func (r *popReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *popReader) Err() error                     { return r.err }
func (r *popReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.failAfter > 0 && r.n == r.failAfter {
		r.err = errors.New("csv: pop.csv: line 812, column \"城镇人口\": \"12,3x\" is not a number")
		return false
	}
	if r.n == r.batches {
		return false
	}
	b := array.NewRecordBuilder(r.mem, r.schema)
	defer b.Release()
	for i := 0; i < r.batchRows; i++ {
		row := r.n*r.batchRows + i
		b.Field(0).(*array.StringBuilder).Append("110101")
		b.Field(1).(*array.Int32Builder).Append(int32(r.firstYear + row))
		b.Field(2).(*array.Float64Builder).Append(1000)
		b.Field(3).(*array.Float64Builder).Append(600)
		b.Field(4).(*array.Int64Builder).Append(int64(row + 2))
	}
	r.cur = b.NewRecordBatch()
	r.n++
	return true
}

var _ array.RecordReader = (*popReader)(nil)

func openTemp(t *testing.T) (*Warehouse, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	ctx := context.Background()
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, path
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestMigrateOnce(t *testing.T) {
	ctx := context.Background()
	w, _ := openTemp(t)
	again, err := w.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second Migrate applied %v, want nothing", again)
	}
	all, _ := Migrations()
	applied, err := w.Applied(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(all) || applied[0] != "0001_core.sql" {
		t.Fatalf("applied = %v, want the %d embedded migrations", applied, len(all))
	}
}

func TestLoadReplacesPartition(t *testing.T) {
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	w, _ := openTemp(t)
	opts := LoadOptions{Pipeline: "pop", PartitionBy: []string{"region_code", "year"}}
	for i := 0; i < 2; i++ {
		r := newPopReader(mem, 2, 5, 2001) // years 2001..2010
		st, err := w.Load(ctx, "population", r, opts)
		r.Release()
		if err != nil {
			t.Fatal(err)
		}
		if st.Rows != 10 {
			t.Fatalf("load %d inserted %d rows, want 10", i, st.Rows)
		}
		if want := int64(i * 10); st.Replaced != want {
			t.Fatalf("load %d replaced %d rows, want %d", i, st.Replaced, want)
		}
	}
	if n := count(t, w.DB(), `SELECT count(*) FROM population`); n != 10 {
		t.Fatalf("after loading the same partitions twice: %d rows, want 10", n)
	}
	// An overlapping load replaces only the years it carries.
	r := newPopReader(mem, 1, 5, 2008) // 2008..2012
	st, err := w.Load(ctx, "population", r, opts)
	r.Release()
	if err != nil {
		t.Fatal(err)
	}
	if st.Replaced != 3 {
		t.Fatalf("replaced %d, want 3 (2008-2010)", st.Replaced)
	}
	if n := count(t, w.DB(), `SELECT count(*) FROM population`); n != 12 {
		t.Fatalf("%d rows, want 12 (2001-2012 once each)", n)
	}
	if n := count(t, w.DB(), `SELECT count(*) FROM _run WHERE status = 'succeeded' AND rows_loaded > 0`); n != 3 {
		t.Fatalf("%d succeeded runs recorded, want 3", n)
	}
	if n := count(t, w.DB(), `SELECT count(*) FROM _load WHERE table_name = 'population'`); n != 3 {
		t.Fatalf("%d loads recorded, want 3", n)
	}
}

func TestLoadFailingSourceLeavesTableAsBefore(t *testing.T) {
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	w, _ := openTemp(t)
	r := newPopReader(mem, 1, 4, 1990)
	if _, err := w.Load(ctx, "population", r, LoadOptions{Pipeline: "pop", PartitionBy: []string{"year"}}); err != nil {
		t.Fatal(err)
	}
	r.Release()
	before := count(t, w.DB(), `SELECT count(*) FROM population`)

	// Same years again, but the source fails after its first batch.
	bad := newPopReader(mem, 3, 2, 1990)
	bad.failAfter = 1
	_, err := w.Load(ctx, "population", bad, LoadOptions{Pipeline: "pop", PartitionBy: []string{"year"}})
	bad.Release()
	if err == nil {
		t.Fatal("a source failing mid-stream loaded without error")
	}
	if !strings.Contains(err.Error(), `"12,3x" is not a number`) {
		t.Errorf("error %q does not carry the source's message", err)
	}
	if after := count(t, w.DB(), `SELECT count(*) FROM population`); after != before {
		t.Fatalf("table has %d rows after the failed load, want %d as before", after, before)
	}
	if n := count(t, w.DB(), `SELECT count(*) FROM population WHERE year = 1990 AND run_id = 1`); n != 1 {
		t.Fatalf("the first load's 1990 row was replaced by a failed load")
	}
	var status, msg string
	if err := w.DB().QueryRow(`SELECT status, error FROM _run ORDER BY run_id DESC LIMIT 1`).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != StatusFailed || !strings.Contains(msg, "is not a number") {
		t.Fatalf("run recorded as %s %q, want failed with the source's error", status, msg)
	}
	if n := count(t, w.DB(), `SELECT count(*) FROM _load`); n != 1 {
		t.Fatalf("%d loads recorded, want only the first (the failed one rolled back)", n)
	}
}

func TestNoArrowViewPersists(t *testing.T) {
	ctx := context.Background()
	w, path := openTemp(t)
	r := newPopReader(memory.NewGoAllocator(), 1, 3, 2000)
	if _, err := w.Load(ctx, "population", r, LoadOptions{Pipeline: "pop"}); err != nil {
		t.Fatal(err)
	}
	r.Release()
	arrowViews := `SELECT count(*) FROM duckdb_views() WHERE NOT internal
		AND (view_name LIKE '\_arrow\_%' ESCAPE '\' OR database_name = 'memory')`
	if n := count(t, w.DB(), arrowViews); n != 0 {
		t.Fatalf("%d Arrow views left in this process after the load", n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Open the file as its own main database, as any DuckDB client would.
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, arrowViews); n != 0 {
		t.Fatalf("the file holds %d Arrow views after a load, want none", n)
	}
	if n := count(t, db, `SELECT count(*) FROM population`); n != 3 {
		t.Fatalf("a plain DuckDB client sees %d population rows, want 3", n)
	}
	_ = duckdb.Connector{}
}

func TestOneConnectorPerFile(t *testing.T) {
	ctx := context.Background()
	w, path := openTemp(t)
	w2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if w2 != w {
		t.Fatal("a second Open of the same file in one process made a second connector")
	}
	w2.Close()
	if err := w.DB().Ping(); err != nil {
		t.Fatalf("closing the second handle closed the first: %v", err)
	}
}

// The child processes of the tests below re-run this test binary.
func TestMain(m *testing.M) {
	switch os.Getenv("GRASSROOTS_TEST_CHILD") {
	case "hold":
		// Hold the file for writing until killed.
		w, err := Open(context.Background(), os.Getenv("GRASSROOTS_TEST_PATH"))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		_ = w
		fmt.Println("holding")
		time.Sleep(time.Hour)
	case "bigload":
		ctx := context.Background()
		w, err := Open(ctx, os.Getenv("GRASSROOTS_TEST_PATH"))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		r := &slowReader{popReader: newPopReader(memory.NewGoAllocator(), 1<<20, 122880, 0)}
		_, err = w.Load(ctx, "population", r, LoadOptions{Pipeline: "big", PartitionBy: []string{"year"}})
		fmt.Println("load returned:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// slowReader announces on stdout when it has handed DuckDB some batches.
type slowReader struct{ *popReader }

func (r *slowReader) Next() bool {
	if r.n == 20 {
		fmt.Println("loading")
	}
	return r.popReader.Next()
}

func startChild(t *testing.T, mode, path, want string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GRASSROOTS_TEST_CHILD="+mode, "GRASSROOTS_TEST_PATH="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		buf := make([]byte, 4096)
		var got strings.Builder
		for {
			n, err := out.Read(buf)
			got.Write(buf[:n])
			if strings.Contains(got.String(), want) || err != nil {
				line <- got.String()
				return
			}
		}
	}()
	select {
	case s := <-line:
		if !strings.Contains(s, want) {
			t.Fatalf("child %s said %q, want %q", mode, s, want)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("child %s did not say %q within a minute", mode, want)
	}
	return cmd
}

func TestKilledLoadLeavesNothing(t *testing.T) {
	ctx := context.Background()
	w, path := openTemp(t)
	r := newPopReader(memory.NewGoAllocator(), 1, 3, -10)
	if _, err := w.Load(ctx, "population", r, LoadOptions{Pipeline: "small"}); err != nil {
		t.Fatal(err)
	}
	r.Release()
	w.Close()

	child := startChild(t, "bigload", path, "loading")
	time.Sleep(300 * time.Millisecond) // well inside the load: 20+ batches of 122,880 rows are in flight
	if err := child.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	w, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("warehouse does not reopen after SIGKILL mid-load: %v", err)
	}
	defer w.Close()
	if n := count(t, w.DB(), `SELECT count(*) FROM population`); n != 3 {
		t.Fatalf("%d population rows after the killed load, want the 3 from before", n)
	}
	var status string
	if err := w.DB().QueryRow(`SELECT status FROM _run WHERE pipeline = 'big'`).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != StatusInterrupted {
		t.Fatalf("killed run recorded as %q, want interrupted", status)
	}
}

func TestSecondProcessGetsClearLockError(t *testing.T) {
	_, path := openTemp(t)
	// Release this process's handle so that the child can take the file.
	registry.Lock()
	abs, _ := filepath.Abs(path)
	w := registry.open[abs]
	registry.Unlock()
	w.Close()

	startChild(t, "hold", path, "holding")
	for _, opts := range [][]Option{nil, {ReadOnly()}} {
		_, err := Open(context.Background(), path, opts...)
		var le *LockedError
		if !errors.As(err, &le) {
			t.Fatalf("open while another process writes: %v, want a LockedError", err)
		}
		if strings.Contains(err.Error(), "IO Error") || !strings.Contains(err.Error(), "in use by another process") {
			t.Fatalf("lock error reads %q", err)
		}
		if _, perr := strconv.Atoi(le.PID); perr != nil {
			t.Errorf("lock error names no PID: %q", err)
		}
	}
}

func TestLoadRestoresSettings(t *testing.T) {
	ctx := context.Background()
	w, _ := openTemp(t)
	limit := func() string {
		var s string
		if err := w.DB().QueryRow(`SELECT current_setting('memory_limit') || ' ' ||
			current_setting('preserve_insertion_order')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// DuckDB renders the limit rounded: the first restore may read back a
	// tenth of a unit lower than the default, never lower after that.
	first := ""
	for i := 0; i < 3; i++ {
		r := newPopReader(memory.NewGoAllocator(), 2, 10, 2000)
		if _, err := w.Load(ctx, "population", r, LoadOptions{Pipeline: "pop", PartitionBy: []string{"year"}}); err != nil {
			t.Fatal(err)
		}
		r.Release()
		bad := newPopReader(memory.NewGoAllocator(), 3, 10, 2000)
		bad.failAfter = 1
		if _, err := w.Load(ctx, "population", bad, LoadOptions{Pipeline: "pop", PartitionBy: []string{"year"}}); err == nil {
			t.Fatal("failing load succeeded")
		}
		bad.Release()
		got := limit()
		if first == "" {
			first = got
		}
		if got != first || !strings.HasSuffix(got, " GiB true") {
			t.Fatalf("memory_limit and preserve_insertion_order after load %d: %s, want %s as after the first", i+1, got, first)
		}
	}
}

func TestAllowDirectoryWritesThereOnly(t *testing.T) {
	ctx := context.Background()
	w, path := openTemp(t)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir, other := t.TempDir(), t.TempDir()
	r, err := Open(ctx, path, AllowDirectory(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	inside := filepath.Join(dir, "x.parquet")
	if _, err := r.DB().ExecContext(ctx, fmt.Sprintf("COPY (SELECT 1 AS a) TO %s (FORMAT parquet)", quoteString(inside))); err != nil {
		t.Fatalf("COPY into the allowed directory: %v", err)
	}
	if _, err := os.Stat(inside); err != nil {
		t.Fatalf("COPY into the allowed directory wrote nothing: %v", err)
	}
	for _, q := range []string{
		fmt.Sprintf("COPY (SELECT 1 AS a) TO %s (FORMAT parquet)", quoteString(filepath.Join(other, "y.parquet"))),
		fmt.Sprintf("COPY (SELECT 1 AS a) TO %s (FORMAT parquet)", quoteString(filepath.Join(dir, "..", "y.parquet"))),
		fmt.Sprintf("SET allowed_directories = [%s]", quoteString(other)),
		"INSERT INTO region_history (code, name, level, level_name) VALUES ('110000', '北京市', 1, 'province')",
	} {
		if _, err := r.DB().ExecContext(ctx, q); err == nil {
			t.Errorf("%s: allowed on a warehouse opened with AllowDirectory", q)
		}
	}
}

// Memory caps overlap (a load and an indicator refresh in the daemon): the
// lowest cap held is in force, lifting one leaves the others', and the
// limit from before comes back when the last ends, whatever the order.
func TestMemoryCapsOverlap(t *testing.T) {
	ctx := context.Background()
	w, _ := openTemp(t)
	limit := func() string {
		var s string
		if err := w.DB().QueryRow(`SELECT current_setting('memory_limit')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// DuckDB renders limits rounded: the first restore may read back a
	// tenth of a unit lower than the default (see TestLoadRestoresSettings).
	w.LimitMemory(ctx, 64<<20)()
	before := limit()
	load := w.LimitMemory(ctx, 128<<20)
	refresh := w.LimitMemory(ctx, 192<<20)
	if got := limit(); got != "128.0 MiB" {
		t.Fatalf("with caps of 128 and 192 MiB held the limit is %s", got)
	}
	load()
	if got := limit(); got != "192.0 MiB" {
		t.Fatalf("after the 128 MiB cap ends, with 192 MiB held, the limit is %s", got)
	}
	load() // twice: no effect
	refresh()
	if got := limit(); got != before {
		t.Fatalf("after every cap ended the limit is %s, want %s as before", got, before)
	}
}
