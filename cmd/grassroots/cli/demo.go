package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"grassroots/pipelines/demodata"
	"grassroots/sources/progress"
	"grassroots/sql/warehouse"
)

// demoStep is one stage of `grassroots demo`. Each capability adds its stage
// from a file of its own with registerDemoStep.
type demoStep struct {
	order int
	name  string
	run   func(ctx context.Context, e *Env, d *demo) error
}

var demoSteps []demoStep

func registerDemoStep(order int, name string, run func(ctx context.Context, e *Env, d *demo) error) {
	demoSteps = append(demoSteps, demoStep{order, name, run})
	sort.SliceStable(demoSteps, func(i, j int) bool { return demoSteps[i].order < demoSteps[j].order })
}

// demo is the state shared by the demo's stages.
type demo struct {
	Dir       string // the demo project's folder
	Warehouse *warehouse.Warehouse
	Path      string // the warehouse file
	Data      demodata.Options
	// Progress is told of each run (the live lines on a terminal); may be nil.
	Progress progress.Observer

	// What the stages did, for the summary.
	Pipelines                  int
	Runs                       int
	Read, Loaded, Quarantined  int64
	QuarantineRuns             []int64 // runs that quarantined rows
	Indicators, Values, Alerts int64
	Findings                   int64 // of the audit
	Index                      string
}

// summary prints what the demo did, in one block.
func (d *demo) summary(e *Env) {
	fmt.Fprintln(e.Stdout, "\nsummary:")
	fmt.Fprintf(e.Stdout, "  pipelines    %d pipelines, %d runs: %d rows read, %d loaded, %d quarantined\n",
		d.Pipelines, d.Runs, d.Read, d.Loaded, d.Quarantined)
	for _, id := range d.QuarantineRuns {
		fmt.Fprintf(e.Stdout, "               grassroots quarantine %d --warehouse %s\n", id, d.Path)
	}
	fmt.Fprintf(e.Stdout, "  indicators   %d computed, %d values, %d alerts raised\n", d.Indicators, d.Values, d.Alerts)
	fmt.Fprintf(e.Stdout, "  audit        %d findings (grassroots audit)\n", d.Findings)
	fmt.Fprintf(e.Stdout, "  warehouse    %s\n", d.Path)
	if d.Index != "" {
		fmt.Fprintf(e.Stdout, "  reports      %s\n", d.Index)
	}
}

func init() {
	register(&Command{
		Name:    "demo",
		Summary: "build the demo project: a warehouse loaded with the bundled data, and what it feeds",
		Help: `Builds a whole project in DIR (--out, default ./demo) and runs it, as an analyst's
own project would run:

  DIR/pipelines/*.yaml          the pipelines it writes: the bundled reference data
                                (refdata_*.yaml, their CSV files in pipelines/refdata/)
                                and the demo district's (demo_*.yaml)
  DIR/inputs/                   the demo district's input files (示例数据, synthetic:
                                real township codes, generated figures, a few bad rows)
  DIR/inputs/returns/           the townships' returns: filled copies of the collection
                                template (grassroots template demo_population_returns)
  DIR/grassroots.duckdb         the warehouse the pipelines load, with its .salt file
  DIR/reports/                  the report site rendered from it

Each pipeline runs through the same path as grassroots run (rejected rows in
grassroots quarantine RUN_ID), then the indicators are computed and the reports
rendered. The reference data are published figures: region codes to township
level, the NBS national urbanisation series, the CPC intra-party statistical
bulletins and World Bank urbanisation series. Running it again rewrites the files
and replaces what it loaded; nothing is duplicated. Afterwards grassroots run,
lint and schedule work on DIR with --project DIR --warehouse DIR/grassroots.duckdb.
On a terminal a live line on stderr shows each pipeline's run as it goes.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var out, prog string
			var data demodata.Options
			fs.StringVar(&out, "out", "demo", "folder of the demo project")
			addProgressFlag(fs, &prog)
			fs.Float64Var(&data.Scale, "scale", 1, "multiply the demo district's members and organisations (400: about 10M members and 2M organisations)")
			fs.Uint64Var(&data.Seed, "seed", demodata.DefaultSeed, "seed of the demo district's generator")
			fs.StringVar(&data.District, "district", demodata.DistrictCode, "put the synthetic district in this real county-level region (real township codes and names; it needs at least 14 townships: 310104 and 310106 have 14): several demo warehouses, each a district and its home region, to report up to a city")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("demo takes no arguments")
				}
				if data.Scale <= 0 {
					return Usagef("--scale must be above 0")
				}
				mode, err := progressMode(prog)
				if err != nil {
					return err
				}
				if _, err := demodata.NewDistrict(demodata.Options{District: data.District, Scale: 0.001}); err != nil {
					return Usagef("--district: %v", err)
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				d := &demo{Dir: out, Path: filepath.Join(out, "grassroots.duckdb"), Data: data}
				w, err := e.openWrite(ctx, d.Path)
				if err != nil {
					return err
				}
				defer w.Close()
				d.Warehouse = w
				var stop func()
				d.Progress, stop = e.startProgress(mode)
				defer stop()
				fmt.Fprintf(e.Stdout, "demo warehouse: %s\n", d.Path)
				for _, s := range demoSteps {
					if err := s.run(ctx, e, d); err != nil {
						return fmt.Errorf("demo: %s: %w", s.name, err)
					}
				}
				d.summary(e)
				fmt.Fprintf(e.Stdout, "\nAsk it anything, e.g.:\n  grassroots sql --warehouse %s \"select level_name, count(*) from region group by 1\"\n", d.Path)
				return nil
			}
		},
	})
}
