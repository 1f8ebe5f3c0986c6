package run

import (
	"maps"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// recodeDict passes a recoded column to the load dictionary-encoded: the
// codes once, and per row a small index into them. A recode has a handful
// of codes (男→M, 女→F); copying the code's bytes for every row cost the
// validator a string append per row and DuckDB a string copy per row.
type recodeDict struct {
	mem   memory.Allocator
	typ   *arrow.DictionaryType
	codes arrow.Array
	index map[string]int32
}

func newRecodeDict(m map[string]string, mem memory.Allocator) *recodeDict {
	codes := slices.Sorted(maps.Values(m))
	codes = slices.Compact(codes)
	d := &recodeDict{typ: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String},
		index: make(map[string]int32, len(codes)), mem: mem}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for i, c := range codes {
		d.index[c] = int32(i)
		b.Append(c)
	}
	d.codes = b.NewArray()
	return d
}

// encode is the kept rows of recoded column c.
func (d *recodeDict) encode(c *cellReader, keep []bool, kept int) arrow.Array {
	ib := array.NewInt32Builder(d.mem)
	defer ib.Release()
	ib.Reserve(kept)
	for r, k := range keep {
		if !k {
			continue
		}
		if c.isNull(r) {
			ib.AppendNull()
			continue
		}
		ib.UnsafeAppend(d.index[c.recoded[r]])
	}
	idx := ib.NewArray()
	defer idx.Release()
	return array.NewDictionaryArray(d.typ, idx, d.codes)
}

func (d *recodeDict) release() { d.codes.Release() }
