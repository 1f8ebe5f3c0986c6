package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"grassroots/pipelines"
	piperun "grassroots/pipelines/run"
	"grassroots/pipelines/spec"
	"grassroots/sql/warehouse"
)

func init() {
	registerDemoStep(10, "reference data", loadRefdata)
}

// loadRefdata writes the reference-data pipelines and their bundled CSV files
// into the demo project and runs them, one run each.
func loadRefdata(ctx context.Context, e *Env, d *demo) error {
	fmt.Fprintln(e.Stdout, "\nreference data (published figures, sources in pipelines/refdata/README.md):")
	specs, err := pipelines.WriteReference(d.Dir)
	if err != nil {
		return err
	}
	if err := runDemoPipelines(ctx, e, d, specs); err != nil {
		return err
	}
	fmt.Fprint(e.Stdout, "  ")
	return noteUnattachedCensusUnits(ctx, d.Warehouse, e.Stdout)
}

// runDemoPipelines writes the specs into the demo project's pipelines folder
// and runs each through the same path as `grassroots run`.
func runDemoPipelines(ctx context.Context, e *Env, d *demo, specs []pipelines.Spec) error {
	for _, ps := range specs {
		file := filepath.Join(d.Dir, spec.Dir, ps.File)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, ps.Data, 0o644); err != nil {
			return err
		}
		s, err := spec.Parse(file, ps.Data)
		if err != nil {
			return err
		}
		outs, err := piperun.Run(ctx, s, piperun.Options{Project: d.Dir, Warehouse: d.Warehouse, Trigger: "demo", Log: e.Log,
			Progress: d.Progress})
		var read, loaded, quarantined int64
		var secs float64
		status := ""
		for _, o := range outs {
			read, loaded, quarantined = read+o.Read, loaded+o.Loaded, quarantined+o.Quarantined
			if o.Quarantined > 0 {
				d.QuarantineRuns = append(d.QuarantineRuns, o.RunID)
			}
			secs += o.Duration.Seconds()
			if status == "" || o.Status != warehouse.StatusSucceeded {
				status = o.Status
			}
		}
		periods := ""
		if len(outs) > 1 {
			periods = fmt.Sprintf(" (%d periods)", len(outs))
		}
		q := ""
		if quarantined > 0 {
			q = fmt.Sprintf(", %d quarantined", quarantined)
		}
		fmt.Fprintf(e.Stdout, "  %-30s %-14s %-9s %7d rows read, %7d loaded%s  %5.2fs%s  %s\n", s.Name, s.Target.Table,
			status, read, loaded, q, secs, periods, s.Description)
		d.Pipelines++
		d.Runs += len(outs)
		d.Read, d.Loaded, d.Quarantined = d.Read+read, d.Loaded+loaded, d.Quarantined+quarantined
		if err != nil {
			return err
		}
	}
	return nil
}
