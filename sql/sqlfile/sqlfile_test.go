package sqlfile

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSplit(t *testing.T) {
	keys := map[string]bool{"code": true, "notes": false}
	for _, tt := range []struct {
		name, src string
		problems  []string // each a substring of one problem, in order
		query     string
		line      int
	}{
		{"ok", "-- @code: a.b\n-- a plain comment\n-- @notes: x, y\nSELECT 1;\n", nil, "SELECT 1", 4},
		{"crlf", "-- @code: a.b\r\n\r\nWITH q AS (SELECT 1) SELECT * FROM q\r\n", nil, "WITH q AS (SELECT 1) SELECT * FROM q", 3},
		{"unknown and twice", "-- @cod: a\n-- @code: a.b\n-- @code: c.d\nSELECT 1", []string{"1:4: unknown key @cod", "3:4: @code given twice (first on line 2)"}, "SELECT 1", 4},
		{"malformed", "-- @code a.b\nSELECT 1", []string{"1:1: malformed header line"}, "SELECT 1", 2},
		{"no query", "-- @code: a.b\n", []string{"2: no query after the header"}, "", 3},
		{"not a select", "-- @code: a.b\nDELETE FROM t", []string{"2:1: the query must be one SELECT"}, "DELETE FROM t", 2},
		{"two statements", "-- @code: a.b\nSELECT 1;\nSELECT ';' -- ;\n;", []string{"2: one statement per file"}, "SELECT 1;\nSELECT ';' -- ;", 2},
	} {
		f, errs := Split("x.sql", []byte(tt.src), keys)
		if len(errs) != len(tt.problems) {
			t.Errorf("%s: problems %v, want %d", tt.name, errs, len(tt.problems))
			continue
		}
		for i, e := range errs {
			var pe *ParseError
			if !errors.As(e, &pe) || !strings.Contains(e.Error(), "x.sql:"+tt.problems[i]) {
				t.Errorf("%s: problem %q, want one containing x.sql:%s", tt.name, e, tt.problems[i])
			}
		}
		if f.Query != tt.query || f.QueryLine != tt.line {
			t.Errorf("%s: query %q at line %d, want %q at %d", tt.name, f.Query, f.QueryLine, tt.query, tt.line)
		}
	}
	if f, _ := Split("x.sql", []byte("-- @code: a.b\n-- @notes:  x, , y \nSELECT 1"), keys); f.Vals["code"] != "a.b" || f.At["notes"] != 2 ||
		strings.Join(SplitList(f.Vals["notes"]), "|") != "x|y" {
		t.Errorf("header values %v at %v", f.Vals, f.At)
	}
}

type def struct{ code, path string }

func (d def) DefCode() string { return d.code }
func (d def) DefPath() string { return d.path }

// A code defined in two files is refused, naming both; the rest load.
func TestLoadDirDuplicates(t *testing.T) {
	fsys := fstest.MapFS{"a.sql": {Data: []byte("x.one")}, "b.sql": {Data: []byte("x.one")}, "c.sql": {Data: []byte("x.two")}}
	list, byCode, problems, err := LoadDir(fsys, func(name string, src []byte) (def, error) { return def{string(src), name}, nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || byCode["x.two"].path != "c.sql" || len(problems) != 1 ||
		problems[0].Error() != "b.sql:1: code x.one already defined in a.sql" {
		t.Errorf("list %v, problems %v", list, problems)
	}
}
