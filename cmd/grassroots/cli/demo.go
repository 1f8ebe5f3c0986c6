package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

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
}

func init() {
	register(&Command{
		Name:    "demo",
		Summary: "build the demo project: a warehouse loaded with the bundled data, and what it feeds",
		Help: `Creates (or refreshes) DIR/grassroots.duckdb and loads the bundled reference data:
region codes to township level, the NBS national urbanisation series, the CPC
intra-party statistical bulletins and World Bank urbanisation series. Running it
again replaces what it loaded; nothing is duplicated.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var out string
			fs.StringVar(&out, "out", "demo", "folder of the demo project")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("demo takes no arguments")
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				d := &demo{Dir: out, Path: filepath.Join(out, "grassroots.duckdb")}
				w, err := e.openWrite(ctx, d.Path)
				if err != nil {
					return err
				}
				defer w.Close()
				d.Warehouse = w
				fmt.Fprintf(e.Stdout, "demo warehouse: %s\n", d.Path)
				for _, s := range demoSteps {
					if err := s.run(ctx, e, d); err != nil {
						return fmt.Errorf("demo: %s: %w", s.name, err)
					}
				}
				fmt.Fprintf(e.Stdout, "\nAsk it anything, e.g.:\n  grassroots sql --warehouse %s \"select level_name, count(*) from region group by 1\"\n", d.Path)
				return nil
			}
		},
	})
}
