package cli

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strconv"
	"time"

	"grassroots/sql/indicators"
)

func init() {
	register(&Command{
		Name:    "runs revert",
		Args:    "RUN_ID",
		Summary: "undo a run: its rows leave, the rows it replaced come back",
		Help: `Undoes a run in one transaction, recorded as a run of its own (pipeline
"revert"): the rows the run loaded are no longer current, and the rows it
replaced are current again. Read --as-of a moment before the revert, the
warehouse still shows the reverted run's rows: history is never rewritten.
The indicators that read the tables it changed are computed again.

A run can be reverted while all its rows are current: if a later run replaced
some of them, revert that one first. Rows replaced longer ago than the
retention (see grassroots vacuum) are gone, and cannot come back.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path string
			addWarehouseFlag(fs, &path)
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) != 1 {
					return Usagef("give the run to revert (see grassroots runs)")
				}
				id, err := strconv.ParseInt(args[0], 10, 64)
				if err != nil || id <= 0 {
					return Usagef("%q is not a run id", args[0])
				}
				w, err := e.openWrite(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				st, err := w.Revert(ctx, id, "cli")
				if err != nil {
					return err
				}
				tables := st.Tables()
				sort.Strings(tables)
				for _, t := range tables {
					fmt.Fprintf(e.Stdout, "%-20s %d rows of run %d out, %d rows it had replaced back\n", t, st.Removed[t], id, st.Restored[t])
				}
				fmt.Fprintf(e.Stdout, "run %d reverted by run %d\n", id, st.RunID)
				codes, err := indicators.ReadingTables(tables...)
				if err != nil {
					return err
				}
				if len(codes) > 0 {
					ist, err := indicators.ComputeWith(ctx, w, indicators.Options{Trigger: "cli"}, codes...)
					if err != nil {
						return fmt.Errorf("run %d reverted, but its indicators were not computed again: %w", id, err)
					}
					fmt.Fprintf(e.Stdout, "indicators computed again: %d (run %d)\n", len(ist.Indicators), ist.RunID)
				}
				return nil
			}
		},
	})
	register(&Command{
		Name:    "vacuum",
		Summary: "drop rows replaced longer ago than the warehouse keeps them",
		Help: `Every run that replaces rows keeps the replaced ones, so the warehouse can be
read as it was (--as-of on sql, indicators show, report and export) and runs
can be reverted. vacuum drops, from every <table>_history, the rows replaced
by a run committed longer ago than the retention (default 400 days), and
checkpoints the file. --set-retention DAYS stores a new retention first.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, retention string
			addWarehouseFlag(fs, &path)
			fs.StringVar(&retention, "set-retention", "", "store a new retention first: keep replaced rows this many `DAYS`")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("vacuum takes no arguments")
				}
				days := -1
				if retention != "" {
					n, err := strconv.Atoi(retention)
					if err != nil || n < 0 {
						return Usagef("--set-retention %q: want a whole number of days, 0 or more", retention)
					}
					days = n
				}
				w, err := e.openWrite(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				if days >= 0 {
					if err := w.SetRetention(ctx, time.Duration(days)*24*time.Hour); err != nil {
						return err
					}
					fmt.Fprintf(e.Stdout, "retention set: replaced rows are kept %d days\n", days)
				}
				dropped, horizon, err := w.Vacuum(ctx, time.Now())
				if err != nil {
					return err
				}
				var total int64
				tables := make([]string, 0, len(dropped))
				for t, n := range dropped {
					tables = append(tables, t)
					total += n
				}
				sort.Strings(tables)
				for _, t := range tables {
					fmt.Fprintf(e.Stdout, "%-20s %d replaced rows dropped\n", t, dropped[t])
				}
				fmt.Fprintf(e.Stdout, "%d rows replaced before %s dropped; --as-of reads any moment from then on, and runs committed since can be reverted\n",
					total, horizon.Local().Format(time.DateTime))
				return nil
			}
		},
	})
}
