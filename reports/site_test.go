package reports

import (
	"context"
	"encoding/json"
	stdhtml "html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// renderRegions renders the region pages of subtrees (and the reports of
// specs) from the fixture into a new folder.
func renderSite(t *testing.T, specs []*Spec, o Options) (*Site, string) {
	t.Helper()
	db := fixtureDB(t)
	o.Out = t.TempDir()
	site, err := Render(context.Background(), db, specs, o)
	if err != nil {
		t.Fatal(err)
	}
	return site, o.Out
}

// regionFiles are the region pages written in dir, by code.
func regionFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "region-*.html"))
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range paths {
		codes = append(codes, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "region-"), ".html"))
	}
	sort.Strings(codes)
	return codes
}

var (
	hrefRE    = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	crumbsRE  = regexp.MustCompile(`<span class="crumbs">(.*?)</span> · `)
	tagRE     = regexp.MustCompile(`<[^>]+>`)
	drawRE    = regexp.MustCompile(`draw\("([^"]+)", (.*)\);\n`)
	sectionRE = regexp.MustCompile(`(?s)<section class="block[^"]*" data-kind="([a-z_]+)">\s*<h2>(.*?)</h2>(.*?)</section>`)
)

// text is what a reader sees of an HTML fragment.
func text(html string) string {
	return stdhtml.UnescapeString(tagRE.ReplaceAllString(html, ""))
}

// options are the chart options a page draws, by DOM id.
func options(t *testing.T, page string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, m := range drawRE.FindAllStringSubmatch(page, -1) {
		var o map[string]any
		if err := json.Unmarshal([]byte(m[2]), &o); err != nil {
			t.Fatalf("option of %s: %v", m[1], err)
		}
		out[m[1]] = o
	}
	return out
}

// sections are the blocks of a page: kind, title and body, in order.
func sections(page string) [][3]string {
	var out [][3]string
	for _, m := range sectionRE.FindAllStringSubmatch(page, -1) {
		out = append(out, [3]string{m[1], m[2], m[3]})
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRegionSitePages: `--region 000000 --all` gives a page to every region
// with data, through the placeholder prefectures (市辖区, 省直辖县级行政区划)
// that get none, and every link of every page leads to a file of the site.
func TestRegionSitePages(t *testing.T) {
	site, dir := renderSite(t, nil, Options{Regions: []Subtree{{Code: CountryCode, Depth: AllLevels}}})
	want := []string{"000000", "110000", "110101", "310000", "310101", "310104", "310112",
		"310112001", "310112006", "310112101", "310151", "410000", "410100", "410102", "419001",
		"440000", "440100", "440103", "440104", "440300", "440303", "450000", "450100"}
	if got := regionFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("region pages:\n%v\nwant\n%v", got, want)
	}
	if len(site.Regions) != len(want) || site.Regions[0].Code != CountryCode {
		t.Errorf("Site.Regions: %d pages, first %+v", len(site.Regions), site.Regions[0])
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	for _, p := range pages {
		page := readFile(t, p)
		for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
			link := m[1]
			if strings.Contains(link, "://") || strings.HasPrefix(link, "//") {
				t.Errorf("%s links outside the site: %s", filepath.Base(p), link)
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, link)); err != nil {
				t.Errorf("%s links to %s, which the site does not have", filepath.Base(p), link)
			}
		}
		for _, bad := range []string{"http://", "https://"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s mentions %s", filepath.Base(p), bad)
			}
		}
		if strings.Contains(page, `class="empty"`) && strings.HasPrefix(filepath.Base(p), "region-") {
			t.Errorf("%s shows an empty box: optional charts without data are left out", filepath.Base(p))
		}
	}
	idx := readFile(t, filepath.Join(dir, "index.html"))
	if !strings.Contains(idx, `<a href="region-000000.html">全国</a>（000000）`) || !strings.Contains(idx, `<td class="num">23</td>`) {
		t.Errorf("index.html does not list the country's page with its 23 pages:\n%s", idx)
	}

	// Breadcrumbs lead up to the country through existing pages, the
	// placeholder 市辖区 left out.
	for code, want := range map[string]string{
		"310112":    "全国 › 上海市 › 闵行区",
		"310112006": "全国 › 上海市 › 闵行区 › 古美街道",
		"419001":    "全国 › 河南省 › 济源市",
		"000000":    "全国",
	} {
		page := readFile(t, filepath.Join(dir, RegionFile(code)))
		m := crumbsRE.FindStringSubmatch(page)
		if m == nil || text(m[1]) != want {
			t.Errorf("%s: breadcrumbs %q, want %q", code, m, want)
			continue
		}
		if code != CountryCode && !strings.Contains(m[1], `<a href="region-000000.html">全国</a>`) {
			t.Errorf("%s: the breadcrumbs do not link the country's page: %s", code, m[1])
		}
	}
	// Down: a municipality lists its districts, a province with counties
	// directly under it lists them beside its prefectures.
	for code, want := range map[string]string{
		"310000": "下级地区（4）：黄浦区 徐汇区 闵行区 崇明区",
		"410000": "下级地区（2）：郑州市 济源市",
		"310112": "下级地区（3）：江川路街道 古美街道 莘庄镇",
	} {
		page := readFile(t, filepath.Join(dir, RegionFile(code)))
		i := strings.Index(page, `<p class="meta below">`)
		if i < 0 || strings.TrimSpace(text(page[i:i+strings.Index(page[i:], "</p>")])) != want {
			t.Errorf("%s: links down %q, want %q", code, page[max(i, 0):max(i, 0)+200], want)
		}
	}
}

// TestNationalPage: the provinces on two census maps with real figures, the
// published national rate beside the sum of the provinces, each labelled,
// and the provinces ranked with how many have data.
func TestNationalPage(t *testing.T) {
	_, dir := renderSite(t, nil, Options{Regions: []Subtree{{Code: CountryCode, Depth: 1}}})
	if got := regionFiles(t, dir); len(got) != 6 {
		t.Errorf("the country and its provinces are 6 pages, got %v", got)
	}
	page := readFile(t, filepath.Join(dir, RegionFile(CountryCode)))
	var kinds []string
	for _, s := range sections(page) {
		kinds = append(kinds, s[0])
	}
	if got := strings.Join(kinds, " "); got != "figures children_map children_map children census_pyramid census" {
		t.Errorf("national page blocks: %s", got)
	}
	opts := options(t, page)
	maps := 0
	for id, o := range opts {
		s := o["series"].([]any)[0].(map[string]any)
		if s["type"] != "map" {
			continue
		}
		maps++
		if s["map"] != "china" {
			t.Errorf("%s draws on map %v, want china", id, s["map"])
		}
		values := map[string]float64{}
		for _, d := range s["data"].([]any) {
			d := d.(map[string]any)
			values[d["name"].(string)] = d["value"].(float64)
		}
		want := map[string]float64{"北京": 87.55, "上海": 89.3, "广东": 74.15, "河南": 55.43, "广西": 54.2}
		if strings.Contains(id, "-3-") { // 2010
			want = map[string]float64{"北京": 85.96, "上海": 89.3, "广东": 66.17}
		}
		if !mapsEqual(values, want) {
			t.Errorf("%s: provinces %v, want %v", id, values, want)
		}
	}
	if maps != 2 {
		t.Errorf("national page: %d maps, want the 2020 and the 2010 census", maps)
	}
	if !strings.Contains(page, `<script src="assets/china.js">`) || strings.Contains(page, "assets/map-") {
		t.Error("the national page does not load exactly the China map")
	}
	body := text(page)
	for _, want := range []string{
		"63.89%", "63.84%（下级汇总：31个省份中31个）", "现役军人", // published beside summed
		"广西壮族自治区 只有部分下级区域的汇总", // the 2010 map leaves 广西 off, and says so
		"5个省份中5个有数据",          // the ranking's completeness
		"2010年：部分汇总：14个地市中1个，不是该地区的数字",
		"真实数据",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("national page does not say %q", want)
		}
	}
	// Ranked: rank, linked name, 2020, 2010, change.
	i := strings.Index(page, `data-kind="children"`)
	table := page[i : i+strings.Index(page[i:], "</table>")]
	for _, want := range []string{
		`<td class="num">1</td><td><a href="region-310000.html">上海市</a></td><td class="num">89.30%<span class="bar" style="width:89.3%"></span></td><td class="num">89.30%</td><td class="num">0.00</td>`,
		`<td class="num">3</td><td><a href="region-440000.html">广东省</a></td><td class="num">74.15%`,
		`<a href="region-410000.html">河南省</a> <span class="badge">示例</span>`,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the ranking lacks %s:\n%s", want, table)
		}
	}
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestProvincePage: a province's prefectures on its own map (a prefecture
// summed from its counties drawn too, as its figure), and all its counties
// ranked; a municipality's districts on its map, matched by name where the
// map's code is older, and not ranked twice.
func TestProvincePage(t *testing.T) {
	_, dir := renderSite(t, nil, Options{Regions: []Subtree{{Code: "440000", Depth: AllLevels}, {Code: "310000", Depth: AllLevels}}})
	page := readFile(t, filepath.Join(dir, RegionFile("440000")))
	if !strings.Contains(page, `<script src="assets/map-440000.js">`) {
		t.Error("the Guangdong page does not load its map")
	}
	js := readFile(t, filepath.Join(dir, "assets", "map-440000.js"))
	if !strings.HasPrefix(js, `echarts.registerMap("440000", {`) {
		t.Errorf("assets/map-440000.js: %.60s", js)
	}
	var m map[string]any
	for id, o := range options(t, page) {
		if s := o["series"].([]any)[0].(map[string]any); s["type"] == "map" && strings.HasPrefix(id, "c-region-2-") {
			m = s
		}
	}
	if m == nil {
		t.Fatal("no map of Guangdong on its page")
	}
	if got, _ := json.Marshal(m["data"]); string(got) != `[{"name":"广州市","value":86.19},{"name":"深圳市","value":99.54}]` {
		t.Errorf("Guangdong's map: %s", got)
	}
	var titles []string
	for _, s := range sections(page) {
		titles = append(titles, s[0]+":"+s[1])
		if s[0] == "children" && strings.Contains(s[1], "区县") {
			body := text(s[2])
			if !strings.Contains(body, "3个区县中3个有数据") || strings.Count(s[2][strings.Index(s[2], "<tbody>"):], "<tr") != 3 {
				t.Errorf("county ranking:\n%s", body)
			}
		}
	}
	if !slices.Contains(titles, "children:全省各区县排名：常住人口城镇化率及其变化") {
		t.Errorf("the Guangdong page ranks no counties: %v", titles)
	}
	if !strings.Contains(text(page), "99.54% Σ") || !strings.Contains(text(page), "Σ：该地区没有本级数字，为其下级的完整汇总。") {
		t.Error("深圳市's figure summed from its counties is not marked as such")
	}

	sh := readFile(t, filepath.Join(dir, RegionFile("310000")))
	for _, o := range options(t, sh) {
		if s := o["series"].([]any)[0].(map[string]any); s["type"] == "map" {
			var names []string
			for _, d := range s["data"].([]any) {
				names = append(names, d.(map[string]any)["name"].(string))
			}
			if s["map"] != "310000" || !slices.Contains(names, "崇明区") || !slices.Contains(names, "闵行区") {
				t.Errorf("Shanghai's map %v: %v", s["map"], names)
			}
		}
	}
	// Summed through the placeholder 市辖区: counted in districts.
	if !strings.Contains(text(sh), "89.30%（下级汇总：4个区县中4个）") {
		t.Error("Shanghai's sum of its districts is not counted in districts")
	}
	// Ranked by urbanisation once (not again as "every county of the
	// province"), and by party indicators where a district has them.
	if n := strings.Count(sh, "下级地区排名：常住人口城镇化率及其变化") + strings.Count(sh, "全省各区县排名"); n != 1 {
		t.Errorf("Shanghai's districts ranked by urbanisation %d times, want once", n)
	}
	if !strings.Contains(sh, "各区县基层党建指标") {
		t.Error("Shanghai's page does not rank its districts by party indicators (闵行区 has them)")
	}
}

// TestCountyPage: a county's census pyramid, its urbanisation against the
// regions above it, its party indicators (synthetic, and labelled so), its
// towns ranked and linked, and links to the reports shown for it.
func TestCountyPage(t *testing.T) {
	specs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	_, dir := renderSite(t, specs, Options{Regions: []Subtree{{Code: "310000", Depth: AllLevels}}})
	page := readFile(t, filepath.Join(dir, RegionFile("310112")))
	var kinds []string
	for _, s := range sections(page) {
		kinds = append(kinds, s[0])
	}
	if got := strings.Join(kinds, " "); got != "figures compare_above census_pyramid compare_above census figures children figures trend" {
		t.Errorf("county page blocks: %s", got)
	}
	opts := options(t, page)
	for id, o := range opts {
		if !strings.Contains(id, "compare-above") || strings.Contains(id, "-8-") {
			continue
		}
		if got, _ := json.Marshal(o["xAxis"].([]any)[0].(map[string]any)["data"]); string(got) != `["全国","上海市","闵行区"]` {
			t.Errorf("%s compares %s", id, got)
		}
		var vals []string
		for _, s := range o["series"].([]any) {
			b, _ := json.Marshal(s.(map[string]any)["data"])
			vals = append(vals, string(b))
		}
		if got := strings.Join(vals, " "); got != `[49.68,89.3,100] [63.89,89.3,95.8]` {
			t.Errorf("%s: %s", id, got)
		}
	}
	body := text(page)
	for _, want := range []string{
		"党员与人口55岁以上占比之差 示例", "+12.30", // the party indicator, synthetic and labelled
		"2020年普查 · 常住人口", "虚线为2010年", // the pyramid's note
		"4个街镇中3个有数据",
		"专题报告：本区城镇化与基层党建概览 · 党员队伍结构 · 两新组织党的组织覆盖",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("county page does not say %q", want)
		}
	}
	if !strings.Contains(page, `<a href="region-310112001.html">江川路街道</a> <span class="badge">示例</span>`) {
		t.Error("the county page does not link its towns, labelled synthetic")
	}
	if !strings.Contains(page, `<span class="badge">示例数据 / synthetic</span>`) {
		t.Error("the county page, with synthetic figures, is not labelled so in its header")
	}
	// The report page links back up through the region pages.
	district := readFile(t, filepath.Join(dir, "district.html"))
	m := crumbsRE.FindStringSubmatch(district)
	if m == nil || !strings.Contains(m[1], `<a href="region-310112.html">闵行区</a>`) || text(m[1]) != "全国 › 上海市 › 闵行区 › 本区城镇化与基层党建概览" ||
		strings.Contains(m[1], `<span aria-current="page">全国`) {
		t.Errorf("district.html breadcrumbs: %v", m)
	}
	// The country has no page in this site: it is named, not linked.
	if strings.Contains(page, `href="region-000000.html"`) {
		t.Error("a link to the country's page, which this site does not have")
	}
}

// TestRankingHundreds: a prefecture of 150 counties ranks them all, rank
// numbers and bars, in a table that may break across printed pages.
func TestRankingHundreds(t *testing.T) {
	db := fixtureDB(t)
	mustExec(t, db, `
		INSERT INTO region_history (code, name, level, level_name, parent_code)
		SELECT '44' || lpad(CAST(i AS VARCHAR), 4, '0'), '示例县' || i, 3, 'county', '440300' FROM range(1000, 1150) r(i);
		INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, value, unit, is_synthetic)
		SELECT 'urban.rate_census', '44' || lpad(CAST(i AS VARCHAR), 4, '0'), '2020-11-01', 2020, 'census', 20 + (i * 37) % 80, '%', true FROM range(1000, 1150) r(i)`)
	out := t.TempDir()
	if _, err := Render(context.Background(), db, nil, Options{Out: out, Regions: []Subtree{{Code: "440300", Depth: 1}}}); err != nil {
		t.Fatal(err)
	}
	page := readFile(t, filepath.Join(out, RegionFile("440300")))
	i := strings.Index(page, `data-kind="children"`)
	if i < 0 {
		t.Fatal("no ranking on the page")
	}
	if !strings.Contains(page[i-40:i], `class="block long"`) {
		t.Error("a table of 151 rows is not allowed to break across printed pages")
	}
	table := page[i : i+strings.Index(page[i:], "</table>")]
	if n := strings.Count(table[strings.Index(table, "<tbody>"):], "<tr"); n != 151 {
		t.Errorf("%d rows, want 151 counties", n)
	}
	if !strings.Contains(table, `<td class="num">151</td>`) || strings.Count(table, `class="bar"`) != 151 {
		t.Error("the 151st county has no rank, or rows lack their bar")
	}
	if !strings.Contains(text(table), "151个区县中151个有数据") && !strings.Contains(text(page), "151个区县中151个有数据") {
		t.Error("the ranking does not say how many counties have data")
	}
}

// TestRegionSiteEnglish: completeness reads in English too.
func TestRegionSiteEnglish(t *testing.T) {
	_, dir := renderSite(t, nil, Options{Lang: En, Regions: []Subtree{{Code: CountryCode, Depth: 0}}})
	body := text(readFile(t, filepath.Join(dir, RegionFile(CountryCode))))
	for _, want := range []string{"63.84% (summed: 31 of 31 provinces)", "5 of 5 provinces with data", "partial: 1 of 14 prefectures — not the region's figure", "Rank"} {
		if !strings.Contains(body, want) {
			t.Errorf("English national page does not say %q", want)
		}
	}
}

func TestRegionSiteUnknownRegion(t *testing.T) {
	db := fixtureDB(t)
	_, err := Render(context.Background(), db, nil, Options{Out: t.TempDir(), Regions: []Subtree{{Code: "999999", Depth: AllLevels}}})
	if err == nil || !strings.Contains(err.Error(), "region 999999 is not in the region table") {
		t.Errorf("Render of an unknown region: %v", err)
	}
}

// TestRegionTemplate: the built-in template parses, names no region, and
// only kinds and indicators that exist.
func TestRegionTemplate(t *testing.T) {
	s, err := RegionTemplate()
	if err != nil {
		t.Fatal(err)
	}
	if s.Region != "" || len(s.Charts) < 5 {
		t.Errorf("template: region %q, %d charts", s.Region, len(s.Charts))
	}
	_, err = LoadTemplates(os.DirFS("testdata"), ".", "testdata")
	if err == nil || !strings.Contains(err.Error(), `testdata/all.yaml: region "310112": a template is drawn for every region and names none`) {
		t.Errorf("a template with a region: %v", err)
	}
}
