package cli

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"grassroots/pipelines/collect"
	"grassroots/pipelines/spec"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "template",
		Args:    "PIPELINE",
		Summary: "write the collection template (填报模板) of a pipeline for the regions below to fill",
		Help: `Writes an Excel workbook for the regions directly below --region (default the
warehouse's home region) to fill in and send back, laid out so that PIPELINE reads
the returned files as they are:

  填报表 (or the sheet the pipeline reads)  the title and note rows the pipeline
      skips, its headers in order, then one row per region below (valid today in
      the region table), its code pre-filled, with a column of names to check
      against (the pipeline ignores it); for a pipeline keyed by year the year
      of --period, pre-filled. Drop-down lists of the values its recode or
      allowed list accepts, whole or decimal numbers within its min and max,
      number formats (integers 0, decimals 0.00), with prompts and error messages
      in Chinese. The header and the pre-filled cells are locked; the sheet is
      protected without a password, so a department can lift it.
  填报说明  the pipeline's description (口径), each column's meaning and unit
      from the warehouse's labels (数据状态: what each choice records), the
      cross-column checks a row must pass (审核关系), the deadline (2025-01-15
      prints as 2025年1月15日), the contact, and how to name the returned file:
      区划代码_单位名称.xlsx.

Each region below fills its own row and sends the workbook back; put the returned
files where the pipeline's path looks (a pattern such as inputs/returns/*.xlsx):
one grassroots run reads them all, and grassroots status shows who has returned.

A pipeline that does not read workbooks (a CSV export, say) gets the template of
the pipeline of the same table that reads the returns, if the project has one.
The file is written to the current folder as PIPELINE-REGION[-YEAR].xlsx unless
--out says otherwise.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, project, region, period, out, deadline, contact string
			addWarehouseFlag(fs, &path)
			addProjectFlag(fs, &project)
			fs.StringVar(&region, "region", "", "the region whose regions below fill the template (default: the warehouse's home region)")
			fs.StringVar(&period, "period", "", "the year to fill, for a pipeline keyed by year: 2024")
			fs.StringVar(&out, "out", "", "file to write (default: PIPELINE-REGION[-YEAR].xlsx in the current folder)")
			fs.StringVar(&deadline, "deadline", "", "when the filled files are due, as printed in 填报说明: 2025-01-15")
			fs.StringVar(&contact, "contact", "", "whom to return it to and how to reach them, as printed in 填报说明")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) != 1 {
					return Usagef("template takes one pipeline name")
				}
				if period != "" {
					ys, err := parseYears(period)
					if err != nil || len(ys) != 1 {
						return Usagef("--period: one year, such as 2024")
					}
				}
				project := e.projectDir(project)
				s, err := spec.Load(project, args[0])
				if err != nil {
					return err
				}
				if s.Source.Kind != "xlsx" {
					alt, err := returnsPipeline(project, s)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.Stdout, "%s reads %s, not workbooks: this is the template of %s, which reads the returned files (%s)\n",
						s.Name, s.Source.Kind, alt.Name, alt.Source.Path)
					s = alt
				}
				w, region, err := e.openReadAt(ctx, e.warehousePath(path), region)
				if err != nil {
					return err
				}
				defer w.Close()
				opts := collect.Options{Period: period, Deadline: deadline, Contact: contact}
				if opts.Region, opts.Children, err = regionAndChildren(ctx, w.DB(), region); err != nil {
					return err
				}
				if err := checkLevel(ctx, w.DB(), s, opts.Children[0].Code); err != nil {
					return err
				}
				if opts.Labels, err = columnLabels(ctx, w.DB(), s.Target.Table); err != nil {
					return err
				}
				tpl, err := collect.New(s, opts)
				if err != nil {
					return err
				}
				if out == "" {
					out = s.Name + "-" + region + ".xlsx"
					if period != "" {
						out = s.Name + "-" + region + "-" + period + ".xlsx"
					}
				}
				if err := saveWorkbook(tpl.File, out); err != nil {
					return err
				}
				var heads []string
				for _, c := range tpl.Columns {
					heads = append(heads, c.Header)
				}
				fmt.Fprintf(e.Stdout, "wrote %s: %d rows, one per region below %s %s (%s … %s)\n", out, len(opts.Children),
					opts.Region.Code, opts.Region.Name, opts.Children[0].Name, opts.Children[len(opts.Children)-1].Name)
				fmt.Fprintf(e.Stdout, "  sheet %s, header row %d: %s\n", tpl.Sheet, tpl.HeaderRow, strings.Join(heads, " | "))
				fmt.Fprintf(e.Stdout, "  returned files: named 区划代码_单位名称.xlsx (%s), put where %s reads them: %s\n",
					collect.ReturnName(opts.Children[0]), s.Name, s.Source.Path)
				return nil
			}
		},
	})
}

// returnsPipeline is the pipeline of the project that reads returned
// workbooks (kind xlsx, a pattern path) into the table s loads.
func returnsPipeline(project string, s *spec.Spec) (*spec.Spec, error) {
	all, _ := spec.LoadAll(project)
	for _, o := range all {
		if o.Name != s.Name && o.Source.Kind == "xlsx" && spec.IsGlob(o.Source.Path) && o.Target.Table == s.Target.Table {
			return o, nil
		}
	}
	return nil, fmt.Errorf("pipeline %s reads %s; a template is laid out for a pipeline that reads workbooks "+
		"(kind xlsx, a path such as inputs/returns/*.xlsx), and no such pipeline of table %s is in %s",
		s.Name, s.Source.Kind, s.Target.Table, project)
}

// regionAndChildren is the region code and the regions directly below it
// that are valid today, in code order (region_children: the districts
// under a placeholder 310100 市辖区 stand in its place).
func regionAndChildren(ctx context.Context, db *sql.DB, code string) (collect.Region, []collect.Region, error) {
	r := collect.Region{Code: code}
	if code == warehouse.Country {
		r.Name = "全国"
	}
	if err := db.QueryRowContext(ctx, `SELECT name FROM region WHERE code = ?`, code).Scan(&r.Name); err != nil && err != sql.ErrNoRows {
		return r, nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT code, name FROM region_children(?, current_date) ORDER BY code`, code)
	if err != nil {
		return r, nil, fmt.Errorf("read the regions below %s: %w", code, err)
	}
	defer rows.Close()
	var kids []collect.Region
	for rows.Next() {
		var k collect.Region
		if err := rows.Scan(&k.Code, &k.Name); err != nil {
			return r, nil, err
		}
		kids = append(kids, k)
	}
	if err := rows.Err(); err != nil {
		return r, nil, err
	}
	if len(kids) == 0 {
		return r, nil, fmt.Errorf("no region below %s in the region table (load the region codes: grassroots run refdata_region refdata_region_township)", code)
	}
	return r, kids, nil
}

// checkLevel refuses a template whose rows the pipeline would refuse: its
// region column takes codes of one level (region_level) and the regions
// below are of another.
func checkLevel(ctx context.Context, db *sql.DB, s *spec.Spec, child string) error {
	var level int
	if err := db.QueryRowContext(ctx, `SELECT level FROM region WHERE code = ?`, child).Scan(&level); err != nil {
		return nil
	}
	for _, c := range s.Source.Columns {
		if r, ok := s.Validate.Columns[c.Name]; ok && r.RegionLevel != nil && *r.RegionLevel != level && !c.From.IsZero() {
			return Usagef("pipeline %s takes region codes of level %d (validate.columns.%s.region_level) and the regions below --region are of level %d: give the region one level above its codes",
				s.Name, *r.RegionLevel, c.Name, level)
		}
	}
	return nil
}

// columnLabels are the Chinese labels and units of table's columns
// (catalog_label, from sql/schema/labels.csv).
func columnLabels(ctx context.Context, db *sql.DB, table string) (map[string]collect.Label, error) {
	rows, err := db.QueryContext(ctx, `SELECT column_name, coalesce(label_zh, ''), coalesce(unit, '') FROM catalog_label
		WHERE table_name = ? AND coalesce(column_name, '') <> ''`, table)
	if err != nil {
		return nil, fmt.Errorf("read the labels of %s: %w", table, err)
	}
	defer rows.Close()
	out := map[string]collect.Label{}
	for rows.Next() {
		var c string
		var l collect.Label
		if err := rows.Scan(&c, &l.Name, &l.Unit); err != nil {
			return nil, err
		}
		out[c] = l
	}
	return out, rows.Err()
}

// saveWorkbook writes f to path (mode 0644), removing a part written when
// it fails.
func saveWorkbook(f *excelize.File, path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = f.WriteTo(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
