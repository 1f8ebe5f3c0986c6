package indicators

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"testing"
)

// flagsOf returns the flags of a computed value, or "(none)" when there is no
// such value.
func flagsOf(t *testing.T, db *sql.DB, code, region, period, vintage string) string {
	t.Helper()
	var f string
	err := db.QueryRow(`SELECT flags FROM indicator_value WHERE indicator = ? AND region_code = ? AND period = ? AND vintage = ?`,
		code, region, period, vintage).Scan(&f)
	if err == sql.ErrNoRows {
		return "(none)"
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestDerivedFollowPartialInputs: one district of two reports (vintage demo),
// so the city, province and country rates of that vintage are partial
// roll-ups; the country has its own resident rate (NBS) and a published
// hukou rate. A gap or change made from a partial roll-up is partial itself,
// and the country's own resident rate is paired with its own hukou rate,
// never with the partial demo roll-up.
func TestDerivedFollowPartialInputs(t *testing.T) {
	w := openTemp(t)
	db := w.DB()
	exec(t, db, fixture[0], `INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop,
		hukou_pop, urban_hukou_pop, published_hukou_urban_rate_pct, is_synthetic) VALUES
		('310112', 2019, 'demo',  980000,  862400, 500000, 390000, NULL, false),
		('310112', 2020, 'demo', 1000000,  900000, 500000, 400000, NULL, false),
		('000000', 2019, 'NBS_data_portal_revised', 1000, 600, NULL, NULL, NULL, false),
		('000000', 2020, 'NBS_data_portal_revised', 1000, 640, NULL, NULL, NULL, false),
		('000000', 2020, 'hukou_rate_release', NULL, NULL, NULL, NULL, 45.4, false)`)
	ctx := context.Background()
	if _, err := Compute(ctx, w, "urban.rate_resident", "urban.rate_hukou"); err != nil {
		t.Fatal(err)
	}
	if f := flagsOf(t, db, "urban.rate_hukou", "000000", "2020", "demo"); !strings.HasPrefix(f, "partial:") {
		t.Fatalf("the country's demo hukou rate is summed from one district but flagged %q", f)
	}

	// The country's own resident rate with its own (published) hukou rate.
	if got := value(t, db, "urban.hukou_gap_pp", "000000", "2020", "NBS_data_portal_revised"); math.Abs(got-(64-45.4)) > 1e-9 {
		t.Errorf("national gap 2020 = %v, want 64 − 45.4 = 18.6 (own resident rate minus the published hukou rate)", got)
	}
	if f := flagsOf(t, db, "urban.hukou_gap_pp", "000000", "2020", "NBS_data_portal_revised"); f != "hukou vintage hukou_rate_release" {
		t.Errorf("national gap 2020 flagged %q, want the hukou vintage named", f)
	}
	// 2019 has no national hukou rate but the partial demo roll-up: no gap.
	if f := flagsOf(t, db, "urban.hukou_gap_pp", "000000", "2019", "NBS_data_portal_revised"); f != "(none)" {
		t.Errorf("national gap 2019 exists (flags %q): the own resident rate was paired with a partial roll-up", f)
	}

	for _, region := range []string{"310100", "310000", "000000"} {
		for _, code := range []string{"urban.hukou_gap_pp", "urban.rate_change_pp"} {
			if f := flagsOf(t, db, code, region, "2020", "demo"); !strings.HasPrefix(f, "partial: computed from partial roll-ups") {
				t.Errorf("%s %s 2020 demo flagged %q, want partial (its inputs are partial roll-ups)", code, region, f)
			}
		}
	}
	// The district's own figures are complete, and so are the values made of them.
	if got, f := value(t, db, "urban.hukou_gap_pp", "310112", "2020", "demo"), flagsOf(t, db, "urban.hukou_gap_pp", "310112", "2020", "demo"); got != 10 || f != "" {
		t.Errorf("district gap = %v flagged %q, want 10 unflagged", got, f)
	}
	if got := value(t, db, "urban.rate_change_pp", "000000", "2020", "NBS_data_portal_revised"); math.Abs(got-4) > 1e-9 {
		t.Errorf("national change 2020 = %v, want 4 pp", got)
	}

	// Partial derived values stay out of the series reports read.
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM indicator_series WHERE indicator IN ('urban.hukou_gap_pp', 'urban.rate_change_pp')
		AND region_code IN ('310100', '310000') `).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("indicator_series shows %d derived values of partial roll-ups", n)
	}
	var vintage string
	if err := db.QueryRow(`SELECT string_agg(DISTINCT vintage, ',') FROM indicator_series WHERE indicator = 'urban.hukou_gap_pp'
		AND region_code = '000000'`).Scan(&vintage); err != nil {
		t.Fatal(err)
	}
	if vintage != "NBS_data_portal_revised" {
		t.Errorf("national gap series of vintage %q, want NBS_data_portal_revised", vintage)
	}

	// A partial roll-up (the country summed from one district) is judged
	// against no target, and the difference of two of them is no change;
	// the country's own series is judged and changes.
	exec(t, db, `INSERT INTO target VALUES ('urban.rate_resident', '000000', 2012, 52.6, 2020, 60, false, 'plan', NULL)`)
	var judged, changes int
	var own string
	if err := db.QueryRow(`SELECT count(*) FILTER (vintage = 'demo'), string_agg(status, ',') FILTER (vintage <> 'demo')
		FROM indicator_target_status WHERE indicator = 'urban.rate_resident' AND region_code = '000000'`).Scan(&judged, &own); err != nil {
		t.Fatal(err)
	}
	if judged != 0 || own != "reached,reached" {
		t.Errorf("target status: %d partial values judged (want 0), own series %q (want reached,reached)", judged, own)
	}
	if err := db.QueryRow(`SELECT count(change) FROM indicator_change WHERE indicator = 'urban.rate_resident'
		AND region_code = '000000' AND vintage = 'demo'`).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	if changes != 0 {
		t.Errorf("%d changes between partial roll-ups of the country", changes)
	}
}

// TestDerivedQueryContract: a derived indicator reads its inputs from
// indicator_input and says which values are partial.
func TestDerivedQueryContract(t *testing.T) {
	header := strings.Replace(strings.Replace(goodHeader, "-- @aggregation: ratio\n", "-- @aggregation: none\n", 1),
		"-- @period: year\n", "-- @period: year\n-- @depends_on: urban.rate_resident\n", 1)
	_, err := Parse("test.share.sql", []byte(header+"SELECT region_code, period, value AS numerator, NULL AS denominator, false AS partial\nFROM indicator_value"))
	if err == nil || !strings.Contains(err.Error(), "test.share.sql:14:") || !strings.Contains(err.Error(), "indicator_input") {
		t.Fatalf("a derived query reading indicator_value: error %v, want it named at its line with indicator_input", err)
	}
	ind, err := Parse("test.share.sql", []byte(header+"SELECT region_code, period, value AS numerator, NULL AS denominator FROM indicator_input"))
	if err != nil {
		t.Fatal(err)
	}
	w := openTemp(t)
	_, err = compute(context.Background(), w, Options{}, nil, []*Indicator{ind})
	if err == nil || !strings.Contains(err.Error(), "test.share.sql: the query returns no partial column") {
		t.Fatalf("a derived query without partial: error %v", err)
	}
}

// TestPresentWithNothingToCount: a street that has party organisations but
// no village ones, organisations but none in scope, and a village whose
// members are none in service is in the source data with nothing to count.
// It counts as reporting (its district's roll-up is complete), and its 0 of
// 0 has no value and raises no alert.
func TestPresentWithNothingToCount(t *testing.T) {
	w := openTemp(t)
	db := w.DB()
	exec(t, db, fixture...)
	exec(t, db, `INSERT INTO region_history (code, name, level, level_name, parent_code, urban_rural_class) VALUES
		('310112102', '乙街道', 4, 'township', '310112', NULL),
		('310112102001', '四社区', 5, 'village', '310112102', '111')`,
		`INSERT INTO party_org_history (snapshot_date, region_code, org_code, kind, setting, urban_partner_code, is_synthetic) VALUES
		('2024-06-30', '310112102', 'p5', 'branch', 'community', NULL, true)`,
		`INSERT INTO organisation_history (snapshot_date, region_code, org_id, kind, employees, formal_members, party_org_mode,
		instructor_assigned, in_scope, is_synthetic) VALUES
		('2024-06-30', '310112102', 'o9', 'nonpublic_enterprise', 10, 0, 'none', false, false, true)`,
		`INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, education, category,
		in_service, floating, reported_to_community, is_synthetic) VALUES
		('2024-06-30', '310112102001', 'h11', '1950-01-01', 'junior_high', 'retired', false, false, NULL, true)`,
		`INSERT INTO community_history (snapshot_date, region_code, community_code, staff, fulltime_social_workers, venue_m2,
		households, compounds, compounds_with_branch, is_synthetic) VALUES
		('2024-06-30', '310112102001', 'c3', 4, 1, 100, 0, 0, 0, true)`,
		`INSERT INTO alert_rule (indicator, comparator, threshold, severity) VALUES
		('party_org.pairing_coverage', '<', 90, 'warn'), ('org.coverage_economic', '<', 90, 'warn'),
		('org.work_coverage', '<', 90, 'warn'), ('org.member_density', '<', 50, 'warn'),
		('member.inservice_reported', '<', 90, 'warn'), ('party_org.compound_branch_coverage', '<', 90, 'warn'),
		('community.venue_compliance', '<', 90, 'warn')`)
	ctx := context.Background()
	if _, err := Compute(ctx, w); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code, region string
		want         float64
	}{
		{"party_org.pairing_coverage", "310112", 50},   // 1 of 2 villages, all in 310112101
		{"org.coverage_economic", "310112", 200.0 / 3}, // o1, o3 of o1-o3
		{"org.work_coverage", "310112", 80},            // 4 of 5 in scope
		{"org.member_density", "310112", 1400.0 / 205}, // 100 × (5+3+0+4+2)/(100+50+20+5+30)
		{"member.inservice_reported", "310112101", 200.0 / 3},
		{"member.inservice_reported", "310112", 200.0 / 3}, // the retired member's village adds 0 of 0
		{"party_org.compound_branch_coverage", "310112", 50},
		{"community.venue_compliance", "310112", 50},
	}
	for _, tc := range tests {
		got := value(t, db, tc.code, tc.region, snap, "")
		if math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s %s = %v, want %v", tc.code, tc.region, got, tc.want)
		}
		if f := flagsOf(t, db, tc.code, tc.region, snap, ""); f != "" {
			t.Errorf("%s %s flagged %q: a sub-region with nothing to count made it partial", tc.code, tc.region, f)
		}
		for _, zero := range []string{"310112102", "310112102001"} {
			if f := flagsOf(t, db, tc.code, zero, snap, ""); f != "(none)" {
				t.Errorf("%s %s has a value (flags %q) though it has nothing to count", tc.code, zero, f)
			}
		}
	}
	// The other district has no rows at all: the city stays partial.
	if f := flagsOf(t, db, "party_org.pairing_coverage", "310100", snap, ""); f != "" {
		t.Errorf("city pairing flagged %q, want complete (both districts have party organisations)", f)
	}
	if f := flagsOf(t, db, "community.venue_compliance", "310100", snap, ""); f != "partial: 1 of 2 sub-regions" {
		t.Errorf("city venue compliance flagged %q, want partial: 310104 has no communities in the register", f)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM alert WHERE region_code LIKE '310112102%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d alerts on a street with nothing to count", n)
	}
	if err := db.QueryRow(`SELECT count(*) FROM alert WHERE indicator = 'party_org.pairing_coverage' AND region_code = '310112'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d pairing alerts for the district at 50%%, want 1", n)
	}
}

// TestComputeDuplicateRows: a query that returns two rows for one region,
// period and vintage fails the computation, naming the indicator, its file,
// the region and the period, and writes nothing.
func TestComputeDuplicateRows(t *testing.T) {
	ind, err := Parse("test.share.sql", []byte(goodHeader+
		"SELECT '310112' AS region_code, '2020' AS period, 1 AS numerator, 2 AS denominator\n"+
		"UNION ALL SELECT '310112', '2020', 1, 4"))
	if err != nil {
		t.Fatal(err)
	}
	w := openTemp(t)
	exec(t, w.DB(), fixture[0])
	_, err = compute(context.Background(), w, Options{}, nil, []*Indicator{ind})
	want := `indicators: test.share (test.share.sql): the query returned 2 rows for region 310112, period 2020, vintage ""`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %s", err, want)
	}
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM indicator_value WHERE indicator = 'test.share'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d values written by a failed computation", n)
	}
}
