package indicators

import (
	"strings"
	"testing"
)

func TestParsePersons(t *testing.T) {
	for _, tc := range []struct {
		line       string
		num, den   bool
		wantErrors string
	}{
		{"", false, false, ""},
		{"-- @persons: numerator, denominator\n", true, true, ""},
		{"-- @persons: denominator\n", false, true, ""},
		{"-- @persons: members\n", false, false, `test.share.sql:12: @persons: "members": want numerator, denominator or both`},
		{"-- @persons: numerator, numerator\n", true, false, "test.share.sql:12: @persons: numerator given twice"},
	} {
		ind, err := Parse("test.share.sql", []byte(goodHeader+tc.line+"SELECT 1"))
		if tc.wantErrors != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErrors) {
				t.Errorf("%q: error %v, want %q", tc.line, err, tc.wantErrors)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.line, err)
		}
		if ind.NumeratorPersons() != tc.num || ind.DenominatorPersons() != tc.den {
			t.Errorf("%q: numerator %v denominator %v, want %v %v", tc.line, ind.NumeratorPersons(), ind.DenominatorPersons(), tc.num, tc.den)
		}
	}
	// The catalogue says it of every member share.
	ind, err := Lookup("member.share_55_plus")
	if err != nil || !ind.NumeratorPersons() || !ind.DenominatorPersons() {
		t.Errorf("member.share_55_plus: persons %v (%v)", ind.Persons, err)
	}
}
