package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"grassroots/sql/indicators"
	"grassroots/sql/warehouse"
)

func init() {
	registerLinter("indicators", lintIndicators)
}

// errRollback ends a lint transaction without keeping anything.
var errRollback = errors.New("lint: roll back")

// lintIndicators checks the project's sql/indicators: every header strictly,
// the catalogue as a whole (unique codes, known dependencies, no cycles), the
// tables each header names and the columns each query returns, against a
// freshly migrated empty warehouse; and the targets and alert-rule files.
func lintIndicators(ctx context.Context, dir string) ([]Problem, error) {
	rel := filepath.Join("sql", "indicators")
	abs := filepath.Join(dir, rel)
	if _, err := os.Stat(abs); err != nil {
		return nil, nil
	}
	fsys := os.DirFS(abs)
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var problems []Problem
	seen := map[string]bool{}
	add := func(err error) {
		for _, e := range flattenErrors(err) {
			var pe *indicators.ParseError
			p := Problem{Path: rel, Message: e.Error()}
			if errors.As(e, &pe) {
				p = Problem{Path: filepath.Join(rel, pe.Path), Line: pe.Line, Col: pe.Col, Message: pe.Msg}
			}
			if !seen[p.String()] {
				seen[p.String()] = true
				problems = append(problems, p)
			}
		}
	}
	var parsed []*indicators.Indicator
	for _, n := range names {
		src, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ind, err := indicators.Parse(n, src)
		if err != nil {
			add(err)
			continue
		}
		parsed = append(parsed, ind)
	}
	if _, err := indicators.Load(fsys); err != nil {
		add(err)
	}
	for _, f := range []string{"targets.csv", "alerts.csv", "notes.csv"} {
		if _, err := fs.Stat(fsys, f); err != nil {
			continue
		}
		var err error
		switch f {
		case "targets.csv":
			_, err = indicators.ReadTargets(fsys, f)
		case "alerts.csv":
			_, err = indicators.ReadAlertRules(fsys, f)
		default:
			_, err = indicators.ReadFootnotes(fsys, f)
		}
		for _, e := range flattenErrors(err) {
			problems = append(problems, Problem{Path: filepath.Join(rel, f),
				Message: strings.TrimPrefix(e.Error(), "indicators: ")})
		}
	}
	if len(parsed) > 0 {
		ps, err := checkQueries(ctx, rel, parsed)
		if err != nil {
			return nil, err
		}
		problems = append(problems, ps...)
	}
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].Path != problems[j].Path {
			return problems[i].Path < problems[j].Path
		}
		return problems[i].Line < problems[j].Line
	})
	return problems, nil
}

// scratchWarehouse is an empty warehouse of the current schema in a
// temporary folder, for lint to run DESCRIBE on queries against; done
// closes and removes it.
func scratchWarehouse(ctx context.Context) (w *warehouse.Warehouse, done func(), err error) {
	tmp, err := os.MkdirTemp("", "grassroots-lint-")
	if err != nil {
		return nil, nil, err
	}
	done = func() {
		if w != nil {
			w.Close()
		}
		os.RemoveAll(tmp)
	}
	if w, err = warehouse.Open(ctx, filepath.Join(tmp, "lint.duckdb")); err == nil {
		_, err = w.Migrate(ctx)
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return w, done, nil
}

// checkQueries runs DESCRIBE on every query in a freshly migrated temporary
// warehouse and checks the tables the headers name.
func checkQueries(ctx context.Context, rel string, parsed []*indicators.Indicator) ([]Problem, error) {
	w, done, err := scratchWarehouse(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	tables := map[string]bool{}
	rows, err := w.DB().QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE database_name = ?
		UNION SELECT view_name FROM duckdb_views() WHERE database_name = ?`, warehouse.Catalog, warehouse.Catalog)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables[t] = true
	}
	rows.Close()
	var problems []Problem
	for _, ind := range parsed {
		path := filepath.Join(rel, ind.Path)
		for _, t := range ind.SourceTables {
			if !tables[t] {
				problems = append(problems, Problem{Path: path, Line: ind.KeyLine["source_tables"],
					Message: fmt.Sprintf("@source_tables: the warehouse has no table %q", t)})
			}
		}
		err := w.Update(ctx, func(ctx context.Context, tx *warehouse.Tx) error {
			if _, err := indicators.Columns(ctx, tx, ind); err != nil {
				msg := strings.TrimPrefix(err.Error(), "indicators: "+ind.Path+": ")
				problems = append(problems, Problem{Path: path, Line: ind.QueryLine, Col: 1,
					Message: strings.Join(strings.Fields(msg), " ")})
			}
			return errRollback
		})
		if err != nil && !errors.Is(err, errRollback) {
			return nil, err
		}
	}
	return problems, nil
}
