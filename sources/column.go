package sources

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// column accumulates one output column of the current batch directly in
// allocator memory: no per-value builder calls. Values are written at a row
// index, so a row that turns out to be rejected is simply overwritten by the
// next one (string bytes start at the row's own offset).
type column struct {
	dtype  arrow.DataType
	typ    Type
	width  int // bytes per value; 0 for bool and string
	valid  *memory.Buffer
	values *memory.Buffer // fixed-width values, bool bitmap or int32 offsets
	data   *memory.Buffer // string bytes
	// validB and valB are valid's and values' bytes, kept at hand for set.
	validB, valB []byte
	// perRow is the last batch's string bytes per row, in 1/64ths of a byte
	// (0 before the first batch).
	perRow int
}

// dataFor is the string bytes to reserve for a batch of n rows: 16 a row at
// first, then what the last batch took with an eighth to spare, so a column
// of one-letter codes does not hold 16 bytes a row in every batch in flight.
func (c *column) dataFor(n int) int {
	if c.perRow == 0 {
		return 16 * n
	}
	need := c.perRow * n / 64
	return need + need/8 + 64
}

func newColumn(dtype arrow.DataType, typ Type) *column {
	c := &column{dtype: dtype, typ: typ}
	switch typ {
	case Int, Float, Timestamp:
		c.width = 8
	case Date, Month:
		c.width = 4
	}
	return c
}

// start allocates buffers for a batch of up to n rows. Every row starts out
// valid (set only clears the bit of a null) and every bool false.
func (c *column) start(mem memory.Allocator, n int) {
	c.valid = memory.NewResizableBuffer(mem)
	c.valid.Resize(int(bitutil.BytesForBits(int64(n))))
	fill(c.valid.Buf(), 0xFF)
	c.values = memory.NewResizableBuffer(mem)
	switch {
	case c.typ == Bool:
		c.values.Resize(int(bitutil.BytesForBits(int64(n))))
		fill(c.values.Buf(), 0)
	case c.typ == String:
		c.values.Resize(4 * (n + 1))
		binary.LittleEndian.PutUint32(c.values.Buf(), 0)
		c.data = memory.NewResizableBuffer(mem)
		c.data.Reserve(c.dataFor(n))
	default:
		c.values.Resize(c.width * n)
	}
	c.validB, c.valB = c.valid.Buf(), c.values.Buf()
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// set writes v at row i, a row not written before in this batch.
func (c *column) set(i int, v *cell) {
	if v.null {
		bitutil.ClearBit(c.validB, i)
	}
	switch c.typ {
	case String:
		offs := c.valB
		start := int(binary.LittleEndian.Uint32(offs[4*i:]))
		end := start
		if !v.null {
			end += len(v.s)
			if end > c.data.Cap() {
				c.data.ResizeNoShrink(start)
				c.data.Reserve(max(2*c.data.Cap(), end))
			}
			copy(c.data.Buf()[start:end], v.s)
		}
		binary.LittleEndian.PutUint32(offs[4*(i+1):], uint32(end))
	case Bool:
		if v.b && !v.null {
			bitutil.SetBit(c.valB, i)
		}
	case Float:
		f := v.f
		if v.null {
			f = 0
		}
		binary.LittleEndian.PutUint64(c.valB[8*i:], math.Float64bits(f))
	case Date, Month:
		d := int32(v.i)
		if v.null {
			d = 0
		}
		binary.LittleEndian.PutUint32(c.valB[4*i:], uint32(d))
	default:
		x := v.i
		if v.null {
			x = 0
		}
		binary.LittleEndian.PutUint64(c.valB[8*i:], uint64(x))
	}
}

// setString writes a non-null string at row i.
func (c *column) setString(i int, s string) {
	offs := c.valB
	start := int(binary.LittleEndian.Uint32(offs[4*i:]))
	end := start + len(s)
	if end > c.data.Cap() {
		c.data.ResizeNoShrink(start)
		c.data.Reserve(max(2*c.data.Cap(), end))
	}
	copy(c.data.Buf()[start:end], s)
	binary.LittleEndian.PutUint32(offs[4*(i+1):], uint32(end))
}

// setDays writes a non-null date at row i.
func (c *column) setDays(i int, d int32) {
	binary.LittleEndian.PutUint32(c.valB[4*i:], uint32(d))
}

// setBool writes a non-null bool at row i.
func (c *column) setBool(i int, b bool) {
	if b {
		bitutil.SetBit(c.valB, i)
	}
}

// setNull writes a null at row i.
func (c *column) setNull(i int) {
	c.set(i, &cell{null: true})
}

// unset returns row i to its state before it was written (valid, false), so
// that the next row can take its place.
func (c *column) unset(i int) {
	bitutil.SetBit(c.validB, i)
	if c.typ == Bool {
		bitutil.ClearBit(c.valB, i)
	}
}

// finish turns the first n rows into an array and drops the buffers.
func (c *column) finish(n int) arrow.Array {
	nulls := n - bitutil.CountSetBits(c.valid.Bytes(), 0, n)
	var bufs []*memory.Buffer
	if c.typ == String {
		end := int(binary.LittleEndian.Uint32(c.values.Buf()[4*n:]))
		c.data.ResizeNoShrink(end)
		if n > 0 {
			c.perRow = max(64*end/n, 1)
		}
		c.values.ResizeNoShrink(4 * (n + 1))
		bufs = []*memory.Buffer{c.valid, c.values, c.data}
	} else {
		bufs = []*memory.Buffer{c.valid, c.values}
	}
	if nulls == 0 {
		bufs[0] = nil
	}
	data := array.NewData(c.dtype, n, bufs, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	c.release()
	return arr
}

func (c *column) release() {
	for _, b := range []*memory.Buffer{c.valid, c.values, c.data} {
		if b != nil {
			b.Release()
		}
	}
	c.valid, c.values, c.data = nil, nil, nil
	c.validB, c.valB = nil, nil
}

// growTo enlarges the buffers to hold n rows, keeping their contents; the
// new rows start out valid (and false), as in start.
func (c *column) growTo(n int) {
	nb := int(bitutil.BytesForBits(int64(n)))
	old := c.valid.Len()
	c.valid.Reserve(nb)
	c.valid.ResizeNoShrink(nb)
	fill(c.valid.Buf()[old:], 0xFF)
	switch {
	case c.typ == Bool:
		old := c.values.Len()
		c.values.Reserve(nb)
		c.values.ResizeNoShrink(nb)
		fill(c.values.Buf()[old:], 0)
	case c.typ == String:
		c.values.Reserve(4 * (n + 1))
		c.values.ResizeNoShrink(4 * (n + 1))
	default:
		c.values.Reserve(c.width * n)
		c.values.ResizeNoShrink(c.width * n)
	}
	c.validB, c.valB = c.valid.Buf(), c.values.Buf()
}
