package sources

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"gopkg.in/yaml.v3"

	"grassroots/sources/fetch"
	"grassroots/sources/progress"
	"grassroots/sources/value"
)

// DefaultBatchSize is the number of rows per record batch: one DuckDB row group.
const DefaultBatchSize = 122880

// Config describes one input: where it is, how to read it and which columns to
// produce. The pipelines embed it in their YAML spec under `source:`; decode it
// with yaml.v3 KnownFields(true). Fields tagged `yaml:"-"` are runtime hooks.
type Config struct {
	// Kind is the format (csv, xlsx, json, parquet). Optional when the kind is
	// passed to New; if both are given they must agree.
	Kind string `yaml:"kind"`
	// Path is a local file; URL an http(s) address. Exactly one is set.
	Path string `yaml:"path"`
	URL  string `yaml:"url"`

	Options `yaml:",inline"`

	// CSV: the field delimiter (default ","; "\t" for tab) and whether stray
	// quotes inside unquoted fields are tolerated.
	Delimiter  string `yaml:"delimiter"`
	LazyQuotes bool   `yaml:"lazy_quotes"`

	// XLSX: the sheet, by name ("3-3") or 1-based index (2); default the first
	// sheet. Range limits reading to a cell range such as "A3:H40".
	Sheet Ref    `yaml:"sheet"`
	Range string `yaml:"range"`

	// JSON: NDJSON reads one record per line; otherwise the document is an array
	// of records, or an object with the array at RecordsPath (dot-separated, e.g.
	// "data.items"). Nested objects are flattened to dotted names ("addr.city").
	NDJSON      bool   `yaml:"ndjson"`
	RecordsPath string `yaml:"records_path"`
	// Pagination reads a paginated JSON API (URL only).
	Pagination *fetch.Paging `yaml:"pagination"`

	// Fetch tunes HTTP: timeout, retries, headers.
	Fetch fetch.Options `yaml:"fetch"`

	// BatchSize is the number of rows per record batch (default 122,880).
	BatchSize int `yaml:"batch_size"`

	// Allocator for the Arrow buffers (default memory.DefaultAllocator).
	Allocator memory.Allocator `yaml:"-"`
	// OnReject receives each row that fails to parse, synchronously, from inside
	// Next. Rejected rows are not in the output. If OnReject is nil the first bad
	// value stops the reader and Err returns a *ParseError.
	OnReject func(Reject) `yaml:"-"`
	// Progress, when set, counts the rows read (every thousand or so, from
	// the reading goroutine) and the bytes of the input read (see
	// fetch.Options.Progress).
	Progress *progress.Counters `yaml:"-"`
}

// Location is the path or URL of the input.
func (c *Config) Location() string {
	if c.Path != "" {
		return c.Path
	}
	return c.URL
}

// Options are honoured by every format.
type Options struct {
	// Encoding of text input: auto (default: UTF-8 with or without BOM, else
	// GB18030), utf-8, gb18030 or gbk.
	Encoding string `yaml:"encoding"`
	// SkipRows is the number of physical lines (CSV) or rows (XLSX, counted from
	// the top of the range) before the header: titles, preamble, unit rows.
	SkipRows int `yaml:"skip_rows"`
	// HeaderRows is the number of header rows (default 1). Several rows, and
	// merged header cells, are joined into one name per column with "/":
	// 城镇人口/万人. NoHeader means there is none; columns are then taken by position.
	HeaderRows int  `yaml:"header_rows"`
	NoHeader   bool `yaml:"no_header"`
	// Columns declares the output, in order.
	Columns []Column `yaml:"columns"`
	// DropRows removes rows by rule (totals, footnotes). Fully blank rows are
	// always dropped unless KeepBlankRows.
	DropRows      []DropRule `yaml:"drop_rows"`
	KeepBlankRows bool       `yaml:"keep_blank_rows"`
	// NullValues replaces the list of placeholders that mean "no data" (default
	// value.DefaultNulls: —, -, …, ..., 空, …). The empty cell is always null.
	NullValues []string `yaml:"null_values"`
	// Unpivot turns wide columns (one per year or month) into long rows.
	Unpivot *Unpivot `yaml:"unpivot"`
	// TimeZone for timestamps written with a UTC offset (default Asia/Shanghai).
	TimeZone string `yaml:"time_zone"`
}

// Type is a declared column type.
type Type string

// The declared column types and their Arrow types.
const (
	String    Type = "string"    // utf8
	Int       Type = "int"       // int64
	Float     Type = "float"     // float64
	Date      Type = "date"      // date32
	Month     Type = "month"     // date32, first day of the month
	Bool      Type = "bool"      // boolean
	Timestamp Type = "timestamp" // timestamp[us], wall clock
)

var types = []Type{String, Int, Float, Date, Month, Bool, Timestamp}

// Column declares one output column.
type Column struct {
	// Name is the warehouse column name.
	Name string `yaml:"name"`
	// From is the source column: its header text after joining (from: 城镇人口/万人)
	// or, written as a YAML integer, its 1-based position (from: 3).
	From Ref `yaml:"from"`
	// Type (default string).
	Type Type `yaml:"type"`
	// Unit of the source values, converted to base units: 万人 → ×10,000; 亿元 →
	// ×1e8. Scale is an explicit factor instead. Numeric types only.
	Unit  string  `yaml:"unit"`
	Scale float64 `yaml:"scale"`
	// Percent declares the column holds percentages (with or without "%"):
	// pct keeps 12.3, fraction gives 0.123. Without it a "%" value is rejected.
	Percent string `yaml:"percent"`
	// Required rejects rows where the value is missing.
	Required bool `yaml:"required"`
	// Default replaces a missing value.
	Default string `yaml:"default"`
	// Value makes a constant column (no From): a source note, a vintage tag.
	Value string `yaml:"value"`
	// RowNumber makes an int column (no From) holding the row's number in the
	// input: the line of a CSV, the row of a sheet — the number the quarantine
	// names. It keeps the order of a file whose rows mean something by where
	// they stand (a yearbook's indented hierarchy).
	RowNumber bool `yaml:"row_number"`
}

// Ref names a source column, sheet or field: by Name, or by 1-based Pos. In YAML
// a string is a name and an integer a position.
type Ref struct {
	Name string
	Pos  int
}

// Header refers to a source column by its header text.
func Header(name string) Ref { return Ref{Name: name} }

// Pos refers to a source column by 1-based position.
func Pos(n int) Ref { return Ref{Pos: n} }

// IsZero reports whether r refers to nothing.
func (r Ref) IsZero() bool { return r.Name == "" && r.Pos == 0 }

func (r Ref) String() string {
	if r.Pos > 0 {
		return "#" + strconv.Itoa(r.Pos)
	}
	return r.Name
}

// UnmarshalYAML reads an integer as a position and anything else as a name.
func (r *Ref) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a column name or a 1-based position", n.Line)
	}
	if n.Tag == "!!int" {
		p, err := strconv.Atoi(n.Value)
		if err != nil || p < 1 {
			return fmt.Errorf("line %d: position %q must be 1 or more", n.Line, n.Value)
		}
		*r = Ref{Pos: p}
		return nil
	}
	*r = Ref{Name: n.Value}
	return nil
}

// MarshalYAML writes a position as an integer and a name as a string.
func (r Ref) MarshalYAML() (any, error) {
	if r.Pos > 0 {
		return r.Pos, nil
	}
	return r.Name, nil
}

// DropRule drops rows whose cell in Column (default the first column) equals one
// of Equals, starts with one of StartsWith, or matches Matches. White space
// (including full-width) is ignored when comparing, so "合  计" equals 合计.
// Blank drops rows whose cell is empty.
type DropRule struct {
	Column     Ref      `yaml:"column"`
	Equals     []string `yaml:"equals"`
	StartsWith []string `yaml:"starts_with"`
	Matches    string   `yaml:"matches"`
	Blank      bool     `yaml:"blank"`
}

// Unpivot turns wide columns into long rows: each matching source column becomes
// one output row, its header parsed into Key and its cell into Value. Key and
// Value must be declared columns without from.
type Unpivot struct {
	// Match selects the wide columns: "years" (headers 1900–2100, optionally
	// with 年), "months" (2023-01, 2023年1月, …) or a regular expression.
	Match string `yaml:"match"`
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
	// KeepNulls emits rows for empty cells (default: skip them).
	KeepNulls bool `yaml:"keep_nulls"`
}

// yearHeader matches "2023", "2023年" and World Bank style "2023 [YR2023]".
var yearHeader = regexp.MustCompile(`^(19|20|21)\d\d(年| \[YR\d{4}\])?$`)

// Matcher returns the predicate for header names this unpivot selects.
func (u *Unpivot) Matcher() (func(string) bool, error) {
	switch u.Match {
	case "years":
		return func(h string) bool { return yearHeader.MatchString(h) }, nil
	case "months":
		return func(h string) bool {
			if _, err := value.Month(h); err != nil {
				return false
			}
			_, err := value.Date(h)
			return err != nil
		}, nil
	}
	re, err := regexp.Compile(u.Match)
	if err != nil {
		return nil, err
	}
	return re.MatchString, nil
}

var namePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Validate reports every problem in the configuration at once, each naming the
// YAML field: `columns[3].type: unknown type "intger"`.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch {
	case c.Path == "" && c.URL == "":
		add("path: one of path or url is required")
	case c.Path != "" && c.URL != "":
		add("url: give path or url, not both")
	case c.URL != "" && !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://"):
		add("url: %q is not an http(s) address", c.URL)
	}
	switch c.Encoding {
	case "", "auto", "utf-8", "utf8", "gb18030", "gbk":
	default:
		add("encoding: unknown encoding %q (want auto, utf-8, gb18030 or gbk)", c.Encoding)
	}
	if c.SkipRows < 0 {
		add("skip_rows: must not be negative")
	}
	if c.HeaderRows < 0 {
		add("header_rows: must not be negative")
	}
	if c.NoHeader && c.HeaderRows > 0 {
		add("header_rows: no_header is set")
	}
	if c.BatchSize < 0 {
		add("batch_size: must not be negative")
	}
	if c.Delimiter != "" && c.Delimiter != `\t` && len([]rune(c.Delimiter)) != 1 {
		add("delimiter: must be one character")
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			add("time_zone: %v", err)
		}
	}
	if len(c.Columns) == 0 {
		add("columns: at least one column is required")
	}
	seen := map[string]int{}
	for i, col := range c.Columns {
		p := fmt.Sprintf("columns[%d]", i)
		switch {
		case col.Name == "":
			add("%s.name: required", p)
		case col.Name == RowColumn:
			add("%s.name: %q is reserved for the source row number", p, col.Name)
		case !namePattern.MatchString(col.Name):
			add("%s.name: %q is not a snake_case name", p, col.Name)
		}
		if j, ok := seen[col.Name]; ok && col.Name != "" {
			add("%s.name: %q is already columns[%d]", p, col.Name, j)
		}
		seen[col.Name] = i
		if !col.Type.valid() {
			add("%s.type: unknown type %q (want %s)", p, col.Type, typeList())
		}
		numeric := col.Type == Int || col.Type == Float
		if col.Unit != "" {
			if _, ok := value.UnitScale(col.Unit); !ok {
				add("%s.unit: unknown unit %q", p, col.Unit)
			}
			if col.Scale != 0 {
				add("%s.scale: give unit or scale, not both", p)
			}
		}
		if (col.Unit != "" || col.Scale != 0) && !numeric {
			add("%s.unit: only int and float columns take a unit or scale", p)
		}
		switch col.Percent {
		case "":
		case "pct", "fraction":
			if !numeric {
				add("%s.percent: only int and float columns hold percentages", p)
			}
			if col.Percent == "fraction" && col.Type == Int {
				add("%s.percent: a fraction needs type float", p)
			}
		default:
			add("%s.percent: unknown %q (want pct or fraction)", p, col.Percent)
		}
		isKey := c.Unpivot != nil && (col.Name == c.Unpivot.Key || col.Name == c.Unpivot.Value)
		if col.RowNumber {
			if !col.From.IsZero() || col.Value != "" || isKey {
				add("%s.row_number: a row-number column has no from or value", p)
			}
			if col.Type != Int {
				add("%s.row_number: a row-number column has type int", p)
			}
			continue
		}
		if col.From.IsZero() && col.Value == "" && !isKey {
			add("%s.from: required (or give a constant value)", p)
		}
		if !col.From.IsZero() && col.Value != "" {
			add("%s.value: a constant column has no from", p)
		}
		if isKey && (!col.From.IsZero() || col.Value != "") {
			add("%s.from: the unpivot key and value columns take no from or value", p)
		}
		if col.Value != "" && col.Type.valid() {
			if err := checkLiteral(col, col.Value); err != nil {
				add("%s.value: %v", p, err)
			}
		}
		if col.Default != "" && col.Type.valid() {
			if err := checkLiteral(col, col.Default); err != nil {
				add("%s.default: %v", p, err)
			}
		}
	}
	for i, r := range c.DropRows {
		p := fmt.Sprintf("drop_rows[%d]", i)
		if len(r.Equals) == 0 && len(r.StartsWith) == 0 && r.Matches == "" && !r.Blank {
			add("%s: give equals, starts_with, matches or blank", p)
		}
		if r.Matches != "" {
			if _, err := regexp.Compile(r.Matches); err != nil {
				add("%s.matches: %v", p, err)
			}
		}
	}
	if u := c.Unpivot; u != nil {
		if u.Match == "" {
			add("unpivot.match: required (years, months or a regular expression)")
		} else if _, err := u.Matcher(); err != nil {
			add("unpivot.match: %v", err)
		}
		for _, k := range []struct{ field, name string }{{"key", u.Key}, {"value", u.Value}} {
			if k.name == "" {
				add("unpivot.%s: required", k.field)
			} else if _, ok := seen[k.name]; !ok {
				add("unpivot.%s: %q is not a declared column", k.field, k.name)
			}
		}
	}
	return errors.Join(errs...)
}

// checkLiteral parses a constant or default with the column's rules.
func checkLiteral(col Column, s string) error {
	f, err := newField(col, nil, time.UTC)
	if err != nil {
		return err
	}
	var c cell
	if err := f.parse(s, "", &c); err != nil {
		return fmt.Errorf("%q %w", s, err)
	}
	return nil
}

func (t Type) valid() bool {
	if t == "" {
		return true
	}
	for _, k := range types {
		if t == k {
			return true
		}
	}
	return false
}

func typeList() string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}
