package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/sources/value"
)

// Rows is what a format hands the shared table reader: the rows of a table of
// text cells, after any preamble (skip_rows) has been skipped, header rows first.
// Cells may point into the format's read buffer: the reader copies what it keeps.
type Rows interface {
	// Next returns the cells of the next row and its 1-based physical row
	// number, or io.EOF. The slice is valid until the next call.
	Next() (cells []string, row int64, err error)
	Close() error
}

// RawRows is implemented by rows that also carry stored values (XLSX: the
// number behind a formatted date or percentage), aligned with the cells.
type RawRows interface {
	Raw() []string
}

// ASCIIRows is implemented by rows that know whether the row Next last
// returned is all ASCII: its cells are then valid UTF-8 without a check.
type ASCIIRows interface {
	ASCII() bool
}

// MergedHeaders is implemented by rows whose merged header cells have already
// been filled with the merged value (XLSX). Otherwise an empty cell in an upper
// header row above a named cell takes the name to its left, as a merged cell
// exported to CSV looks.
type MergedHeaders interface {
	MergedHeaders() bool
}

// Table names a table for error messages and stats.
type Table struct {
	Format   string // csv, xlsx, json, parquet
	File     string
	Sheet    string
	Encoding string
	BOM      bool
	// Header, when not nil, is used instead of reading header rows (JSON).
	Header []string
}

// TableReader is the array.RecordReader shared by the text formats: it reads the
// header, maps columns, drops rows by rule, parses values, hands bad rows to
// OnReject and emits batches. Its Next may be called from any goroutine or
// thread (it keeps no goroutine-affine state).
type TableReader struct {
	refs   atomic.Int64
	ctx    context.Context
	cfg    Config
	t      Table
	rows   Rows
	raw    RawRows
	ascii  ASCIIRows        // nil if rows cannot tell
	faults CellFaults       // nil if rows have none
	mem    memory.Allocator // pool, over the configured allocator
	pool   *recycler
	schema *arrow.Schema
	cols   []*column // one per field, then _row
	rowC   *column
	rowCel cell
	n      int // rows in the current batch
	capN   int // rows the batch buffers hold
	fields []*field
	cells  []cell
	header []string // joined header names, or nil
	width  int
	nulls  map[string]struct{}
	maxNul int
	nulFst [256]bool // first bytes of the null placeholders
	drops  []dropRule
	batch  int
	utf8   bool

	// unpivot
	wide     []int
	wideKeys []cell
	keyF     int
	valF     int
	keepNull bool
	valCells []cell

	cur   arrow.RecordBatch
	err   error
	done  bool
	stats Stats // owned by the producer

	// Batches are built by a producer goroutine one step ahead of Next, so
	// parsing overlaps the consumer's work (DuckDB inserting the previous
	// batch). Rejects and stats travel with each batch and are handed over
	// inside Next, on the caller's goroutine.
	ch       chan batchMsg
	stop     chan struct{}
	wg       sync.WaitGroup
	pending  []Reject
	perr     error
	pub      Stats // stats as of the last batch handed out
	finished bool
}

type batchMsg struct {
	rec     arrow.RecordBatch
	rejects []Reject
	stats   Stats
	err     error
}

var _ StatsReader = (*TableReader)(nil)

type dropRule struct {
	col    int
	equals map[string]bool
	starts []string
	re     *regexp.Regexp
	blank  bool
}

// NewTableReader reads the header from rows and prepares the reader. It takes
// ownership of rows and closes it on error or release.
func NewTableReader(ctx context.Context, cfg Config, t Table, rows Rows) (_ *TableReader, err error) {
	defer func() {
		if err != nil {
			rows.Close()
		}
	}()
	r := &TableReader{ctx: ctx, cfg: cfg, t: t, rows: rows, mem: cfg.Allocator, batch: cfg.BatchSize, keyF: -1, valF: -1}
	r.refs.Store(1)
	r.raw, _ = rows.(RawRows)
	r.ascii, _ = rows.(ASCIIRows)
	r.faults, _ = rows.(CellFaults)
	r.utf8 = t.Encoding == "utf-8"
	r.stats.Encoding, r.stats.BOM = t.Encoding, t.BOM
	r.pub = r.stats
	if r.mem == nil {
		r.mem = memory.DefaultAllocator
	}
	r.pool = newRecycler(r.mem)
	r.mem = r.pool
	if r.batch <= 0 {
		r.batch = DefaultBatchSize
	}
	nulls := cfg.NullValues
	if nulls == nil {
		nulls = value.DefaultNulls
	}
	r.nulls = map[string]struct{}{}
	for _, s := range nulls {
		r.nulls[s] = struct{}{}
		r.maxNul = max(r.maxNul, len(s))
		if s != "" {
			r.nulFst[s[0]] = true
		}
	}
	loc := time.UTC
	if cfg.TimeZone != "" {
		loc, _ = time.LoadLocation(cfg.TimeZone)
	} else if l, e := time.LoadLocation("Asia/Shanghai"); e == nil {
		loc = l
	}

	// Header.
	switch {
	case t.Header != nil:
		r.header = t.Header
	case !cfg.NoHeader:
		n := max(cfg.HeaderRows, 1)
		var hdr [][]string
		for len(hdr) < n {
			cells, _, err := rows.Next()
			if err == io.EOF {
				if len(hdr) == 0 {
					return nil, r.structural(0, "the file is empty (expected a header row)")
				}
				return nil, r.structural(0, "the file ends inside the header (expected %d header rows)", n)
			}
			if err != nil {
				return nil, err
			}
			if r.utf8 {
				for _, c := range cells {
					if !utf8.ValidString(c) {
						return nil, r.structural(0, "the header is not valid UTF-8 (read as utf-8; set encoding: gb18030 if the file is GBK)")
					}
				}
			}
			row := make([]string, len(cells))
			for i, c := range cells {
				row[i] = strings.Clone(c) // cells may point into a read buffer
			}
			hdr = append(hdr, row)
		}
		merged := false
		if m, ok := rows.(MergedHeaders); ok {
			merged = m.MergedHeaders()
		}
		r.header = JoinHeaders(hdr, merged)
	}
	r.width = len(r.header)

	// Columns.
	var problems []string
	used := map[int]bool{}
	arrowFields := make([]arrow.Field, 0, len(cfg.Columns)+1)
	for i, col := range cfg.Columns {
		f, err := newField(col, r.header, loc)
		if err != nil {
			return nil, fmt.Errorf("%s: columns[%d]: %w", r.where(0), i, err)
		}
		if err := f.resolveLiterals(); err != nil {
			return nil, fmt.Errorf("%s: columns[%d]: %w", r.where(0), i, err)
		}
		if !col.From.IsZero() {
			idx, err := r.find(col.From)
			if err != nil {
				problems = append(problems, err.Error())
			} else {
				f.src = idx
				f.srcName = r.srcName(idx)
				used[idx] = true
			}
		}
		if u := cfg.Unpivot; u != nil {
			if col.Name == u.Key {
				r.keyF = i
			}
			if col.Name == u.Value {
				r.valF = i
			}
		}
		r.fields = append(r.fields, f)
		arrowFields = append(arrowFields, arrow.Field{Name: col.Name, Type: f.arrowType(), Nullable: true})
	}
	for _, d := range cfg.DropRows {
		dr := dropRule{col: 0, blank: d.Blank, starts: d.StartsWith}
		if !d.Column.IsZero() {
			idx, err := r.find(d.Column)
			if err != nil {
				problems = append(problems, err.Error())
			}
			dr.col = idx
		}
		if len(d.Equals) > 0 {
			dr.equals = map[string]bool{}
			for _, e := range d.Equals {
				dr.equals[squeeze(e)] = true
			}
		}
		for i, s := range dr.starts {
			dr.starts[i] = squeeze(s)
		}
		if d.Matches != "" {
			dr.re = regexp.MustCompile(d.Matches)
		}
		r.drops = append(r.drops, dr)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", r.where(0), strings.Join(problems, "; "))
	}
	if u := cfg.Unpivot; u != nil {
		if r.header == nil {
			return nil, r.structural(0, "unpivot needs a header")
		}
		match, _ := u.Matcher()
		kf := r.fields[r.keyF]
		for i, h := range r.header {
			if used[i] || !match(h) {
				continue
			}
			key := h
			if u.Match == "years" {
				key = h[:4]
			}
			var c cell
			if err := kf.parse(key, "", &c); err != nil {
				return nil, r.structural(0, "unpivot: header %q %v for column %q", h, err, kf.col.Name)
			}
			r.wide = append(r.wide, i)
			r.wideKeys = append(r.wideKeys, c)
		}
		if len(r.wide) == 0 {
			return nil, r.structural(0, "unpivot: no column header matches %q (have: %s)", u.Match, r.have())
		}
		r.keepNull = u.KeepNulls
		r.valCells = make([]cell, len(r.wide))
	}
	arrowFields = append(arrowFields, arrow.Field{Name: RowColumn, Type: arrow.PrimitiveTypes.Int64})
	r.schema = arrow.NewSchema(arrowFields, nil)
	for i, f := range r.fields {
		r.cols = append(r.cols, newColumn(arrowFields[i].Type, f.typ))
	}
	r.rowC = newColumn(arrow.PrimitiveTypes.Int64, Int)
	r.cells = make([]cell, len(r.fields))
	return r, nil
}

// JoinHeaders joins header rows into one name per column: parts from top to
// bottom, empty parts and repeats (a vertically merged cell) skipped, joined
// with "/". Unless merged is true, an empty upper cell over a named lower cell
// takes the name to its left (a horizontally merged cell saved as CSV).
func JoinHeaders(rows [][]string, merged bool) []string {
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	grid := make([][]string, len(rows))
	for i, r := range rows {
		grid[i] = make([]string, width)
		for j := range r {
			grid[i][j] = CleanHeader(r[j])
		}
	}
	if !merged {
		for i := 0; i < len(grid)-1; i++ {
			for j := 1; j < width; j++ {
				if grid[i][j] != "" || grid[i][j-1] == "" {
					continue
				}
				below := false
				for k := i + 1; k < len(grid); k++ {
					below = below || grid[k][j] != ""
				}
				// Only fill where the left neighbour is itself a group
				// heading, i.e. has something below it too.
				leftBelow := false
				for k := i + 1; k < len(grid); k++ {
					leftBelow = leftBelow || grid[k][j-1] != ""
				}
				if below && leftBelow {
					grid[i][j] = grid[i][j-1]
				}
			}
		}
	}
	out := make([]string, width)
	for j := 0; j < width; j++ {
		var parts []string
		for i := range grid {
			p := grid[i][j]
			if p != "" && (len(parts) == 0 || parts[len(parts)-1] != p) {
				parts = append(parts, p)
			}
		}
		out[j] = strings.Join(parts, "/")
	}
	return out
}

// CleanHeader trims a header cell and collapses runs of white space (line
// breaks inside Excel cells included) to one space, or to nothing next to
// Chinese text: "城镇人口\n（万人）" → "城镇人口（万人）".
func CleanHeader(s string) string {
	fs := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == 0x3000 || r == 0xFEFF })
	if len(fs) <= 1 {
		if len(fs) == 0 {
			return ""
		}
		return fs[0]
	}
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(fs[i-1])
			next, _ := utf8.DecodeRuneInString(f)
			if prev < 0x2E80 && next < 0x2E80 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

// MatchKey is how header names are compared: full-width folded, white space
// removed, lower case.
func MatchKey(s string) string {
	return strings.ToLower(squeeze(s))
}

// squeeze folds full-width characters and removes all white space.
func squeeze(s string) string {
	s = value.Fold(s)
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func (r *TableReader) find(ref Ref) (int, error) {
	if ref.Pos > 0 {
		if r.header != nil && ref.Pos > len(r.header) {
			return 0, fmt.Errorf("column #%d not found: the header has %d columns", ref.Pos, len(r.header))
		}
		return ref.Pos - 1, nil
	}
	if r.header == nil {
		return 0, fmt.Errorf("column %q: there is no header (no_header); refer to columns by position", ref.Name)
	}
	want := MatchKey(ref.Name)
	found := -1
	for i, h := range r.header {
		if MatchKey(h) == want {
			if found >= 0 {
				return 0, fmt.Errorf("column %q is ambiguous: header has it at #%d and #%d", ref.Name, found+1, i+1)
			}
			found = i
		}
	}
	if found < 0 {
		return 0, fmt.Errorf("column %q not found in header (have: %s)", ref.Name, r.have())
	}
	return found, nil
}

func (r *TableReader) have() string {
	var hs []string
	for i, h := range r.header {
		if h == "" {
			h = "#" + strconv.Itoa(i+1)
		}
		hs = append(hs, h)
	}
	if len(hs) > 40 {
		hs = append(hs[:40], fmt.Sprintf("… %d more", len(hs)-40))
	}
	return strings.Join(hs, ", ")
}

func (r *TableReader) srcName(idx int) string {
	if idx < len(r.header) && r.header[idx] != "" {
		return r.header[idx]
	}
	return "#" + strconv.Itoa(idx+1)
}

func (r *TableReader) where(row int64) string {
	return Position{r.t.Format, r.t.File, r.t.Sheet, row}.String()
}

func (r *TableReader) structural(row int64, format string, a ...any) error {
	return fmt.Errorf("%s: %s", r.where(row), fmt.Sprintf(format, a...))
}

// Header returns the joined header names (nil without a header).
func (r *TableReader) Header() []string { return r.header }

// Stats reports what the reader has handed out so far; after Next has
// returned false it covers the whole input.
func (r *TableReader) Stats() Stats { return r.pub }

func (r *TableReader) Schema() *arrow.Schema { return r.schema }

func (r *TableReader) Retain() { r.refs.Add(1) }

func (r *TableReader) Release() {
	if r.refs.Add(-1) == 0 {
		if r.cur != nil {
			r.cur.Release()
			r.cur = nil
		}
		if r.ch != nil {
			close(r.stop)
			for msg := range r.ch {
				if msg.rec != nil {
					msg.rec.Release()
				}
			}
			r.wg.Wait()
		}
		for _, c := range r.cols {
			c.release()
		}
		r.rowC.release()
		r.pool.close()
		r.rows.Close()
	}
}

func (r *TableReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Deprecated: use RecordBatch.
func (r *TableReader) Record() arrow.RecordBatch { return r.cur }

func (r *TableReader) Err() error { return r.err }

// Next makes the next batch current. It may be called from any thread,
// including a cgo callback.
func (r *TableReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.finished {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.err, r.finished = err, true
		return false
	}
	if r.ch == nil {
		r.ch = make(chan batchMsg) // unbuffered: at most one batch waits
		r.stop = make(chan struct{})
		r.wg.Add(1)
		go r.produce()
	}
	msg, ok := <-r.ch
	if !ok {
		r.finished = true
		return false
	}
	r.pub = msg.stats
	for _, rj := range msg.rejects {
		r.cfg.OnReject(rj)
	}
	if msg.err != nil || msg.rec == nil {
		r.err, r.finished = msg.err, true
		return false
	}
	r.cur = msg.rec
	return true
}

func (r *TableReader) produce() {
	defer r.wg.Done()
	defer close(r.ch)
	for {
		rec := r.fill()
		msg := batchMsg{rec: rec, rejects: r.pending, stats: r.stats, err: r.perr}
		r.pending = nil
		select {
		case r.ch <- msg:
		case <-r.stop:
			if rec != nil {
				rec.Release()
			}
			return
		}
		if rec == nil {
			return
		}
	}
}

// fill builds the next batch; nil at the end or on error (r.perr).
func (r *TableReader) fill() arrow.RecordBatch {
	if r.done || r.perr != nil {
		return nil
	}
	r.capN = r.batch + len(r.wide)
	for _, c := range r.cols {
		c.start(r.mem, r.capN)
	}
	r.rowC.start(r.mem, r.capN)
	r.n = 0
	n := 0
	for n < r.batch {
		if r.stats.RowsRead&1023 == 0 {
			r.cfg.Progress.SetRows(r.stats.RowsRead)
			if err := r.ctx.Err(); err != nil {
				r.perr = err
				r.releaseBatch()
				return nil
			}
		}
		cells, row, err := r.rows.Next()
		if err == io.EOF {
			r.done = true
			break
		}
		if err != nil {
			if r.ctx.Err() != nil {
				err = r.ctx.Err()
			}
			r.perr = err
			r.releaseBatch()
			return nil
		}
		k, err := r.row(cells, row)
		if err != nil {
			r.perr = err
			r.releaseBatch()
			return nil
		}
		n += k
	}
	r.cfg.Progress.SetRows(r.stats.RowsRead)
	if n == 0 {
		r.releaseBatch()
		return nil
	}
	arrs := make([]arrow.Array, 0, len(r.cols)+1)
	for _, c := range r.cols {
		arrs = append(arrs, c.finish(n))
	}
	arrs = append(arrs, r.rowC.finish(n))
	rec := array.NewRecordBatch(r.schema, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

func (r *TableReader) releaseBatch() {
	for _, c := range r.cols {
		c.release()
	}
	r.rowC.release()
}

// grow makes room for k more rows in the batch (unpivot can add many rows
// for one source row).
func (r *TableReader) grow(k int) {
	if r.n+k <= r.capN {
		return
	}
	r.capN = max(2*r.capN, r.n+k)
	for _, c := range r.cols {
		c.growTo(r.capN)
	}
	r.rowC.growTo(r.capN)
}

func (r *TableReader) isNull(t string) bool {
	if t == "" {
		return true
	}
	if len(t) > r.maxNul || !r.nulFst[t[0]] {
		return false
	}
	_, ok := r.nulls[t]
	return ok
}

// row processes one source row and returns how many output rows it added.
func (r *TableReader) row(cells []string, row int64) (int, error) {
	if r.width == 0 {
		r.width = len(cells)
	}
	if !r.cfg.KeepBlankRows && blank(cells) {
		r.stats.RowsDropped++
		return 0, nil
	}
	for i := range r.drops {
		if r.drops[i].match(cells) {
			r.stats.RowsDropped++
			return 0, nil
		}
	}
	r.stats.RowsRead++
	var raws []string
	if r.raw != nil {
		raws = r.raw.Raw()
	}
	var errs []*ParseError
	if len(cells) != r.width {
		ok := len(cells) > r.width
		for _, c := range cells[min(r.width, len(cells)):] {
			ok = ok && trim(c) == ""
		}
		if !ok {
			errs = append(errs, &ParseError{Err: fmt.Errorf("%w: %d fields, header has %d", ErrRagged, len(cells), r.width)})
		}
	}
	if errs == nil && raws == nil && r.wide == nil && r.faults == nil {
		return r.direct(cells, row)
	}
	if errs == nil {
		for i, f := range r.fields {
			c := &r.cells[i]
			if f.src < 0 {
				if f.constant != nil {
					*c = *f.constant
				} else if f.rowNum {
					*c = cell{i: row}
				}
				continue
			}
			if f.src >= len(cells) {
				errs = append(errs, &ParseError{Column: f.srcName, Err: fmt.Errorf("%w: %d fields, column is #%d", ErrRagged, len(cells), f.src+1)})
				continue
			}
			if pe := r.fault(cells, f.src, f.srcName); pe != nil {
				errs = append(errs, pe)
				continue
			}
			raw := ""
			if raws != nil && f.src < len(raws) {
				raw = raws[f.src]
			}
			if pe := r.parseCell(f, cells[f.src], raw, c); pe != nil {
				errs = append(errs, pe)
			}
		}
	}
	if errs == nil && r.wide != nil {
		vf := r.fields[r.valF]
		for j, idx := range r.wide {
			c := &r.valCells[j]
			if idx >= len(cells) {
				c.null = true
				continue
			}
			if pe := r.fault(cells, idx, r.srcName(idx)); pe != nil {
				errs = append(errs, pe)
				continue
			}
			raw := ""
			if raws != nil && idx < len(raws) {
				raw = raws[idx]
			}
			if pe := r.parseCell(vf, cells[idx], raw, c); pe != nil {
				pe.Column = r.srcName(idx)
				errs = append(errs, pe)
			}
		}
	}
	if errs != nil {
		return 0, r.reject(cells, row, errs)
	}
	r.rowCel = cell{i: row}
	if r.wide == nil {
		r.grow(1)
		for i, c := range r.cols {
			c.set(r.n, &r.cells[i])
		}
		r.rowC.set(r.n, &r.rowCel)
		r.n++
		r.stats.RowsOut++
		return 1, nil
	}
	out := 0
	r.grow(len(r.wide))
	for j := range r.wide {
		if r.valCells[j].null && !r.keepNull {
			continue
		}
		for i, c := range r.cols {
			switch i {
			case r.keyF:
				c.set(r.n, &r.wideKeys[j])
			case r.valF:
				c.set(r.n, &r.valCells[j])
			default:
				c.set(r.n, &r.cells[i])
			}
		}
		r.rowC.set(r.n, &r.rowCel)
		r.n++
		out++
	}
	r.stats.RowsOut += int64(out)
	return out, nil
}

// direct adds a row of a table without unpivot or stored values: its cells
// are parsed straight into the batch's columns at row r.n, one dispatch per
// cell instead of a parse into a cell and a copy from it. A rejected row is
// undone, so the next row overwrites it.
func (r *TableReader) direct(cells []string, row int64) (int, error) {
	r.grow(1)
	at := r.n
	check := r.utf8 && (r.ascii == nil || !r.ascii.ASCII())
	var errs []*ParseError
	for i, f := range r.fields {
		col := r.cols[i]
		if f.src < 0 {
			c := &r.cells[i]
			if f.constant != nil {
				*c = *f.constant
			} else if f.rowNum {
				*c = cell{i: row}
			}
			col.set(at, c)
			continue
		}
		if f.src >= len(cells) {
			errs = append(errs, &ParseError{Column: f.srcName, Err: fmt.Errorf("%w: %d fields, column is #%d", ErrRagged, len(cells), f.src+1)})
			continue
		}
		if pe := r.put(f, col, at, cells[f.src], check); pe != nil {
			errs = append(errs, pe)
		}
	}
	if errs != nil {
		for _, col := range r.cols {
			col.unset(at)
		}
		return 0, r.reject(cells, row, errs)
	}
	r.rowCel = cell{i: row}
	r.rowC.set(at, &r.rowCel)
	r.n++
	r.stats.RowsOut++
	return 1, nil
}

// put parses one cell of text into col at row at, as parseCell and set would;
// check says whether text cells still need checking as UTF-8.
func (r *TableReader) put(f *field, col *column, at int, text string, check bool) *ParseError {
	t := trim(text)
	if r.isNull(t) {
		switch {
		case f.def != nil:
			col.set(at, f.def)
		case f.col.Required:
			return &ParseError{Column: f.srcName, Value: text, Err: ErrRequired}
		default:
			col.setNull(at)
		}
		return nil
	}
	switch f.typ {
	case String:
		if check && !utf8.ValidString(t) {
			return r.notUTF8(f, t)
		}
		col.setString(at, t)
	case Date, Month:
		d, err := f.day(t, "")
		if err != nil {
			return r.cellError(f, text, err, check)
		}
		col.setDays(at, d)
	case Bool:
		b, err := value.Bool(t)
		if err != nil {
			return r.cellError(f, text, err, check)
		}
		col.setBool(at, b)
	default:
		var c cell
		if err := f.parse(t, "", &c); err != nil {
			return r.cellError(f, text, err, check)
		}
		col.set(at, &c)
	}
	return nil
}

// parseCell parses one cell into c, applying nulls, default and required.
func (r *TableReader) parseCell(f *field, text, raw string, c *cell) *ParseError {
	t := trim(text)
	if r.isNull(t) {
		switch {
		case f.def != nil:
			*c = *f.def
		case f.col.Required:
			return &ParseError{Column: f.srcName, Value: text, Err: ErrRequired}
		default:
			c.null = true
		}
		return nil
	}
	if f.typ == String && r.utf8 && !utf8.ValidString(t) {
		return r.notUTF8(f, t)
	}
	if err := f.parse(t, raw, c); err != nil {
		return r.cellError(f, text, err, r.utf8)
	}
	return nil
}

func (r *TableReader) reject(cells []string, row int64, errs []*ParseError) error {
	for _, pe := range errs {
		pe.Format, pe.File, pe.Sheet, pe.Row = r.t.Format, r.t.File, r.t.Sheet, row
		pe.Value = strings.Clone(pe.Value) // cells may point into a read buffer
	}
	for _, pe := range errs {
		if errors.Is(pe.Err, errBadUTF8) {
			return pe // the file's encoding is wrong, not the row
		}
	}
	if r.cfg.OnReject == nil {
		return errs[0]
	}
	rj := Reject{Format: r.t.Format, File: r.t.File, Sheet: r.t.Sheet, Row: row, Raw: make(map[string]string, len(cells))}
	for i, c := range cells {
		rj.Raw[r.srcName(i)] = strings.Clone(c)
	}
	for _, pe := range errs {
		var reason string
		if pe.Column != "" {
			reason = fmt.Sprintf("column %q: %q %v", pe.Column, pe.Value, pe.Err)
		} else {
			reason = fmt.Sprintf("row %v", pe.Err)
		}
		rj.Reasons = append(rj.Reasons, reason)
		rj.Errs = append(rj.Errs, pe)
	}
	r.stats.RowsRejected++
	r.pending = append(r.pending, rj)
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if trim(c) != "" {
			return false
		}
	}
	return true
}

func (d *dropRule) match(cells []string) bool {
	if d.col >= len(cells) {
		return d.blank
	}
	raw := cells[d.col]
	if d.blank && trim(raw) == "" {
		return true
	}
	if d.equals == nil && d.starts == nil && d.re == nil {
		return false
	}
	s := squeeze(raw)
	if d.equals[s] {
		return true
	}
	for _, p := range d.starts {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return d.re != nil && d.re.MatchString(value.Trim(raw))
}
