package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// builtinPages are the pages `grassroots report` writes with no names given.
var builtinPages = []string{"district.html", "members.html", "national.html", "organisations.html"}

func readPage(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReportWritesSite(t *testing.T) {
	w := indicatorFixture(t)
	mustRun(t, "", "indicators", "compute", "--warehouse", w)
	out := filepath.Join(t.TempDir(), "site")
	stdout := mustRun(t, "", "report", "--warehouse", w, "--out", out)
	if !strings.Contains(stdout, "4 reports in ") || !strings.Contains(stdout, filepath.Join(out, "index.html")) {
		t.Errorf("report does not say how many reports it wrote and where:\n%s", stdout)
	}
	// Reports without a region of their own show the county the registers
	// describe; the national one shows the country.
	if !strings.Contains(stdout, "310112") || !strings.Contains(stdout, "闵行区") || !strings.Contains(stdout, "000000") {
		t.Errorf("report does not list the regions shown:\n%s", stdout)
	}
	index := readPage(t, filepath.Join(out, "index.html"))
	for _, p := range builtinPages {
		page := readPage(t, filepath.Join(out, p))
		if !strings.Contains(index, `href="`+p+`"`) {
			t.Errorf("index.html does not link %s", p)
		}
		if !strings.Contains(page, `<script src="assets/echarts.min.js">`) || !strings.Contains(page, `<html lang="zh-CN">`) {
			t.Errorf("%s does not load ECharts from assets/ or is not in Chinese", p)
		}
	}
	// The fixture's registers are synthetic: the members page says so.
	if members := readPage(t, filepath.Join(out, "members.html")); !strings.Contains(members, "示例数据 / synthetic") {
		t.Error("members.html shows synthetic registers without the synthetic banner")
	}
	for _, a := range []string{"echarts.min.js", "china.js"} {
		if st, err := os.Stat(filepath.Join(out, "assets", a)); err != nil || st.Size() == 0 {
			t.Errorf("assets/%s not written: %v", a, err)
		}
	}
}

func TestReportSingleFileEnglish(t *testing.T) {
	w := indicatorFixture(t)
	out := filepath.Join(t.TempDir(), "site")
	stdout := mustRun(t, "", "report", "--warehouse", w, "--out", out, "--single-file", "--lang", "en", "--region", "310112", "district", "members.yaml")
	if !strings.Contains(stdout, "2 reports in ") {
		t.Errorf("report of two named reports:\n%s", stdout)
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "district.html index.html members.html" {
		t.Errorf("--single-file wrote %v, want the two pages and index.html (no assets/)", names)
	}
	page := readPage(t, filepath.Join(out, "district.html"))
	for _, want := range []string{`<html lang="en">`, "District overview", "All reports", "Region：", "闵行区"} {
		if !strings.Contains(page, want) {
			t.Errorf("district.html with --lang en lacks %q", want)
		}
	}
	for _, bad := range []string{"返回目录", "本区城镇化与基层党建概览", `src="assets/`} {
		if strings.Contains(page, bad) {
			t.Errorf("district.html with --lang en --single-file contains %q", bad)
		}
	}
	if !strings.Contains(page, "echarts") || len(page) < 500_000 {
		t.Errorf("district.html with --single-file does not inline ECharts (%d bytes)", len(page))
	}
	if index := readPage(t, filepath.Join(out, "index.html")); !strings.Contains(index, "Party members") || strings.Contains(index, "national.html") {
		t.Error("index.html does not list exactly the reports asked for, in English")
	}
}

func TestReportUsageErrors(t *testing.T) {
	w := indicatorFixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"no-such-report"}, `no report "no-such-report" (reports: district, members, national, organisations)`},
		{[]string{"--lang", "fr"}, `--lang "fr": want zh or en`},
		{[]string{"--region", "3101"}, `--region "3101": want a 6-, 9- or 12-digit region code`},
	} {
		out := filepath.Join(t.TempDir(), "site")
		code, _, errs := run(t, "", append([]string{"report", "--warehouse", w, "--out", out}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("report %q: exit %d, stderr %q; want exit 2 saying %q", tc.args, code, errs, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("report %q wrote %s despite the usage error", tc.args, out)
		}
	}
	// A region the warehouse does not know is an error, not a usage error,
	// and says which.
	code, _, errs := run(t, "", "report", "--warehouse", w, "--out", t.TempDir(), "--region", "999999")
	if code != 1 || !strings.Contains(errs, "region 999999 is not in the region table") {
		t.Errorf("report --region 999999: exit %d, stderr %q", code, errs)
	}
}

func TestReportHelp(t *testing.T) {
	code, out, _ := run(t, "", "report", "--help")
	if code != 0 {
		t.Fatalf("report --help exits %d", code)
	}
	for _, want := range []string{"usage: grassroots report [flags] [NAME...]", "--single-file", "--lang", "--region", "--out", "index.html"} {
		if !strings.Contains(out, want) {
			t.Errorf("report --help lacks %q:\n%s", want, out)
		}
	}
}

func TestLintReports(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "reports")
	if err := os.MkdirAll(rep, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(rep, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const head = "title:\n  zh: 测试报告\n  en: Test report\ncharts:\n"
	write("kinds.yaml", head+
		"  - kind: pie\n    title: {zh: 饼图, en: Pie}\n"+
		"  - kind: ranked\n    title: {zh: 排名, en: Ranked}\n")
	write("keys.yaml", head+
		"  - kind: trend\n    title: {zh: 趋势, en: Trend}\n    indicators: [urban.rate_resident]\n    colour: red\n")
	write("good.yaml", head+
		"  - kind: alerts\n    title: {zh: 预警, en: Alerts}\n")
	if err := os.MkdirAll(filepath.Join(rep, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join("templates", "region.yaml"), "region: \"310112\"\n"+head+
		"  - kind: alerts\n    title: {zh: 预警, en: Alerts}\n")
	write(filepath.Join("templates", "levels.yaml"), head+
		"  - kind: children\n    title: {zh: 排名, en: Ranked}\n    indicators: [urban.rate_resident]\n    sub_level: 9\n    levels: [1, 7]\n")

	code, out, _ := run(t, "", "lint", dir)
	if code != 1 {
		t.Fatalf("lint exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{
		filepath.Join("reports", "kinds.yaml") + `:5:11: charts[0]: unknown chart kind "pie"`,
		filepath.Join("reports", "kinds.yaml") + ":7:5: charts[1]: kind ranked takes exactly 1 indicator(s)",
		filepath.Join("reports", "keys.yaml") + `:8:5: unknown key "colour"`,
		filepath.Join("reports", "templates", "region.yaml") + `: region "310112": a template is drawn for every region and names none`,
		filepath.Join("reports", "templates", "levels.yaml") + `:8:16: charts[0]: sub_level 9 is not a region level below the country`,
		filepath.Join("reports", "templates", "levels.yaml") + `:9:13: charts[0]: level 7 is not a region level`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "good.yaml") {
		t.Errorf("lint complains about the good report:\n%s", out)
	}
}

// TestDemoReports: the demo's synthetic district is summed up the region
// hierarchy only partially (1 of 31 provinces), so the national page shows
// published figures alone and carries no synthetic banner; the district
// page draws its urbanisation from its townships' sums and its gauges from
// the targets that apply to it.
func TestDemoReports(t *testing.T) {
	dir, stdout := sharedDemo(t)
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "national.html") && strings.Contains(line, "synthetic") {
			t.Errorf("demo lists the national page as synthetic: %s", line)
		}
	}
	reports := filepath.Join(dir, "reports")
	national := readPage(t, filepath.Join(reports, "national.html"))
	for _, bad := range []string{"示例", `class="synthetic"`, `class="badge"`, "90.8%"} {
		if strings.Contains(national, bad) {
			t.Errorf("national.html contains %q", bad)
		}
	}
	// The latest figures: 2024's first release, preliminary (p), with the
	// legend and the notes on the series under the charts.
	for _, want := range []string{"常住人口城镇化率 67.0% p（2024，年度统计公报首次发布）", "户籍人口城镇化率 45.4% p（2020，户籍城镇化率发布）",
		`<p class="footnote">注：p 快报数。</p>`, `<p class="footnote">注：r 修订数；p 快报数。</p>`, "国家统计局年度数据：2011—2019年为第七次全国人口普查后的修订数。",
		// the province map reads the 2020 census: every province drawn, 上海
		// with its own figure, not the synthetic district's partial sum
		`"name":"上海","value":89.3`, "常住人口城镇化率（普查） · 2020-11-01"} {
		if !strings.Contains(national, want) {
			t.Errorf("national.html lacks %q", want)
		}
	}
	district := readPage(t, filepath.Join(reports, "district.html"))
	for _, want := range []string{"闵行区 没有本级人口数据：城镇化率按所辖 14 个下级区域的人口合计计算",
		"专职社工配备率", "通用目标 2020年 100.0%", "未设目标：常住人口城镇化率、户籍人口城镇化率、新经济组织党组织覆盖率", "示例数据 / synthetic"} {
		if !strings.Contains(district, want) {
			t.Errorf("district.html lacks %q", want)
		}
	}
	if strings.Contains(district, "暂无数据") {
		t.Error("district.html still has a chart without data")
	}
	if !strings.Contains(district, `<td class="short">预警</td>`) {
		t.Error("district.html alerts table does not keep the severity column on one line")
	}

	// Without --region, show picks the highest region with complete values
	// in the warehouse's home (the demo's: 闵行区), never a partial roll-up
	// above it; the country's published series is asked for by its code.
	show := mustRun(t, "", "indicators", "show", "urban.rate_resident", "--warehouse",
		filepath.Join(dir, "grassroots.duckdb"), "--from", "2020", "--to", "2020", "--format", "csv")
	if !strings.Contains(show, "\n310112,闵行区,2020,demo,91.2,%,s,synthetic,") {
		t.Errorf("indicators show without --region:\n%s", show)
	}
	show = mustRun(t, "", "indicators", "show", "urban.rate_resident", "--warehouse", filepath.Join(dir, "grassroots.duckdb"),
		"--region", "000000", "--from", "2020", "--to", "2020", "--format", "csv")
	if !strings.Contains(show, "\n000000,全国,2020,NBS_data_portal_revised,63.9,%,r,revised,") {
		t.Errorf("indicators show --region 000000:\n%s", show)
	}
}

// TestReportRegionSite: --region without report names writes a page per
// region, from the region down to the lowest level with data, with the
// reports of the county inside it, and says how many of each level (the
// province's page too carries synthetic figures: its party indicators, summed
// from the synthetic district and marked partial).
func TestReportRegionSite(t *testing.T) {
	w := indicatorFixture(t)
	mustRun(t, "", "indicators", "compute", "--warehouse", w)
	out := filepath.Join(t.TempDir(), "site")
	stdout := mustRun(t, "", "report", "--warehouse", w, "--out", out, "--region", "310000")
	if !strings.Contains(stdout, "region pages: 1 province, 1 county, 2 townships, 4 with synthetic demo data") ||
		!strings.Contains(stdout, "4 region pages and 3 reports in ") {
		t.Errorf("report --region 310000 does not sum up the region pages:\n%s", stdout)
	}
	for _, f := range []string{"region-310000.html", "region-310112.html", "region-310112101.html", "region-310112102.html",
		"district.html", "members.html", "organisations.html", "index.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("report --region 310000 did not write %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "national.html")); err == nil {
		t.Error("report --region 310000 wrote the national report, which is not about a region inside it")
	}
	county := readPage(t, filepath.Join(out, "region-310112.html"))
	for _, want := range []string{`<a href="region-310000.html">上海市</a>`, `<span>全国</span>`, `<a href="district.html">`, `<a href="region-310112101.html">甲镇</a>`} {
		if !strings.Contains(county, want) {
			t.Errorf("region-310112.html lacks %s", want)
		}
	}
	idx := readPage(t, filepath.Join(out, "index.html"))
	if !strings.Contains(idx, `<a href="region-310000.html">上海市</a>`) {
		t.Error("index.html does not list the region pages")
	}

	code, _, errs := run(t, "", "report", "--warehouse", w, "--out", t.TempDir(), "--all", "district")
	if code != 2 || !strings.Contains(errs, "--all renders region pages: give no report names") {
		t.Errorf("report --all district: exit %d, %s", code, errs)
	}
	// The whole country: without --all, the provinces only.
	out = filepath.Join(t.TempDir(), "site")
	stdout = mustRun(t, "", "report", "--warehouse", w, "--out", out, "--region", "000000")
	if !strings.Contains(stdout, "region pages: 1 country, 1 province") || strings.Contains(stdout, "counties") || strings.Contains(stdout, " county") {
		t.Errorf("report --region 000000:\n%s", stdout)
	}
	stdout = mustRun(t, "", "report", "--warehouse", w, "--out", out, "--all")
	if !strings.Contains(stdout, "region pages: 1 country, 1 province, 1 county, 2 townships") {
		t.Errorf("report --all:\n%s", stdout)
	}
}
