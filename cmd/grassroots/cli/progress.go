package cli

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"grassroots/sources/progress"
)

// The live progress lines of run, demo and schedule. They are drawn on
// stderr: stdout carries the result (the table of runs, which may be piped
// into a file or another program) and must stay byte for byte what it is
// without a terminal, while stderr is where a person watching sees the
// logs. With --progress auto (the default) they are drawn only when stderr
// is a terminal (and TERM is not dumb), so cron, CI, pipes and tests get
// exactly the output they always had.
//
// One line per running run, redrawn in place at most ten times a second
// from a goroutine of its own: carriage return and erase line (and cursor
// up, for the lines above the last when several runs go at once). The runs
// only bump atomic counters (package progress). The lines are erased before
// anything else is written to the terminal — a log line, a result — and when
// a run ends, so what stays on the screen is what is there without them.

const progressEvery = 100 * time.Millisecond

// Terminal sequences: erase the line and go to its start; up one line.
const (
	eraseLine = "\r\x1b[K"
	lineUp    = "\x1b[A"
)

// addProgressFlag declares --progress.
func addProgressFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "progress", "auto", "a live line per running run on stderr: auto (when stderr is a terminal), always or never")
}

// progressMode checks the value of --progress.
func progressMode(flagValue string) (string, error) {
	switch flagValue {
	case "auto", "always", "never":
		return flagValue, nil
	}
	return "", Usagef("--progress: %q is not auto, always or never", flagValue)
}

// startProgress starts the live lines as mode (--progress, checked) says and
// returns the observer to pass to the runs (nil when there are no lines) and
// the function that erases them and stops drawing; calling it again does
// nothing. While the lines are drawn, e.Stdout (when it is the terminal too),
// e.Stderr and e.Log write through them; stop puts them back.
func (e *Env) startProgress(mode string) (progress.Observer, func()) {
	fd, isTerm := -1, false
	if f, ok := e.Stderr.(*os.File); ok {
		fd = int(f.Fd())
		isTerm = term.IsTerminal(fd)
	}
	if mode == "never" || mode == "auto" && (!isTerm || e.Getenv("TERM") == "dumb") {
		return nil, func() {}
	}
	width := func() int { return 80 }
	if isTerm {
		width = func() int {
			if w, _, err := term.GetSize(fd); err == nil && w > 0 {
				return w
			}
			return 80
		}
	}
	l := newLiveLines(e.Stderr, width)
	stdout, stderr, log := e.Stdout, e.Stderr, e.Log
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		e.Stdout = &throughLive{l: l, w: stdout}
	}
	e.Stderr = &throughLive{l: l, w: stderr}
	e.Log = slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: e.logLevel}))
	var once sync.Once
	return l, func() {
		once.Do(func() {
			l.close()
			e.Stdout, e.Stderr, e.Log = stdout, stderr, log
		})
	}
}

// liveLines draws the lines; it is the runs' progress.Observer.
type liveLines struct {
	out   io.Writer
	width func() int

	mu   sync.Mutex
	runs []*progress.Counters
	// drawn is the number of lines on the screen now, the cursor at the
	// end of the last; shown is what they say.
	drawn int
	shown string
	// midLine: what was last written through does not end its line; the
	// lines wait until it does rather than erase it.
	midLine bool

	quit, done chan struct{}
}

var _ progress.Observer = (*liveLines)(nil)

func newLiveLines(out io.Writer, width func() int) *liveLines {
	l := &liveLines{out: out, width: width, quit: make(chan struct{}), done: make(chan struct{})}
	go l.loop()
	return l
}

func (l *liveLines) loop() {
	defer close(l.done)
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-l.quit:
			return
		case <-t.C:
			l.mu.Lock()
			l.draw()
			l.mu.Unlock()
		}
	}
}

// Started adds a line for c; it is drawn at the next tick.
func (l *liveLines) Started(c *progress.Counters) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs = append(l.runs, c)
}

// Finished takes c's line away at once, so that whatever the caller prints
// next about the run starts on a clean line.
func (l *liveLines) Finished(c *progress.Counters) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, r := range l.runs {
		if r == c {
			l.runs = append(l.runs[:i], l.runs[i+1:]...)
			break
		}
	}
	l.draw()
}

// close stops drawing and erases the lines.
func (l *liveLines) close() {
	close(l.quit)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs = nil
	l.draw()
}

// draw redraws the lines, if they changed, in one write. Called with l.mu.
func (l *liveLines) draw() {
	if l.midLine {
		return
	}
	width := l.width()
	lines := make([]string, len(l.runs))
	for i, c := range l.runs {
		lines[i] = progressLine(c.Snapshot(), width)
	}
	text := strings.Join(lines, "\r\n")
	if text == l.shown && len(lines) == l.drawn {
		return
	}
	var b strings.Builder
	l.erase(&b)
	b.WriteString(text)
	l.out.Write([]byte(b.String()))
	l.drawn, l.shown = len(lines), text
}

// erase writes what erases the lines drawn, leaving the cursor at the start
// of the first. Called with l.mu.
func (l *liveLines) erase(b *strings.Builder) {
	if l.drawn == 0 {
		return
	}
	b.WriteString(eraseLine)
	for i := 1; i < l.drawn; i++ {
		b.WriteString(lineUp + eraseLine)
	}
	l.drawn, l.shown = 0, ""
}

// throughLive is a stream on the terminal the lines are drawn on: a write
// erases them first (they are drawn again at the next tick).
type throughLive struct {
	l *liveLines
	w io.Writer
}

func (t *throughLive) Write(p []byte) (int, error) {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.drawn > 0 {
		var b strings.Builder
		t.l.erase(&b)
		t.l.out.Write([]byte(b.String()))
	}
	n, err := t.w.Write(p)
	if n > 0 {
		t.l.midLine = p[n-1] != '\n'
	}
	return n, err
}

// progressLine is one run's line, at most width-1 columns (the last column
// is left free: a terminal that wraps there would break the redraw):
//
//	members [2023]  reading  1,234,567 rows  12 quarantined  45.1 MB of 120.0 MB (38%)  537,000 rows/s  ETA 14s  党员名册
func progressLine(s progress.Snapshot, width int) string {
	parts := []string{shown(s.Pipeline), s.Phase.String()}
	if s.Period != "" {
		parts[0] += " [" + shown(s.Period) + "]"
	}
	if s.Phase >= progress.Reading {
		parts = append(parts, groupDigits(s.Rows)+" rows")
		if s.Quarantined > 0 {
			parts = append(parts, groupDigits(s.Quarantined)+" quarantined")
		}
	}
	if s.Bytes > 0 || s.Size > 0 {
		b := byteSize(s.Bytes)
		if s.Size > 0 {
			b += fmt.Sprintf(" of %s (%d%%)", byteSize(s.Size), min(100, s.Bytes*100/s.Size))
		}
		parts = append(parts, b)
	}
	if r := s.RowsPerSecond(); r > 0 {
		parts = append(parts, groupDigits(int64(r))+" rows/s")
	}
	if left, ok := s.ETA(); ok && s.Phase <= progress.Reading {
		parts = append(parts, "ETA "+shortDuration(left))
	}
	if d := strings.Join(strings.Fields(s.Description), " "); d != "" {
		parts = append(parts, shown(d))
	}
	return truncateWidth(strings.Join(parts, "  "), width-1)
}

// truncateWidth cuts s to at most w terminal columns, ending it with "…" if
// it was cut (wide characters count two, see displayWidth).
func truncateWidth(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	n := 0
	for i, r := range s {
		rw := displayWidth(string(r))
		if n+rw > w-1 {
			return s[:i] + "…"
		}
		n += rw
	}
	return s
}

// groupDigits writes n with thousands separated by commas: 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// byteSize is n bytes in B, KB, MB or GB (powers of 1024), one decimal.
func byteSize(n int64) string {
	const k = 1024
	switch {
	case n < k:
		return fmt.Sprintf("%d B", n)
	case n < k*k:
		return fmt.Sprintf("%.1f KB", float64(n)/k)
	case n < k*k*k:
		return fmt.Sprintf("%.1f MB", float64(n)/(k*k))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(k*k*k))
}

// shortDuration is d in whole seconds: 14s, 3m05s, 1h02m.
func shortDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}
