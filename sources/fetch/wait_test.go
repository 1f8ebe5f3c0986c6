package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rows31 is a header and 31 rows of a CSV.
func rows31() string {
	var b strings.Builder
	b.WriteString("region_code,year,resident_pop\n")
	for i := 0; i < 31; i++ {
		fmt.Fprintf(&b, "%06d,2020,%d\n", 110000+i*10000, 1000+i)
	}
	return b.String()
}

// readWithin reads rc to its end in the background and fails the test if that
// takes longer than d: the bug this guards against is a read that never ends.
func readWithin(t *testing.T, rc io.ReadCloser, d time.Duration) ([]byte, error) {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(rc)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-time.After(d):
		rc.Close()
		t.Fatalf("still reading after %v", d)
		return nil, nil
	}
}

// A body that stops after 31 rows fails once nothing has arrived for the idle
// timeout, naming the URL and how much had arrived.
func TestBodyStallsIdleTimeout(t *testing.T) {
	body := rows31()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		io.WriteString(w, body)
		w.(http.Flusher).Flush()
		select { // the rest never comes
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	rc, _, err := Open(context.Background(), srv.URL+"/pop.csv", Options{IdleTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	start := time.Now()
	b, err := readWithin(t, rc, 10*time.Second)
	want := fmt.Sprintf("fetch: %s/pop.csv: no data for 200ms (stalled after %d bytes)", srv.URL, len(body))
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	if string(b) != body || time.Since(start) > 5*time.Second {
		t.Errorf("read %d bytes in %v", len(b), time.Since(start))
	}
}

// A body that trickles forever fails at the total timeout.
func TestBodyTricklesTotalTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "region_code,year\n")
		for {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
			io.WriteString(w, "110000,2020\n")
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	rc, _, err := Open(context.Background(), srv.URL+"/pop.csv", Options{IdleTimeout: time.Second, TotalTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = readWithin(t, rc, 10*time.Second)
	re := regexp.MustCompile(`^fetch: ` + regexp.QuoteMeta(srv.URL) + `/pop\.csv: not finished within 300ms \(\d+ bytes received\)$`)
	if err == nil || !re.MatchString(err.Error()) {
		t.Fatalf("err = %v, want %s", err, re)
	}
}

// The total timeout also bounds waiting for the headers and between retries.
func TestTotalTimeoutBoundsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	start := time.Now()
	_, _, err := Open(context.Background(), srv.URL, Options{Retries: 10, Backoff: 100 * time.Millisecond, TotalTimeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "not finished within 300ms") || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestWaitDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.IdleTimeout != DefaultIdleTimeout || o.TotalTimeout != DefaultTotalTimeout || DefaultIdleTimeout <= 0 || DefaultTotalTimeout < DefaultIdleTimeout {
		t.Errorf("defaults: idle %v, total %v", o.IdleTimeout, o.TotalTimeout)
	}
}
