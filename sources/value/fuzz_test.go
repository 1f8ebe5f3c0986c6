package value

import (
	"math"
	"testing"
	"time"
)

func FuzzNumber(f *testing.F) {
	for _, s := range []string{"1,234.5", "１２%", "(3)", "1e-3", "12,3x", "-", "", "%%", "1,,2", "-(1)", "1234567890123456789", "-9223372036854775808", "12.0", "0.0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, pct, err := Number(s)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Number(%q) = %v", s, v)
		}
		// Int and IntScaled take no more than Number does, and agree with it
		// where a float64 is exact.
		if n, ierr := Int(s); ierr == nil && (err != nil || pct || math.Abs(v) < 1<<53 && float64(n) != v) {
			t.Fatalf("Int(%q) = %v; Number = %v, %v, %v", s, n, v, pct, err)
		}
		if n, _, ierr := IntScaled(s, 4); ierr == nil && (err != nil || math.Abs(v) < 1e11 && float64(n) != math.Round(v*1e4)) {
			t.Fatalf("IntScaled(%q, 4) = %v; Number = %v, %v", s, n, v, err)
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"2023-12-31", "2023年12月", "45291.5", "20231231", "2023/1/1 0:00", "9999-12-31", "0000-00-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := Date(s); err == nil {
			if y, m, dd := Civil(d); !ValidDate(y, m, dd) {
				t.Fatalf("Date(%q) = invalid day %d-%d-%d", s, y, m, dd)
			}
		}
		if d, err := Month(s); err == nil {
			if _, _, dd := Civil(d); dd != 1 {
				t.Fatalf("Month(%q) is not a first of month", s)
			}
		}
		_, _ = Timestamp(s, time.UTC)
	})
}

func FuzzPercent(f *testing.F) {
	for _, s := range []string{"12.3%", "１２．３％", "%", "-0.5 %", "1,000%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, pct, err := Number(s)
		if err != nil {
			return
		}
		if pct {
			// The same text without the sign parses to the same number.
			w, pct2, err := Number(Trim(Fold(Trim(s)))[:len(Trim(Fold(Trim(s))))-1])
			if err != nil || pct2 || w != v {
				t.Fatalf("Number(%q) = %v%%, but without the sign %v, %v, %v", s, v, w, pct2, err)
			}
		}
	})
}
