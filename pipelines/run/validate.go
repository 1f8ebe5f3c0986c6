package run

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
	"grassroots/sources"
	"grassroots/sources/progress"
	"grassroots/sources/value"
)

// QRow is one quarantined row: where it came from, its values as read
// (personal data hashed or masked as the pipeline's pii policy says), and
// every reason it was refused.
type QRow struct {
	File    string
	Sheet   string
	Row     int64
	Raw     []Field
	Reasons []string
}

// Field is one source value of a quarantined row.
type Field struct{ Column, Value string }

// RawJSON is the row's values as a JSON object, in source column order.
func (q QRow) RawJSON() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range q.Raw {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Column)
		v, _ := json.Marshal(f.Value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String()
}

// ThresholdError fails a run whose share of rejected rows exceeds the
// pipeline's threshold. Nothing is loaded; every row read is quarantined,
// the rejected ones with their reasons and the valid ones as held back.
type ThresholdError struct {
	RunID          int64
	Rejected, Read int64
	Threshold      float64
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("%d of %d rows (%.2f%%) failed validation, more than the reject threshold %s; nothing was loaded "+
		"(see `grassroots quarantine %d`)", e.Rejected, e.Read, 100*float64(e.Rejected)/float64(max(e.Read, 1)),
		strconv.FormatFloat(100*e.Threshold, 'f', -1, 64)+"%", e.RunID)
}

// Summary is the failure in a few words, for the rows it held back:
// "5.0% of rows rejected (1 of 20), over the 1% threshold".
func (e *ThresholdError) Summary() string {
	return fmt.Sprintf("%.1f%% of rows rejected (%d of %d), over the %s threshold",
		100*float64(e.Rejected)/float64(max(e.Read, 1)), e.Rejected, e.Read,
		strconv.FormatFloat(100*e.Threshold, 'f', -1, 64)+"%")
}

// colRule is a spec.ColumnRule resolved against the input schema.
type colRule struct {
	idx     int
	name    string
	rule    spec.ColumnRule
	allowed map[string]bool
	re      *regexp.Regexp
	regions map[string]bool
	level   int
	// allowedList is allowed as a list, when short; fast matches pattern
	// without the regexp engine when it is simple (see pattern.go).
	allowedList []string
	fast        *fastPattern
	// column names the warehouse column whose type bounds Min and Max,
	// for a rule that comes from the target's types, not the spec.
	column string
}

// validator is the record reader between a source and the load: it applies
// recodes and the pii policy, checks every row, keeps the good rows and
// collects the bad ones. It is a concrete reader (DuckDB pulls its batches
// from a cgo callback).
type validator struct {
	refs atomic.Int64
	src  array.RecordReader
	// ownsSrc: Release releases src (see openChecked).
	ownsSrc bool
	mem     memory.Allocator
	spec    *spec.Spec
	out     *arrow.Schema
	// inIdx is the input column of each output column.
	inIdx   []int
	rowIdx  int
	byName  map[string]int // input column index by name
	from    map[string]string
	hashIn  map[int]bool
	monthIn map[int]bool
	recode  map[int]map[string]string
	// dicts are the recoded columns' codes: they go to the load
	// dictionary-encoded (see recodeDict).
	dicts  map[int]*recodeDict
	rules  []*colRule
	unique []int
	keys   *keyCheck
	keyBuf []byte
	// redo names the rows that repeat a key, found only at the end of a
	// first pass: the run reads its input again (see keyCheck).
	redo   Repeats
	seed   maphash.Seed
	checks []spec.Expr
	// comparisons are the checks that compare two columns, by check
	// (nil for the others); slowChecks the checks a batch evaluates row by
	// row (see markComparison).
	comparisons []*comparison
	slowChecks  []spec.Expr
	msgs        []string
	detect      map[int]*detector
	pii         piiState
	hash        hasher
	// scale undoes unit conversion when showing a quarantined value as read.
	scale map[int]float64

	// Per batch (see filter.go): a typed reader per input column, the row
	// being checked, the keep mask; per run, the recoded and watched columns
	// in a fixed order.
	cells   []cellReader
	row     int
	get     func(name string) spec.Value
	keep    []bool
	allKeep []bool
	pending []arrow.RecordBatch // batches filter queued (see slices)

	// The reading goroutine (see Next): batches handed over on ch; quit
	// asks it to stop; exited is closed when it has.
	ch           chan arrow.RecordBatch
	quit, exited chan struct{}
	ended        bool // Next saw the stream end
	stopped      bool
	next         arrow.RecordBatch
	bad          [][]string
	hashes       []uint64
	recodeIdx    []int
	detectIdx    []int

	file, sheet string
	// rowRef names a row number in a message (the number itself, or for a
	// run of many files the row and its file).
	rowRef     func(int64) string
	q          *[]QRow
	srcRejects *int64
	progress   *progress.Counters

	read int64
	kept int64
	// held are the source row numbers of the rows passed on, as runs of
	// consecutive numbers: if the run fails they are quarantined as held back.
	held  []span
	cur   arrow.RecordBatch
	err   error
	done  bool
	thres float64
	// Failure is set when the run must fail at the end of the stream
	// (threshold, personal data); Err returns it too.
	failure error
}

func (v *validator) Retain() { v.refs.Add(1) }
func (v *validator) Release() {
	if v.refs.Add(-1) != 0 {
		return
	}
	v.stop()
	v.keys.close()
	for _, d := range v.dicts {
		d.release()
	}
	v.dicts = nil
	if v.ownsSrc {
		v.src.Release()
		v.ownsSrc = false
	}
	if v.cur != nil {
		v.cur.Release()
		v.cur = nil
	}
	for _, b := range v.pending {
		b.Release()
	}
	v.pending = nil
}
func (v *validator) Schema() *arrow.Schema          { return v.out }
func (v *validator) RecordBatch() arrow.RecordBatch { return v.cur }
func (v *validator) Record() arrow.RecordBatch      { return v.cur }

// Err is the error that ended the stream, once it has ended. After Next has
// said the stream ended, it waits for the reading goroutine's last word.
func (v *validator) Err() error {
	if v.exited != nil {
		if v.ended {
			<-v.exited
		}
		select {
		case <-v.exited:
		default:
			return nil // still reading
		}
	}
	return v.err
}

var _ array.RecordReader = (*validator)(nil)

type validatorConfig struct {
	spec        *spec.Spec
	src         array.RecordReader
	mem         memory.Allocator
	salt        []byte
	regions     func(level int) (map[string]bool, error)
	file, sheet string
	rowRef      func(int64) string // nil: the number
	q           *[]QRow
	srcRejects  *int64
	// progress is told the rows quarantined after each batch; may be nil.
	progress *progress.Counters
	// bounds are the ranges of the target's narrow integer columns by
	// column name: a value outside one is rejected with a reason, where
	// DuckDB would fail the whole load naming no row.
	bounds map[string]typeBounds
	// spillDir is where the unique key check spills (see keyCheck);
	// repeats are the rows an earlier pass found repeating a key.
	spillDir string
	repeats  Repeats
}

// typeBounds is the range of a warehouse integer type.
type typeBounds struct {
	typ      string
	min, max float64
}

// integerBounds are the ranges of DuckDB's integer types narrower than the
// 64 bits a source reads integers into.
var integerBounds = map[string]typeBounds{
	"TINYINT":   {"TINYINT", math.MinInt8, math.MaxInt8},
	"SMALLINT":  {"SMALLINT", math.MinInt16, math.MaxInt16},
	"INTEGER":   {"INTEGER", math.MinInt32, math.MaxInt32},
	"UTINYINT":  {"UTINYINT", 0, math.MaxUint8},
	"USMALLINT": {"USMALLINT", 0, math.MaxUint16},
	"UINTEGER":  {"UINTEGER", 0, math.MaxUint32},
}

func newValidator(c validatorConfig) (*validator, error) {
	s := c.spec
	in := c.src.Schema()
	v := &validator{src: c.src, mem: c.mem, spec: s, byName: map[string]int{}, from: map[string]string{},
		hashIn: map[int]bool{}, dicts: map[int]*recodeDict{}, monthIn: map[int]bool{}, recode: map[int]map[string]string{},
		seed: maphash.MakeSeed(), detect: map[int]*detector{},
		hash: hasher{salt: c.salt}, file: c.file, sheet: c.sheet, q: c.q, srcRejects: c.srcRejects, progress: c.progress,
		thres: s.Threshold(), rowIdx: -1, keys: newKeyCheck(c.spillDir, c.repeats)}
	v.refs.Store(1)
	if v.rowRef = c.rowRef; v.rowRef == nil {
		v.rowRef = func(n int64) string { return strconv.FormatInt(n, 10) }
	}
	for i, f := range in.Fields() {
		v.byName[f.Name] = i
		if f.Name == sources.RowColumn {
			v.rowIdx = i
		}
	}
	if v.rowIdx < 0 {
		return nil, fmt.Errorf("source has no %s column", sources.RowColumn)
	}
	v.scale = map[int]float64{}
	for _, col := range s.Source.Columns {
		if !col.From.IsZero() {
			v.from[col.Name] = col.From.String()
		}
		f := col.Scale
		if col.Unit != "" {
			f, _ = value.UnitScale(col.Unit)
		}
		if col.Percent == "fraction" {
			f = 0.01
		}
		if i, ok := v.byName[col.Name]; ok && f != 0 && f != 1 {
			v.scale[i] = f
		}
	}
	idx := func(name string) (int, error) {
		i, ok := v.byName[name]
		if !ok {
			return 0, fmt.Errorf("column %q is not in the source's output", name)
		}
		return i, nil
	}
	drop := map[string]bool{}
	for _, c := range s.PII.Drop {
		drop[c] = true
	}
	for _, c := range s.PII.Hash {
		i, err := idx(c)
		if err != nil {
			return nil, err
		}
		v.hashIn[i] = true
	}
	for _, c := range s.PII.Month {
		i, err := idx(c)
		if err != nil {
			return nil, err
		}
		v.monthIn[i] = true
	}
	for c, m := range s.Recode {
		i, err := idx(c)
		if err != nil {
			return nil, err
		}
		v.recode[i] = m
	}
	var fields []arrow.Field
	for i, f := range in.Fields() {
		if drop[f.Name] {
			continue
		}
		v.inIdx = append(v.inIdx, i)
		typ := f.Type
		if m, ok := v.recode[i]; ok && f.Type.ID() == arrow.STRING {
			d := newRecodeDict(m, v.mem)
			v.dicts[i] = d
			typ = d.typ
		}
		fields = append(fields, arrow.Field{Name: f.Name, Type: typ, Nullable: true})
		if f.Type.ID() == arrow.STRING && !v.hashIn[i] && f.Name != sources.RowColumn {
			v.detect[i] = &detector{col: f.Name, from: v.from[f.Name]}
		}
	}
	v.out = arrow.NewSchema(fields, nil)
	names := make([]string, 0, len(s.Validate.Columns))
	for n := range s.Validate.Columns {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r := s.Validate.Columns[n]
		i, err := idx(n)
		if err != nil {
			return nil, err
		}
		cr := &colRule{idx: i, name: n, rule: r}
		if len(r.Allowed) > 0 {
			cr.allowed = map[string]bool{}
			for _, a := range r.Allowed {
				cr.allowed[a] = true
			}
		}
		if r.Pattern != "" {
			re, err := regexp.Compile(r.Pattern)
			if err != nil {
				return nil, fmt.Errorf("validate.columns.%s.pattern: %w", n, err)
			}
			cr.re = re
		}
		if r.RegionLevel != nil {
			cr.level = *r.RegionLevel
			set, err := c.regions(cr.level)
			if err != nil {
				return nil, err
			}
			cr.regions = set
		}
		v.rules = append(v.rules, cr)
	}
	for i, f := range in.Fields() {
		b, ok := c.bounds[f.Name]
		if !ok {
			continue
		}
		lo, hi := b.min, b.max
		v.rules = append(v.rules, &colRule{idx: i, name: f.Name, column: b.typ,
			rule: spec.ColumnRule{Min: &lo, Max: &hi}})
	}
	for _, c := range s.Validate.Unique {
		i, err := idx(c)
		if err != nil {
			return nil, err
		}
		v.unique = append(v.unique, i)
	}
	v.checks = s.Checks()
	for i, ch := range s.Validate.Checks {
		msg := ch.Message
		if msg == "" {
			msg = "fails check " + ch.SQL
		} else {
			msg = msg + " (" + ch.SQL + ")"
		}
		if i < len(v.checks) {
			v.msgs = append(v.msgs, msg)
		}
	}
	v.prepare()
	return v, nil
}

// Next emits the next batch of good rows. The rows are read and checked one
// batch ahead in a goroutine of their own, so that checking overlaps with the
// load that consumes the batches (DuckDB pulls them from its own thread).
func (v *validator) Next() bool {
	if v.cur != nil {
		v.cur.Release()
		v.cur = nil
	}
	if v.ch == nil {
		v.start()
	}
	b, ok := <-v.ch
	if !ok {
		v.ended = true
		return false
	}
	v.cur = b
	return true
}

func (v *validator) start() {
	v.ch = make(chan arrow.RecordBatch, 1)
	v.quit = make(chan struct{})
	v.exited = make(chan struct{})
	go func() {
		// exited is closed before ch: a consumer that sees the stream
		// end must find Err final. The other way round, Err could still
		// say "reading" (nil) after the last batch, and a source that
		// failed at its end (a broken file among many, a bad byte at the
		// end of a CSV) would end the load as if complete.
		defer close(v.ch)
		defer close(v.exited)
		for v.produce() {
			b := v.next
			v.next = nil
			select {
			case v.ch <- b:
			case <-v.quit:
				b.Release()
				return
			}
		}
	}()
}

// stop ends the reading goroutine, if any, and waits for it: after stop the
// counts, the quarantined rows and Err are final. Reading stops where it was
// if the consumer stopped early.
func (v *validator) stop() {
	if v.ch == nil || v.stopped {
		return
	}
	v.stopped = true
	close(v.quit)
	for b := range v.ch {
		b.Release()
	}
	<-v.exited
}

// produce reads and checks the next batch with good rows into v.next.
func (v *validator) produce() bool {
	if len(v.pending) > 0 {
		v.next = v.pending[0]
		v.pending = v.pending[1:]
		return true
	}
	if v.done || v.err != nil {
		return false
	}
	for {
		if !v.src.Next() {
			if err := v.src.Err(); err != nil {
				v.err = err
				return false
			}
			v.done = true
			v.progress.SetPhase(progress.Writing)
			v.finish()
			return false
		}
		rec := v.src.RecordBatch()
		b := v.filter(rec)
		v.progress.SetQuarantined(v.Read() - v.kept)
		if b == nil {
			continue
		}
		v.next = b
		return true
	}
}

// finish decides, at the end of the stream, whether the run must fail.
func (v *validator) finish() {
	if err := v.piiVerdict(); err != nil {
		v.failure = err
		v.err = err
		return
	}
	repeats, err := v.keys.finish()
	switch {
	case err != nil:
		v.failure, v.err = err, err
		return
	case len(repeats) > 0 && v.keys.known == nil:
		v.redo, v.err = repeats, errRepeats
		return
	case len(repeats) > 0:
		err := fmt.Errorf("run: the input changed while it was read: %d rows repeat a unique key that the first reading did not find repeated; nothing was loaded; run the pipeline again", len(repeats))
		v.failure, v.err = err, err
		return
	}
	read := v.Read()
	rej := read - v.kept
	if read > 0 && float64(rej) > v.thres*float64(read) {
		v.failure = &ThresholdError{Rejected: rej, Read: read, Threshold: v.thres}
		v.err = v.failure
	}
}

// span is the source rows from through to, inclusive.
type span struct{ from, to int64 }

// hold notes that source row n was passed on to the load.
func (v *validator) hold(n int64) {
	if k := len(v.held) - 1; k >= 0 && v.held[k].to+1 == n {
		v.held[k].to = n
		return
	}
	v.held = append(v.held, span{n, n})
}

// Read is the number of source rows seen: emitted by the source plus those it
// rejected itself.
func (v *validator) Read() int64 { return v.read + *v.srcRejects }

// Kept is the number of rows passed on to the load.
func (v *validator) Kept() int64 { return v.kept }

// cell returns column i of row r as a check value.
func cellValue(a arrow.Array, r int) spec.Value {
	if a.IsNull(r) {
		return spec.Value{}
	}
	switch a := a.(type) {
	case *array.String:
		return spec.Value{Kind: spec.Str, Str: a.Value(r)}
	case *array.Int64:
		return spec.Value{Kind: spec.Num, Num: float64(a.Value(r))}
	case *array.Int32:
		return spec.Value{Kind: spec.Num, Num: float64(a.Value(r))}
	case *array.Float64:
		return spec.Value{Kind: spec.Num, Num: a.Value(r)}
	case *array.Date32:
		return spec.Value{Kind: spec.Num, Num: float64(a.Value(r))}
	case *array.Boolean:
		return spec.Value{Kind: spec.Bool, Bool: a.Value(r)}
	case *array.Timestamp:
		return spec.Value{Kind: spec.Num, Num: float64(a.Value(r))}
	}
	return spec.Value{Kind: spec.Str, Str: a.ValueStr(r)}
}

// text renders a value as an analyst reads it.
func text(a arrow.Array, r int) string {
	if a.IsNull(r) {
		return ""
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(r)
	case *array.Int64:
		return strconv.FormatInt(a.Value(r), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(r), 'f', -1, 64)
	case *array.Date32:
		y, m, d := value.Civil(int32(a.Value(r)))
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case *array.Boolean:
		if a.Value(r) {
			return "true"
		}
		return "false"
	case *array.Timestamp:
		return time.UnixMicro(int64(a.Value(r))).UTC().Format("2006-01-02 15:04:05")
	}
	return a.ValueStr(r)
}

func firstOfMonth(d int32) int32 {
	y, m, _ := value.Civil(d)
	return value.Days(y, m, 1)
}

func valueKey(v spec.Value) string {
	switch v.Kind {
	case spec.Null:
		return "NULL"
	case spec.Num:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case spec.Bool:
		return strconv.FormatBool(v.Bool)
	}
	return v.Str
}

func knownKeys(m map[string]string) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func (v *validator) name(i int) string { return v.src.Schema().Field(i).Name }

// label names a column for a reason: the warehouse name and, when it differs,
// the source header.
func (v *validator) label(i int) string {
	n := v.name(i)
	if f := v.from[n]; f != "" && f != n {
		return fmt.Sprintf("%s (%s)", n, f)
	}
	return n
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func levelName(l int) string {
	names := []string{"country", "province", "prefecture", "county", "township", "village/community"}
	if l >= 0 && l < len(names) {
		return fmt.Sprintf("level-%d (%s)", l, names[l])
	}
	return fmt.Sprintf("level-%d", l)
}

// raw is the quarantined row's values keyed by source column, with the pii
// policy applied: hashed columns hashed, dropped columns left out, months cut,
// resident ID numbers masked anywhere.
func (v *validator) raw(cols []arrow.Array, r int) []Field {
	var out []Field
	drop := map[string]bool{}
	for _, c := range v.spec.PII.Drop {
		drop[c] = true
	}
	for i, a := range cols {
		n := v.name(i)
		if i == v.rowIdx || drop[n] {
			continue
		}
		key := n
		if f := v.from[n]; f != "" {
			key = f
		}
		if _, fromSource := v.from[n]; !fromSource {
			continue // constant columns are not source values
		}
		var val string
		switch {
		case a.IsNull(r):
		case v.hashIn[i]:
			val = "hash:" + v.hash.hash(a.(*array.String).Value(r))
		case v.monthIn[i]:
			t := text(a, r)
			val = t[:min(7, len(t))]
		case v.scale[i] != 0:
			val = strconv.FormatFloat(cellValue(a, r).Num/v.scale[i], 'f', -1, 64)
		default:
			val = redact(text(a, r))
		}
		out = append(out, Field{key, val})
	}
	return out
}

// sanitizeReject turns a source's own reject into a quarantine row, keeping
// only declared source columns and applying the pii policy to them.
func sanitizeReject(s *spec.Spec, h hasher, rj sources.Reject, file string) QRow {
	in := func(list []string, x string) bool {
		for _, l := range list {
			if l == x {
				return true
			}
		}
		return false
	}
	byKey := map[string]string{}
	for k, val := range rj.Raw {
		byKey[sources.MatchKey(k)] = val
	}
	var raw []Field
	for _, c := range s.Source.Columns {
		if c.From.IsZero() || in(s.PII.Drop, c.Name) {
			continue
		}
		key := c.From.String()
		val, ok := byKey[sources.MatchKey(key)]
		if !ok {
			continue
		}
		switch {
		case in(s.PII.Hash, c.Name):
			if strings.TrimSpace(val) != "" {
				val = "hash:" + h.hash(strings.TrimSpace(val))
			}
		case in(s.PII.Month, c.Name) || strings.Contains(c.Name, "birth"):
			if d, err := value.Date(strings.TrimSpace(val)); err == nil {
				y, m, _ := value.Civil(d)
				val = fmt.Sprintf("%04d-%02d", y, m)
			} else if len(val) > 7 {
				val = "(not a date; withheld)"
			}
		default:
			val = redact(val)
		}
		raw = append(raw, Field{key, val})
	}
	reasons := make([]string, len(rj.Reasons))
	for i, r := range rj.Reasons {
		reasons[i] = redact(r)
	}
	return QRow{File: file, Sheet: rj.Sheet, Row: rj.Row, Raw: raw, Reasons: reasons}
}
