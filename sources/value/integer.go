package value

import (
	"fmt"
	"math"
	"strings"
)

// Integers are read exactly, digit by digit, never through a float64 (which
// holds 15–17 significant digits: 1234567890123456789 would load as
// 1234567890123456768). What cannot be exact is refused:
//
//   - beyond int64 (DuckDB's BIGINT): ErrRange;
//   - a fraction, after any unit scaling: ErrNotInteger ("12.0" is 12);
//   - scientific notation ("1.0e3", "1.23457E+11"): ErrNotInteger. Excel
//     writes numbers of twelve digits or more that way when it saves CSV,
//     rounded to six significant digits, and nothing in the text tells a
//     shortened number from an exact one.
var (
	errBigint     = fmt.Errorf("%w for a BIGINT (a 64-bit integer: -9223372036854775808 to 9223372036854775807)", ErrRange)
	errScientific = fmt.Errorf("%w (scientific notation leaves digits out; write the number in full)", ErrNotInteger)
)

// Int parses an integer exactly: sign or accounting parentheses, thousands
// separators, full-width digits and a zero fraction ("12.0") are accepted; "12.5"
// is ErrNotInteger, a percentage ErrPercent, scientific notation ErrNotInteger
// and a value beyond int64 ErrRange.
func Int(s string) (int64, error) {
	// Fast path: plain ASCII digits, what machine exports write.
	if n := len(s); n > 0 && n <= 18 {
		i := 0
		neg := false
		if s[0] == '-' {
			neg, i = true, 1
		}
		if i < n {
			var v int64
			ok := true
			for ; i < n; i++ {
				c := s[i]
				if c < '0' || c > '9' {
					ok = false
					break
				}
				v = v*10 + int64(c-'0')
			}
			if ok {
				if neg {
					v = -v
				}
				return v, nil
			}
		}
	}
	v, pct, err := IntScaled(s, 0)
	if err != nil {
		return 0, err
	}
	if pct {
		return 0, ErrPercent
	}
	return v, nil
}

// IntScaled parses a number as Int does and multiplies it by 10^pow10 in
// decimal, exactly: "12.3" with pow10 4 (万) is 123000, and
// "123456789012345.6789" with pow10 4 keeps all nineteen digits. A fraction
// left after scaling is ErrNotInteger. percent reports a trailing "%"; the
// number is not divided.
func IntScaled(s string, pow10 int) (v int64, percent bool, err error) {
	t, neg, percent, err := clean(s)
	if err != nil {
		return 0, false, err
	}
	whole, frac, _ := strings.Cut(t, ".")
	if !digits(whole) || !digits(frac) || whole == "" && frac == "" {
		if _, _, err := Number(s); err == nil {
			return 0, false, errScientific // the only form Number takes that is left
		}
		return 0, false, ErrNotNumber
	}
	// Move the decimal point pow10 places.
	switch {
	case pow10 > 0:
		k := min(pow10, len(frac))
		whole, frac = whole+frac[:k], frac[k:]
		whole += strings.Repeat("0", pow10-k)
	case pow10 < 0:
		k := min(-pow10, len(whole))
		whole, frac = whole[:len(whole)-k], whole[len(whole)-k:]+frac
		frac = strings.Repeat("0", -pow10-k) + frac
	}
	if strings.Trim(frac, "0") != "" {
		return 0, false, ErrNotInteger
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 19 {
		return 0, false, errBigint
	}
	var u uint64
	for i := 0; i < len(whole); i++ {
		u = u*10 + uint64(whole[i]-'0') // 19 digits fit in a uint64
	}
	switch {
	case !neg && u <= math.MaxInt64:
		return int64(u), percent, nil
	case neg && u <= 1<<63:
		return int64(-u), percent, nil // -(1<<63) wraps to math.MinInt64
	}
	return 0, false, errBigint
}

// FloatToInt converts f to int64 if it is integral and in range.
func FloatToInt(f float64) (int64, error) {
	if f != math.Trunc(f) {
		return 0, ErrNotInteger
	}
	if f >= 9.2233720368547748e18 || f < -9.2233720368547758e18 {
		return 0, errBigint
	}
	return int64(f), nil
}
