package sources

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"grassroots/sources/value"
)

// cell is one parsed value before it is appended.
type cell struct {
	null bool
	i    int64 // int, date, month (days), timestamp (µs)
	f    float64
	s    string
	b    bool
}

// field is a declared column with its parsing rules resolved.
type field struct {
	col      Column
	typ      Type
	scale    float64
	pow10    int  // scale is 10^pow10, if decimal: int columns scale exactly
	decimal  bool // scale is a power of ten
	loc      *time.Location
	src      int    // source column index; -1 for constants and unpivot key/value
	srcName  string // header text or #n
	def      *cell
	constant *cell
	rowNum   bool // the row's number in the input (Column.RowNumber)
}

func newField(col Column, _ []string, loc *time.Location) (*field, error) {
	f := &field{col: col, typ: col.Type, scale: 1, loc: loc, src: -1, rowNum: col.RowNumber}
	if f.typ == "" {
		f.typ = String
	}
	if col.Unit != "" {
		s, ok := value.UnitScale(col.Unit)
		if !ok {
			return nil, fmt.Errorf("unknown unit %q", col.Unit)
		}
		f.scale = s
	}
	if col.Scale != 0 {
		f.scale = col.Scale
	}
	f.pow10, f.decimal = powerOfTen(f.scale)
	return f, nil
}

// resolveLiterals parses Default and Value once.
func (f *field) resolveLiterals() error {
	if f.col.Default != "" {
		f.def = new(cell)
		if err := f.parse(f.col.Default, "", f.def); err != nil {
			return fmt.Errorf("default %q %w", f.col.Default, err)
		}
	}
	if f.col.Value != "" {
		f.constant = new(cell)
		if err := f.parse(f.col.Value, "", f.constant); err != nil {
			return fmt.Errorf("value %q %w", f.col.Value, err)
		}
	}
	return nil
}

func (f *field) arrowType() arrow.DataType {
	switch f.typ {
	case Int:
		return arrow.PrimitiveTypes.Int64
	case Float:
		return arrow.PrimitiveTypes.Float64
	case Date, Month:
		return arrow.FixedWidthTypes.Date32
	case Bool:
		return arrow.FixedWidthTypes.Boolean
	case Timestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	}
	return arrow.BinaryTypes.String
}

// number applies percent and scale rules to text (and an XLSX raw value).
func (f *field) number(text, raw string) (float64, error) {
	var v float64
	var pct bool
	var err error
	if raw != "" {
		if rv, e := strconv.ParseFloat(raw, 64); e == nil {
			v = rv
			if n := len(text); n > 0 && text[n-1] == '%' {
				v, pct = roundSig(rv*100), true
			}
			goto parsed
		}
	}
	v, pct, err = value.Number(text)
	if err != nil {
		return 0, err
	}
parsed:
	if pct && f.col.Percent == "" {
		return 0, value.ErrPercent
	}
	if f.col.Percent == "fraction" {
		v = roundSig(v / 100)
	}
	if f.scale != 1 {
		v = roundSig(v * f.scale)
	}
	return v, nil
}

// roundSig removes the binary noise of scaling (12.3 × 10,000 =
// 123000.00000000001) by rounding to 15 significant digits.
func roundSig(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// parse converts non-null text into c. raw is the XLSX stored value ("" else).
func (f *field) parse(text, raw string, c *cell) error {
	c.null = false
	switch f.typ {
	case String:
		c.s = text
	case Int:
		n, err := f.integer(text, raw)
		if err != nil {
			return err
		}
		c.i = n
	case Float:
		v, err := f.number(text, raw)
		if err != nil {
			return err
		}
		c.f = v
	case Date, Month:
		d, err := f.day(text, raw)
		if err != nil {
			return err
		}
		c.i = int64(d)
	case Timestamp:
		t, err := f.timestamp(text, raw)
		if err != nil {
			return err
		}
		c.i = t
	case Bool:
		b, err := value.Bool(text)
		if err != nil {
			return err
		}
		c.b = b
	}
	return nil
}

// trim is value.Trim with a fast path for cells that need no trimming.
func trim(s string) string {
	n := len(s)
	if n == 0 || s[0] > ' ' && s[0] < utf8.RuneSelf && s[n-1] > ' ' && s[n-1] < utf8.RuneSelf {
		return s
	}
	// Chinese text: look at the first and last rune only; most cells have
	// no space to trim at either end.
	if first, _ := utf8.DecodeRuneInString(s); first > ' ' && !value.IsSpace(first) {
		if last, _ := utf8.DecodeLastRuneInString(s); last > ' ' && !value.IsSpace(last) {
			return s
		}
	}
	return value.Trim(s)
}
