// Package json reads JSON records as an Arrow source: an array of objects, an
// object with the array at a dot path (records_path: data.items), NDJSON (one
// object per line), or the pages of a paginated API (by page number or next
// link, through package fetch). Nested objects are flattened to dotted names
// ("address.city"), so a column maps `from: address.city`; arrays are kept as
// JSON text. Records are decoded one at a time: memory stays flat in the input
// size (a page at a time for APIs).
//
// Columns are taken by name only (JSON objects have no column order). `_row`
// is the 1-based record index. Register kind "json" by importing this package.
package json

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"grassroots/sources"
	"grassroots/sources/fetch"
)

func init() {
	sources.Register("json", func(cfg sources.Config) (sources.Source, error) { return New(cfg) })
}

// Source is a JSON input.
type Source struct {
	cfg sources.Config
}

// New returns a JSON source for a validated cfg.
func New(cfg sources.Config) (*Source, error) {
	var errs []error
	for i, c := range cfg.Columns {
		if c.From.Pos > 0 {
			errs = append(errs, fmt.Errorf("columns[%d].from: JSON fields are taken by name, not position", i))
		}
	}
	for i, d := range cfg.DropRows {
		if d.Column.Pos > 0 || d.Column.IsZero() {
			errs = append(errs, fmt.Errorf("drop_rows[%d].column: name the JSON field", i))
		}
	}
	if cfg.Unpivot != nil {
		errs = append(errs, errors.New("unpivot: not supported for json sources"))
	}
	if cfg.SkipRows != 0 || cfg.HeaderRows != 0 || cfg.NoHeader {
		errs = append(errs, errors.New("skip_rows: JSON has no preamble or header rows"))
	}
	if cfg.Sheet != (sources.Ref{}) || cfg.Range != "" {
		errs = append(errs, errors.New("sheet: only xlsx sources have sheets"))
	}
	if p := cfg.Pagination; p != nil {
		if cfg.URL == "" {
			errs = append(errs, errors.New("pagination: needs a url"))
		}
		if cfg.NDJSON {
			errs = append(errs, errors.New("pagination: pages are JSON documents, not NDJSON"))
		}
		if err := p.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.NDJSON && cfg.RecordsPath != "" {
		errs = append(errs, errors.New("records_path: NDJSON records are the lines themselves"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Source{cfg: cfg}, nil
}

// fields lists the JSON fields the config refers to, in order.
func fields(cfg sources.Config) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, c := range cfg.Columns {
		add(c.From.Name)
	}
	for _, d := range cfg.DropRows {
		add(d.Column.Name)
	}
	return out
}

// Open starts reading. The returned reader implements sources.StatsReader.
func (s *Source) Open(ctx context.Context) (array.RecordReader, error) {
	loc := s.cfg.Location()
	rows := &rows{name: loc, header: fields(s.cfg), seen: map[string]bool{}}
	enc := ""
	if p := s.cfg.Pagination; p != nil {
		rows.pager = fetch.NewPager(loc, *p, s.cfg.RecordsPath, s.cfg.Fetch)
		rows.ctx = ctx
		enc = "utf-8"
	} else {
		fo := s.cfg.Fetch
		fo.NoHash = true
		fo.Progress = s.cfg.Progress
		rc, _, err := fetch.Open(ctx, loc, fo)
		if err != nil {
			return nil, fmt.Errorf("json: %s: %w", loc, err)
		}
		dec, err := sources.Decode(rc, s.cfg.Encoding)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("json: %s: %w", loc, err)
		}
		enc = dec.Encoding
		rows.closer = rc
		rows.dec = json.NewDecoder(dec)
		rows.dec.UseNumber()
		if !s.cfg.NDJSON {
			if err := rows.descend(s.cfg.RecordsPath); err != nil {
				rc.Close()
				return nil, err
			}
		}
	}
	return sources.NewTableReader(ctx, s.cfg, sources.Table{Format: "json", File: loc, Encoding: enc, Header: rows.header}, rows)
}

type rows struct {
	name   string
	header []string
	cells  []string
	seen   map[string]bool
	first  []string // flattened keys of the first record, for messages
	n      int64

	dec    *json.Decoder
	closer io.Closer
	inArr  bool

	ctx   context.Context
	pager *fetch.Pager
	page  []any
	pos   int
}

// descend moves the decoder to the start of the records array.
func (r *rows) descend(path string) error {
	var keys []string
	if path != "" {
		keys = strings.Split(path, ".")
	}
	for depth := 0; ; depth++ {
		tok, err := r.dec.Token()
		if err != nil {
			return fmt.Errorf("json: %s: %v", r.name, err)
		}
		d, ok := tok.(json.Delim)
		if depth == len(keys) {
			if !ok || d != '[' {
				where := "the document"
				if path != "" {
					where = fmt.Sprintf("records_path %q", path)
				}
				return fmt.Errorf("json: %s: %s is not an array of records", r.name, where)
			}
			r.inArr = true
			return nil
		}
		if !ok || d != '{' {
			return fmt.Errorf("json: %s: records_path %q: %q is not inside an object", r.name, path, keys[depth])
		}
		for {
			if !r.dec.More() {
				return fmt.Errorf("json: %s: records_path %q: no field %q", r.name, path, keys[depth])
			}
			kt, err := r.dec.Token()
			if err != nil {
				return fmt.Errorf("json: %s: %v", r.name, err)
			}
			if kt.(string) == keys[depth] {
				break
			}
			var skip json.RawMessage
			if err := r.dec.Decode(&skip); err != nil {
				return fmt.Errorf("json: %s: %v", r.name, err)
			}
		}
	}
}

func (r *rows) record() (any, error) {
	if r.pager != nil {
		for r.pos >= len(r.page) {
			recs, _, err := r.pager.Next(r.ctx)
			if err != nil {
				return nil, err
			}
			r.page, r.pos = recs, 0
		}
		r.pos++
		return r.page[r.pos-1], nil
	}
	if r.inArr && !r.dec.More() {
		return nil, io.EOF
	}
	var v any
	if err := r.dec.Decode(&v); err != nil {
		if err == io.EOF && !r.inArr {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("json: %s: record %d: %v", r.name, r.n+1, err)
	}
	return v, nil
}

func (r *rows) Next() ([]string, int64, error) {
	v, err := r.record()
	if err == io.EOF {
		return nil, 0, r.checkSeen()
	}
	if err != nil {
		return nil, 0, err
	}
	r.n++
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, 0, fmt.Errorf("json: %s: record %d: not an object", r.name, r.n)
	}
	flat := map[string]string{}
	flatten("", obj, flat)
	if r.first == nil {
		for k := range flat {
			r.first = append(r.first, k)
		}
		sort.Strings(r.first)
	}
	if r.cells == nil {
		r.cells = make([]string, len(r.header))
	}
	for i, h := range r.header {
		s, ok := flat[h]
		r.cells[i] = s
		if ok {
			r.seen[h] = true
		}
	}
	return r.cells, r.n, nil
}

// checkSeen fails a read in which a declared field never appeared.
func (r *rows) checkSeen() error {
	if r.n == 0 {
		return io.EOF
	}
	var missing []string
	for _, h := range r.header {
		if !r.seen[h] {
			missing = append(missing, fmt.Sprintf("%q", h))
		}
	}
	if missing == nil {
		return io.EOF
	}
	return fmt.Errorf("json: %s: field %s not found in any of %d records (first record has: %s)", r.name, strings.Join(missing, ", "), r.n, strings.Join(r.first, ", "))
}

// flatten writes scalar leaves of obj under dotted names.
func flatten(prefix string, obj map[string]any, out map[string]string) {
	for k, v := range obj {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			flatten(name, v, out)
		case nil:
			out[name] = ""
		case string:
			out[name] = v
		case json.Number:
			out[name] = v.String()
		case bool:
			if v {
				out[name] = "true"
			} else {
				out[name] = "false"
			}
		default:
			b, _ := json.Marshal(v)
			out[name] = string(b)
		}
	}
}

func (r *rows) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}
