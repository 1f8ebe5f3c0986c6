package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"grassroots/sql/indicators"
	"grassroots/sql/warehouse"
)

// No page or export of the demo publishes a person count below the
// small-cell threshold, and a total shown with its parts never has exactly
// one of them hidden. The check reads what a user receives — the pages'
// text, tables and chart JSON, the CSV and the workbook — and, run on the
// same pages rendered with the threshold at 1 (nothing hidden), finds the
// small counts: it cannot pass for want of looking.
func TestDemoPublishesNoSmallCells(t *testing.T) {
	dir, _ := sharedDemo(t)
	// A copy: the threshold is changed below.
	w := filepath.Join(t.TempDir(), "w.duckdb")
	copyFile(t, filepath.Join(dir, "grassroots.duckdb"), w)
	// The smallest township of the demo district: its members by age, sex,
	// category and education have cells of one or two.
	town := strings.TrimSpace(strings.SplitN(mustRun(t, "", "sql", "--warehouse", w, "--format", "csv",
		`SELECT region_code FROM party_member WHERE snapshot_date = (SELECT max(snapshot_date) FROM party_member)
		 AND length(region_code) = 9 GROUP BY 1 ORDER BY count(*), 1 LIMIT 1`), "\n", 2)[1])
	render := func(threshold string) []string {
		mustRun(t, "", "settings", "small_cell_threshold", threshold, "--warehouse", w)
		out := filepath.Join(t.TempDir(), "site")
		mustRun(t, "", "report", "members", "organisations", "--region", town, "--out", out, "--warehouse", w)
		pages, _ := filepath.Glob(filepath.Join(out, "*.html"))
		return pages
	}
	exact := render("1")
	small := 0
	for _, p := range exact {
		small += len(smallCellsIn(t, readPage(t, p), 3).counts)
	}
	if small == 0 {
		t.Fatalf("%s's pages with nothing hidden show no count below 3: the check finds nothing to hide", town)
	}
	pages := append(render("3"), mustGlob(t, filepath.Join(dir, "reports", "*.html"))...)
	footnotes := 0
	for _, p := range pages {
		page := readPage(t, p)
		f := smallCellsIn(t, page, 3)
		for _, c := range f.counts {
			t.Errorf("%s: %s", filepath.Base(p), c)
		}
		for _, c := range f.lone {
			t.Errorf("%s: %s", filepath.Base(p), c)
		}
		if strings.Contains(page, "&lt;3") {
			footnotes += strings.Count(page, "不足3人的数字不予公布")
		}
	}
	if footnotes == 0 {
		t.Errorf("no page of %s hides a cell with its footnote", town)
	}

	// The export of Hainan: 三沙市 and its one county count 2 residents aged
	// 65+ at the 2010 census, hidden; beside 三沙市 another prefecture of
	// the province goes too, or the province's total would give it back.
	db, err := warehouse.Open(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	res, err := exportValues(context.Background(), db.DB(), "460000", false)
	if err == nil {
		_, err = suppressExport(context.Background(), db.DB(), res)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(t.TempDir(), "x.csv")
	xlsxPath := filepath.Join(t.TempDir(), "x.xlsx")
	writeTo(t, csvPath, func(f io.Writer) error { return writeCSVWithBOM(f, res) })
	writeTo(t, xlsxPath, func(f io.Writer) error { return writeWorkbook(f, []namedResult{{"指标数据", res}}) })
	rows := csvRows(t, csvPath)
	x, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := x.GetRows("指标数据")
	x.Close()
	if err != nil {
		t.Fatal(err)
	}
	for name, rs := range map[string][][]string{"csv": rows, "xlsx": sheet} {
		head := rs[0]
		at := func(c string) int {
			for i, h := range head {
				if h == c {
					return i
				}
			}
			t.Fatalf("%s: no column %s", name, c)
			return -1
		}
		code, region, period, num, den, value := at("指标代码"), at("区划代码"), at("时期"), at("分子"), at("分母"), at("数值")
		hiddenPrefectures := 0
		for i, r := range rs[1:] {
			for _, c := range []int{num, den} {
				if !personsIndicator(r[code]) {
					continue
				}
				if n, err := strconv.ParseFloat(r[c], 64); err == nil && n > 0 && n < 3 {
					t.Errorf("%s row %d (%s %s %s): %s = %s", name, i+2, r[code], r[region], r[period], head[c], r[c])
				}
			}
			if r[code] == "population.share_65_plus" && r[period] == "2010-11-01" {
				switch {
				case r[region] == "460300" && (r[num] != "<3" || r[value] != "—"):
					t.Errorf("%s: 三沙市 2010 shows %s of %s = %s, want <3 and —", name, r[num], r[den], r[value])
				case r[region] == "460300":
					hiddenPrefectures++
				case len(r[region]) == 6 && strings.HasSuffix(r[region], "00") && r[region] != "460000" && r[num] != "<3" && r[num] != "x":
				case len(r[region]) == 6 && strings.HasSuffix(r[region], "00") && r[region] != "460000":
					// hidden to protect 三沙市: not small itself, so "x", never "<3"
					if r[num] != "x" {
						t.Errorf("%s: %s 2010 hidden as a complement shows %q, want x", name, r[region], r[num])
					}
					hiddenPrefectures++
				}
			}
		}
		if hiddenPrefectures != 2 {
			t.Errorf("%s: %d prefectures of Hainan hide their 2010 count, want 三沙市 and one more", name, hiddenPrefectures)
		}
	}
}

// personsIndicator reports whether an export row's indicator counts persons
// in its numerator or denominator (the catalogue's @persons).
func personsIndicator(code string) bool {
	ind, err := indicators.Lookup(code)
	return err == nil && len(ind.Persons) > 0
}

// smallFindings are what a page publishes that it must not.
type smallFindings struct {
	counts []string // person counts below the threshold
	lone   []string // totals shown with exactly one part hidden
}

var (
	drawRE    = regexp.MustCompile(`draw\("([^"]+)", (\{.*\})\);`)
	sectionRE = regexp.MustCompile(`(?s)<section class="block[^"]*" data-kind="([a-z_]+)">(.*?)</section>`)
	rowRE     = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRE    = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	htmlTagRE = regexp.MustCompile(`<[^>]+>`)
	countRE   = regexp.MustCompile(`（([0-9,]+)）`)
	membersRE = regexp.MustCompile(`党员人数 ([0-9,]+)([万亿.]?)`)
)

// smallCellsIn reads the person counts of a page: the pyramid's bars and
// total, the education chart's category totals and the 应建未建 list's staff
// and members, from the chart JSON and the HTML as published.
func smallCellsIn(t *testing.T, page string, threshold int) smallFindings {
	t.Helper()
	var f smallFindings
	small := func(s string) bool {
		n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		return err == nil && n > 0 && n < threshold
	}
	for _, m := range drawRE.FindAllStringSubmatch(page, -1) {
		if !strings.HasSuffix(m[1], "-pyramid") || strings.HasSuffix(m[1], "census-pyramid") {
			if !strings.HasSuffix(m[1], "-education") {
				continue
			}
		}
		var o struct {
			Series []struct {
				Data []struct {
					Value any `json:"value"`
				} `json:"data"`
			} `json:"series"`
			YAxis []struct {
				Data []string `json:"data"`
			} `json:"yAxis"`
		}
		if err := json.Unmarshal([]byte(m[2]), &o); err != nil {
			t.Fatalf("chart %s: %v", m[1], err)
		}
		switch {
		case strings.HasSuffix(m[1], "-pyramid"):
			hidden := 0
			for _, s := range o.Series {
				for _, d := range s.Data {
					if n, ok := d.Value.(float64); ok && n > 0 && n < float64(threshold) {
						f.counts = append(f.counts, m[1]+": a bar of "+strconv.FormatFloat(n, 'f', -1, 64))
					}
					if d.Value == "-" {
						hidden++
					}
				}
			}
			if hidden == 1 {
				f.lone = append(f.lone, m[1]+": one age band hidden beside the total")
			}
		case strings.HasSuffix(m[1], "-education"):
			for i, label := range o.YAxis[0].Data {
				if c := countRE.FindStringSubmatch(label); c != nil && small(c[1]) {
					f.counts = append(f.counts, m[1]+": category "+label)
				}
				hidden := 0
				for _, s := range o.Series {
					if i < len(s.Data) && s.Data[i].Value == "-" {
						hidden++
					}
					// A share of a printed total is a count: 0.3% of
					// 823 members is 2 of them.
					share, ok := 0.0, false
					if i < len(s.Data) {
						share, ok = s.Data[i].Value.(float64)
					}
					if c := countRE.FindStringSubmatch(label); c != nil && ok && share > 0 {
						total, _ := strconv.Atoi(strings.ReplaceAll(c[1], ",", ""))
						if n := share * float64(total) / 100; n < float64(threshold)-0.5 {
							f.counts = append(f.counts, m[1]+": "+strconv.FormatFloat(share, 'f', -1, 64)+"% of "+label)
						}
					}
				}
				if hidden == 1 && !strings.Contains(label, "<") {
					f.lone = append(f.lone, m[1]+": one share hidden in "+label)
				}
			}
		}
	}
	for _, s := range sectionRE.FindAllStringSubmatch(page, -1) {
		text := html.UnescapeString(s[2])
		switch s[1] {
		case "pyramid":
			if m := membersRE.FindStringSubmatch(text); m != nil && m[2] == "" && small(m[1]) {
				f.counts = append(f.counts, "pyramid total "+m[1])
			}
		case "must_establish":
			for _, r := range rowRE.FindAllStringSubmatch(s[2], -1) {
				cells := cellRE.FindAllStringSubmatch(r[1], -1)
				if len(cells) < 5 {
					continue
				}
				for _, c := range cells[3:5] {
					if v := htmlTagRE.ReplaceAllString(c[1], ""); small(v) {
						f.counts = append(f.counts, "work list: "+v+" persons")
					}
				}
			}
		}
	}
	return f
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("%s: %v (%d files)", pattern, err, len(m))
	}
	return m
}

func writeTo(t *testing.T, path string, write func(io.Writer) error) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func csvRows(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
