package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const body = "地区,年份\n闵行区,2004\n"

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestLocalFileAndHash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pop.csv")
	os.WriteFile(path, []byte(body), 0o644)
	rc, m, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.SHA256() != "" {
		t.Error("hash available before the body was read")
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != body || m.SHA256() != sum(body) || m.Size != int64(len(body)) {
		t.Errorf("read %q, hash %s, size %d", b, m.SHA256(), m.Size)
	}
	h, err := Hash(context.Background(), path, nil)
	if err != nil || h != sum(body) {
		t.Errorf("Hash = %s, %v", h, err)
	}
	if _, _, err := Open(context.Background(), filepath.Join(t.TempDir(), "none.csv"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestRetriesThenConditionalGet(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if r.Header.Get("X-Api-Key") != "k" {
			t.Errorf("header not sent")
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
		io.WriteString(w, body)
	}))
	defer srv.Close()
	o := Options{Backoff: time.Millisecond, Headers: map[string]string{"X-Api-Key": "k"}}
	rc, m, err := Open(context.Background(), srv.URL, o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if calls.Load() != 3 || string(b) != body || m.ETag != `"v1"` || m.SHA256() != sum(body) {
		t.Fatalf("calls %d, body %q, meta %+v", calls.Load(), b, m)
	}
	o.Previous = &m
	if _, _, err := Open(context.Background(), srv.URL, o); !errors.Is(err, ErrNotModified) {
		t.Errorf("conditional GET: %v, want ErrNotModified", err)
	}
}

func TestGivesUpAndDoesNotRetry404(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/gone" {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer srv.Close()
	_, _, err := Open(context.Background(), srv.URL+"/x", Options{Retries: 2, Backoff: time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "502 Bad Gateway (gave up after 3 attempts)") || calls.Load() != 3 {
		t.Errorf("err = %v after %d calls", err, calls.Load())
	}
	calls.Store(0)
	_, _, err = Open(context.Background(), srv.URL+"/gone", Options{Backoff: time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") || calls.Load() != 1 {
		t.Errorf("err = %v after %d calls", err, calls.Load())
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	_, _, err := Open(context.Background(), srv.URL, Options{Timeout: 50 * time.Millisecond, Retries: 1, Backoff: time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "no response within 50ms") || time.Since(start) > 5*time.Second {
		t.Errorf("err = %v after %v", err, time.Since(start))
	}
}
