// Package indicators holds the indicator definitions — one .sql file per
// indicator, a `-- @key: value` header and one SELECT — and computes them into
// the warehouse: values by region and period, roll-ups to every ancestor
// region (summing numerators and denominators, never averaging rates), the
// derived series, targets and early-warning alerts.
//
// A query returns region_code, period, numerator and denominator, and may add
// year, vintage, flags and is_synthetic. The pipelines call Compute with the
// indicators that read the tables a run loaded (see ReadingTables).
package indicators

import (
	"embed"
	"errors"
	"fmt"
	"grassroots/sql/sqlfile"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// FS holds the indicator definitions and the bundled targets and alert rules.
//
//go:embed *.sql *.csv
var FS embed.FS

// Aggregations: how an indicator rolls up the region hierarchy.
const (
	// Ratio: value = Σnumerator / Σdenominator × scale.
	Ratio = "ratio"
	// Sum: a level (a count, an area); value = Σnumerator × scale.
	Sum = "sum"
	// WeightedMean: a mean (e.g. mean age) whose numerator is the weighted sum
	// and whose denominator is the weight; rolls up like a ratio.
	WeightedMean = "weighted_mean"
	// None: not rolled up; the query gives every level itself (indicators
	// derived from other indicators' values).
	None = "none"
)

// Indicator is one definition from sql/indicators.
type Indicator struct {
	Code         string
	NameZh       string
	NameEn       string
	Unit         string
	Scale        float64
	Direction    string // higher_better, lower_better, neutral
	Aggregation  string // ratio, sum, weighted_mean, none
	Weight       string // for weighted_mean: what the denominator counts
	Numerator    string
	Denominator  string
	SourceTables []string
	DependsOn    []string
	Period       string   // year or snapshot
	Vintages     []string // vintage preference for the default series; "" is the vintage-less series
	Notes        string
	// Precision is the number of decimals a value is shown with (@precision;
	// by default 1 for rates in % and differences in pp, as NBS prints them,
	// 0 for counts, 2 otherwise). Exports keep full precision beside it.
	Precision int
	// Persons names what counts persons: "numerator", "denominator" or
	// both (@persons), for small-cell suppression (see persons.go).
	Persons []string

	Query     string         // the SELECT
	Path      string         // file name, e.g. urban.rate_resident.sql
	QueryLine int            // line of the file where the query starts
	KeyLine   map[string]int // line of each header key
}

// DefaultPrecision is the number of decimals a value in unit is shown with
// when its definition gives no @precision: one for rates (%) and their
// differences (pp), as the statistical bureaus print them (67.0, +0.9); none
// for counts of persons or units; two for anything else.
func DefaultPrecision(unit string) int {
	switch unit {
	case "%", "pp":
		return 1
	case "persons", "units", "count", "人", "个", "家":
		return 0
	}
	return 2
}

// Reads reports whether the indicator reads table t.
func (ind *Indicator) Reads(t string) bool {
	for _, s := range ind.SourceTables {
		if strings.EqualFold(s, t) {
			return true
		}
	}
	return false
}

// ParseError is a problem in a definition file, at a line (and column) of it.
type ParseError = sqlfile.ParseError

var ()

// keys are the header keys a definition may carry, and whether each is required.
var keys = map[string]bool{
	"code": true, "name_zh": true, "name_en": true, "unit": true, "direction": true,
	"aggregation": true, "numerator": true, "source_tables": true, "period": true,
	"scale": false, "weight": false, "denominator": false, "depends_on": false,
	"vintages": false, "notes": false, "precision": false,
	"persons": false, // see persons.go
}

var keyOrder = []string{"code", "name_zh", "name_en", "unit", "direction", "aggregation",
	"numerator", "source_tables", "period"}

// Parse reads one definition. name is the file name (its stem must be the
// code). Every problem found is returned, joined, each as a *ParseError.
func Parse(name string, src []byte) (*Indicator, error) {
	f, errs := sqlfile.Split(name, src, keys)
	bad := func(line, col int, format string, args ...any) {
		errs = append(errs, &ParseError{Path: name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	}
	vals, at := f.Vals, f.At
	ind := &Indicator{Path: name, QueryLine: f.QueryLine, Scale: 1, KeyLine: at}
	for _, k := range keyOrder {
		if _, ok := vals[k]; !ok {
			bad(1, 0, "missing @%s", k)
		} else if vals[k] == "" {
			bad(at[k], 0, "@%s is empty", k)
		}
	}
	ind.Code = vals["code"]
	ind.NameZh, ind.NameEn, ind.Unit = vals["name_zh"], vals["name_en"], vals["unit"]
	ind.Direction, ind.Aggregation = vals["direction"], vals["aggregation"]
	ind.Numerator, ind.Denominator, ind.Weight = vals["numerator"], vals["denominator"], vals["weight"]
	ind.Period, ind.Notes = vals["period"], vals["notes"]

	if ind.Code != "" {
		if !sqlfile.Code.MatchString(ind.Code) {
			bad(at["code"], 0, "@code %q: want group.name in lower case (e.g. urban.rate_resident)", ind.Code)
		}
		if stem := strings.TrimSuffix(path.Base(name), ".sql"); stem != ind.Code {
			bad(at["code"], 0, "@code %q does not match the file name %s", ind.Code, path.Base(name))
		}
	}
	switch ind.Direction {
	case "", "higher_better", "lower_better", "neutral":
	default:
		bad(at["direction"], 0, "@direction %q: want higher_better, lower_better or neutral", ind.Direction)
	}
	switch ind.Aggregation {
	case "", Ratio, Sum, WeightedMean, None:
	default:
		bad(at["aggregation"], 0, "@aggregation %q: want ratio, sum, weighted_mean or none", ind.Aggregation)
	}
	if (ind.Aggregation == Ratio || ind.Aggregation == WeightedMean) && ind.Denominator == "" {
		bad(max(at["aggregation"], 1), 0, "@aggregation %s needs a @denominator", ind.Aggregation)
	}
	if ind.Aggregation == WeightedMean && ind.Weight == "" {
		bad(max(at["aggregation"], 1), 0, "@aggregation weighted_mean needs a @weight")
	}
	if ind.Weight != "" && ind.Aggregation != WeightedMean {
		bad(at["weight"], 0, "@weight is for @aggregation weighted_mean only")
	}
	switch ind.Period {
	case "", "year", "snapshot":
	default:
		bad(at["period"], 0, "@period %q: want year or snapshot", ind.Period)
	}
	if s, ok := vals["scale"]; ok {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x <= 0 {
			bad(at["scale"], 0, "@scale %q: want a positive number", s)
		} else {
			ind.Scale = x
		}
	}
	for _, t := range sqlfile.SplitList(vals["source_tables"]) {
		if !sqlfile.Ident.MatchString(t) {
			bad(at["source_tables"], 0, "@source_tables: %q is not a table name", t)
		}
		ind.SourceTables = append(ind.SourceTables, t)
	}
	if v, ok := vals["depends_on"]; ok {
		for _, d := range sqlfile.SplitList(v) {
			if !sqlfile.Code.MatchString(d) {
				bad(at["depends_on"], 0, "@depends_on: %q is not an indicator code", d)
			}
			ind.DependsOn = append(ind.DependsOn, d)
		}
		if len(ind.DependsOn) > 0 && ind.Aggregation != None {
			bad(at["depends_on"], 0, "an indicator computed from other indicators has @aggregation none (they are rolled up already)")
		}
	}
	ind.Precision = DefaultPrecision(ind.Unit)
	if s, ok := vals["precision"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 6 {
			bad(at["precision"], 0, "@precision %q: want a number of decimals from 0 to 6", s)
		} else {
			ind.Precision = n
		}
	}
	ind.Persons = parsePersons(vals["persons"], at["persons"], bad)
	if v, ok := vals["vintages"]; ok {
		for _, s := range strings.Split(v, ",") {
			ind.Vintages = append(ind.Vintages, strings.TrimSpace(s))
		}
	}

	body := f.Query
	if len(ind.DependsOn) > 0 {
		// Inputs come through indicator_input, which says which of them are
		// partial roll-ups; read straight from indicator_value, a derived
		// value could not tell a region's own figure from a partial sum.
		for _, m := range indicatorValueRe.FindAllStringIndex(body, -1) {
			if !sqlfile.InLiteralOrComment(body, m[0]) {
				line := f.QueryLine + strings.Count(body[:m[0]], "\n")
				bad(line, 0, "an indicator with @depends_on reads its inputs from indicator_input (indicator_value with a partial column), not from indicator_value")
				break
			}
		}
	}
	ind.Query = body
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ind, nil
}

var indicatorValueRe = regexp.MustCompile(`(?i)\bindicator_value\b`)

// Catalogue returns every bundled definition, dependencies before the
// indicators computed from them, otherwise by code. An error lists every
// problem in every file.
func Catalogue() ([]*Indicator, error) { return bundled() }

var bundled = sync.OnceValues(func() ([]*Indicator, error) { return Load(FS) })

// DefCode and DefPath make an indicator a sqlfile.Def.
func (ind *Indicator) DefCode() string { return ind.Code }
func (ind *Indicator) DefPath() string { return ind.Path }

// Load parses every *.sql file of fsys as a definition and orders them.
func Load(fsys fs.FS) ([]*Indicator, error) {
	list, byCode, errs, err := sqlfile.LoadDir(fsys, Parse)
	if err != nil {
		return nil, err
	}
	for _, ind := range list {
		for _, d := range ind.DependsOn {
			if _, ok := byCode[d]; !ok {
				errs = append(errs, &ParseError{Path: ind.Path, Line: 1, Msg: fmt.Sprintf("@depends_on: no indicator %s", d)})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
	ordered, err := topo(list, byCode)
	if err != nil {
		return nil, err
	}
	return ordered, nil
}

// topo orders list so that every indicator comes after those it depends on.
func topo(list []*Indicator, byCode map[string]*Indicator) ([]*Indicator, error) {
	state := map[string]int{} // 1 visiting, 2 done
	var out []*Indicator
	var visit func(ind *Indicator, chain []string) error
	visit = func(ind *Indicator, chain []string) error {
		switch state[ind.Code] {
		case 2:
			return nil
		case 1:
			return &ParseError{Path: ind.Path, Line: 1, Msg: "dependency cycle: " + strings.Join(append(chain, ind.Code), " → ")}
		}
		state[ind.Code] = 1
		for _, d := range ind.DependsOn {
			if err := visit(byCode[d], append(chain, ind.Code)); err != nil {
				return err
			}
		}
		state[ind.Code] = 2
		out = append(out, ind)
		return nil
	}
	for _, ind := range list {
		if err := visit(ind, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Lookup returns the bundled definition with this code.
func Lookup(code string) (*Indicator, error) {
	cat, err := Catalogue()
	if err != nil {
		return nil, err
	}
	for _, ind := range cat {
		if ind.Code == code {
			return ind, nil
		}
	}
	return nil, fmt.Errorf("indicators: no indicator %q (see grassroots indicators list)", code)
}

// ReadingTables returns the codes of the indicators that read any of tables —
// what to recompute after a run that loaded them (Compute adds the indicators
// derived from them).
func ReadingTables(tables ...string) ([]string, error) {
	cat, err := Catalogue()
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, ind := range cat {
		for _, t := range tables {
			if ind.Reads(t) {
				codes = append(codes, ind.Code)
				break
			}
		}
	}
	return codes, nil
}
