package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "publish parquet",
		Args:    "DIR",
		Summary: "publish the fact tables as Hive-partitioned Parquet with a manifest, for Spark, Trino and DuckDB",
		Help: `Writes the current rows of the fact tables (party_member, organisation,
party_org, community, population, member_count) under DIR, one Parquet file
per table, province and period:

  DIR/<table>/province=<code>/<time key>=<value>/part-0.parquet
  DIR/_manifest.json

province is the first two digits of the row's region_code followed by 0000
(000000 for national rows); a row whose region_code is not a GB/T 2260 or NBS
code goes under province=unknown. The time key is snapshot_date for the
registers that have one and year for the yearly tables. Partition columns are
in the path, not in the files. Types are the ones Spark, Trino and DuckDB read
natively: DATE as DATE, timestamps in microseconds, strings UTF-8, no unsigned
or 128-bit integers. DDL for Spark SQL and Trino: docs/scale-out.md.

Publishing again rewrites only the partitions whose rows changed (by row count
and a checksum computed in DuckDB), removes those that no longer have rows and
leaves the others untouched. Each file is written under a hidden temporary
name and renamed into place; the manifest is written last, the same way, so it
never names a half-written file. --full rewrites every partition.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path string
			var full bool
			addWarehouseFlag(fs, &path)
			fs.BoolVar(&full, "full", false, "rewrite every partition, changed or not")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) != 1 {
					return Usagef("publish parquet takes one directory")
				}
				dir, err := filepath.Abs(args[0])
				if err != nil {
					return err
				}
				w, err := e.openRead(ctx, e.warehousePath(path), warehouse.AllowDirectory(dir))
				if err != nil {
					return err
				}
				defer w.Close()
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				p := &publisher{w: w, dir: dir, full: full, note: func(s string) { fmt.Fprintf(e.Stderr, "grassroots: %s\n", s) }}
				res, err := p.publish(ctx)
				if err != nil {
					return err
				}
				res.print(e.Stdout, args[0])
				return nil
			}
		},
	})
}

// publishTables are the fact tables published, in this order: the registers
// keyed by snapshot date, then the yearly tables. Reference and operations
// tables stay in the warehouse.
var publishTables = []string{"party_member", "organisation", "party_org", "community", "population", "member_count"}

// manifestName is the manifest's file name in the published directory. Spark
// and Trino skip files whose names begin with _ or ., so neither the manifest
// nor a temporary file is ever read as data.
const manifestName = "_manifest.json"

// hiveNull is the directory value Hive, Spark and Trino use for a NULL
// partition key.
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

// provinceExpr maps region_code to its province: the first two digits and
// 0000 for a 6-, 9- or 12-digit code of a province (11–82) or the country
// (000000), else unknown.
const provinceExpr = `CASE WHEN regexp_full_match(region_code, '[0-9]{6}([0-9]{3}){0,2}')
	AND (left(region_code, 2) BETWEEN '11' AND '82' OR left(region_code, 6) = '000000')
	THEN left(region_code, 2) || '0000' ELSE 'unknown' END`

// manifest is DIR/_manifest.json: what was published, from which warehouse,
// and per partition the figures the next publish compares.
type manifest struct {
	Producer      string          `json:"producer"`
	Warehouse     string          `json:"warehouse"`
	SchemaVersion int             `json:"schema_version"`
	DuckDB        string          `json:"duckdb_version"`
	CreatedAt     string          `json:"created_at"`
	Layout        string          `json:"layout"`
	Province      string          `json:"province"`
	Checksum      string          `json:"checksum"`
	Tables        []manifestTable `json:"tables"`
}

type manifestTable struct {
	Name string `json:"name"`
	// Partitioning names the partition columns, in path order.
	Partitioning []string `json:"partitioning"`
	// Columns are the table's columns in the warehouse's order, with their
	// published DuckDB types; the time key is one of them but lives in the
	// path, not in the files.
	Columns    []manifestColumn `json:"columns"`
	Rows       int64            `json:"rows"`
	Bytes      int64            `json:"bytes"`
	Partitions []manifestPart   `json:"partitions"`
}

type manifestColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type manifestPart struct {
	Province string `json:"province"`
	Period   string `json:"period"`
	Path     string `json:"path"`
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
	SHA256   string `json:"sha256"`
	Bytes    int64  `json:"bytes"`
	Modified string `json:"modified"`
}

// publishTable is what one table's publish did.
type publishTable struct {
	name                        string
	written, unchanged, removed int
	rows, bytes                 int64
}

type publishResult struct {
	tables   []publishTable
	manifest string // "written" or "unchanged"
}

func (r *publishResult) print(w io.Writer, dir string) {
	var t publishTable
	t.name = "total"
	for _, x := range r.tables {
		fmt.Fprintf(w, "%-14s %4d written  %4d unchanged  %4d removed  %12d rows  %s\n", x.name, x.written, x.unchanged, x.removed, x.rows, bytesText(x.bytes))
		t.written += x.written
		t.unchanged += x.unchanged
		t.removed += x.removed
		t.rows += x.rows
		t.bytes += x.bytes
	}
	fmt.Fprintf(w, "%-14s %4d written  %4d unchanged  %4d removed  %12d rows  %s\n", t.name, t.written, t.unchanged, t.removed, t.rows, bytesText(t.bytes))
	fmt.Fprintf(w, "manifest %s %s\n", filepath.Join(dir, manifestName), r.manifest)
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

type publisher struct {
	w    *warehouse.Warehouse
	dir  string
	full bool
	note func(string)
}

func (p *publisher) publish(ctx context.Context) (*publishResult, error) {
	db := p.w.DB()
	m := manifest{
		Producer:  "grassroots",
		Warehouse: filepath.Base(p.w.Path()),
		Layout:    "<table>/province=<province>/<time key>=<value>/part-0.parquet, Hive-style; partition columns are in the path, not in the files",
		Province:  "first two digits of region_code followed by 0000 (000000: national rows); unknown: a region_code that is not a GB/T 2260 or NBS code",
		Checksum:  "per partition: the sum, as a 128-bit integer, of DuckDB hash(c1, c2, …) of every row over the table's columns in the order and types listed, the time key included; order-independent; comparable between publishes by the same DuckDB version",
	}
	if err := db.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(version), 0) FROM _migration), version()`).Scan(&m.SchemaVersion, &m.DuckDB); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	old := p.readManifest(m.DuckDB)
	res := &publishResult{}
	for _, name := range publishTables {
		var prev *manifestTable
		if old != nil {
			for i := range old.Tables {
				if old.Tables[i].Name == name {
					prev = &old.Tables[i]
				}
			}
		}
		t, stats, err := p.table(ctx, name, prev)
		if err != nil {
			return nil, err
		}
		m.Tables = append(m.Tables, t)
		res.tables = append(res.tables, stats)
	}
	res.manifest = "unchanged"
	if old == nil || !sameManifest(old, &m) {
		m.CreatedAt = time.Now().UTC().Format(time.RFC3339)
		if err := p.writeManifest(&m); err != nil {
			return nil, err
		}
		res.manifest = "written"
	}
	return res, nil
}

// readManifest reads the manifest of the last publish, or nil: with --full,
// when there is none, when it cannot be read (said on stderr), or when it was
// written with another DuckDB version, whose hashes may differ.
func (p *publisher) readManifest(duckdb string) *manifest {
	if p.full {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(p.dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var m manifest
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err == nil && m.Producer != "grassroots" {
		err = fmt.Errorf("producer %q, not grassroots", m.Producer)
	}
	if err != nil {
		p.note(fmt.Sprintf("%s: %v; rewriting every partition", manifestName, err))
		return nil
	}
	if m.DuckDB != duckdb {
		p.note(fmt.Sprintf("%s was written with DuckDB %s, this is %s: rewriting every partition", manifestName, m.DuckDB, duckdb))
		return nil
	}
	return &m
}

// sameManifest reports whether two manifests say the same but for when they
// were written.
func sameManifest(a, b *manifest) bool {
	x, y := *a, *b
	x.CreatedAt, y.CreatedAt = "", ""
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return bytes.Equal(bx, by)
}

// writeManifest writes the manifest under a temporary name and renames it
// into place.
func (p *publisher) writeManifest(m *manifest) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	dst := filepath.Join(p.dir, manifestName)
	tmp := filepath.Join(p.dir, fmt.Sprintf(".%s.%d.tmp", manifestName, os.Getpid()))
	if err := writeSynced(tmp, buf.Bytes()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("publish: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("publish: %w", err)
	}
	syncDir(p.dir)
	return nil
}

func writeSynced(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// publishedType is the type a warehouse column of DuckDB type t is
// published as: one that Spark, Trino and DuckDB read natively from Parquet.
// Unsigned and 128-bit integers are narrowed (a value that does not fit
// fails the publish rather than wrapping), timestamps go to microseconds,
// enums and UUIDs to strings.
func publishedType(t string) (string, bool) {
	switch {
	case t == "VARCHAR", t == "DATE", t == "BOOLEAN", t == "DOUBLE", t == "FLOAT",
		t == "TINYINT", t == "SMALLINT", t == "INTEGER", t == "BIGINT", t == "BLOB",
		t == "TIMESTAMP", t == "TIMESTAMP WITH TIME ZONE", strings.HasPrefix(t, "DECIMAL("):
		return t, true
	case t == "UTINYINT", t == "USMALLINT":
		return "INTEGER", true
	case t == "UINTEGER", t == "UBIGINT", t == "HUGEINT", t == "UHUGEINT":
		return "BIGINT", true
	case t == "TIMESTAMP_S", t == "TIMESTAMP_MS", t == "TIMESTAMP_NS":
		return "TIMESTAMP", true
	case t == "UUID", strings.HasPrefix(t, "ENUM("):
		return "VARCHAR", true
	}
	return "", false
}

// columns reads a table's (or view's) columns and their published types;
// superseded_by, the versioning column, is never published.
func (p *publisher) columns(ctx context.Context, table string) ([]manifestColumn, error) {
	rows, err := p.w.DB().QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = ?
		ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("publish: %s: %w", table, err)
	}
	defer rows.Close()
	var cols []manifestColumn
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		if name == "superseded_by" {
			continue
		}
		pt, ok := publishedType(typ)
		if !ok {
			return nil, fmt.Errorf("publish: %s.%s: type %s has no Parquet type that Spark and Trino both read", table, name, typ)
		}
		cols = append(cols, manifestColumn{Name: name, Type: pt})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("publish: the warehouse has no table %s (run grassroots init to bring it up to date)", table)
	}
	return cols, nil
}

// timeKey is the table's period column: snapshot_date for a register that
// has one, else year.
func timeKey(table string, cols []manifestColumn) (manifestColumn, error) {
	for _, want := range []string{"snapshot_date", "year"} {
		for _, c := range cols {
			if c.Name == want {
				return c, nil
			}
		}
	}
	return manifestColumn{}, fmt.Errorf("publish: %s has neither snapshot_date nor year to partition by", table)
}

func hasColumn(cols []manifestColumn, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}

// table publishes one table: it counts and checksums every partition in one
// scan, rewrites those that differ from prev, and removes from disk every
// partition file that is not a current partition.
func (p *publisher) table(ctx context.Context, name string, prev *manifestTable) (manifestTable, publishTable, error) {
	stats := publishTable{name: name}
	cols, err := p.columns(ctx, name)
	if err != nil {
		return manifestTable{}, stats, err
	}
	key, err := timeKey(name, cols)
	if err != nil {
		return manifestTable{}, stats, err
	}
	if !hasColumn(cols, "region_code") {
		return manifestTable{}, stats, fmt.Errorf("publish: %s has no region_code to partition by province", name)
	}
	t := manifestTable{Name: name, Partitioning: []string{"province", key.Name}, Columns: cols}
	if prev != nil && !sameColumns(prev, &t) {
		prev = nil // a changed schema: every partition again
	}
	var exprs, fileCols []string
	for _, c := range cols {
		e := fmt.Sprintf("CAST(%s AS %s) AS %s", warehouse.QuoteIdent(c.Name), c.Type, warehouse.QuoteIdent(c.Name))
		exprs = append(exprs, e)
		if c.Name != key.Name {
			fileCols = append(fileCols, warehouse.QuoteIdent(c.Name))
		}
	}
	var hashArgs []string
	for _, c := range cols {
		hashArgs = append(hashArgs, warehouse.QuoteIdent(c.Name))
	}
	// published is the table in its published types, with its province.
	published := fmt.Sprintf("(SELECT %s AS _province, %s FROM %s)", provinceExpr, strings.Join(exprs, ", "), warehouse.QuoteIdent(name))
	kq := warehouse.QuoteIdent(key.Name)
	rows, err := p.w.DB().QueryContext(ctx, fmt.Sprintf(`SELECT _province, coalesce(CAST(%s AS VARCHAR), '%s') AS period,
		count(*), CAST(sum(hash(%s)) AS VARCHAR)
		FROM %s GROUP BY ALL ORDER BY ALL`, kq, hiveNull, strings.Join(hashArgs, ", "), published))
	if err != nil {
		return t, stats, fmt.Errorf("publish: %s: %w", name, err)
	}
	for rows.Next() {
		var part manifestPart
		if err := rows.Scan(&part.Province, &part.Period, &part.Rows, &part.Checksum); err != nil {
			rows.Close()
			return t, stats, err
		}
		part.Path = fmt.Sprintf("%s/province=%s/%s=%s/part-0.parquet", name, part.Province, key.Name, part.Period)
		t.Partitions = append(t.Partitions, part)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, stats, fmt.Errorf("publish: %s: %w", name, err)
	}

	was := map[string]manifestPart{}
	if prev != nil {
		for _, part := range prev.Partitions {
			was[part.Path] = part
		}
	}
	current := map[string]bool{}
	for i := range t.Partitions {
		part := &t.Partitions[i]
		current[part.Path] = true
		if err := ctx.Err(); err != nil {
			return t, stats, err
		}
		if old, ok := was[part.Path]; ok && old.Rows == part.Rows && old.Checksum == part.Checksum && p.intact(old) {
			*part = old
			stats.unchanged++
		} else {
			where := fmt.Sprintf("_province = '%s' AND %s IS NULL", part.Province, kq)
			if part.Period != hiveNull {
				where = fmt.Sprintf("_province = '%s' AND %s = CAST('%s' AS %s)", part.Province, kq, strings.ReplaceAll(part.Period, "'", "''"), key.Type)
			}
			q := fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(fileCols, ", "), published, where)
			if err := p.writePart(ctx, q, part); err != nil {
				return t, stats, fmt.Errorf("publish: %s: %w", part.Path, err)
			}
			stats.written++
		}
		t.Rows += part.Rows
		t.Bytes += part.Bytes
	}
	removed, err := p.prune(name, current)
	if err != nil {
		return t, stats, fmt.Errorf("publish: %s: %w", name, err)
	}
	for path := range was {
		if !current[path] {
			removed[path] = true
		}
	}
	stats.removed = len(removed)
	stats.rows, stats.bytes = t.Rows, t.Bytes
	return t, stats, nil
}

func sameColumns(a, b *manifestTable) bool {
	if len(a.Columns) != len(b.Columns) || strings.Join(a.Partitioning, ",") != strings.Join(b.Partitioning, ",") {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i] != b.Columns[i] {
			return false
		}
	}
	return true
}

// intact reports whether a partition's file is still the one the manifest
// describes: the same size, and the same modification time or, failing
// that, the same SHA-256.
func (p *publisher) intact(part manifestPart) bool {
	path := filepath.Join(p.dir, filepath.FromSlash(part.Path))
	st, err := os.Stat(path)
	if err != nil || st.Size() != part.Bytes {
		return false
	}
	if st.ModTime().UTC().Format(time.RFC3339Nano) == part.Modified {
		return true
	}
	sum, err := fileSHA256(path, false)
	return err == nil && sum == part.SHA256
}

// writePart has DuckDB write one partition's rows (query) to a hidden file
// in the partition's directory, checks the row count, makes the file
// durable, and renames it into place.
func (p *publisher) writePart(ctx context.Context, query string, part *manifestPart) error {
	dst := filepath.Join(p.dir, filepath.FromSlash(part.Path))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(dst), fmt.Sprintf(".%s.%d.tmp", filepath.Base(dst), os.Getpid()))
	os.Remove(tmp)
	r, err := p.w.DB().ExecContext(ctx, fmt.Sprintf("COPY (%s) TO '%s' (FORMAT parquet, COMPRESSION zstd)", query, strings.ReplaceAll(tmp, "'", "''")))
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if n, err := r.RowsAffected(); err == nil && n != part.Rows {
		os.Remove(tmp)
		return fmt.Errorf("wrote %d rows, counted %d", n, part.Rows)
	}
	sum, err := fileSHA256(tmp, true)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(dst))
	st, err := os.Stat(dst)
	if err != nil {
		return err
	}
	part.SHA256, part.Bytes, part.Modified = sum, st.Size(), st.ModTime().UTC().Format(time.RFC3339Nano)
	return nil
}

// fileSHA256 hashes a file; with sync it also flushes it to disk.
func fileSHA256(path string, sync bool) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// prune removes from DIR/<table> every partition file that is not current,
// the temporary files an interrupted publish left, and the directories that
// leaves empty. It returns the paths of the partition files removed.
func (p *publisher) prune(table string, current map[string]bool) (map[string]bool, error) {
	root := filepath.Join(p.dir, table)
	removed := map[string]bool{}
	if err := os.MkdirAll(root, 0o755); err != nil { // engines want the table's location to exist
		return nil, err
	}
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root {
				dirs = append(dirs, path)
			}
			return nil
		}
		rel, err := filepath.Rel(p.dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		base := d.Name()
		stale := strings.HasPrefix(base, ".part-") && strings.HasSuffix(base, ".tmp")
		old := strings.HasPrefix(base, "part-") && strings.HasSuffix(base, ".parquet") && !current[rel]
		if !stale && !old {
			return nil
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		if old {
			removed[rel] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dirs))) // children before parents
	for _, d := range dirs {
		os.Remove(d) // fails, as it should, unless empty
	}
	return removed, nil
}
