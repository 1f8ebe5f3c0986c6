// Package sqlfile holds what the project's SQL definition files have in
// common — an indicator (sql/indicators) and an audit rule (sql/audit) are
// each one SELECT under a header of `-- @key: value` lines: the header
// line's pattern, positioned parse errors, list values, and where a
// character of the query stands.
package sqlfile

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

// HeaderLine matches one `-- @key: value` line: the key, then the value.
var HeaderLine = regexp.MustCompile(`^--\s*@([a-z_]+):[ \t]*(.*?)\s*$`)

var (
	// Code matches a definition's code: group.name in lower case
	// (urban.rate_resident, population.urban_rural_sum).
	Code = regexp.MustCompile(`^[a-z][a-z_]*\.[a-z0-9_]+$`)
	// Ident matches a table or column name.
	Ident = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// ParseError is a problem in a definition file, at a line (and column) of it.
type ParseError struct {
	Path string
	Line int
	Col  int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// InLiteralOrComment reports whether byte n of s lies inside a '…' literal or
// a -- comment.
func InLiteralOrComment(s string, n int) bool {
	inStr, inComment := false, false
	for k := 0; k < n; k++ {
		switch {
		case inComment:
			if s[k] == '\n' {
				inComment = false
			}
		case s[k] == '\'':
			inStr = !inStr
		case !inStr && s[k] == '-' && k+1 < len(s) && s[k+1] == '-':
			inComment = true
		}
	}
	return inStr || inComment
}

// SplitList splits a comma-separated header value, trimming each item and
// leaving out empty ones.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Def is a parsed definition file: its code and the file it came from.
type Def interface {
	DefCode() string
	DefPath() string
}

// LoadDir parses every *.sql file of fsys with parse and refuses a code
// defined twice. It returns the definitions in file order, by code, and
// every problem found (parse errors and duplicates, each a *ParseError or
// joined ones); err is for a file that could not be read.
func LoadDir[T Def](fsys fs.FS, parse func(name string, src []byte) (T, error)) (list []T, byCode map[string]T, problems []error, err error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, nil, nil, err
	}
	byCode = map[string]T{}
	for _, n := range names {
		src, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, nil, nil, err
		}
		d, err := parse(n, src)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if prev, dup := byCode[d.DefCode()]; dup {
			problems = append(problems, &ParseError{Path: n, Line: 1, Msg: fmt.Sprintf("code %s already defined in %s", d.DefCode(), prev.DefPath())})
			continue
		}
		byCode[d.DefCode()] = d
		list = append(list, d)
	}
	return list, byCode, problems, nil
}

// File is a definition file split into its header and its query.
type File struct {
	Vals      map[string]string // header values by key
	At        map[string]int    // the line of each key
	QueryLine int               // the line the query starts on
	Query     string            // the query, trimmed, without a final ';'
}

// Split reads the `-- @key: value` lines at the top of src (keys are those
// allowed; other comment lines are plain comments) and the one SELECT (or
// WITH … SELECT) after them. Every problem is returned as a *ParseError of
// file name: a malformed or unknown header line, a key given twice, no
// query, a query that is not a SELECT, a second statement.
func Split(name string, src []byte, keys map[string]bool) (File, []error) {
	var errs []error
	bad := func(line, col int, format string, args ...any) {
		errs = append(errs, &ParseError{Path: name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	f := File{Vals: map[string]string{}, At: map[string]int{}}
	last := 0 // last line of the header
	i := 0
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "--") {
			break
		}
		last = i + 1
		m := HeaderLine.FindStringSubmatch(l)
		if m == nil {
			if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(l, "--")), "@") {
				bad(i+1, 1, "malformed header line: want `-- @key: value`")
			}
			continue // a plain comment
		}
		k, v := m[1], m[2]
		if _, known := keys[k]; !known {
			bad(i+1, strings.Index(lines[i], "@")+1, "unknown key @%s", k)
			continue
		}
		if prev, dup := f.At[k]; dup {
			bad(i+1, strings.Index(lines[i], "@")+1, "@%s given twice (first on line %d)", k, prev)
			continue
		}
		f.At[k] = i + 1
		f.Vals[k] = v
	}
	f.QueryLine = i + 1
	body := strings.TrimSpace(strings.Join(lines[min(i, len(lines)):], "\n"))
	f.Query = strings.TrimSpace(strings.TrimSuffix(body, ";"))
	switch {
	case f.Query == "":
		bad(last+1, 0, "no query after the header")
	default:
		first := strings.ToUpper(strings.Fields(f.Query)[0])
		if first != "SELECT" && first != "WITH" {
			bad(i+1, 1, "the query must be one SELECT (or WITH … SELECT), found %q", strings.Fields(f.Query)[0])
		}
		if n := strings.Index(f.Query, ";"); n >= 0 && !InLiteralOrComment(f.Query, n) {
			bad(i+1+strings.Count(f.Query[:n], "\n"), 0, "one statement per file: unexpected ';'")
		}
	}
	return f, errs
}

// CheckColumns checks the names of the columns a definition's query
// returns: only the known ones (what says whose), none twice, every one of
// required. It returns every problem.
func CheckColumns(cols, known, required []string, what string) []string {
	have := map[string]int{}
	var problems []string
	for _, c := range cols {
		have[c]++
		if !slices.Contains(known, c) {
			problems = append(problems, fmt.Sprintf("unexpected column %q (%s returns %s)", c, what, strings.Join(known, ", ")))
		}
		if have[c] == 2 {
			problems = append(problems, fmt.Sprintf("column %q returned twice", c))
		}
	}
	for _, k := range required {
		if have[k] == 0 {
			problems = append(problems, fmt.Sprintf("the query returns no %s column", k))
		}
	}
	return problems
}
