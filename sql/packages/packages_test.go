package packages

import "testing"

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
