package cli

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
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

// figures are the numbers a fact lets the text print, each with where it
// comes from.
func figures(x *bulletin.Fact) map[string]string {
	m := map[string]string{}
	for _, n := range number.FindAllString(x.Name, -1) {
		m[n] = "the indicator's name"
	}
	addPeriod(m, x.Period)
	m[x.Shown()] = "value"
	if x.Change != nil {
		m[bulletin.Fixed(math.Abs(x.Change.Diff), x.Precision)] = "change"
		if !math.IsNaN(x.Change.Growth) {
			m[bulletin.Fixed(math.Abs(x.Change.Growth), 1)] = "growth"
		}
		addPeriod(m, x.Change.PrevPeriod)
	}
	if x.Rank != nil {
		m[strconv.Itoa(x.Rank.N)] = "rank"
		m[strconv.Itoa(x.Rank.Of)] = "peers"
	}
	if t := x.Target; t != nil {
		m[bulletin.Fixed(t.Value, x.Precision)] = "target"
		m[strconv.Itoa(t.Year)] = "target year"
		m[bulletin.Fixed(math.Abs(t.Distance), x.Precision)] = "distance to target"
		m[strconv.Itoa(t.ProjectedYear)] = "projected year"
	}
	for _, part := range []string{"numerator", "denominator"} {
		if s, _ := bulletin.Wan(x, part); s != "" {
			m[s] = part
		}
	}
	return m
}

func addPeriod(m map[string]string, p string) {
	for _, n := range number.FindAllString(p, -1) {
		n = strings.TrimLeft(n, "0")
		m[n] = "period " + p
	}
}

// Every number in the text is a figure of a fact of its section — its
// value as published, change, rank, target — and every fact's figures are
// the warehouse's, rounded to the indicator's precision.
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
	checked := 0
	for _, c := range []struct {
		region string
		year   int
	}{{"310112", 2024}, {"000000", 2024}, {"310000", 0}, {"310112001", 0}} {
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
			allowed := map[string]string{}
			for _, x := range s.Facts {
				for n, what := range figures(x) {
					allowed[n] = x.Indicator + " " + what
				}
				checkFact(t, w.DB(), x)
			}
			for _, a := range s.Alerts {
				for _, n := range number.FindAllString(a.Rule+a.Name, -1) {
					allowed[n] = a.Indicator + " rule"
				}
				addPeriod(allowed, a.Period)
				allowed[bulletin.Fixed(a.Value, a.Precision)] = a.Indicator + " alert value"
				allowed[strconv.Itoa(a.Below)] = a.Indicator + " regions below with the alert"
				allowed[strconv.Itoa(a.BelowOf)] = a.Indicator + " regions below"
			}
			for _, p := range s.Paragraphs {
				for _, n := range number.FindAllString(p, -1) {
					if _, ok := allowed[n]; !ok {
						t.Errorf("%s %s: %s is no figure of the facts used (%v):\n%s", c.region, s.Title, n, allowed, p)
					}
					checked++
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d numbers checked", checked)
	}
}

// checkFact reads x's figures again from the warehouse's views.
func checkFact(t *testing.T, db *sql.DB, x *bulletin.Fact) {
	t.Helper()
	key := []any{x.Indicator, x.Region, x.Period, x.Vintage}
	var v float64
	var prec int
	err := db.QueryRow(`SELECT iv.value, i.precision FROM indicator_value iv JOIN indicator i ON i.code = iv.indicator
		WHERE iv.indicator = ? AND iv.region_code = ? AND iv.period = ? AND coalesce(iv.vintage, '') = ? AND NOT iv.beside_own`, key...).Scan(&v, &prec)
	if err != nil {
		t.Fatalf("%s %s %s: %v", x.Indicator, x.Region, x.Period, err)
	}
	if got, want := x.Shown(), strconv.FormatFloat(bulletin.Round(v, prec), 'f', prec, 64); got != want || prec != x.Precision {
		t.Errorf("%s %s %s: shown %s, warehouse %s (precision %d)", x.Indicator, x.Region, x.Period, got, want, prec)
	}
	if x.Change != nil {
		var ch float64
		if err := db.QueryRow(`SELECT change FROM indicator_change WHERE indicator = ? AND region_code = ? AND period = ?
			AND coalesce(vintage, '') = ? AND prev_period = ?`, append(key, x.Change.PrevPeriod)...).Scan(&ch); err != nil {
			t.Fatalf("%s %s change: %v", x.Indicator, x.Region, err)
		}
		if bulletin.Fixed(ch, prec) != bulletin.Fixed(x.Change.Diff, prec) {
			t.Errorf("%s %s: change %v, indicator_change %v", x.Indicator, x.Region, x.Change.Diff, ch)
		}
	}
	if tg := x.Target; tg != nil {
		var val, dist float64
		var status string
		var proj sql.NullInt64
		if err := db.QueryRow(`SELECT target_value, distance, status, projected_year FROM indicator_target_status
			WHERE indicator = ? AND region_code = ? AND period = ? AND coalesce(vintage, '') = ? AND coalesce(target_year, 0) = ?`,
			append(key, tg.Year)...).Scan(&val, &dist, &status, &proj); err != nil {
			t.Fatalf("%s %s target: %v", x.Indicator, x.Region, err)
		}
		if val != tg.Value || dist != tg.Distance || status != tg.Status || int(proj.Int64) != tg.ProjectedYear {
			t.Errorf("%s %s: target %+v, indicator_target_status %v %v %s %v", x.Indicator, x.Region, tg, val, dist, status, proj)
		}
	}
	if r := x.Rank; r != nil {
		var n, of int
		if err := db.QueryRow(`SELECT 1 + count(*) FILTER (WHERE round(s.value, CAST($5 AS INTEGER)) > round(CAST($6 AS DOUBLE), CAST($5 AS INTEGER))), count(*)
			FROM indicator_series s JOIN region r ON r.code = s.region_code
			WHERE s.indicator = $1 AND s.period = $3 AND coalesce(s.vintage, '') = $4 AND s.value IS NOT NULL
			  AND r.parent_code = (SELECT parent_code FROM region WHERE code = $2)
			  AND r.level = (SELECT level FROM region WHERE code = $2)`, append(key, prec, x.Value)...).Scan(&n, &of); err != nil {
			t.Fatalf("%s %s rank: %v", x.Indicator, x.Region, err)
		}
		if n != r.N || of != r.Of {
			t.Errorf("%s %s: rank %d of %d, the warehouse %d of %d", x.Indicator, x.Region, r.N, r.Of, n, of)
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
	if code != 1 || !strings.Contains(stderr, filepath.Join(own, "01_urbanisation.tmpl")+":3:") {
		t.Errorf("broken template: exit %d, %s", code, stderr)
	}
	out := mustLint(t, project)
	if !strings.Contains(out, filepath.Join(own, "01_urbanisation.tmpl")+":3: ") {
		t.Errorf("lint does not name the broken template:\n%s", out)
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
