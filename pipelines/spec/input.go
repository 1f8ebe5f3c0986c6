package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
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

// IsGlob reports whether a source path is a pattern of many files
// (inputs/returns/*.xlsx): it holds * or ?. Brackets are no pattern
// characters here, in a pattern or not: file names such as 人口[2024].xlsx
// are common and character classes hardly needed, and whether a path is a
// pattern must not depend on which files happen to exist when it is read.
func IsGlob(path string) bool { return strings.ContainsAny(path, "*?") }

// Glob lists the files a pattern path (see LocalPath) matches, sorted, each
// checked as CheckLocal checks one input. The folder the pattern starts from
// must lie inside project unless the spec allows outside inputs. No match is
// an error naming the pattern.
//
// Files no one put there as data are skipped and returned apart, relative
// to the pattern's folder: Excel's lock file of a workbook someone has open
// (~$name.xlsx) and hidden files and folders (.name).
func (s *Spec) Glob(project, path string) (files, skipped []string, err error) {
	problem := func(format string, a ...any) error {
		line, col := s.Pos("source.path")
		return Problem{File: s.File, Line: line, Col: col, Message: "source.path: " + fmt.Sprintf(format, a...)}
	}
	pattern := strings.ReplaceAll(path, "[", "[[]") // a bracket is itself
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, nil, problem("%q is not a valid pattern: %v", s.Source.Path, err)
	}
	root := GlobRoot(path)
	if !s.AllowOutsideProject {
		if project == "" {
			project = "."
		}
		proj, err := fetch.Resolve(project)
		if err != nil {
			return nil, nil, problem("project folder %s: %v", project, err)
		}
		if resolved, inside, err := fetch.Within(proj, root); err == nil && !inside {
			return nil, nil, problem("%s leads to %s, outside the project folder %s; a pipeline reads only inputs inside its project "+
				"unless it sets source.allow_outside_project: true", s.Source.Path, resolved, proj)
		}
	}
	matched, err := filepath.Glob(pattern)
	if errors.Is(err, filepath.ErrBadPattern) {
		return nil, nil, problem("%q is not a valid pattern: %v", s.Source.Path, err)
	} else if err != nil {
		return nil, nil, problem("%v", err)
	}
	sort.Strings(matched)
	for _, f := range matched {
		if rel, ok := notData(root, f); ok {
			skipped = append(skipped, rel)
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		why := ""
		if len(skipped) > 0 {
			why = "; skipped " + SkippedNote(skipped)
		}
		return nil, skipped, problem("no file matches %s (in %s)%s", s.Source.Path, root, why)
	}
	for _, f := range files {
		if _, err := s.CheckLocal(project, f); err != nil {
			return nil, skipped, err
		}
	}
	return files, skipped, nil
}

// notData reports whether file, matched by a pattern starting at folder
// root, is no one's data: an element of its path below root is a lock file
// of an open workbook (~$…) or hidden (.…). rel is file relative to root.
func notData(root, file string) (rel string, skip bool) {
	rel, err := filepath.Rel(root, file)
	if err != nil {
		rel = filepath.Base(file)
	}
	for _, el := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(el, "~$") || (strings.HasPrefix(el, ".") && el != "." && el != "..") {
			return filepath.ToSlash(rel), true
		}
	}
	return filepath.ToSlash(rel), false
}

// SkippedNote says which files a pattern skipped and why, for a run's note.
func SkippedNote(skipped []string) string {
	var lock, hidden []string
	for _, f := range skipped {
		if strings.HasPrefix(filepath.Base(f), "~$") {
			lock = append(lock, f)
		} else {
			hidden = append(hidden, f)
		}
	}
	var parts []string
	if len(lock) > 0 {
		parts = append(parts, strings.Join(lock, ", ")+" (lock files of workbooks open in Excel)")
	}
	if len(hidden) > 0 {
		parts = append(parts, strings.Join(hidden, ", ")+" (hidden)")
	}
	return strings.Join(parts, "; ")
}

// GlobRoot is the folder a pattern starts from: its path up to the first
// element that holds a pattern character.
func GlobRoot(path string) string {
	dir := path
	for IsGlob(dir) {
		dir = filepath.Dir(dir)
	}
	return dir
}

// CheckInputs checks the local input of every period the spec runs for (see
// CheckLocal), as a run in project would open it. A pattern path is checked
// for its syntax, its folder and every file it matches now; that it matches
// none is no problem here (the returns may not be in yet), only for a run.
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
		var err error
		if IsGlob(cfg.Path) {
			_, _, err = s.Glob(project, LocalPath(project, cfg.Path))
			if p, ok := err.(Problem); ok && strings.Contains(p.Message, "no file matches") {
				err = nil
			}
		} else {
			_, err = s.CheckLocal(project, LocalPath(project, cfg.Path))
		}
		if p, ok := err.(Problem); ok && !seen[p.Message] {
			seen[p.Message] = true
			ps = append(ps, p)
		}
	}
	return ps
}
