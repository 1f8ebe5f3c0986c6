package value

import (
	"math"
	"testing"
	"time"
)

func FuzzNumber(f *testing.F) {
	for _, s := range []string{"1,234.5", "１２%", "(3)", "1e-3", "12,3x", "-", "", "%%", "1,,2", "-(1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, _, err := Number(s)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Number(%q) = %v", s, v)
		}
		if n, err := Int(s); err == nil && float64(n) != math.Trunc(float64(n)) {
			t.Fatalf("Int(%q) = %v", s, n)
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
