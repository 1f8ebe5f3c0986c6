package cli

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	_ "grassroots/pipelines/run" // registers the source kinds the specs name
	"grassroots/pipelines/spec"
	"grassroots/sources/fetch"
	"grassroots/sql/schema"
)

func init() {
	registerLinter("pipelines", lintPipelines)
}

// lintPipelines checks every pipeline spec of the project: strict YAML, the
// source, rules and schedule, that the target table and columns exist in the
// warehouse schema, and that local inputs are there.
func lintPipelines(ctx context.Context, dir string) ([]Problem, error) {
	specs, err := spec.LoadAll(dir)
	var out []Problem
	for _, p := range spec.ProblemsOf(err) {
		out = append(out, Problem{Path: p.File, Line: p.Line, Col: p.Col, Message: p.Message})
	}
	if err != nil && spec.ProblemsOf(err) == nil {
		return nil, err
	}
	tables, err := schemaTables()
	if err != nil {
		return nil, err
	}
	for _, s := range specs {
		at := func(path, format string, a ...any) {
			line, col := s.Pos(path)
			out = append(out, Problem{Path: s.File, Line: line, Col: col, Message: path + ": " + fmt.Sprintf(format, a...)})
		}
		cols, ok := tables[s.Target.Table]
		if !ok {
			at("target.table", "no table %q in the warehouse schema", s.Target.Table)
		} else {
			drop := map[string]bool{}
			for _, c := range s.PII.Drop {
				drop[c] = true
			}
			for i, c := range s.Source.Columns {
				if !cols[c.Name] && !drop[c.Name] {
					at(fmt.Sprintf("source.columns[%d].name", i), "table %s has no column %q (drop it with pii.drop, or rename it)", s.Target.Table, c.Name)
				}
			}
		}
		loc := s.Source.Path
		if loc != "" && !strings.Contains(loc, spec.Placeholder) && !fetch.IsURL(loc) {
			p := loc
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			if _, err := os.Stat(p); err != nil {
				at("source.path", "input %s not found", loc)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	return out, nil
}

var createTable = regexp.MustCompile(`(?s)CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+) \((.*?)\n\);`)

// schemaTables reads the tables and columns the migrations create (and add).
func schemaTables() (map[string]map[string]bool, error) {
	tables := map[string]map[string]bool{}
	err := fs.WalkDir(schema.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".sql") {
			return err
		}
		b, err := fs.ReadFile(schema.FS, p)
		if err != nil {
			return err
		}
		for _, m := range createTable.FindAllStringSubmatch(string(b), -1) {
			cols := map[string]bool{}
			sc := bufio.NewScanner(strings.NewReader(m[2]))
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				if len(f) > 1 && !strings.HasPrefix(f[0], "--") && f[0] != "PRIMARY" && f[0] != "UNIQUE" {
					cols[strings.Trim(f[0], `"`)] = true
				}
			}
			tables[m[1]] = cols
		}
		for _, m := range addColumn.FindAllStringSubmatch(string(b), -1) {
			if tables[m[1]] != nil {
				tables[m[1]][m[2]] = true
			}
		}
		return nil
	})
	return tables, err
}

var addColumn = regexp.MustCompile(`ALTER TABLE ([a-z_]+) ADD COLUMN (?:IF NOT EXISTS )?([a-z_]+)`)
