package indicators

import (
	"context"
	"math"
	"testing"

	"grassroots/pipelines"
)

// TestCensusEveryLevel loads the 2010 and 2020 censuses as the reference
// pipelines do and reads the published figures back through the indicator
// layer: each province's own rate, the country's published rate beside the
// sum of its 31 provinces, and every province's total against its counties.
func TestCensusEveryLevel(t *testing.T) {
	if testing.Short() {
		t.Skip("loads both census workbooks")
	}
	w := openTemp(t)
	ctx := context.Background()
	if err := pipelines.LoadReference(ctx, w, "refdata_region", "refdata_region_crosswalk",
		"refdata_census_2010", "refdata_census_2020", "refdata_census_2010_age", "refdata_census_2020_age",
		"refdata_national_urbanisation"); err != nil {
		t.Fatal(err)
	}
	if _, err := Compute(ctx, w); err != nil {
		t.Fatal(err)
	}
	db := w.DB()
	near := func(what string, got, want float64) {
		t.Helper()
		if math.IsNaN(got) || math.Abs(got-want) > 0.005 {
			t.Errorf("%s = %.4f, want %.2f", what, got, want)
		}
	}
	for _, c := range []struct {
		region, period string
		want           float64
	}{
		{"110000", "2020-11-01", 87.55}, // 北京市
		{"310000", "2020-11-01", 89.30}, // 上海市
		{"440000", "2020-11-01", 74.15}, // 广东省
		{"540000", "2020-11-01", 35.73}, // 西藏自治区
		{"110000", "2010-11-01", 85.96},
		{"000000", "2020-11-01", 63.89}, // published: counts 2,000,000 servicemen
		{"310112", "2010-11-01", 100.0}, // 闵行区: rural left empty in the yearbook
	} {
		near("urban.rate_census "+c.region+" "+c.period, value(t, db, "urban.rate_census", c.region, c.period, "census"), c.want)
	}

	// The sum of the 31 provinces stands beside the published national rate.
	var rolled float64
	var reported, expected int
	if err := db.QueryRow(`SELECT value, reported, expected FROM indicator_value WHERE indicator = 'urban.rate_census'
		AND region_code = '000000' AND period = '2020-11-01' AND beside_own`).Scan(&rolled, &reported, &expected); err != nil {
		t.Fatal(err)
	}
	near("全国 2020 summed from the provinces", rolled, 63.84)
	if reported != 31 || expected != 31 {
		t.Errorf("全国 roll-up from %d of %d provinces, want 31 of 31", reported, expected)
	}
	var series int
	if err := db.QueryRow(`SELECT count(*) FROM indicator_series WHERE indicator = 'urban.rate_census' AND region_code = '000000'
		AND period = '2020-11-01'`).Scan(&series); err != nil {
		t.Fatal(err)
	}
	if series != 1 {
		t.Errorf("全国 2020 has %d values in indicator_series, want 1 (the published figure, not the sum beside it)", series)
	}

	// Every province's published total equals its county-level units as
	// placed among today's regions; what is not in a current county is named.
	rows, err := db.Query(`SELECT vintage, province_name, difference FROM census_total_check WHERE difference <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v, p string
		var d int64
		if err := rows.Scan(&v, &p, &d); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s %s: published total differs from its counties by %d", v, p, d)
	}
	rows.Close()
	var provinces, named int
	if err := db.QueryRow(`SELECT count(*), count(units_not_in_a_current_county) FILTER (in_prefecture_only + unattached > 0)
		FROM census_total_check`).Scan(&provinces, &named); err != nil {
		t.Fatal(err)
	}
	if provinces != 62 || named == 0 {
		t.Errorf("census_total_check: %d provinces (want 31 × 2), %d naming units outside today's counties", provinces, named)
	}
	// Nothing read is lost: every workbook row is placed, counted in its
	// prefecture, a grouping, or listed as unattached.
	var unplaced, unattached int
	if err := db.QueryRow(`SELECT count(*) FILTER (rule IS NULL), count(*) FILTER (rule = 'unattached') FROM census_unit_place`).Scan(&unplaced, &unattached); err != nil {
		t.Fatal(err)
	}
	var listed int
	if err := db.QueryRow(`SELECT count(*) FROM census_unattached`).Scan(&listed); err != nil {
		t.Fatal(err)
	}
	if unplaced != 0 || listed != unattached || unattached == 0 {
		t.Errorf("%d rows without a rule, %d unattached, %d listed by census_unattached", unplaced, unattached, listed)
	}
	// Renamed and merged codes reach today's regions: 2020's 下城区 (330103)
	// is in today's 拱墅区 (330105), summed with the 拱墅区 of 2020.
	var cw, parts int64
	if err := db.QueryRow(`SELECT resident_pop, census_units FROM census_population WHERE region_code = '330105' AND vintage = 'census_2020'`).Scan(&cw, &parts); err != nil {
		t.Fatal(err)
	}
	if parts != 2 {
		t.Errorf("拱墅区 2020 sums %d census units, want 2 (拱墅区 and 下城区)", parts)
	}

	// A prefecture whose area changed since is not its census row: 2010
	// 铜陵市 lacks 枞阳县 (joined 2015, split between two of its units), so
	// today's 铜陵 has no complete 2010 figure and no change is computed;
	// 四平市 (2010, with 公主岭 since given to 长春) is the sum of its
	// five counties of today.
	var rule string
	if err := db.QueryRow(`SELECT rule FROM census_unit_place WHERE vintage = 'census_2010' AND census_code = '340700'`).Scan(&rule); err != nil {
		t.Fatal(err)
	}
	if rule != "changed_area" {
		t.Errorf("2010 铜陵市 placed by rule %q, want changed_area", rule)
	}
	if v := value(t, db, "urban.census_change_pp", "340700", "2020-11-01", "census"); !math.IsNaN(v) {
		t.Errorf("铜陵 change 2010→2020 = %v, want none (its 2010 figure is partial)", v)
	}
	var rollup bool
	if err := db.QueryRow(`SELECT is_rollup, reported, expected FROM indicator_series WHERE indicator = 'urban.rate_census'
		AND region_code = '220300' AND period = '2010-11-01'`).Scan(&rollup, &reported, &expected); err != nil {
		t.Fatal(err)
	}
	if !rollup || reported != expected {
		t.Errorf("四平 2010: roll-up %v of %d/%d counties, want a complete roll-up", rollup, reported, expected)
	}

	// Ageing from the age bands; the bands add up to the total.
	near("北京 2020 share 65+", value(t, db, "population.share_65_plus", "110000", "2020-11-01", "census"), 13.30)
	var bands, total int64
	if err := db.QueryRow(`SELECT (SELECT sum(persons) FROM census_population_age WHERE region_code = '440000' AND year = 2020),
		(SELECT resident_pop FROM census_population WHERE region_code = '440000' AND year = 2020)`).Scan(&bands, &total); err != nil {
		t.Fatal(err)
	}
	if bands != total {
		t.Errorf("广东 2020: age bands sum to %d, total %d", bands, total)
	}
	near("全国 change 2010→2020", value(t, db, "urban.census_change_pp", "000000", "2020-11-01", "census"), 63.89-49.68)
}
