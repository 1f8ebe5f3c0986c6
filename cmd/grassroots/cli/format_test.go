package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"grassroots/reports"
)

// evil is a name loaded from a source that sets the terminal's window title,
// rings the bell, turns the text red, and reverses what follows.
const evil = "\x1b]0;pwned\a\x1b[31m红色\u202eabc\x9b2J"

// terminalControls reports the first byte or rune of s that a terminal acts
// on rather than shows.
func terminalControls(s string) string {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0xfffd ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c {
			return strings.ToValidUTF8(string(r), "?")
		}
	}
	return ""
}

func TestTableAndMarkdownEscapeControls(t *testing.T) {
	res := &Result{Columns: []string{"name\x1b[2J", "n"}, Types: []string{"VARCHAR", "INTEGER"},
		Rows: [][]any{{evil, int64(1)}, {"tab\there\r\nnext", int64(2)}, {"c1 \u0085\u009b nul \x00 del \x7f", int64(3)}}}
	for _, f := range []string{"table", "markdown"} {
		var b bytes.Buffer
		if err := res.Write(&b, f); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if c := terminalControls(out); c != "" {
			t.Errorf("%s output carries %q:\n%q", f, c, out)
		}
		for _, want := range []string{`\x1b]0;pwned\a\x1b[31m红色\u202eabc\x9b2J`, `name\x1b[2J`, `c1 \u0085\u009b nul \x00 del \x7f`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output does not show %s:\n%s", f, want, out)
			}
		}
	}
	// The table keeps its columns aligned: the escapes are counted as shown.
	var b bytes.Buffer
	res.Write(&b, "table")
	lines := strings.Split(b.String(), "\n")
	if w0, w2 := displayWidth(lines[0]), displayWidth(lines[2]); w0 != w2 && !strings.HasSuffix(lines[2], "1") {
		t.Errorf("table not aligned:\n%s", b.String())
	}
	// CSV and JSON carry the data as it is (JSON escapes it).
	b.Reset()
	res.Write(&b, "csv")
	if !strings.Contains(b.String(), evil) {
		t.Errorf("CSV changed the value: %q", b.String())
	}
	b.Reset()
	res.Write(&b, "json")
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil || rows[0]["name\x1b[2J"] != strings.ToValidUTF8(evil, "\uFFFD") {
		t.Errorf("JSON: %v %q", err, b.String())
	}
}

func TestReportSummaryEscapesControls(t *testing.T) {
	var out bytes.Buffer
	e := &Env{Stdout: &out}
	site := &reports.Site{Index: "site/index.html", Pages: []*reports.Page{
		{File: "county\x1b[31m.html", Title: "t\a", Region: reports.Region{Code: "310112", Name: evil}, DataDate: "2024-01-01"},
	}}
	printSite(e, site, time.Second)
	if c := terminalControls(out.String()); c != "" {
		t.Errorf("summary carries %q:\n%q", c, out.String())
	}
	if !strings.Contains(out.String(), `\x1b]0;pwned\a`) {
		t.Errorf("summary does not show the escaped name:\n%s", out.String())
	}
}
