// Package xlsx reads a sheet of an Excel workbook as an Arrow source: sheet by
// name or 1-based index, an optional cell range, title and unit rows skipped,
// multi-row and merged headers joined into one name (人口/城镇人口), merged
// cells filled with their value, numbers read as stored (a cell shown as 12.3%
// holds 0.123; a date shown as 12/31/23 holds serial 45291) so that display
// formats never lose precision.
//
// The format forces reading the whole workbook: an .xlsx file is a zip archive
// whose sheet XML must be decompressed and parsed before its rows can be
// used, and this reader keeps the chosen sheet's cells in memory. Memory is
// therefore proportional to the sheet, unlike the csv and json readers.
//
// Register kind "xlsx" by importing this package.
package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/xuri/excelize/v2"

	"grassroots/sources"
	"grassroots/sources/fetch"
)

func init() {
	sources.Register("xlsx", func(cfg sources.Config) (sources.Source, error) { return New(cfg) })
}

// Source is a sheet of a workbook.
type Source struct {
	cfg sources.Config
}

// New returns an XLSX source for a validated cfg.
func New(cfg sources.Config) (*Source, error) {
	var errs []error
	if cfg.Range != "" {
		if _, _, _, _, err := parseRange(cfg.Range); err != nil {
			errs = append(errs, fmt.Errorf("range: %w", err))
		}
	}
	if cfg.RecordsPath != "" || cfg.NDJSON || cfg.Pagination != nil {
		errs = append(errs, errors.New("records_path: only json sources take records_path, ndjson or pagination"))
	}
	if cfg.Encoding != "" && cfg.Encoding != "auto" {
		errs = append(errs, errors.New("encoding: workbooks carry their own encoding; remove it"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Source{cfg: cfg}, nil
}

// Open reads the workbook and returns a reader over the sheet. The reader
// implements sources.StatsReader.
func (s *Source) Open(ctx context.Context) (array.RecordReader, error) {
	loc := s.cfg.Location()
	fo := s.cfg.Fetch
	fo.NoHash = true
	rc, _, err := fetch.Open(ctx, loc, fo)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", loc, err)
	}
	defer rc.Close()
	return NewReader(ctx, rc, loc, s.cfg)
}

// NewReader reads a workbook from r; name is used in messages.
func NewReader(ctx context.Context, r io.Reader, name string, cfg sources.Config) (*sources.TableReader, error) {
	g, err := ReadGrid(r, name, cfg.Sheet, cfg.Range)
	if err != nil {
		return nil, err
	}
	g.next = min(cfg.SkipRows, len(g.Text))
	return sources.NewTableReader(ctx, cfg, sources.Table{Format: "xlsx", File: name, Sheet: g.Sheet}, g)
}

// Grid is a sheet's cells as displayed (Text) and as stored (Stored), merged
// cells filled, rows padded to the same width.
type Grid struct {
	Sheet    string
	Sheets   []string
	FirstRow int // sheet row number of Text[0]
	Text     [][]string
	Stored   [][]string
	next     int
}

// ReadGrid reads the sheet (by name or 1-based index; the first sheet when
// zero) within rng ("" for all).
func ReadGrid(r io.Reader, name string, sheet sources.Ref, rng string) (*Grid, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: not a readable workbook: %w", name, err)
	}
	defer f.Close()
	list := f.GetSheetList()
	g := &Grid{Sheets: list, FirstRow: 1}
	switch {
	case sheet.Pos > 0:
		if sheet.Pos > len(list) {
			return nil, fmt.Errorf("xlsx: %s: sheet %d not found: the workbook has %d sheets (%s)", name, sheet.Pos, len(list), strings.Join(list, ", "))
		}
		g.Sheet = list[sheet.Pos-1]
	case sheet.Name != "":
		for _, s := range list {
			if s == sheet.Name || strings.TrimSpace(s) == strings.TrimSpace(sheet.Name) {
				g.Sheet = s
			}
		}
		if g.Sheet == "" {
			return nil, fmt.Errorf("xlsx: %s: sheet %q not found (have: %s)", name, sheet.Name, strings.Join(list, ", "))
		}
	default:
		if len(list) == 0 {
			return nil, fmt.Errorf("xlsx: %s: the workbook has no sheets", name)
		}
		g.Sheet = list[0]
	}
	text, err := f.GetRows(g.Sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: sheet %q: %w", name, g.Sheet, err)
	}
	raw, err := f.GetRows(g.Sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: sheet %q: %w", name, g.Sheet, err)
	}
	width := 0
	for _, row := range text {
		width = max(width, len(row))
	}
	for _, row := range raw {
		width = max(width, len(row))
	}
	pad := func(rows [][]string) [][]string {
		for len(rows) < len(text) || len(rows) < len(raw) {
			rows = append(rows, nil)
		}
		for i, row := range rows {
			if len(row) < width {
				rows[i] = append(row, make([]string, width-len(row))...)
			}
		}
		return rows
	}
	text, raw = pad(text), pad(raw)
	merges, err := f.GetMergeCells(g.Sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: sheet %q: %w", name, g.Sheet, err)
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 > len(text) || c1 > width {
			continue
		}
		tv, rv := text[r1-1][c1-1], raw[r1-1][c1-1]
		for y := r1; y <= min(r2, len(text)); y++ {
			for x := c1; x <= min(c2, width); x++ {
				text[y-1][x-1], raw[y-1][x-1] = tv, rv
			}
		}
	}
	if rng != "" {
		c1, r1, c2, r2, err := parseRange(rng)
		if err != nil {
			return nil, fmt.Errorf("xlsx: %s: range %q: %w", name, rng, err)
		}
		cut := func(rows [][]string) [][]string {
			var out [][]string
			for y := r1; y <= r2 && y <= len(rows); y++ {
				row := rows[y-1]
				out = append(out, row[min(c1-1, len(row)):min(c2, len(row))])
			}
			return out
		}
		text, raw = cut(text), cut(raw)
		g.FirstRow = r1
	}
	g.Text, g.Stored = text, raw
	return g, nil
}

// parseRange parses "A3:H40" into 1-based columns and rows.
func parseRange(rng string) (c1, r1, c2, r2 int, err error) {
	a, b, ok := strings.Cut(strings.ToUpper(strings.ReplaceAll(rng, "$", "")), ":")
	if !ok {
		return 0, 0, 0, 0, fmt.Errorf("want a range such as A3:H40, got %q", rng)
	}
	if c1, r1, err = excelize.CellNameToCoordinates(a); err != nil {
		return
	}
	if c2, r2, err = excelize.CellNameToCoordinates(b); err != nil {
		return
	}
	if c2 < c1 || r2 < r1 {
		return 0, 0, 0, 0, fmt.Errorf("range %q ends before it starts", rng)
	}
	return
}

// Next implements sources.Rows.
func (g *Grid) Next() ([]string, int64, error) {
	if g.next >= len(g.Text) {
		return nil, 0, io.EOF
	}
	i := g.next
	g.next++
	return g.Text[i], int64(g.FirstRow + i), nil
}

// Raw implements sources.RawRows: the stored values of the last row.
func (g *Grid) Raw() []string {
	if g.next == 0 {
		return nil
	}
	return g.Stored[g.next-1]
}

// MergedHeaders implements sources.MergedHeaders.
func (g *Grid) MergedHeaders() bool { return true }

// Close implements sources.Rows.
func (g *Grid) Close() error { return nil }
