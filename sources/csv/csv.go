// Package csv reads delimited text as an Arrow source: UTF-8 with or without a
// byte order mark or GBK/GB18030 as Excel on a Chinese Windows PC saves it,
// preamble lines before the header, one or more header rows, ragged rows,
// lines ended by CR LF, LF or (Excel for Mac's "CSV (Macintosh)") a carriage
// return alone. It streams: memory stays flat in the file size (one batch of
// rows at a time).
//
// Register kind "csv" by importing this package. The location may be a local
// path or an http(s) URL (read through package fetch).
package csv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"

	"grassroots/sources"
	"grassroots/sources/fetch"
)

func init() {
	sources.Register("csv", func(cfg sources.Config) (sources.Source, error) { return New(cfg) })
}

// Source is a CSV input.
type Source struct {
	cfg sources.Config
}

// New returns a CSV source for a validated cfg.
func New(cfg sources.Config) (*Source, error) {
	if cfg.Sheet != (sources.Ref{}) || cfg.Range != "" {
		return nil, errors.New("sheet: only xlsx sources have sheets")
	}
	if cfg.RecordsPath != "" || cfg.NDJSON || cfg.Pagination != nil {
		return nil, errors.New("records_path: only json sources take records_path, ndjson or pagination")
	}
	if d := cfg.Delimiter; d != "" && d != `\t` && (len(d) != 1 || d[0] == '"' || d[0] == '\n' || d[0] == '\r') {
		return nil, fmt.Errorf("delimiter: %q must be one ASCII character other than a quote or line break", d)
	}
	return &Source{cfg: cfg}, nil
}

// Open starts reading. The returned reader implements sources.StatsReader.
func (s *Source) Open(ctx context.Context) (array.RecordReader, error) {
	loc := s.cfg.Location()
	fo := s.cfg.Fetch
	fo.NoHash = true
	fo.Progress = s.cfg.Progress
	rc, _, err := fetch.Open(ctx, loc, fo)
	if err != nil {
		return nil, fmt.Errorf("csv: %s: %w", loc, err)
	}
	return NewReader(ctx, rc, loc, s.cfg)
}

// NewReader reads CSV from rc (closed when the reader is released or on error);
// name is used in messages.
func NewReader(ctx context.Context, rc io.ReadCloser, name string, cfg sources.Config) (*sources.TableReader, error) {
	dec, err := sources.Decode(rc, cfg.Encoding)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("csv: %s: %w", name, err)
	}
	br := bufio.NewReaderSize(dec, 1<<20)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		rc.Close()
		return nil, fmt.Errorf("csv: %s: %w", name, err)
	}
	if crLines(head, err == io.EOF) {
		br = bufio.NewReaderSize(&crReader{r: br}, 1<<20)
	}
	rows := &rows{closer: rc, name: name}
	for i := 0; i < cfg.SkipRows; i++ {
		_, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("csv: %s: %w", name, err)
		}
		rows.offset++
	}
	comma := byte(',')
	if d := cfg.Delimiter; d == `\t` {
		comma = '\t'
	} else if d != "" {
		comma = d[0]
	}
	rows.r = newSplitter(br, comma, cfg.LazyQuotes)
	return sources.NewTableReader(ctx, cfg, sources.Table{Format: "csv", File: name, Encoding: dec.Encoding, BOM: dec.BOM}, rows)
}

type rows struct {
	r      *splitter
	closer io.Closer
	name   string
	offset int64
}

func (r *rows) Next() ([]string, int64, error) {
	rec, line, err := r.r.next()
	if err != nil {
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		if line > 0 {
			return nil, 0, fmt.Errorf("csv: %s: line %d: %w", r.name, line+r.offset, err)
		}
		return nil, 0, fmt.Errorf("csv: %s: %w", r.name, err)
	}
	return rec, line + r.offset, nil
}

// ASCII reports whether the row last returned is all ASCII (sources.ASCIIRows).
func (r *rows) ASCII() bool { return r.r.ascii }

func (r *rows) Close() error { return r.closer.Close() }
