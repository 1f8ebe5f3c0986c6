package sources

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"grassroots/sources/value"
)

// errTooLong refuses a stored workbook number that a double cannot hold
// exactly: beyond 2^53 not every integer has a double of its own.
var errTooLong = errors.New("is too long to be exact as a stored number (a workbook keeps about 15 digits); store long numbers as text")

// maxExact is 2^53, the largest magnitude up to which a float64 holds every
// integer.
const maxExact = 1 << 53

// integer parses the text of an int column, or an XLSX cell's stored value
// (raw), exactly. Text and stored values written as plain decimals are scaled
// in decimal (value.IntScaled), so no digit is lost to a float64. A stored
// value in scientific notation is how a writer renders a double; it is taken
// up to 2^53 and refused beyond. Only a scale that is not a power of ten
// (scale: 0.5) multiplies in floating point, with the same limit.
func (f *field) integer(text, raw string) (int64, error) {
	shift := f.pow10
	if stored, ok := storedNumber(raw); ok {
		if n := len(text); n > 0 && text[n-1] == '%' {
			// A cell shown as 12% stores 0.12.
			if f.col.Percent == "" {
				return 0, value.ErrPercent
			}
			shift += 2
		}
		if f.decimal && !strings.ContainsAny(raw, "eE") {
			n, _, err := value.IntScaled(raw, shift)
			return n, err
		}
		return floatInteger(stored * math.Pow10(shift-f.pow10) * f.scale)
	}
	if f.decimal {
		n, pct, err := value.IntScaled(text, f.pow10)
		if err == nil && pct && f.col.Percent == "" {
			return 0, value.ErrPercent
		}
		return n, err
	}
	v, err := f.number(text, "")
	if err != nil {
		return 0, err
	}
	return floatInteger(v)
}

// floatInteger converts a value computed in floating point to an integer:
// the binary noise of scaling is rounded off (0.1 × 30 is
// 3.0000000000000004, and 3), and a magnitude beyond 2^53, where a float64
// no longer holds every integer, is refused as not exact.
func floatInteger(v float64) (int64, error) {
	if r := math.Round(v); math.Abs(v-r) < 1e-9*math.Max(1, math.Abs(v)) {
		v = r
	}
	if math.Abs(v) > maxExact && v == math.Trunc(v) {
		return 0, errTooLong
	}
	return value.FloatToInt(v)
}

// storedNumber parses an XLSX stored value that is a finite number ("" and
// text cells are not).
func storedNumber(raw string) (float64, bool) {
	if raw == "" || !(raw[0] >= '0' && raw[0] <= '9' || raw[0] == '-' || raw[0] == '.') {
		return 0, false
	}
	v, err := strconv.ParseFloat(raw, 64)
	return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}

// powerOfTen returns k if scale is exactly 10^k (the units of Chinese
// statistics all are: 万 is 10^4, 亿 10^8).
func powerOfTen(scale float64) (k int, ok bool) {
	for k := -18; k <= 18; k++ {
		if scale == math.Pow10(k) {
			return k, true
		}
	}
	return 0, false
}
