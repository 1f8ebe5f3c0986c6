package cli

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Formats a result can be written in.
var formats = []string{"table", "csv", "json", "markdown", "xlsx"}

func checkFormat(f string) error {
	for _, k := range formats {
		if f == k {
			return nil
		}
	}
	return Usagef("--format %q: want one of %s", f, strings.Join(formats, ", "))
}

// Result is a table of values to print.
type Result struct {
	Columns []string
	Types   []string // DuckDB type names, for alignment and date formatting
	Rows    [][]any
	// Blank prints NULL as an empty cell in the table format: for reports of
	// the project's own (a series with no target yet), where NULL is noise;
	// ad-hoc SQL keeps NULL visible.
	Blank bool
}

// scanRows reads all rows of rs.
func scanRows(rs *sql.Rows) (*Result, error) {
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	cts, err := rs.ColumnTypes()
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: cols}
	for _, ct := range cts {
		res.Types = append(res.Types, ct.DatabaseTypeName())
	}
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rs.Err()
}

func isNumericType(t string) bool {
	switch {
	case strings.Contains(t, "INT"), strings.HasPrefix(t, "DECIMAL"), t == "DOUBLE", t == "FLOAT", t == "REAL":
		return true
	}
	return false
}

// text renders one value for table, CSV and Markdown output; null reports
// whether it was NULL.
// Fixed is a number shown with a fixed number of decimals, as published
// (67.0, not 67 or 66.9966): in tables and CSV as text, in workbooks as a
// number with that number format.
type Fixed struct {
	V        float64
	Decimals int
}

func text(v any, typ string) (s string, null bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case Fixed:
		return strconv.FormatFloat(x.V, 'f', x.Decimals, 64), false
	case string:
		return x, false
	case []byte:
		return string(x), false
	case float64:
		return formatFloat(x), false
	case float32:
		return formatFloat(float64(x)), false
	case time.Time:
		switch {
		case typ == "DATE":
			return x.Format(time.DateOnly), false
		case typ == "TIME":
			return x.Format(time.TimeOnly), false
		case strings.Contains(typ, "TZ") || strings.Contains(typ, "WITH TIME ZONE"):
			return x.Local().Format("2006-01-02 15:04:05"), false
		default:
			return x.Format("2006-01-02 15:04:05"), false
		}
	case *big.Int:
		return x.String(), false
	case fmt.Stringer:
		return x.String(), false
	}
	return fmt.Sprint(v), false
}

func formatFloat(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// jsonValue renders one value for JSON output.
func jsonValue(v any, typ string) any {
	switch x := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, int, uint8, uint16, uint32, uint64:
		return x
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return formatFloat(x)
		}
		return x
	case []any, map[string]any:
		return x
	case Fixed:
		return json.RawMessage(strconv.FormatFloat(x.V, 'f', x.Decimals, 64)) // 67.0, a number
	}
	s, _ := text(v, typ)
	return s
}

// displayWidth is the number of terminal columns s takes: East Asian wide and
// full-width characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func pad(s string, w int, right bool) string {
	gap := w - displayWidth(s)
	if gap <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", gap) + s
	}
	return s + strings.Repeat(" ", gap)
}

// cellText flattens a value to one line for aligned output, control
// characters escaped (see shown).
func cellText(v any, typ string, blank bool) string {
	s, null := text(v, typ)
	if null {
		if blank {
			return ""
		}
		return "NULL"
	}
	return shown(strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\t", " ").Replace(s))
}

// shown makes s safe to print on a terminal: what a terminal would act on
// instead of showing — C0 and C1 control characters, DEL, bidirectional
// overrides and isolates, line and paragraph separators, bytes that are not
// UTF-8 — is written as a Go escape (\x1b, \a, \u202e, \x9b), so that a loaded
// name cannot recolour the screen, set the window title or reverse the text
// after it. Newlines and tabs are left to the caller. Table and Markdown
// output and the commands' summaries go through it; CSV, JSON and xlsx keep
// the data as it is.
func shown(s string) string {
	clean := true
	for _, r := range s {
		if actsOnTerminal(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !actsOnTerminal(r):
			b.WriteString(s[i : i+size])
		case r < 0x80:
			if e, ok := shortEscapes[r]; ok {
				b.WriteString(e)
			} else {
				fmt.Fprintf(&b, `\x%02x`, r)
			}
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

var shortEscapes = map[rune]string{'\a': `\a`, '\b': `\b`, '\f': `\f`, '\r': `\r`, '\v': `\v`}

// actsOnTerminal reports whether r does something on a terminal other than
// show itself (see shown); newline and tab are not counted.
func actsOnTerminal(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r >= 0x7f && r < 0xa0: // C0, DEL, C1
		return true
	case r == utf8.RuneError: // also what a byte that is not UTF-8 decodes to
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // bidirectional marks, embeddings, overrides, isolates
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

// Write prints the result in format f.
func (r *Result) Write(w io.Writer, f string) error {
	switch f {
	case "xlsx":
		return r.WriteXLSX(w, "")
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(r.Columns); err != nil {
			return err
		}
		rec := make([]string, len(r.Columns))
		for _, row := range r.Rows {
			for i, v := range row {
				rec[i], _ = text(v, r.Types[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "json":
		// Objects keep the column order, so they are written key by key.
		var b strings.Builder
		b.WriteString("[")
		for n, row := range r.Rows {
			if n > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  {")
			for i, v := range row {
				if i > 0 {
					b.WriteString(", ")
				}
				k, _ := json.Marshal(r.Columns[i])
				val, err := json.Marshal(jsonValue(v, r.Types[i]))
				if err != nil {
					return err
				}
				b.Write(k)
				b.WriteString(": ")
				b.Write(val)
			}
			b.WriteString("}")
		}
		if len(r.Rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]\n")
		_, err := io.WriteString(w, b.String())
		return err
	case "markdown":
		esc := strings.NewReplacer("|", `\|`)
		head := make([]string, len(r.Columns))
		for i, c := range r.Columns {
			head[i] = shown(esc.Replace(strings.NewReplacer("\r\n", " ", "\n", " ").Replace(c)))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(head, " | "))
		seps := make([]string, len(r.Columns))
		for i := range seps {
			seps[i] = "---"
			if isNumericType(r.Types[i]) {
				seps[i] = "---:"
			}
		}
		fmt.Fprintf(w, "|%s|\n", strings.Join(seps, "|"))
		for _, row := range r.Rows {
			cells := make([]string, len(row))
			for i, v := range row {
				s, null := text(v, r.Types[i])
				if null {
					s = ""
				}
				cells[i] = shown(esc.Replace(strings.NewReplacer("\r\n", "<br>", "\n", "<br>").Replace(s)))
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
		return nil
	default:
		return r.writeTable(w)
	}
}

func (r *Result) writeTable(w io.Writer) error {
	widths := make([]int, len(r.Columns))
	head := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		head[i] = shown(strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\t", " ").Replace(c))
		widths[i] = displayWidth(head[i])
	}
	cells := make([][]string, len(r.Rows))
	for n, row := range r.Rows {
		cells[n] = make([]string, len(row))
		for i, v := range row {
			s := cellText(v, r.Types[i], r.Blank)
			cells[n][i] = s
			widths[i] = max(widths[i], displayWidth(s))
		}
	}
	var b strings.Builder
	line := func(vals []string, header bool) {
		for i, v := range vals {
			if i > 0 {
				b.WriteString("  ")
			}
			right := !header && isNumericType(r.Types[i])
			if i == len(vals)-1 && !right {
				b.WriteString(v)
			} else {
				b.WriteString(pad(v, widths[i], right))
			}
		}
		b.WriteString("\n")
	}
	line(head, true)
	rule := make([]string, len(widths))
	for i, wd := range widths {
		rule[i] = strings.Repeat("─", wd)
	}
	line(rule, true)
	for _, row := range cells {
		line(row, false)
	}
	noun := "rows"
	if len(r.Rows) == 1 {
		noun = "row"
	}
	fmt.Fprintf(&b, "(%d %s)\n", len(r.Rows), noun)
	_, err := io.WriteString(w, b.String())
	return err
}
