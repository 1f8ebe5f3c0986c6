package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"grassroots/sources/fetch"
)

// LocalPath is the path a run opens for a local input named path in a spec
// of project: a relative path is joined to the project; an absolute path and
// a file:// location are taken as they are. A URL is returned unchanged.
func LocalPath(project, path string) string {
	if path == "" || fetch.IsURL(path) || filepath.IsAbs(path) || strings.HasPrefix(path, "file://") {
		return path
	}
	return filepath.Join(project, path)
}

// CheckLocal checks a local input before anything reads it. path is the
// input as a run opens it (see LocalPath). It must lie inside project once
// symbolic links are followed, unless the spec sets
// source.allow_outside_project: true; and it must be a regular file: a
// directory, named pipe, device, socket or /proc file is refused either way.
// Nothing outside the project is opened to check it. A path that does not
// exist passes: opening it will say so.
//
// outside reports whether the input lies outside the project. The error is a
// Problem at source.path.
func (s *Spec) CheckLocal(project, path string) (outside bool, err error) {
	if project == "" {
		project = "."
	}
	path = strings.TrimPrefix(path, "file://")
	shown := path // as an absolute path, the working directory being no help
	if abs, err := filepath.Abs(path); err == nil {
		shown = abs
	}
	problem := func(format string, a ...any) error {
		line, col := s.Pos("source.path")
		return Problem{File: s.File, Line: line, Col: col, Message: "source.path: " + fmt.Sprintf(format, a...)}
	}
	root, err := fetch.Resolve(project)
	if err != nil {
		return false, problem("project folder %s: %v", project, err)
	}
	resolved, inside, err := fetch.Within(root, path)
	if err != nil {
		return false, problem("%v", err)
	}
	if !inside && !s.AllowOutsideProject {
		what := shown + " is"
		if shown != resolved {
			what = shown + " leads to " + resolved + ","
		}
		return true, problem("%s outside the project folder %s; a pipeline reads only inputs inside its project "+
			"unless it sets source.allow_outside_project: true", what, root)
	}
	if _, err := fetch.Regular(path); err != nil {
		var nr *fetch.NotRegularError
		if errors.As(err, &nr) {
			nr.Path = shown
			return !inside, problem("%v; a pipeline reads regular files and http(s) URLs", nr)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return !inside, problem("%v", err)
		}
	}
	return !inside, nil
}

// CheckInputs checks the local input of every period the spec runs for (see
// CheckLocal), as a run in project would open it.
func (s *Spec) CheckInputs(project string) Problems {
	periods := []string{""}
	if s.UsesPeriod() {
		p, err := ParsePeriods(s.Periods)
		if err != nil {
			return nil // told by check
		}
		periods = p
	}
	var ps Problems
	seen := map[string]bool{}
	for _, p := range periods {
		cfg := s.ForPeriod(p)
		if cfg.URL != "" || cfg.Path == "" || fetch.IsURL(cfg.Path) {
			continue
		}
		_, err := s.CheckLocal(project, LocalPath(project, cfg.Path))
		if p, ok := err.(Problem); ok && !seen[p.Message] {
			seen[p.Message] = true
			ps = append(ps, p)
		}
	}
	return ps
}
