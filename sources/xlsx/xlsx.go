// Package xlsx reads a sheet of an Excel workbook as an Arrow source: sheet by
// name or 1-based index, an optional cell range, title and unit rows skipped,
// multi-row and merged headers joined into one name (人口/城镇人口), merged
// cells filled with their value, numbers read as stored (a cell shown as 12.3%
// holds 0.123; a date shown as 12/31/23 holds serial 45291) so that display
// formats never lose precision.
//
// The workbook file (a zip archive, compressed) is read into memory. The
// sheet's XML is then read as a stream from its zip entry by a tokenizer
// written for it (scan.go), one row at a time: memory holds the compressed
// file, the shared string table, and one row, not the sheet's cells.
// excelize opens a copy of the workbook without its rows and shared
// strings, for the sheet list and to apply number formats (cell.go); each
// cell reads as excelize's row iterator read it, and a property test
// (agree_test.go) holds the two to the same displayed and stored values on
// random workbooks. Merged ranges and the width are read by a byte search
// of the sheet's XML before its rows.
//
// Measured (issue 14) on a shared 2-core machine, before (two excelize row
// iterators) and after: the bench workbook (the member register, 100,000
// rows × 11 columns of inline strings, 5 MB) read to Arrow in 35–37 s
// (2,800 rows/s) and 2.0–2.2 s (45,000–50,000 rows/s; 1.2 s of CPU,
// 83,000 rows/s per CPU second), peak RSS 103–106 MB both; the census
// pipelines (3,279 × 169 and 127,579 rows) load in 19.2 s and 17.8 s
// before, 2.1 s and 2.4 s after, the same rows. encoding/xml, which
// excelize's iterator uses, was most of the time before; the tokenizer
// and inflating the entry (twice: once for the layout) are most of it now.
// Peak RSS grows with the compressed file (62 MB at 10,000 rows, 95 MB at
// 100,000, 153 MB at 400,000 rows / 20 MB), not with the sheet's rows.
//
// A formula cell without a saved value (a workbook written by a program and
// never opened in Excel) rejects its row, naming the cell, rather than
// loading NULL (formula.go). A file that is not a workbook is named for what
// it is — encrypted, truncated, an old .xls, CSV text, a web page — with what
// to do about it (identify.go).
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
	fo.Progress = s.cfg.Progress
	rc, _, err := fetch.Open(ctx, loc, fo)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", loc, err)
	}
	defer rc.Close()
	return NewReader(ctx, rc, loc, s.cfg)
}

// NewReader reads a workbook from r; name is used in messages. The sheet's rows
// are streamed from its XML, so memory holds one row, not the sheet.
func NewReader(ctx context.Context, r io.Reader, name string, cfg sources.Config) (*sources.TableReader, error) {
	sr, err := openSheet(r, name, cfg.Sheet, cfg.Range)
	if err != nil {
		return nil, err
	}
	for i := 0; i < cfg.SkipRows; i++ {
		if _, _, err := sr.Next(); err != nil {
			if err == io.EOF {
				break
			}
			sr.Close()
			return nil, err
		}
	}
	return sources.NewTableReader(ctx, cfg, sources.Table{Format: "xlsx", File: name, Sheet: sr.sheet}, sr)
}

// Grid is a sheet's cells as displayed (Text) and as stored (Stored), merged
// cells filled, rows padded to the same width.
type Grid struct {
	Sheet    string
	Sheets   []string
	FirstRow int // sheet row number of Text[0]
	Text     [][]string
	Stored   [][]string
}

// ReadGrid reads the sheet (by name or 1-based index; the first sheet when
// zero) within rng ("" for all), at most limit rows (all when limit ≤ 0).
func ReadGrid(r io.Reader, name string, sheet sources.Ref, rng string, limit int) (*Grid, error) {
	sr, err := openSheet(r, name, sheet, rng)
	if err != nil {
		return nil, err
	}
	defer sr.Close()
	g := &Grid{Sheet: sr.sheet, Sheets: sr.sheets, FirstRow: -1}
	for limit <= 0 || len(g.Text) < limit {
		cells, row, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if g.FirstRow < 0 {
			g.FirstRow = int(row)
		}
		g.Text = append(g.Text, append([]string(nil), cells...))
		g.Stored = append(g.Stored, append([]string(nil), sr.Raw()...))
	}
	if g.FirstRow < 0 {
		g.FirstRow = 1
	}
	width := 0
	for _, row := range g.Text {
		width = max(width, len(row))
	}
	for i := range g.Text {
		for len(g.Text[i]) < width {
			g.Text[i] = append(g.Text[i], "")
			g.Stored[i] = append(g.Stored[i], "")
		}
	}
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
