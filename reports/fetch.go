package reports

import (
	"context"
	"database/sql"
	"fmt"
)

// The warehouse reads behind the charts, each for every region of a Cache
// in one query (see cache.go). Rows come back in the order the charts list
// them, so a chart only filters them.

// query runs one query and hands every row to scan.
func query(ctx context.Context, db *sql.DB, what, q string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// regionRow reads the current row of each region (nil: not in the table).
func (c *Cache) regionRow(ctx context.Context, code string) (*Region, error) {
	return cached(ctx, c, "region", code, func(ctx context.Context, codes []string) (map[string]*Region, error) {
		out := map[string]*Region{}
		err := query(ctx, c.db, "region", `SELECT code, name, level FROM region WHERE list_contains(?, code)
			QUALIFY row_number() OVER (PARTITION BY code ORDER BY valid_to DESC NULLS FIRST) = 1`,
			func(rows *sql.Rows) error {
				var r Region
				if err := rows.Scan(&r.Code, &r.Name, &r.Level); err != nil {
					return err
				}
				out[r.Code] = &r
				return nil
			}, codes)
		return out, err
	})
}

// catalogue is the whole indicator catalogue, by code.
func (c *Cache) catalogue(ctx context.Context) (map[string]indicatorInfo, error) {
	return cached(ctx, c, "catalogue", "", func(ctx context.Context, _ []string) (map[string]map[string]indicatorInfo, error) {
		cat := map[string]indicatorInfo{}
		cols, err := c.columns(ctx, "indicator")
		if err != nil {
			return nil, err
		}
		precision := "-1"
		if cols["precision"] {
			precision = "coalesce(precision, -1)"
		}
		err = query(ctx, c.db, "indicator catalogue", `SELECT code, coalesce(name_zh, ''), coalesce(name_en, ''), coalesce(unit, ''),
			coalesce(direction, ''), coalesce(source_tables, ''), `+precision+` FROM indicator`,
			func(rows *sql.Rows) error {
				var i indicatorInfo
				if err := rows.Scan(&i.Code, &i.NameZh, &i.NameEn, &i.Unit, &i.Direction, &i.SourceTables, &i.Precision); err != nil {
					return err
				}
				cat[i.Code] = i
				return nil
			})
		return map[string]map[string]indicatorInfo{"": cat}, err
	})
}

// regionTargets are the planning targets that apply to a region, earliest
// target year first (a level to keep, with no year, last). A region's own
// target applies, else the target set for every region ('*'), for each
// indicator and target year — as indicator_target_status picks them.
func (c *Cache) regionTargets(ctx context.Context, region string) ([]target, error) {
	return cached(ctx, c, "target", region, func(ctx context.Context, codes []string) (map[string][]target, error) {
		out := map[string][]target{}
		err := query(ctx, c.db, "targets", `SELECT r.code, t.indicator, coalesce(t.target_year, 0), t.target_value, t.binding,
			coalesce(t.source, ''), t.region_code = '*'
			FROM target t JOIN (SELECT unnest(?) AS code) r ON t.region_code = r.code OR t.region_code = '*'
			QUALIFY row_number() OVER (PARTITION BY r.code, t.indicator, t.target_year ORDER BY t.region_code = '*') = 1
			ORDER BY r.code, t.target_year NULLS LAST, t.indicator`,
			func(rows *sql.Rows) error {
				var r string
				var t target
				if err := rows.Scan(&r, &t.Indicator, &t.Year, &t.Value, &t.Binding, &t.Source, &t.Everywhere); err != nil {
					return err
				}
				out[r] = append(out[r], t)
				return nil
			}, codes)
		return out, err
	})
}

// valueRow is an indicator value of a region.
type valueRow struct {
	Indicator, Vintage string
	Year               sql.NullInt64
	Period             string
	Value              sql.NullFloat64
	Synthetic          bool
	// Rollup: summed from the region's sub-regions, as it has no rows of
	// its own for this indicator.
	Rollup bool
	// Status is the value's observation status; Newer marks a value newer
	// than the region's series, of another vintage (indicator_newer: a
	// first release beyond a revised series), drawn as a series of its own.
	Status string
	Newer  bool
}

// seriesView is where every chart reads indicator values: one vintage per
// indicator and region (the indicator's preferred one) and no partial
// roll-up, which is not the region's figure (see sql/schema/0004_series.sql).
const seriesView = "indicator_series"

// values are the indicator values of the region itself, by indicator,
// vintage, year and period: its series, one vintage per indicator.
func (c *Cache) values(ctx context.Context, region string) ([]valueRow, error) {
	return cached(ctx, c, "values", region, func(ctx context.Context, codes []string) (map[string][]valueRow, error) {
		out := map[string][]valueRow{}
		hidden, err := c.hiddenValues(ctx)
		if err != nil {
			return nil, err
		}
		err = query(ctx, c.db, seriesView, `SELECT region_code, indicator, vintage, year, period, value, is_synthetic, is_rollup,
			       coalesce(status, 'final'), newer
			FROM (SELECT *, false AS newer FROM `+seriesView+` UNION ALL SELECT *, true FROM indicator_newer)
			WHERE list_contains(?, region_code)
			ORDER BY region_code, indicator, newer, vintage, year, period`,
			func(rows *sql.Rows) error {
				var r string
				var v valueRow
				if err := rows.Scan(&r, &v.Indicator, &v.Vintage, &v.Year, &v.Period, &v.Value, &v.Synthetic, &v.Rollup, &v.Status, &v.Newer); err != nil {
					return err
				}
				if hidden[valueKey{r, v.Indicator, v.Period, v.Vintage, v.Rollup}] {
					v.Value = sql.NullFloat64{}
				}
				out[r] = append(out[r], v)
				return nil
			}, codes)
		return out, err
	})
}

// periodKey orders periods: a year sorts as its last day.
func periodKey(p string) string {
	if len(p) == 4 {
		return p + "-12-31"
	}
	return p
}

// latestOwnPeriod is the newest period with a value of indicator for the
// region itself ("" for none).
func (c *Cache) latestOwnPeriod(ctx context.Context, indicator, region string) (string, error) {
	vs, err := c.values(ctx, region)
	if err != nil {
		return "", err
	}
	best := ""
	for _, v := range vs {
		if v.Indicator == indicator && v.Value.Valid && (best == "" || periodKey(v.Period) > periodKey(best)) {
			best = v.Period
		}
	}
	return best, nil
}

// ownValue is the value of indicator for the region in period (of its one
// series); with valued set, only a value that is not null.
func (c *Cache) ownValue(ctx context.Context, indicator, region, period string, valued bool) (valueRow, bool, error) {
	vs, err := c.values(ctx, region)
	if err != nil {
		return valueRow{}, false, err
	}
	for _, v := range vs {
		if v.Indicator == indicator && v.Period == period && (v.Value.Valid || !valued) {
			return v, true, nil
		}
	}
	return valueRow{}, false, nil
}

// childValue is an indicator value of a region directly below another.
type childValue struct {
	Code, Name, Indicator, Period string
	Value                         float64
	Synthetic                     bool
}

// childValues are the (non-null) indicator values of the regions directly
// below region, each from its series, by indicator, value and code
// descending.
func (c *Cache) childValues(ctx context.Context, region string) ([]childValue, error) {
	return cached(ctx, c, "children", region, func(ctx context.Context, codes []string) (map[string][]childValue, error) {
		out := map[string][]childValue{}
		hidden, err := c.hiddenValues(ctx)
		if err != nil {
			return nil, err
		}
		hid := anyVintage(hidden)
		err = query(ctx, c.db, seriesView, `
			SELECT r.parent_code, r.code, r.name, iv.indicator, iv.period, iv.value, iv.is_synthetic
			FROM `+seriesView+` iv JOIN region r ON r.code = iv.region_code
			WHERE list_contains(?, r.parent_code) AND iv.value IS NOT NULL
			ORDER BY r.parent_code, iv.indicator, iv.value ASC, r.code DESC`,
			func(rows *sql.Rows) error {
				var p string
				var v childValue
				if err := rows.Scan(&p, &v.Code, &v.Name, &v.Indicator, &v.Period, &v.Value, &v.Synthetic); err != nil {
					return err
				}
				if hid[[3]string{v.Code, v.Indicator, v.Period}] {
					return nil
				}
				out[p] = append(out[p], v)
				return nil
			}, codes)
		return out, err
	})
}

// latestChildPeriod is the newest period of indicator for the regions
// directly below region ("" for none).
func (c *Cache) latestChildPeriod(ctx context.Context, indicator, region string) (string, error) {
	vs, err := c.childValues(ctx, region)
	if err != nil {
		return "", err
	}
	best := ""
	for _, v := range vs {
		if v.Indicator == indicator && (best == "" || periodKey(v.Period) > periodKey(best)) {
			best = v.Period
		}
	}
	return best, nil
}

// populationRow is a row of the population table.
type populationRow struct {
	Year          int
	Vintage       string
	Resident, Huk sql.NullFloat64
	Synthetic     bool
	Source, Date  string
	Status        string // observation status: final where the row has none
}

// population is the region's population rows by year and vintage, with the
// urbanisation rates as published or else computed.
func (c *Cache) population(ctx context.Context, region string) ([]populationRow, error) {
	return cached(ctx, c, "population", region, func(ctx context.Context, codes []string) (map[string][]populationRow, error) {
		out := map[string][]populationRow{}
		err := query(ctx, c.db, "population", `
			SELECT region_code, year, vintage,
			       coalesce(published_urban_rate_pct, 100 * urban_resident_pop / nullif(resident_pop, 0)),
			       coalesce(published_hukou_urban_rate_pct, 100 * urban_hukou_pop / nullif(hukou_pop, 0)),
			       is_synthetic, coalesce(source, ''), coalesce(CAST(reference_date AS VARCHAR), CAST(year AS VARCHAR)),
			       coalesce(status, 'final')
			FROM population
			WHERE list_contains(?, region_code)
			ORDER BY region_code, year, vintage`,
			func(rows *sql.Rows) error {
				var r string
				var p populationRow
				if err := rows.Scan(&r, &p.Year, &p.Vintage, &p.Resident, &p.Huk, &p.Synthetic, &p.Source, &p.Date, &p.Status); err != nil {
					return err
				}
				out[r] = append(out[r], p)
				return nil
			}, codes)
		return out, err
	})
}

// alertRow is a current alert with its indicator's names.
type alertRow struct {
	Code, RegionCode                                                    string
	NameZh, NameEn, Region, Period, Unit, Comparator, Severity, Message string
	Value, Threshold                                                    float64
	Synthetic                                                           bool
}

// alerts are the alerts of the region and every region inside it, most
// severe first.
func (c *Cache) alerts(ctx context.Context, region string) ([]alertRow, error) {
	return cached(ctx, c, "alerts", region, func(ctx context.Context, codes []string) (map[string][]alertRow, error) {
		out := map[string][]alertRow{}
		err := prefixQuery(ctx, c.db, "alert", codes, `
			SELECT left(a.region_code, {n}) AS prefix, a.indicator, a.region_code,
			       coalesce(i.name_zh, a.indicator), coalesce(i.name_en, i.name_zh, a.indicator), coalesce(r.name, a.region_code), a.period, a.value,
			       coalesce(i.unit, ''), a.comparator, a.threshold, a.severity, coalesce(a.message, ''), a.is_synthetic
			FROM alert a
			LEFT JOIN indicator i ON i.code = a.indicator
			LEFT JOIN region r ON r.code = a.region_code
			WHERE list_contains(?, left(a.region_code, {n}))
			ORDER BY prefix, CASE a.severity WHEN 'critical' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, a.region_code, a.indicator, a.period`,
			func(rows *sql.Rows, owner map[string]string) error {
				var p string
				var a alertRow
				if err := rows.Scan(&p, &a.Code, &a.RegionCode, &a.NameZh, &a.NameEn, &a.Region, &a.Period, &a.Value, &a.Unit, &a.Comparator,
					&a.Threshold, &a.Severity, &a.Message, &a.Synthetic); err != nil {
					return err
				}
				out[owner[p]] = append(out[owner[p]], a)
				return nil
			})
		return out, err
	})
}

// snapshot is the newest snapshot_date of table (organisation or
// party_member) inside the region ("" for none).
func (c *Cache) snapshot(ctx context.Context, table, region string) (string, error) {
	return cached(ctx, c, "snapshot:"+table, region, func(ctx context.Context, codes []string) (map[string]string, error) {
		out := map[string]string{}
		err := prefixQuery(ctx, c.db, table, codes, `
			SELECT left(region_code, {n}) AS prefix, CAST(max(snapshot_date) AS VARCHAR)
			FROM `+table+` WHERE list_contains(?, left(region_code, {n})) GROUP BY prefix`,
			func(rows *sql.Rows, owner map[string]string) error {
				var p string
				var d sql.NullString
				if err := rows.Scan(&p, &d); err != nil {
					return err
				}
				out[owner[p]] = d.String
				return nil
			})
		return out, err
	})
}

// countRow is a count of rows of a snapshot by two attributes.
type countRow struct {
	Snapshot, A, B string
	N              int
	Synthetic      bool
}

// counts counts the rows of a table inside the region by snapshot and two
// attributes (SQL expressions a and b), under a condition.
func (c *Cache) counts(ctx context.Context, key, table, a, b, cond, region string) ([]countRow, error) {
	return cached(ctx, c, key, region, func(ctx context.Context, codes []string) (map[string][]countRow, error) {
		out := map[string][]countRow{}
		err := prefixQuery(ctx, c.db, table, codes, `
			SELECT left(region_code, {n}) AS prefix, CAST(snapshot_date AS VARCHAR), `+a+`, `+b+`, count(*), bool_or(is_synthetic)
			FROM `+table+`
			WHERE list_contains(?, left(region_code, {n})) AND `+cond+`
			GROUP BY ALL`,
			func(rows *sql.Rows, owner map[string]string) error {
				var p string
				var r countRow
				if err := rows.Scan(&p, &r.Snapshot, &r.A, &r.B, &r.N, &r.Synthetic); err != nil {
					return err
				}
				out[owner[p]] = append(out[owner[p]], r)
				return nil
			})
		return out, err
	})
}

// mustEstablishRow is an organisation on the 应建未建 work list.
type mustEstablishRow struct {
	Region, Name, Kind, Employees string
	Members                       int
	Instructor, Synthetic         bool
	Total                         int
}

// mustEstablish is the work list of the region at its latest organisation
// snapshot: at most mustEstablishRows organisations, most members first,
// each row carrying the length of the whole list.
func (c *Cache) mustEstablish(ctx context.Context, region string) ([]mustEstablishRow, error) {
	return cached(ctx, c, "must_establish", region, func(ctx context.Context, codes []string) (map[string][]mustEstablishRow, error) {
		out := map[string][]mustEstablishRow{}
		err := prefixQuery(ctx, c.db, "organisation", codes, `
			WITH snap AS (
				SELECT left(region_code, {n}) AS prefix, max(snapshot_date) AS d
				FROM organisation WHERE list_contains($1, left(region_code, {n})) GROUP BY prefix
			)
			SELECT s.prefix, coalesce(r.name, o.region_code), coalesce(o.name, o.org_id), o.kind,
			       coalesce(CAST(o.employees AS VARCHAR), ''), o.formal_members, o.instructor_assigned, o.is_synthetic,
			       count(*) OVER (PARTITION BY s.prefix) AS total
			FROM organisation o
			JOIN snap s ON s.prefix = left(o.region_code, {n}) AND o.snapshot_date = s.d
			LEFT JOIN region r ON r.code = o.region_code
			WHERE o.in_scope AND o.formal_members >= 3 AND o.party_org_mode = 'none'
			QUALIFY row_number() OVER (PARTITION BY s.prefix ORDER BY o.formal_members DESC, o.region_code, o.org_id) <= `+fmt.Sprint(mustEstablishRows)+`
			ORDER BY s.prefix, o.formal_members DESC, o.region_code, o.org_id`,
			func(rows *sql.Rows, owner map[string]string) error {
				var p string
				var m mustEstablishRow
				if err := rows.Scan(&p, &m.Region, &m.Name, &m.Kind, &m.Employees, &m.Members, &m.Instructor, &m.Synthetic, &m.Total); err != nil {
					return err
				}
				out[owner[p]] = append(out[owner[p]], m)
				return nil
			})
		return out, err
	})
}

// latestCounts is counts restricted to the region's latest snapshot of
// table, with that snapshot's date: no rows when the table has none for the
// region.
func (c *Cache) latestCounts(ctx context.Context, key, table, a, b, cond, region string) (string, []countRow, error) {
	snap, err := c.snapshot(ctx, table, region)
	if err != nil || snap == "" {
		return "", nil, err
	}
	rs, err := c.counts(ctx, key, table, a, b, cond, region)
	if err != nil {
		return "", nil, err
	}
	var out []countRow
	for _, r := range rs {
		if r.Snapshot == snap {
			out = append(out, r)
		}
	}
	return snap, out, nil
}

// crossTab sums count rows by their two attributes: counts[A][B], the total
// per A, and whether any row is synthetic.
func crossTab(rs []countRow) (counts map[string]map[string]int, totals map[string]int, synthetic bool) {
	counts, totals = map[string]map[string]int{}, map[string]int{}
	for _, r := range rs {
		if counts[r.A] == nil {
			counts[r.A] = map[string]int{}
		}
		counts[r.A][r.B] += r.N
		totals[r.A] += r.N
		synthetic = synthetic || r.Synthetic
	}
	return counts, totals, synthetic
}

// ordered lists the keys of m: those of order first, in its order, then any
// others alphabetically.
func ordered[V any](m map[string]V, order []string) []string {
	var ks []string
	known := map[string]bool{}
	for _, k := range order {
		known[k] = true
		if _, ok := m[k]; ok {
			ks = append(ks, k)
		}
	}
	for _, k := range sortedKeys(m) {
		if !known[k] {
			ks = append(ks, k)
		}
	}
	return ks
}
