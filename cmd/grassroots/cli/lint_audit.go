package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"grassroots/sql/audit"
	"grassroots/sql/warehouse"
)

func init() {
	registerLinter("audit", lintAudit)
}

// lintAudit checks the project's sql/audit: every header strictly, unique
// codes, and the tables each header names and the columns each query
// returns, against a freshly migrated empty warehouse.
func lintAudit(ctx context.Context, dir string) ([]Problem, error) {
	rel := filepath.Join("sql", "audit")
	abs := filepath.Join(dir, rel)
	if _, err := os.Stat(abs); err != nil {
		return nil, nil
	}
	fsys := os.DirFS(abs)
	var problems []Problem
	add := func(err error) {
		for _, e := range flattenErrors(err) {
			var pe *audit.ParseError
			p := Problem{Path: rel, Message: e.Error()}
			if errors.As(e, &pe) {
				p = Problem{Path: filepath.Join(rel, pe.Path), Line: pe.Line, Col: pe.Col, Message: pe.Msg}
			}
			problems = append(problems, p)
		}
	}
	rules, err := audit.Load(fsys)
	if err != nil {
		add(err)
		return problems, nil
	}
	if _, err := fs.Stat(fsys, "."); err != nil {
		return nil, err
	}
	w, done, err := scratchWarehouse(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	for _, r := range rules {
		path := filepath.Join(rel, r.Path)
		for _, t := range r.SourceTables {
			var n int
			if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT table_name FROM duckdb_tables() WHERE table_name = $1
				UNION ALL SELECT view_name FROM duckdb_views() WHERE view_name = $1)`, t).Scan(&n); err != nil {
				return nil, err
			}
			if n == 0 {
				problems = append(problems, Problem{Path: path, Line: r.KeyLine["source_tables"],
					Message: fmt.Sprintf("@source_tables: the warehouse has no table %q", t)})
			}
		}
		err := w.Update(ctx, func(ctx context.Context, tx *warehouse.Tx) error {
			if _, err := audit.Columns(ctx, tx, r); err != nil {
				msg := strings.TrimPrefix(err.Error(), "audit: "+r.Path+": ")
				problems = append(problems, Problem{Path: path, Line: r.QueryLine, Col: 1, Message: strings.Join(strings.Fields(msg), " ")})
			}
			return errRollback
		})
		if err != nil && !errors.Is(err, errRollback) {
			return nil, err
		}
	}
	return problems, nil
}
