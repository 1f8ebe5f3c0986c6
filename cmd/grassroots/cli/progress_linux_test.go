package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal of cols columns and returns its two ends:
// the terminal a program writes to (tty) and the side that reads what the
// terminal received (screen). It is Linux's /dev/ptmx unlocked by ioctl,
// through golang.org/x/sys, already a dependency, rather than a pty package.
func openPTY(t *testing.T, cols uint16) (screen, tty *os.File) {
	t.Helper()
	screen, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(screen.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		screen.Close()
		t.Fatalf("unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		screen.Close()
		t.Fatalf("pseudo-terminal number: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		screen.Close()
		t.Fatalf("open the terminal end: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: cols}); err != nil {
		t.Fatalf("set the window size: %v", err)
	}
	return screen, tty
}

// progressProject writes a project whose one pipeline, members, loads n
// generated rows, one in every thousand with a value that does not parse
// (quarantined): large enough to take a good second.
func progressProject(t *testing.T, n int) (project, wh string) {
	t.Helper()
	project = t.TempDir()
	wh = filepath.Join(project, "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", wh)
	if err := os.MkdirAll(filepath.Join(project, "pipelines"), 0o755); err != nil {
		t.Fatal(err)
	}
	spec := `description: 国际城镇化序列（生成数据）
source:
  kind: csv
  path: series.csv
  columns:
    - {name: iso3, from: iso3}
    - {name: year, from: year, type: int}
    - {name: series_code, from: series, type: string}
    - {name: value, from: value, type: float}
target:
  table: intl_series
  partition_by: [year]
reject_threshold: 5%
`
	if err := os.WriteFile(filepath.Join(project, "pipelines", "series.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("iso3,year,series,value\n")
	for i := range n {
		if i%1000 == 999 {
			fmt.Fprintf(&b, "X%07d,2000,TEST,12.3x\n", i)
			continue
		}
		fmt.Fprintf(&b, "X%07d,2000,TEST,%d.5\n", i, i%977)
	}
	if err := os.WriteFile(filepath.Join(project, "series.csv"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return project, wh
}

// TestProgressOnTerminalNotOnPipe runs `grassroots run` as the command line
// does, with stderr a pseudo-terminal, and reads what the terminal received:
// the run's line, redrawn in place (carriage return, erase line) with its
// counters growing, and erased at the end, so that the screen is left as it
// is without it. With stderr a pipe, and with --progress never on the
// terminal, nothing at all is written to stderr.
func TestProgressOnTerminalNotOnPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 2,000,000 rows three times: not in -short")
	}
	// Enough rows that reading lasts well over the 200 ms before a line
	// shows the time left, on a fast machine too.
	const n = 2_000_000
	project, wh := progressProject(t, n)
	args := []string{"run", "series", "--project", project, "--warehouse", wh, "--force"}

	// runOn runs the command line with stderr on f and returns stdout and what
	// came out of read (the other end of f) until f was closed.
	runOn := func(t *testing.T, f *os.File, read io.Reader, extra ...string) (code int, stdout, got string) {
		t.Helper()
		done := make(chan []byte)
		go func() {
			b, _ := io.ReadAll(read) // a terminal's reading end ends with EIO
			done <- b
		}()
		var out bytes.Buffer
		code = Run(context.Background(), append(append([]string(nil), args...), extra...), strings.NewReader(""), &out, f,
			func(string) string { return "" })
		f.Close()
		return code, out.String(), string(<-done)
	}
	checkStdout := func(t *testing.T, code int, stdout string) {
		t.Helper()
		if code != 0 || !strings.Contains(stdout, "succeeded") || strings.ContainsAny(stdout, "\r\x1b") {
			t.Fatalf("exit %d, stdout:\n%q", code, stdout)
		}
	}

	t.Run("terminal", func(t *testing.T) {
		screen, tty := openPTY(t, 160)
		defer screen.Close()
		code, stdout, got := runOn(t, tty, screen)
		checkStdout(t, code, stdout)
		if !strings.Contains(got, eraseLine+"series  reading  ") {
			t.Fatalf("no line redrawn in place; the terminal received:\n%q", got)
		}
		// Every line is drawn after a carriage return and erase line, fits
		// in 159 columns and shows the counters.
		lineRE := regexp.MustCompile(`^series  (reading|writing)  ([0-9,]+) rows(  ([0-9,]+) quarantined)?  [0-9.]+ [KM]?B of [0-9.]+ MB \(\d+%\)`)
		draws := strings.Split(got, eraseLine)
		var rows []string
		quarantined := false
		for _, d := range draws[1:] {
			if d == "" {
				continue
			}
			if displayWidth(d) > 159 {
				t.Errorf("line of %d columns on a terminal of 160: %q", displayWidth(d), d)
			}
			if !strings.HasPrefix(d, "series  reading") && !strings.HasPrefix(d, "series  writing") {
				continue
			}
			m := lineRE.FindStringSubmatch(d)
			if m == nil {
				t.Errorf("line without its counters: %q", d)
				continue
			}
			rows = append(rows, m[2])
			quarantined = quarantined || m[4] != ""
		}
		if len(rows) < 2 || rows[0] == rows[len(rows)-1] {
			t.Errorf("the rows read should grow from draw to draw; drawn: %q", rows)
		}
		if !quarantined {
			t.Errorf("no line shows the quarantined rows; drawn:\n%q", got)
		}
		if !strings.Contains(got, " rows/s") || !strings.Contains(got, "ETA ") || !strings.Contains(got, "国际城镇化序列") {
			t.Errorf("no line shows the rate, the time left and the description:\n%q", got)
		}
		if !strings.HasSuffix(got, eraseLine) {
			t.Errorf("the line is not erased at the end; the terminal received last: %q", got[max(0, len(got)-200):])
		}
		if screen := replay(t, got); len(screen) != 0 {
			t.Errorf("the screen is left with %q", screen)
		}
	})

	t.Run("pipe", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		code, stdout, got := runOn(t, w, r)
		checkStdout(t, code, stdout)
		if got != "" {
			t.Errorf("stderr on a pipe: %q, want nothing", got)
		}
	})

	t.Run("terminal, --progress never", func(t *testing.T) {
		screen, tty := openPTY(t, 160)
		defer screen.Close()
		code, stdout, got := runOn(t, tty, screen, "--progress", "never")
		checkStdout(t, code, stdout)
		if got != "" {
			t.Errorf("the terminal received %q, want nothing", got)
		}
	})
}
