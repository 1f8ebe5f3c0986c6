package indicators

import (
	"slices"

	"grassroots/sql/sqlfile"
)

// parsePersons reads @persons: which of the numerator and the denominator
// count persons (members, residents, staff). Published figures hide such
// counts when they are small, and the values computed from them (see
// package suppress); counts of organisations, communities or areas are
// never hidden.
func parsePersons(v string, line int, bad func(line, col int, format string, args ...any)) []string {
	var out []string
	for _, p := range sqlfile.SplitList(v) {
		switch {
		case p != "numerator" && p != "denominator":
			bad(line, 0, "@persons: %q: want numerator, denominator or both", p)
		case slices.Contains(out, p):
			bad(line, 0, "@persons: %s given twice", p)
		default:
			out = append(out, p)
		}
	}
	return out
}

// NumeratorPersons reports whether the numerator counts persons.
func (ind *Indicator) NumeratorPersons() bool { return slices.Contains(ind.Persons, "numerator") }

// DenominatorPersons reports whether the denominator counts persons.
func (ind *Indicator) DenominatorPersons() bool { return slices.Contains(ind.Persons, "denominator") }
