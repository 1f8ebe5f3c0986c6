package reports

import (
	"context"
	"strings"
	"testing"
)

// blockTitled is the block of p whose title starts with prefix.
func blockTitled(t *testing.T, p *Page, prefix string) *Block {
	t.Helper()
	var titles []string
	for _, b := range p.Blocks {
		if strings.HasPrefix(b.Title, prefix) {
			return b
		}
		titles = append(titles, b.Title)
	}
	t.Fatalf("no chart titled %s… among %q", prefix, titles)
	return nil
}

// TestRuralAndVillageCharts: the members page shows the rural shares of the
// Minhang warnings over the years and by town; the district page shows the
// village share of party organisations falling beside the urbanisation rate.
func TestRuralAndVillageCharts(t *testing.T) {
	db := fixtureDB(t)
	mustExec(t, db, `
		INSERT INTO indicator (code, name_zh, name_en, unit, direction, source_tables) VALUES
		 ('member.rural_share_55_plus', '农村党员中55岁以上占比', 'Share of rural members aged 55 and over', '%', 'lower_better', 'party_member'),
		 ('member.rural_share_junior_or_below', '农村党员中初中及以下学历占比', 'Share of rural members with junior-high education or below', '%', 'lower_better', 'party_member'),
		 ('party_org.village_share', '村党组织占村（社区）党组织比重', 'Village party organisations among village and community ones', '%', 'neutral', 'party_org');
		INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, is_rollup, is_synthetic) VALUES
		 ('member.rural_share_55_plus', '310112', '2022-06-30', 2022, '', 45, 100, 45, '%', true, true),
		 ('member.rural_share_55_plus', '310112', '2024-06-30', 2024, '', 21, 40, 52.5, '%', true, true),
		 ('member.rural_share_junior_or_below', '310112', '2022-06-30', 2022, '', 72, 100, 72, '%', true, true),
		 ('member.rural_share_junior_or_below', '310112', '2024-06-30', 2024, '', 27, 40, 67.5, '%', true, true),
		 ('member.rural_share_55_plus', '310112101', '2024-06-30', 2024, '', 20, 30, 66.67, '%', false, true),
		 ('member.rural_share_55_plus', '310112102', '2024-06-30', 2024, '', 19, 37, 51.35, '%', false, true),
		 ('party_org.village_share', '310112', '1992-12-31', 1992, '', 240, 260, 92.31, '%', true, true),
		 ('party_org.village_share', '310112', '2004-12-31', 2004, '', 60, 150, 40, '%', true, true)`)
	ctx := context.Background()

	p, err := Build(ctx, db, builtinSpec(t, "members"), "310112", Zh)
	if err != nil {
		t.Fatal(err)
	}
	trend := blockTitled(t, p, "农村党员中55岁以上与初中及以下学历占比")
	j, err := OptionJSON(trend)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"农村党员中55岁以上占比"`, `"name":"农村党员中初中及以下学历占比"`,
		`"value":45`, `"value":52.5`, `"value":72`, `"value":67.5`, `"2022"`, `"2024"`} {
		if !strings.Contains(string(j), want) {
			t.Errorf("rural trend option lacks %s", want)
		}
	}
	if n := len(seriesOf(t, trend)); n != 2 {
		t.Errorf("rural trend draws %d lines, want 2", n)
	}
	ranked := blockTitled(t, p, "各街镇农村党员中55岁以上占比")
	if j, err = OptionJSON(ranked); err != nil {
		t.Fatal(err)
	}
	// Towns with rural members only: the streets have none (0 of 0).
	for _, want := range []string{`"莘庄镇"`, `"七宝镇"`, `"value":66.67`, `"value":51.35`} {
		if !strings.Contains(string(j), want) {
			t.Errorf("rural ranked option lacks %s", want)
		}
	}
	if strings.Contains(string(j), "江川路街道") {
		t.Error("rural ranked chart lists a street without rural members")
	}

	p, err = Build(ctx, db, builtinSpec(t, "district"), "310112", Zh)
	if err != nil {
		t.Fatal(err)
	}
	village := blockTitled(t, p, "村改居")
	if j, err = OptionJSON(village); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"村党组织占村（社区）党组织比重"`, `"value":92.31`, `"value":40`,
		`"name":"常住人口城镇化率"`, `"value":39.2`, `"value":80.5`} {
		if !strings.Contains(string(j), want) {
			t.Errorf("village-to-community trend option lacks %s", want)
		}
	}
}
