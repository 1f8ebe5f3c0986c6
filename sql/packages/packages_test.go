package packages

import (
	"testing"

	"grassroots/sql/suppress"
)

// A region lies below another when its code begins with the other's
// prefix: the province's two digits, the prefecture's four, the county's six,
// a township's nine; everything lies below the country, nothing below itself.
func TestBelow(t *testing.T) {
	for _, c := range []struct {
		code, home string
		want       bool
	}{
		{"310112", "310000", true},
		{"310112001", "310000", true},
		{"310112001", "310112", true},
		{"310112001001", "310112001", true},
		{"310100", "310000", true},
		{"310112", "310100", true},
		{"320102", "310000", false},
		{"310000", "310000", false},
		{"310112", "310112", false},
		{"310000", "310112", false},
		{"110000", "000000", true},
		{"000000", "000000", false},
		{"310112", "310110", false},
	} {
		if got := Below(c.code, c.home); got != c.want {
			t.Errorf("Below(%s, %s) = %v, want %v", c.code, c.home, got, c.want)
		}
	}
	for _, ok := range []string{"310112", "310112001", "310112001001"} {
		if err := CheckCode(ok); err != nil {
			t.Errorf("CheckCode(%s): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "31011", "3101120", "31011200100a", "上海"} {
		if err := CheckCode(bad); err == nil {
			t.Errorf("CheckCode(%q) took it for a region code", bad)
		}
	}
}

// A region's breakdown of members by category and age band: one small cell
// takes a second of its category and of its age band with it (either
// margin, or the region's total, would give it back), and never a cell the
// table does not hold.
func TestBreakdownSuppression(t *testing.T) {
	cells := []string{"category=a;age_band=x", "category=a;age_band=y", "category=b;age_band=x", "category=b;age_band=y"}
	values := []float64{2, 40, 30, 50}
	sums := breakdownSums(cells, func(s string) string { return s }, &values)
	if len(values) != 4+5 { // the total, two category margins, two age band margins
		t.Fatalf("%d values with the sums' totals, want 9: %v", len(values), values)
	}
	hide := suppress.Rule{Threshold: 3}.Hide(values, sums)
	got := ""
	for _, h := range hide[:4] {
		got += map[bool]string{true: "x", false: "."}[h]
	}
	if got != "xxxx" {
		t.Errorf("hidden %s, want xxxx (the small cell, its row's and column's complements, and the cell that completes the rectangle)", got)
	}
	one := []float64{2}
	if s := breakdownSums([]string{""}, func(s string) string { return s }, &one); len(s) != 1 || len(one) != 2 {
		t.Errorf("a breakdown of one cell: sums %v over %v, want the total only", s, one)
	}
}
