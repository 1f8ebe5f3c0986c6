// Package warehouse owns the DuckDB file that holds grassroots' data: it opens
// it (one connector per file per process), applies the embedded migrations, and
// loads Arrow record readers into tables, one transaction per run.
//
// A writer ATTACHes the file, as catalog "warehouse", to an in-memory DuckDB
// database. Every connection's default catalog is the warehouse, so queries
// name tables plainly; the in-memory catalog is where single-use Arrow views
// are registered during a load, so no such view can ever be saved into the
// file (a persisted Arrow view crashes the next process that scans it). A
// reader opens the file as a read-only DuckDB instance of its own, with no
// access to other files (see ReadOnly).
//
// How runs become visible, all at once or not at all, and how the warehouse
// is read as of a past moment: versions.go.
package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// Catalog is the name the warehouse file is attached under.
const Catalog = "warehouse"

// ErrLocked is returned (wrapped in a *LockedError) when another process holds
// the warehouse file.
var ErrLocked = errors.New("warehouse is locked by another process")

// ErrNotExist is returned when a read-only open names a file that does not exist.
var ErrNotExist = errors.New("warehouse does not exist")

// LockedError says which file is locked and, when DuckDB tells, by which process.
type LockedError struct {
	Path string
	PID  string
}

func (e *LockedError) Error() string {
	who := "another process"
	if e.PID != "" {
		who = "another process (PID " + e.PID + ")"
	}
	return fmt.Sprintf("warehouse %s is in use by %s, probably `grassroots schedule` or a load; "+
		"wait for it to finish, or read the published snapshot", e.Path, who)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Warehouse is an open warehouse file. It is safe for concurrent use; writes are
// serialised (one writer at a time), reads see the last committed data.
type Warehouse struct {
	path     string
	key      string // in the registry
	catalog  string // the name the file has in SQL
	readOnly bool
	db       *sql.DB
	conn     *duckdb.Connector

	writeMu sync.Mutex // one write transaction at a time
	refs    int        // guarded by registry.mu

	memMu     sync.Mutex // guards memBefore and memCaps (see LimitMemory)
	memBefore string     // DuckDB's memory_limit as it was before the first cap
	memCaps   []int64    // the memory caps held now
}

type options struct {
	readOnly bool
	asOf     time.Time
	allowDir string
}

// Option configures Open.
type Option func(*options)

// ReadOnly opens the file read-only: many read-only processes may share a file,
// and no statement can change it, nor any other file: the DuckDB instance has
// no access to files beyond the warehouse (no ATTACH, COPY TO, EXPORT,
// INSTALL, read_csv of a path…) and its configuration is locked, so no
// statement can lift that.
func ReadOnly() Option { return func(o *options) { o.readOnly = true } }

// AsOf opens the file read-only as it was at t: the tables runs write show
// the rows that were current then (see versions.go). Replaced rows are kept
// for the warehouse's retention; before that, the history is incomplete.
func AsOf(t time.Time) Option { return func(o *options) { o.readOnly, o.asOf = true, t } }

// AllowDirectory opens the file read-only, as ReadOnly does, except that
// statements may read and write files under dir (COPY … TO a file there):
// for commands that publish the warehouse's contents as files. Nothing
// outside dir becomes reachable, and the configuration stays locked.
func AllowDirectory(dir string) Option {
	return func(o *options) { o.readOnly, o.allowDir = true, dir }
}

// registry keeps one connector per file per process: opening the same DuckDB
// file twice in one process silently loses writes.
var registry = struct {
	sync.Mutex
	open map[string]*Warehouse
}{open: map[string]*Warehouse{}}

// Open opens (creating it if needed, unless read-only) the warehouse file at
// path. Opening a file this process already has open returns the same
// warehouse; each Open needs its own Close.
func Open(ctx context.Context, path string, opts ...Option) (*Warehouse, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	key := abs
	if !o.asOf.IsZero() {
		key += "@" + o.asOf.UTC().Format(time.RFC3339Nano)
	}
	var allow string
	if o.allowDir != "" {
		if allow, err = filepath.Abs(o.allowDir); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		key += "+" + allow
	}
	registry.Lock()
	defer registry.Unlock()
	if w, ok := registry.open[key]; ok {
		if w.readOnly && !o.readOnly {
			return nil, fmt.Errorf("warehouse: %s is already open read-only in this process", path)
		}
		w.refs++
		return w, nil
	}
	if o.readOnly {
		if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("warehouse %s: %w (start a project with `grassroots init DIR` and run this inside it, or give --warehouse)", path, ErrNotExist)
		}
	} else if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}

	// A writer attaches the file to an in-memory database (see the package
	// comment). A reader opens the file itself as a read-only instance:
	// every database it has, or could attach, is read-only, so no
	// statement can write — not even one that detaches the file and
	// attaches it again.
	dsn, catalog := "", Catalog
	init := []string{
		fmt.Sprintf("ATTACH IF NOT EXISTS %s AS %s", quoteString(abs), Catalog),
		"USE " + Catalog,
	}
	if o.readOnly {
		dsn, catalog, init = abs+"?access_mode=read_only", "", nil
	}
	if !o.asOf.IsZero() {
		init = append(init, fmt.Sprintf("SET VARIABLE grassroots_as_of = TIMESTAMPTZ %s",
			quoteString(o.asOf.UTC().Format("2006-01-02 15:04:05.999999Z07:00"))))
	}
	connector, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		for _, stmt := range init {
			if _, err := ex.ExecContext(context.Background(), stmt, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, openError(path, err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	if o.readOnly {
		if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog); err != nil {
			db.Close()
			return nil, openError(path, err)
		}
		lock := "SET enable_external_access = false; SET lock_configuration = true"
		if allow != "" {
			lock = fmt.Sprintf("SET allowed_directories = [%s]; ", quoteString(allow+string(filepath.Separator))) + lock
		}
		if _, err := db.ExecContext(ctx, lock); err != nil {
			db.Close()
			return nil, fmt.Errorf("warehouse %s: lock down a read-only open: %w", path, err)
		}
	}
	w := &Warehouse{path: path, key: key, catalog: catalog, readOnly: o.readOnly, db: db, conn: connector, refs: 1}
	if !o.asOf.IsZero() {
		if err := w.checkAsOf(ctx, o.asOf); err != nil {
			db.Close()
			return nil, err
		}
	}
	if !o.readOnly {
		if _, err := w.recover(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	registry.open[key] = w
	return w, nil
}

var lockPID = regexp.MustCompile(`\(PID (\d+)\)`)

func openError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Could not set lock on file"):
		le := &LockedError{Path: path}
		if m := lockPID.FindStringSubmatch(msg); m != nil {
			le.PID = m[1]
		}
		return le
	case strings.Contains(msg, "database does not exist") || strings.Contains(msg, "No such file"):
		return fmt.Errorf("warehouse %s: %w (start a project with `grassroots init DIR` and run this inside it, or give --warehouse)", path, ErrNotExist)
	}
	return fmt.Errorf("warehouse %s: %w", path, err)
}

// Path is the file name the warehouse was opened with.
func (w *Warehouse) Path() string { return w.path }

// Catalog is the name the warehouse file has in SQL (database_name in
// duckdb_tables()): the constant Catalog for a writer; a read-only open
// names it after the file.
func (w *Warehouse) Catalog() string { return w.catalog }

// ReadOnly reports whether the warehouse was opened read-only.
func (w *Warehouse) ReadOnly() bool { return w.readOnly }

// DB is the pool of connections to the warehouse. Queries name tables plainly.
func (w *Warehouse) DB() *sql.DB { return w.db }

// Close releases this handle; the file is closed (and checkpointed) when the
// last handle in the process is closed.
func (w *Warehouse) Close() error {
	registry.Lock()
	defer registry.Unlock()
	w.refs--
	if w.refs > 0 {
		return nil
	}
	delete(registry.open, w.key)
	err := w.db.Close()
	if cerr := w.conn.Close(); err == nil {
		err = cerr
	}
	return err
}

// quoteString quotes s as a SQL string literal.
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteIdent quotes s as a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func checkIdent(kind, s string) error {
	if !identRE.MatchString(s) {
		return fmt.Errorf("%s %q is not a snake_case name", kind, s)
	}
	return nil
}

// QueryArrow runs query on a connection of its own and returns its rows as
// Arrow batches. The caller releases the reader, then calls done, which
// gives the connection back.
func (w *Warehouse) QueryArrow(ctx context.Context, query string, args ...any) (array.RecordReader, func(), error) {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	var rdr array.RecordReader
	err = withArrow(conn, func(ar *duckdb.Arrow) (err error) {
		rdr, err = ar.QueryContext(ctx, query, args...)
		return err
	})
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("warehouse: %w", err)
	}
	return rdr, func() { conn.Close() }, nil
}

// withArrow calls fn with DuckDB's Arrow interface on conn.
func withArrow(conn *sql.Conn, fn func(ar *duckdb.Arrow) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(c)
		if err != nil {
			return err
		}
		return fn(ar)
	})
}
