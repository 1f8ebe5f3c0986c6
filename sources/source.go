// Package sources turns the inputs analysts actually have — GBK CSV exported by
// Excel, yearbook workbooks with titles, unit rows, merged headers, 合计 rows and
// footnotes, World Bank files with preamble lines and one column per year, JSON
// APIs with pages, Parquet — into Arrow record batches with a declared schema,
// so that nothing downstream sees the mess.
//
// Each format is a subpackage (csv, xlsx, json, parquet) that registers itself
// in init(); import it for its side effect and call New. Every reader produces
// the declared columns in order plus a final int64 column `_row`: the 1-based
// physical row of the source (line for CSV, sheet row for XLSX, record index for
// JSON). A value that does not parse rejects its row (see Reject and
// Config.OnReject); nothing is dropped silently.
//
// What is loaded is what the source says, or the row is rejected:
//
//   - Integers are read exactly, never through a float64: a 19-digit id keeps
//     its digits; beyond int64, in scientific notation (how Excel shortens long
//     numbers in CSV) or with a fraction after unit scaling, the row is
//     rejected (integer.go, value.IntScaled).
//   - An Excel serial day number (45291) is a date only as a workbook's stored
//     value; in CSV or JSON a bare number in a date column is rejected
//     (datecell.go).
//   - A cell a format cannot read — an XLSX formula without a saved value —
//     rejects its row with the cell named (CellFaults).
//
// A file in the wrong encoding is a malformed file and fails the read, naming
// the line: GB18030/GBK text is decoded line by line, and a line that does
// not decode, or that is UTF-8 in a file that mixes encodings, stops it with
// an *EncodingError. GBK bytes are sometimes valid UTF-8 by chance, so a line
// is taken for UTF-8 only when, read as UTF-8, it has a Chinese character, all
// its other characters are of the kinds Chinese tables use, and its
// characters are more common (by GB2312 level) than read as GBK; gbk.go has
// the rule and how it was measured. In a file read as UTF-8 a cell that is
// not UTF-8 fails the read at its line and column, showing how it reads as
// GBK.
package sources

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"github.com/apache/arrow-go/v18/arrow/array"

	"grassroots/sources/value"
)

// RowColumn is the name of the final column of every reader: the source row.
const RowColumn = "_row"

// Source reads one external dataset as Arrow record batches with a declared schema.
// The caller releases the reader. After ctx is done, Next returns false and Err returns ctx.Err().
type Source interface {
	Open(ctx context.Context) (array.RecordReader, error)
}

// Stats counts what a reader saw. RowsRead = rows that reached parsing =
// (rows emitted) + RowsRejected; RowsDropped were removed by rule (totals,
// footnotes, blank rows) and are not in RowsRead. RowsOut counts output rows,
// which exceeds the emitted source rows when unpivoting.
type Stats struct {
	// Encoding actually used: utf-8, gb18030 or gbk ("" for binary formats).
	Encoding     string
	BOM          bool
	RowsRead     int64
	RowsRejected int64
	RowsDropped  int64
	RowsOut      int64
}

// StatsReader is implemented by every reader the formats return.
type StatsReader interface {
	array.RecordReader
	Stats() Stats
}

// Factory builds a Source of one kind from a validated Config.
type Factory func(cfg Config) (Source, error)

var (
	regMu    sync.RWMutex
	registry = map[string]Factory{}
)

// Register makes a format available under kind. Formats call it from init().
func Register(kind string, f Factory) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[kind]; dup {
		panic("sources: Register called twice for " + kind)
	}
	registry[kind] = f
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	ks := make([]string, 0, len(registry))
	for k := range registry {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// New validates cfg and returns a Source of the given kind.
func New(kind string, cfg Config) (Source, error) {
	if kind == "" {
		kind = cfg.Kind
	}
	regMu.RLock()
	f, ok := registry[kind]
	regMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("kind: unknown source kind %q (have: %s)", kind, strings.Join(Kinds(), ", "))
	}
	if cfg.Kind != "" && cfg.Kind != kind {
		return nil, fmt.Errorf("kind: config says %q but %q was asked for", cfg.Kind, kind)
	}
	cfg.Kind = kind
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return f(cfg)
}

// Sentinels wrapped by *ParseError; test with errors.Is.
var (
	ErrNotNumber  = value.ErrNotNumber
	ErrNotInteger = value.ErrNotInteger
	ErrPercent    = value.ErrPercent
	ErrNotDate    = value.ErrNotDate
	ErrNotMonth   = value.ErrNotMonth
	ErrNotTime    = value.ErrNotTime
	ErrNotBool    = value.ErrNotBool
	ErrRange      = value.ErrRange
	ErrRequired   = errors.New("is empty but the column is required")
	ErrRagged     = errors.New("has a different number of fields than the header")
)

// Position locates a row in a source. Format is the package name (csv, xlsx, …).
type Position struct {
	Format string
	File   string
	Sheet  string
	Row    int64
}

func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.Format)
	b.WriteString(": ")
	b.WriteString(p.File)
	if p.Sheet != "" || p.Row > 0 {
		b.WriteString(":")
	}
	if p.Sheet != "" {
		fmt.Fprintf(&b, " sheet %q", p.Sheet)
	}
	if p.Row > 0 {
		b.WriteString(" ")
		b.WriteString(rowWord(p.Format))
		b.WriteString(" ")
		b.WriteString(strconv.FormatInt(p.Row, 10))
	}
	return b.String()
}

func rowWord(format string) string {
	switch format {
	case "csv":
		return "line"
	case "json":
		return "record"
	}
	return "row"
}

// ParseError is a value that did not parse, with its position:
// `xlsx: 年鉴.xlsx: sheet "3-3" row 14 column "城镇人口": "12,3x" is not a number`.
type ParseError struct {
	Format string
	File   string
	Sheet  string
	Row    int64
	// Column is the source column (header text, or #n by position).
	Column string
	Value  string
	Err    error
}

func (e *ParseError) Error() string {
	pos := Position{e.Format, e.File, e.Sheet, e.Row}.String()
	if e.Column == "" {
		return fmt.Sprintf("%s %v", pos, e.Err)
	}
	return fmt.Sprintf("%s column %q: %q %v", pos, e.Column, e.Value, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Reject is a source row that could not be turned into output, with every
// reason. It is handed to Config.OnReject and is not in the output batches.
type Reject struct {
	Format string
	File   string
	Sheet  string
	// Row is the same number the `_row` column would have carried.
	Row int64
	// Raw maps each source column (header text, or #n) to the cell text.
	Raw map[string]string
	// Reasons are full sentences: `column "城镇人口": "12,3x" is not a number`.
	Reasons []string
	// Errs holds the *ParseError behind each reason.
	Errs []error
}

func (r Reject) Error() string {
	return Position{r.Format, r.File, r.Sheet, r.Row}.String() + " " + strings.Join(r.Reasons, "; ")
}
