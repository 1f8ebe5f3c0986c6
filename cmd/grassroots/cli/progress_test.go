package cli

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"grassroots/sources/progress"
)

func TestProgressLine(t *testing.T) {
	reading := progress.Snapshot{Pipeline: "members", Period: "2023", Description: "党员名册（示例数据）", Phase: progress.Reading,
		Rows: 1234567, Quarantined: 12, Bytes: 45 << 20, Size: 120 << 20, InPhase: 2 * time.Second}
	for _, tc := range []struct {
		name  string
		s     progress.Snapshot
		width int
		want  string
	}{
		{"everything known", reading, 200,
			"members [2023]  reading  1,234,567 rows  12 quarantined  45.0 MB of 120.0 MB (37%)  617,283 rows/s  ETA 3s  党员名册（示例数据）"},
		// Cut to 119 columns: the description starts at column 109 and its
		// characters take two columns each, so 5 of them fit before "…".
		{"cut to the terminal", reading, 120,
			"members [2023]  reading  1,234,567 rows  12 quarantined  45.0 MB of 120.0 MB (37%)  617,283 rows/s  ETA 3s  党员名册（…"},
		// 116 columns: 册 would take columns 115 and 116 and leave none for
		// "…", so it goes whole and the line is a column short.
		{"a wide character that does not fit is left out whole", reading, 117,
			"members [2023]  reading  1,234,567 rows  12 quarantined  45.0 MB of 120.0 MB (37%)  617,283 rows/s  ETA 3s  党员名…"},
		{"download of unknown size", progress.Snapshot{Pipeline: "orgs", Phase: progress.Downloading, Bytes: 3 << 10, Size: -1,
			InPhase: time.Second}, 80, "orgs  downloading  3.0 KB"},
		{"starting", progress.Snapshot{Pipeline: "orgs", Phase: progress.Starting, Size: -1}, 80, "orgs  starting"},
		{"writing", progress.Snapshot{Pipeline: "orgs", Phase: progress.Writing, Rows: 5, Bytes: 100, Size: 100, InPhase: time.Second},
			80, "orgs  writing  5 rows  100 B of 100 B (100%)"},
		{"control characters shown, not sent", progress.Snapshot{Pipeline: "x", Description: "a\x1b[2Jb", Size: -1}, 80,
			`x  starting  a\x1b[2Jb`},
	} {
		got := progressLine(tc.s, tc.width)
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
		if w := displayWidth(got); w > tc.width-1 {
			t.Errorf("%s: %d columns, more than %d", tc.name, w, tc.width-1)
		}
	}
}

// replay plays what a terminal received — text, carriage return, line feed,
// erase to the end of the line (ESC [K) and cursor up (ESC [A) — and returns
// the screen's lines.
func replay(t *testing.T, b string) []string {
	t.Helper()
	var screen [][]rune
	row, col := 0, 0
	at := func() *[]rune {
		for len(screen) <= row {
			screen = append(screen, nil)
		}
		return &screen[row]
	}
	rs := []rune(b)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\r':
			col = 0
		case r == '\n': // and to the line's start, as a terminal's ONLCR does
			row, col = row+1, 0
		case r == 0x1b:
			j := i + 1
			if j >= len(rs) || rs[j] != '[' {
				t.Fatalf("escape sequence not understood at %d: %q", i, string(rs[i:min(i+8, len(rs))]))
			}
			for j++; j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == ';'); j++ {
			}
			switch rs[j] {
			case 'K':
				l := at()
				if col < len(*l) {
					*l = (*l)[:col]
				}
			case 'A':
				row = max(0, row-1)
			default:
				t.Fatalf("escape sequence not understood at %d: %q", i, string(rs[i:j+1]))
			}
			i = j
		default:
			l := at()
			for len(*l) <= col {
				*l = append(*l, ' ')
			}
			(*l)[col] = r
			col++
		}
	}
	out := make([]string, len(screen))
	for i, l := range screen {
		out[i] = strings.TrimRight(string(l), " ")
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func TestReplay(t *testing.T) {
	got := replay(t, "table\r\nrow\r\nrun 1"+eraseLine+"run 2\r\nrun 3"+eraseLine+lineUp+eraseLine+"done\r\n")
	if strings.Join(got, "|") != "table|row|done" {
		t.Errorf("screen: %q", got)
	}
}

// syncBuf is a terminal stand-in the drawing goroutine may write to.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Several runs at once (the daemon) are a block of lines, one each, redrawn
// together; a line goes as its run ends, a log line written meanwhile stays
// above the block, and closing leaves only what was written through.
func TestLiveLinesBlock(t *testing.T) {
	var out syncBuf
	l := newLiveLines(&out, func() int { return 60 })
	log := &throughLive{l: l, w: &out}
	a, b := progress.New("alpha", "", ""), progress.New("beta", "2023", "")
	l.Started(a)
	l.Started(b)
	a.SetPhase(progress.Downloading)
	a.AddBytes(1536)
	waitScreen := func(want ...string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			got := replay(t, out.String())
			if strings.Join(got, "\n") == strings.Join(want, "\n") {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitScreen("alpha  downloading  1.5 KB", "beta [2023]  starting")
	io.WriteString(log, "level=INFO msg=run pipeline=gamma\n")
	waitScreen("level=INFO msg=run pipeline=gamma", "alpha  downloading  1.5 KB", "beta [2023]  starting")
	l.Finished(a) // at once, not at the next tick
	if got := replay(t, out.String()); strings.Join(got, "\n") != "level=INFO msg=run pipeline=gamma\nbeta [2023]  starting" {
		t.Fatalf("screen right after the run ended:\n%s", strings.Join(got, "\n"))
	}
	l.close()
	waitScreen("level=INFO msg=run pipeline=gamma")
}
