package cli

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"grassroots/reports"
	"grassroots/reports/bulletin"
	"grassroots/sql/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -tags duckdb_arrow ./cmd/grassroots/cli -run TestBulletin -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\ngot\n%s\nwant\n%s", path, got, want)
	}
}

// The bulletin of the demo district and of the country, as the analyst
// reads it (the text of the Word document and of the report page).
func TestBulletinGolden(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(dir, "grassroots.duckdb")
	for _, c := range []struct{ region, year string }{{"310112", "2024"}, {"000000", "2024"}} {
		out := mustRun(t, "", "bulletin", "--warehouse", w, "--region", c.region, "--year", c.year, "--text")
		golden(t, "bulletin/"+c.region+"-"+c.year+".txt", out)
	}
	// The home region and the latest year by default: the demo's district.
	def := mustRun(t, "", "bulletin", "--warehouse", w, "--text")
	if want := mustRun(t, "", "bulletin", "--warehouse", w, "--region", "310112", "--year", "2024", "--text"); def != want {
		t.Errorf("default bulletin is not the home region's latest:\n%s", def)
	}
}

var number = regexp.MustCompile(`\d+(?:\.\d+)?`)

var statusNote = regexp.MustCompile(`以上为[^。，]+。`)

// numbers are the numbers of s, in order.
func numbers(s string) []string { return number.FindAllString(s, -1) }

// periodNumbers are the numbers a period is written with: 2024 (2024年末),
// 2020 11 1 (2020年11月1日).
func periodNumbers(p string) []string {
	var out []string
	for _, n := range numbers(p) {
		if t := strings.TrimLeft(n, "0"); t != "" {
			out = append(out, t)
		}
	}
	if len(out) == 3 && out[1] == "12" && out[2] == "31" {
		out = out[:1]
	}
	return out
}

// Every number of the text is the figure of the fact its clause speaks of,
// read again from the warehouse's views and rounded there, as `grassroots
// indicators show` prints it (round(value, precision)): each sentence of a
// section gives one fact, in the order the template asks for them; in it the
// date clause gives the fact's period, the value clause its value, the
// change clause the difference of the published values, the rank clause its
// place among the regions counted under the same place, the target clauses
// its target and gap, the 万人 clauses its counts. A number beside the wrong
// fact, or in the wrong clause, fails. Each warning of 预警 gives its rule,
// period and value, and the regions below.
func TestBulletinNumbersAreFacts(t *testing.T) {
	dir, _ := sharedDemo(t)
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(dir, "grassroots.duckdb"), warehouse.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tmpl, err := bulletin.Load("")
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]int{}
	for _, c := range []struct {
		region string
		year   int
	}{{"310112", 2024}, {"000000", 2024}, {"310000", 0}, {"310112001", 0}, {"500101", 0}} {
		f, err := reports.BulletinFacts(ctx, w.DB(), c.region, c.year)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := tmpl.Write(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(secs) == 0 {
			t.Fatalf("%s: no bulletin", c.region)
		}
		for _, s := range secs {
			// A paragraph whose figures are all preliminary says so once, at its end.
			text := statusNote.ReplaceAllString(strings.ReplaceAll(strings.Join(s.Paragraphs, ""), "【示例数据】", ""), "")
			if len(s.Alerts) > 0 {
				checkAlerts(t, w.DB(), c.region, s, text, checked)
				continue
			}
			var sentences []string
			for _, x := range strings.Split(text, "。") {
				if x != "" {
					sentences = append(sentences, x)
				}
			}
			if len(sentences) != len(s.Facts) {
				t.Errorf("%s %s: %d sentences for %d facts: each bundled sentence gives one fact\n%s", c.region, s.Title, len(sentences), len(s.Facts), text)
				continue
			}
			for i, x := range s.Facts {
				checkSentence(t, w.DB(), x, sentences[i], checked)
			}
		}
	}
	for _, kind := range []string{"date", "value", "change", "growth", "rank", "target", "万人", "alert"} {
		if checked[kind] == 0 {
			t.Errorf("no %s clause checked (%v)", kind, checked)
		}
	}
}

// published are a fact's figures as the warehouse's views give them,
// rounded by the warehouse to the indicator's precision.
type published struct {
	value, diff, growth, target, gap, num, den string
	prevYear, targetYear, projected            string
	n, of                                      string
}

func publishedOf(t *testing.T, db *sql.DB, x *bulletin.Fact) published {
	t.Helper()
	key := []any{x.Indicator, x.Region, x.Period, x.Vintage}
	var p published
	var prec int
	var v float64
	var num, den sql.NullFloat64
	var wanDec int
	// Persons in 万: whole 万 from ten million, else two decimals.
	err := db.QueryRow(`SELECT round(iv.value, i.precision), i.precision, round(iv.numerator / 1e4, CASE WHEN greatest(iv.numerator, iv.denominator) >= 1e7 THEN 0 ELSE 2 END),
		round(iv.denominator / 1e4, CASE WHEN greatest(iv.numerator, iv.denominator) >= 1e7 THEN 0 ELSE 2 END),
		CASE WHEN greatest(iv.numerator, iv.denominator) >= 1e7 THEN 0 ELSE 2 END
		FROM indicator_value iv JOIN indicator i ON i.code = iv.indicator
		WHERE iv.indicator = ? AND iv.region_code = ? AND iv.period = ? AND coalesce(iv.vintage, '') = ? AND NOT iv.beside_own`, key...).Scan(&v, &prec, &num, &den, &wanDec)
	if err != nil {
		t.Fatalf("%s %s %s: %v", x.Indicator, x.Region, x.Period, err)
	}
	fixed := func(v float64, p int) string { return strconv.FormatFloat(v, 'f', p, 64) }
	p.value = fixed(v, prec)
	if num.Valid {
		p.num = fixed(num.Float64, wanDec)
	}
	if den.Valid {
		p.den = fixed(den.Float64, wanDec)
	}
	if x.Change != nil {
		var diff, growth sql.NullFloat64
		var prev string
		if err := db.QueryRow(`SELECT abs(round(round(ch.value, i.precision) - round(ch.prev_value, i.precision), i.precision)),
			abs(round(ch.cagr_pct, 1)), ch.prev_period
			FROM indicator_change ch JOIN indicator i ON i.code = ch.indicator WHERE ch.indicator = ? AND ch.region_code = ? AND ch.period = ?
			AND coalesce(ch.vintage, '') = ? AND ch.prev_period = ?`, append(key, x.Change.PrevPeriod)...).Scan(&diff, &growth, &prev); err != nil {
			t.Fatalf("%s %s change: %v", x.Indicator, x.Region, err)
		}
		p.diff = fixed(diff.Float64, prec)
		if growth.Valid {
			p.growth = fixed(growth.Float64, 1)
		}
		p.prevYear = prev[:4]
	}
	if tg := x.Target; tg != nil {
		var val, gap float64
		var year, proj sql.NullInt64
		if err := db.QueryRow(`SELECT round(target_value, CAST($5 AS INTEGER)), abs(round(round(target_value, CAST($5 AS INTEGER)) - round(value, CAST($5 AS INTEGER)), CAST($5 AS INTEGER))), target_year, projected_year
			FROM indicator_target_status WHERE indicator = $1 AND region_code = $2 AND period = $3 AND coalesce(vintage, '') = $4
			AND coalesce(target_year, 0) = $6`, append(key, prec, tg.Year)...).Scan(&val, &gap, &year, &proj); err != nil {
			t.Fatalf("%s %s target: %v", x.Indicator, x.Region, err)
		}
		p.target, p.gap = fixed(val, prec), fixed(gap, prec)
		if year.Valid {
			p.targetYear = strconv.FormatInt(year.Int64, 10)
		}
		if proj.Valid {
			p.projected = strconv.FormatInt(proj.Int64, 10)
		}
	}
	// The place among the regions counted under the same place: a
	// placeholder's (市辖区, 县, 省直辖县级行政区划) children under its parent.
	var n, of int
	err = db.QueryRow(`WITH u AS (
		SELECT r.code, CASE WHEN p.level = 2 AND (p.name IN ('市辖区', '县') OR p.name LIKE '%直辖县级行政区划') THEN p.parent_code ELSE r.parent_code END AS parent
		FROM region r LEFT JOIN region p ON p.code = r.parent_code
		WHERE NOT (r.level = 2 AND (r.name IN ('市辖区', '县') OR r.name LIKE '%直辖县级行政区划')))
		SELECT 1 + count(*) FILTER (WHERE round(s.value, CAST($5 AS INTEGER)) > (SELECT round(value, CAST($5 AS INTEGER)) FROM indicator_series WHERE indicator = $1 AND region_code = $2
		        AND period = $3 AND coalesce(vintage, '') = $4)), count(*)
		FROM indicator_series s JOIN u ON u.code = s.region_code
		WHERE s.indicator = $1 AND s.period = $3 AND coalesce(s.vintage, '') = $4 AND s.value IS NOT NULL
		  AND u.parent = (SELECT parent FROM u WHERE code = $2)`, append(key, prec)...).Scan(&n, &of)
	if err != nil {
		t.Fatalf("%s %s rank: %v", x.Indicator, x.Region, err)
	}
	p.n, p.of = strconv.Itoa(n), strconv.Itoa(of)
	return p
}

var (
	datePart   = regexp.MustCompile(`^(据人口普查|\d{4}年末|\d{4}年\d{1,2}月\d{1,2}日)$`)
	rankPart   = regexp.MustCompile(`^在.+?(\d+)个.+中(?:居|并列)第(\d+)位$`)
	changePart = regexp.MustCompile(`提高|下降|增加|减少|持平|增长`)
)

// checkSentence checks each clause of sentence, which gives fact x.
func checkSentence(t *testing.T, db *sql.DB, x *bulletin.Fact, sentence string, checked map[string]int) {
	t.Helper()
	p := publishedOf(t, db, x)
	values := 0
	for _, clause := range regexp.MustCompile(`[，；]`).Split(sentence, -1) {
		got := numbers(clause)
		var want []string
		var kind string
		switch {
		case datePart.MatchString(clause):
			kind = "date"
			if clause != "据人口普查" {
				want = periodNumbers(x.Period)
			}
		case strings.Contains(clause, "万人"):
			kind = "万人"
			want = []string{p.den}
			if strings.Contains(clause, "城镇") {
				want = []string{p.num}
			}
		case strings.Contains(clause, "居第") || strings.Contains(clause, "并列第"):
			kind = "rank"
			if m := rankPart.FindStringSubmatch(clause); m == nil {
				t.Errorf("%s %s: rank clause %q", x.Region, x.Indicator, clause)
			}
			want = []string{p.of, p.n}
		case strings.Contains(clause, "按近年速度预计"):
			kind = "target"
			want = []string{p.projected}
		case strings.Contains(clause, "目标"):
			kind = "target"
			if p.targetYear != "" {
				want = append(want, p.targetYear)
			}
			want = append(want, p.target)
			if strings.Contains(clause, "差") {
				want = append(want, p.gap)
			}
		case changePart.MatchString(clause) && strings.HasSuffix(clause, "%") && !bulletin.Points(x.Unit):
			kind = "growth"
			if !strings.HasPrefix(clause, "比上年") {
				want = append(want, p.prevYear)
			}
			want = append(want, p.growth)
		case changePart.MatchString(clause) && strings.HasPrefix(clause, "与") || strings.HasPrefix(clause, "比") && changePart.MatchString(clause):
			kind = "change"
			if !strings.Contains(clause, "上年") {
				want = append(want, p.prevYear)
			}
			if !strings.Contains(clause, "持平") {
				want = append(want, p.diff)
			}
		default:
			kind = "value"
			values++
			// The words of the indicator's name may hold numbers (55岁以上).
			for _, n := range got[:max(len(got)-1, 0)] {
				if !strings.Contains(x.Name, n) {
					want = append(want, "a number of "+x.Name)
					break
				}
				want = append(want, n)
			}
			want = append(want, p.value)
		}
		checked[kind]++
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s %s: %s clause %q gives %v; the warehouse's %v\n%s", x.Region, x.Indicator, kind, clause, got, want, sentence)
		}
	}
	if values != 1 {
		t.Errorf("%s %s: %d value clauses in %q, want 1", x.Region, x.Indicator, values, sentence)
	}
}

// checkAlerts checks each warning of the 预警 section: the numbers of its
// rule, its period, its value as published, the regions below.
func checkAlerts(t *testing.T, db *sql.DB, region string, s bulletin.Section, text string, checked map[string]int) {
	t.Helper()
	body := strings.TrimSuffix(text[strings.Index(text, "：")+len("："):], "。")
	items := strings.Split(body, "；")
	if len(items) != len(s.Alerts) {
		t.Fatalf("%s: %d warnings written, %d gathered:\n%s", region, len(items), len(s.Alerts), text)
	}
	for i, a := range s.Alerts {
		var v float64
		var prec int
		if err := db.QueryRow(`SELECT round(a.value, i.precision), i.precision FROM alert a JOIN indicator i ON i.code = a.indicator
			WHERE a.region_code = ? AND a.indicator = ? AND a.period = ? LIMIT 1`, region, a.Indicator, a.Period).Scan(&v, &prec); err != nil {
			t.Fatalf("%s %s alert: %v", region, a.Indicator, err)
		}
		rule := a.Rule
		if rule == "" {
			rule = a.Name
		}
		want := append(numbers(rule), periodNumbers(a.Period)...)
		want = append(want, strconv.FormatFloat(v, 'f', prec, 64))
		if a.Below > 0 {
			want = append(want, strconv.Itoa(a.BelowOf), strconv.Itoa(a.Below))
		}
		checked["alert"]++
		if got := numbers(items[i]); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s %s: warning %q gives %v; the warehouse's %v", region, a.Indicator, items[i], got, want)
		}
	}
}

// The Word document holds the title, every paragraph of the bulletin, the
// figures table and the charts, as a reader of the file finds them.
func TestBulletinDocx(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(dir, "grassroots.duckdb")
	out := filepath.Join(t.TempDir(), "闵行区.docx")
	msg := mustRun(t, "", "bulletin", "--warehouse", w, "--region", "310112", "--year", "2024", "--out", out)
	if !strings.HasPrefix(msg, "wrote "+out+": 闵行区 2024, 5 sections") {
		t.Errorf("message: %s", msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c, err := bulletin.ReadDocx(b)
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(c.Paragraphs, "\n")
	text := mustRun(t, "", "bulletin", "--warehouse", w, "--region", "310112", "--year", "2024", "--text")
	want := []string{"闵行区2024年城镇化与党建统计公报", "主要指标", "指标", "数值", "单位", "状态", "比上年",
		"常住人口城镇化率（2024年末）", "示例数据（s）", "图1 闵行区常住人口城镇化率，1992年末至2024年末"}
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		want = append(want, strings.TrimSpace(l))
	}
	for _, s := range want {
		if !strings.Contains(doc, s) {
			t.Errorf("document lacks %q", s)
		}
	}
	if len(c.Images) != 2 {
		t.Fatalf("%d images, want the trend and the ranked townships", len(c.Images))
	}
	for i, img := range c.Images {
		if _, err := png.Decode(bytes.NewReader(img)); err != nil {
			t.Errorf("image %d: %v", i+1, err)
		}
	}
	if !strings.Contains(doc, "图2 闵行区下辖地区常住人口城镇化率（2024年末，从高到低）：") {
		t.Errorf("no caption of the ranked townships:\n%s", doc)
	}
}

// A department's own wording: the project's reports/bulletin, or
// --templates; a template that does not parse fails with its file and line.
func TestBulletinTemplates(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(dir, "grassroots.duckdb")
	project := t.TempDir()
	own := filepath.Join(project, "reports", "bulletin")
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	src := `{{define "title"}}城镇化进程{{end}}{{with fact "urban.rate_resident"}}{{when .}}，{{$.Scope}}城镇化率达到{{val .}}{{with change .}}（{{.}}）{{end}}。{{end}}`
	if err := os.WriteFile(filepath.Join(own, "01_urbanisation.tmpl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bundled := mustRun(t, "", "bulletin", "--warehouse", w, "--region", "310112", "--year", "2024", "--text")
	for _, args := range [][]string{{"--project", project}, {"--templates", own}} {
		got := mustRun(t, "", append([]string{"bulletin", "--warehouse", w, "--region", "310112", "--year", "2024", "--text"}, args...)...)
		if !strings.HasPrefix(got, "城镇化进程\n  【示例数据】2024年末，全区城镇化率达到92.5%（比上年提高0.3个百分点）。\n人口年龄\n") {
			t.Errorf("%v: not the project's wording:\n%s", args, got)
		}
		if rest := got[strings.Index(got, "人口年龄"):]; rest != bundled[strings.Index(bundled, "人口年龄"):] {
			t.Errorf("%v: the other sections changed:\n%s", args, rest)
		}
	}
	if err := os.WriteFile(filepath.Join(own, "01_urbanisation.tmpl"), []byte("{{define \"title\"}}x{{end}}\n{{with fact \"a\"}}\n{{val .}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "bulletin", "--warehouse", w, "--project", project, "--text")
	if code != 1 || !strings.Contains(stderr, filepath.Join(own, "01_urbanisation.tmpl")+":3:") || !strings.Contains(stderr, "--write-templates") {
		t.Errorf("broken template: exit %d, %s", code, stderr)
	}
	out := mustLint(t, project)
	if !strings.Contains(out, filepath.Join(own, "01_urbanisation.tmpl")+":3: ") || !strings.Contains(out, "grassroots bulletin --write-templates") {
		t.Errorf("lint does not name the broken template, or where working ones are:\n%s", out)
	}
}

// mustLint runs grassroots lint on dir, expecting problems, and returns them.
func mustLint(t *testing.T, dir string) string {
	t.Helper()
	code, out, stderr := run(t, "", "lint", dir)
	if code != 1 {
		t.Fatalf("lint %s: exit %d, want 1\n%s%s", dir, code, out, stderr)
	}
	return out
}

func TestBulletinUsage(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(dir, "grassroots.duckdb")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--year", "24"}, 2, "--year 24: want a year such as 2024"},
		{[]string{"--region", "3101"}, 2, `--region "3101": want a 6-, 9- or 12-digit region code`},
		{[]string{"--text", "--out", "x.docx"}, 2, "--text prints the paragraphs: give no --out"},
		{[]string{"--templates", filepath.Join(dir, "nosuch")}, 2, "not a folder"},
		{[]string{"--region", "999999"}, 1, "region 999999 is not in the region table"},
		{[]string{"--region", "310112", "--year", "1950", "--text"}, 1, "has no indicator values up to 1950"},
	} {
		code, _, stderr := run(t, "", append([]string{"bulletin", "--warehouse", w}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, %s; want %d, %s", c.args, code, stderr, c.code, c.msg)
		}
	}
}

// A value that small cells hide is not in the bulletin: with the threshold
// at 100, the township's rural members aged 55+ (59 of 130) and its
// floating members are left out, with their changes; the shares over more
// members stay.
func TestBulletinHidesSmallCells(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(t.TempDir(), "w.duckdb")
	copyFile(t, filepath.Join(dir, "grassroots.duckdb"), w)
	args := []string{"bulletin", "--warehouse", w, "--region", "310112001", "--text"}
	mustRun(t, "", "settings", "small_cell_threshold", "1", "--warehouse", w)
	before := mustRun(t, "", args...)
	hidden := []string{"农村党员中55岁以上的占", "流动党员占"}
	for _, s := range hidden {
		if !strings.Contains(before, s) {
			t.Fatalf("the township's bulletin has no %s to hide:\n%s", s, before)
		}
	}
	mustRun(t, "", "settings", "small_cell_threshold", "100", "--warehouse", w)
	after := mustRun(t, "", args...)
	for _, s := range hidden {
		if strings.Contains(after, s) {
			t.Errorf("hidden figure (%s) in the bulletin:\n%s", s, after)
		}
	}
	if !strings.Contains(after, "55岁以上党员占") || !strings.Contains(after, "常住人口城镇化率为") {
		t.Errorf("figures over more persons are gone too:\n%s", after)
	}
}

// A district of Chongqing is ranked among the municipality's 38 districts
// and counties (those under 500100 市辖区 and under 500200 县), a
// prefecture of Hubei among its prefectures and the county-level cities
// under 429000, no placeholder among them.
func TestBulletinRanksThroughPlaceholders(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(dir, "grassroots.duckdb")
	for region, want := range map[string]string{"500101": "在重庆市38个区县中居第", "500230": "在重庆市38个区县中居第", "420100": "在湖北省17个地区中居第"} {
		out := mustRun(t, "", "bulletin", "--warehouse", w, "--region", region, "--text")
		if !strings.Contains(out, want) || regexp.MustCompile(`在重庆市26个|在重庆市12个|在湖北省14个`).MatchString(out) {
			t.Errorf("%s: no %s…:\n%s", region, want, out)
		}
	}
}

// The bundled templates, for a department to edit: written into the
// project's reports/bulletin or a folder given, never over a file there.
func TestBulletinWriteTemplates(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(dir, "grassroots.duckdb")
	project := t.TempDir()
	own := filepath.Join(project, "reports", "bulletin")
	out := mustRun(t, "", "bulletin", "--write-templates", "--project", project)
	for _, name := range []string{"01_urbanisation.tmpl", "05_alerts.tmpl"} {
		p := filepath.Join(own, name)
		if !strings.Contains(out, "wrote "+p+"\n") {
			t.Errorf("does not say it wrote %s:\n%s", p, out)
		}
		if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), `{{define "title"}}`) {
			t.Errorf("%s: %v %q", p, err, b)
		}
	}
	// Written as bundled, they write the bundled bulletin.
	bundled := mustRun(t, "", "bulletin", "--warehouse", w, "--region", "310112", "--year", "2024", "--text")
	if got := mustRun(t, "", "bulletin", "--warehouse", w, "--region", "310112", "--year", "2024", "--text", "--project", project); got != bundled {
		t.Errorf("the written templates write another bulletin:\n%s", got)
	}
	// An edited file is not overwritten, and nothing else is written.
	edited := filepath.Join(own, "03_members.tmpl")
	if err := os.WriteFile(edited, []byte(`{{define "title"}}党员{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(own, "01_urbanisation.tmpl"))
	code, _, stderr := run(t, "", "bulletin", "--write-templates", own)
	if code != 1 || !strings.Contains(stderr, edited) || !strings.Contains(stderr, "not overwritten") {
		t.Errorf("over an edited file: exit %d, %s", code, stderr)
	}
	if b, _ := os.ReadFile(edited); string(b) != `{{define "title"}}党员{{end}}` {
		t.Errorf("the edited file was overwritten: %s", b)
	}
	if _, err := os.Stat(filepath.Join(own, "01_urbanisation.tmpl")); err == nil {
		t.Error("wrote a file though it refused")
	}
	// Into a new folder given.
	other := filepath.Join(t.TempDir(), "wording")
	mustRun(t, "", "bulletin", "--write-templates", other)
	if _, err := os.Stat(filepath.Join(other, "02_population.tmpl")); err != nil {
		t.Error(err)
	}
	code, _, stderr = run(t, "", "bulletin", "--write-templates", other, "x")
	if code != 2 || !strings.Contains(stderr, "--write-templates takes one folder") {
		t.Errorf("two folders: exit %d, %s", code, stderr)
	}
}

// A year of which the region has no figure is no bulletin made of the
// census's figures under that year's title: it fails and names the years
// that have figures (a district beside the demo's has the censuses only).
func TestBulletinYearWithoutFigures(t *testing.T) {
	dir, _ := sharedDemo(t)
	w := filepath.Join(dir, "grassroots.duckdb")
	ctx := context.Background()
	wh, err := warehouse.Open(ctx, w, warehouse.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	var latest int
	if err := wh.DB().QueryRowContext(ctx, `SELECT max(year) FROM indicator_series WHERE value IS NOT NULL`).Scan(&latest); err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{"310101", "310104", "310112001"} {
		var years []int
		rows, err := wh.DB().QueryContext(ctx, `SELECT DISTINCT year FROM indicator_series WHERE region_code = ? AND value IS NOT NULL ORDER BY year`, region)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var y int
			if err := rows.Scan(&y); err != nil {
				t.Fatal(err)
			}
			years = append(years, y)
		}
		rows.Close()
		missing := 0
		for y := latest; len(years) > 0 && y > years[0]; y-- {
			if !slices.Contains(years, y) {
				missing = y
				break
			}
		}
		if missing == 0 {
			continue
		}
		code, stdout, stderr := run(t, "", "bulletin", "--warehouse", w, "--region", region, "--year", strconv.Itoa(missing), "--text")
		want := "has no figures of " + strconv.Itoa(missing) + ": it has figures of " + bulletin.YearList(years) + " ("
		if code != 1 || !strings.Contains(stderr, "region "+region+" (") || !strings.Contains(stderr, want) || stdout != "" {
			t.Errorf("exit %d, %s%s; want 1, %s", code, stdout, stderr, want)
		}
		return
	}
	t.Fatal("no demo region lacks a year's figures")
}
