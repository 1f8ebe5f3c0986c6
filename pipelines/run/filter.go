package run

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
)

// This file is the validator's hot path: every source row passes through
// filter. It reads cells through typed readers set up once per batch (no
// per-cell interface dispatch or map lookups), builds strings for a reason
// only when a row fails, hashes unique keys from the typed values, and passes
// columns that need no change on to the load without copying them when every
// row of a batch is kept.

// cell kinds
const (
	kOther uint8 = iota
	kStr
	kI64
	kI32
	kF64
	kDate
	kBool
	kTS
)

// cellReader reads one column of the current batch as check values.
type cellReader struct {
	kind    uint8
	a       arrow.Array
	str     *array.String
	i64     *array.Int64
	i32     *array.Int32
	f64     *array.Float64
	date    *array.Date32
	boolean *array.Boolean
	ts      *array.Timestamp
	// recoded holds the column's values after recode ("" for no code); nil
	// for a column without recode.
	recoded []string
	month   bool
	// nulls is the validity bitmap (nil when the batch has no nulls in this
	// column), read without going through the arrow.Array interface.
	nulls []byte
	off   int
}

func (c *cellReader) isNull(r int) bool {
	if c.nulls == nil {
		return false
	}
	i := c.off + r
	return c.nulls[i>>3]&(1<<(i&7)) == 0
}

func (c *cellReader) set(a arrow.Array) {
	*c = cellReader{a: a, recoded: c.recoded[:0], month: c.month}
	if a.NullN() > 0 {
		c.nulls, c.off = a.NullBitmapBytes(), a.Data().Offset()
	}
	switch a := a.(type) {
	case *array.String:
		c.kind, c.str = kStr, a
	case *array.Int64:
		c.kind, c.i64 = kI64, a
	case *array.Int32:
		c.kind, c.i32 = kI32, a
	case *array.Float64:
		c.kind, c.f64 = kF64, a
	case *array.Date32:
		c.kind, c.date = kDate, a
	case *array.Boolean:
		c.kind, c.boolean = kBool, a
	case *array.Timestamp:
		c.kind, c.ts = kTS, a
	}
}

// numeric reports whether the column's values are numbers to the checks:
// integers, floats, dates and timestamps not recoded.
func (c *cellReader) numeric() bool {
	switch c.kind {
	case kI64, kI32, kF64, kDate, kTS:
		return c.recoded == nil
	}
	return false
}

// num is row r of a numeric column as the checks see it (value(r).Num).
func (c *cellReader) num(r int) float64 {
	switch c.kind {
	case kI64:
		return float64(c.i64.Value(r))
	case kI32:
		return float64(c.i32.Value(r))
	case kF64:
		return c.f64.Value(r)
	case kDate:
		d := int32(c.date.Value(r))
		if c.month {
			d = firstOfMonth(d)
		}
		return float64(d)
	}
	return float64(c.ts.Value(r))
}

// markComparison marks the rows that fail check k when it compares two
// numeric columns, a column at a time; it reports false, marking nothing,
// for any other check (evaluated row by row with Fails).
func (v *validator) markComparison(k int, fail []bool) bool {
	cmp := v.comparisons[k]
	if cmp == nil {
		return false
	}
	a, b := &v.cells[cmp.a], &v.cells[cmp.b]
	if !a.numeric() || !b.numeric() {
		return false
	}
	for r := range fail {
		if fail[r] || a.isNull(r) || b.isNull(r) {
			continue
		}
		// As spec compares numbers: NaN is neither below nor above.
		x, y := a.num(r), b.num(r)
		c := 0
		if x < y {
			c = -1
		} else if x > y {
			c = 1
		}
		if !spec.Holds(cmp.op, c) {
			fail[r] = true
		}
	}
	return true
}

// comparison is a check comparing two input columns (see markComparison).
type comparison struct {
	a, b int
	op   string
}

// value is row r as the checks see it: recoded, months cut.
func (c *cellReader) value(r int) spec.Value {
	if c.isNull(r) {
		return spec.Value{}
	}
	if c.recoded != nil {
		if s := c.recoded[r]; s != "" {
			return spec.Value{Kind: spec.Str, Str: s}
		}
		return spec.Value{}
	}
	switch c.kind {
	case kStr:
		return spec.Value{Kind: spec.Str, Str: c.str.Value(r)}
	case kI64:
		return spec.Value{Kind: spec.Num, Num: float64(c.i64.Value(r))}
	case kI32:
		return spec.Value{Kind: spec.Num, Num: float64(c.i32.Value(r))}
	case kF64:
		return spec.Value{Kind: spec.Num, Num: c.f64.Value(r)}
	case kDate:
		d := int32(c.date.Value(r))
		if c.month {
			d = firstOfMonth(d)
		}
		return spec.Value{Kind: spec.Num, Num: float64(d)}
	case kBool:
		return spec.Value{Kind: spec.Bool, Bool: c.boolean.Value(r)}
	case kTS:
		return spec.Value{Kind: spec.Num, Num: float64(c.ts.Value(r))}
	}
	return cellValue(c.a, r)
}

// prepare fixes, once per run, the order of the recoded and watched columns
// and the function checks read columns through.
func (v *validator) prepare() {
	n := len(v.src.Schema().Fields())
	v.cells = make([]cellReader, n)
	for i := range v.recode {
		v.recodeIdx = append(v.recodeIdx, i)
		v.cells[i].recoded = []string{}
	}
	sort.Ints(v.recodeIdx)
	for i := range v.detect {
		v.detectIdx = append(v.detectIdx, i)
	}
	sort.Ints(v.detectIdx)
	for i := range v.monthIn {
		v.cells[i].month = true
	}
	// The checks name few columns, always by the same strings: a short list
	// compared by == (same pointer, so no byte compare) beats a map lookup.
	type named struct {
		name string
		idx  int
	}
	var known []named
	for _, e := range v.checks {
		for _, c := range e.Columns() {
			if i, ok := v.byName[c]; ok {
				known = append(known, named{c, i})
			}
		}
	}
	v.get = func(name string) spec.Value {
		for _, k := range known {
			if k.name == name {
				return v.cells[k.idx].value(v.row)
			}
		}
		i, ok := v.byName[name]
		if !ok {
			return spec.Value{}
		}
		return v.cells[i].value(v.row)
	}
	v.comparisons = make([]*comparison, len(v.checks))
	for k, e := range v.checks {
		a, op, b, ok := e.ColumnComparison()
		ia, aok := v.byName[a]
		ib, bok := v.byName[b]
		if ok && aok && bok {
			v.comparisons[k] = &comparison{a: ia, b: ib, op: op}
		}
	}
	for _, cr := range v.rules {
		if len(cr.allowed) > 0 && len(cr.allowed) <= 8 {
			cr.allowedList = append([]string(nil), cr.rule.Allowed...)
		}
		if cr.re != nil {
			cr.fast = compileFastPattern(cr.rule.Pattern)
		}
	}
}

func (v *validator) filter(rec arrow.RecordBatch) arrow.RecordBatch {
	n := int(rec.NumRows())
	cols := rec.Columns()
	rows := cols[v.rowIdx].(*array.Int64)
	for i, a := range cols {
		v.cells[i].set(a)
	}
	for _, i := range v.recodeIdx {
		c := &v.cells[i]
		m := v.recode[i]
		if cap(c.recoded) < n {
			c.recoded = make([]string, n)
		}
		c.recoded = c.recoded[:n]
		for r := 0; r < n; r++ {
			c.recoded[r] = ""
			if !c.isNull(r) {
				c.recoded[r] = m[c.str.Value(r)]
			}
		}
	}
	if cap(v.keep) < n {
		v.keep = make([]bool, n)
		v.bad = make([][]string, n)
		v.hashes = make([]uint64, n)
	}
	keep, bad := v.keep[:n], v.bad[:n]
	rowNum := rows.Int64Values()
	// First find the failing rows, a rule at a time over whole columns; then
	// say why, row by row, for those only.
	fail := keep // reused: keep is set from bad below
	clear(fail)
	for _, i := range v.recodeIdx {
		c := &v.cells[i]
		for r := 0; r < n; r++ {
			if c.recoded[r] == "" && !c.isNull(r) {
				fail[r] = true
			}
		}
	}
	for _, cr := range v.rules {
		v.markRule(cr, fail)
	}
	if len(v.checks) > 0 {
		slow := v.slowChecks[:0]
		for k, e := range v.checks {
			if !v.markComparison(k, fail) {
				slow = append(slow, e)
			}
		}
		v.slowChecks = slow
		for r := 0; r < n && len(slow) > 0; r++ {
			if fail[r] {
				continue
			}
			v.row = r
			for _, e := range slow {
				if e.Fails(v.get) {
					fail[r] = true
					break
				}
			}
		}
	}
	var badRows []int
	for r := 0; r < n; r++ {
		if !fail[r] {
			continue
		}
		v.row = r
		var reasons []string
		for _, i := range v.recodeIdx {
			c := &v.cells[i]
			if c.recoded[r] == "" && !c.isNull(r) {
				reasons = append(reasons, fmt.Sprintf("%s: %q has no code in recode.%s (known: %s)",
					v.label(i), c.str.Value(r), v.name(i), knownKeys(v.recode[i])))
			}
		}
		for _, cr := range v.rules {
			reasons = v.checkRule(cr, r, reasons)
		}
		for k, e := range v.checks {
			if e.Fails(v.get) {
				reasons = append(reasons, v.msgs[k])
			}
		}
		if reasons != nil {
			bad[r] = reasons
			badRows = append(badRows, r)
		}
	}
	// Unique keys of the rows that pass the other rules: hashed in one pass,
	// then looked up in a tight loop, so that the memory accesses of
	// consecutive lookups overlap.
	if len(v.unique) > 0 {
		hs := v.hashes[:n]
		for r := 0; r < n; r++ {
			if bad[r] == nil {
				hs[r] = v.uniqueHash(r)
			}
		}
		dups := false
		for r := 0; r < n; r++ {
			if bad[r] != nil {
				continue
			}
			first, dup := int64(0), false
			if v.keys.watched(rowNum[r]) {
				first, dup = v.keys.repeat(rowNum[r], v.uniqueKey(r))
			}
			if !dup {
				first, dup = v.keys.add(hs[r], rowNum[r])
			}
			if dup {
				parts := make([]string, len(v.unique))
				for k, i := range v.unique {
					parts[k] = fmt.Sprintf("%s=%s", v.name(i), v.shown(i, valueKey(v.cells[i].value(r))))
				}
				bad[r] = []string{fmt.Sprintf("duplicate key (%s): the same as row %s", strings.Join(parts, ", "), v.rowRef(first))}
				badRows = append(badRows, r)
				dups = true
			}
		}
		if dups {
			sort.Ints(badRows)
		}
	}
	v.read += int64(n)
	kept := n - len(badRows)
	for _, r := range badRows {
		*v.q = append(*v.q, QRow{File: v.file, Sheet: v.sheet, Row: rowNum[r], Raw: v.raw(cols, r), Reasons: bad[r]})
	}
	for r := 0; r < n; r++ {
		keep[r] = bad[r] == nil
		if keep[r] {
			v.hold(rowNum[r])
		}
	}
	for _, r := range badRows {
		bad[r] = nil
	}
	v.kept += int64(kept)
	if kept == 0 {
		return nil
	}
	// Personal data is looked for in the rows that will be loaded, a column
	// at a time.
	for _, i := range v.detectIdx {
		c := &v.cells[i]
		if c.recoded != nil {
			continue
		}
		d := v.detect[i]
		for r := 0; r < n; r++ {
			if keep[r] && !c.isNull(r) {
				d.see(c.str.Value(r), rowNum[r])
			}
		}
	}
	if v.piiBatch() {
		return nil // personal data: nothing more goes to the load (see pii.go)
	}
	if kept < n {
		if b := v.slices(keep, kept); b != nil {
			return b
		}
	}
	out := make([]arrow.Array, len(v.inIdx))
	for o, i := range v.inIdx {
		out[o] = v.column(i, keep, kept)
	}
	b := array.NewRecordBatch(v.out, out, int64(kept))
	for _, a := range out {
		a.Release()
	}
	return b
}

// slices passes the kept rows on without copying them when they lie in long
// runs (a few rejected rows in a batch): one batch per run, each a slice of
// the columns. It returns the first and queues the rest; nil if the runs are
// too short to be worth it, and the caller copies.
func (v *validator) slices(keep []bool, kept int) arrow.RecordBatch {
	n := len(keep)
	var runs [][2]int
	for r := 0; r < n; {
		if !keep[r] {
			r++
			continue
		}
		s := r
		for r < n && keep[r] {
			r++
		}
		runs = append(runs, [2]int{s, r})
	}
	if len(runs) > max(1, kept/minSliceRows) {
		return nil
	}
	if cap(v.allKeep) < n {
		v.allKeep = make([]bool, n)
		for i := range v.allKeep {
			v.allKeep[i] = true
		}
	}
	all := make([]arrow.Array, len(v.inIdx))
	for o, i := range v.inIdx {
		all[o] = v.column(i, v.allKeep[:n], n)
	}
	defer func() {
		for _, a := range all {
			a.Release()
		}
	}()
	var first arrow.RecordBatch
	cols := make([]arrow.Array, len(all))
	for k, run := range runs {
		for o, a := range all {
			cols[o] = array.NewSlice(a, int64(run[0]), int64(run[1]))
		}
		b := array.NewRecordBatch(v.out, cols, int64(run[1]-run[0]))
		for _, c := range cols {
			c.Release()
		}
		if k == 0 {
			first = b
		} else {
			v.pending = append(v.pending, b)
		}
	}
	return first
}

// minSliceRows is the average run of kept rows below which a batch with
// rejected rows is copied rather than sliced: each batch costs the load a
// round trip, and many short ones cost more than the copy.
var minSliceRows = 16384

// uniqueHash hashes row r's unique key from its typed values.
func (v *validator) uniqueHash(r int) uint64 { return maphash.Bytes(v.seed, v.uniqueKey(r)) }

// uniqueKey is row r's unique key as bytes, equal for equal keys: each value
// with its kind, a string ended by a zero byte. The slice is reused.
func (v *validator) uniqueKey(r int) []byte {
	b := v.keyBuf[:0]
	for _, i := range v.unique {
		val := v.cells[i].value(r)
		switch val.Kind {
		case spec.Null:
			b = append(b, 0)
		case spec.Str:
			b = append(b, 1)
			b = append(b, val.Str...)
			b = append(b, 0)
		case spec.Num:
			f := val.Num
			if f == 0 {
				f = 0 // -0 and 0 are one key
			}
			b = append(b, 2)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		case spec.Bool:
			if val.Bool {
				b = append(b, 3)
			} else {
				b = append(b, 4)
			}
		}
	}
	v.keyBuf = b
	return b
}

// column is input column i for the kept rows, transformed as the pii policy
// and recodes say. A column that needs no change is passed on as it is when
// every row is kept.
func (v *validator) column(i int, keep []bool, kept int) arrow.Array {
	c := &v.cells[i]
	a := c.a
	n := len(keep)
	plain := c.recoded == nil && !v.hashIn[i] && !v.monthIn[i]
	if plain && kept == n {
		a.Retain()
		return a
	}
	if c.recoded != nil && v.dicts[i] != nil {
		return v.dicts[i].encode(c, keep, kept)
	}
	if v.hashIn[i] && c.recoded == nil && c.kind == kStr {
		return v.hashColumn(c, keep, kept)
	}
	bld := array.NewBuilder(v.mem, a.DataType())
	defer bld.Release()
	bld.Reserve(kept)
	switch {
	case c.recoded != nil:
		sb := bld.(*array.StringBuilder)
		for r := 0; r < n; r++ {
			if keep[r] {
				if a.IsNull(r) {
					sb.AppendNull()
				} else {
					sb.Append(c.recoded[r])
				}
			}
		}

	case v.monthIn[i]:
		db := bld.(*array.Date32Builder)
		for r := 0; r < n; r++ {
			if keep[r] {
				if a.IsNull(r) {
					db.AppendNull()
				} else {
					db.Append(arrow.Date32(firstOfMonth(int32(c.date.Value(r)))))
				}
			}
		}
	default:
		copyKept(bld, c, keep)
	}
	return bld.NewArray()
}

// hashColumn is the kept rows of string column c hashed (pii.hash): every
// hash is hashLen hex digits, so the column's buffers are sized once and the
// hashes written in place.
func (v *validator) hashColumn(c *cellReader, keep []bool, kept int) arrow.Array {
	data := memory.NewResizableBuffer(v.mem)
	data.Resize(kept * hashLen)
	offs := memory.NewResizableBuffer(v.mem)
	offs.Resize((kept + 1) * arrow.Int32SizeBytes)
	var valid *memory.Buffer
	nulls := 0
	if c.nulls != nil {
		valid = memory.NewResizableBuffer(v.mem)
		valid.Resize(int(bitutil.BytesForBits(int64(kept))))
		clear(valid.Bytes())
	}
	d, o := data.Bytes(), arrow.Int32Traits.CastFromBytes(offs.Bytes())
	pos, k := 0, 0
	for r, keepR := range keep {
		if !keepR {
			continue
		}
		o[k] = int32(pos)
		if c.isNull(r) {
			nulls++
		} else {
			v.hash.hashInto(d[pos:pos+hashLen], c.str.Value(r))
			pos += hashLen
			if valid != nil {
				bitutil.SetBit(valid.Bytes(), k)
			}
		}
		k++
	}
	o[k] = int32(pos)
	data.Resize(pos)
	if nulls == 0 && valid != nil {
		valid.Release()
		valid = nil
	}
	ad := array.NewData(arrow.BinaryTypes.String, kept, []*memory.Buffer{valid, offs, data}, nil, nulls, 0)
	defer ad.Release()
	for _, b := range []*memory.Buffer{valid, offs, data} {
		if b != nil {
			b.Release()
		}
	}
	return array.MakeFromData(ad)
}

// copyKept appends the kept rows of c to b, a typed loop per column type.
func copyKept(b array.Builder, c *cellReader, keep []bool) {
	a := c.a
	nulls := a.NullN() > 0
	switch c.kind {
	case kStr:
		sb := b.(*array.StringBuilder)
		sb.ReserveData(len(c.str.ValueBytes()))
		for r, k := range keep {
			if k {
				if nulls && a.IsNull(r) {
					sb.AppendNull()
				} else {
					sb.Append(c.str.Value(r))
				}
			}
		}
	case kI64:
		copyFixed(b.(*array.Int64Builder), a, c.i64.Int64Values(), keep, nulls)
	case kI32:
		copyFixed(b.(*array.Int32Builder), a, c.i32.Int32Values(), keep, nulls)
	case kF64:
		copyFixed(b.(*array.Float64Builder), a, c.f64.Float64Values(), keep, nulls)
	case kDate:
		copyFixed(b.(*array.Date32Builder), a, c.date.Date32Values(), keep, nulls)
	case kTS:
		copyFixed(b.(*array.TimestampBuilder), a, c.ts.TimestampValues(), keep, nulls)
	case kBool:
		bb := b.(*array.BooleanBuilder)
		for r, k := range keep {
			if k {
				if nulls && a.IsNull(r) {
					bb.AppendNull()
				} else {
					bb.Append(c.boolean.Value(r))
				}
			}
		}
	default:
		panic(fmt.Sprintf("run: column type %s is not supported", a.DataType()))
	}
}

type fixedBuilder[T any] interface {
	Append(T)
	AppendNull()
}

func copyFixed[T any](b fixedBuilder[T], a arrow.Array, vals []T, keep []bool, nulls bool) {
	for r, k := range keep {
		if k {
			if nulls && a.IsNull(r) {
				b.AppendNull()
			} else {
				b.Append(vals[r])
			}
		}
	}
}

// markRule sets fail[r] for every row that breaks cr, in a loop over the
// column of the type at hand. It may mark more rows than fail (checkRule,
// which says why, has the last word) but never fewer.
func (v *validator) markRule(cr *colRule, fail []bool) {
	c := &v.cells[cr.idx]
	n := len(fail)
	req := cr.rule.Required
	text := cr.allowed != nil || cr.re != nil || cr.regions != nil
	if c.recoded == nil && c.kind == kStr {
		if !text && !req {
			return // min and max do not apply to text
		}
		for r := 0; r < n; r++ {
			if c.isNull(r) {
				if req {
					fail[r] = true
				}
				continue
			}
			if !text {
				continue
			}
			s := c.str.Value(r)
			if cr.allowed != nil && !cr.isAllowed(s) || cr.re != nil && !cr.matches(s) || cr.regions != nil && !cr.regions[s] {
				fail[r] = true
			}
		}
		return
	}
	var num func(r int) float64
	switch {
	case text || c.recoded != nil:
	case c.kind == kI64:
		vals := c.i64.Int64Values()
		num = func(r int) float64 { return float64(vals[r]) }
	case c.kind == kI32:
		vals := c.i32.Int32Values()
		num = func(r int) float64 { return float64(vals[r]) }
	case c.kind == kF64:
		num = c.f64.Value
	case c.kind == kDate && !c.month:
		vals := c.date.Date32Values()
		num = func(r int) float64 { return float64(vals[r]) }
	}
	if num == nil {
		for r := 0; r < n; r++ {
			if !fail[r] && v.checkRule(cr, r, nil) != nil {
				fail[r] = true
			}
		}
		return
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if cr.rule.Min != nil {
		lo = *cr.rule.Min
	}
	if cr.rule.Max != nil {
		hi = *cr.rule.Max
	}
	for r := 0; r < n; r++ {
		if c.isNull(r) {
			if req {
				fail[r] = true
			}
			continue
		}
		if f := num(r); f < lo || f > hi {
			fail[r] = true
		}
	}
}

// checkRule appends the reasons row r breaks cr. Strings for the reasons are
// only made when a rule fails.
func (v *validator) checkRule(cr *colRule, r int, reasons []string) []string {
	c := &v.cells[cr.idx]
	val := c.value(r)
	if val.Kind == spec.Null {
		if cr.rule.Required {
			reasons = append(reasons, fmt.Sprintf("%s: missing (required)", v.label(cr.idx)))
		}
		return reasons
	}
	if val.Kind == spec.Num && !math.IsNaN(val.Num) && cr.column != "" {
		if val.Num < *cr.rule.Min || val.Num > *cr.rule.Max {
			shown := valueKey(val)
			if c.kind == kI64 {
				shown = strconv.FormatInt(c.i64.Value(r), 10) // exact, where a float would round
			}
			reasons = append(reasons, fmt.Sprintf("%s: %s is out of range for the warehouse column %s (%s: %s to %s)",
				v.label(cr.idx), shown, cr.name, cr.column, fmtNum(*cr.rule.Min), fmtNum(*cr.rule.Max)))
		}
		return reasons
	}
	if val.Kind == spec.Num && !math.IsNaN(val.Num) {
		if cr.rule.Min != nil && val.Num < *cr.rule.Min {
			reasons = append(reasons, fmt.Sprintf("%s: %s is below the minimum %s", v.label(cr.idx), valueKey(val), fmtNum(*cr.rule.Min)))
		}
		if cr.rule.Max != nil && val.Num > *cr.rule.Max {
			reasons = append(reasons, fmt.Sprintf("%s: %s is above the maximum %s", v.label(cr.idx), valueKey(val), fmtNum(*cr.rule.Max)))
		}
	}
	if cr.allowed == nil && cr.re == nil && cr.regions == nil {
		return reasons
	}
	s := val.Str
	if val.Kind != spec.Str {
		s = valueKey(val)
	}
	if cr.allowed != nil && !cr.isAllowed(s) {
		reasons = append(reasons, fmt.Sprintf("%s: %s is not one of %s", v.label(cr.idx), v.shown(cr.idx, strconv.Quote(s)), strings.Join(cr.rule.Allowed, ", ")))
	}
	if cr.re != nil && !cr.matches(s) {
		reasons = append(reasons, fmt.Sprintf("%s: %s does not match the pattern %s", v.label(cr.idx), v.shown(cr.idx, strconv.Quote(s)), cr.rule.Pattern))
	}
	if cr.regions != nil && !cr.regions[s] {
		reasons = append(reasons, fmt.Sprintf("%s: %q is not a %s code in the region table", v.label(cr.idx), s, levelName(cr.level)))
	}
	return reasons
}

func (cr *colRule) isAllowed(s string) bool {
	if cr.allowedList != nil {
		for _, a := range cr.allowedList {
			if a == s {
				return true
			}
		}
		return false
	}
	return cr.allowed[s]
}

func (cr *colRule) matches(s string) bool {
	if cr.fast != nil {
		return cr.fast.match(s)
	}
	return cr.re.MatchString(s)
}

// keySet remembers, for each unique-key hash seen, the row it was first seen
// in: open addressing with linear probing over one slice (a key and its row
// share a cache line), one probe sequence per row where a map would need a
// lookup and an insert.
type keySet struct {
	slots []keySlot
	n     int
}

type keySlot struct {
	h   uint64 // 0: empty
	row int64
}

// add records row under h unless h is there already; then it returns the
// first row and true.
func (s *keySet) add(h uint64, row int64) (int64, bool) {
	if h == 0 {
		h = 1
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		switch sl.h {
		case 0:
			sl.h, sl.row = h, row
			s.n++
			return 0, false
		case h:
			return sl.row, true
		}
	}
}

// find returns the row stored under h, if any.
func (s *keySet) find(h uint64) (int64, bool) {
	if h == 0 {
		h = 1
	}
	if len(s.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i].h {
		case 0:
			return 0, false
		case h:
			return s.slots[i].row, true
		}
	}
}

// reset empties the set, sized for n keys without growing; it keeps its
// slots when they are enough.
func (s *keySet) reset(n int) {
	size := 1 << 16
	for size < 2*(n+1) {
		size *= 2
	}
	if len(s.slots) >= size && len(s.slots) <= 4*size {
		clear(s.slots)
	} else {
		s.slots = make([]keySlot, size)
	}
	s.n = 0
}

func (s *keySet) grow() {
	old := s.slots
	s.slots, s.n = make([]keySlot, max(1<<16, 2*len(old))), 0
	for _, sl := range old {
		if sl.h != 0 {
			s.add(sl.h, sl.row)
		}
	}
}

// shown is how a reason quotes value s of input column i: a column the
// pipeline hashes (pii.hash) is quoted by its hash, as its raw value is, so
// that no reason carries the clear id.
func (v *validator) shown(i int, s string) string {
	if v.hashIn[i] {
		return "hash:" + v.hash.hash(strings.Trim(s, `"`))
	}
	return s
}
