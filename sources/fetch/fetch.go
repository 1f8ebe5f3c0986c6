// Package fetch opens the bytes of an input: a local file or an http(s) URL,
// with timeouts (for the headers, for a body that stalls, for the whole
// fetch), retries with exponential backoff on server and network errors,
// conditional GET (ETag / Last-Modified) and a SHA-256 of the content that the
// pipelines use to skip unchanged inputs. Pager walks paginated JSON APIs by
// page number or by a next link. A local input must be a regular file
// (Regular); Resolve and Within tell where a path leads once symbolic links
// are followed.
//
// fetch only moves bytes; the csv, xlsx and json sources decode them, so a CSV
// over HTTP is the csv source reading through fetch.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"grassroots/sources/progress"
)

// ErrNotModified is returned by Open when the server answers a conditional GET
// with 304: the content is the same as described by Options.Previous.
var ErrNotModified = errors.New("not modified")

// Defaults of the waits an HTTP fetch may make.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultIdleTimeout  = time.Minute
	DefaultTotalTimeout = time.Hour
)

// Options tune HTTP requests; local files ignore them.
type Options struct {
	// Timeout bounds connecting and receiving the response headers of each
	// attempt (default 30s).
	Timeout time.Duration `yaml:"timeout"`
	// IdleTimeout fails a download whose body sends nothing for this long while
	// it is being read (default 1m): a server that stalls halfway does not hold
	// the pipeline forever.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// TotalTimeout bounds the whole fetch: every attempt, the waits between
	// them and reading the body to its end (default 1h).
	TotalTimeout time.Duration `yaml:"total_timeout"`
	// Retries after a network error or a 5xx/429 answer (default 3; -1 for none).
	Retries int `yaml:"retries"`
	// Backoff before the first retry, doubled for each further one (default 1s).
	Backoff time.Duration `yaml:"backoff"`
	// Headers added to every request (e.g. an API key header).
	Headers Headers `yaml:"headers"`

	// Previous is the Meta of an earlier fetch: its ETag and Last-Modified are
	// sent as If-None-Match / If-Modified-Since.
	Previous *Meta `yaml:"-"`
	// Client replaces http.DefaultClient (tests, proxies).
	Client *http.Client `yaml:"-"`
	// NoHash skips computing Meta.SHA256 (it costs about a second per GB);
	// readers that do not report the hash set it.
	NoHash bool `yaml:"-"`
	// Progress, when set, is told the size of the content (-1 if unknown)
	// and counts the bytes read from it, local files included.
	Progress *progress.Counters `yaml:"-"`
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.TotalTimeout <= 0 {
		o.TotalTimeout = DefaultTotalTimeout
	}
	if o.Retries == 0 {
		o.Retries = 3
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	return o
}

// Meta describes fetched content.
type Meta struct {
	Location     string
	ETag         string
	LastModified string
	ContentType  string
	// Size in bytes, or -1 when unknown.
	Size int64
	sum  *digest
}

// SHA256 returns the hex SHA-256 of the content once the body has been read to
// its end, and "" before that (or if it was closed early, or Options.NoHash).
func (m Meta) SHA256() string {
	if m.sum == nil {
		return ""
	}
	return m.sum.value()
}

type digest struct {
	mu  sync.Mutex
	h   hash.Hash
	sum string
}

func (d *digest) value() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sum
}

// hashingBody hashes and counts what passes through it.
type hashingBody struct {
	rc io.ReadCloser
	d  *digest
	p  *progress.Counters
}

func (b *hashingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.p.AddBytes(n)
	if b.d == nil {
		return n, err
	}
	if n > 0 {
		b.d.h.Write(p[:n])
	}
	if err == io.EOF {
		b.d.mu.Lock()
		if b.d.sum == "" {
			b.d.sum = hex.EncodeToString(b.d.h.Sum(nil))
		}
		b.d.mu.Unlock()
	}
	return n, err
}

func (b *hashingBody) Close() error { return b.rc.Close() }

// IsURL reports whether location is an http(s) URL.
func IsURL(location string) bool {
	return strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://")
}

// Open returns the content at location (a local path, file:// path or http(s)
// URL). The caller closes it. Meta.SHA256 is filled in once the body has been
// read to its end.
//
// A local path must be a regular file: a directory, named pipe, device,
// socket or /proc file is refused (ErrNotRegular) without waiting on it. A
// URL's body fails with an error naming the URL and the bytes received when
// it sends nothing for Options.IdleTimeout, or is not read to its end within
// Options.TotalTimeout.
func Open(ctx context.Context, location string, o Options) (io.ReadCloser, Meta, error) {
	if !IsURL(location) {
		f, st, err := openRegular(strings.TrimPrefix(location, "file://"))
		if err != nil {
			return nil, Meta{}, fmt.Errorf("fetch: %w", err)
		}
		m := Meta{Location: location, Size: st.Size(), LastModified: st.ModTime().UTC().Format(http.TimeFormat)}
		if !o.NoHash {
			m.sum = &digest{h: sha256.New()}
		}
		o.Progress.SetSize(m.Size)
		return &hashingBody{rc: f, d: m.sum, p: o.Progress}, m, nil
	}
	o = o.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	w := &watch{url: location, idle: o.IdleTimeout, total: o.TotalTimeout, cancel: cancel}
	w.deadline = time.AfterFunc(o.TotalTimeout, func() { w.overdue.Store(true); cancel() })
	resp, err := get(ctx, location, o)
	if err != nil {
		w.stop()
		if w.overdue.Load() {
			return nil, Meta{}, w.overdueError()
		}
		return nil, Meta{}, err
	}
	w.rc = resp.Body
	w.idler = time.AfterFunc(time.Hour, func() { w.stalled.Store(true); cancel() })
	w.idler.Stop()
	m := Meta{
		Location:     location,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
		Size:         resp.ContentLength,
	}
	if !o.NoHash {
		m.sum = &digest{h: sha256.New()}
	}
	o.Progress.SetSize(m.Size)
	return &hashingBody{rc: w, d: m.sum, p: o.Progress}, m, nil
}

// watch is a response body read under the idle and total timeouts: each Read
// that waits longer than idle, or any after total has passed since the
// request began, cancels the request and fails with a message naming the URL
// and the bytes received.
type watch struct {
	rc          io.ReadCloser
	url         string
	idle, total time.Duration
	cancel      context.CancelFunc
	deadline    *time.Timer // fires after total
	idler       *time.Timer // armed during each Read
	n           int64
	stalled     atomic.Bool
	overdue     atomic.Bool
}

func (w *watch) Read(p []byte) (int, error) {
	w.idler.Reset(w.idle)
	n, err := w.rc.Read(p)
	w.idler.Stop()
	w.n += int64(n)
	switch {
	case err == nil || err == io.EOF:
		return n, err
	case w.stalled.Load():
		return n, fmt.Errorf("fetch: %s: no data for %v (stalled after %d bytes)", w.url, w.idle, w.n)
	case w.overdue.Load():
		return n, w.overdueError()
	}
	return n, fmt.Errorf("fetch: %s: %w (after %d bytes)", w.url, err, w.n)
}

func (w *watch) overdueError() error {
	return fmt.Errorf("fetch: %s: not finished within %v (%d bytes received)", w.url, w.total, w.n)
}

func (w *watch) stop() {
	w.deadline.Stop()
	if w.idler != nil {
		w.idler.Stop()
	}
	w.cancel()
}

func (w *watch) Close() error {
	err := w.rc.Close()
	w.stop()
	return err
}

// get performs a GET with retries; the response is 200 OK.
func get(ctx context.Context, url string, o Options) (*http.Response, error) {
	o = o.withDefaults()
	var lastErr error
	for attempt := 0; attempt <= o.Retries; attempt++ {
		if attempt > 0 {
			wait := o.Backoff << (attempt - 1)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, fmt.Errorf("fetch: %s: %w (after %v)", url, ctx.Err(), lastErr)
			case <-t.C:
			}
		}
		resp, retry, err := try(ctx, url, o)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if !retry || ctx.Err() != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w (gave up after %d attempts)", lastErr, o.Retries+1)
}

func try(ctx context.Context, url string, o Options) (*http.Response, bool, error) {
	actx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(actx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, false, fmt.Errorf("fetch: %w", err)
	}
	for k, v := range o.Headers {
		req.Header.Set(k, v)
	}
	if p := o.Previous; p != nil {
		if p.ETag != "" {
			req.Header.Set("If-None-Match", p.ETag)
		}
		if p.LastModified != "" {
			req.Header.Set("If-Modified-Since", p.LastModified)
		}
	}
	var timedOut atomic.Bool
	timer := time.AfterFunc(o.Timeout, func() { timedOut.Store(true); cancel() })
	resp, err := o.Client.Do(req)
	stopped := timer.Stop()
	if err != nil {
		cancel()
		if !stopped && timedOut.Load() {
			return nil, true, fmt.Errorf("fetch: %s: no response within %v", url, o.Timeout)
		}
		return nil, true, fmt.Errorf("fetch: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		resp.Body = &cancelBody{resp.Body, cancel}
		return resp, false, nil
	case resp.StatusCode == http.StatusNotModified:
		resp.Body.Close()
		cancel()
		return nil, false, fmt.Errorf("fetch: %s: %w", url, ErrNotModified)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	cancel()
	err = fmt.Errorf("fetch: %s: server answered %s", url, resp.Status)
	return nil, resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests, err
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// Hash returns the hex SHA-256 of the content at location. The bytes it reads
// are counted in p, which may be nil.
func Hash(ctx context.Context, location string, p *progress.Counters) (string, error) {
	rc, m, err := Open(ctx, location, Options{Progress: p})
	if err != nil {
		return "", err
	}
	defer rc.Close()
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		_, err := rc.Read(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("fetch: %s: %w", location, err)
		}
	}
	return m.SHA256(), nil
}
