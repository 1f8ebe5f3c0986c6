package indicators

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"grassroots/sql/sqlfile"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"grassroots/sql/warehouse"
)

// Options tune a computation.
type Options struct {
	// RunID makes the computation part of a run already begun (a pipeline run
	// that loaded the data); zero records a run of its own named "indicators".
	RunID int64
	// Trigger names who started a run Compute records itself (cli, schedule,
	// demo); default cli.
	Trigger string
}

// IndicatorStats tell what the computation of one indicator wrote.
type IndicatorStats struct {
	Code     string
	Values   int64 // rows written, roll-ups included
	Rollups  int64 // rows summed up from child regions
	Duration time.Duration
}

// Stats tell what a computation did.
type Stats struct {
	RunID      int64
	Indicators []IndicatorStats
	Values     int64
	Rollups    int64
	Alerts     int64 // alerts raised by the computed indicators
	// Profile is the time spent reducing party_member to member_profile
	// (zero when no member indicator was computed).
	Profile  time.Duration
	Duration time.Duration
}

// Compute computes the indicators named by codes (all when none), and every
// indicator derived from them, in one write transaction: their rows of
// indicator_value are replaced, the catalogue rows refreshed, and their alerts
// re-evaluated. See ComputeWith.
func Compute(ctx context.Context, w *warehouse.Warehouse, codes ...string) (Stats, error) {
	return ComputeWith(ctx, w, Options{}, codes...)
}

// ComputeWith is Compute with options. On error nothing is changed.
func ComputeWith(ctx context.Context, w *warehouse.Warehouse, o Options, codes ...string) (Stats, error) {
	sel, err := Select(codes...)
	if err != nil {
		return Stats{}, err
	}
	cat, err := Catalogue()
	if err != nil {
		return Stats{}, err
	}
	return compute(ctx, w, o, cat, sel)
}

// compute computes the definitions sel, writing the catalogue rows of cat.
func compute(ctx context.Context, w *warehouse.Warehouse, o Options, cat, sel []*Indicator) (Stats, error) {
	start := time.Now()
	var st Stats
	own := o.RunID == 0
	if own {
		id, err := w.BeginRun(ctx, warehouse.RunInfo{Pipeline: "indicators", Trigger: o.Trigger,
			Input: strings.Join(codeList(sel), ",")})
		if err != nil {
			return st, err
		}
		o.RunID = id
	}
	st.RunID = o.RunID
	defer w.LimitMemory(ctx, warehouse.ComputeMemory)()
	home, err := w.Home(ctx)
	if err != nil {
		return st, err
	}
	closure, drop, err := buildClosure(ctx, w)
	if err != nil {
		return st, err
	}
	defer drop()
	err = w.Update(ctx, func(ctx context.Context, tx *warehouse.Tx) error {
		st.Indicators, st.Values, st.Rollups, st.Alerts = nil, 0, 0, 0
		if err := writeCatalogue(ctx, tx, cat); err != nil {
			return err
		}
		for _, ind := range sel {
			if ind.Reads("party_member") {
				t := time.Now()
				if err := RefreshMemberProfile(ctx, tx, o.RunID); err != nil {
					return err
				}
				st.Profile = time.Since(t)
				break
			}
		}
		list := sqlList(codeList(sel))
		if _, err := tx.Supersede(ctx, "indicator_value", o.RunID, "indicator IN ("+list+")"); err != nil {
			return fmt.Errorf("indicators: clear values: %w", err)
		}
		values, err := tx.Table(ctx, "indicator_value", o.RunID)
		if err != nil {
			return err
		}
		for _, ind := range sel {
			is, err := computeOne(ctx, tx, ind, closure, home, o.RunID, values)
			if err != nil {
				return err
			}
			st.Indicators = append(st.Indicators, is)
			st.Values += is.Values
		}
		if err := checkValues(ctx, tx, sel, list, &st); err != nil {
			return err
		}
		n, err := refreshAlerts(ctx, tx, list, o.RunID)
		st.Alerts = n
		return err
	})
	st.Duration = time.Since(start)
	if own {
		res := warehouse.RunResult{Status: warehouse.StatusSucceeded, RowsRead: st.Values, RowsLoaded: st.Values}
		if err != nil {
			res = warehouse.RunResult{Status: warehouse.StatusFailed, Err: err}
		}
		if ferr := w.FinishRun(context.WithoutCancel(ctx), o.RunID, res); ferr != nil && err == nil {
			err = ferr
		}
	}
	return st, err
}

// Select returns the definitions named by codes plus every indicator derived
// from them, in computation order; all definitions when codes is empty.
func Select(codes ...string) ([]*Indicator, error) {
	cat, err := Catalogue()
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		return cat, nil
	}
	want := map[string]bool{}
	for _, c := range codes {
		if _, err := Lookup(c); err != nil {
			return nil, err
		}
		want[c] = true
	}
	// cat is in dependency order, so one pass adds every dependent.
	var out []*Indicator
	for _, ind := range cat {
		if !want[ind.Code] {
			for _, d := range ind.DependsOn {
				if want[d] {
					want[ind.Code] = true
					break
				}
			}
		}
		if want[ind.Code] {
			out = append(out, ind)
		}
	}
	return out, nil
}

func codeList(sel []*Indicator) []string {
	var cs []string
	for _, ind := range sel {
		cs = append(cs, ind.Code)
	}
	return cs
}

func sqlList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}

// writeCatalogue writes the catalogue rows of cat in one statement (one
// round trip, not one per indicator: it is part of every computation).
func writeCatalogue(ctx context.Context, tx *warehouse.Tx, cat []*Indicator) error {
	if len(cat) == 0 {
		return nil
	}
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	rows := make([]string, 0, len(cat))
	args := make([]any, 0, 17*len(cat))
	for _, ind := range cat {
		def := ind.Numerator
		if ind.Denominator != "" {
			def += " ÷ " + ind.Denominator
		}
		rows = append(rows, row)
		args = append(args, ind.Code, ind.NameZh, ind.NameEn, ind.Unit, ind.Direction, ind.Scale, ind.Aggregation,
			ind.Numerator, nullable(ind.Denominator), strings.Join(ind.SourceTables, ", "), nullable(ind.Notes),
			def, nullable(ind.Weight), ind.Period, nullable(strings.Join(ind.Vintages, ",")),
			nullable(strings.Join(ind.DependsOn, ", ")), ind.Precision)
	}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO indicator (code, name_zh, name_en, unit, direction, scale,
		aggregation, numerator, denominator, source_tables, notes, definition, weight, period_kind, vintages, depends_on, precision)
		VALUES `+strings.Join(rows, ",\n\t\t"), args...)
	if err != nil {
		return fmt.Errorf("indicators: catalogue: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// RefreshMemberProfile rebuilds member_profile from party_member inside tx:
// one scan of the member records, reduced to counts by region, snapshot and
// the attributes the member indicators use, for all members and (the rural_
// columns) for rural members alone.
func RefreshMemberProfile(ctx context.Context, tx *warehouse.Tx, run int64) error {
	if _, err := tx.Supersede(ctx, "member_profile", run, ""); err != nil {
		return fmt.Errorf("indicators: member_profile: %w", err)
	}
	table, err := tx.Table(ctx, "member_profile", run)
	if err != nil {
		return fmt.Errorf("indicators: member_profile: %w", err)
	}
	// Age bands compare the birth month with the snapshot date moved back
	// by whole years: exact completed years, and cheaper than date_diff.
	// The rural counts are filters of the same aggregation, not a second
	// pass over party_member. Ages are summed as whole days, exact in any
	// order, and turned into years once: a parallel sum of per-member years
	// (doubles) differs in its last bits from run to run.
	_, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (region_code, as_of_date, year, is_synthetic, status, run_id,
		       members, aged_members, age_sum, age_le35, age_ge55, age_ge61,
		       edu_known, edu_junior_or_below, edu_college_plus, floating, in_service, in_service_reported,
		       rural_members, rural_aged_members, rural_age_ge55, rural_edu_known, rural_edu_junior_or_below)
		SELECT region_code, snapshot_date, year(snapshot_date), is_synthetic, status, ?::BIGINT,
		       count(*), count(birth_month), sum(snapshot_date - birth_month) / 365.2425,
		       count(*) FILTER (birth_month > snapshot_date - INTERVAL 36 YEAR),
		       count(*) FILTER (birth_month <= snapshot_date - INTERVAL 55 YEAR),
		       count(*) FILTER (birth_month <= snapshot_date - INTERVAL 61 YEAR),
		       count(education),
		       count(*) FILTER (education IN ('primary_or_below', 'junior_high')),
		       count(*) FILTER (education IN ('college', 'bachelor', 'postgraduate')),
		       count(*) FILTER (floating), count(*) FILTER (in_service),
		       count(*) FILTER (in_service AND reported_to_community),
		       count(*) FILTER (category = 'rural'),
		       count(birth_month) FILTER (category = 'rural'),
		       count(*) FILTER (category = 'rural' AND birth_month <= snapshot_date - INTERVAL 55 YEAR),
		       count(education) FILTER (category = 'rural'),
		       count(*) FILTER (category = 'rural' AND education IN ('primary_or_below', 'junior_high'))
		FROM party_member
		GROUP BY region_code, snapshot_date, is_synthetic, status`, run)
	if err != nil {
		return fmt.Errorf("indicators: member_profile: %w", err)
	}
	return nil
}

// outputColumns are the columns a query may return; the first four are required.
// partial is true where an input of a derived indicator (one with
// @depends_on) was a partial roll-up; such a query must return it.
// status is the observation status of the row (observation_status.code):
// the weakest of the figures it was computed from (weakest_status() over
// the rows a query sums, weaker_status(a, b) for two); without it a row is
// final, or synthetic where is_synthetic.
var outputColumns = []string{"region_code", "period", "numerator", "denominator", "year", "vintage", "flags", "is_synthetic", "partial", "status"}

// CheckColumns checks the column names a query returns: the four required,
// only known ones, none twice.
func CheckColumns(cols []string) error {
	if problems := sqlfile.CheckColumns(cols, outputColumns, outputColumns[:4], "a query"); len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// describe returns the output columns of ind's query.
func describe(ctx context.Context, tx *warehouse.Tx, ind *Indicator) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE "+source(ind)+"\n)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// Columns runs DESCRIBE on ind's query inside tx and checks its columns.
func Columns(ctx context.Context, tx *warehouse.Tx, ind *Indicator) ([]string, error) {
	cols, err := describe(ctx, tx, ind)
	if err != nil {
		return nil, fmt.Errorf("indicators: %s: %w", ind.Path, err)
	}
	if err := CheckColumns(cols); err != nil {
		return cols, fmt.Errorf("indicators: %s: %w", ind.Path, err)
	}
	if len(ind.DependsOn) > 0 && !slices.Contains(cols, "partial") {
		return cols, fmt.Errorf("indicators: %s: the query returns no partial column: an indicator with @depends_on returns partial, true where any input it used is partial (indicator_input.partial)", ind.Path)
	}
	return cols, nil
}

// computeOne inserts ind's values into table (indicator_value's, as
// tx.Table names it for the run).
func computeOne(ctx context.Context, tx *warehouse.Tx, ind *Indicator, closure, home string, runID int64, table string) (IndicatorStats, error) {
	start := time.Now()
	is := IndicatorStats{Code: ind.Code}
	cols, ok := columnCache.Load(source(ind))
	if !ok {
		c, err := Columns(ctx, tx, ind)
		if err != nil {
			return is, err
		}
		cols = c
		columnCache.Store(source(ind), c)
	}
	res, err := tx.ExecContext(ctx, insertSQL(ind, cols.([]string), closure, home, runID, table))
	if err != nil {
		return is, fmt.Errorf("indicators: %s: %w", ind.Path, err)
	}
	is.Values, _ = res.RowsAffected()
	is.Duration = time.Since(start)
	return is, nil
}

// inputRelation is the relation a derived indicator reads its inputs from:
// the rows of indicator_value of the indicators it depends on, with partial
// (a roll-up summed from only some sub-regions, or a value derived from one)
// and vintage_rank (the vintage's place in the input's declared preference,
// 1 first, 1000 when not listed).
func inputRelation(ind *Indicator) string {
	rank := "1000"
	if cases := vintageRanks(ind.DependsOn); cases != "" {
		rank = "CASE iv.indicator " + cases + " ELSE 1000 END"
	}
	return `indicator_input AS (
	SELECT iv.*, iv.flags LIKE 'partial:%' AS partial, ` + rank + ` AS vintage_rank
	FROM indicator_value iv WHERE iv.indicator IN (` + sqlList(ind.DependsOn) + `) AND NOT iv.beside_own
)`
}

func vintageRanks(codes []string) string {
	var b strings.Builder
	for _, c := range codes {
		dep, err := Lookup(c)
		if err != nil || len(dep.Vintages) == 0 {
			continue
		}
		fmt.Fprintf(&b, "WHEN %s THEN coalesce(list_position([%s], iv.vintage), 1000) ",
			sqlList([]string{c}), sqlList(dep.Vintages))
	}
	return b.String()
}

// source is ind's query as it runs: a derived indicator's with its input
// relation in front.
func source(ind *Indicator) string {
	if len(ind.DependsOn) == 0 {
		return ind.Query
	}
	return "WITH " + inputRelation(ind) + "\nSELECT * FROM (\n" + ind.Query + "\n)"
}

// partialInputs flags a derived value computed from a partial roll-up.
const partialInputs = "partial: computed from partial roll-ups"

// columnCache holds the output columns of each query text already described.
var columnCache sync.Map

// checkValues fills in the roll-up counts and fails if a query returned more
// than one row for a region, period and vintage.
func checkValues(ctx context.Context, tx *warehouse.Tx, sel []*Indicator, list string, st *Stats) error {
	rows, err := tx.QueryContext(ctx, `SELECT indicator, count(*) FILTER (is_rollup) FROM indicator_value
		WHERE indicator IN (`+list+`) GROUP BY indicator`)
	if err != nil {
		return fmt.Errorf("indicators: %w", err)
	}
	rollups := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			rows.Close()
			return err
		}
		rollups[code] = n
	}
	rows.Close()
	st.Rollups = 0
	for i := range st.Indicators {
		st.Indicators[i].Rollups = rollups[st.Indicators[i].Code]
		st.Rollups += rollups[st.Indicators[i].Code]
	}
	row, err := tx.QueryRowContext(ctx, `SELECT indicator, n, region_code, period, vintage
		FROM (SELECT indicator, region_code, period, vintage, count(*) AS n FROM indicator_value
		      WHERE indicator IN (`+list+`) AND NOT is_rollup GROUP BY ALL HAVING count(*) > 1)
		ORDER BY ALL LIMIT 1`)
	if err != nil {
		return err
	}
	var code, region, period, vintage string
	var n int64
	switch err := row.Scan(&code, &n, &region, &period, &vintage); {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("indicators: %w", err)
	}
	path := code + ".sql"
	for _, ind := range sel {
		if ind.Code == code {
			path = ind.Path
		}
	}
	return fmt.Errorf("indicators: %s (%s): the query returned %d rows for region %s, period %s, vintage %q; it must return one row per region, period and vintage",
		code, path, n, region, period, vintage)
}

// insertSQL builds the statement that evaluates ind's query, rolls it up and
// writes indicator_value.
func insertSQL(ind *Indicator, cols []string, closure, home string, runID int64, table string) string {
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	pick := func(col, expr, dflt string) string {
		if has[col] {
			return expr
		}
		return dflt
	}
	scale := strconv.FormatFloat(ind.Scale, 'g', -1, 64)
	// A row is synthetic when it says so either way: is_synthetic, or the
	// status synthetic (a pipeline may set only the status).
	synthetic := pick("is_synthetic", "coalesce(CAST(is_synthetic AS BOOLEAN), false)", "false")
	if has["status"] {
		synthetic = "(" + synthetic + " OR coalesce(CAST(status AS VARCHAR) = 'synthetic', false))"
	}
	flags := pick("flags", "coalesce(CAST(flags AS VARCHAR), '')", "''")
	if has["partial"] {
		// The partial mark leads, so that everything that leaves partial
		// values out (indicator_series, alerts) leaves these out too.
		flags = "CASE WHEN coalesce(CAST(partial AS BOOLEAN), false) THEN concat_ws('; ', '" + partialInputs + "', nullif(" +
			flags + ", '')) ELSE " + flags + " END"
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + table + ` (indicator, region_code, period, year, vintage, numerator, denominator,
	value, unit, flags, is_rollup, is_synthetic, status, reported, expected, beside_own, computed_at, run_id)
WITH `)
	if len(ind.DependsOn) > 0 {
		b.WriteString(inputRelation(ind) + ", ")
	}
	b.WriteString(`q AS (
`)
	b.WriteString(ind.Query)
	fmt.Fprintf(&b, `
), base AS MATERIALIZED (
	SELECT CAST(region_code AS VARCHAR) AS region_code, CAST(period AS VARCHAR) AS period,
	       %s AS year, %s AS vintage,
	       CAST(numerator AS DOUBLE) AS numerator, CAST(denominator AS DOUBLE) AS denominator,
	       %s AS flags, %s AS is_synthetic, %s AS status
	FROM q WHERE region_code IS NOT NULL AND period IS NOT NULL%s
)`,
		pick("year", "CAST(year AS INTEGER)", "TRY_CAST(left(CAST(period AS VARCHAR), 4) AS INTEGER)"),
		pick("vintage", "coalesce(CAST(vintage AS VARCHAR), '')", "''"),
		flags,
		synthetic,
		"weaker_status("+pick("status", "CAST(status AS VARCHAR)", "NULL")+", CASE WHEN "+synthetic+" THEN 'synthetic' END)",
		reportedRows(ind, pick("vintage", "coalesce(CAST(q.vintage AS VARCHAR), '')", "''")))

	if ind.Aggregation == None {
		b.WriteString(`, allrows AS (SELECT *, false AS is_rollup, NULL::INTEGER AS reported, NULL::INTEGER AS expected, false AS beside_own FROM base)`)
	} else {
		denOK := "u.denominator IS NOT NULL"
		if ind.Aggregation == Sum {
			denOK = "true"
		}
		fmt.Fprintf(&b, `, ub AS (
	SELECT b.*, a.ancestor, a.depth, a.child, a.children
	FROM base b JOIN `+closure+` a ON a.code = b.region_code AND a.depth > 0
	WHERE b.flags NOT LIKE '%%published%%' AND b.numerator IS NOT NULL
), cut AS (
	SELECT u.region_code, u.period, u.vintage, min(u.depth) AS d
	FROM ub u JOIN base c ON c.region_code = u.ancestor AND c.period = u.period AND c.vintage = u.vintage
	GROUP BY ALL
), uc AS MATERIALIZED (
	-- each value goes up to the first region with a figure of its own (and
	-- into the sum beside that figure), no further: above it, that figure
	-- is what counts
	SELECT u.* FROM ub u LEFT JOIN cut USING (region_code, period, vintage)
	WHERE cut.d IS NULL OR u.depth <= cut.d
), roll0 AS (
	SELECT u.ancestor AS region_code, u.period, min(u.year) AS year, u.vintage,
	       -- in a fixed order: a parallel sum of doubles differs in its last
	       -- bits from run to run, and a re-run must give the same warehouse
	       sum(u.numerator ORDER BY u.region_code) AS numerator, sum(u.denominator ORDER BY u.region_code) AS denominator,
	       count(DISTINCT u.child) AS contributing, max(u.children) AS children, bool_or(u.is_synthetic) AS is_synthetic,
	       weakest_status(u.status) AS status
	FROM uc u
	WHERE %s
	  -- synthetic figures go no higher than the warehouse's home region, and
	  -- never into the country (see syntheticLevel)
	  AND NOT (u.is_synthetic AND u.ancestor IN (SELECT ancestor FROM `+closure+` WHERE code = %s AND depth > 0
	                                             UNION ALL SELECT code FROM region WHERE level < %d))
	GROUP BY u.ancestor, u.period, u.vintage
), below AS (
	-- a roll-up is partial too where a region between it and the data is
	SELECT u.ancestor, u.period, u.vintage, bool_or(r.contributing < r.children) AS partial
	FROM uc u
	JOIN uc v ON v.region_code = u.region_code AND v.period = u.period AND v.vintage = u.vintage AND v.depth < u.depth
	JOIN roll0 r ON r.region_code = v.ancestor AND r.period = u.period AND r.vintage = u.vintage
	GROUP BY ALL
), roll AS (
	SELECT r.region_code, r.period, r.year, r.vintage, r.numerator, r.denominator,
	       CASE WHEN r.contributing < r.children THEN 'partial: ' || r.contributing || ' of ' || r.children || ' sub-regions'
	            WHEN b.partial THEN 'partial: sub-regions missing further down' ELSE '' END AS flags,
	       r.is_synthetic, r.status, true AS is_rollup,
	       CAST(r.contributing AS INTEGER) AS reported, CAST(r.children AS INTEGER) AS expected,
	       -- the region has a figure of its own: the sum of its children
	       -- stands beside it, never instead of it
	       EXISTS (SELECT 1 FROM base o WHERE o.region_code = r.region_code AND o.period = r.period
	               AND o.vintage = r.vintage
	               AND (o.denominator IS DISTINCT FROM 0 OR coalesce(o.numerator, 0) <> 0)) AS beside_own
	FROM roll0 r LEFT JOIN below b ON b.ancestor = r.region_code AND b.period = r.period AND b.vintage = r.vintage
), allrows AS (
	SELECT *, false AS is_rollup, NULL::INTEGER AS reported, NULL::INTEGER AS expected, false AS beside_own FROM base
	UNION ALL
	SELECT * FROM roll
)`, denOK, sqlList([]string{home}), syntheticLevel)
	}
	value := fmt.Sprintf("CASE WHEN denominator = 0 THEN NULL ELSE numerator / denominator * %s END", scale)
	if ind.Aggregation == Sum || ind.Aggregation == None {
		value = fmt.Sprintf("CASE WHEN denominator IS NULL THEN numerator * %s WHEN denominator = 0 THEN NULL ELSE numerator / denominator * %s END", scale, scale)
	}
	fmt.Fprintf(&b, `
SELECT %s, region_code, period, year, vintage, numerator, denominator, %s, %s,
       CASE WHEN denominator = 0 THEN concat_ws('; ', nullif(flags, ''), 'zero denominator') ELSE flags END,
       is_rollup, is_synthetic, status, reported, expected, beside_own, now(), %d::BIGINT
FROM allrows
-- a region present in the source with nothing to count (0 of 0) counts as
-- reporting in its parents' roll-ups but has no value of its own
WHERE denominator IS DISTINCT FROM 0 OR coalesce(numerator, 0) <> 0`, sqlList([]string{ind.Code}), value, sqlList([]string{ind.Unit}), runID)
	return b.String()
}

// reportedRows adds to an indicator's own rows the figures regions below the
// warehouse's home reported up in packages (reported_value), as those
// regions' own figures, for each region, period and vintage the warehouse
// has no figure of its own for: the roll-up sums them like its own. Derived
// indicators are computed here from their inputs instead.
func reportedRows(ind *Indicator, ownVintage string) string {
	if len(ind.DependsOn) > 0 {
		return ""
	}
	return `
	UNION ALL
	SELECT r.region_code, r.period, r.year, r.vintage, r.numerator, r.denominator,
	       concat_ws('; ', nullif(r.flags, ''), 'reported by ' || r.package_region), r.is_synthetic,
	       weaker_status(r.status, CASE WHEN r.is_synthetic THEN 'synthetic' END)
	FROM reported_value r
	WHERE r.indicator = ` + sqlList([]string{ind.Code}) + ` AND NOT r.is_derived
	  AND NOT EXISTS (SELECT 1 FROM q WHERE CAST(q.region_code AS VARCHAR) = r.region_code
	                  AND CAST(q.period AS VARCHAR) = r.period AND ` + ownVintage + ` = r.vintage)`
}

// refreshAlerts re-evaluates the alert rules of the indicators in list (an SQL
// list of codes) against each region's latest value of each vintage. Roll-ups
// flagged partial (not every sub-region reported) raise no alert: a province
// figure summed from one district's data is not the province's.
func refreshAlerts(ctx context.Context, tx *warehouse.Tx, list string, runID int64) (int64, error) {
	if _, err := tx.Supersede(ctx, "alert", runID, "indicator IN ("+list+")"); err != nil {
		return 0, fmt.Errorf("indicators: clear alerts: %w", err)
	}
	table, err := tx.Table(ctx, "alert", runID)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (indicator, region_code, period, value, comparator, threshold,
		severity, message, is_synthetic, raised_at, run_id)
		WITH latest AS (
			SELECT * FROM indicator_value
			WHERE indicator IN (`+list+`) AND value IS NOT NULL AND flags NOT LIKE 'partial:%' AND NOT beside_own
			QUALIFY row_number() OVER (PARTITION BY indicator, region_code, vintage ORDER BY period DESC) = 1
		)
		SELECT l.indicator, l.region_code, l.period, l.value, r.comparator, r.threshold, r.severity,
		       coalesce(r.message_zh, i.name_zh) || '：' || CAST(round(l.value, 2) AS VARCHAR) ||
		       CASE WHEN i.unit = '%' THEN '%' ELSE ' ' || i.unit END || ' ' || r.comparator || ' ' ||
		       CAST(r.threshold AS VARCHAR) || CASE WHEN l.is_synthetic THEN '（合成数据 synthetic）' ELSE '' END,
		       l.is_synthetic, now(), $1::BIGINT
		FROM latest l
		JOIN alert_rule r ON r.indicator = l.indicator
		JOIN indicator i ON i.code = l.indicator
		WHERE CASE r.comparator WHEN '>' THEN l.value > r.threshold WHEN '>=' THEN l.value >= r.threshold
		                        WHEN '<' THEN l.value < r.threshold WHEN '<=' THEN l.value <= r.threshold
		                        ELSE false END`, runID)
	if err != nil {
		return 0, fmt.Errorf("indicators: alerts: %w", err)
	}
	return res.RowsAffected()
}

// syntheticLevel: synthetic figures never roll up into a region of a lower
// level than this (0, the country), nor above the warehouse's home region: a
// sum of demo data must never read as the country's figure, nor as any figure
// above the region the warehouse is for. A city (Shanghai, a province-level
// municipality) can sum its synthetic districts — the reporting-up
// walkthrough — flagged synthetic and partial.
const syntheticLevel = 1

var closureSeq atomic.Int64

// buildClosure writes every region's ancestors (depth 0 = itself), with the
// ancestor's child on the way (child) and how many children the ancestor has
// (children; villages and communities are not counted, as a register of
// communities rightly leaves out villages and the other way round, so a
// township's roll-up is never called partial), to a single-use table in the in-memory catalog, where a write transaction on the
// warehouse can read it; the roll-ups of one computation share it. Five joins
// up region.parent_code instead of a recursive query: the hierarchy has six
// levels.
func buildClosure(ctx context.Context, w *warehouse.Warehouse) (string, func(), error) {
	name := fmt.Sprintf("memory.main._indicator_closure_%d", closureSeq.Add(1))
	q := `CREATE TABLE ` + name + ` AS
		WITH c AS (
			SELECT DISTINCT r0.code AS c0, r0.parent_code AS c1, p1.parent_code AS c2, p2.parent_code AS c3,
			       p3.parent_code AS c4, p4.parent_code AS c5, p5.parent_code AS c6
			FROM region r0
			LEFT JOIN region p1 ON p1.code = r0.parent_code
			LEFT JOIN region p2 ON p2.code = p1.parent_code
			LEFT JOIN region p3 ON p3.code = p2.parent_code
			LEFT JOIN region p4 ON p4.code = p3.parent_code
			LEFT JOIN region p5 ON p5.code = p4.parent_code
		), l AS (
			SELECT c0 AS code, c0 AS ancestor, 0 AS depth, NULL AS child FROM c
			UNION ALL SELECT c0, c1, 1, c0 FROM c WHERE c1 IS NOT NULL
			UNION ALL SELECT c0, c2, 2, c1 FROM c WHERE c2 IS NOT NULL
			UNION ALL SELECT c0, c3, 3, c2 FROM c WHERE c3 IS NOT NULL
			UNION ALL SELECT c0, c4, 4, c3 FROM c WHERE c4 IS NOT NULL
			UNION ALL SELECT c0, c5, 5, c4 FROM c WHERE c5 IS NOT NULL
			UNION ALL SELECT c0, c6, 6, c5 FROM c WHERE c6 IS NOT NULL
		), kids AS (
			SELECT parent_code, count(DISTINCT code) AS n FROM region
			WHERE parent_code IS NOT NULL AND level < 5 GROUP BY parent_code
		)
		SELECT DISTINCT l.code, l.ancestor, l.depth, l.child, coalesce(k.n, 0) AS children
		FROM l LEFT JOIN kids k ON k.parent_code = l.ancestor
		WHERE l.depth = 0 OR l.ancestor <> l.code`
	if _, err := w.DB().ExecContext(ctx, q); err != nil {
		return "", nil, fmt.Errorf("indicators: region hierarchy: %w", err)
	}
	return name, func() {
		_, _ = w.DB().ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+name)
	}, nil
}
