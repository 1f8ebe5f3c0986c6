package inspect

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"grassroots/sources"
	"grassroots/sources/fetch"
)

// Write prints the report for an analyst, ending with a suggested source spec
// for a pipeline file.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	kind, _, _ := strings.Cut(r.Kind, " ")
	fmt.Fprintf(&b, "file:      %s (%s)\n", r.Location, kind)
	if r.Sheet != "" {
		fmt.Fprintf(&b, "sheet:     %s (sheets: %s)\n", r.Sheet, strings.Join(r.Sheets, ", "))
	}
	if r.Encoding != "" {
		bom := "no BOM"
		if r.BOM {
			bom = "with BOM"
		}
		fmt.Fprintf(&b, "encoding:  %s (%s)\n", r.Encoding, bom)
	}
	row := rowWord(kind)
	if len(r.Preamble) == 0 && r.SkipRows == 0 {
		b.WriteString("preamble:  none\n")
	} else if r.HeaderRows > 0 {
		fmt.Fprintf(&b, "preamble:  %d %ss before the header (skip_rows: %d)\n", r.SkipRows, row, r.SkipRows)
		for _, p := range r.Preamble {
			fmt.Fprintf(&b, "  %s %d: %s\n", row, p.N, cells(p.Cells, true))
		}
	}
	if r.HeaderRows > 0 {
		fmt.Fprintf(&b, "header:    %d %s(s), %d columns\n", r.HeaderRows, row, len(r.Header))
	} else {
		fmt.Fprintf(&b, "fields:    %d\n", len(r.Header))
	}
	for i, h := range r.Header {
		fmt.Fprintf(&b, "  %3d  %s\n", i+1, h)
	}
	if r.Years != nil {
		fmt.Fprintf(&b, "unpivot:   yes: %d columns look like %s (%s … %s): wide to long\n", len(r.Years), r.YearMatch, r.Years[0], r.Years[len(r.Years)-1])
	} else {
		b.WriteString("unpivot:   no (no run of year or month columns)\n")
	}
	fmt.Fprintf(&b, "first rows:\n")
	for _, f := range r.First {
		fmt.Fprintf(&b, "  %s %d: %s\n", rowWord(kind), f.N, cells(f.Cells, false))
	}
	b.WriteString("\nsuggested source spec (check names, types and units):\n\n")
	b.WriteString(r.Spec())
	_, err := io.WriteString(w, b.String())
	return err
}

func rowWord(kind string) string {
	switch kind {
	case "csv":
		return "line"
	case "json":
		return "record"
	}
	return "row"
}

// cells joins a row's cells for display. In preamble rows (titles, unit
// lines) a value repeated across a merged range is shown once; data rows show
// every cell, so that equal neighbours ("是 | 是") keep their columns.
func cells(cs []string, merged bool) string {
	end := len(cs)
	for end > 0 && strings.TrimSpace(cs[end-1]) == "" {
		end--
	}
	var out []string
	for i, c := range cs[:end] {
		if merged && i > 0 && c == cs[i-1] && c != "" {
			continue // a merged cell, filled across
		}
		out = append(out, strings.Join(strings.Fields(c), " "))
	}
	return strings.Join(out, " | ")
}

// q quotes s for a YAML flow context when needed.
func q(s string) string {
	if s == "" || strings.ContainsAny(s, ",[]{}:#&*!|>'\"%@`\\\n") || strings.TrimSpace(s) != s || !printable(s) ||
		s == "true" || s == "false" || s == "null" || s == "~" || s == "-" {
		return strconv.Quote(s)
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.Quote(s)
	}
	return s
}

// Spec renders the suggestion as the `source:` block of a pipeline file,
// each guess to check marked with a comment (# 请核对：…).
func (r *Report) Spec() string {
	var b strings.Builder
	r.writeSource(&b, sourceOptions{path: r.Location})
	return b.String()
}

// sourceOptions say how a pipeline's source block differs from the bare
// suggestion.
type sourceOptions struct {
	path    string // the input as the spec names it
	outside bool   // the input lies outside the project folder
	// skip says why column i is written as a comment and not loaded ("" to
	// load it); nil loads every column.
	skip func(i int) string
	// constants are columns added after the file's own, with a note each.
	constants []constant
	notes     []string // comment lines at the end of the column list
}

// constant is a column with one value for every row.
type constant struct {
	col  sources.Column
	note string
}

// columnLine renders one column as a flow mapping.
func columnLine(c sources.Column) string {
	var parts []string
	if c.From.Pos > 0 {
		parts = append(parts, fmt.Sprintf("from: %d", c.From.Pos))
	} else if c.From.Name != "" {
		parts = append(parts, "from: "+q(c.From.Name))
	}
	parts = append(parts, "name: "+c.Name)
	if c.Type != "" && c.Type != "string" {
		parts = append(parts, "type: "+string(c.Type))
	}
	if c.Unit != "" {
		parts = append(parts, "unit: "+q(c.Unit))
	}
	if c.Percent != "" {
		parts = append(parts, "percent: "+c.Percent)
	}
	if c.Required {
		parts = append(parts, "required: true")
	}
	if c.Value != "" {
		parts = append(parts, "value: "+strconv.Quote(c.Value))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// comment makes text safe for the rest of a YAML comment line: one line,
// control characters written as escapes.
func comment(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if printable(text) {
		return text
	}
	var b strings.Builder
	for _, r := range text {
		if unicode.IsPrint(r) {
			b.WriteRune(r)
		} else {
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		}
	}
	return b.String()
}

func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' })
}

// checkNote joins what to check of a column into one comment.
func checkNote(checks []string) string {
	if len(checks) == 0 {
		return ""
	}
	return "  # 请核对：" + comment(strings.Join(checks, "；"))
}

func (r *Report) writeSource(b *strings.Builder, o sourceOptions) {
	kind, rest, _ := strings.Cut(r.Kind, " ")
	b.WriteString("source:\n")
	fmt.Fprintf(b, "  kind: %s\n", kind)
	if fetch.IsURL(o.path) {
		fmt.Fprintf(b, "  url: %s\n", q(o.path))
	} else {
		fmt.Fprintf(b, "  path: %s\n", q(o.path))
	}
	if o.outside {
		b.WriteString("  allow_outside_project: true  # 请核对：输入文件在项目目录之外，最好移入项目并改 path (the input is outside the project folder)\n")
	}
	if r.Sheet != "" {
		fmt.Fprintf(b, "  sheet: %s\n", strconv.Quote(r.Sheet))
	}
	if r.Encoding != "" && r.Encoding != "utf-8" && kind == "csv" {
		fmt.Fprintf(b, "  encoding: %s\n", r.Encoding)
	}
	switch {
	case rest == "ndjson":
		b.WriteString("  ndjson: true\n")
	case strings.HasPrefix(rest, "records_path: "):
		fmt.Fprintf(b, "  records_path: %s\n", q(strings.TrimPrefix(rest, "records_path: ")))
	}
	if r.SkipRows > 0 {
		fmt.Fprintf(b, "  skip_rows: %d\n", r.SkipRows)
	}
	if r.HeaderRows > 1 {
		fmt.Fprintf(b, "  header_rows: %d\n", r.HeaderRows)
	}
	b.WriteString("  columns:\n")
	for i, c := range r.Columns {
		var checks []string
		if i < len(r.Guesses) {
			checks = r.Guesses[i].Check
		}
		if o.skip != nil {
			if why := o.skip(i); why != "" {
				fmt.Fprintf(b, "    # - %s  # %s\n", comment(columnLine(c)), comment(why))
				continue
			}
		}
		fmt.Fprintf(b, "    - %s%s\n", columnLine(c), checkNote(checks))
	}
	for _, k := range o.constants {
		var checks []string
		if k.note != "" {
			checks = []string{k.note}
		}
		fmt.Fprintf(b, "    - %s%s\n", columnLine(k.col), checkNote(checks))
	}
	for _, n := range o.notes {
		fmt.Fprintf(b, "    # 请核对：%s\n", comment(n))
	}
	if r.Years != nil {
		key, val := "year", "value"
		if r.YearMatch == "months" {
			key = "month"
		}
		if n := len(r.Columns); n > 0 {
			val = r.Columns[n-1].Name
		}
		fmt.Fprintf(b, "  unpivot: {match: %s, key: %s, value: %s}\n", r.YearMatch, key, val)
	}
	if len(r.DropRows) > 0 {
		b.WriteString("  drop_rows:\n")
		for _, d := range r.DropRows {
			if d.Equals != nil {
				fmt.Fprintf(b, "    - {equals: [%s]}\n", list(d.Equals))
			}
			if d.StartsWith != nil {
				fmt.Fprintf(b, "    - {starts_with: [%s]}\n", list(d.StartsWith))
			}
		}
	}
}

func list(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = q(s)
	}
	return strings.Join(out, ", ")
}
