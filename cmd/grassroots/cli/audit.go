package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"grassroots/reports"
	"grassroots/sql/audit"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "audit",
		Summary: "run the data audit (数据审核): parts sum to totals, shares within 0-100%, jumps, breaks",
		Help: `Runs every audit rule (sql/audit: parts sum to the total within a tolerance,
shares within 0-100%, year-on-year changes beyond a threshold, a level break in
the year a region code changed, a denominator that fell to zero) over the
warehouse, replaces the findings of the last audit (audit_finding) and raises
an alert for each finding of severity error (grassroots indicators alerts).

Prints the findings, errors (错误) first, then notices (提示), each with the
region's code and name, the period, the figures involved, the rule and what to
check (建议核查), and writes DIR/audit.html (数据审核报告, a printable page of
the report site; grassroots report links it from the index) and DIR/audit.xlsx
(the list to send back to the level below). A warehouse whose home region is
not the whole country audits its home and the regions inside it. --region and
--period keep the
findings of one region (and the regions inside it) and one period, written as
audit-REGION-PERIOD.html and .xlsx beside the whole audit. Findings
on synthetic demo data are marked. The audit runs after every indicator
refresh of a pipeline run as well.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, region, period, out string
			addWarehouseFlag(fs, &path)
			fs.StringVar(&region, "region", "", "only this region and the regions inside it")
			fs.StringVar(&period, "period", "", "only this period: a year (2020) or a snapshot date (2024-12-31)")
			fs.StringVar(&out, "out", "site", "folder of the report site to write audit.html and audit.xlsx to")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("audit takes no arguments (use --region and --period)")
				}
				if period != "" && !auditPeriod.MatchString(period) {
					return Usagef("--period %q: want a year (2020) or a snapshot date (2024-12-31)", period)
				}
				w, err := e.openWrite(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				if region != "" {
					var n int
					if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM region WHERE code = ?`, region).Scan(&n); err != nil {
						return err
					}
					if n == 0 {
						return Usagef("--region %s: no such region in the warehouse", region)
					}
				}
				st, err := audit.Run(ctx, w, audit.Options{Trigger: "cli"})
				if err != nil {
					return err
				}
				a, err := reports.ReadAudit(ctx, w.DB(), region, period)
				if err != nil {
					return err
				}
				printAudit(e.Stdout, a, st)
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				a.List = reports.AuditName(region, period) + ".xlsx"
				page, err := reports.WriteAudit(out, a)
				if err != nil {
					return err
				}
				list := filepath.Join(out, a.List)
				if err := writeAuditXLSX(list, a); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "\n数据审核报告 %s\n审核清单     %s\n", page, list)
				return nil
			}
		},
	})
}

var auditPeriod = regexp.MustCompile(`^\d{4}(-\d{2}-\d{2})?$`)

// printAudit prints the findings grouped by severity.
func printAudit(out io.Writer, a *reports.Audit, st audit.Stats) {
	fmt.Fprintf(out, "数据审核：%d 条规则，%d 条结果", a.Rules, a.Total)
	for _, g := range a.Groups {
		fmt.Fprintf(out, "，%s %d", g.Label, len(g.Findings))
	}
	fmt.Fprintf(out, "（%.2fs，run %d）\n", st.Duration.Seconds(), st.RunID)
	if a.Total == 0 {
		fmt.Fprintln(out, "未发现问题。")
	}
	if a.Elsewhere > 0 {
		fmt.Fprintf(out, "本地区以外另有 %d 条结果（其他地区的参考数据），未列出：grassroots audit --region 000000\n", a.Elsewhere)
	}
	for _, g := range a.Groups {
		fmt.Fprintf(out, "\n%s（%d 条）\n", g.Label, len(g.Findings))
		for _, f := range g.Findings {
			where := f.Region
			if f.RegionName != "" {
				where += " " + f.RegionName
			}
			fmt.Fprintf(out, "  %s  %s", where, f.Period)
			if f.Vintage != "" {
				fmt.Fprintf(out, "  口径 %s", f.Vintage)
			}
			if f.Series != "" {
				fmt.Fprintf(out, "  %s", f.Series)
			}
			if f.Synthetic {
				fmt.Fprint(out, "  [示例数据 synthetic]")
			}
			fmt.Fprintf(out, "\n    %s [%s]\n    %s", f.Title, f.Rule, f.Figures)
			if f.Detail != "" {
				fmt.Fprintf(out, "（%s）", f.Detail)
			}
			fmt.Fprintf(out, "\n    建议核查：%s\n", f.Advice)
		}
	}
}

// auditResult is the findings as a table, the columns of the list sent
// back to the level below.
func auditResult(a *reports.Audit) *Result {
	res := &Result{
		Columns: []string{"类别", "区划代码", "区划名称", "期别", "口径", "系列", "审核规则", "规则代码", "涉及数字", "来源", "建议核查", "数据性质"},
		Types:   []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"},
	}
	for _, g := range a.Groups {
		for _, f := range g.Findings {
			kind := "真实数据"
			if f.Synthetic {
				kind = "示例数据 synthetic"
			}
			res.Rows = append(res.Rows, []any{f.SeverityZh, f.Region, f.RegionName, f.Period, f.Vintage, f.Series,
				f.Title, f.Rule, f.Figures, f.Detail, f.Advice, kind})
		}
	}
	return res
}

// writeAuditXLSX writes the findings to a workbook, one row each.
func writeAuditXLSX(path string, a *reports.Audit) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := auditResult(a).WriteXLSX(f, "数据审核"); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// auditAfterRefresh runs the audit after an indicator refresh; its
// findings of severity error become alerts.
func auditAfterRefresh(ctx context.Context, e *Env, w *warehouse.Warehouse, trigger string) error {
	st, err := audit.Run(ctx, w, audit.Options{Trigger: trigger})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	e.Log.Debug("audit", "findings", st.Findings, "errors", st.Errors, "seconds", st.Duration.Seconds())
	return nil
}
