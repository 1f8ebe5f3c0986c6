package bulletin

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
)

// Options say what Gather reads.
type Options struct {
	// Year is the last year to read (0: the latest with data). A region's
	// fact of an indicator is its latest value up to that year.
	Year int
	// Hidden reports a value that is not published (a small cell: see
	// package suppress); such values are left out, and so is a change
	// from one, and a rank among peers one of which is hidden. Nil hides
	// nothing.
	Hidden func(region, indicator, period string) bool
	// DefaultPrecision is the decimals of an indicator whose catalogue row
	// gives none (indicator.precision is NULL): the catalogue's own rule
	// (sql/indicators.DefaultPrecision), passed in by the caller so that
	// the rule has one home. Nil: two, as grassroots indicators show prints
	// such a value.
	DefaultPrecision func(unit string) int
}

// precisionOf is the decimals of a value of an indicator in unit whose
// catalogue row says p.
func (o Options) precisionOf(p sql.NullInt64, unit string) int {
	switch {
	case p.Valid:
		return int(p.Int64)
	case o.DefaultPrecision != nil:
		return o.DefaultPrecision(unit)
	}
	return 2
}

// Gather reads the facts of each region from the warehouse: the views
// indicator_series and indicator_newer (a region's series, and the newer
// values of the next vintage), indicator_change, indicator_target_status,
// the ranks among the regions with the same parent, and the alerts. One
// query of each for all the regions.
func Gather(ctx context.Context, db *sql.DB, regions []string, o Options) (map[string]*Facts, error) {
	out := map[string]*Facts{}
	if len(regions) == 0 {
		return out, nil
	}
	hidden := o.Hidden
	if hidden == nil {
		hidden = func(string, string, string) bool { return false }
	}
	err := scan(ctx, db, "regions", `SELECT r.code, r.name, r.level FROM region r WHERE list_contains(?, r.code)`,
		func(rows *sql.Rows) error {
			f := &Facts{Year: o.Year, Facts: map[string]*Fact{}}
			if err := rows.Scan(&f.Region, &f.Name, &f.Level); err != nil {
				return err
			}
			out[f.Region] = f
			return nil
		}, regions)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		if out[r] == nil {
			return nil, fmt.Errorf("bulletin: region %s is not in the region table", r)
		}
	}
	o.Hidden = hidden
	if err := gatherValues(ctx, db, regions, o, out); err != nil {
		return nil, err
	}
	if err := gatherRanks(ctx, db, out, hidden); err != nil {
		return nil, err
	}
	if err := gatherAlerts(ctx, db, regions, o, out); err != nil {
		return nil, err
	}
	return out, nil
}

// periodKey orders periods: a year as its last day.
const periodKey = `(CASE WHEN length(%[1]s.period) = 4 THEN %[1]s.period || '-12-31' ELSE %[1]s.period END)`

// gatherValues reads every region's series with the change and the target
// status of each value, and keeps the latest value of each indicator as
// its fact.
func gatherValues(ctx context.Context, db *sql.DB, regions []string, o Options, out map[string]*Facts) error {
	q := `WITH s AS (
		SELECT v.indicator, v.region_code, v.period, v.year, v.vintage, v.value, v.numerator, v.denominator,
		       coalesce(v.status, 'final') AS status, v.is_synthetic, false AS newer
		FROM indicator_series v WHERE list_contains($1, v.region_code)
		UNION ALL
		SELECT n.indicator, n.region_code, n.period, n.year, n.vintage, n.value, n.numerator, n.denominator,
		       coalesce(n.status, 'final'), n.is_synthetic, true
		FROM indicator_newer n WHERE list_contains($1, n.region_code)
	), c AS (
		SELECT ch.* FROM indicator_change ch JOIN s ON s.indicator = ch.indicator AND s.region_code = ch.region_code
		 AND s.period = ch.period AND s.vintage IS NOT DISTINCT FROM ch.vintage AND s.value = ch.value
		QUALIFY row_number() OVER (PARTITION BY ch.indicator, ch.region_code, ch.period, ch.vintage
		                           ORDER BY ch.prev_period = ch.period, ch.prev_period DESC) = 1
	), t AS (
		SELECT ts.* FROM indicator_target_status ts WHERE list_contains($1, ts.region_code)
		QUALIFY row_number() OVER (PARTITION BY ts.indicator, ts.region_code, ts.vintage, ts.period
		        ORDER BY CASE WHEN ts.target_year >= ts.year THEN 0 WHEN ts.target_year IS NULL THEN 1 ELSE 2 END,
		                 abs(ts.target_year - ts.year)) = 1
	)
	SELECT s.region_code, s.indicator, s.period, coalesce(s.year, 0), coalesce(s.vintage, ''), s.value,
	       coalesce(s.numerator, 'NaN'), coalesce(s.denominator, 'NaN'), s.status, s.is_synthetic, s.newer,
	       coalesce(i.name_zh, s.indicator), coalesce(i.unit, ''), coalesce(i.direction, ''), i.precision,
	       coalesce(st.symbol, ''), CASE WHEN s.status = 'final' THEN '' ELSE coalesce(st.label_zh, s.status) END,
	       coalesce(c.prev_period, ''), coalesce(c.prev_value, 'NaN'), coalesce(c.years_since_prev, 'NaN'),
	       coalesce(c.change, 'NaN'), coalesce(c.cagr_pct, 'NaN'),
	       coalesce(t.target_value, 'NaN'), coalesce(t.target_year, 0), coalesce(t.target_source, ''),
	       coalesce(t.status, ''), coalesce(t.distance, 'NaN'), coalesce(t.projected_year, 0)
	FROM s JOIN indicator i ON i.code = s.indicator
	LEFT JOIN observation_status st ON st.code = s.status
	LEFT JOIN c ON c.indicator = s.indicator AND c.region_code = s.region_code AND c.period = s.period
	 AND c.vintage IS NOT DISTINCT FROM s.vintage
	LEFT JOIN t ON t.indicator = s.indicator AND t.region_code = s.region_code AND t.period = s.period
	 AND t.vintage IS NOT DISTINCT FROM s.vintage
	WHERE s.value IS NOT NULL AND ($2 = 0 OR s.year <= $2)
	ORDER BY s.region_code, s.indicator, s.newer, ` + fmt.Sprintf(periodKey, "s")
	return scan(ctx, db, "indicator values", q, func(rows *sql.Rows) error {
		var x Fact
		var newer bool
		var prevPeriod, tSource, tStatus string
		var prev, years, diff, growth, tValue, tDistance float64
		var tYear, tProjected int
		var prec sql.NullInt64
		if err := rows.Scan(&x.Region, &x.Indicator, &x.Period, &x.Year, &x.Vintage, &x.Value,
			&x.Numerator, &x.Denominator, &x.Status, &x.Synthetic, &newer,
			&x.Name, &x.Unit, &x.Direction, &prec, &x.Symbol, &x.StatusZh,
			&prevPeriod, &prev, &years, &diff, &growth,
			&tValue, &tYear, &tSource, &tStatus, &tDistance, &tProjected); err != nil {
			return err
		}
		x.Precision = o.precisionOf(prec, x.Unit)
		f := out[x.Region]
		if o.Hidden(x.Region, x.Indicator, x.Period) {
			return nil
		}
		old := f.Facts[x.Indicator]
		// The series comes first, then any newer values of the next
		// vintage: the fact is the last row read, its series the series.
		if old != nil {
			x.Series = old.Series
		}
		if !newer {
			x.Series = append(x.Series, Point{Period: x.Period, Year: x.Year, Value: x.Value})
		}
		if prevPeriod != "" && !math.IsNaN(diff) && prevPeriod != x.Period && !o.Hidden(x.Region, x.Indicator, prevPeriod) {
			x.Change = &Change{PrevPeriod: prevPeriod, PrevYear: yearOf(prevPeriod), Prev: prev, Years: years, Diff: diff, Growth: growth}
		}
		if tStatus != "" && !math.IsNaN(tValue) {
			x.Target = &Target{Value: tValue, Year: tYear, Source: tSource, Status: tStatus, Distance: tDistance,
				ProjectedYear: tProjected, Reached: tStatus == "reached"}
		}
		x.RegionName = f.Name
		f.Facts[x.Indicator] = &x
		return nil
	}, regions, o.Year)
}

func yearOf(period string) int {
	y := 0
	for i := 0; i < len(period) && i < 4; i++ {
		if period[i] < '0' || period[i] > '9' {
			return 0
		}
		y = y*10 + int(period[i]-'0')
	}
	return y
}

// peerKinds name the regions of a level when they are ranked.
var peerKinds = map[int]string{1: "省份", 2: "地级区划", 3: "区县", 4: "街道（乡镇）", 5: "村（社区）"}

// peerKind names regions of level by what they are called: 区 where every
// name ends in 区 (上海市's 16 districts), 县 where every one ends in 县,
// 区县 for a mix of county-level names; 街道, 镇 or 乡 where all are one, else
// 街道（乡镇）; the level's word (peerKinds) otherwise.
func peerKind(level int, names []string) string {
	all := func(suffix string) bool {
		for _, n := range names {
			if !strings.HasSuffix(n, suffix) {
				return false
			}
		}
		return len(names) > 0
	}
	var words []string
	switch level {
	case 3:
		words = []string{"区", "县"}
	case 4:
		words = []string{"街道", "镇", "乡"}
	}
	for _, w := range words {
		if all(w) {
			return w
		}
	}
	return peerKinds[level]
}

// placeholder is true of the region alias when it is a placeholder of the
// code list rather than a place: a prefecture-level 市辖区, 县 or
// 省直辖县级行政区划 (Chongqing's 500100 and 500200, Hubei's 429000), whose
// children are counted under the region above it.
func placeholder(alias string) string {
	return fmt.Sprintf(`(%[1]s.level = 2 AND (%[1]s.name IN ('市辖区', '县') OR %[1]s.name LIKE '%%直辖县级行政区划'))`, alias)
}

// countedUnder is every region that is a place, with the region it is
// counted under: its parent, or its grandparent where the parent is a
// placeholder. The regions counted under one region are its children, as
// Children lists them and as ranks compare them: Chongqing's 38 districts
// and counties, Hubei's prefectures with its four directly administered
// county-level cities.
var countedUnder = `SELECT r.code, r.name, r.level,
	       CASE WHEN ` + placeholder("p") + ` THEN p.parent_code ELSE r.parent_code END AS parent_code
	FROM region r LEFT JOIN region p ON p.code = r.parent_code
	WHERE NOT ` + placeholder("r")

// gatherRanks ranks each fact among the values of the regions counted under
// the same region (see countedUnder), for the same indicator, period and
// vintage: highest first, as published (values equal at the indicator's
// precision share a place).
//
// A fact gets no rank when a peer's value is hidden (a small cell): a rank
// that counts the hidden value tells on which side of its neighbours it
// lies, and one that leaves it out miscounts the regions (在上海市15个区县中
// of a city with 16). A rank among peers any of which is synthetic is itself
// synthetic (Rank.Synthetic), and marked so.
func gatherRanks(ctx context.Context, db *sql.DB, out map[string]*Facts, hidden func(string, string, string) bool) error {
	type key struct{ region, indicator string }
	type peer struct {
		code      string
		name      string
		level     int
		value     float64
		synthetic bool
	}
	var keys, regions []string
	for r, f := range out {
		regions = append(regions, r)
		for _, x := range f.Facts {
			keys = append(keys, x.Region+"|"+x.Indicator+"|"+x.Period+"|"+x.Vintage)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	peers := map[key][]peer{}
	parents := map[string]string{}
	q := `WITH u AS (` + countedUnder + `)
	SELECT m.code, s.indicator, peer.code, peer.name, peer.level, s.value, s.is_synthetic, coalesce(pr.name, '')
	FROM (SELECT * FROM u WHERE list_contains($2, code)) m JOIN u peer ON peer.parent_code = m.parent_code
	JOIN indicator_series s ON s.region_code = peer.code
	LEFT JOIN region pr ON pr.code = m.parent_code
	WHERE s.value IS NOT NULL
	  AND list_contains($1, m.code || '|' || s.indicator || '|' || s.period || '|' || coalesce(s.vintage, ''))
	ORDER BY m.code, s.indicator, peer.code`
	err := scan(ctx, db, "ranks", q, func(rows *sql.Rows) error {
		var k key
		var p peer
		var parent string
		if err := rows.Scan(&k.region, &k.indicator, &p.code, &p.name, &p.level, &p.value, &p.synthetic, &parent); err != nil {
			return err
		}
		peers[k] = append(peers[k], p)
		parents[k.region] = parent
		return nil
	}, keys, regions)
	if err != nil {
		return err
	}
	for k, ps := range peers {
		x := out[k.region].Facts[k.indicator]
		if len(ps) < 2 {
			continue
		}
		names := make([]string, len(ps))
		for i, p := range ps {
			names[i] = p.name
		}
		r := &Rank{N: 1, Of: len(ps), ParentName: parents[k.region], Kind: peerKind(ps[0].level, names)}
		own := Round(x.Value, x.Precision)
		ok := true
		for _, p := range ps {
			if hidden(p.code, x.Indicator, x.Period) {
				ok = false
				break
			}
			if p.level != ps[0].level {
				r.Kind = "" // 湖北省's prefectures beside its county-level cities: 地区
			}
			r.Synthetic = r.Synthetic || p.synthetic
			switch v := Round(p.value, x.Precision); {
			case v > own:
				r.N++
			case v == own && p.code != k.region:
				r.Tied = true
			}
		}
		if ok {
			x.Rank = r
		}
	}
	return nil
}

// gatherAlerts reads the early warnings raised on each region's latest
// value of an indicator (not the audit's findings, which are in the audit
// report), with the regions directly below that have the same warning.
func gatherAlerts(ctx context.Context, db *sql.DB, regions []string, o Options, out map[string]*Facts) error {
	q := `SELECT a.region_code, a.indicator, coalesce(i.name_zh, a.indicator), a.severity, coalesce(ar.message_zh, ''),
	       a.period, a.value, a.threshold, i.precision, coalesce(i.unit, ''), a.is_synthetic,
	       (SELECT count(DISTINCT b.region_code) FROM alert b JOIN region rb ON rb.code = b.region_code
	         WHERE b.indicator = a.indicator AND b.period = a.period AND rb.parent_code = a.region_code),
	       (SELECT count(DISTINCT s.region_code) FROM indicator_series s JOIN region rs ON rs.code = s.region_code
	         WHERE s.indicator = a.indicator AND s.period = a.period AND rs.parent_code = a.region_code AND s.value IS NOT NULL)
	FROM alert a JOIN indicator i ON i.code = a.indicator
	LEFT JOIN alert_rule ar ON ar.indicator = a.indicator AND ar.comparator = a.comparator AND ar.threshold = a.threshold
	WHERE list_contains($1, a.region_code) AND a.indicator NOT LIKE 'audit:%' AND a.value IS NOT NULL
	  AND ($2 = 0 OR CAST(left(a.period, 4) AS INTEGER) <= $2)
	ORDER BY a.region_code, CASE a.severity WHEN 'critical' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, a.indicator`
	return scan(ctx, db, "alerts", q, func(rows *sql.Rows) error {
		var region string
		var a Alert
		var prec sql.NullInt64
		if err := rows.Scan(&region, &a.Indicator, &a.Name, &a.Severity, &a.Rule, &a.Period, &a.Value, &a.Threshold, &prec,
			&a.Unit, &a.Synthetic, &a.Below, &a.BelowOf); err != nil {
			return err
		}
		a.Precision = o.precisionOf(prec, a.Unit)
		// Only a warning on the value the bulletin speaks of.
		if x := out[region].Facts[a.Indicator]; x == nil || x.Period != a.Period || o.Hidden(region, a.Indicator, a.Period) {
			return nil
		}
		out[region].Alerts = append(out[region].Alerts, &a)
		return nil
	}, regions, o.Year)
}

// scan runs q and calls each for every row.
func scan(ctx context.Context, db *sql.DB, what, q string, each func(*sql.Rows) error, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("bulletin: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return fmt.Errorf("bulletin: %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bulletin: %s: %w", what, err)
	}
	return nil
}

// Children are the values of indicator in period of the regions counted
// under region (see countedUnder: through a 市辖区 placeholder, which is
// left out), highest first, for the ranked bars of the Word document.
func Children(ctx context.Context, db *sql.DB, region, indicator, period string, hidden func(region, indicator, period string) bool) ([]Child, error) {
	var out []Child
	err := scan(ctx, db, "children", `WITH u AS (`+countedUnder+`)
		SELECT u.code, u.name, s.value, s.is_synthetic FROM indicator_series s JOIN u ON u.code = s.region_code
		WHERE s.indicator = $2 AND s.period = $3 AND s.value IS NOT NULL AND u.parent_code = $1
		ORDER BY s.value DESC, u.code`, func(rows *sql.Rows) error {
		var c Child
		if err := rows.Scan(&c.Code, &c.Name, &c.Value, &c.Synthetic); err != nil {
			return err
		}
		if hidden == nil || !hidden(c.Code, indicator, period) {
			out = append(out, c)
		}
		return nil
	}, region, indicator, period)
	return out, err
}

// Child is a value of a region below.
type Child struct {
	Code, Name string
	Value      float64
	Synthetic  bool
}

// Years are the years in which region has a published value (one hidden
// by a small cell left out: nil hides nothing), oldest first.
func Years(ctx context.Context, db *sql.DB, region string, hidden func(region, indicator, period string) bool) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	err := scan(ctx, db, "years", `SELECT DISTINCT indicator, period, year FROM (
		SELECT indicator, period, year FROM indicator_series WHERE region_code = $1 AND value IS NOT NULL AND year IS NOT NULL
		UNION ALL
		SELECT indicator, period, year FROM indicator_newer WHERE region_code = $1 AND value IS NOT NULL AND year IS NOT NULL)
		ORDER BY year`, func(rows *sql.Rows) error {
		var ind, period string
		var y int
		if err := rows.Scan(&ind, &period, &y); err != nil {
			return err
		}
		if !seen[y] && (hidden == nil || !hidden(region, ind, period)) {
			seen[y] = true
			out = append(out, y)
		}
		return nil
	}, region)
	return out, err
}

// YearList writes years (sorted) with runs joined: 1992, 2000, 2010–2024.
func YearList(years []int) string {
	var b strings.Builder
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if j > i {
			fmt.Fprintf(&b, "%d–%d", years[i], years[j])
		} else {
			fmt.Fprintf(&b, "%d", years[i])
		}
		i = j + 1
	}
	return b.String()
}
