package run

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"grassroots/pipelines/spec"
	"grassroots/sources"
)

const passwd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"

// inputProject is a project folder with inputs/pop.csv, and a folder beside
// it holding a passwd-like secret.csv; inputs/link.csv leads to it.
func inputProject(t *testing.T) (proj, secret string) {
	t.Helper()
	base := t.TempDir()
	proj = filepath.Join(base, "proj")
	os.MkdirAll(filepath.Join(proj, "inputs"), 0o755)
	os.MkdirAll(filepath.Join(proj, spec.Dir), 0o755)
	os.MkdirAll(filepath.Join(base, "outside"), 0o755)
	secret = filepath.Join(base, "outside", "secret.csv")
	os.WriteFile(secret, []byte(passwd), 0o644)
	os.WriteFile(filepath.Join(proj, "inputs", "pop.csv"), []byte("年份\n2020\n"), 0o644)
	if err := os.Symlink(secret, filepath.Join(proj, "inputs", "link.csv")); err != nil {
		t.Fatal(err)
	}
	return proj, secret
}

// inputSpec is a spec of project proj reading path.
func inputSpec(t *testing.T, proj, path, extra string) *spec.Spec {
	t.Helper()
	src := "source:\n  kind: csv\n  path: " + path + "\n" + extra +
		"  columns:\n    - {name: year, from: 年份, type: int}\ntarget:\n  table: population\n  partition_by: [year]\n"
	s, err := spec.Parse(filepath.Join(proj, spec.Dir, "pop.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stageWithin stages the input of s as a run in proj does, failing the test
// if that does not return within 5 seconds (a FIFO or /dev/zero must not
// hang the run).
func stageWithin(t *testing.T, s *spec.Spec, proj string) (*input, sources.Config, error) {
	t.Helper()
	cfg := s.ForPeriod("")
	cfg.Path = spec.LocalPath(proj, cfg.Path)
	type result struct {
		in  *input
		err error
	}
	done := make(chan result, 1)
	go func() {
		in, err := stageInput(context.Background(), &cfg, s, proj, cfg.Path, nil)
		done <- result{in, err}
	}()
	select {
	case r := <-done:
		return r.in, cfg, r.err
	case <-time.After(5 * time.Second):
		t.Fatalf("staging %s still blocked after 5s", s.Source.Path)
		return nil, cfg, nil
	}
}

// A run reads only regular files inside its project (symbolic links
// followed) unless the spec allows outside inputs; nothing else is opened.
func TestStageInputConfinedToProject(t *testing.T) {
	proj, secret := inputProject(t)
	fifo := filepath.Join(proj, "inputs", "fifo.csv")
	haveFIFO := syscall.Mkfifo(fifo, 0o644) == nil
	allow := "  allow_outside_project: true\n"
	for _, tc := range []struct{ path, extra, want string }{
		{"inputs/pop.csv", "", ""},
		{"../outside/secret.csv", "", "pop.yaml:3:9: source.path: " + secret + " is outside the project folder " + proj},
		{secret, "", "pop.yaml:3:9: source.path: " + secret + " is outside the project folder " + proj},
		{"/etc/passwd", "", "pop.yaml:3:9: source.path: /etc/passwd is outside the project folder " + proj},
		{"inputs/link.csv", "", "pop.yaml:3:9: source.path: " + filepath.Join(proj, "inputs", "link.csv") + " leads to " + secret + ", outside the project folder"},
		{"inputs/link.csv", allow, ""},
		{"/dev/zero", allow, "pop.yaml:3:9: source.path: /dev/zero is a device, not a regular file"},
		{"/proc/self/environ", allow, "pop.yaml:3:9: source.path: /proc/self/environ is a /proc file, not a regular file"},
		{"inputs", "", "pop.yaml:3:9: source.path: " + filepath.Join(proj, "inputs") + " is a directory, not a regular file"},
		{"inputs/fifo.csv", "", "pop.yaml:3:9: source.path: " + fifo + " is a named pipe (FIFO), not a regular file"},
	} {
		if tc.path == "inputs/fifo.csv" && !haveFIFO {
			continue
		}
		s := inputSpec(t, proj, tc.path, tc.extra)
		in, _, err := stageWithin(t, s, proj)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %s: %v", tc.path, strings.TrimSpace(tc.extra), err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %s: err = %v\nwant %s…", tc.path, strings.TrimSpace(tc.extra), err, tc.want)
		case err != nil && strings.Contains(err.Error(), "root:"):
			t.Errorf("%s: the message quotes the file: %v", tc.path, err)
		case err == nil && in.outside != strings.Contains(tc.path, "link"):
			t.Errorf("%s: outside = %v", tc.path, in.outside)
		}
	}
}

// A run whose input lies outside the project (allowed) never quotes that
// input in a message: a header or a value of /etc/passwd would otherwise be
// copied into the run's error.
func TestOutsideInputNotQuoted(t *testing.T) {
	proj, _ := inputProject(t)
	s := inputSpec(t, proj, "../outside/secret.csv", "  allow_outside_project: true\n")
	in, cfg, err := stageWithin(t, s, proj)
	if err != nil {
		t.Fatal(err)
	}
	src, err := sources.New(cfg.Kind, cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Open(context.Background()) // the header has no 年份
	if err == nil {
		t.Fatal("a file without the column opened")
	}
	if !strings.Contains(err.Error(), "root:x") {
		t.Fatalf("the test needs a message that quotes the file: %v", err)
	}
	msg := in.place(err).Error()
	if strings.Contains(msg, "root") || strings.Contains(msg, "daemon") || strings.Contains(msg, "/bin/bash") {
		t.Errorf("the message quotes the input: %s", msg)
	}
	if !strings.Contains(msg, "content withheld") || !strings.Contains(msg, "secret.csv") {
		t.Errorf("message %q does not say what it withheld, or where", msg)
	}
	t.Logf("%s", msg)
	// Inside the project the message is left as it is.
	if inside := (&input{}); inside.place(err) != err {
		t.Error("an inside input's message was changed")
	}
}

// A download whose body stalls after 31 rows fails after the idle timeout
// (source.fetch.idle_timeout) instead of blocking the run forever.
func TestStageInputStalledDownload(t *testing.T) {
	var body strings.Builder
	body.WriteString("年份\n")
	for i := 0; i < 31; i++ {
		fmt.Fprintf(&body, "%d\n", 1990+i)
	}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		io.WriteString(w, body.String())
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	proj, _ := inputProject(t)
	src := "source:\n  kind: csv\n  url: " + srv.URL + "/pop.csv\n  fetch: {idle_timeout: 200ms}\n" +
		"  columns:\n    - {name: year, from: 年份, type: int}\ntarget:\n  table: population\n  partition_by: [year]\n"
	s, err := spec.Parse(filepath.Join(proj, spec.Dir, "pop.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = stageWithin(t, s, proj)
	want := fmt.Sprintf("fetch: %s/pop.csv: no data for 200ms (stalled after %d bytes)", srv.URL, body.Len())
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}
