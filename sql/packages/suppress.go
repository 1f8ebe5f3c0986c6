package packages

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"grassroots/sql/indicators"
	"grassroots/sql/suppress"
)

// Suppression is what a package made with small-cell suppression withheld:
// the warehouse's threshold and how many person counts became NULL.
type Suppression struct {
	Threshold int `json:"threshold"`
	Cells     int `json:"cells"`
}

// SuppressedFlag marks, in the flags of an indicator row and of a count
// row, a figure withheld as a small cell (or because a total or another
// figure would give a small cell back).
const SuppressedFlag = "suppressed: small cell"

// personMeasures are the measures of the count table that count persons;
// organisations and communities count units and are never withheld.
var personMeasures = []string{"members", "employees", "formal_members", "staff", "fulltime_social_workers", "residents"}

// withheld is what suppression hides in a package.
type withheld struct {
	// values: indicator, region, period, vintage → numerator and
	// denominator hidden (both for a derived figure computed from a hidden
	// one).
	values map[valueKey][2]bool
	// counts: the count rows whose value is hidden.
	counts map[countKey]bool
	cells  int
}

type valueKey struct{ indicator, region, period, vintage string }

type countKey struct{ aggregate, region, period, breakdown, measure string }

// plan decides, by rule, what a package of the regions where inR holds and
// the years withholds: indicator numerators and denominators that count
// persons (@persons), with complementary suppression between a region and
// the regions directly below it, the same as grassroots export indicators
// does; and the count table's person measures, with complementary
// suppression within each region's breakdown (a region's total, and every
// margin of its breakdown, is taken as known: the indicators carry the
// totals, and the upper level sums the rest).
func plan(ctx context.Context, db *sql.DB, rule suppress.Rule, pre, inR, years string) (*withheld, error) {
	wh := &withheld{values: map[valueKey][2]bool{}, counts: map[countKey]bool{}}
	if !rule.On() {
		return wh, nil
	}
	parent := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT code, coalesce(parent_code, '') FROM region WHERE starts_with(code, ?)`, pre)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c, p string
		if err := rows.Scan(&c, &p); err != nil {
			rows.Close()
			return nil, err
		}
		parent[c] = p
	}
	rows.Close()

	type series struct{ indicator, period, vintage string }
	type figure struct {
		region   string
		num, den float64
	}
	bySeries := map[series][]figure{}
	rows, err = db.QueryContext(ctx, `SELECT indicator, region_code, period, vintage, coalesce(numerator, 0), coalesce(denominator, 0)
		FROM indicator_value WHERE `+inR+` AND year IN (`+years+`) AND NOT beside_own ORDER BY ALL`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s series
		var f figure
		if err := rows.Scan(&s.indicator, &f.region, &s.period, &s.vintage, &f.num, &f.den); err != nil {
			rows.Close()
			return nil, err
		}
		bySeries[s] = append(bySeries[s], f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Regions and periods where some input of a derived indicator is
	// withheld: its figure goes too.
	type place struct{ indicator, region, period string }
	hiddenAt := map[place]bool{}
	for s, figs := range bySeries {
		ind, err := indicators.Lookup(s.indicator)
		if err != nil || (!ind.NumeratorPersons() && !ind.DenominatorPersons()) {
			continue // nothing says it counts persons
		}
		regions := make([]string, len(figs))
		for i, f := range figs {
			regions[i] = f.region
		}
		hide := [2][]bool{make([]bool, len(figs)), make([]bool, len(figs))}
		for part, persons := range []bool{ind.NumeratorPersons(), ind.DenominatorPersons()} {
			if !persons {
				continue
			}
			values := make([]float64, len(figs))
			for i, f := range figs {
				values[i] = f.num
				if part == 1 {
					values[i] = f.den
				}
			}
			hide[part] = rule.Tree(values, regions, parent)
		}
		for i, f := range figs {
			if !hide[0][i] && !hide[1][i] {
				continue
			}
			wh.values[valueKey{s.indicator, f.region, s.period, s.vintage}] = [2]bool{hide[0][i], hide[1][i]}
			hiddenAt[place{s.indicator, f.region, s.period}] = true
			for _, h := range []bool{hide[0][i], hide[1][i]} {
				if h {
					wh.cells++
				}
			}
		}
	}
	for s, figs := range bySeries {
		ind, err := indicators.Lookup(s.indicator)
		if err != nil || len(ind.DependsOn) == 0 {
			continue
		}
		for _, f := range figs {
			if slices.ContainsFunc(ind.DependsOn, func(d string) bool { return hiddenAt[place{d, f.region, s.period}] }) {
				wh.values[valueKey{s.indicator, f.region, s.period, s.vintage}] = [2]bool{true, true}
			}
		}
	}

	// The count table: within each aggregate, region, period and person
	// measure, the cells of the breakdown.
	type cell struct {
		breakdown string
		value     float64
	}
	type group struct{ aggregate, region, period, measure string }
	groups := map[group][]cell{}
	rows, err = db.QueryContext(ctx, `SELECT aggregate, region_code, period, coalesce(breakdown, ''), measure, coalesce(value, 0)
		FROM (`+countQuery(inR, years)+`) WHERE measure IN ('`+strings.Join(personMeasures, "', '")+`')`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var g group
		var c cell
		if err := rows.Scan(&g.aggregate, &g.region, &g.period, &c.breakdown, &g.measure, &c.value); err != nil {
			rows.Close()
			return nil, err
		}
		groups[g] = append(groups[g], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for g, cells := range groups {
		values := make([]float64, len(cells))
		for i, c := range cells {
			values[i] = c.value
		}
		sums := breakdownSums(cells, func(c cell) string { return c.breakdown }, &values)
		for i, h := range rule.Hide(values, sums) {
			if i < len(cells) && h {
				wh.counts[countKey{g.aggregate, g.region, g.period, cells[i].breakdown, g.measure}] = true
				wh.cells++
			}
		}
	}
	return wh, nil
}

// breakdownSums are the sums a region's breakdown cells (breakdown such as
// category=rural;age_band=55_60) make up: for each of its keys, the cells
// alike in the other keys (a margin), and the region's total. The totals
// are appended to values, after the cells.
func breakdownSums[C any](cells []C, breakdown func(C) string, values *[]float64) []suppress.Sum {
	margins := map[string][]int{}
	var order []string
	add := func(key string, i int) {
		if _, ok := margins[key]; !ok {
			order = append(order, key)
		}
		margins[key] = append(margins[key], i)
	}
	for i, c := range cells {
		add("", i) // the region's total
		parts := strings.Split(breakdown(c), ";")
		if len(parts) < 2 {
			continue
		}
		for k := range parts {
			other := slices.Concat(parts[:k], []string{"*"}, parts[k+1:])
			add(strings.Join(other, ";"), i)
		}
	}
	var sums []suppress.Sum
	for _, key := range order {
		total := 0.0
		for _, i := range margins[key] {
			total += (*values)[i]
		}
		*values = append(*values, total)
		sums = append(sums, suppress.Sum{Total: len(*values) - 1, Parts: margins[key]})
	}
	return sums
}

// valuesSQL is a relation of the withheld indicator figures for the
// export's query to join: indicator, region_code, period, vintage, hide_num,
// hide_den.
func (wh *withheld) valuesSQL() string {
	if len(wh.values) == 0 {
		return `SELECT NULL::VARCHAR AS indicator, NULL::VARCHAR AS region_code, NULL::VARCHAR AS period, NULL::VARCHAR AS vintage,
			NULL::BOOLEAN AS hide_num, NULL::BOOLEAN AS hide_den WHERE false`
	}
	var rows []string
	for k, h := range wh.values {
		rows = append(rows, fmt.Sprintf("(%s, %s, %s, %s, %t, %t)", lit(k.indicator), lit(k.region), lit(k.period), lit(k.vintage), h[0], h[1]))
	}
	slices.Sort(rows)
	return `SELECT * FROM (VALUES ` + strings.Join(rows, ", ") + `) h(indicator, region_code, period, vintage, hide_num, hide_den)`
}

// countsSQL is a relation of the withheld count rows: aggregate,
// region_code, period, breakdown, measure.
func (wh *withheld) countsSQL() string {
	if len(wh.counts) == 0 {
		return `SELECT NULL::VARCHAR AS aggregate, NULL::VARCHAR AS region_code, NULL::VARCHAR AS period, NULL::VARCHAR AS breakdown,
			NULL::VARCHAR AS measure WHERE false`
	}
	var rows []string
	for k := range wh.counts {
		rows = append(rows, fmt.Sprintf("(%s, %s, %s, %s, %s)", lit(k.aggregate), lit(k.region), lit(k.period), lit(k.breakdown), lit(k.measure)))
	}
	slices.Sort(rows)
	return `SELECT * FROM (VALUES ` + strings.Join(rows, ", ") + `) h(aggregate, region_code, period, breakdown, measure)`
}

// lit is s as an SQL string literal.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
