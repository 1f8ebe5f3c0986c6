package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"grassroots/reports"
	"grassroots/sql/indicators"
)

func init() {
	registerLinter("reports", lintReports)
}

// lintReports checks every reports/*.yaml of the project, and the region page
// templates in reports/templates: strict YAML, known chart kinds, the
// indicators each kind needs, and indicator codes that exist in the
// project's catalogue (sql/indicators).
func lintReports(ctx context.Context, dir string) ([]Problem, error) {
	load := func() ([]*reports.Spec, error) {
		specs, err := reports.LoadFS(os.DirFS(dir), "reports", "reports")
		tmpls, terr := reports.LoadTemplates(os.DirFS(dir), "reports/templates", "reports/templates")
		return append(specs, tmpls...), errors.Join(err, terr)
	}
	_, specErr := load()
	var problems []Problem
	for _, err := range flattenErrors(specErr) {
		var se *reports.SpecError
		if errors.As(err, &se) {
			problems = append(problems, Problem{Path: se.Path, Line: se.Line, Col: se.Col, Message: se.Msg})
			continue
		}
		problems = append(problems, Problem{Path: "reports", Message: err.Error()})
	}
	// Indicator codes: only against a catalogue that itself parses (the
	// indicators linter reports a broken one).
	catDir := filepath.Join(dir, "sql", "indicators")
	if _, err := os.Stat(catDir); err != nil {
		return problems, nil
	}
	cat, err := indicators.Load(os.DirFS(catDir))
	if err != nil {
		return problems, nil
	}
	known := map[string]bool{}
	for _, ind := range cat {
		known[ind.Code] = true
	}
	specs, _ := load()
	for _, s := range specs {
		for i, c := range s.Charts {
			for _, code := range c.Indicators {
				if !known[code] {
					line, col := c.Pos()
					problems = append(problems, Problem{Path: s.Path, Line: line, Col: col,
						Message: fmt.Sprintf("charts[%d]: indicator %q is not in the catalogue (sql/indicators)", i, code)})
				}
			}
		}
	}
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].Path != problems[j].Path {
			return problems[i].Path < problems[j].Path
		}
		return problems[i].Line < problems[j].Line
	})
	return problems, nil
}

// flattenErrors unpacks errors.Join trees into their leaves.
func flattenErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	return []error{err}
}
