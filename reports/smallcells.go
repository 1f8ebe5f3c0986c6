package reports

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	defs "grassroots/sql/indicators"
	"grassroots/sql/suppress"
	"grassroots/sql/warehouse"
)

// Small cells. Counts of persons below the warehouse's small_cell_threshold
// are published as "<3", and figures computed from them as "—" (see package
// suppress): the pyramid and education charts hide their cells (with
// complementary cells where a total is shown), the work list its small
// staff counts, and every chart of indicator values the values whose
// person numerator or denominator is small — those are dropped where the
// cache reads them (values, childValues, regionFigures), so no chart, table,
// tooltip or option JSON carries them. A block that hides anything says so
// in its footnote.

// smallCells is the warehouse's rule.
func (c *Cache) smallCells(ctx context.Context) (suppress.Rule, error) {
	return cached(ctx, c, "small_cells", "", func(ctx context.Context, _ []string) (map[string]suppress.Rule, error) {
		t, err := warehouse.SmallCellThreshold(ctx, c.db)
		if err != nil {
			return nil, err
		}
		return map[string]suppress.Rule{"": {Threshold: t}}, nil
	})
}

// valueKey names one row of indicator_value.
type valueKey struct {
	Region, Indicator, Period, Vintage string
	Rollup                             bool
}

// hiddenValues are the rows of indicator_value whose value is not
// published: a numerator or denominator that counts persons (@persons) is
// a small cell.
func (c *Cache) hiddenValues(ctx context.Context) (map[valueKey]bool, error) {
	return cached(ctx, c, "hidden_values", "", func(ctx context.Context, _ []string) (map[string]map[valueKey]bool, error) {
		out := map[valueKey]bool{}
		rule, err := c.smallCells(ctx)
		if err != nil || !rule.On() {
			return map[string]map[valueKey]bool{"": out}, err
		}
		cat, err := defs.Catalogue()
		if err != nil {
			return nil, err
		}
		var nums, dens []string
		for _, ind := range cat {
			if ind.NumeratorPersons() {
				nums = append(nums, ind.Code)
			}
			if ind.DenominatorPersons() {
				dens = append(dens, ind.Code)
			}
		}
		err = query(ctx, c.db, "indicator_value", `
			SELECT region_code, indicator, period, vintage, is_rollup FROM indicator_value
			WHERE (list_contains($1, indicator) AND numerator > 0 AND numerator < $3)
			   OR (list_contains($2, indicator) AND denominator > 0 AND denominator < $3)`,
			func(rows *sql.Rows) error {
				var k valueKey
				if err := rows.Scan(&k.Region, &k.Indicator, &k.Period, &k.Vintage, &k.Rollup); err != nil {
					return err
				}
				out[k] = true
				return nil
			}, nums, dens, rule.Threshold)
		if err != nil {
			return nil, err
		}
		// A value derived from a hidden one (an age gap, the urban
		// concentration) is hidden too: with the other input shown, it
		// would give the hidden one back.
		deps := map[string][]string{}
		var derived []string
		for _, ind := range cat {
			if len(ind.DependsOn) > 0 {
				deps[ind.Code] = ind.DependsOn
				derived = append(derived, ind.Code)
			}
		}
		small := anyVintage(out)
		err = query(ctx, c.db, "indicator_value", `
			SELECT region_code, indicator, period, vintage, is_rollup FROM indicator_value WHERE list_contains($1, indicator)`,
			func(rows *sql.Rows) error {
				var k valueKey
				if err := rows.Scan(&k.Region, &k.Indicator, &k.Period, &k.Vintage, &k.Rollup); err != nil {
					return err
				}
				for _, d := range deps[k.Indicator] {
					if small[[3]string{k.Region, d, k.Period}] {
						out[k] = true
					}
				}
				return nil
			}, derived)
		return map[string]map[valueKey]bool{"": out}, err
	})
}

// anyVintage are the hidden values by region, indicator and period, in any
// vintage.
func anyVintage(hidden map[valueKey]bool) map[[3]string]bool {
	out := make(map[[3]string]bool, len(hidden))
	for k := range hidden {
		out[[3]string{k.Region, k.Indicator, k.Period}] = true
	}
	return out
}

// hidesAny reports whether a hidden value matches.
func hidesAny(hidden map[valueKey]bool, match func(valueKey) bool) bool {
	for k := range hidden {
		if match(k) {
			return true
		}
	}
	return false
}

// footnote says under a block what "<3" and "—" mean.
func footnote(r suppress.Rule, l Lang) string {
	if l == En {
		return r.NoteEn()
	}
	return r.Note()
}

// smallCellFootnote adds the footnote to a block of indicator values when
// a value of its indicators was hidden in its region or a region inside it.
func smallCellFootnote(ctx context.Context, c *Cache, spec ChartSpec, b *Block, l Lang) error {
	if len(spec.Indicators) == 0 || b.Empty != "" {
		return nil
	}
	hidden, err := c.hiddenValues(ctx)
	if err != nil || len(hidden) == 0 {
		return err
	}
	pre := b.Region.Prefix()
	if hidesAny(hidden, func(k valueKey) bool {
		return strings.HasPrefix(k.Region, pre) && slices.Contains(spec.Indicators, k.Indicator)
	}) {
		r, err := c.smallCells(ctx)
		if err != nil {
			return err
		}
		b.AddFootnote(footnote(r, l))
	}
	return nil
}
