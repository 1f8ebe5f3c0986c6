package bulletin

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// peersDB is a database with the region table of the bundled reference
// data (Chongqing's 500100 市辖区 and 500200 县, Hubei's 429000
// 省直辖县级行政区划 among them) and, as indicator_series, a value of x for
// every district and county of Chongqing, every region of Hubei's level 2
// and 3 directly under 420000 or 429000, and the placeholders themselves
// (their roll-up, larger than any place's): the value of a region is its
// place in code order, so that the rank is known.
func peersDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`CREATE TABLE region AS SELECT code, name, CAST(level AS TINYINT) AS level, parent_code
		 FROM read_csv('../../pipelines/refdata/region_codes.csv', all_varchar = true, header = true)`,
		`CREATE TABLE indicator_series AS SELECT r.code AS region_code, 'x' AS indicator, '2020' AS period,
		 CAST(NULL AS VARCHAR) AS vintage, CASE WHEN r.code IN ('500100', '500200', '429000') THEN 1000.0
		 ELSE CAST(row_number() OVER (ORDER BY r.code) AS DOUBLE) END AS value, false AS is_synthetic
		 FROM region r LEFT JOIN region p ON p.code = r.parent_code
		 WHERE r.parent_code IN ('500000', '500100', '500200', '420000', '429000')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func peerFacts(db *sql.DB, t *testing.T, codes ...string) map[string]*Facts {
	t.Helper()
	out := map[string]*Facts{}
	for _, c := range codes {
		var v float64
		if err := db.QueryRow(`SELECT value FROM indicator_series WHERE region_code = ?`, c).Scan(&v); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		out[c] = &Facts{Region: c, Facts: map[string]*Fact{"x": {Indicator: "x", Region: c, Period: "2020", Value: v, Precision: 0}}}
	}
	return out
}

// A district of Chongqing is ranked among the municipality's 38 districts
// and counties (those under 500100 市辖区 with those under 500200 县), not
// among the 26 of its placeholder; a placeholder is no peer, and has no
// rank of its own.
func TestRanksThroughPlaceholders(t *testing.T) {
	db := peersDB(t)
	none := func(string, string, string) bool { return false }
	out := peerFacts(db, t, "500101", "500230", "500100", "420100", "429004")
	if err := gatherRanks(context.Background(), db, out, none); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		region string
		want   string
	}{
		{"500101", "在重庆市38个区县中居第38位"}, // 万州区: first code, smallest value
		{"500230", "在重庆市38个区县中居第"},
		{"420100", "在湖北省17个地区中居第17位"}, // 13 prefectures and 4 county-level cities
		{"429004", "在湖北省17个地区中居第"},
		{"500100", ""},
	} {
		if got := RankText(out[c.region].Facts["x"]); c.want == "" && got != "" || len(got) < len(c.want) || got[:len(c.want)] != c.want {
			t.Errorf("%s: %q, want %q", c.region, got, c.want)
		}
	}
	kids, err := Children(context.Background(), db, "500000", "x", "2020", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 38 || kids[0].Code == "500100" || kids[0].Code == "500200" {
		t.Errorf("Chongqing's children: %d, first %+v; want 38 places, no placeholder", len(kids), kids[0])
	}
}

// A rank among peers one of which is hidden is not given (it would tell
// where the hidden value lies, or miscount the peers); a rank among
// synthetic peers is synthetic, and its sentence says so.
func TestRanksHiddenAndSyntheticPeers(t *testing.T) {
	db := peersDB(t)
	hidden := func(region, ind, period string) bool { return region == "500102" }
	out := peerFacts(db, t, "500101", "420100")
	if err := gatherRanks(context.Background(), db, out, hidden); err != nil {
		t.Fatal(err)
	}
	if r := out["500101"].Facts["x"].Rank; r != nil {
		t.Errorf("ranked beside a hidden peer: %+v", r)
	}
	if r := out["420100"].Facts["x"].Rank; r == nil || r.Synthetic {
		t.Errorf("Hubei's rank: %+v, want a real rank", r)
	}
	if _, err := db.Exec(`UPDATE indicator_series SET is_synthetic = true WHERE region_code = '420200'`); err != nil {
		t.Fatal(err)
	}
	out = peerFacts(db, t, "420100")
	if err := gatherRanks(context.Background(), db, out, hidden); err != nil {
		t.Fatal(err)
	}
	x := out["420100"].Facts["x"]
	if x.Rank == nil || !x.Rank.Synthetic {
		t.Fatalf("rank among a synthetic peer: %+v", x.Rank)
	}
	x.Name, x.Unit, x.Precision = "常住人口城镇化率", "%", 1
	f := &Facts{Region: "420100", Name: "武汉市", Level: 2, Facts: map[string]*Fact{"urban.rate_census": x}}
	x.Indicator, x.Period = "urban.rate_census", "2020-11-01"
	tm, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	secs, err := tm.Write(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) == 0 || len(secs[0].Paragraphs) == 0 || secs[0].Paragraphs[0][:len("【示例数据】")] != "【示例数据】" {
		t.Errorf("a real value ranked among synthetic peers is not marked: %+v", secs)
	}
}

// Shanghai's 16 districts are 16个区, not 区县; two districts of the same
// published value share the place (并列第1位), and the one below them is
// third.
func TestRanksWordsAndTies(t *testing.T) {
	db := peersDB(t)
	if _, err := db.Exec(`INSERT INTO indicator_series SELECT code, 'x', '2020', NULL,
		CASE code WHEN '310101' THEN 90.04 WHEN '310104' THEN 89.96 WHEN '310105' THEN 89.9 ELSE 50 END, false
		FROM region WHERE parent_code = '310100'`); err != nil {
		t.Fatal(err)
	}
	out := map[string]*Facts{}
	for code, v := range map[string]float64{"310101": 90.04, "310104": 89.96, "310105": 89.9} {
		out[code] = &Facts{Region: code, Facts: map[string]*Fact{"x": {Indicator: "x", Region: code, Period: "2020", Value: v, Precision: 1}}}
	}
	if err := gatherRanks(context.Background(), db, out, func(string, string, string) bool { return false }); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"310101": "在上海市16个区中并列第1位", "310104": "在上海市16个区中并列第1位",
		"310105": "在上海市16个区中居第3位"} {
		if got := RankText(out[code].Facts["x"]); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

func TestPeerKind(t *testing.T) {
	for _, c := range []struct {
		level int
		names []string
		want  string
	}{
		{3, []string{"黄浦区", "浦东新区"}, "区"},
		{3, []string{"崇明县", "长兴县"}, "县"},
		{3, []string{"万州区", "城口县"}, "区县"},
		{3, []string{"江阴市", "宜兴市", "梁溪区"}, "区县"},
		{4, []string{"江川路街道", "古美路街道"}, "街道"},
		{4, []string{"江川路街道", "七宝镇", "莘庄工业区"}, "街道（乡镇）"},
		{1, []string{"北京市", "河北省"}, "省份"},
	} {
		if got := peerKind(c.level, c.names); got != c.want {
			t.Errorf("%d %v: %s, want %s", c.level, c.names, got, c.want)
		}
	}
}

func TestYearList(t *testing.T) {
	for want, years := range map[string][]int{"": nil, "2020": {2020}, "1992, 2000–2002, 2010–2024": {1992, 2000, 2001, 2002, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024}, "2010, 2020": {2010, 2020}} {
		if got := YearList(years); got != want {
			t.Errorf("%v: %q, want %q", years, got, want)
		}
	}
}
