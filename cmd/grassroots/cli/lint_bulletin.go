package cli

import (
	"context"
	"errors"
	"path/filepath"

	"grassroots/reports/bulletin"
)

func init() {
	registerLinter("bulletin", lintBulletin)
}

// lintBulletin checks the bulletin templates: the bundled ones and the
// project's reports/bulletin/*.tmpl that replace or add to them parse, each
// defines its title, and none explains a figure (由于, 因为 …).
// writeHint says where a working template to start from is.
const writeHint = " (grassroots bulletin --write-templates DIR writes the bundled templates, which parse, to compare or start from)"

func lintBulletin(ctx context.Context, dir string) ([]Problem, error) {
	var problems []Problem
	for _, err := range bulletin.Check(filepath.Join(dir, bulletin.Dir)) {
		var te *bulletin.TemplateError
		if errors.As(err, &te) {
			problems = append(problems, Problem{Path: te.Path, Line: te.Line, Message: te.Msg + writeHint})
			continue
		}
		problems = append(problems, Problem{Path: bulletin.Dir, Message: err.Error()})
	}
	return problems, nil
}
