// Package inspect looks at an input file before anyone writes a pipeline for
// it: the encoding, the preamble lines to skip, the header (joined across
// header rows), whether the columns are years to unpivot, a suggested column
// mapping and the first rows. `grassroots sources inspect` prints its Report;
// the suggested source spec is valid YAML for a pipeline.
package inspect

import (
	"context"
	encsv "encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"grassroots/sources"
	"grassroots/sources/fetch"
	"grassroots/sources/value"
	"grassroots/sources/xlsx"
)

// Options choose what to look at.
type Options struct {
	Sheet    string // xlsx: name or 1-based index
	Encoding string // auto by default
	Rows     int    // first rows to show (default 5)
}

// Row is a source row with its physical row number.
type Row struct {
	N     int64
	Cells []string
}

// Report is what Inspect found.
type Report struct {
	Location   string
	Kind       string
	Encoding   string
	BOM        bool
	Sheet      string
	Sheets     []string
	Preamble   []Row // rows before the header, to skip
	SkipRows   int
	HeaderRows int
	Header     []string
	Years      []string // header names that look like years (or months)
	YearMatch  string   // years or months, when Years is not empty
	Columns    []sources.Column
	Guesses    []Guess // beside Columns: each column's role and what to check
	Unit       string  // the unit a line above the header states (单位：万人)
	TitleYear  string  // the year the title gives, when no column holds years
	DropRows   []sources.DropRule
	First      []Row

	stored map[int64][]string // xlsx stored values by sheet row
}

// serialDates reports a workbook column whose cells are shown as dates in a
// display format (12-31-23) but stored as Excel serial numbers.
func serialDates(text, stored []string, _ int) bool {
	if len(stored) == 0 {
		return false
	}
	n := 0
	for i, s := range stored {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 10000 || f > 100000 || i >= len(text) || !strings.ContainsAny(text[i], "-/年") {
			continue
		}
		n++
	}
	return n*5 >= len(stored)*4
}

// sample is how many rows are read to guess.
const sample = 200

// Inspect reads the start of the file at location.
func Inspect(ctx context.Context, location string, o Options) (*Report, error) {
	if o.Rows <= 0 {
		o.Rows = 5
	}
	r := &Report{Location: location}
	ext := strings.ToLower(filepath.Ext(strings.SplitN(location, "?", 2)[0]))
	switch ext {
	case ".xlsx", ".xlsm":
		r.Kind = "xlsx"
	case ".json", ".ndjson", ".jsonl":
		r.Kind = "json"
	case ".parquet":
		return nil, fmt.Errorf("inspect: %s: Parquet files carry their schema; map columns by their names", location)
	default:
		r.Kind = "csv"
	}
	rc, _, err := fetch.Open(ctx, location, fetch.Options{})
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	defer rc.Close()
	var rows []Row
	switch r.Kind {
	case "xlsx":
		var ref sources.Ref
		if n, err := strconv.Atoi(o.Sheet); err == nil && n > 0 {
			ref.Pos = n
		} else {
			ref.Name = o.Sheet
		}
		g, err := xlsx.ReadGrid(rc, location, ref, "", sample)
		if err != nil {
			return nil, err
		}
		r.Sheet, r.Sheets = g.Sheet, g.Sheets
		r.stored = map[int64][]string{}
		for i, c := range g.Text {
			if i >= sample {
				break
			}
			rows = append(rows, Row{int64(g.FirstRow + i), c})
			r.stored[int64(g.FirstRow+i)] = g.Stored[i]
		}
	case "json":
		return inspectJSON(rc, r, o)
	default:
		dec, err := sources.Decode(rc, o.Encoding)
		if err != nil {
			return nil, fmt.Errorf("inspect: %s: %w", location, err)
		}
		r.Encoding, r.BOM = dec.Encoding, dec.BOM
		cr := encsv.NewReader(dec)
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		if ext == ".tsv" {
			cr.Comma = '\t'
		}
		for len(rows) < sample {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("inspect: %s: %w", location, err)
			}
			line, _ := cr.FieldPos(0)
			rows = append(rows, Row{int64(line), rec})
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("inspect: %s: the file is empty", location)
	}
	r.guess(rows, o)
	return r, nil
}

// filled counts non-empty cells and distinct values.
func filled(cells []string) (n, distinct int) {
	seen := map[string]bool{}
	for _, c := range cells {
		if c = value.Trim(c); c != "" {
			n++
			seen[c] = true
		}
	}
	return n, len(seen)
}

func numeric(c string) bool {
	c = value.Trim(c)
	if c == "" {
		return false
	}
	_, _, err := value.Number(c)
	return err == nil
}

func hasNumber(cells []string) bool {
	for _, c := range cells {
		if numeric(c) {
			return true
		}
	}
	return false
}

// mergeEvidence: empty cells inside a header row, or the same value in
// adjacent cells (a merged cell filled), mean another header row may follow.
func mergeEvidence(cells []string, width int) bool {
	for i := 0; i < width && i < len(cells); i++ {
		c := value.Trim(cells[i])
		if c == "" {
			return true
		}
		if i > 0 && c == value.Trim(cells[i-1]) {
			return true
		}
	}
	return len(cells) < width
}

func (r *Report) guess(rows []Row, o Options) {
	maxN := 0
	for _, row := range rows {
		n, _ := filled(row.Cells)
		maxN = max(maxN, n)
	}
	h := 0
	for i, row := range rows {
		n, d := filled(row.Cells)
		if d >= 2 && n*10 >= maxN*6 || maxN <= 1 && n == 1 {
			h = i
			break
		}
	}
	r.Preamble = rows[:h]
	r.SkipRows = int(rows[h].N - 1)
	if len(rows) > 0 && r.Kind == "xlsx" {
		r.SkipRows = int(rows[h].N - rows[0].N)
	}
	width := 0
	for _, row := range rows[h:] {
		width = max(width, lastFilled(row.Cells))
	}
	nh := 1
	for nh < 3 && h+nh < len(rows) && !hasNumber(rows[h+nh].Cells) && mergeEvidence(rows[h+nh-1].Cells, width) {
		if n, _ := filled(rows[h+nh].Cells); n == 0 {
			break
		}
		nh++
	}
	r.HeaderRows = nh
	var hdr [][]string
	for _, row := range rows[h : h+nh] {
		hdr = append(hdr, row.Cells)
	}
	r.Header = sources.JoinHeaders(hdr, r.Kind == "xlsx")
	if len(r.Header) > width {
		r.Header = r.Header[:width]
	}
	data := rows[h+nh:]

	// Totals and footnotes to drop.
	var totals, notes []string
	var body []Row
	for _, row := range data {
		first := ""
		if len(row.Cells) > 0 {
			first = strings.Join(strings.Fields(value.Fold(row.Cells[0])), "")
		}
		switch {
		case first == "合计" || first == "总计":
			totals = appendOnce(totals, first)
		case strings.HasPrefix(first, "注") || strings.HasPrefix(first, "资料来源") || strings.HasPrefix(first, "说明"):
			if p := footPrefix(first); p != "" {
				notes = appendOnce(notes, p)
			}
		default:
			if n, _ := filled(row.Cells); n > 0 {
				body = append(body, row)
			}
		}
	}
	if totals != nil {
		r.DropRows = append(r.DropRows, sources.DropRule{Equals: []string{"合计", "总计"}})
	}
	if notes != nil {
		r.DropRows = append(r.DropRows, sources.DropRule{StartsWith: notes})
	}
	for i := 0; i < o.Rows && i < len(body); i++ {
		r.First = append(r.First, body[i])
	}

	// Years or months across the columns.
	for _, m := range []string{"years", "months"} {
		match, _ := (&sources.Unpivot{Match: m}).Matcher()
		var ys []string
		for _, name := range r.Header {
			if match(name) {
				ys = append(ys, name)
			}
		}
		if len(ys) >= 3 {
			r.Years, r.YearMatch = ys, m
			break
		}
	}

	// Column mapping.
	for _, p := range r.Preamble {
		for _, c := range p.Cells {
			if u := unitIn(c); u != "" {
				r.Unit = u
			}
		}
	}
	used := map[string]int{}
	wide := map[string]bool{}
	for _, y := range r.Years {
		wide[y] = true
	}
	for i, name := range r.Header {
		if wide[name] {
			continue
		}
		var vals []string
		for _, row := range body {
			if i < len(row.Cells) {
				vals = append(vals, row.Cells[i])
			}
		}
		var stored []string
		for _, row := range body {
			if raw := r.stored[row.N]; i < len(raw) {
				stored = append(stored, raw[i])
			}
		}
		col, g := GuessColumn(name, i, vals, r.Unit)
		if used[col.Name]++; used[col.Name] > 1 {
			col.Name += "_" + strconv.Itoa(used[col.Name])
			g.Check = append(g.Check, "列名重复，已加序号 (a second column of this name: numbered)")
		}
		if r.Kind == "xlsx" && col.Type == sources.String && g.Role != RoleRegion && serialDates(vals, stored, i) {
			col.Type = sources.Date
			g.Check = slices.DeleteFunc(g.Check, func(c string) bool { return c == unknownDates })
		}
		r.Columns = append(r.Columns, col)
		r.Guesses = append(r.Guesses, g)
	}
	var title []string
	for _, p := range r.Preamble {
		title = append(title, strings.Join(p.Cells, " "))
	}
	title = append(title, r.Sheet)
	if r.Years != nil {
		key := sources.Column{Name: "year", Type: sources.Int}
		if r.YearMatch == "months" {
			key = sources.Column{Name: "month", Type: sources.Month}
		}
		// The values of a wide table are one measure: the title may say which.
		val, g := sources.Column{Name: "value", Type: sources.Float}, Guess{Role: RoleMeasure, Level: -1}
		if k, ok := knownHeader(strings.Join(title, "/")); ok && k.role == RoleMeasure {
			val.Name, g.Known = k.name, true
			g.Check = append(g.Check, "各年数值按标题判断为 "+k.name+" (the values, by the title)")
			if r.Unit != "" && unitFits(k.name, true, r.Unit) {
				if f, _ := value.UnitScale(r.Unit); f != 1 {
					val.Unit = r.Unit
					g.Check = append(g.Check, "单位「"+r.Unit+"」取自表头上方的单位行，数值×"+scaleText(r.Unit)+" (unit from the 单位 line above the header)")
				}
			}
		} else {
			g.Check = append(g.Check, "各年数值的列名待定 (name the measure the year columns hold)")
		}
		r.Columns = append(r.Columns, key, val)
		r.Guesses = append(r.Guesses, Guess{Role: RoleYear, Known: true, Level: -1}, g)
	} else if !slices.ContainsFunc(r.Guesses, func(g Guess) bool { return g.Role == RoleYear }) {
		r.TitleYear = yearInTitle(title...)
	}
}

func lastFilled(cells []string) int {
	for i := len(cells) - 1; i >= 0; i-- {
		if value.Trim(cells[i]) != "" {
			return i + 1
		}
	}
	return 0
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func footPrefix(s string) string {
	for _, p := range []string{"资料来源", "说明", "注"} {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

var unitRe = regexp.MustCompile(`(?:单位[:：]\s*|[（(/]\s*)([^）)/\s]+)[）)]?\s*$`)

// unitIn finds a unit in "单位：万人", "城镇人口（万人）" or "城镇人口/万人".
func unitIn(s string) string {
	m := unitRe.FindStringSubmatch(value.Trim(s))
	if m == nil {
		return ""
	}
	if _, ok := value.UnitScale(m[1]); !ok {
		return ""
	}
	return m[1]
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// suggestName makes a column name of a header inspect does not know:
// snake_case of its letters and digits, else col_N.
func suggestName(h string, i int) string {
	s := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(h), "_"), "_")
	if s == "" || unicode.IsDigit(rune(s[0])) {
		return "col_" + strconv.Itoa(i+1)
	}
	return s
}

// guessType picks the narrowest type every non-null sample value parses as.
func guessType(vals []string) (sources.Type, string) {
	vs := present(vals)
	if len(vs) == 0 {
		return sources.String, ""
	}
	// A type wins when at least 75% of the sample parses as it: the rest are
	// the bad values the reader will reject, not a reason to give up on it.
	all := func(ok func(string) bool) bool {
		n := 0
		for _, v := range vs {
			if ok(v) {
				n++
			}
		}
		return n*4 >= len(vs)*3
	}
	code := func(v string) bool { return len(v) > 1 && v[0] == '0' && !strings.Contains(v, ".") }
	switch {
	case all(func(v string) bool { return code(v) }) || all(func(v string) bool { return len(v) >= 9 && isDigits(v) }):
		return sources.String, "" // region codes and ids keep their digits
	case all(func(v string) bool { _, err := value.Int(v); return err == nil }):
		return sources.Int, ""
	case all(func(v string) bool { _, p, err := value.Number(v); return err == nil && p }):
		return sources.Float, "pct"
	case all(func(v string) bool { _, p, err := value.Number(v); return err == nil && !p }):
		return sources.Float, ""
	case all(func(v string) bool { _, err := value.Date(v); return err == nil }):
		return sources.Date, ""
	case all(func(v string) bool { _, err := value.Month(v); return err == nil }):
		return sources.Month, ""
	case all(func(v string) bool { _, err := value.Bool(v); return err == nil && !numeric(v) }):
		return sources.Bool, ""
	}
	return sources.String, ""
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func inspectJSON(rc io.Reader, r *Report, o Options) (*Report, error) {
	dec := json.NewDecoder(rc)
	dec.UseNumber()
	var keys []string
	seen := map[string]bool{}
	var n int64
	add := func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		n++
		flat := map[string]string{}
		flattenKeys("", m, flat)
		ks := make([]string, 0, len(flat))
		for k := range flat {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		if len(r.First) < o.Rows {
			row := Row{N: n}
			for _, k := range keys {
				row.Cells = append(row.Cells, flat[k])
			}
			r.First = append(r.First, row)
		}
	}
	var first any
	if err := dec.Decode(&first); err != nil {
		return nil, fmt.Errorf("inspect: %s: not JSON: %w", r.Location, err)
	}
	r.Encoding = "utf-8"
	switch v := first.(type) {
	case []any:
		for _, x := range v {
			add(x)
		}
	case map[string]any:
		if path, arr := findArray(v, ""); arr != nil {
			r.Kind = "json records_path: " + path
			for _, x := range arr {
				add(x)
			}
		} else {
			add(v)
			for n < sample {
				var x any
				if err := dec.Decode(&x); err != nil {
					break
				}
				add(x)
			}
			if n > 1 {
				r.Kind = "json ndjson"
			}
		}
	}
	if n == 0 {
		return nil, errors.New("inspect: " + r.Location + ": no records found")
	}
	r.Header = keys
	r.HeaderRows = 0
	for i, k := range keys {
		r.Columns = append(r.Columns, sources.Column{From: sources.Header(k), Name: suggestName(strings.ReplaceAll(k, ".", "_"), i)})
		r.Guesses = append(r.Guesses, Guess{Role: RoleOther, Level: -1})
	}
	return r, nil
}

func findArray(m map[string]any, prefix string) (string, []any) {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		switch v := m[k].(type) {
		case []any:
			if len(v) > 0 {
				if _, ok := v[0].(map[string]any); ok {
					return p, v
				}
			}
		case map[string]any:
			if q, a := findArray(v, p); a != nil {
				return q, a
			}
		}
	}
	return "", nil
}

func flattenKeys(prefix string, m map[string]any, out map[string]string) {
	for k, v := range m {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			flattenKeys(name, v, out)
		case nil:
			out[name] = ""
		default:
			out[name] = fmt.Sprint(v)
		}
	}
}
