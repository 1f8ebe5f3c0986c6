package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/sources"
	"grassroots/sources/fetch"
	"grassroots/sql/warehouse"
)

// A source path that is a pattern (inputs/returns/*.xlsx) reads every file it
// matches, in name order, in one run and one transaction: the tables the
// townships sent back, each its own workbook. Everything downstream of the
// reader sees one stream. Each file's rows are numbered apart (file i's row r
// is read as i·fileStride + r), so the unique key check and the held-back
// rows keep telling rows apart, and the quarantine gets each row's own file
// and row number back (manyFiles.place).
//
// A file that cannot be read — not a workbook, a sheet or a column missing —
// fails the run, as any malformed input does: the run goes on reading the
// other files so that every broken file is named at once, and loads nothing.

// fileStride separates the row numbers of the files of one run.
const fileStride = int64(1) << 40

// RegionColumn is the column whose codes a run of many files records per
// file (_run_file.region_codes): which region each returned file reported.
const RegionColumn = "region_code"

// YearColumn is the column whose values a run of many files records per
// file (_run_file.years): which years each returned file reported.
const YearColumn = "year"

// manyFiles are the files a pattern matched.
type manyFiles struct {
	pattern string   // as the spec names it
	paths   []string // as opened
	names   []string // as recorded: relative to the project when the pattern is
	// skipped are the files matched that are no data (Excel's lock files,
	// hidden files), relative to the pattern's folder: the run says so.
	skipped []string
	// Filled while the run reads (hashes by the hashing goroutine, the
	// rest by the reader): the content hash, rows read (source rejects
	// included) and region codes seen of each file.
	hashes   []string
	modified []time.Time
	rows     []int64
	regions  []map[string]bool
	years    []map[int64]bool // nil throughout when there is no year column
}

func newManyFiles(pattern, project string, paths []string) *manyFiles {
	m := &manyFiles{pattern: pattern, paths: paths, hashes: make([]string, len(paths)), modified: make([]time.Time, len(paths)),
		rows: make([]int64, len(paths)), regions: make([]map[string]bool, len(paths)), years: make([]map[int64]bool, len(paths))}
	for _, p := range paths {
		name := p
		if !filepath.IsAbs(pattern) {
			if rel, err := filepath.Rel(project, p); err == nil && !strings.HasPrefix(rel, "..") {
				name = rel
			}
		}
		m.names = append(m.names, filepath.ToSlash(name))
	}
	return m
}

// hash is the content hash of the set: every file's name and SHA-256, so
// that a file added, removed, renamed or changed makes another input.
func (m *manyFiles) hash(ctx context.Context) (string, error) {
	sum := sha256.New()
	for i, p := range m.paths {
		h, err := fetch.Hash(ctx, p, nil)
		if err != nil {
			return "", err
		}
		m.hashes[i] = h
		if st, err := os.Stat(p); err == nil {
			m.modified[i] = st.ModTime()
		}
		fmt.Fprintf(sum, "%s\x00%s\n", m.names[i], h)
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// where is the file and its own row number of a row number of the run.
func (m *manyFiles) where(row int64) (file int, r int64) {
	i := row / fileStride
	if i < 0 || int(i) >= len(m.names) {
		return -1, row
	}
	return int(i), row % fileStride
}

// rowRef names a row of the run in a message: "5 of inputs/returns/x.xlsx".
func (m *manyFiles) rowRef(row int64) string {
	i, r := m.where(row)
	if i < 0 {
		return strconv.FormatInt(row, 10)
	}
	return fmt.Sprintf("%d of %s", r, m.names[i])
}

// place gives each quarantined row its own file and row number; a row
// placed already (its file no longer the pattern) is left as it is.
func (m *manyFiles) place(q []QRow) {
	for k := range q {
		if q[k].File != m.pattern {
			continue
		}
		if i, r := m.where(q[k].Row); i >= 0 {
			q[k].File, q[k].Row = m.names[i], r
		}
	}
}

// heldByFile splits the held-back spans by file, in each file's numbers.
func (m *manyFiles) heldByFile(held []span) [][]span {
	out := make([][]span, len(m.names))
	for _, sp := range held {
		i, from := m.where(sp.from)
		_, to := m.where(sp.to)
		if i < 0 {
			continue
		}
		out[i] = append(out[i], span{from, to})
	}
	return out
}

// record writes what the run read of each file into _run_file, inside the
// load's transaction. q is the run's quarantine, already placed.
func (m *manyFiles) record(ctx context.Context, tx *warehouse.Tx, runID int64, q []QRow) error {
	quarantined := map[string]int64{}
	for _, r := range q {
		quarantined[r.File]++
	}
	for i, name := range m.names {
		codes := make([]string, 0, len(m.regions[i]))
		for c := range m.regions[i] {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		var mod any
		if !m.modified[i].IsZero() {
			mod = m.modified[i]
		}
		var years any // NULL: no year column
		if m.years[i] != nil {
			ys := make([]string, 0, len(m.years[i]))
			for y := range m.years[i] {
				ys = append(ys, strconv.FormatInt(y, 10))
			}
			sort.Strings(ys)
			years = strings.Join(ys, ",")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO _run_file (run_id, file, sha256, modified, rows_read, rows_quarantined, region_codes, years)
			VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ? = '' THEN []::VARCHAR[] ELSE string_split(?, ',') END,
			        CASE WHEN ?::VARCHAR = '' THEN []::INTEGER[] ELSE list_transform(string_split(?::VARCHAR, ','), y -> y::INTEGER) END)`,
			runID, name, m.hashes[i], mod, m.rows[i], quarantined[name], strings.Join(codes, ","), strings.Join(codes, ","), years, years); err != nil {
			return fmt.Errorf("run: record the files read: %w", err)
		}
	}
	return nil
}

// multiReader reads the files of a pattern one after another as one stream
// with the schema of the first. A file that cannot be opened or read is
// noted and skipped; Err joins them all at the end.
type multiReader struct {
	ctx  context.Context
	cfg  sources.Config
	m    *manyFiles
	mem  memory.Allocator
	refs atomic.Int64

	schema    *arrow.Schema
	firstAt   int // the file schema is of
	rowIdx    int
	regionIdx int
	yearIdx   int // an int year column, or -1
	next      int // the file to open next
	at        int // the file cur reads
	cur       array.RecordReader
	rec       arrow.RecordBatch
	errs      []error
}

var _ array.RecordReader = (*multiReader)(nil)

// newMultiReader opens the first file that opens; it fails only when none
// does, with every file's error. What m counted of an earlier pass over the
// files starts again.
func newMultiReader(ctx context.Context, cfg sources.Config, m *manyFiles) (*multiReader, error) {
	clear(m.rows)
	clear(m.regions)
	clear(m.years)
	r := &multiReader{ctx: ctx, cfg: cfg, m: m, mem: cfg.Allocator, regionIdx: -1, yearIdx: -1}
	if r.mem == nil {
		r.mem = memory.DefaultAllocator
	}
	r.refs.Store(1)
	for r.cur == nil && r.next < len(m.paths) {
		r.open()
	}
	if r.cur == nil {
		return nil, r.failure()
	}
	return r, nil
}

// open opens file r.next, noting its error if it fails.
func (r *multiReader) open() {
	i := r.next
	r.next++
	cfg := r.cfg
	cfg.Path = r.m.paths[i]
	if on := r.cfg.OnReject; on != nil {
		cfg.OnReject = func(rj sources.Reject) {
			r.m.rows[i]++
			rj.Row += int64(i) * fileStride
			on(rj)
		}
	}
	src, err := sources.New(cfg.Kind, cfg)
	var rdr array.RecordReader
	if err == nil {
		rdr, err = src.Open(r.ctx)
	}
	if err != nil {
		r.errs = append(r.errs, r.named(i, err))
		return
	}
	if r.schema == nil {
		r.schema, r.firstAt = rdr.Schema(), i
		r.rowIdx = r.schema.FieldIndices(sources.RowColumn)[0]
		if ix := r.schema.FieldIndices(RegionColumn); len(ix) > 0 && r.schema.Field(ix[0]).Type.ID() == arrow.STRING {
			r.regionIdx = ix[0]
		}
		if ix := r.schema.FieldIndices(YearColumn); len(ix) > 0 && r.schema.Field(ix[0]).Type.ID() == arrow.INT64 {
			r.yearIdx = ix[0]
		}
	} else if !r.schema.Equal(rdr.Schema()) {
		rdr.Release()
		r.errs = append(r.errs, fmt.Errorf("%s: %s", r.m.names[i], r.schemaDiff(rdr.Schema())))
		return
	}
	r.cur, r.at = rdr, i
	if r.yearIdx >= 0 && r.m.years[i] == nil {
		r.m.years[i] = map[int64]bool{} // a file of no rows has no years
	}
}

// schemaDiff says how a file's columns, read as got, differ from the first
// file's: the first column that differs, by its header, with the type each
// reads as.
func (r *multiReader) schemaDiff(got *arrow.Schema) string {
	first := r.m.names[r.firstAt]
	header := func(name string) string {
		for _, c := range r.cfg.Columns {
			if c.Name == name && !c.From.IsZero() {
				return fmt.Sprintf("column %q (%s)", c.From.String(), name)
			}
		}
		return fmt.Sprintf("column %s", name)
	}
	want := r.schema
	for k := 0; k < max(want.NumFields(), got.NumFields()); k++ {
		switch {
		case k >= got.NumFields():
			return fmt.Sprintf("%s is missing (the first file %s has it)", header(want.Field(k).Name), first)
		case k >= want.NumFields():
			return fmt.Sprintf("%s is more than the first file %s has", header(got.Field(k).Name), first)
		}
		w, g := want.Field(k), got.Field(k)
		switch {
		case w.Name != g.Name:
			return fmt.Sprintf("%s is where the first file %s has %s", header(g.Name), first, header(w.Name))
		case !arrow.TypeEqual(w.Type, g.Type):
			return fmt.Sprintf("%s reads as %s, in the first file %s as %s", header(w.Name), g.Type, first, w.Type)
		case w.Nullable != g.Nullable:
			return fmt.Sprintf("%s may be empty in one file and not in the other (the first file %s)", header(w.Name), first)
		}
	}
	return fmt.Sprintf("its columns are read otherwise than the first file %s's", first)
}

// named makes sure err names file i.
func (r *multiReader) named(i int, err error) error {
	if strings.Contains(err.Error(), r.m.paths[i]) || strings.Contains(err.Error(), r.m.names[i]) {
		return err
	}
	return fmt.Errorf("%s: %w", r.m.names[i], err)
}

func (r *multiReader) failure() error {
	if len(r.errs) == 0 {
		return nil
	}
	return &FilesError{Files: len(r.m.paths), Errs: r.errs}
}

func (r *multiReader) Schema() *arrow.Schema          { return r.schema }
func (r *multiReader) RecordBatch() arrow.RecordBatch { return r.rec }
func (r *multiReader) Record() arrow.RecordBatch      { return r.rec }
func (r *multiReader) Err() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	return r.failure()
}
func (r *multiReader) Retain() { r.refs.Add(1) }
func (r *multiReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *multiReader) Next() bool {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	for r.ctx.Err() == nil {
		if r.cur == nil {
			if r.next >= len(r.m.paths) {
				return false
			}
			r.open()
			continue
		}
		if r.cur.Next() {
			r.rec = r.shift(r.cur.RecordBatch())
			return true
		}
		if err := r.cur.Err(); err != nil {
			r.errs = append(r.errs, r.named(r.at, err))
		}
		r.cur.Release()
		r.cur = nil
	}
	return false
}

// shift renumbers a batch's rows into the run's numbers, and notes the rows
// and region codes of its file.
func (r *multiReader) shift(rec arrow.RecordBatch) arrow.RecordBatch {
	n := rec.NumRows()
	r.m.rows[r.at] += n
	if r.regionIdx >= 0 {
		codes := rec.Column(r.regionIdx).(*array.String)
		seen := r.m.regions[r.at]
		if seen == nil {
			seen = map[string]bool{}
			r.m.regions[r.at] = seen
		}
		for k := 0; k < codes.Len(); k++ {
			if codes.IsValid(k) {
				seen[codes.Value(k)] = true
			}
		}
	}
	if r.yearIdx >= 0 {
		ys := rec.Column(r.yearIdx).(*array.Int64)
		seen := r.m.years[r.at]
		if seen == nil {
			seen = map[int64]bool{}
			r.m.years[r.at] = seen
		}
		for k := 0; k < ys.Len(); k++ {
			if ys.IsValid(k) {
				seen[ys.Value(k)] = true
			}
		}
	}
	rows := rec.Column(r.rowIdx).(*array.Int64)
	b := array.NewInt64Builder(r.mem)
	defer b.Release()
	b.Reserve(rows.Len())
	off := int64(r.at) * fileStride
	for k := 0; k < rows.Len(); k++ {
		b.UnsafeAppend(rows.Value(k) + off)
	}
	shifted := b.NewInt64Array()
	defer shifted.Release()
	cols := make([]arrow.Array, rec.NumCols())
	copy(cols, rec.Columns())
	cols[r.rowIdx] = shifted
	return array.NewRecordBatch(r.schema, cols, n)
}

// FilesError fails a run of many files some of which could not be read: it
// names every one of them.
type FilesError struct {
	Files int
	Errs  []error
}

func (e *FilesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of the %d files could not be read; nothing was loaded (move them aside or ask for them again, then run again):", len(e.Errs), e.Files)
	for _, err := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(err.Error())
	}
	return b.String()
}

func (e *FilesError) Unwrap() []error { return e.Errs }
