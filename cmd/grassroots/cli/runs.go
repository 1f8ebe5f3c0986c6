package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "runs",
		Args:    "[PIPELINE]",
		Summary: "show the run history, newest first",
		Help: `One line per run: when it started and ended, its status (running, succeeded,
failed, skipped, interrupted), rows read, loaded and quarantined, and the error of
a run that failed. Rows read always equal rows loaded plus rows quarantined.

The refresh column says whether what depends on a run's data (indicators,
reports) was brought up to date after it, for pipelines that refresh (refresh:
in their spec): done, or pending / failed — the indicators are stale until the
next run of the pipeline redoes the refresh. Blank: the run refreshes nothing
itself (an indicators run, a revert, a demo run whose command computes the
indicators afterwards, a skipped or failed run).

A reverted run says which run reverted it; a revert says which run it undid.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, format string
			var failed bool
			var limit int
			addWarehouseFlag(fs, &path)
			fs.StringVar(&format, "format", "table", "output format: table, csv, json or markdown")
			fs.BoolVar(&failed, "failed", false, "only runs that failed or were interrupted")
			fs.IntVar(&limit, "limit", 50, "show at most this many runs (0: all)")
			return func(ctx context.Context, e *Env, args []string) error {
				if err := checkFormat(format); err != nil {
					return err
				}
				if len(args) > 1 {
					return Usagef("at most one pipeline name")
				}
				f := warehouse.RunFilter{Failed: failed, Limit: limit}
				if len(args) == 1 {
					f.Pipeline = args[0]
				}
				w, err := e.openRead(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				runs, err := w.Runs(ctx, f)
				if err != nil {
					return err
				}
				return runsResult(runs).Write(e.Stdout, format)
			}
		},
	})
}

func runsResult(runs []warehouse.Run) *Result {
	res := &Result{
		Columns: []string{"run", "pipeline", "trigger", "started", "seconds", "status", "read", "loaded", "quarantined", "refresh", "error"},
		Types:   []string{"BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "VARCHAR", "VARCHAR"},
	}
	for _, r := range runs {
		var secs any
		if r.Ended.Valid {
			secs = float64(r.Ended.Time.Sub(r.Started).Milliseconds()) / 1000
		}
		refresh := r.Refresh
		switch r.Refresh {
		case warehouse.RefreshPending, warehouse.RefreshFailed:
			refresh += ": indicators stale until the next run of " + r.Pipeline
			if r.RefreshError != "" {
				refresh += " (" + r.RefreshError + ")"
			}
		}
		msg := r.Error
		if r.Reverts.Valid {
			msg = strings.TrimPrefix(msg+"; ", "; ") + fmt.Sprintf("reverts run %d", r.Reverts.Int64)
		}
		if r.RevertedBy.Valid {
			msg = strings.TrimPrefix(msg+"; ", "; ") + fmt.Sprintf("reverted by run %d", r.RevertedBy.Int64)
		}
		res.Rows = append(res.Rows, []any{r.ID, r.Pipeline, r.Trigger, r.Started.Local().Format(time.DateTime),
			secs, r.Status, r.RowsRead, r.RowsLoaded, r.RowsQuarantined, refresh, msg})
	}
	return res
}
