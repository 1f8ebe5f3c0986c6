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
	"grassroots/sql/warehouse"
)

func init() {
	registerLinter("pipelines", lintPipelines)
}

// lintPipelines checks every pipeline spec of the project: strict YAML, the
// source, rules and schedule, that local inputs are regular files inside the
// project (spec.LoadAll), that the target table and columns exist in the
// warehouse schema and that the pipeline fills every required column, and
// that local inputs are there.
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
		t, ok := tables[s.Target.Table]
		if !ok {
			at("target.table", "no table %q in the warehouse schema", s.Target.Table)
		} else {
			drop := map[string]bool{}
			for _, c := range s.PII.Drop {
				drop[c] = true
			}
			filled := map[string]bool{}
			for i, c := range s.Source.Columns {
				if _, ok := t.cols[c.Name]; !ok && !drop[c.Name] {
					at(fmt.Sprintf("source.columns[%d].name", i), "table %s has no column %q (drop it with pii.drop, or rename it)", s.Target.Table, c.Name)
				}
				filled[c.Name] = !drop[c.Name] // read, constant (value:) or defaulted
			}
			for _, c := range t.order {
				if t.cols[c].required() && !filled[c] && c != "run_id" {
					line, col := s.Pos("target.table")
					out = append(out, Problem{Path: s.File, Line: line, Col: col, Message: fmt.Sprintf(
						"target %s: column %s is required (NOT NULL) but the pipeline does not fill it", s.Target.Table, c)})
				}
			}
		}
		loc := s.Source.Path
		if loc != "" && !strings.Contains(loc, spec.Placeholder) && !fetch.IsURL(loc) {
			p := loc
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			switch {
			case spec.IsGlob(loc):
				// The returns may not be in yet: their folder must be.
				if _, err := os.Stat(spec.GlobRoot(p)); err != nil {
					at("source.path", "folder %s of the inputs %s not found", spec.GlobRoot(loc), loc)
				}
			default:
				if _, err := os.Stat(p); err != nil {
					at("source.path", "input %s not found", loc)
				}
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

var (
	createTable = regexp.MustCompile(`(?s)CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+) \((.*?)\n\);`)
	alterTable  = regexp.MustCompile(`(?i)ALTER TABLE ([a-z_]+) (ADD COLUMN (?:IF NOT EXISTS )?([a-z_]+)|ALTER COLUMN ([a-z_]+)) ([^;]*);`)
	notNull     = regexp.MustCompile(`(?i)\bNOT NULL\b|\bPRIMARY KEY\b`)
	hasDefault  = regexp.MustCompile(`(?i)\bDEFAULT\b`)
)

// schemaTable is a table of the warehouse schema as the migrations leave it.
type schemaTable struct {
	cols  map[string]*schemaColumn
	order []string // columns in the order they were declared
}

// schemaColumn is what lint needs to know of a column.
type schemaColumn struct {
	notNull, hasDefault bool
}

// required reports whether a load must give the column a value: NOT NULL and
// no DEFAULT.
func (c *schemaColumn) required() bool { return c != nil && c.notNull && !c.hasDefault }

func (t *schemaTable) add(name, def string) {
	if _, ok := t.cols[name]; !ok {
		t.order = append(t.order, name)
	}
	t.cols[name] = &schemaColumn{notNull: notNull.MatchString(def), hasDefault: hasDefault.MatchString(def)}
}

// schemaTables reads the tables and columns the migrations create (and
// alter), in migration order.
func schemaTables() (map[string]*schemaTable, error) {
	tables := map[string]*schemaTable{}
	err := fs.WalkDir(schema.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".sql") {
			return err
		}
		b, err := fs.ReadFile(schema.FS, p)
		if err != nil {
			return err
		}
		for _, m := range createTable.FindAllStringSubmatch(string(b), -1) {
			t := &schemaTable{cols: map[string]*schemaColumn{}}
			sc := bufio.NewScanner(strings.NewReader(m[2]))
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if i := strings.Index(line, "--"); i >= 0 {
					line = line[:i]
				}
				f := strings.Fields(line)
				if len(f) > 1 && f[0] != "PRIMARY" && f[0] != "UNIQUE" && f[0] != "CHECK" && f[0] != "FOREIGN" {
					t.add(strings.Trim(f[0], `"`), strings.Join(f[1:], " "))
				}
			}
			tables[m[1]] = t
		}
		for _, m := range alterTable.FindAllStringSubmatch(string(b), -1) {
			t := tables[m[1]]
			if base, ok := strings.CutSuffix(m[1], warehouse.HistorySuffix); t == nil && ok {
				t = tables[base] // renamed to its history table in 0007
			}
			if t == nil {
				continue
			}
			if m[3] != "" { // ADD COLUMN name type …
				t.add(m[3], m[5])
				continue
			}
			c := t.cols[m[4]]
			if c == nil {
				continue
			}
			switch action := strings.ToUpper(strings.Join(strings.Fields(m[5]), " ")); {
			case action == "SET NOT NULL":
				c.notNull = true
			case action == "DROP NOT NULL":
				c.notNull = false
			case strings.HasPrefix(action, "SET DEFAULT"):
				c.hasDefault = true
			case action == "DROP DEFAULT":
				c.hasDefault = false
			}
		}
		return nil
	})
	// A table created versioned (census_unit_history) is written through
	// its name without the suffix, as the older tables renamed in 0007 are.
	for name, t := range tables {
		if base, ok := strings.CutSuffix(name, warehouse.HistorySuffix); ok && tables[base] == nil {
			tables[base] = t
		}
	}
	return tables, err
}
