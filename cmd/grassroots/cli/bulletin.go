package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"grassroots/reports"
	"grassroots/reports/bulletin"
)

func init() {
	register(&Command{
		Name:    "bulletin",
		Summary: "write a region's statistical bulletin (统计公报-style paragraphs, figures and charts) as a Word document",
		Args:    "[--write-templates [DIR]]",
		Help: `Writes the region's bulletin for the year as a .docx: a title, the paragraphs that
open its report page (城镇化, 人口年龄, 党员队伍, 组织覆盖, 预警 — each section only where
the warehouse has its figures), a table of the figures they cite (指标, 数值, 单位,
状态, 比上年) and the charts as images with their captions.

Every number in the text is an indicator value as published (its precision, its
status: 快报数, 修订数 … — once a paragraph, 以上为快报数。, where all its
figures share it; synthetic figures are marked 示例数据), its change on the
previous period (the difference of the published figures; percentage points
for rates), its rank among the regions counted under the same place (through a
市辖区 or 县 placeholder: a Chongqing district among all 38 of the
municipality), or its target status as grassroots indicators show gives it.
The wording comes from templates (Go text/template), one file a section: the
bundled ones, replaced by files of the same name in the project's
reports/bulletin/ or in --templates DIR, so a department can edit them.
--write-templates [DIR] writes the bundled templates into DIR (default: the
project's reports/bulletin) to start from, and refuses to overwrite a file
that is there. grassroots lint checks that they parse.

--region defaults to the warehouse's home region, --year to the latest year with
data; a --year of which the region has no figure fails and names the years that
have some. --text prints the paragraphs instead of writing a document.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, region, out, project, templates string
			var year int
			var text, write bool
			addWarehouseFlag(fs, &path)
			fs.StringVar(&region, "region", "", "region code (default: the warehouse's home region)")
			fs.IntVar(&year, "year", 0, "year of the bulletin (default: the latest with data)")
			fs.StringVar(&out, "out", "", "the .docx to write (default: bulletin-REGION-YEAR.docx)")
			fs.StringVar(&project, "project", "", "project folder: its reports/bulletin/*.tmpl replace the bundled templates\n(default: the project the current folder is in)")
			fs.StringVar(&templates, "templates", "", "folder of bulletin templates (*.tmpl), instead of the project's reports/bulletin")
			fs.BoolVar(&text, "text", false, "print the paragraphs on standard output instead of writing a document")
			fs.BoolVar(&write, "write-templates", false, "write the bundled templates into DIR (default: the project's reports/bulletin)\nfor editing, and nothing else; an existing file is not overwritten")
			return func(ctx context.Context, e *Env, args []string) error {
				if write {
					return writeTemplates(e, project, args)
				}
				if len(args) > 0 {
					return Usagef("bulletin takes no arguments (use --region and --year; a folder only with --write-templates)")
				}
				if region != "" && !regionCodeRE.MatchString(region) {
					return Usagef("--region %q: want a 6-, 9- or 12-digit region code", region)
				}
				if year < 0 || (year > 0 && year < 1900) {
					return Usagef("--year %d: want a year such as 2024", year)
				}
				if text && out != "" {
					return Usagef("--text prints the paragraphs: give no --out")
				}
				dir := templates
				if dir == "" {
					dir = filepath.Join(e.projectDir(project), bulletin.Dir)
				} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					return Usagef("--templates %s: not a folder", dir)
				}
				tmpl, err := bulletin.Load(dir)
				if err != nil {
					return fmt.Errorf("%w\n(grassroots bulletin --write-templates DIR writes the bundled templates, which parse, to compare or start from)", err)
				}
				w, region, err := e.openReadAt(ctx, e.warehousePath(path), region)
				if err != nil {
					return err
				}
				defer w.Close()
				f, err := reports.BulletinFacts(ctx, w.DB(), region, year)
				if err != nil {
					return err
				}
				asked := year
				if year == 0 {
					year = f.LatestYear()
				}
				if len(f.Facts) == 0 {
					return fmt.Errorf("region %s (%s) has no indicator values%s: nothing to write", region, shown(f.Name), upTo(year))
				}
				if asked != 0 && !hasYear(f, asked) {
					// Not a bulletin of that year made of earlier years' figures
					// (a census's) under its title: say which years have some.
					hidden, err := reports.HiddenValue(ctx, w.DB())
					if err != nil {
						return err
					}
					years, err := bulletin.Years(ctx, w.DB(), region, hidden)
					if err != nil {
						return err
					}
					return fmt.Errorf("region %s (%s) has no figures of %d: it has figures of %s (give one of them as --year, or no --year for the latest)",
						region, shown(f.Name), asked, bulletin.YearList(years))
				}
				sections, err := tmpl.Write(f)
				if err != nil {
					return err
				}
				if text {
					for _, s := range sections {
						fmt.Fprintln(e.Stdout, s.Title)
						for _, p := range s.Paragraphs {
							fmt.Fprintln(e.Stdout, "  "+p)
						}
					}
					return nil
				}
				hidden, err := reports.HiddenValue(ctx, w.DB())
				if err != nil {
					return err
				}
				doc, err := bulletin.NewDocument(ctx, w.DB(), f, year, sections, hidden)
				if err != nil {
					return err
				}
				if out == "" {
					out = fmt.Sprintf("bulletin-%s-%d.docx", region, year)
				}
				if err := doc.WriteFile(out); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "wrote %s: %s %d, %d sections, %d figures, %d charts\n", shown(out), shown(f.Name), year,
					len(sections), len(doc.Figures), len(doc.Images))
				return nil
			}
		},
	})
}

// writeTemplates writes the bundled templates into args[0], else the
// project's reports/bulletin.
func writeTemplates(e *Env, project string, args []string) error {
	if len(args) > 1 {
		return Usagef("--write-templates takes one folder, not %d", len(args))
	}
	dir := filepath.Join(e.projectDir(project), bulletin.Dir)
	if len(args) == 1 {
		dir = args[0]
	}
	paths, err := bulletin.WriteBundled(dir)
	for _, p := range paths {
		fmt.Fprintf(e.Stdout, "wrote %s\n", shown(p))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "edit them there: a file replaces the bundled one of the same name; grassroots lint checks them\n")
	return nil
}

// hasYear reports whether a fact of f is of year.
func hasYear(f *bulletin.Facts, year int) bool {
	for _, x := range f.Facts {
		if x.Year == year {
			return true
		}
	}
	return false
}

func upTo(year int) string {
	if year == 0 {
		return ""
	}
	return fmt.Sprintf(" up to %d", year)
}
