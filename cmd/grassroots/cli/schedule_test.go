package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A child process of TestScheduleStopsWhileWaitingForLock runs the command
// line in GRASSROOTS_TEST_MAIN (arguments separated by newlines) as the
// grassroots binary would, signals and all.
func init() {
	if args := os.Getenv("GRASSROOTS_TEST_MAIN"); args != "" {
		os.Exit(Main(strings.Split(args, "\n"), os.Stdin, os.Stdout, os.Stderr))
	}
}

// syncBuffer is a bytes.Buffer a child process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until out says want, or fails the test.
func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(out.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %q", want, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SIGTERM to a schedule that waits for another process to release the
// warehouse stops it with exit status 0, as its help says, and a line saying
// it stopped while waiting.
func TestScheduleStopsWhileWaitingForLock(t *testing.T) {
	w := fixture(t)
	project := t.TempDir()
	os.Mkdir(filepath.Join(project, "pipelines"), 0o755)

	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), "GRASSROOTS_TEST_HOLD="+w)
	var held syncBuffer
	holder.Stdout = &held
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Process.Kill(); _ = holder.Wait() }()
	waitFor(t, &held, "holding")

	sched := exec.Command(os.Args[0], "-test.run=^$")
	sched.Env = append(os.Environ(), "GRASSROOTS_TEST_MAIN="+strings.Join([]string{"schedule", "--warehouse", w, "--project", project}, "\n"))
	var out, errs syncBuffer
	sched.Stdout, sched.Stderr = &out, &errs
	if err := sched.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sched.Process.Kill() }()
	waitFor(t, &errs, "waiting for another process to release the warehouse")
	if err := sched.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sched.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("schedule still running 30s after SIGTERM; stderr %q", errs.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != 0 || !strings.Contains(errs.String(), "stopped while waiting for the warehouse lock") {
		t.Fatalf("exit %d after SIGTERM while waiting for the lock; stdout %q, stderr %q", code, out.String(), errs.String())
	}
}

// The scheduler always runs in the foreground: --foreground is accepted, and
// asking for a background mode it does not have is a usage error naming what
// to use instead, not a silent foreground run.
func TestScheduleForeground(t *testing.T) {
	code, _, stderr := run(t, "", "schedule", "--foreground=false", "--project", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "no background mode") || !strings.Contains(stderr, "systemd") {
		t.Fatalf("schedule --foreground=false: exit %d, %q", code, stderr)
	}
	code, _, stderr = run(t, "", "schedule", "--foreground", "--warehouse", filepath.Join(t.TempDir(), "w.duckdb"), "--project", t.TempDir(), "extra")
	if code != 2 || strings.Contains(stderr, "flag provided but not defined") {
		t.Fatalf("schedule --foreground: exit %d, %q", code, stderr)
	}
}
