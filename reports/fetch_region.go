package reports

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The warehouse reads behind the region pages: each reads its table once
// for every region of the site (a whole country is some 3,300 pages).

// columns are the column names of a table or view, read once per cache: a
// page reads the newer columns where the warehouse has them.
func (c *Cache) columns(ctx context.Context, table string) (map[string]bool, error) {
	return cached(ctx, c, "columns:"+table, "", func(ctx context.Context, _ []string) (map[string]map[string]bool, error) {
		cols := map[string]bool{}
		err := query(ctx, c.db, table, `SELECT column_name FROM information_schema.columns WHERE table_name = ?`,
			func(rows *sql.Rows) error {
				var n string
				if err := rows.Scan(&n); err != nil {
					return err
				}
				cols[n] = true
				return nil
			}, table)
		return map[string]map[string]bool{"": cols}, err
	})
}

// figure is one row of indicator_value, as a region page shows it: the
// region's own figure, or a roll-up of the regions below it — complete, or
// partial (not the region's figure), or computed beside the region's own
// figure (shown next to it, never instead of it).
type figure struct {
	Indicator, Period, Vintage, Unit, Flags string
	Year                                    sql.NullInt64
	Value                                   sql.NullFloat64
	Rollup, Synthetic                       bool
	// BesideOwn: a roll-up of a region that has its own figure for the
	// same indicator, period and vintage.
	BesideOwn bool
	// InSeries: the row is the region's figure (indicator_series).
	InSeries bool
	// Status is the value's observation status (final where none).
	Status string
	// Reported and Expected count, on a roll-up, the sub-regions that
	// contributed and those the region has (0 where the warehouse does
	// not say).
	Reported, Expected int
}

// Partial reports whether the row is a roll-up of only some sub-regions.
func (f figure) Partial() bool { return strings.HasPrefix(f.Flags, "partial:") }

var partialRE = regexp.MustCompile(`^partial: (\d+) of (\d+) sub-regions`)

// regionFigs are the indicator values of one region, with the row of its
// series and its partial roll-up of each indicator and period at hand.
type regionFigs struct {
	all     []figure
	series  map[figKey]int // index in all
	partial map[figKey]int
}

type figKey struct{ indicator, period string }

// regionFigures are every indicator value of every region, by region code,
// in order of indicator, period and own figure before roll-up.
func (c *Cache) regionFigures(ctx context.Context) (map[string]*regionFigs, error) {
	cols, err := c.columns(ctx, "indicator_value")
	if err != nil {
		return nil, err
	}
	col := func(name, absent string) string {
		if cols[name] {
			return "iv." + name
		}
		return absent
	}
	q := fmt.Sprintf(`
		SELECT iv.region_code, iv.indicator, iv.period, iv.year, iv.vintage, coalesce(iv.unit, ''), iv.flags, iv.value,
		       iv.is_rollup, iv.is_synthetic, coalesce(%s, false), coalesce(%s, 0), coalesce(%s, 0),
		       s.region_code IS NOT NULL, coalesce(%s, 'final')
		FROM indicator_value iv
		LEFT JOIN %s s ON s.indicator = iv.indicator AND s.region_code = iv.region_code AND s.period = iv.period
		     AND s.vintage = iv.vintage AND s.is_rollup = iv.is_rollup
		ORDER BY iv.region_code, iv.indicator, iv.period, iv.is_rollup, iv.vintage`,
		col("beside_own", "false"), col("reported", "NULL"), col("expected", "NULL"), col("status", "NULL"), seriesView)
	return cached(ctx, c, "region_figures", "", func(ctx context.Context, _ []string) (map[string]map[string]*regionFigs, error) {
		out := map[string]*regionFigs{}
		hidden, err := c.hiddenValues(ctx)
		if err != nil {
			return nil, err
		}
		err = query(ctx, c.db, "indicator_value", q, func(rows *sql.Rows) error {
			var r string
			var f figure
			var reported, expected int64
			if err := rows.Scan(&r, &f.Indicator, &f.Period, &f.Year, &f.Vintage, &f.Unit, &f.Flags, &f.Value,
				&f.Rollup, &f.Synthetic, &f.BesideOwn, &reported, &expected, &f.InSeries, &f.Status); err != nil {
				return err
			}
			f.Reported, f.Expected = int(reported), int(expected)
			if hidden[valueKey{r, f.Indicator, f.Period, f.Vintage, f.Rollup}] {
				f.Value = sql.NullFloat64{}
			}
			if m := partialRE.FindStringSubmatch(f.Flags); m != nil && f.Expected == 0 {
				f.Reported, _ = strconv.Atoi(m[1])
				f.Expected, _ = strconv.Atoi(m[2])
			}
			rf := out[r]
			if rf == nil {
				rf = &regionFigs{series: map[figKey]int{}, partial: map[figKey]int{}}
				out[r] = rf
			}
			k := figKey{f.Indicator, f.Period}
			if _, ok := rf.series[k]; !ok && f.InSeries && f.Value.Valid {
				rf.series[k] = len(rf.all)
			}
			if _, ok := rf.partial[k]; !ok && f.Partial() && f.Value.Valid {
				rf.partial[k] = len(rf.all)
			}
			rf.all = append(rf.all, f)
			return nil
		})
		return map[string]map[string]*regionFigs{"": out}, err
	})
}

// figs are the indicator values of one region (nil for none).
func (c *Cache) figs(ctx context.Context, region string) (*regionFigs, error) {
	all, err := c.regionFigures(ctx)
	if err != nil {
		return nil, err
	}
	return all[region], nil
}

// figuresOf are the indicator values of one region.
func (c *Cache) figuresOf(ctx context.Context, region string) ([]figure, error) {
	rf, err := c.figs(ctx, region)
	if err != nil || rf == nil {
		return nil, err
	}
	return rf.all, nil
}

// seriesFigure is the region's figure for indicator in period (the row of
// its series), if it has one with a value.
func (c *Cache) seriesFigure(ctx context.Context, region, indicator, period string) (figure, bool, error) {
	rf, err := c.figs(ctx, region)
	if err != nil || rf == nil {
		return figure{}, false, err
	}
	if i, ok := rf.series[figKey{indicator, period}]; ok {
		return rf.all[i], true, nil
	}
	return figure{}, false, nil
}

// partialFigure is a partial roll-up of indicator in period for a region
// that has no figure of its own for it, if there is one.
func (c *Cache) partialFigure(ctx context.Context, region, indicator, period string) (figure, bool, error) {
	rf, err := c.figs(ctx, region)
	if err != nil || rf == nil {
		return figure{}, false, err
	}
	if i, ok := rf.partial[figKey{indicator, period}]; ok {
		return rf.all[i], true, nil
	}
	return figure{}, false, nil
}

// censusRow is a row of census_population.
type censusRow struct {
	Year                                           int
	Date, Source                                   string
	Resident, Urban, Rural, Male, Female, Househld sql.NullFloat64
	Synthetic                                      bool
}

// census are the census rows of every region, by region code and year.
func (c *Cache) census(ctx context.Context, region string) ([]censusRow, error) {
	cols, err := c.columns(ctx, "census_population")
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, nil // a warehouse without census figures
	}
	synth := "false"
	if cols["is_synthetic"] {
		synth = "coalesce(is_synthetic, false)"
	}
	return cached(ctx, c, "census", region, func(ctx context.Context, codes []string) (map[string][]censusRow, error) {
		out := map[string][]censusRow{}
		err := query(ctx, c.db, "census_population", `
			SELECT region_code, year, coalesce(CAST(reference_date AS VARCHAR), CAST(year AS VARCHAR)), coalesce(source, ''),
			       resident_pop, urban_resident_pop, rural_resident_pop, male_pop, female_pop, households, `+synth+`
			FROM census_population WHERE list_contains(?, region_code)
			ORDER BY region_code, year, vintage`,
			func(rows *sql.Rows) error {
				var r string
				var x censusRow
				if err := rows.Scan(&r, &x.Year, &x.Date, &x.Source, &x.Resident, &x.Urban, &x.Rural, &x.Male, &x.Female, &x.Househld, &x.Synthetic); err != nil {
					return err
				}
				out[r] = append(out[r], x)
				return nil
			}, codes)
		return out, err
	})
}

// ageRow is the census population of one sex in one age band.
type ageRow struct {
	Year      int
	Date      string
	Male      bool
	From      int
	To        sql.NullInt64 // NULL: the open top band
	Persons   float64
	Synthetic bool
}

// censusAges are the census population by age and sex of every region, by
// region code.
func (c *Cache) censusAges(ctx context.Context, region string) ([]ageRow, error) {
	cols, err := c.columns(ctx, "census_population_age")
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, nil // a warehouse without census figures
	}
	synth := "false"
	if cols["is_synthetic"] {
		synth = "coalesce(is_synthetic, false)"
	}
	return cached(ctx, c, "census_age", region, func(ctx context.Context, codes []string) (map[string][]ageRow, error) {
		out := map[string][]ageRow{}
		err := query(ctx, c.db, "census_population_age", `
			SELECT region_code, year, coalesce(CAST(reference_date AS VARCHAR), CAST(year AS VARCHAR)), sex = 'male',
			       age_from, age_to, persons, `+synth+`
			FROM census_population_age WHERE list_contains(?, region_code) AND sex IN ('male', 'female')
			ORDER BY region_code, year, age_from`,
			func(rows *sql.Rows) error {
				var r string
				var a ageRow
				if err := rows.Scan(&r, &a.Year, &a.Date, &a.Male, &a.From, &a.To, &a.Persons, &a.Synthetic); err != nil {
					return err
				}
				out[r] = append(out[r], a)
				return nil
			}, codes)
		return out, err
	})
}

// reportedPackage is a row of reported_package: a package a region below
// the warehouse's home reported up, for one year.
type reportedPackage struct {
	Region, Producer  string
	Year              int
	Created, Imported time.Time
	Synthetic         bool
}

// packagesIn are the packages imported into the warehouse, by package
// region and year, and its home region: read once per cache. A warehouse
// older than reporting up has neither.
func (c *Cache) packagesIn(ctx context.Context) (home string, pkgs []reportedPackage, err error) {
	type in struct {
		home string
		pkgs []reportedPackage
	}
	v, err := cached(ctx, c, "reported_package", "", func(ctx context.Context, _ []string) (map[string]in, error) {
		cols, err := c.columns(ctx, "reported_package")
		if err != nil || len(cols) == 0 {
			return nil, err
		}
		var r in
		err = query(ctx, c.db, "_setting", `SELECT coalesce(max(value), '') FROM _setting WHERE key = 'home_region'`,
			func(rows *sql.Rows) error { return rows.Scan(&r.home) })
		if err != nil {
			return nil, err
		}
		if r.home == "" {
			r.home = CountryCode
		}
		err = query(ctx, c.db, "reported_package", `SELECT package_region, year, producer, created_at, imported_at, is_synthetic
			FROM reported_package ORDER BY package_region, year`,
			func(rows *sql.Rows) error {
				var p reportedPackage
				if err := rows.Scan(&p.Region, &p.Year, &p.Producer, &p.Created, &p.Imported, &p.Synthetic); err != nil {
					return err
				}
				r.pkgs = append(r.pkgs, p)
				return nil
			})
		return map[string]in{"": r}, err
	})
	return v.home, v.pkgs, err
}
