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
	"regexp"
	"strings"

	"grassroots/pipelines/spec"
	"grassroots/sources"
	"grassroots/sources/fetch"
	"grassroots/sources/progress"
)

// input is a run's input made readable once. A local file is hashed where it
// is (beside the load), once it is known to be a regular file inside the project (or allowed
// outside it by source.allow_outside_project). A URL is downloaded to a temporary file while it is hashed, and the
// source reads that file, so the input is fetched once per run and what is
// loaded is exactly what was hashed. The pages of a paginated JSON API are
// fetched one by one, every page's records hashed and written to a temporary
// NDJSON file that the source then reads.
type input struct {
	// hash is the hex SHA-256 of the content (for pages, of their records);
	// for a local file, pending computes it (the run calls it beside the
	// load, see checkInput).
	hash    string
	pending func(ctx context.Context) (string, error)
	// tmp is the temporary copy ("" for a local file); remove deletes it.
	tmp string
	// url is the address tmp was downloaded from.
	url string
	// outside marks a local input outside the project: messages about it do
	// not quote its content (see place).
	outside bool
	// many are the files a pattern path matched (nil for one input; see
	// files.go).
	many *manyFiles
}

// stageInput makes cfg's input readable once and points cfg at the copy. s
// is the pipeline and project the folder cfg's relative paths were resolved
// against: a local input must be a regular file inside project, symbolic
// links followed, unless s allows outside inputs (spec.CheckLocal); nothing
// else is opened. A URL is fetched under cfg.Fetch's timeouts. The bytes
// hashed or downloaded are counted in pc, which may be nil.
func stageInput(ctx context.Context, cfg *sources.Config, s *spec.Spec, project, display string, pc *progress.Counters) (*input, error) {
	if cfg.URL == "" && !fetch.IsURL(cfg.Path) && spec.IsGlob(cfg.Path) {
		files, skipped, err := s.Glob(project, cfg.Path)
		if err != nil {
			return nil, err
		}
		in := &input{many: newManyFiles(display, project, files)}
		in.many.skipped = skipped
		for _, f := range files {
			outside, _ := s.CheckLocal(project, f)
			in.outside = in.outside || outside
		}
		in.pending = in.many.hash
		return in, nil
	}
	if cfg.URL == "" && !fetch.IsURL(cfg.Path) {
		outside, err := s.CheckLocal(project, cfg.Path)
		if err != nil {
			return nil, err
		}
		path := cfg.Path
		return &input{outside: outside, pending: func(ctx context.Context) (string, error) { return fetch.Hash(ctx, path, nil) }}, nil
	}
	loc := cfg.Location()
	f, err := os.CreateTemp("", "grassroots-input-*"+urlExt(loc))
	if err != nil {
		return nil, fmt.Errorf("run: temporary copy of %s: %w", loc, err)
	}
	in := &input{tmp: f.Name(), url: loc}
	pc.SetPhase(progress.Downloading)
	sum := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, sum), 256<<10)
	if cfg.Pagination != nil {
		err = writePages(ctx, bw, cfg)
	} else {
		fo := cfg.Fetch
		fo.Progress = pc
		err = download(ctx, bw, loc, fo)
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
		if strings.HasPrefix(err.Error(), "fetch: ") { // says the URL already
			return err
		}
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

// place names the URL instead of the temporary copy in err's message. For an
// input outside the project it withholds what the message quotes of the
// content (see withheldError).
func (in *input) place(err error) error {
	if err == nil || in == nil {
		return err
	}
	if in.outside {
		return &withheldError{err: err}
	}
	if in.tmp == "" || !strings.Contains(err.Error(), in.tmp) {
		return err
	}
	return &placedError{err: err, tmp: in.tmp, url: in.url}
}

// withheldError is the error of a run whose input lies outside the project
// (allowed by source.allow_outside_project): what its message quotes of the
// input — quoted values and names, the header listed after "have:" — is
// replaced by "…", so that a run's error, which anyone reading the warehouse
// sees, never copies a line of such a file (/etc/passwd, say).
type withheldError struct{ err error }

var (
	quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	haveRE   = regexp.MustCompile(`\b(have|sheets|header|headers|columns|found|got|near|value):\s[^)\n]*`)
)

func (e *withheldError) Error() string {
	msg := quotedRE.ReplaceAllStringFunc(e.err.Error(), func(q string) string { return q[:1] + "…" + q[len(q)-1:] })
	msg = haveRE.ReplaceAllString(msg, "$1: …")
	return msg + " (content withheld: the input is outside the project)"
}

func (e *withheldError) Unwrap() error { return e.err }

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
