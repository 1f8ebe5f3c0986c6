package run

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"

	"grassroots/sources"
	"grassroots/sources/fetch"
)

// input is a run's input made readable once. A local file is hashed where it
// is. A URL is downloaded to a temporary file while it is hashed, and the
// source reads that file, so the input is fetched once per run and what is
// loaded is exactly what was hashed. The pages of a paginated JSON API are
// fetched one by one, every page's records hashed and written to a temporary
// NDJSON file that the source then reads.
type input struct {
	// hash is the hex SHA-256 of the content (for pages, of their records).
	hash string
	// tmp is the temporary copy ("" for a local file); remove deletes it.
	tmp string
	// url is the address tmp was downloaded from.
	url string
}

// stageInput makes cfg's input readable once and points cfg at the copy.
func stageInput(ctx context.Context, cfg *sources.Config) (*input, error) {
	if cfg.URL == "" && !fetch.IsURL(cfg.Path) {
		h, err := fetch.Hash(ctx, cfg.Path)
		if err != nil {
			return nil, err
		}
		return &input{hash: h}, nil
	}
	loc := cfg.Location()
	f, err := os.CreateTemp("", "grassroots-input-*"+urlExt(loc))
	if err != nil {
		return nil, fmt.Errorf("run: temporary copy of %s: %w", loc, err)
	}
	in := &input{tmp: f.Name(), url: loc}
	sum := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, sum), 256<<10)
	if cfg.Pagination != nil {
		err = writePages(ctx, bw, cfg)
	} else {
		err = download(ctx, bw, loc, cfg.Fetch)
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("run: temporary copy of %s: %w", loc, cerr)
	}
	if err != nil {
		in.remove()
		return nil, err
	}
	in.hash = hex.EncodeToString(sum.Sum(nil))
	cfg.URL, cfg.Path = "", in.tmp
	if cfg.Pagination != nil {
		cfg.Pagination, cfg.RecordsPath, cfg.NDJSON, cfg.Encoding = nil, "", true, "utf-8"
	}
	return in, nil
}

// download copies the content at loc to w.
func download(ctx context.Context, w io.Writer, loc string, o fetch.Options) error {
	o.NoHash = true
	rc, _, err := fetch.Open(ctx, loc, o)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("fetch: %s: %w", loc, err)
	}
	return ctx.Err()
}

// writePages writes the records of every page as NDJSON, in page order.
func writePages(ctx context.Context, w io.Writer, cfg *sources.Config) error {
	pg := fetch.NewPager(cfg.URL, *cfg.Pagination, cfg.RecordsPath, cfg.Fetch)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for {
		recs, _, err := pg.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("run: copy of %s: %w", cfg.URL, err)
			}
		}
	}
}

// remove deletes the temporary copy.
func (in *input) remove() {
	if in != nil && in.tmp != "" {
		os.Remove(in.tmp)
	}
}

// place names the URL instead of the temporary copy in err's message.
func (in *input) place(err error) error {
	if err == nil || in == nil || in.tmp == "" || !strings.Contains(err.Error(), in.tmp) {
		return err
	}
	return &placedError{err: err, tmp: in.tmp, url: in.url}
}

type placedError struct {
	err      error
	tmp, url string
}

func (e *placedError) Error() string { return strings.ReplaceAll(e.err.Error(), e.tmp, e.url) }
func (e *placedError) Unwrap() error { return e.err }

// urlExt is the extension of the URL's path (".csv"), or "".
func urlExt(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	ext := path.Ext(u.Path)
	if len(ext) > 8 || strings.ContainsAny(ext, `/\*`) {
		return ""
	}
	return ext
}
