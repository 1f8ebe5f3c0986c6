package reports

import (
	"math"
	"testing"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		l    Lang
		want string
	}{
		{0, Zh, "0"},
		{7700, Zh, "7700"},
		{9999.4, Zh, "9999"},
		{12345, Zh, "1.23万"},
		{100000, Zh, "10万"},
		{99_990_000, Zh, "9999万"},
		{140_828_000_0, Zh, "14.08亿"},
		{100_000_000, Zh, "1亿"},
		{-25000, Zh, "-2.5万"},
		{math.NaN(), Zh, "—"},
		{7700, En, "7,700"},
		{987654, En, "987,654"},
		{12_345_678, En, "12.35 million"},
		{1_408_280_000, En, "1.41 billion"},
	} {
		if got := Count(tc.x, tc.l); got != tc.want {
			t.Errorf("Count(%v, %s) = %q, want %q", tc.x, tc.l, got, tc.want)
		}
	}
}

func TestPct(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{56.1, "56.1%"},
		{39.2, "39.2%"},
		{80.46, "80.5%"},
		{100, "100.0%"},
		{0, "0.0%"},
		{-0.04, "0.0%"},
		{math.Inf(1), "—"},
	} {
		if got := Pct(tc.x); got != tc.want {
			t.Errorf("Pct(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

func TestPP(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		l    Lang
		want string
	}{
		{1.23, Zh, "+1.2个百分点"},
		{-3.96, Zh, "-4.0个百分点"},
		{0.01, Zh, "0.0个百分点"},
		{16.2, En, "+16.2 pp"},
	} {
		if got := PP(tc.x, tc.l); got != tc.want {
			t.Errorf("PP(%v, %s) = %q, want %q", tc.x, tc.l, got, tc.want)
		}
	}
}

func TestValue(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		unit string
		want string
	}{
		{63.894, "%", "63.9%"},
		{1.5, "pp", "+1.5个百分点"},
		{90199000, "persons", "9019.9万"},
		{146, "km2", "146 km2"},
		{4.333, "", "4.33"},
	} {
		if got := Value(tc.x, tc.unit, Zh); got != tc.want {
			t.Errorf("Value(%v, %q) = %q, want %q", tc.x, tc.unit, got, tc.want)
		}
	}
}
