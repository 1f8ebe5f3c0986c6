package value

import (
	"errors"
	"testing"
)

// TestIntExact: an integer loads with every digit or not at all. Nothing
// goes through a float64, which holds 15–17 significant digits.
func TestIntExact(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string // the text after the quoted value; "" = no error
	}{
		{"1234567890123456789", 1234567890123456789, ""},
		{"-1234567890123456789", -1234567890123456789, ""},
		{"9223372036854775807", 9223372036854775807, ""},
		{"-9223372036854775808", -9223372036854775808, ""},
		{"1,234,567,890,123,456,789", 1234567890123456789, ""},
		{"１２３４５６７８９０１２３４５６７８９", 1234567890123456789, ""},
		{"12,345", 12345, ""},
		{"(12,345)", -12345, ""},
		{"1234567890123456789.000", 1234567890123456789, ""},
		{"12.0", 12, ""},
		{"0012", 12, ""},
		{"9223372036854775808", 0, "is out of range for a BIGINT (a 64-bit integer: -9223372036854775808 to 9223372036854775807)"},
		{"99999999999999999999", 0, "is out of range for a BIGINT (a 64-bit integer: -9223372036854775808 to 9223372036854775807)"},
		{"-9223372036854775809", 0, "is out of range for a BIGINT (a 64-bit integer: -9223372036854775808 to 9223372036854775807)"},
		{"1234567890123456789.5", 0, "is not an integer"},
		{"1.0e3", 0, "is not an integer (scientific notation leaves digits out; write the number in full)"},
		{"1.23457E+11", 0, "is not an integer (scientific notation leaves digits out; write the number in full)"},
		{"1e30", 0, "is not an integer (scientific notation leaves digits out; write the number in full)"},
		{"12,34", 0, "is not a number"},
		{"5%", 0, "is a percentage but the column does not declare percent"},
	}
	for _, tt := range tests {
		got, err := Int(tt.in)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != tt.err || err == nil && got != tt.want {
			t.Errorf("Int(%q) = %d, %q; want %d, %q", tt.in, got, msg, tt.want, tt.err)
		}
	}
	if _, err := Int("99999999999999999999"); !errors.Is(err, ErrRange) {
		t.Errorf("out of range: %v does not wrap ErrRange", err)
	}
	if _, err := Int("1.0e3"); !errors.Is(err, ErrNotInteger) {
		t.Errorf("scientific: %v does not wrap ErrNotInteger", err)
	}
}

// TestIntScaled: a unit multiplies exactly, in decimal, so 万人 keeps every
// digit of a large count, and a fraction left after scaling is not an integer.
func TestIntScaled(t *testing.T) {
	tests := []struct {
		in      string
		pow10   int
		want    int64
		percent bool
		err     error
	}{
		{"12.3", 4, 123000, false, nil},
		{"123456789012345.6789", 4, 1234567890123456789, false, nil},
		{"12.34567", 4, 0, false, ErrNotInteger},
		{"1,012.5", 4, 10125000, false, nil},
		{"1000000000000000", 4, 0, false, ErrRange},
		{"12%", 0, 12, true, nil},
		{"-0.5", 1, -5, false, nil},
		{"0", 8, 0, false, nil},
	}
	for _, tt := range tests {
		got, pct, err := IntScaled(tt.in, tt.pow10)
		if !errors.Is(err, tt.err) || err == nil && (got != tt.want || pct != tt.percent) {
			t.Errorf("IntScaled(%q, %d) = %d, %v, %v; want %d, %v, %v", tt.in, tt.pow10, got, pct, err, tt.want, tt.percent, tt.err)
		}
	}
}
