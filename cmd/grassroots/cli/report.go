package cli

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"grassroots/reports"
	"grassroots/reports/bulletin"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "report",
		Args:    "[NAME...]",
		Summary: "render the reports as an offline HTML site (index.html and one page per report or region)",
		Help: `Renders every report (or the NAMEs given) from the warehouse into DIR: index.html
lists each report with the date of its data, and each report is a page of
charts. The ECharts script and the maps are written to DIR/assets, so the
site opens with no internet; --single-file inlines them into every page instead
(one file of about 1.1 MB per page, to mail or archive).

Figures are shown as published: rates with one decimal, a value that is not
final with its status symbol (67.0% p) and a legend under the chart (注：p 快报数),
the notes on the series drawn under it too. Person counts below the warehouse's
small_cell_threshold (grassroots settings; default 3) are shown as <3, counts
hidden so that no total gives them away as x, rates over too few persons as —,
with a footnote; no hidden number is left in the page source. Where the
warehouse has been audited, audit.html (数据审核报告) is written and linked from
the index.

With no NAMEs and no --region, the pages of the warehouse's home region are
rendered (as --region HOME); a warehouse of the whole country that holds a
county's registers renders its built-in reports instead.

Reports without a region of their own show the county the warehouse's
registers describe; --region CODE with NAMEs shows those reports for CODE.

--region CODE without NAMEs renders a page per region instead
(region-CODE.html): CODE and every region below it down to the lowest level
that has data, each page linked up to 全国 and down to the regions below it,
with the census maps and rankings; the built-in reports of a region inside
CODE are rendered too and linked from its page. For the whole country
(--region 000000) that is the provinces only, unless --all asks for every
prefecture and county too (some 3,300 pages; --all alone means the same).
Charts of synthetic demo data carry a "示例数据 / synthetic" banner; real
figures are marked "真实数据".`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, out, region, lang string
			var single, all bool
			addWarehouseFlag(fs, &path)
			fs.StringVar(&out, "out", "site", "folder to write the site to")
			fs.StringVar(&region, "region", "", "region code to show every report for (default: each report's own)")
			fs.BoolVar(&single, "single-file", false, "inline the scripts into each page instead of writing assets/")
			fs.StringVar(&lang, "lang", "zh", "language of the labels: zh or en")
			fs.BoolVar(&all, "all", false, "with --region 000000 (or alone): a page for every region of the country, not only the provinces")
			var asOfFlag string
			addAsOfFlag(fs, &asOfFlag)
			return func(ctx context.Context, e *Env, args []string) error {
				l, ok := reports.ParseLang(lang)
				if !ok {
					return Usagef("--lang %q: want zh or en", lang)
				}
				if region != "" && !regionCodeRE.MatchString(region) {
					return Usagef("--region %q: want a 6-, 9- or 12-digit region code", region)
				}
				if all && len(args) > 0 {
					return Usagef("--all renders region pages: give no report names")
				}
				if all && region == "" {
					region = reports.CountryCode
				}
				specs, err := selectReports(args)
				if err != nil {
					return err
				}
				opts, err := asOf(asOfFlag)
				if err != nil {
					return err
				}
				w, err := e.openRead(ctx, e.warehousePath(path), opts...)
				if err != nil {
					return err
				}
				defer w.Close()
				if region == "" && len(args) == 0 {
					if region, err = defaultReportRegion(ctx, w); err != nil {
						return err
					}
				}
				sitePages := region != "" && len(args) == 0
				start := time.Now()
				tmpl, err := projectBulletin(e.projectDir(""))
				if err != nil {
					return err
				}
				o := reports.Options{Out: out, Region: region, SingleFile: single, Lang: l, Bulletin: tmpl}
				if sitePages {
					depth := reports.AllLevels
					if region == reports.CountryCode && !all {
						depth = 1
					}
					o.Region = ""
					o.Regions = []reports.Subtree{{Code: region, Depth: depth}}
					if specs, err = reportsInside(ctx, w.DB(), specs, region); err != nil {
						return err
					}
				}
				site, err := reports.Render(ctx, w.DB(), specs, o)
				if err != nil {
					return err
				}
				printSite(e, site, time.Since(start))
				return nil
			}
		},
	})
}

// projectBulletin loads the bulletin templates: the bundled ones, each
// replaced by a file of the same name in the project's reports/bulletin.
func projectBulletin(project string) (*bulletin.Templates, error) {
	return bulletin.Load(filepath.Join(project, bulletin.Dir))
}

var regionCodeRE = regexp.MustCompile(`^(\d{6}|\d{9}|\d{12})$`)

// selectReports picks the built-in reports named (all with no names).
func selectReports(names []string) ([]*reports.Spec, error) {
	all, err := reports.Builtin()
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return all, nil
	}
	byName := map[string]*reports.Spec{}
	var known []string
	for _, s := range all {
		byName[s.Name] = s
		known = append(known, s.Name)
	}
	var out []*reports.Spec
	for _, n := range names {
		s, ok := byName[strings.TrimSuffix(n, ".yaml")]
		if !ok {
			return nil, Usagef("no report %q (reports: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

// defaultReportRegion is the region whose pages grassroots report renders
// when asked for nothing in particular: the warehouse's home region, unless
// that is the country and the warehouse holds a county's registers, whose
// built-in reports are then rendered as before ("" says so).
func defaultReportRegion(ctx context.Context, w *warehouse.Warehouse) (string, error) {
	home, err := w.Home(ctx)
	if err != nil {
		return "", err
	}
	if home != reports.CountryCode {
		return home, nil
	}
	focus, err := reports.FocusRegion(ctx, w.DB())
	if err != nil {
		return "", err
	}
	if focus != reports.CountryCode {
		return "", nil
	}
	return home, nil
}

// reportsInside keeps the reports whose region (their own, else the focus
// county) lies in region, rendered beside its region pages. A report of the
// focus county is left out where no county's registers are loaded.
func reportsInside(ctx context.Context, db *sql.DB, specs []*reports.Spec, region string) ([]*reports.Spec, error) {
	focus := ""
	var out []*reports.Spec
	for _, s := range specs {
		r := s.Region
		if r == "" {
			if focus == "" {
				var err error
				if focus, err = reports.FocusRegion(ctx, db); err != nil {
					return nil, err
				}
			}
			if focus == reports.CountryCode {
				continue
			}
			r = focus
			// A report of the county's registers that has nothing to
			// show there (a project with population returns and no
			// member register) is left out rather than drawn empty.
			if ok, err := hasValues(ctx, db, s, r); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
		}
		if reports.Inside(r, region) {
			out = append(out, s)
		}
	}
	return out, nil
}

// hasValues says whether any indicator a report's charts name has a value
// in region or below it (true for a report that names none).
func hasValues(ctx context.Context, db *sql.DB, s *reports.Spec, region string) (bool, error) {
	var codes []any
	var marks []string
	for _, c := range s.Charts {
		for _, code := range c.Indicators {
			codes = append(codes, code)
			marks = append(marks, "?")
		}
	}
	if len(codes) == 0 {
		return true, nil
	}
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM indicator_value WHERE indicator IN (`+strings.Join(marks, ", ")+`)
		AND (region_code = ? OR region_code IN (SELECT code FROM region_ancestor WHERE ancestor = ?))`,
		append(codes, region, region)...).Scan(&n)
	return n > 0, err
}

func printSite(e *Env, site *reports.Site, took time.Duration) {
	for _, p := range site.Pages {
		date := p.DataDate
		if date == "" {
			date = "—"
		}
		synth := ""
		if p.Synthetic {
			synth = "  (includes synthetic demo data)"
		}
		// Names come from the warehouse: shown escapes what a terminal
		// would act on.
		fmt.Fprintf(e.Stdout, "  %-16s %-10s %-8s data %s, %d charts%s\n", shown(p.File), shown(p.Region.Code),
			shown(p.Region.Name), shown(date), len(p.Blocks), synth)
	}
	if len(site.Regions) == 0 {
		fmt.Fprintf(e.Stdout, "%d reports in %.2fs: %s\n", len(site.Pages), took.Seconds(), shown(site.Index))
		return
	}
	levels := map[int]int{}
	synthetic := 0
	for _, r := range site.Regions {
		levels[r.Level]++
		if r.Synthetic {
			synthetic++
		}
	}
	var parts []string
	for lv := 0; lv <= 5; lv++ {
		if n := levels[lv]; n == 1 {
			parts = append(parts, fmt.Sprintf("1 %s", levelWord[lv]))
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, levelWords[lv]))
		}
	}
	synth := ""
	if synthetic > 0 {
		synth = fmt.Sprintf(", %d with synthetic demo data", synthetic)
	}
	fmt.Fprintf(e.Stdout, "  region pages: %s%s\n", strings.Join(parts, ", "), synth)
	fmt.Fprintf(e.Stdout, "%s and %s in %.2fs: %s\n", count(len(site.Regions), "region page"), count(len(site.Pages), "report"),
		took.Seconds(), shown(site.Index))
}

// count says n things: "1 report", "2 reports".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// levelWords name the region levels in the summary; levelWord one of them.
var (
	levelWords = map[int]string{0: "countries", 1: "provinces", 2: "prefectures", 3: "counties", 4: "townships", 5: "villages"}
	levelWord  = map[int]string{0: "country", 1: "province", 2: "prefecture", 3: "county", 4: "township", 5: "village"}
)
