package fetch

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"grassroots/sources/progress"
)

// TestProgressCountsBytes: the bytes read through Open are counted, of the
// file's size for a local file, of Content-Length for a URL that sends it,
// and of an unknown total for one that does not.
func TestProgressCountsBytes(t *testing.T) {
	big := strings.Repeat(body, 5000)
	path := filepath.Join(t.TempDir(), "pop.csv")
	if err := os.WriteFile(path, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			// Flushing before the body is complete makes the answer chunked:
			// no Content-Length.
			io.WriteString(w, big[:100])
			w.(http.Flusher).Flush()
			io.WriteString(w, big[100:])
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		io.WriteString(w, big)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, loc string
		size      int64
	}{
		{"local file", path, int64(len(big))},
		{"URL with Content-Length", srv.URL + "/sized", int64(len(big))},
		{"URL without Content-Length", srv.URL + "/chunked", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := progress.New("pop", "", "")
			c.SetPhase(progress.Reading)
			rc, _, err := Open(context.Background(), tc.loc, Options{NoHash: true, Progress: c})
			if err != nil {
				t.Fatal(err)
			}
			if s := c.Snapshot(); s.Size != tc.size || s.Bytes != 0 {
				t.Errorf("before reading: %d of %d bytes, want 0 of %d", s.Bytes, s.Size, tc.size)
			}
			buf := make([]byte, 1000)
			if _, err := io.ReadFull(rc, buf); err != nil {
				t.Fatal(err)
			}
			if s := c.Snapshot(); s.Bytes != 1000 {
				t.Errorf("after 1000 bytes: %d counted", s.Bytes)
			}
			io.Copy(io.Discard, rc)
			rc.Close()
			if s := c.Snapshot(); s.Bytes != int64(len(big)) || s.Size != tc.size {
				t.Errorf("at the end: %d of %d bytes, want %d of %d", s.Bytes, s.Size, len(big), tc.size)
			}
		})
	}
	c := progress.New("pop", "", "")
	if _, err := Hash(context.Background(), path, c); err != nil {
		t.Fatal(err)
	}
	if s := c.Snapshot(); s.Bytes != int64(len(big)) || s.Size != int64(len(big)) {
		t.Errorf("Hash counted %d of %d bytes, want all %d", s.Bytes, s.Size, len(big))
	}
}
