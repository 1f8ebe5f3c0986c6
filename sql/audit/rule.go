// Package audit holds the data audit (数据审核) rules — one .sql file per
// rule, a `-- @key: value` header and one SELECT, like the indicators — and
// runs them over the warehouse: every region and period that breaks a rule
// becomes a row of audit_finding, with the figures involved, and the
// findings of severity error raise alerts.
//
// A rule is of one kind: sum (parts sum to the total within a tolerance),
// range (a share within bounds), change (a year-on-year change beyond a
// threshold, in pp for rates, in % for levels), break (a level break in the
// year a region code changed, from region_crosswalk) or zero (a denominator
// that fell to zero). The query returns the figures the kind tests; the
// kind's test is the engine's (see kind.go), so a rule file says what to
// compare, never how.
package audit

import (
	"embed"
	"errors"
	"fmt"
	"grassroots/sql/sqlfile"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// FS holds the bundled rule files.
//
//go:embed *.sql
var FS embed.FS

// Severities of a rule.
const (
	Error  = "error"  // 错误: the figures cannot all be right
	Notice = "notice" // 提示: worth a look; may be right
)

// SeverityZh is the Chinese label of a severity.
func SeverityZh(s string) string {
	if s == Error {
		return "错误"
	}
	return "提示"
}

// Rule is one audit rule from sql/audit.
type Rule struct {
	Code         string
	TitleZh      string
	Severity     string // error or notice
	Kind         string // sum, range, change, break, zero
	Checks       string // what the rule checks
	Advice       string // 建议核查: what to check when it fires
	SourceTables []string

	// Tolerance (sum): the largest difference allowed, absolute, or a
	// share of the total when TolerancePct.
	Tolerance    float64
	TolerancePct bool
	// Min and Max (range).
	Min, Max *float64
	// Threshold (change, break): the largest change allowed, in pp
	// (ChangeUnit "pp") or in % of the previous value (ChangeUnit "%").
	Threshold  float64
	ChangeUnit string
	// Labels of the figure checked and of what it is checked against.
	ValueLabel, ReferenceLabel string
	Unit                       string // unit the figures are in (人, %, km²)
	Notes                      string

	Query     string
	Path      string
	QueryLine int
	KeyLine   map[string]int
}

// ToleranceText is the rule's tolerance, threshold or bounds as written.
func (r *Rule) ToleranceText() string {
	switch r.Kind {
	case KindSum:
		if r.TolerancePct {
			return num(r.Tolerance) + "%"
		}
		return num(r.Tolerance)
	case KindRange:
		return num(*r.Min) + "–" + num(*r.Max)
	case KindChange, KindBreak:
		return num(r.Threshold) + " " + r.ChangeUnit
	}
	return ""
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// ParseError is a problem in a definition file, at a line (and column) of it.
type ParseError = sqlfile.ParseError

// keys are the header keys a rule may carry, and whether each is required.
var keys = map[string]bool{
	"code": true, "title_zh": true, "severity": true, "kind": true, "checks": true, "advice": true,
	"source_tables": true, "tolerance": false, "min": false, "max": false, "threshold": false,
	"value_label": false, "reference_label": false, "unit": false, "notes": false,
}

var keyOrder = []string{"code", "title_zh", "severity", "kind", "checks", "advice", "source_tables"}

// Parse reads one rule file. name is the file name (its stem must be the
// code). Every problem found is returned, joined, each as a *ParseError.
func Parse(name string, src []byte) (*Rule, error) {
	f, errs := sqlfile.Split(name, src, keys)
	bad := func(line, col int, format string, args ...any) {
		errs = append(errs, &ParseError{Path: name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	}
	vals, at := f.Vals, f.At
	r := &Rule{Path: name, QueryLine: f.QueryLine, KeyLine: at}
	for _, k := range keyOrder {
		if _, ok := vals[k]; !ok {
			bad(1, 0, "missing @%s", k)
		} else if vals[k] == "" {
			bad(at[k], 0, "@%s is empty", k)
		}
	}
	r.Code, r.TitleZh, r.Severity, r.Kind = vals["code"], vals["title_zh"], vals["severity"], vals["kind"]
	r.Checks, r.Advice, r.Notes, r.Unit = vals["checks"], vals["advice"], vals["notes"], vals["unit"]
	r.ValueLabel, r.ReferenceLabel = vals["value_label"], vals["reference_label"]
	if r.Code != "" {
		if !sqlfile.Code.MatchString(r.Code) {
			bad(at["code"], 0, "@code %q: want group.name in lower case (e.g. population.urban_rural_sum)", r.Code)
		}
		if stem := strings.TrimSuffix(path.Base(name), ".sql"); stem != r.Code {
			bad(at["code"], 0, "@code %q does not match the file name %s", r.Code, path.Base(name))
		}
	}
	switch r.Severity {
	case "", Error, Notice:
	default:
		bad(at["severity"], 0, "@severity %q: want error (错误) or notice (提示)", r.Severity)
	}
	for _, t := range sqlfile.SplitList(vals["source_tables"]) {
		if !sqlfile.Ident.MatchString(t) {
			bad(at["source_tables"], 0, "@source_tables: %q is not a table name", t)
		}
		r.SourceTables = append(r.SourceTables, t)
	}
	// Parameters: each kind takes its own, and no other.
	want := map[string][]string{KindSum: {"tolerance"}, KindRange: {"min", "max"}, KindChange: {"threshold"},
		KindBreak: {"threshold"}, KindZero: nil}
	params, known := want[r.Kind]
	if r.Kind != "" && !known {
		bad(at["kind"], 0, "@kind %q: want sum, range, change, break or zero", r.Kind)
	}
	if known {
		for _, p := range []string{"tolerance", "min", "max", "threshold"} {
			_, has := vals[p]
			needed := false
			for _, q := range params {
				needed = needed || q == p
			}
			switch {
			case needed && !has:
				bad(max(at["kind"], 1), 0, "@kind %s needs a @%s", r.Kind, p)
			case has && !needed:
				bad(at[p], 0, "@%s is not for @kind %s", p, r.Kind)
			}
		}
	}
	number := func(k string) (float64, bool) {
		x, err := strconv.ParseFloat(strings.TrimSpace(vals[k]), 64)
		if err != nil {
			bad(at[k], 0, "@%s %q: want a number", k, vals[k])
			return 0, false
		}
		return x, true
	}
	if v, ok := vals["tolerance"]; ok {
		s := strings.TrimSpace(v)
		r.TolerancePct = strings.HasSuffix(s, "%")
		x, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
		if err != nil || x < 0 {
			bad(at["tolerance"], 0, "@tolerance %q: want a difference (0, 1) or a share of the total (0.05%%)", v)
		}
		r.Tolerance = x
	}
	if _, ok := vals["min"]; ok {
		if x, ok := number("min"); ok {
			r.Min = &x
		}
	}
	if _, ok := vals["max"]; ok {
		if x, ok := number("max"); ok {
			r.Max = &x
		}
	}
	if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		bad(at["max"], 0, "@max %s is below @min %s", num(*r.Max), num(*r.Min))
	}
	if v, ok := vals["threshold"]; ok {
		s := strings.TrimSpace(v)
		switch {
		case strings.HasSuffix(s, "pp"):
			r.ChangeUnit, s = "pp", strings.TrimSpace(strings.TrimSuffix(s, "pp"))
		case strings.HasSuffix(s, "%"):
			r.ChangeUnit, s = "%", strings.TrimSpace(strings.TrimSuffix(s, "%"))
		}
		x, err := strconv.ParseFloat(s, 64)
		if r.ChangeUnit == "" || err != nil || x <= 0 {
			bad(at["threshold"], 0, "@threshold %q: want a change in percentage points of a rate (5 pp) or in percent of a level (20%%)", v)
		}
		r.Threshold = x
	}

	body := f.Query
	r.Query = body
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// Rules returns every bundled rule, by code. An error lists every problem in
// every file.
func Rules() ([]*Rule, error) { return bundled() }

var bundled = sync.OnceValues(func() ([]*Rule, error) { return Load(FS) })

// DefCode and DefPath make a rule a sqlfile.Def.
func (r *Rule) DefCode() string { return r.Code }
func (r *Rule) DefPath() string { return r.Path }

// Load parses every *.sql file of fsys as a rule.
func Load(fsys fs.FS) ([]*Rule, error) {
	list, _, errs, err := sqlfile.LoadDir(fsys, Parse)
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
	return list, nil
}
