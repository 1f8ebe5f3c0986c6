package spec

import (
	"fmt"
	"slices"
	"strings"
)

// StatusColumn is the column of a fact table that holds a row's observation
// status (see the warehouse's observation_status table).
const StatusColumn = "status"

// Statuses are the observation statuses every warehouse knows, firmest first:
// the rows of observation_status that migration 0012 writes. A department may
// add its own to that table; a pipeline that sets one lists it in
// validate.columns.status.allowed.
var Statuses = []string{"final", "revised", "preliminary", "estimated", "synthetic"}

// statusValues are the codes a pipeline's status column may hold: its own
// allowed list where it gives one, else Statuses.
func (s *Spec) statusValues() []string {
	if r, ok := s.Validate.Columns[StatusColumn]; ok && len(r.Allowed) > 0 {
		return r.Allowed
	}
	return Statuses
}

// checkStatus checks that a status the pipeline sets — a constant, or what
// a recode maps to — is a known observation status.
func (s *Spec) checkStatus(at func(path, format string, a ...any)) {
	known := s.statusValues()
	for i, c := range s.Source.Columns {
		if c.Name != StatusColumn || c.Value == "" {
			continue
		}
		if !slices.Contains(known, c.Value) {
			at(fmt.Sprintf("source.columns[%d].value", i), "status %q is not an observation status (want one of %s)", c.Value, strings.Join(known, ", "))
		}
	}
	for from, to := range s.Recode[StatusColumn] {
		if !slices.Contains(known, to) {
			at("recode."+StatusColumn, "recode of %q: status %q is not an observation status (want one of %s)", from, to, strings.Join(known, ", "))
		}
	}
}

// defaultStatusRule makes a status column that has no rule of its own accept
// the known statuses only: a row with any other goes to the quarantine.
func (s *Spec) defaultStatusRule() {
	has := false
	for _, c := range s.Source.Columns {
		has = has || c.Name == StatusColumn
	}
	if !has {
		return
	}
	if s.Validate.Columns == nil {
		s.Validate.Columns = ColumnRules{}
	}
	r := s.Validate.Columns[StatusColumn]
	if len(r.Allowed) == 0 {
		r.Allowed = slices.Clone(Statuses)
		s.Validate.Columns[StatusColumn] = r
	}
}
