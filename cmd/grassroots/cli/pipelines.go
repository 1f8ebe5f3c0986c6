package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	piperun "grassroots/pipelines/run"
	"grassroots/pipelines/spec"
	"grassroots/reports"
	"grassroots/reports/bulletin"
	"grassroots/sql/indicators"
	"grassroots/sql/warehouse"
)

// addProjectFlag declares --project: the folder holding pipelines/*.yaml and
// the inputs they name by relative path.
func addProjectFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "project", "", "project folder: pipelines/*.yaml and the inputs they name\n(default: the nearest folder, this one or above, holding grassroots.duckdb; else this one)")
}

// refreshAfterRun returns the hook run.Run calls after a successful run: it
// recomputes the indicators the spec's refresh names ("auto" or "*": every
// indicator that reads the pipeline's table) in a run of their own (pipeline
// "indicators", committed like any run, so a refresh cut off is never half
// seen), runs the audit over the result (pipeline "audit"; errors raise
// alerts), and re-renders the reports it names into DIR/site (the audit
// report with them).
func refreshAfterRun(e *Env, project string) piperun.RefreshFunc {
	return func(ctx context.Context, w *warehouse.Warehouse, s *spec.Spec, by piperun.RunRef) error {
		var errs []error
		if codes := s.Refresh.Indicators; len(codes) > 0 {
			if len(codes) == 1 && (codes[0] == "auto" || codes[0] == "*") {
				var err error
				if codes, err = indicators.ReadingTables(s.Target.Table); err != nil {
					errs = append(errs, err)
				}
			}
			if len(codes) > 0 {
				st, err := indicators.ComputeWith(ctx, w, indicators.Options{Trigger: by.Trigger}, codes...)
				if err != nil {
					errs = append(errs, fmt.Errorf("refresh indicators: %w", err))
				} else {
					e.Log.Debug("indicators refreshed", "pipeline", s.Name, "run", by.ID, "indicators", len(st.Indicators), "values", st.Values)
					// The refreshed figures are audited at once: errors
					// become alerts before anyone reads them.
					if err := auditAfterRefresh(ctx, e, w, by.Trigger); err != nil {
						errs = append(errs, fmt.Errorf("refresh: %w", err))
					}
				}
			}
		}
		if names := s.Refresh.Reports; len(names) > 0 {
			specs, err := selectReports(names)
			var tmpl *bulletin.Templates
			if err == nil {
				tmpl, err = projectBulletin(project)
			}
			if err == nil {
				out := filepath.Join(project, "site")
				_, err = reports.Render(ctx, w.DB(), specs, reports.Options{Out: out, Lang: reports.Zh, Bulletin: tmpl})
				e.Log.Debug("reports refreshed", "pipeline", s.Name, "site", out)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("refresh reports: %w", err))
			}
		}
		return errors.Join(errs...)
	}
}

// outcomesResult shows the outcomes of runs, one line each.
func outcomesResult(outs []piperun.Outcome) *Result {
	res := &Result{
		Columns: []string{"run", "pipeline", "period", "status", "read", "loaded", "quarantined", "replaced", "seconds", "note"},
		Types:   []string{"BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "DOUBLE", "VARCHAR"},
		Blank:   true, // a run with nothing to say has an empty note, not NULL
	}
	for _, o := range outs {
		var note any
		switch {
		case o.Err != nil:
			note = o.Err.Error()
		case o.Note != "":
			note = o.Note
		case o.RefreshErr != nil:
			note = "loaded; " + o.RefreshErr.Error()
		case o.Quarantined > 0:
			note = fmt.Sprintf("see grassroots quarantine %d", o.RunID)
		}
		res.Rows = append(res.Rows, []any{o.RunID, o.Pipeline, o.Period, o.Status, o.Read, o.Loaded, o.Quarantined,
			o.Replaced, float64(o.Duration.Round(10*time.Millisecond).Milliseconds()) / 1000, note})
	}
	for _, o := range outs {
		if o.Period != "" {
			return res
		}
	}
	// No pipeline ran by period: leave the column out.
	res.Columns = append(res.Columns[:2:2], res.Columns[3:]...)
	res.Types = append(res.Types[:2:2], res.Types[3:]...)
	for i, r := range res.Rows {
		res.Rows[i] = append(r[:2:2], r[3:]...)
	}
	return res
}
