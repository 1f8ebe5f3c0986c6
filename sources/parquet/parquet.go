// Package parquet reads a Parquet file as an Arrow source. The file's columns
// are mapped to the declared columns by name or position like any other
// format, and their values go through the same parsing rules (units, percent,
// nulls, rejects), so a Parquet export with text dates or 万人 counts needs no
// special case. Row groups are read in batches: memory stays flat in the file
// size. A file behind an http(s) URL is downloaded into memory first (Parquet
// needs random access).
//
// Register kind "parquet" by importing this package.
package parquet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"grassroots/sources"
	"grassroots/sources/fetch"
)

func init() {
	sources.Register("parquet", func(cfg sources.Config) (sources.Source, error) { return New(cfg) })
}

// Source is a Parquet input.
type Source struct {
	cfg sources.Config
}

// New returns a Parquet source for a validated cfg.
func New(cfg sources.Config) (*Source, error) {
	var errs []error
	if cfg.SkipRows != 0 || cfg.HeaderRows > 1 || cfg.NoHeader {
		errs = append(errs, errors.New("skip_rows: Parquet has no preamble or header rows"))
	}
	if cfg.Encoding != "" && cfg.Encoding != "auto" {
		errs = append(errs, errors.New("encoding: Parquet text is always UTF-8; remove it"))
	}
	if cfg.Sheet != (sources.Ref{}) || cfg.Range != "" || cfg.RecordsPath != "" || cfg.NDJSON || cfg.Pagination != nil {
		errs = append(errs, errors.New("sheet: sheet, range, records_path, ndjson and pagination do not apply to Parquet"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Source{cfg: cfg}, nil
}

// Open starts reading. The returned reader implements sources.StatsReader.
func (s *Source) Open(ctx context.Context) (array.RecordReader, error) {
	loc := s.cfg.Location()
	mem := s.cfg.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	var pf *file.Reader
	var err error
	if fetch.IsURL(loc) {
		fo := s.cfg.Fetch
		fo.NoHash = true
		fo.Progress = s.cfg.Progress
		rc, _, ferr := fetch.Open(ctx, loc, fo)
		if ferr != nil {
			return nil, fmt.Errorf("parquet: %s: %w", loc, ferr)
		}
		b, rerr := io.ReadAll(rc)
		rc.Close()
		if rerr != nil {
			return nil, fmt.Errorf("parquet: %s: %w", loc, rerr)
		}
		pf, err = file.NewParquetReader(bytes.NewReader(b))
	} else {
		pf, err = file.OpenParquetFile(loc, false)
	}
	if err != nil {
		return nil, fmt.Errorf("parquet: %s: not a readable Parquet file: %w", loc, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, mem)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("parquet: %s: %w", loc, err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("parquet: %s: %w", loc, err)
	}
	rows := &rows{rr: rr, pf: pf, name: loc}
	for _, f := range rr.Schema().Fields() {
		rows.header = append(rows.header, f.Name)
	}
	return sources.NewTableReader(ctx, s.cfg, sources.Table{Format: "parquet", File: loc, Header: rows.header}, rows)
}

type rows struct {
	rr     pqarrow.RecordReader
	pf     *file.Reader
	name   string
	header []string
	rec    arrow.RecordBatch
	i      int
	n      int64
	cells  []string
}

func (r *rows) Next() ([]string, int64, error) {
	for r.rec == nil || r.i >= int(r.rec.NumRows()) {
		if !r.rr.Next() {
			if err := r.rr.Err(); err != nil && err != io.EOF {
				return nil, 0, fmt.Errorf("parquet: %s: %w", r.name, err)
			}
			return nil, 0, io.EOF
		}
		r.rec, r.i = r.rr.RecordBatch(), 0
	}
	if r.cells == nil {
		r.cells = make([]string, len(r.header))
	}
	for c := range r.cells {
		r.cells[c] = text(r.rec.Column(c), r.i)
	}
	r.i++
	r.n++
	return r.cells, r.n, nil
}

// text renders one value in a form the value parsers read back exactly.
func text(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format("2006-01-02 15:04:05.999999")
	}
	return a.ValueStr(i)
}

func (r *rows) Close() error {
	r.rr.Release()
	return r.pf.Close()
}
