package indicators

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"grassroots/sql/schema"
	"grassroots/sql/warehouse"
)

// ruralMembers: rural members beside members of other categories in the same
// villages, so that the rural shares and the all-member shares differ. Made
// up for the test; the expected values are worked out by hand below.
var ruralMembers = `INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, education, category,
		in_service, floating, reported_to_community, is_synthetic) VALUES
		-- 三村: 3 rural members, 2 of them 55+ and at junior high or below;
		-- 2 younger college-educated members of other categories
		('2024-06-30', '310112101201', 'r1', '1950-03-01', 'primary_or_below', 'rural',      false, false, NULL, false),
		('2024-06-30', '310112101201', 'r2', '1960-01-01', 'junior_high',      'rural',      false, false, NULL, false),
		('2024-06-30', '310112101201', 'r3', '1990-05-01', 'senior_high',      'rural',      true,  false, true, false),
		('2024-06-30', '310112101201', 'a1', '1985-06-01', 'bachelor',         'agency',     true,  false, true, false),
		('2024-06-30', '310112101201', 'a2', '1992-01-01', 'college',          'enterprise', true,  false, false, false),
		-- 一社区: 5 rural members, one of them with neither birth month nor
		-- education (in neither denominator); 2 retired members, both 55+
		('2024-06-30', '310112101001', 'r4', '1955-01-01', 'junior_high',      'rural',      false, false, NULL, false),
		('2024-06-30', '310112101001', 'r5', '1980-01-01', 'junior_high',      'rural',      true,  false, true, false),
		('2024-06-30', '310112101001', 'r6', '1988-01-01', 'junior_high',      'rural',      true,  false, true, false),
		('2024-06-30', '310112101001', 'r7', '1991-01-01', 'primary_or_below', 'rural',      true,  false, false, false),
		('2024-06-30', '310112101001', 'r8', NULL,         NULL,               'rural',      false, false, NULL, false),
		('2024-06-30', '310112101001', 't1', '1940-01-01', 'junior_high',      'retired',    false, false, NULL, false),
		('2024-06-30', '310112101001', 't2', '1945-01-01', 'primary_or_below', 'retired',    false, false, NULL, false),
		-- 二社区 and 乙区: members, none of them rural
		('2024-06-30', '310112101002', 'c1', '1950-01-01', 'junior_high',      'community',  false, false, NULL, false),
		('2024-06-30', '310104',       'g1', '1970-01-01', 'postgraduate',     'agency',     true,  false, true, false)`

// TestRuralShares: the rural shares count rural members only, roll up as
// Σnumerator/Σdenominator, treat a region without rural members as reporting
// with nothing to count, and carry the Minhang warnings the all-member shares
// no longer do.
func TestRuralShares(t *testing.T) {
	w := openTemp(t)
	db := w.DB()
	exec(t, db, fixture[0], ruralMembers)
	ctx := context.Background()
	if _, _, err := LoadTargets(ctx, w); err != nil {
		t.Fatal(err)
	}
	if _, err := Compute(ctx, w); err != nil {
		t.Fatal(err)
	}

	// What an analyst querying member_profile sees for 一社区.
	var members, aged, ge55, eduKnown, junior, rural, ruralAged, ruralGe55, ruralEdu, ruralJunior int
	if err := db.QueryRow(`SELECT members, aged_members, age_ge55, edu_known, edu_junior_or_below,
		rural_members, rural_aged_members, rural_age_ge55, rural_edu_known, rural_edu_junior_or_below
		FROM member_profile WHERE region_code = '310112101001'`).Scan(&members, &aged, &ge55, &eduKnown, &junior,
		&rural, &ruralAged, &ruralGe55, &ruralEdu, &ruralJunior); err != nil {
		t.Fatal(err)
	}
	if got, want := []int{members, aged, ge55, eduKnown, junior}, []int{7, 6, 3, 6, 6}; !slices.Equal(got, want) {
		t.Errorf("一社区 members, aged, 55+, education known, junior or below = %v, want %v", got, want)
	}
	if got, want := []int{rural, ruralAged, ruralGe55, ruralEdu, ruralJunior}, []int{5, 4, 1, 4, 4}; !slices.Equal(got, want) {
		t.Errorf("一社区 rural members, aged, 55+, education known, junior or below = %v, want %v", got, want)
	}

	tests := []struct {
		code, region string
		want         float64
	}{
		// 三村: rural 2 of 3 aged 55+ while all members 2 of 5.
		{"member.rural_share_55_plus", "310112101201", 200.0 / 3},
		{"member.share_55_plus", "310112101201", 40},
		{"member.rural_share_junior_or_below", "310112101201", 200.0 / 3},
		{"member.share_junior_or_below", "310112101201", 40},
		// 一社区: rural 1 of 4 with a birth month, all members 3 of 6.
		{"member.rural_share_55_plus", "310112101001", 25},
		{"member.share_55_plus", "310112101001", 50},
		{"member.rural_share_junior_or_below", "310112101001", 100},
		// 甲镇 sums: (2+1)/(3+4), not the mean of 66.7 and 25 (45.8); 二社区
		// adds 0 of 0.
		{"member.rural_share_55_plus", "310112101", 300.0 / 7},
		{"member.rural_share_junior_or_below", "310112101", 600.0 / 7},
		{"member.share_55_plus", "310112101", 600.0 / 12},
		// The city: 乙区 has members but no rural ones.
		{"member.rural_share_55_plus", "310100", 300.0 / 7},
		{"member.rural_share_junior_or_below", "000000", 600.0 / 7},
	}
	for _, tc := range tests {
		got := value(t, db, tc.code, tc.region, snap, "")
		if math.IsNaN(got) || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s %s = %v, want %v", tc.code, tc.region, got, tc.want)
		}
	}
	if mean := (200.0/3 + 25) / 2; math.Abs(value(t, db, "member.rural_share_55_plus", "310112101", snap, "")-mean) < 1 {
		t.Errorf("甲镇 rural 55+ share is near the mean of its villages' rates %v: the fixture does not tell them apart", mean)
	}
	var num, den float64
	if err := db.QueryRow(`SELECT numerator, denominator FROM indicator_value WHERE indicator = 'member.rural_share_55_plus'
		AND region_code = '310112101' AND period = ?`, snap).Scan(&num, &den); err != nil {
		t.Fatal(err)
	}
	if num != 3 || den != 7 {
		t.Errorf("甲镇 rural 55+ numerator/denominator %v/%v, want 3/7", num, den)
	}
	// No rural members: no value of its own, and the roll-ups above stay
	// complete.
	for _, region := range []string{"310112101002", "310104"} {
		if f := flagsOf(t, db, "member.rural_share_55_plus", region, snap, ""); f != "(none)" {
			t.Errorf("rural 55+ share of %s (no rural members) has a value (flags %q)", region, f)
		}
	}
	for _, region := range []string{"310112101", "310100", "000000"} {
		if f := flagsOf(t, db, "member.rural_share_55_plus", region, snap, ""); f != "" {
			t.Errorf("rural 55+ share of %s flagged %q: a region without rural members made it partial", region, f)
		}
	}

	// Alerts: the rural 55+ share over 50 in 三村 only; rural junior high
	// or below over 70 in 一社区 and everything above it. Nothing on the
	// all-member shares, though 一社区's are 50 and 100.
	rows, err := db.Query(`SELECT indicator, region_code, message FROM alert WHERE indicator LIKE 'member.%' ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	messages := map[string]string{}
	for rows.Next() {
		var code, region, msg string
		if err := rows.Scan(&code, &region, &msg); err != nil {
			t.Fatal(err)
		}
		got = append(got, code+" "+region)
		messages[code+" "+region] = msg
	}
	rows.Close()
	want := []string{
		"member.rural_share_55_plus 310112101201",
		"member.rural_share_junior_or_below 000000", "member.rural_share_junior_or_below 310000",
		"member.rural_share_junior_or_below 310100", "member.rural_share_junior_or_below 310112",
		"member.rural_share_junior_or_below 310112101", "member.rural_share_junior_or_below 310112101001",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("member alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if m := messages["member.rural_share_55_plus 310112101201"]; !strings.HasPrefix(m, "农村党员中55岁以上占比超过一半：66.67% > 50") {
		t.Errorf("三村 alert message %q, want it to name rural members and say 66.67%% > 50", m)
	}
}

// TestUpgradeMovesMemberAlertRules: a warehouse that loaded the old bundled
// rules on the all-member shares (citing the rural study) loses them, and the
// alerts they raised, when migrated; an analyst's own rule on the same
// indicator stays, and loading the bundle then puts the rules on the rural
// shares.
func TestUpgradeMovesMemberAlertRules(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, t.TempDir()+"/w.duckdb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	db := w.DB()
	// The warehouse as migrated before 0006: 0001-0005 applied and recorded.
	exec(t, db, `CREATE TABLE _migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`)
	names, err := fs.Glob(schema.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n >= "0006" {
			continue
		}
		b, err := fs.ReadFile(schema.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.Atoi(n[:4])
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		exec(t, db, string(b))
		if _, err := db.Exec(`INSERT INTO _migration VALUES (?, ?, ?, ?)`, v, n, hex.EncodeToString(sum[:]), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	exec(t, db, `INSERT INTO alert_rule VALUES
		('member.share_55_plus', '>', 50, 'warn', '55岁以上党员占比超过一半', 'over half of members are aged 55 or over',
		 'source studies (Minhang rural members: nearly 50% of 7700+ aged 55+)'),
		('member.share_junior_or_below', '>', 70, 'warn', '初中及以下学历党员占比超过七成', 'over 70% of members have junior-high education or below',
		 'source studies (Minhang rural members: over 70%)'),
		('member.share_55_plus', '>=', 40, 'info', '本区自定预警', NULL, 'district own line')`,
		`INSERT INTO alert (indicator, region_code, period, value, comparator, threshold, severity, message) VALUES
		('member.share_55_plus', '310112', '2024-06-30', 55, '>', 50, 'warn', '55岁以上党员占比超过一半：55%'),
		('member.share_55_plus', '310112', '2024-06-30', 55, '>=', 40, 'info', '本区自定预警：55%'),
		('member.share_junior_or_below', '310112', '2024-06-30', 75, '>', 70, 'warn', '初中及以下学历党员占比超过七成：75%')`)
	applied, err := w.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || applied[0] != "0006_member_rural.sql" {
		t.Fatalf("applied %v, want 0006_member_rural.sql first", applied)
	}
	list := func(q string) string {
		t.Helper()
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			out = append(out, a+" "+b)
		}
		return strings.Join(out, ", ")
	}
	if got := list(`SELECT indicator, comparator FROM alert_rule ORDER BY ALL`); got != "member.share_55_plus >=" {
		t.Errorf("rules after the upgrade: %s; want the analyst's own member.share_55_plus >= only", got)
	}
	if got := list(`SELECT indicator, comparator FROM alert ORDER BY ALL`); got != "member.share_55_plus >=" {
		t.Errorf("alerts after the upgrade: %s; want the one the analyst's own rule raised only", got)
	}
	if _, _, err := LoadTargets(ctx, w); err != nil {
		t.Fatal(err)
	}
	if got := list(`SELECT indicator, comparator FROM alert_rule WHERE indicator LIKE 'member.%' ORDER BY ALL`); got !=
		"member.rural_share_55_plus >, member.rural_share_junior_or_below >, member.share_55_plus >=" {
		t.Errorf("member rules after loading the bundle: %s", got)
	}
}
