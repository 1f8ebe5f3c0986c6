package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The demo ends with a summary an analyst can act on: what ran, what was
// quarantined and where to look, what the indicators raised, where the
// reports are.
func TestDemoSummary(t *testing.T) {
	dir, out := sharedDemo(t)
	_, summary, ok := strings.Cut(out, "\nsummary:\n")
	if !ok {
		t.Fatalf("no summary:\n%s", out)
	}
	w := filepath.Join(dir, "grassroots.duckdb")
	abs, _ := filepath.Abs(filepath.Join(dir, "reports", "index.html"))
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`pipelines +18 pipelines, 38 runs: \d+ rows read, \d+ loaded, 6 quarantined`),
		regexp.MustCompile(`grassroots quarantine \d+ --warehouse ` + regexp.QuoteMeta(w)),
		regexp.MustCompile(`indicators +36 computed, \d+ values, [1-9]\d* alerts raised`),
		regexp.MustCompile(`reports +` + regexp.QuoteMeta(abs)),
	} {
		if !want.MatchString(summary) {
			t.Errorf("summary lacks %s:\n%s", want, summary)
		}
	}
	// read = loaded + quarantined, in the summary as in every run.
	m := regexp.MustCompile(`(\d+) rows read, (\d+) loaded, (\d+) quarantined`).FindStringSubmatch(summary)
	read, _ := strconv.Atoi(m[1])
	loaded, _ := strconv.Atoi(m[2])
	if read != loaded+6 {
		t.Errorf("read %d, loaded %d, quarantined 6", read, loaded)
	}

	// Each deliberate mistake is in the quarantine with its reason.
	q := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv",
		`SELECT r.pipeline, q.reasons, q.raw FROM _quarantine q JOIN _run r USING (run_id) ORDER BY 1, 2`)
	for _, want := range []string{
		"demo_organisations,", "310112199",
		"demo_party_members,", "1963-02-30", "1975-13-02",
		"demo_population,", "城镇常住人口大于常住人口",
		"demo_population_returns,", "310112110", "310112112",
	} {
		if !strings.Contains(q, want) {
			t.Errorf("quarantine lacks %q:\n%s", want, q)
		}
	}
}

// The generated district reproduces the Minhang study's figures when computed
// through the indicator layer (the roll-up of the townships to 310112), not
// by reading the generator's parameters back.
func TestDemoCalibration(t *testing.T) {
	dir, _ := sharedDemo(t)
	out := mustRun(t, "", "sql", "--warehouse", filepath.Join(dir, "grassroots.duckdb"), "--format", "csv",
		`SELECT indicator, period, value, numerator, denominator, flags FROM indicator_value
		 WHERE region_code = '310112' ORDER BY indicator, period`)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type point struct {
		value, num, den float64
		flags           string
	}
	series := map[string]map[string]point{}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	for _, r := range recs[1:] {
		if series[r[0]] == nil {
			series[r[0]] = map[string]point{}
		}
		series[r[0]][r[1]] = point{num(r[2]), num(r[3]), num(r[4]), r[5]}
	}
	at := func(ind, period string) point {
		t.Helper()
		p, ok := series[ind][period]
		if !ok {
			t.Fatalf("no %s for 310112 in %s", ind, period)
		}
		return p
	}
	within := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.3f, want %.1f ± %.2f", what, got, want, tol)
		}
	}

	// Urbanisation 39.2% (1992) → 80.5% (2004); urbanised area 20 → 146 km².
	within("resident urbanisation 1992", at("urban.rate_resident", "1992").value, 39.2, 0.05)
	within("resident urbanisation 2004", at("urban.rate_resident", "2004").value, 80.5, 0.05)
	within("urbanised area 1992", at("urban.area_km2", "1992").value, 20, 0.5)
	within("urbanised area 2004", at("urban.area_km2", "2004").value, 146, 0.5)
	if f := at("urban.rate_resident", "2004").flags; f != "" {
		t.Errorf("2004 is flagged %q: every township must report", f)
	}
	if f := at("urban.rate_resident", "2009").flags; !strings.Contains(f, "13 of 14") {
		t.Errorf("2009 (one township row quarantined) is flagged %q, want partial 13 of 14", f)
	}

	// About 7,700 rural members at the end of 2004: nearly half aged 55+,
	// over 70% junior high or below; both easing later.
	old04, old24 := at("member.rural_share_55_plus", "2004-12-31"), at("member.rural_share_55_plus", "2024-12-31")
	edu04, edu24 := at("member.rural_share_junior_or_below", "2004-12-31"), at("member.rural_share_junior_or_below", "2024-12-31")
	if old04.den < 7_700 || old04.den > 8_000 {
		t.Errorf("rural members at the end of 2004: %.0f, want 7,700+", old04.den)
	}
	if old04.value < 45 || old04.value >= 50 {
		t.Errorf("rural members aged 55+ in 2004: %.1f%%, want nearly 50%% (45-50)", old04.value)
	}
	if edu04.value <= 70 || edu04.value > 80 {
		t.Errorf("rural members junior high or below in 2004: %.1f%%, want over 70%%", edu04.value)
	}
	if old24.value > old04.value-5 || edu24.value > edu04.value-10 {
		t.Errorf("no easing: 55+ %.1f%% → %.1f%%, junior or below %.1f%% → %.1f%% (2004 → 2024)",
			old04.value, old24.value, edu04.value, edu24.value)
	}
	if f := at("member.share_floating", "2024-12-31").value; f < 1 || f > 10 {
		t.Errorf("floating members 2024: %.1f%%", f)
	}

	// Two-new coverage low and rising; organisations with 3+ members and no
	// party organisation every year.
	prev := 0.0
	for y := 2004; y <= 2024; y++ {
		d := fmt.Sprintf("%d-12-31", y)
		c := at("org.coverage_economic", d).value
		if c < prev {
			t.Errorf("economic coverage falls in %d: %.1f%% after %.1f%%", y, c, prev)
		}
		prev = c
		if g := at("org.must_establish_gap", d).value; g < 1 {
			t.Errorf("应建未建 list empty in %d", y)
		}
	}
	if c04, c24 := at("org.coverage_economic", "2004-12-31").value, prev; c04 > 20 || c24 < c04+30 {
		t.Errorf("economic coverage %.1f%% (2004) → %.1f%% (2024), want low and rising", c04, c24)
	}

	// Villages become communities as urbanisation rises; pairing reaches
	// every village; communities keep 3-6 staff while social workers spread.
	v00, v24 := at("party_org.village_share", "2000-12-31"), at("party_org.village_share", "2024-12-31")
	if v24.num >= v00.num || v24.value > v00.value-20 {
		t.Errorf("villages %.0f → %.0f (%.1f%% → %.1f%% of village and community organisations)", v00.num, v24.num, v00.value, v24.value)
	}
	if p := at("party_org.pairing_coverage", "2004-12-31").value; p >= 100 {
		t.Errorf("pairing already 100%% in 2004")
	}
	for y := 2010; y <= 2024; y++ {
		within(fmt.Sprintf("pairing coverage %d", y), at("party_org.pairing_coverage", fmt.Sprintf("%d-12-31", y)).value, 100, 0)
	}
	for y := 2000; y <= 2024; y++ {
		d := fmt.Sprintf("%d-12-31", y)
		if s := at("community.staff_per_community", d).value; s < 3 || s > 6 {
			t.Errorf("staff per community %d: %.2f, want 3-6", y, s)
		}
	}
	if s04, s24 := at("community.social_worker_coverage", "2004-12-31").value, at("community.social_worker_coverage", "2024-12-31").value; s04 > 20 || s24 != 100 {
		t.Errorf("communities with a social worker %.1f%% (2004) → %.1f%% (2024)", s04, s24)
	}
}

// A second demo with the same salt gives the same warehouse contents, table
// by table (run ids, computation times and the quarantined rows' file paths
// aside).
func TestDemoDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole demo a second time")
	}
	first, _ := sharedDemo(t)
	second := t.TempDir()
	salt, err := os.ReadFile(filepath.Join(first, "grassroots.duckdb.salt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(second, "grassroots.duckdb.salt"), salt, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"demo", "--out", second}, strings.NewReader(""), &out, &errb,
		func(string) string { return "" }); code != 0 {
		t.Fatalf("second demo: exit %d\n%s", code, errb.String())
	}
	digest := func(dir string) map[string]string {
		w := filepath.Join(dir, "grassroots.duckdb")
		cols := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv",
			`SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position)
			 FROM information_schema.columns
			 WHERE table_catalog = current_database() AND table_name IN ('region', 'population', 'organisation',
			       'party_member', 'party_org', 'community', 'party_bulletin', 'intl_series',
			       'indicator_value', 'alert', 'target', '_quarantine')
			   AND column_name NOT IN ('run_id', 'computed_at', 'raised_at', 'file')
			 GROUP BY 1 ORDER BY 1`)
		recs, err := csv.NewReader(strings.NewReader(cols)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range recs[1:] {
			got[r[0]] = mustRun(t, "", "sql", "--warehouse", w, "--format", "csv",
				fmt.Sprintf(`SELECT count(*), sum(hash(%s)) FROM %s`, r[1], r[0]))
		}
		return got
	}
	a, b := digest(first), digest(second)
	if len(a) < 12 {
		t.Fatalf("digested %d tables, want 12: %v", len(a), a)
	}
	for table, d := range a {
		if b[table] != d {
			t.Errorf("%s differs between two demos:\n%s\n%s", table, d, b[table])
		}
	}
}
