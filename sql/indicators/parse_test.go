package indicators

import (
	"strings"
	"testing"
)

const goodHeader = `-- @code: test.share
-- @name_zh: 测试占比
-- @name_en: Test share
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: things that are
-- @denominator: things
-- @source_tables: population
-- @period: year
`

func TestParse(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the error, in order; none: must parse
	}{
		{"good", goodHeader + "SELECT region_code, '2020' AS period, 1 AS numerator, 2 AS denominator FROM population;\n", nil},
		{"plain comments allowed", "-- a definition for a test\n" + goodHeader + "-- the query\nWITH x AS (SELECT 1) SELECT * FROM x", nil},
		{"missing key", strings.Replace(goodHeader, "-- @unit: %\n", "", 1) + "SELECT 1",
			[]string{"test.share.sql:1: missing @unit"}},
		{"unknown key", strings.Replace(goodHeader, "-- @unit: %", "-- @units: %", 1) + "SELECT 1",
			[]string{"test.share.sql:4:4: unknown key @units", "missing @unit"}},
		{"duplicate key", goodHeader + "-- @unit: pp\nSELECT 1",
			[]string{"test.share.sql:12:4: @unit given twice (first on line 4)"}},
		{"malformed line", strings.Replace(goodHeader, "-- @unit: %", "-- @unit %", 1) + "SELECT 1",
			[]string{"test.share.sql:4:1: malformed header line", "missing @unit"}},
		{"bad direction", strings.Replace(goodHeader, "higher_better", "up", 1) + "SELECT 1",
			[]string{`test.share.sql:6: @direction "up": want higher_better, lower_better or neutral`}},
		{"bad aggregation", strings.Replace(goodHeader, "@aggregation: ratio", "@aggregation: average", 1) + "SELECT 1",
			[]string{`test.share.sql:7: @aggregation "average"`}},
		{"ratio needs denominator", strings.Replace(goodHeader, "-- @denominator: things\n", "", 1) + "SELECT 1",
			[]string{"test.share.sql:7: @aggregation ratio needs a @denominator"}},
		{"weighted mean needs weight", strings.Replace(goodHeader, "@aggregation: ratio", "@aggregation: weighted_mean", 1) + "SELECT 1",
			[]string{"@aggregation weighted_mean needs a @weight"}},
		{"weight only for weighted mean", goodHeader + "-- @weight: people\nSELECT 1",
			[]string{"test.share.sql:12: @weight is for @aggregation weighted_mean only"}},
		{"code must match file", strings.Replace(goodHeader, "test.share", "test.other", 1) + "SELECT 1",
			[]string{`test.share.sql:1: @code "test.other" does not match the file name test.share.sql`}},
		{"bad scale", strings.Replace(goodHeader, "@scale: 100", "@scale: -1", 1) + "SELECT 1",
			[]string{`test.share.sql:5: @scale "-1": want a positive number`}},
		{"bad period", strings.Replace(goodHeader, "@period: year", "@period: month", 1) + "SELECT 1",
			[]string{`@period "month": want year or snapshot`}},
		{"no query", goodHeader, []string{"test.share.sql:12: no query after the header"}},
		{"not a select", goodHeader + "DELETE FROM population", []string{`test.share.sql:12:1: the query must be one SELECT`}},
		{"two statements", goodHeader + "SELECT 1;\nSELECT 2", []string{"test.share.sql:12: one statement per file"}},
		{"semicolon in a literal is fine", goodHeader + "SELECT ';' AS x", nil},
		{"derived must not roll up", goodHeader + "-- @depends_on: urban.rate_resident\nSELECT 1",
			[]string{"test.share.sql:12: an indicator computed from other indicators has @aggregation none"}},
		{"empty value", strings.Replace(goodHeader, "@name_en: Test share", "@name_en:", 1) + "SELECT 1",
			[]string{"test.share.sql:3: @name_en is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind, err := Parse("test.share.sql", []byte(tt.src))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if ind.Code != "test.share" || ind.Scale != 100 || ind.SourceTables[0] != "population" {
					t.Fatalf("parsed %+v", ind)
				}
				if strings.HasSuffix(ind.Query, ";") {
					t.Fatalf("trailing ; kept: %q", ind.Query)
				}
				return
			}
			if err == nil {
				t.Fatalf("parsed, want error %q", tt.want)
			}
			msg := err.Error()
			pos := 0
			for _, w := range tt.want {
				i := strings.Index(msg[pos:], w)
				if i < 0 {
					t.Fatalf("error\n%s\nlacks (in order) %q", msg, w)
				}
				pos += i + len(w)
			}
		})
	}
}

func TestParseQueryLine(t *testing.T) {
	ind, err := Parse("test.share.sql", []byte(goodHeader+"\nSELECT 1"))
	if err != nil {
		t.Fatal(err)
	}
	if ind.QueryLine != 13 {
		t.Fatalf("query line %d, want 13", ind.QueryLine)
	}
}

// TestCatalogueCoversDesign checks every indicator of the design's catalogue
// has a definition.
func TestCatalogueCoversDesign(t *testing.T) {
	design := []string{
		"urban.rate_resident", "urban.rate_hukou", "urban.hukou_gap_pp", "urban.rate_change_pp",
		"urban.area_km2", "urban.floating_share", "member.share_55_plus", "member.share_61_plus",
		"member.share_35_under", "member.mean_age", "member.share_junior_or_below",
		"member.share_college_plus", "member.share_floating", "member.urban_concentration",
		"member.inservice_reported", "org.coverage_economic", "org.coverage_social", "org.work_coverage",
		"org.must_establish_gap", "org.member_density", "party_org.pairing_coverage",
		"party_org.compound_branch_coverage", "community.social_worker_coverage",
		"community.staff_per_community", "community.venue_compliance",
		// village-to-community conversion (村改居), for the Minhang recalibration
		"party_org.village_share",
		// the Minhang warnings on the members they were found for
		"member.rural_share_55_plus", "member.rural_share_junior_or_below",
		// the censuses at every level, and members against the population
		"urban.rate_census", "urban.census_change_pp", "population.share_60_plus", "population.share_65_plus",
		"population.adult_share_55_plus", "population.adult_share_60_plus",
		"member.age_gap_55_pp", "member.age_gap_61_pp",
	}
	cat, err := Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	pos := map[string]int{}
	for i, ind := range cat {
		have[ind.Code] = true
		pos[ind.Code] = i
	}
	for _, c := range design {
		if !have[c] {
			t.Errorf("no definition for %s", c)
		}
	}
	if len(cat) != len(design) {
		t.Errorf("%d definitions, design lists %d", len(cat), len(design))
	}
	for _, ind := range cat {
		for _, d := range ind.DependsOn {
			if pos[d] > pos[ind.Code] {
				t.Errorf("%s comes before %s, which it depends on", ind.Code, d)
			}
		}
	}
}

func TestReadingTables(t *testing.T) {
	got, err := ReadingTables("community")
	if err != nil {
		t.Fatal(err)
	}
	want := "community.social_worker_coverage community.staff_per_community community.venue_compliance party_org.compound_branch_coverage"
	if strings.Join(got, " ") != want {
		t.Fatalf("ReadingTables(community) = %v, want %s", got, want)
	}
	sel, err := Select("urban.rate_resident")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range sel {
		codes = append(codes, s.Code)
	}
	if strings.Join(codes, " ") != "urban.rate_resident member.urban_concentration urban.hukou_gap_pp urban.rate_change_pp" {
		t.Fatalf("Select(urban.rate_resident) = %v: want it and the indicators derived from it, in order", codes)
	}
	if _, err := Select("urban.nope"); err == nil || !strings.Contains(err.Error(), `no indicator "urban.nope"`) {
		t.Fatalf("Select(urban.nope) error = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(goodHeader + "SELECT 1")
	f.Add("-- @code: a.b\n-- @x\nSELECT ';")
	f.Fuzz(func(t *testing.T, src string) {
		ind, err := Parse("a.b.sql", []byte(src))
		if err == nil && (ind.Code != "a.b" || ind.Query == "") {
			t.Fatalf("parsed without code or query: %+v", ind)
		}
	})
}
