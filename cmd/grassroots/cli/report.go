package cli

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"time"

	"grassroots/reports"
)

func init() {
	register(&Command{
		Name:    "report",
		Args:    "[NAME...]",
		Summary: "render the reports as an offline HTML site (index.html and one page per report)",
		Help: `Renders every report (or the NAMEs given) from the warehouse into DIR: index.html
lists each report with the date of its data, and each report is a page of
charts. The ECharts script and the China map are written to DIR/assets, so the
site opens with no internet; --single-file inlines them into every page instead
(one file of about 1.1 MB per page, to mail or archive).

Reports without a region of their own show the county the warehouse's
registers describe; --region shows every report for one region instead.
Charts of synthetic demo data carry a "示例数据 / synthetic" banner.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, out, region, lang string
			var single bool
			addWarehouseFlag(fs, &path)
			fs.StringVar(&out, "out", "site", "folder to write the site to")
			fs.StringVar(&region, "region", "", "region code to show every report for (default: each report's own)")
			fs.BoolVar(&single, "single-file", false, "inline the scripts into each page instead of writing assets/")
			fs.StringVar(&lang, "lang", "zh", "language of the labels: zh or en")
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
				start := time.Now()
				site, err := reports.Render(ctx, w.DB(), specs, reports.Options{Out: out, Region: region, SingleFile: single, Lang: l})
				if err != nil {
					return err
				}
				printSite(e, site, time.Since(start))
				return nil
			}
		},
	})
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
	fmt.Fprintf(e.Stdout, "%d reports in %.2fs: %s\n", len(site.Pages), took.Seconds(), shown(site.Index))
}
