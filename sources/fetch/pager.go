package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// Paging describes a paginated JSON API. Give PageParam for page-number
// pagination (…?page=1, 2, … until a page has no records) or NextPath for
// next-link pagination (follow the URL found at that dot path until it is
// missing, null or empty).
type Paging struct {
	PageParam string `yaml:"page_param"`
	// Start is the first page number (default 1).
	Start int `yaml:"start"`
	// SizeParam and Size ask for a page size (…&size=500).
	SizeParam string `yaml:"size_param"`
	Size      int    `yaml:"size"`
	NextPath  string `yaml:"next_path"`
	// MaxPages stops a runaway API (default 100,000).
	MaxPages int `yaml:"max_pages"`
}

// Validate names the YAML field of every problem.
func (p *Paging) Validate() error {
	switch {
	case p.PageParam == "" && p.NextPath == "":
		return fmt.Errorf("pagination: give page_param or next_path")
	case p.PageParam != "" && p.NextPath != "":
		return fmt.Errorf("pagination: give page_param or next_path, not both")
	case p.Size < 0 || p.MaxPages < 0:
		return fmt.Errorf("pagination: size and max_pages must not be negative")
	}
	return nil
}

// Pager fetches the pages of a JSON API one at a time.
type Pager struct {
	base        string
	p           Paging
	recordsPath string
	o           Options
	next        string
	page        int
	n           int
	done        bool
}

// NewPager returns a pager starting at rawURL. recordsPath is the dot path to the
// array of records in each page ("" when the page is the array).
func NewPager(rawURL string, p Paging, recordsPath string, o Options) *Pager {
	if p.Start == 0 && p.PageParam != "" {
		p.Start = 1
	}
	if p.MaxPages == 0 {
		p.MaxPages = 100000
	}
	return &Pager{base: rawURL, p: p, recordsPath: recordsPath, o: o, next: rawURL, page: p.Start}
}

// Next returns the records of the next page and the URL it came from; io.EOF
// after the last page.
func (pg *Pager) Next(ctx context.Context) ([]any, string, error) {
	if pg.done {
		return nil, "", io.EOF
	}
	if pg.n >= pg.p.MaxPages {
		return nil, "", fmt.Errorf("fetch: %s: more than %d pages (pagination.max_pages)", pg.base, pg.p.MaxPages)
	}
	u := pg.next
	if pg.p.PageParam != "" {
		pu, err := url.Parse(pg.base)
		if err != nil {
			return nil, "", fmt.Errorf("fetch: %w", err)
		}
		q := pu.Query()
		q.Set(pg.p.PageParam, strconv.Itoa(pg.page))
		if pg.p.SizeParam != "" && pg.p.Size > 0 {
			q.Set(pg.p.SizeParam, strconv.Itoa(pg.p.Size))
		}
		pu.RawQuery = q.Encode()
		u = pu.String()
	}
	rc, _, err := Open(ctx, u, pg.o)
	if err != nil {
		return nil, u, err
	}
	body, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, u, err // names u and the bytes read
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, u, fmt.Errorf("fetch: %s: page is not JSON: %w", u, err)
	}
	pg.n++
	raw, ok := Lookup(doc, pg.recordsPath)
	if !ok {
		return nil, u, fmt.Errorf("fetch: %s: no %q in the page", u, pg.recordsPath)
	}
	var recs []any
	switch r := raw.(type) {
	case []any:
		recs = r
	case nil:
	default:
		return nil, u, fmt.Errorf("fetch: %s: %q is not an array of records", u, pg.recordsPath)
	}
	if pg.p.PageParam != "" {
		pg.page++
		if len(recs) == 0 || pg.p.Size > 0 && len(recs) < pg.p.Size {
			pg.done = true
		}
	} else {
		next, _ := Lookup(doc, pg.p.NextPath)
		s, _ := next.(string)
		if s == "" {
			pg.done = true
		} else {
			ref, err := url.Parse(s)
			cur, err2 := url.Parse(u)
			if err != nil || err2 != nil {
				return nil, u, fmt.Errorf("fetch: %s: bad next link %q", u, s)
			}
			pg.next = cur.ResolveReference(ref).String()
		}
	}
	if len(recs) == 0 && !pg.done {
		return pg.Next(ctx)
	}
	return recs, u, nil
}

// Lookup follows a dot path ("data.items") through decoded JSON objects. The
// empty path is the document itself.
func Lookup(doc any, path string) (any, bool) {
	if path == "" {
		return doc, true
	}
	cur := doc
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}
