package fetch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// openWithin opens path in the background; a FIFO with no writer or a device
// must not make Open (or the read after it) hang.
func openWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		rc, _, err := Open(context.Background(), path, Options{})
		if err == nil {
			buf := make([]byte, 1<<20)
			for i := 0; i < 100 && err == nil; i++ { // /dev/zero never ends
				_, err = rc.Read(buf)
			}
			rc.Close()
			if err == nil {
				err = errors.New("read 100 MiB")
			}
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Open(%s) still blocked after 5s", path)
		return nil
	}
}

func TestOpenRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pop.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	sub := filepath.Join(dir, "inputs")
	os.Mkdir(sub, 0o755)
	for _, tc := range []struct{ path, want string }{
		{fifo, fifo + " is a named pipe (FIFO), not a regular file"},
		{"/dev/zero", "/dev/zero is a device, not a regular file"},
		{sub, sub + " is a directory, not a regular file"},
		{"/proc/self/environ", "/proc/self/environ is a /proc file, not a regular file"},
		{"file:///dev/zero", "/dev/zero is a device, not a regular file"},
	} {
		if _, err := os.Stat(tc.path); err != nil && !strings.HasPrefix(tc.path, "file://") {
			t.Logf("%s: %v", tc.path, err)
			continue
		}
		err := openWithin(t, tc.path)
		if !errors.Is(err, ErrNotRegular) || err.Error() != "fetch: "+tc.want {
			t.Errorf("Open(%s): %v\nwant fetch: %s", tc.path, err, tc.want)
		}
	}
}

func TestResolveAndWithin(t *testing.T) {
	root := t.TempDir()
	out := t.TempDir()
	os.MkdirAll(filepath.Join(root, "inputs"), 0o755)
	os.WriteFile(filepath.Join(out, "secret.csv"), []byte("x"), 0o644)
	os.Symlink(filepath.Join(out, "secret.csv"), filepath.Join(root, "inputs", "link.csv"))
	os.Symlink(out, filepath.Join(root, "elsewhere"))
	os.Symlink(filepath.Join(root, "inputs"), filepath.Join(root, "alias"))
	for _, tc := range []struct {
		path   string
		inside bool
	}{
		{"inputs/pop.csv", true}, // need not exist
		{"alias/pop.csv", true},
		{"inputs/../inputs/pop.csv", true},
		{"../pop.csv", false},
		{"inputs/link.csv", false},
		{"elsewhere/new/pop.csv", false}, // a link out, then a path that does not exist
		{out + "/secret.csv", false},
		{"/etc/passwd", false},
	} {
		p := tc.path
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		_, inside, err := Within(root, p)
		if err != nil || inside != tc.inside {
			t.Errorf("Within(%s) = %v, %v; want %v", tc.path, inside, err, tc.inside)
		}
	}
}
