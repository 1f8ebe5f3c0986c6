package audit

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"grassroots/pipelines"
	"grassroots/sql/warehouse"
)

func openTemp(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func exec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// clean is a small made-up district (synthetic figures, written for the
// tests) whose figures all agree: a county and its two townships, their
// urban and rural populations, a code change with a continuous series, age
// bands that sum to the members, census rows that add up, shares within
// 0-100% and nothing falling to zero.
var clean = []string{
	`INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
		('000000', '全国', 0, 'country', NULL),
		('310000', '测试省', 1, 'province', '000000'),
		('310100', '测试市', 2, 'prefecture', '310000'),
		('310112', '甲区', 3, 'county', '310100'),
		('310112101', '甲镇', 4, 'township', '310112'),
		('310112102', '乙镇', 4, 'township', '310112'),
		('310118', '丙区', 3, 'county', '310100')`,
	`INSERT INTO region_crosswalk_history (old_code, new_code, valid_from) VALUES ('310229', '310118', '2015-12-31')`,
	`INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop, rural_resident_pop,
		hukou_pop, urban_hukou_pop, is_synthetic) VALUES
		('310112', 2019, 't', 300000, 240000, 60000, 200000, 150000, true),
		('310112', 2020, 't', 310000, 251000, 59000, 200000, 152000, true),
		('310112101', 2019, 't', 200000, 180000, 20000, 120000, 100000, true),
		('310112101', 2020, 't', 205000, 186000, 19000, 120000, 101000, true),
		('310112102', 2019, 't', 100000, 60000, 40000, 80000, 50000, true),
		('310112102', 2020, 't', 105000, 65000, 40000, 80000, 51000, true),
		('310118', 2015, 't', 480000, 300000, 180000, NULL, NULL, true),
		('310118', 2016, 't', 490000, 310000, 180000, NULL, NULL, true)`,
	`INSERT INTO member_count_history (region_code, as_of_date, year, dimension, band, members, is_synthetic) VALUES
		('310112', '2024-12-31', 2024, 'total', 'total', 1000, true),
		('310112', '2024-12-31', 2024, 'age', 'le35', 200, true),
		('310112', '2024-12-31', 2024, 'age', '36_45', 300, true),
		('310112', '2024-12-31', 2024, 'age', '46_60', 300, true),
		('310112', '2024-12-31', 2024, 'age', 'ge61', 200, true)`,
	`INSERT INTO census_unit_history (vintage, year, reference_date, source_row, census_code, unit_name, resident_pop,
		male_pop, female_pop, urban_resident_pop, rural_resident_pop) VALUES
		('census_2020', 2020, '2020-11-01', 5, '310112', '甲区', 310000, 160000, 150000, 251000, 59000),
		('census_2020', 2020, '2020-11-01', 6, '310118', '丙区', 500000, 250000, 250000, 500000, NULL)`,
	`INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, is_synthetic) VALUES
		('org.coverage_economic', '310112', '2023-12-31', 2023, '', 10, 40, 25, '%', true),
		('org.coverage_economic', '310112', '2024-12-31', 2024, '', 12, 40, 30, '%', true)`,
}

func findings(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT rule || ' ' || region_code || ' ' || period || ' ' || severity FROM audit_finding ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestCleanFixtureHasNoFindings: every rule runs over figures that agree,
// and over the bundled national urbanisation series and CPC bulletins (real
// published figures that add up within their rounding), and none fires.
func TestCleanFixtureHasNoFindings(t *testing.T) {
	ctx := context.Background()
	w := openTemp(t)
	exec(t, w.DB(), clean...)
	if err := pipelines.LoadReference(ctx, w, "refdata_national_urbanisation", "refdata_cpc_bulletin"); err != nil {
		t.Fatal(err)
	}
	st, err := Run(ctx, w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := Rules()
	if len(st.Rules) != len(rules) || len(rules) < 10 {
		t.Fatalf("ran %d rules of %d", len(st.Rules), len(rules))
	}
	if got := findings(t, w.DB()); len(got) != 0 || st.Findings != 0 {
		t.Errorf("clean data gave findings: %q", got)
	}
}

// TestEachKindFires breaks the clean fixture once per rule and expects
// exactly those findings, and an alert for each error.
func TestEachKindFires(t *testing.T) {
	ctx := context.Background()
	w := openTemp(t)
	exec(t, w.DB(), clean...)
	exec(t, w.DB(),
		// rural typed with two digits swapped: urban + rural ≠ resident
		`UPDATE population_history SET rural_resident_pop = 95000 WHERE region_code = '310112102' AND year = 2019`,
		// the county's own 2020 figure not the sum of its townships
		`UPDATE population_history SET resident_pop = 320000, urban_resident_pop = 261000 WHERE region_code = '310112' AND year = 2020`,
		// the urban hukou figure with a digit dropped: the rate falls 70 pp
		`UPDATE population_history SET urban_hukou_pop = 10100 WHERE region_code = '310112101' AND year = 2020`,
		// the year of the code change: a jump of 30%
		`UPDATE population_history SET resident_pop = 640000, rural_resident_pop = 330000 WHERE region_code = '310118' AND year = 2016`,
		`UPDATE member_count_history SET members = 260 WHERE band = 'ge61'`,
		`UPDATE census_unit_history SET male_pop = 161000 WHERE source_row = 5`,
		`UPDATE census_unit_history SET urban_resident_pop = 499000 WHERE source_row = 6`,
		`INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, is_synthetic) VALUES
			('org.coverage_economic', '310112', '2022-12-31', 2022, '', 30, 20, 150, '%', true),
			('org.coverage_economic', '310112', '2025-12-31', 2025, '', 12, 0, NULL, '%', true)`,
	)
	// the rate_change rule reads indicator values
	exec(t, w.DB(), `INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, is_synthetic)
		SELECT 'urban.rate_hukou', region_code, CAST(year AS VARCHAR), year, vintage, urban_hukou_pop, hukou_pop,
		       urban_hukou_pop * 100.0 / hukou_pop, '%', true FROM population_history WHERE hukou_pop IS NOT NULL`)
	st, err := Run(ctx, w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"census.sex_sum 310112 2020 error",
		"census.urban_rural_sum 310118 2020 error",
		"indicator.denominator_zero 310112 2025-12-31 error",
		"indicator.share_range 310112 2022-12-31 error",
		"member.age_bands_sum 310112 2024-12-31 error",
		"population.code_change_break 310118 2016 notice",
		"population.resident_change 310118 2016 notice",
		"population.township_sum 310112 2020 error",
		"population.urban_rural_sum 310112102 2019 error",
		"urban.rate_change 310112101 2020 notice",
	}
	got := findings(t, w.DB())
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if st.Errors != 7 {
		t.Errorf("%d alerts raised, want one per error (7)", st.Errors)
	}
	var msg, figures string
	if err := w.DB().QueryRow(`SELECT a.message, f.figures FROM alert a JOIN audit_finding f ON 'audit:' || f.rule = a.indicator
		AND f.region_code = a.region_code AND f.period = a.period WHERE f.rule = 'population.urban_rural_sum'`).Scan(&msg, &figures); err != nil {
		t.Fatal(err)
	}
	if figures != "常住人口 100000人，城镇 + 乡村常住人口 155000人，相差 -55000人（容差 0.1%）" {
		t.Errorf("figures %q", figures)
	}
	if !strings.Contains(msg, "城镇与乡村常住人口之和不等于常住人口") || !strings.Contains(msg, "synthetic") {
		t.Errorf("alert message %q: want the rule's title and the synthetic mark", msg)
	}

	// Fixed, the next audit replaces the findings and the alerts.
	exec(t, w.DB(), `UPDATE population_history SET rural_resident_pop = 40000 WHERE region_code = '310112102' AND year = 2019`)
	if _, err := Run(ctx, w, Options{}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM alert WHERE indicator = 'audit:population.urban_rural_sum'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after the fix %d alerts (%v), want 0", n, err)
	}
}

func TestParseErrors(t *testing.T) {
	head := "-- @code: x.y\n-- @title_zh: 标题\n-- @severity: error\n-- @checks: c\n-- @advice: a\n-- @source_tables: population\n"
	for _, c := range []struct{ name, src, want string }{
		{"x.y.sql", head + "-- @kind: sum\nSELECT 1", "x.y.sql:7: @kind sum needs a @tolerance"},
		{"x.y.sql", head + "-- @kind: change\n-- @threshold: 5\nSELECT 1", "x.y.sql:8: @threshold \"5\": want a change in percentage points"},
		{"x.y.sql", head + "-- @kind: range\n-- @min: 0\n-- @max: 100\n-- @tolerance: 1\nSELECT 1", "x.y.sql:10: @tolerance is not for @kind range"},
		{"x.y.sql", head + "-- @kind: ratio\nSELECT 1", "x.y.sql:7: @kind \"ratio\": want sum, range, change, break or zero"},
		{"x.z.sql", head + "-- @kind: zero\nSELECT 1", "x.z.sql:1: @code \"x.y\" does not match the file name x.z.sql"},
		{"x.y.sql", head + "-- @kind: zero\nSELECT 1; SELECT 2", "x.y.sql:8: one statement per file"},
		{"x.y.sql", strings.Replace(head, "error", "warn", 1) + "-- @kind: zero\nSELECT 1", "x.y.sql:3: @severity \"warn\": want error (错误) or notice (提示)"},
	} {
		_, err := Parse(c.name, []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.want, err, c.want)
		}
	}
}

// TestColumnsChecked: a query that returns no expected column for a sum is
// refused, naming the file.
func TestColumnsChecked(t *testing.T) {
	w := openTemp(t)
	r, err := Parse("x.y.sql", []byte("-- @code: x.y\n-- @title_zh: t\n-- @severity: error\n-- @kind: sum\n-- @tolerance: 0\n-- @checks: c\n-- @advice: a\n-- @source_tables: population\nSELECT region_code, year AS period, resident_pop AS value FROM population"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), w, Options{Rules: []*Rule{r}})
	if err == nil || !strings.Contains(err.Error(), "x.y.sql: the query returns no expected column") {
		t.Errorf("got %v", err)
	}
}
