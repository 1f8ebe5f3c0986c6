package reports

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// builtinSpec is one of the reports shipped in reports/*.yaml.
func builtinSpec(t *testing.T, name string) *Spec {
	t.Helper()
	specs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no built-in report %s", name)
	return nil
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q); err != nil {
		t.Fatal(err)
	}
}

// withPartialRollups adds to the fixture what the demo leaves in a
// warehouse: published national figures of two vintages, and a synthetic
// district's figures summed up to Shanghai and the country, flagged partial
// (1 of 31 provinces is not the national rate).
func withPartialRollups(t *testing.T, db *sql.DB) {
	mustExec(t, db, `
		UPDATE indicator SET vintages = 'NBS_data_portal_revised,first_release' WHERE code = 'urban.rate_resident';
		UPDATE indicator SET vintages = 'hukou_rate_release' WHERE code = 'urban.rate_hukou';
		INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, flags, is_rollup, is_synthetic) VALUES
		 ('urban.rate_resident', '000000', '2022', 2022, 'NBS_data_portal_revised', 920710000, 1411750000, 65.22, '%', '', false, false),
		 ('urban.rate_resident', '000000', '2023', 2023, 'NBS_data_portal_revised', 932670000, 1409670000, 66.16, '%', '', false, false),
		 ('urban.rate_resident', '000000', '2024', 2024, 'first_release', 943500000, 1408280000, 67.0, '%', '', false, false),
		 ('urban.rate_hukou', '000000', '2020', 2020, 'hukou_rate_release', 45.4, 100, 45.4, '%', 'published', false, false),
		 ('urban.rate_resident', '000000', '2024', 2024, 'demo', 1100000, 1211000, 90.8, '%', 'partial: 1 of 31 sub-regions', true, true),
		 ('urban.rate_hukou', '000000', '2024', 2024, 'demo', 900000, 1150000, 78.6, '%', 'partial: 1 of 31 sub-regions', true, true),
		 ('urban.rate_resident', '310000', '2024', 2024, 'demo', 1100000, 1211000, 90.8, '%', 'partial: sub-regions missing further down', true, true),
		 ('urban.rate_hukou', '310000', '2024', 2024, 'demo', 900000, 1150000, 78.6, '%', 'partial: sub-regions missing further down', true, true),
		 ('urban.rate_resident', '440000', '2024', 2024, 'demo', 10, 20, 50, '%', 'partial: 1 of 21 sub-regions', true, true),
		 ('urban.rate_resident', '310100', '2024', 2024, 'demo', 1100000, 1211000, 90.8, '%', 'partial: 1 of 16 sub-regions', true, true)`)
}

// TestSeriesView: indicator_series keeps one vintage per indicator and
// region, the preferred one among values that are not partial roll-ups.
func TestSeriesView(t *testing.T) {
	db := fixtureDB(t)
	withPartialRollups(t, db)
	rows, err := db.QueryContext(context.Background(), `
		SELECT indicator, region_code, string_agg(DISTINCT vintage, ',' ORDER BY vintage), count(*), bool_or(is_synthetic)
		FROM indicator_series WHERE region_code IN ('000000', '310000', '310100', '440000') AND indicator IN ('urban.rate_resident', 'urban.rate_hukou')
		GROUP BY ALL ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var ind, region, vintages string
		var n int
		var synth bool
		if err := rows.Scan(&ind, &region, &vintages, &n, &synth); err != nil {
			t.Fatal(err)
		}
		line := ind + " " + region + " " + vintages
		if synth {
			line += " synthetic"
		}
		got = append(got, line)
	}
	// The country: its preferred published vintage, not the synthetic
	// partial roll-up; Shanghai and Guangdong: their own 2020 figures (the
	// partial 2024 roll-up is not theirs); 310100: nothing at all.
	want := []string{
		"urban.rate_hukou 000000 hukou_rate_release",
		"urban.rate_resident 000000 NBS_data_portal_revised",
		"urban.rate_resident 310000 ",
		"urban.rate_resident 440000 ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("indicator_series:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// With its preferred vintage all partial, a region falls back to the
	// next one it has complete values for.
	mustExec(t, db, `UPDATE indicator SET vintages = 'demo,first_release' WHERE code = 'urban.rate_resident'`)
	var v string
	if err := db.QueryRow(`SELECT string_agg(DISTINCT vintage) FROM indicator_series WHERE indicator = 'urban.rate_resident' AND region_code = '000000'`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != "first_release" {
		t.Errorf("national series with demo preferred but partial: vintage %q, want first_release", v)
	}
}

// TestNationalPageShowsNoPartialRollup: with a synthetic district summed up
// to the country, the national page still shows only published figures and
// carries no synthetic banner.
func TestNationalPageShowsNoPartialRollup(t *testing.T) {
	db := fixtureDB(t)
	withPartialRollups(t, db)
	// The province map reads the census; the fixture's made-up census
	// figures of some provinces are synthetic, the published ones are not.
	mustExec(t, db, `DELETE FROM indicator_value_history WHERE indicator = 'urban.rate_census' AND is_synthetic`)
	// First releases are preliminary (as the national pipeline marks them).
	mustExec(t, db, `UPDATE indicator_value_history SET status = 'preliminary' WHERE vintage IN ('first_release', 'hukou_rate_release')`)
	s := builtinSpec(t, "national")
	for i := 0; i < 3; i++ { // the gauge once read whichever vintage came first
		p, err := Build(context.Background(), db, s, s.Region, Zh)
		if err != nil {
			t.Fatal(err)
		}
		if p.Synthetic {
			t.Fatal("the national page is marked synthetic")
		}
		// What the reader sees: the symbol beside the preliminary value and
		// the legend under the chart.
		page, err := PageHTML(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"常住人口城镇化率 67.0% p（2024", `<p class="footnote">注：p 快报数。</p>`} {
			if !strings.Contains(string(page), want) {
				t.Errorf("the national page lacks %q", want)
			}
		}
		for _, b := range p.Blocks {
			if b.Synthetic {
				t.Errorf("chart %s (%s) shows synthetic data", b.ID, b.Title)
			}
			switch b.Kind {
			case "gauge":
				for _, want := range []string{"常住人口城镇化率 67.0% p（2024，年度统计公报首次发布）", "户籍人口城镇化率 45.4% p（2020，户籍城镇化率发布）"} {
					if !strings.Contains(b.Note, want) {
						t.Errorf("gauge note %q lacks %q", b.Note, want)
					}
				}
				if len(b.Footnotes) != 1 || b.Footnotes[0] != "注：p 快报数。" {
					t.Errorf("gauge footnotes %q, want the legend of p", b.Footnotes)
				}
				if strings.Contains(b.Note, "90.8") || strings.Contains(b.Note, "78.6") {
					t.Errorf("gauge shows the partial roll-up: %q", b.Note)
				}
			case "map":
				j, err := OptionJSON(b)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(j), `"name":"上海","value":89.3`) || strings.Contains(string(j), "90.8") {
					t.Errorf("map does not colour 上海 with its own 89.3%%: %s", j)
				}
				if b.Note != "常住人口城镇化率（普查） · 2020-11-01" {
					t.Errorf("map note %q", b.Note)
				}
			}
		}
	}
	// A province with only a partial roll-up is left off the map, and the
	// map says so (the map drawn from the yearly series, not the census).
	for i := range s.Charts {
		if s.Charts[i].Kind == "map" {
			s.Charts[i].Indicators, s.Charts[i].Period = []string{"urban.rate_resident"}, ""
		}
	}
	mustExec(t, db, `DELETE FROM indicator_value_history WHERE region_code IN ('310000', '440000', '450000') AND flags = ''`)
	p, err := Build(context.Background(), db, s, s.Region, Zh)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range p.Blocks {
		if b.Kind == "map" && b.Empty != "暂无数据：常住人口城镇化率（省级） 上海、广东 只有部分下级区域的汇总（不完整，不是该地区的数字），未上图。" {
			t.Errorf("map of partial roll-ups only: empty %q, option %v", b.Empty, b.Option != nil)
		}
	}
}

// TestDistrictFromSubRegions: a district with population rows only for its
// townships shows the rates summed from them and says so; its gauges show
// the targets set for every region and name the indicators without one.
func TestDistrictFromSubRegions(t *testing.T) {
	db := fixtureDB(t)
	mustExec(t, db, `
		DELETE FROM population_history WHERE region_code = '310112';
		DELETE FROM target WHERE region_code = '310112';
		UPDATE indicator_value_history SET is_rollup = true, vintage = 'demo' WHERE region_code = '310112' AND indicator LIKE 'urban.%';
		INSERT INTO indicator (code, name_zh, name_en, unit, direction, source_tables) VALUES
		 ('community.social_worker_coverage', '专职社工配备率', 'Communities with a full-time social worker', '%', 'higher_better', 'community');
		INSERT INTO population_history (region_code, year, reference_date, vintage, resident_pop, urban_resident_pop, hukou_pop, urban_hukou_pop, source, is_synthetic) VALUES
		 ('310112001', 2004, '2004-12-31', 'demo', 700000, 676000, 400000, 300000, 'synthetic demo', true),
		 ('310112006', 2004, '2004-12-31', 'demo', 500000, 290000, 300000, 150000, 'synthetic demo', true);
		INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, is_rollup, is_synthetic) VALUES
		 ('urban.rate_resident', '310112001', '2004', 2004, 'demo', 676000, 700000, 96.57, '%', false, true),
		 ('urban.rate_resident', '310112006', '2004', 2004, 'demo', 290000, 500000, 58, '%', false, true),
		 ('community.social_worker_coverage', '310112', '2024-12-31', 2024, '', 41, 50, 82, '%', true, true);
		INSERT INTO target (indicator, region_code, target_year, target_value, binding, source) VALUES
		 ('community.social_worker_coverage', '*', 2020, 100, false, 'source studies (community staffing)'),
		 ('party_org.pairing_coverage', '*', NULL, 100, false, 'source studies')`)
	s := builtinSpec(t, "district")
	p, err := Build(context.Background(), db, s, "310112", Zh)
	if err != nil {
		t.Fatal(err)
	}
	urb, gauge := p.Blocks[0], p.Blocks[1]
	if urb.Empty != "" || urb.Option == nil {
		t.Fatalf("district urbanisation chart is empty: %q", urb.Empty)
	}
	if !strings.Contains(urb.Note, "闵行区 没有本级人口数据：城镇化率按所辖 2 个下级区域的人口合计计算") || !urb.Synthetic {
		t.Errorf("district urbanisation note %q (synthetic %v)", urb.Note, urb.Synthetic)
	}
	j, err := OptionJSON(urb)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"常住人口城镇化率 · 示例数据"`, `"value":39.2`, `"value":80.5`, `"value":64.29`} {
		if !strings.Contains(string(j), want) {
			t.Errorf("district urbanisation option lacks %s", want)
		}
	}
	if len(urb.Sources) == 0 || !strings.Contains(urb.Sources[0], "urban.rate_resident") {
		t.Errorf("district urbanisation sources %q do not name the indicator", urb.Sources)
	}
	if gauge.Empty != "" || gauge.Option == nil {
		t.Fatalf("district gauge is empty: %q", gauge.Empty)
	}
	for _, want := range []string{"专职社工配备率 82.0%（2024-12-31）→ 通用目标 2020年 100.0%：距目标 18.0个百分点",
		"未设目标：常住人口城镇化率、户籍人口城镇化率、新经济组织党组织覆盖率"} {
		if !strings.Contains(gauge.Note, want) {
			t.Errorf("district gauge note %q lacks %q", gauge.Note, want)
		}
	}
	if len(seriesOf(t, gauge)) != 1 {
		t.Errorf("district gauge draws %d gauges, want 1", len(seriesOf(t, gauge)))
	}
	// No target at all: the chart names the indicators, not a bare no-data box.
	mustExec(t, db, `DELETE FROM target`)
	p, err = Build(context.Background(), db, s, "310112", Zh)
	if err != nil {
		t.Fatal(err)
	}
	if g := p.Blocks[1]; g.Option != nil || !strings.HasPrefix(g.Empty, "未设目标：常住人口城镇化率、户籍人口城镇化率、新经济组织党组织覆盖率、专职社工配备率") {
		t.Errorf("district gauge without targets: empty %q", g.Empty)
	}
}

func seriesOf(t *testing.T, b *Block) []any {
	t.Helper()
	s, _ := b.Option["series"].([]any)
	return s
}
