package indicators

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// fixture is a small synthetic district: two counties under one city, one
// township with an urban community and a rural village. Every count is made up
// for the tests; the expected values below are worked out by hand from it.
var fixture = []string{
	`INSERT INTO region_history (code, name, level, level_name, parent_code, urban_rural_class) VALUES
		('000000', '全国', 0, 'country', NULL, NULL),
		('310000', '测试省', 1, 'province', '000000', NULL),
		('310100', '测试市', 2, 'prefecture', '310000', NULL),
		('310112', '甲区', 3, 'county', '310100', NULL),
		('310104', '乙区', 3, 'county', '310100', NULL),
		('310112101', '甲镇', 4, 'township', '310112', NULL),
		('310112101001', '一社区', 5, 'village', '310112101', '111'),
		('310112101002', '二社区', 5, 'village', '310112101', '111'),
		('310112101201', '三村', 5, 'village', '310112101', '220')`,
	`INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop, hukou_pop, urban_hukou_pop,
		floating_pop, urbanised_area_km2, is_synthetic) VALUES
		('310112', 2019, '',  980000,  862400, 500000, 390000, NULL,   140, true),
		('310112', 2020, '', 1000000,  900000, 500000, 400000, 300000, 150, true),
		('310104', 2020, '', 1100000, 1100000, 900000, 900000, 200000,  54, true),
		('310112', 2024, '', 1000000,  800000, NULL,   NULL,   NULL,   NULL, true)`,
	`INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, education, category,
		in_service, floating, reported_to_community, is_synthetic) VALUES
		('2024-06-30', '310112101001', 'h01', '1990-01-01', 'bachelor',         'community', true,  false, true,  false),
		('2024-06-30', '310112101001', 'h02', '1985-06-01', 'college',          'community', true,  false, false, false),
		('2024-06-30', '310112101001', 'h03', '1969-06-01', 'junior_high',      'retired',   false, false, NULL,  false),
		('2024-06-30', '310112101001', 'h04', '1950-03-01', 'primary_or_below', 'retired',   false, false, NULL,  false),
		('2024-06-30', '310112101201', 'h05', '1960-01-01', 'junior_high',      'rural',     false, false, NULL,  true),
		('2024-06-30', '310112101201', 'h06', '1966-01-01', 'junior_high',      'rural',     false, true,  NULL,  true),
		('2024-06-30', '310112101201', 'h07', '1995-01-01', 'senior_high',      'rural',     true,  true,  true,  true),
		('2024-06-30', '310112101201', 'h08', '1970-01-01', NULL,               'rural',     false, false, NULL,  true),
		('2024-06-30', '310112101201', 'h10', '1958-01-01', 'junior_high',      'rural',     false, false, NULL,  true),
		('2024-06-30', '310104',       'h09', NULL,         'postgraduate',     'agency',    true,  false, true,  false)`,
	`INSERT INTO organisation_history (snapshot_date, region_code, org_id, kind, employees, formal_members, party_org_mode,
		instructor_assigned, in_scope, is_synthetic) VALUES
		('2024-06-30', '310112101', 'o1', 'nonpublic_enterprise',   100,  5, 'single',     false, true,  true),
		('2024-06-30', '310112101', 'o2', 'nonpublic_enterprise',    50,  3, 'none',       true,  true,  true),
		('2024-06-30', '310112101', 'o3', 'nonpublic_enterprise',    20,  0, 'joint',      false, true,  true),
		('2024-06-30', '310112101', 'o4', 'nonpublic_enterprise',    10,  1, 'none',       false, false, true),
		('2024-06-30', '310112101', 'o5', 'social_group',             5,  4, 'none',       false, true,  true),
		('2024-06-30', '310112101', 'o6', 'private_non_enterprise',  30,  2, 'affiliated', false, true,  true),
		('2024-06-30', '310104',    'o7', 'nonpublic_enterprise',   200, 10, 'single',     false, true,  true),
		('2024-06-30', '310104',    'o8', 'foundation',            NULL,  0, 'none',       false, true,  true)`,
	`INSERT INTO party_org_history (snapshot_date, region_code, org_code, kind, setting, urban_partner_code, is_synthetic) VALUES
		('2024-06-30', '310112101', 'p1', 'branch', 'village',   'u1', true),
		('2024-06-30', '310112101', 'p2', 'branch', 'village',   NULL, true),
		('2024-06-30', '310112101', 'p3', 'branch', 'community', NULL, true),
		('2024-06-30', '310104',    'p4', 'branch', 'village',   'u2', true)`,
	`INSERT INTO community_history (snapshot_date, region_code, community_code, staff, fulltime_social_workers, venue_m2,
		households, compounds, compounds_with_branch, is_synthetic) VALUES
		('2024-06-30', '310112101001', 'c1', 6, 2, 400, 1000, 4, 3, true),
		('2024-06-30', '310112101002', 'c2', 3, 0, 200, 1000, 2, 0, true)`,
	// Censuses of the two counties as a yearbook prints them: 2010 still has
	// 丙区 (310103), merged into 乙区 since (the crosswalk maps it); a 2024
	// "census" of 甲区 gives the members' year a population to compare with.
	`INSERT INTO region_crosswalk_history (old_code, new_code, valid_from, weight) VALUES ('310103', '310104', '2015-12-31', 1)`,
	`INSERT INTO census_unit_history (vintage, year, reference_date, source_row, census_code, unit_name, resident_pop,
		urban_resident_pop, rural_resident_pop) VALUES
		('census_2010', 2010, '2010-11-01', 10, '310112', '甲区',  800,  600, 200),
		('census_2010', 2010, '2010-11-01', 11, '310103', '丙区',  200,  200,   0),
		('census_2010', 2010, '2010-11-01', 12, '310104', '乙区',  300,  250,  50),
		('census_2020', 2020, '2020-11-01', 10, '310112', '甲区', 1000,  900, 100),
		('census_2020', 2020, '2020-11-01', 11, '310104', '乙区',  500,  500,   0),
		('census_2024', 2024, '2024-11-01', 10, '310112', '甲区', 1000, NULL, NULL)`,
	`INSERT INTO census_age_history (vintage, year, reference_date, source_row, band, persons) VALUES
		('census_2020', 2020, '2020-11-01', 10, '男_10到14岁', 300),
		('census_2020', 2020, '2020-11-01', 10, '男_20到24岁', 300),
		('census_2020', 2020, '2020-11-01', 10, '女_55到59岁', 200),
		('census_2020', 2020, '2020-11-01', 10, '男_60到64岁', 150),
		('census_2020', 2020, '2020-11-01', 10, '女_85岁以上',  50),
		('census_2024', 2024, '2024-11-01', 10, '20-24岁（男）', 600),
		('census_2024', 2024, '2024-11-01', 10, '55-59岁（女)', 400)`,
}

const snap = "2024-06-30"

func TestEveryIndicatorOnHandComputedData(t *testing.T) {
	w := openTemp(t)
	db := w.DB()
	exec(t, db, fixture...)
	ctx := context.Background()
	if _, _, err := LoadTargets(ctx, w); err != nil {
		t.Fatal(err)
	}
	st, err := Compute(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Indicators) != 36 {
		t.Fatalf("computed %d indicators, want 36", len(st.Indicators))
	}

	// Mean age: exact age in days / 365.2425 from the first of the birth month.
	at := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	age := func(y, m int) float64 {
		return at.Sub(time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)).Hours() / 24 / 365.2425
	}
	community := (age(1990, 1) + age(1985, 6) + age(1969, 6) + age(1950, 3)) / 4
	village := (age(1960, 1) + age(1966, 1) + age(1995, 1) + age(1970, 1) + age(1958, 1)) / 5

	tests := []struct {
		code, region, period string
		want                 float64
	}{
		{"urban.rate_resident", "310112", "2020", 90},
		{"urban.rate_resident", "310104", "2020", 100},
		{"urban.rate_resident", "310100", "2020", 2000000.0 / 2100000 * 100},
		{"urban.rate_resident", "310112", "2024", 80},
		{"urban.rate_hukou", "310112", "2020", 80},
		{"urban.rate_hukou", "310100", "2020", 1300000.0 / 1400000 * 100},
		{"urban.hukou_gap_pp", "310112", "2020", 10},
		{"urban.hukou_gap_pp", "310100", "2020", 2000000.0/2100000*100 - 1300000.0/1400000*100},
		{"urban.rate_change_pp", "310112", "2020", 2},
		{"urban.rate_change_pp", "310112", "2024", -2.5},
		{"urban.area_km2", "310112", "2020", 150},
		{"urban.area_km2", "310100", "2020", 204},
		{"urban.area_km2", "310100", "2019", 140},
		{"urban.floating_share", "310112", "2020", 30},
		{"urban.floating_share", "310100", "2020", 500000.0 / 2100000 * 100},
		{"member.share_55_plus", "310112101001", snap, 50},
		{"member.share_55_plus", "310112101201", snap, 60},
		{"member.share_55_plus", "310112101", snap, 500.0 / 9},
		{"member.share_55_plus", "310100", snap, 500.0 / 9},
		{"member.share_61_plus", "310112101201", snap, 40},
		{"member.share_61_plus", "310112101", snap, 300.0 / 9},
		{"member.share_35_under", "310112101001", snap, 25},
		{"member.share_35_under", "310112101", snap, 200.0 / 9},
		{"member.mean_age", "310112101001", snap, community},
		{"member.mean_age", "310112101201", snap, village},
		{"member.mean_age", "310112101", snap, (4*community + 5*village) / 9},
		{"member.share_junior_or_below", "310112101001", snap, 50},
		{"member.share_junior_or_below", "310112101201", snap, 75},
		{"member.share_junior_or_below", "310112101", snap, 62.5},
		{"member.share_junior_or_below", "310100", snap, 500.0 / 9},
		// Rural members are all in 三村: 3 of its 5 aged 55+, 3 of the 4 with
		// an education at junior high or below. 一社区 and 乙区 have none
		// (0 of 0): they report, so every roll-up is complete, and where the
		// all-member shares mix in the other categories the rural ones do not.
		{"member.rural_share_55_plus", "310112101201", snap, 60},
		{"member.rural_share_55_plus", "310112101", snap, 60},
		{"member.rural_share_55_plus", "310100", snap, 60},
		{"member.rural_share_junior_or_below", "310112101201", snap, 75},
		{"member.rural_share_junior_or_below", "310112101", snap, 75},
		{"member.share_college_plus", "310104", snap, 100},
		{"member.share_college_plus", "310112", snap, 25},
		{"member.share_college_plus", "310100", snap, 300.0 / 9},
		{"member.share_floating", "310112101201", snap, 40},
		{"member.share_floating", "310100", snap, 20},
		{"member.inservice_reported", "310112101001", snap, 50},
		{"member.inservice_reported", "310112101", snap, 200.0 / 3},
		{"member.inservice_reported", "310100", snap, 75},
		{"member.urban_concentration", "310112", snap, (400.0 / 9) / 80},
		{"org.coverage_economic", "310112101", snap, 200.0 / 3},
		{"org.coverage_economic", "310104", snap, 100},
		{"org.coverage_economic", "310100", snap, 75},
		{"org.coverage_social", "310112101", snap, 50},
		{"org.coverage_social", "310104", snap, 0},
		{"org.coverage_social", "310100", snap, 100.0 / 3},
		{"org.work_coverage", "310112101", snap, 80},
		{"org.work_coverage", "310104", snap, 50},
		{"org.work_coverage", "310100", snap, 500.0 / 7},
		{"org.must_establish_gap", "310112101", snap, 2},
		{"org.must_establish_gap", "310104", snap, 0},
		{"org.member_density", "310112101", snap, 1400.0 / 205},
		{"org.member_density", "310104", snap, 5},
		{"org.member_density", "310100", snap, 2400.0 / 405},
		{"party_org.pairing_coverage", "310112101", snap, 50},
		{"party_org.pairing_coverage", "310100", snap, 200.0 / 3},
		{"party_org.village_share", "310112101", snap, 200.0 / 3}, // p1, p2 of p1-p3
		{"party_org.village_share", "310104", snap, 100},
		{"party_org.village_share", "310100", snap, 75},
		{"party_org.compound_branch_coverage", "310112101", snap, 50},
		{"party_org.compound_branch_coverage", "310112101001", snap, 75},
		{"community.social_worker_coverage", "310112101", snap, 50},
		{"community.staff_per_community", "310112101", snap, 4.5},
		{"community.staff_per_community", "310112101002", snap, 3},
		{"community.venue_compliance", "310112101", snap, 50},
		{"community.venue_compliance", "310112101001", snap, 100},
	}
	// The fixture's figures are synthetic: summed into their city and
	// province, never into the country, where they would read as real.
	var above int
	if err := db.QueryRow(`SELECT count(*) FROM indicator_value WHERE is_synthetic
		AND region_code = '000000'`).Scan(&above); err != nil {
		t.Fatal(err)
	}
	if above > 0 {
		t.Errorf("%d synthetic values summed into the country", above)
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.code] = true
		got := value(t, db, tt.code, tt.region, tt.period, "")
		if math.IsNaN(got) || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s %s %s = %v, want %v", tt.code, tt.region, tt.period, got, tt.want)
		}
	}
	// The census series (vintage census); members against the population of
	// their year.
	for _, tt := range []struct {
		code, region, period, vintage string
		want                          float64
	}{
		{"urban.rate_census", "310112", "2020-11-01", "census", 90},
		{"urban.rate_census", "310104", "2010-11-01", "census", 90}, // 丙区 + 乙区: 450 of 500
		{"urban.rate_census", "310100", "2010-11-01", "census", 1050.0 / 1300 * 100},
		{"urban.rate_census", "310100", "2020-11-01", "census", 1400.0 / 1500 * 100},
		{"urban.census_change_pp", "310112", "2020-11-01", "census", 15},
		{"urban.census_change_pp", "310100", "2020-11-01", "census", 1400.0/1500*100 - 1050.0/1300*100},
		{"population.share_60_plus", "310112", "2020-11-01", "census", 20},
		{"population.share_65_plus", "310112", "2020-11-01", "census", 5},
		{"population.adult_share_55_plus", "310112", "2020-11-01", "census", 400.0 / 700 * 100},
		{"population.adult_share_60_plus", "310112", "2020-11-01", "census", 200.0 / 700 * 100},
		{"population.adult_share_55_plus", "310112", "2024-11-01", "census", 40},
		{"member.age_gap_55_pp", "310112", snap, "", 500.0/9 - 40},
		{"member.age_gap_61_pp", "310112", snap, "", 300.0 / 9},
	} {
		seen[tt.code] = true
		got := value(t, db, tt.code, tt.region, tt.period, tt.vintage)
		if math.IsNaN(got) || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s %s %s = %v, want %v", tt.code, tt.region, tt.period, got, tt.want)
		}
	}
	cat, _ := Catalogue()
	for _, ind := range cat {
		if !seen[ind.Code] {
			t.Errorf("%s has no hand-computed case", ind.Code)
		}
	}
	// No value where there is nothing to count: 310104's one member has no
	// birth month.
	if got := value(t, db, "member.share_55_plus", "310104", snap, ""); !math.IsNaN(got) {
		t.Errorf("member.share_55_plus for 310104 = %v, want no value", got)
	}

	// Flags and is_synthetic.
	var flags string
	var rollup, synthetic bool
	q := `SELECT flags, is_rollup, is_synthetic FROM indicator_value WHERE indicator = ? AND region_code = ? AND period = ?`
	if err := db.QueryRow(q, "urban.area_km2", "310100", "2019").Scan(&flags, &rollup, &synthetic); err != nil {
		t.Fatal(err)
	}
	if flags != "partial: 1 of 2 sub-regions" || !rollup || !synthetic {
		t.Errorf("2019 area of 310100: flags %q rollup %v synthetic %v; want a synthetic roll-up flagged partial: 1 of 2 sub-regions", flags, rollup, synthetic)
	}
	if err := db.QueryRow(q, "member.share_55_plus", "310112101001", snap).Scan(&flags, &rollup, &synthetic); err != nil {
		t.Fatal(err)
	}
	if rollup || synthetic {
		t.Errorf("community 55+ share: rollup %v synthetic %v, want a base row of real-flagged members", rollup, synthetic)
	}
	if err := db.QueryRow(q, "member.share_55_plus", "310112101", snap).Scan(&flags, &rollup, &synthetic); err != nil {
		t.Fatal(err)
	}
	if !rollup || !synthetic {
		t.Errorf("township 55+ share: rollup %v synthetic %v, want a roll-up marked synthetic (one input is)", rollup, synthetic)
	}

	// Alerts: rural 55+ share over 50, rural junior high or below over 70,
	// economic coverage under 90, any must-establish gap. The all-member
	// shares have no rule: 三村's 60% aged 55+ and 75% at junior high or below
	// raise the rural alerts only. The city and above have all-member 55+
	// shares from 甲区 only (乙区's one member has no birth month): partial
	// roll-ups, which would raise no alert; their rural shares are complete
	// (乙区 has no rural member: 0 of 0) and raise them.
	for region, want := range map[string]string{"310100": "partial: 1 of 2 sub-regions",
		"310000": "partial: sub-regions missing further down", "310112": "", "310112101": ""} {
		if err := db.QueryRow(q, "member.share_55_plus", region, snap).Scan(&flags, &rollup, &synthetic); err != nil {
			t.Fatal(err)
		}
		if flags != want {
			t.Errorf("55+ share of %s flagged %q, want %q", region, flags, want)
		}
	}
	rows, err := db.Query(`SELECT indicator, region_code, is_synthetic FROM alert ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var code, region string
		var syn bool
		if err := rows.Scan(&code, &region, &syn); err != nil {
			t.Fatal(err)
		}
		s := code + " " + region
		if syn {
			s += "*"
		}
		got = append(got, s)
	}
	rows.Close()
	want := []string{
		// synthetic figures are never summed into the country
		"member.rural_share_55_plus 310000*", "member.rural_share_55_plus 310100*",
		"member.rural_share_55_plus 310112*", "member.rural_share_55_plus 310112101*", "member.rural_share_55_plus 310112101201*",
		"member.rural_share_junior_or_below 310000*",
		"member.rural_share_junior_or_below 310100*", "member.rural_share_junior_or_below 310112*",
		"member.rural_share_junior_or_below 310112101*", "member.rural_share_junior_or_below 310112101201*",
		"org.coverage_economic 310000*", "org.coverage_economic 310100*",
		"org.coverage_economic 310112*", "org.coverage_economic 310112101*",
		"org.must_establish_gap 310000*", "org.must_establish_gap 310100*",
		"org.must_establish_gap 310112*", "org.must_establish_gap 310112101*",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("alerts:\n%s\nwant (* synthetic):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if st.Alerts != int64(len(want)) {
		t.Errorf("Stats.Alerts = %d, want %d", st.Alerts, len(want))
	}

	// Targets: social workers in every community by 2020 — the township's
	// 2024 figure of 50% has missed it; pairing coverage 100% has no year.
	var status string
	if err := db.QueryRow(`SELECT status FROM indicator_target_status WHERE indicator = 'community.social_worker_coverage'
		AND region_code = '310112101'`).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != "missed" {
		t.Errorf("social worker target status %q, want missed", status)
	}
	if err := db.QueryRow(`SELECT status FROM indicator_target_status WHERE indicator = 'party_org.pairing_coverage'
		AND region_code = '310104'`).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != "reached" {
		t.Errorf("pairing target status for 310104 (100%%) %q, want reached", status)
	}

	// The work list: organisations with 3+ formal members and no party
	// organisation, under a region.
	for region, want := range map[string]string{"310112": "o5 o2", "": "o5 o2", "310104": "", "310112101": "o5 o2"} {
		rows, err := db.Query(Worklist, region)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for rows.Next() {
			vals := make([]any, 11)
			ptrs := make([]any, 11)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, vals[3].(string))
		}
		rows.Close()
		if strings.Join(ids, " ") != want {
			t.Errorf("work list under %q = %v, want %s", region, ids, want)
		}
	}
}

// TestRollupSumsNotAverages: two districts with different populations roll up
// to the city as Σurban/Σresident; the mean of the two rates is a different
// (wrong) figure.
func TestRollupSumsNotAverages(t *testing.T) {
	w := openTemp(t)
	db := w.DB()
	exec(t, db, fixture[0], `INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop) VALUES
		('310112', 2004, '', 2000000, 1610000),
		('310104', 2004, '',  500000,  200000)`)
	if _, err := Compute(context.Background(), w, "urban.rate_resident"); err != nil {
		t.Fatal(err)
	}
	a := value(t, db, "urban.rate_resident", "310112", "2004", "")
	b := value(t, db, "urban.rate_resident", "310104", "2004", "")
	city := value(t, db, "urban.rate_resident", "310100", "2004", "")
	if a != 80.5 || b != 40 {
		t.Fatalf("district rates %v, %v; want 80.5, 40", a, b)
	}
	if want := 1810000.0 / 2500000 * 100; math.Abs(city-want) > 1e-12 {
		t.Errorf("city rate %v, want Σurban/Σresident = %v", city, want)
	}
	if mean := (a + b) / 2; math.Abs(city-mean) < 1 {
		t.Errorf("city rate %v is close to the mean of rates %v: the fixture does not tell them apart", city, mean)
	}
	var num, den float64
	if err := db.QueryRow(`SELECT numerator, denominator FROM indicator_value WHERE indicator = 'urban.rate_resident'
		AND region_code = '310100' AND period = '2004'`).Scan(&num, &den); err != nil {
		t.Fatal(err)
	}
	if num != 1810000 || den != 2500000 {
		t.Errorf("city numerator/denominator %v/%v, want 1810000/2500000", num, den)
	}
	// A region that reports its own figure keeps it, and its ancestors take it
	// instead of re-summing the parts below it.
	exec(t, db, `INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop) VALUES
		('310112101', 2004, '', 100000, 50000), ('310100', 2004, '', 3000000, 2000000)`)
	if _, err := Compute(context.Background(), w, "urban.rate_resident"); err != nil {
		t.Fatal(err)
	}
	if got := value(t, db, "urban.rate_resident", "310100", "2004", ""); math.Abs(got-200.0/3) > 1e-9 {
		t.Errorf("city with its own figure: %v, want its own 66.67", got)
	}
	if got := value(t, db, "urban.rate_resident", "310000", "2004", ""); math.Abs(got-200.0/3) > 1e-9 {
		t.Errorf("province above a reporting city: %v, want the city's figure", got)
	}
	if got := value(t, db, "urban.rate_resident", "310112", "2004", ""); got != 80.5 {
		t.Errorf("district with its own figure and a township below: %v, want its own 80.5", got)
	}
}

// TestNationalTargets: the national targets of the 2014-2020 urbanisation plan
// against the bundled series.
func TestNationalTargets(t *testing.T) {
	w := openTemp(t)
	loadRefdata(t, w)
	ctx := context.Background()
	if _, _, err := LoadTargets(ctx, w); err != nil {
		t.Fatal(err)
	}
	// Loading twice replaces, never duplicates.
	if _, _, err := LoadTargets(ctx, w); err != nil {
		t.Fatal(err)
	}
	if _, err := Compute(ctx, w); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM target`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("%d targets (%v), want 4", n, err)
	}
	type row struct {
		status        string
		projected     *int
		pace, elapsed *float64
	}
	get := func(code, period, vintage string) row {
		var r row
		if err := w.DB().QueryRow(`SELECT status, projected_year, pace_needed, time_elapsed FROM indicator_target_status
			WHERE indicator = ? AND region_code = '000000' AND period = ? AND vintage = ?`, code, period, vintage).
			Scan(&r.status, &r.projected, &r.pace, &r.elapsed); err != nil {
			t.Fatalf("%s %s %s: %v", code, period, vintage, err)
		}
		return r
	}
	// 2019 hukou rate 44.38: 7/8 of the time gone, (44.38-35.3)/(45-35.3) =
	// 94% of the task done: on track; at the last year's pace (+1.01) it is
	// reached in 2020; 0.62 pp still needed in one year.
	r := get("urban.rate_hukou", "2019", "hukou_rate_release")
	if r.status != "on_track" || r.projected == nil || *r.projected != 2020 || math.Abs(*r.pace-0.62) > 1e-9 || *r.elapsed != 0.875 {
		t.Errorf("hukou 2019: %+v, want on_track, projected 2020, pace 0.62, elapsed 0.875", r)
	}
	if r := get("urban.rate_hukou", "2020", "hukou_rate_release"); r.status != "reached" {
		t.Errorf("hukou 2020 (45.4%%): %s, want reached", r.status)
	}
	if r := get("urban.rate_resident", "2017", "first_release"); r.status != "on_track" {
		t.Errorf("resident 2017 first release (58.52%%): %s, want on_track", r.status)
	}
	if r := get("urban.rate_resident", "2020", "NBS_data_portal_revised"); r.status != "reached" {
		t.Errorf("resident 2020 revised (63.89%%): %s, want reached", r.status)
	}
	// The default series of the national rate is the revised one, whole.
	var vintages string
	if err := w.DB().QueryRow(`SELECT string_agg(DISTINCT vintage, ',') FROM indicator_default
		WHERE indicator = 'urban.rate_resident' AND region_code = '000000'`).Scan(&vintages); err != nil {
		t.Fatal(err)
	}
	if vintages != "NBS_data_portal_revised" {
		t.Errorf("default national series mixes or picks %q, want NBS_data_portal_revised only", vintages)
	}
	// Hukou 2017-2020 are published rates, flagged so.
	var flags string
	if err := w.DB().QueryRow(`SELECT flags FROM indicator_value WHERE indicator = 'urban.rate_hukou' AND period = '2018'`).Scan(&flags); err != nil || flags != "published" {
		t.Errorf("hukou 2018 flags %q (%v), want published", flags, err)
	}
	// The gap pairs the resident rate with the hukou rate of the other vintage
	// and says so: 2017 first release 58.52 − 42.35 = 16.17.
	var gap float64
	if err := w.DB().QueryRow(`SELECT value, flags FROM indicator_value WHERE indicator = 'urban.hukou_gap_pp'
		AND period = '2017' AND vintage = 'first_release'`).Scan(&gap, &flags); err != nil {
		t.Fatal(err)
	}
	if round(gap, 2) != 16.17 || flags != "hukou vintage hukou_rate_release" {
		t.Errorf("gap 2017 = %v (%q), want 16.17 flagged hukou vintage hukou_rate_release", gap, flags)
	}
}
