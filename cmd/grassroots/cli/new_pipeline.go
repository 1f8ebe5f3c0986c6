package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"grassroots/pipelines/spec"
	"grassroots/sources"
	"grassroots/sources/fetch"
	"grassroots/sources/inspect"
	"grassroots/sources/value"
)

func init() {
	register(&Command{
		Name:    "new pipeline",
		Args:    "FILE",
		Summary: "write a pipeline spec for an input file from what sources inspect sees",
		Help: `Reads FILE as sources inspect does and writes DIR/pipelines/NAME.yaml (DIR is
--project, default the project the current folder is in; NAME is --name, default made from the file
name): the source with its preamble, header rows and units, each column mapped to
the warehouse's name where the header makes it clear (常住人口 → resident_pop,
城镇人口 → urban_resident_pop, 户籍人口 → hukou_pop …), the target table those
names fit, the partition a re-run replaces, and the rules existing pipelines use:
the region code checked against the region table, counts not negative, urban not
above total. Years and region codes are read as int and text with no unit; units
such as 万人 apply to the measures only.

Every guess to check is marked with a comment (# 请核对：…). Columns the table has
no place for are kept as comments with their header, so that nothing is dropped
unseen. The spec is then checked as grassroots lint checks it; its problems, if
any, are printed (exit status 1) for the analyst to fix in the file.

An existing spec is never overwritten unless --force.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var project, name, sheet, encoding string
			var force bool
			addProjectFlag(fs, &project)
			fs.StringVar(&name, "name", "", "pipeline name: lower-case letters, digits, _ and . (default: from the file name)")
			fs.StringVar(&sheet, "sheet", "", "workbook sheet, by name or 1-based index (default: the first)")
			fs.StringVar(&encoding, "encoding", "auto", "text encoding: auto, utf-8, gb18030 or gbk")
			fs.BoolVar(&force, "force", false, "overwrite an existing spec of that name")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) != 1 {
					return Usagef("give one input file")
				}
				if name != "" && !pipelineName.MatchString(name) {
					return Usagef("--name %q: a pipeline name is lower-case letters, digits, _ and ., starting with a letter", name)
				}
				if err := (&sources.Config{Path: args[0], Options: sources.Options{Encoding: encoding}}).Validate(); err != nil {
					for _, line := range strings.Split(err.Error(), "\n") {
						if strings.HasPrefix(line, "encoding:") {
							return Usagef("--%s", line)
						}
					}
				}
				project := e.projectDir(project)
				r, err := inspect.Inspect(ctx, args[0], inspect.Options{Sheet: sheet, Encoding: encoding})
				if err != nil {
					return err
				}
				tables, err := targetTables()
				if err != nil {
					return err
				}
				if name == "" {
					t, _ := r.Target(tables)
					if name, err = nameFromFile(args[0], t.Name); err != nil {
						return err
					}
				}
				in, outside, err := inputPath(project, args[0])
				if err != nil {
					return err
				}
				text, plan := r.Pipeline(inspect.PipelineOptions{Name: name, Path: in, Outside: outside, Tables: tables})

				dir := filepath.Join(project, spec.Dir)
				file := filepath.Join(dir, name+".yaml")
				if !force {
					for _, ext := range []string{".yaml", ".yml"} {
						if p := filepath.Join(dir, name+ext); exists(p) {
							return fmt.Errorf("%s exists: not overwritten (--force overwrites it, --name writes another)", p)
						}
					}
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
					return err
				}

				var b strings.Builder
				fmt.Fprintf(&b, "wrote %s: table %s\n", file, plan.Table)
				fmt.Fprintf(&b, "  loads:    %s\n", strings.Join(plan.Loaded, ", "))
				if len(plan.Skipped) > 0 {
					fmt.Fprintf(&b, "  comments: %s (not loaded: kept in the file as comments)\n", strings.Join(plan.Skipped, ", "))
				}
				fmt.Fprintf(&b, "  check:    %d guesses marked 请核对 in the file\n", plan.Checks)

				// The file is checked as grassroots lint checks the project.
				all, err := lintPipelines(ctx, project)
				if err != nil {
					return err
				}
				var problems []Problem
				for _, p := range all {
					if p.Path == file {
						problems = append(problems, p)
					}
				}
				if len(problems) > 0 {
					b.WriteString("lint:\n")
					for _, p := range problems {
						fmt.Fprintf(&b, "  %s\n", p)
					}
					if !plan.RegionOK && tableHas(tables, plan.Table, "region_code") {
						b.WriteString("why:      no column of region codes (区划代码) was found, and the warehouse keys every figure of " +
							plan.Table + " by its region code: add the codes to the file, or a constant column {name: region_code, value: \"310112\"} for a file of one region\n")
					}
					if _, err := io.WriteString(e.Stdout, shown(b.String())); err != nil {
						return err
					}
					return fmt.Errorf("%s is written, but lint finds %d problem(s) (above) that a run would meet: edit the file, then grassroots lint", file, len(problems))
				}
				b.WriteString("lint:     ok\n")
				next := "grassroots run " + name
				if filepath.Clean(project) != "." {
					next += " --project " + project
				}
				fmt.Fprintf(&b, "next:     %s\n", next)
				_, err = io.WriteString(e.Stdout, shown(b.String()))
				return err
			}
		},
	})
}

var pipelineName = regexp.MustCompile(`^[a-z][a-z0-9_.]*$`)

// factTables are the tables a new pipeline may load, in order of preference
// where an input's columns fit several equally.
var factTables = []string{"population", "community", "organisation", "party_org", "party_member", "member_count"}

// targetTables lists the fact tables with their columns as the schema's
// migrations leave them.
func targetTables() ([]inspect.Table, error) {
	schema, err := schemaTables()
	if err != nil {
		return nil, err
	}
	var out []inspect.Table
	for _, n := range factTables {
		if t := schema[n]; t != nil {
			out = append(out, inspect.Table{Name: n, Columns: t.order})
		}
	}
	return out, nil
}

func tableHas(tables []inspect.Table, table, col string) bool {
	for _, t := range tables {
		if t.Name == table {
			return slices.Contains(t.Columns, col)
		}
	}
	return false
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

// nameFromFile makes a pipeline name of an input's file name: its letters
// and digits in snake_case, prefixed with the table where they do not start
// with a letter or the name is Chinese (年鉴2023.xlsx → population_2023). A
// name that is still no pipeline name (no table to put before 2023) is a
// usage error asking for --name.
func nameFromFile(file, table string) (string, error) {
	base := filepath.Base(strings.SplitN(file, "?", 2)[0])
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	s := strings.Trim(nonName.ReplaceAllString(strings.ToLower(stem), "_"), "_")
	switch {
	case s == "":
		s = table
	case s[0] < 'a' || s[0] > 'z', value.HasHan(stem):
		// A Chinese file name leaves only its ASCII scraps (人口_gbk →
		// gbk): the table says more.
		s = strings.TrimPrefix(table+"_"+s, "_")
	}
	if !pipelineName.MatchString(s) {
		return "", Usagef("no pipeline name can be made of the file name %s: give one with --name "+
			"(lower-case letters, digits, _ and ., starting with a letter)", base)
	}
	return s, nil
}

// inputPath is the input as the spec names it: a URL as given, a file
// relative to the project folder, or — outside the project — its absolute
// path, with outside set.
func inputPath(project, file string) (string, bool, error) {
	if fetch.IsURL(file) {
		return file, false, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", false, err
	}
	root, err := filepath.Abs(project)
	if err != nil {
		return "", false, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs, true, nil
	}
	return filepath.ToSlash(rel), false, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, fs.ErrNotExist)
}
