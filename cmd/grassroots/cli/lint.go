package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing lint found: where (path:line:col) and what.
type Problem struct {
	Path    string
	Line    int
	Col     int
	Message string
}

func (p Problem) String() string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.Path, p.Line, p.Col, p.Message)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Message)
}

// linter checks one kind of project file without running anything. dir is the
// project folder holding pipelines/, sql/, reports/.
type linter struct {
	name  string
	check func(ctx context.Context, dir string) ([]Problem, error)
}

var linters []linter

// registerLinter adds a check to `grassroots lint`; each kind of file registers
// its own from the file that implements it.
func registerLinter(name string, check func(ctx context.Context, dir string) ([]Problem, error)) {
	linters = append(linters, linter{name, check})
	sort.SliceStable(linters, func(i, j int) bool { return linters[i].name < linters[j].name })
}

func init() {
	register(&Command{
		Name:    "lint",
		Args:    "[DIR]",
		Summary: "check every pipeline, indicator and report definition without running anything",
		Help: `Checks the pipelines (pipelines/*.yaml: their sources, target columns, rules,
observation statuses), the indicator definitions (sql/indicators: headers, queries,
targets.csv, alerts.csv, notes.csv), the audit rules (sql/audit) and the report specs.
Prints every problem at once, one per line as path:line:col: message, and exits 1
if there is any. DIR (or --project, as run takes it) is the project folder
(default: the current one).`,
		Setup: func(fs *flag.FlagSet) Runner {
			var project string
			fs.StringVar(&project, "project", "", "project folder: pipelines/*.yaml and the inputs they name (or give it as DIR)")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 1 || (len(args) == 1 && project != "") {
					return Usagef("one project folder, as DIR or --project")
				}
				dir := e.projectDir("")
				switch {
				case project != "":
					dir = project
				case len(args) == 1:
					dir = args[0]
				}
				var all []Problem
				counts := map[string]int{}
				for _, l := range linters {
					ps, err := l.check(ctx, dir)
					if err != nil {
						return fmt.Errorf("lint %s: %w", l.name, err)
					}
					counts[l.name] = len(ps)
					all = append(all, ps...)
				}
				for _, p := range all {
					fmt.Fprintln(e.Stdout, p)
				}
				if len(all) > 0 {
					if len(all) == 1 {
						return errors.New("1 problem")
					}
					return fmt.Errorf("%d problems", len(all))
				}
				var names []string
				for _, l := range linters {
					names = append(names, l.name)
				}
				fmt.Fprintf(e.Stdout, "ok: %s checked, no problems\n", strings.Join(names, ", "))
				return nil
			}
		},
	})
}
