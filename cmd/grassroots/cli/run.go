package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	piperun "grassroots/pipelines/run"
	"grassroots/pipelines/spec"
)

func init() {
	register(&Command{
		Name:    "run",
		Args:    "NAME...",
		Summary: "run pipelines now: validate, quarantine, load in one transaction, record",
		Help: `Runs each named pipeline (DIR/pipelines/NAME.yaml) once: reads its source,
checks every row, sets the rows that fail aside in _quarantine with every reason,
and loads the rest in one transaction that replaces the pipeline's partitions, so
running it again on the same input leaves the warehouse the same. If more rows
fail than the pipeline's reject_threshold allows, nothing is loaded; a run that
fails loads nothing and quarantines every row it read, the valid ones as held
back, so that rows read = loaded + quarantined for every run.

An input whose content (and spec) is unchanged since the pipeline's last
successful run is skipped; --force loads it anyway. A pipeline whose source
names {year} runs once per period: the spec's periods, or --period 2015..2020
(also 2020, or 2015,2018), each period its own run.

On a terminal a live line per run on stderr shows its rows read, quarantined,
bytes of the input read (of the total, where it is known), rows per second and
time left, and is erased when the run ends; --progress never turns it off,
--progress always draws it on stderr even when stderr is not a terminal.

Exit status 1 if any run failed. Works from a system crontab as well as by hand;
while grassroots schedule holds the warehouse, use the scheduler instead.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, project, period, format, prog string
			var force bool
			addWarehouseFlag(fs, &path)
			addProjectFlag(fs, &project)
			fs.StringVar(&period, "period", "", "periods to run: 2020, 2015..2020 or 2015,2018")
			fs.BoolVar(&force, "force", false, "load even if the input is unchanged since the last successful run")
			fs.StringVar(&format, "format", "table", "output format: table, csv, json or markdown")
			addProgressFlag(fs, &prog)
			return func(ctx context.Context, e *Env, args []string) error {
				if err := checkFormat(format); err != nil {
					return err
				}
				mode, err := progressMode(prog)
				if err != nil {
					return err
				}
				if len(args) == 0 {
					return Usagef("name the pipeline(s) to run")
				}
				var periods []string
				if period != "" {
					p, err := spec.ParsePeriods(period)
					if err != nil {
						return Usagef("--period: %v", err)
					}
					periods = p
				}
				project := e.projectDir(project)
				path := e.warehousePath(path)
				if err := requireWarehouse(path); err != nil {
					return err
				}
				var specs []*spec.Spec
				for _, name := range args {
					s, err := spec.Load(project, name)
					if err != nil {
						return err
					}
					if periods != nil && !s.UsesPeriod() {
						return Usagef("pipeline %s takes no --period: its source names no {year}", name)
					}
					specs = append(specs, s)
				}
				w, err := e.openWrite(ctx, path)
				if err != nil {
					return err
				}
				defer w.Close()
				obs, stop := e.startProgress(mode)
				defer stop()
				var all []piperun.Outcome
				var errs []error
				for _, s := range specs {
					outs, err := piperun.Run(ctx, s, piperun.Options{Project: project, Warehouse: w, Trigger: "cli",
						Force: force, Periods: periods, Log: e.Log, Refresh: refreshAfterRun(e, project), Progress: obs})
					all = append(all, outs...)
					if err != nil {
						errs = append(errs, err)
					}
				}
				stop()
				if len(all) > 0 {
					if err := outcomesResult(all).Write(e.Stdout, format); err != nil {
						return err
					}
					printLoadNotes(ctx, w, specs, all, e.Stderr)
				}
				if len(errs) > 0 {
					if len(all) > 0 {
						return fmt.Errorf("%d of %d runs failed (see above and grassroots runs --failed)", countFailed(all), len(all))
					}
					return errors.Join(errs...)
				}
				return nil
			}
		},
	})
}

func countFailed(outs []piperun.Outcome) int {
	n := 0
	for _, o := range outs {
		if o.Err != nil {
			n++
		}
	}
	return n
}
