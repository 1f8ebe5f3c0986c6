package suppress

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestHide(t *testing.T) {
	three := Rule{Threshold: 3}
	for _, tc := range []struct {
		name   string
		rule   Rule
		values []float64
		sums   []Sum
		want   string // x: hidden, .: shown
	}{
		{"nothing small", three, []float64{5, 7, 12}, []Sum{{Total: 2, Parts: []int{0, 1}}}, "..."},
		{"zero is shown", three, []float64{0, 7, 7}, []Sum{{Total: 2, Parts: []int{0, 1}}}, "..."},
		{"no sum: only the small cell", three, []float64{2, 7, 9, 1}, nil, "x..x"},
		{"one small part: the next smallest goes too", three, []float64{2, 9, 5, 16}, []Sum{{Total: 3, Parts: []int{0, 1, 2}}}, "x.x."},
		{"two small parts: nothing more", three, []float64{2, 1, 5, 8}, []Sum{{Total: 3, Parts: []int{0, 1, 2}}}, "xx.."},
		{"a non-zero part before a zero one", three, []float64{2, 0, 5, 7}, []Sum{{Total: 3, Parts: []int{0, 1, 2}}}, "x.x."},
		{"a small total hidden beside its part", three, []float64{2, 0, 2}, []Sum{{Total: 2, Parts: []int{0, 1}}}, "x.x"},
		{"only a zero left: the zero", three, []float64{2, 0, 9, 11}, []Sum{{Total: 3, Parts: []int{0, 1}}, {Total: 3, Parts: []int{0, 2}}}, "xxx."},
		{"one part: the total", three, []float64{2, 2}, []Sum{{Total: 1, Parts: []int{0}}}, "xx"},
		{"small total with a zero part", three, []float64{0, 2, 2}, []Sum{{Total: 2, Parts: []int{0, 1}}}, ".xx"},
		{"a total hidden alone gives up a part", Rule{Threshold: 10}, []float64{0, 0, 9}, []Sum{{Total: 2, Parts: []int{0, 1}}}, "x.x"},
		{"threshold 1 hides nothing", Rule{Threshold: 1}, []float64{1, 2, 3}, []Sum{{Total: 2, Parts: []int{0, 1}}}, "..."},
		{"chained sums", three, []float64{
			1, 10, 20, 31, // row 0: parts 0..2, total 3
			30, 40, 50, 120, // row 1: parts 4..6, total 7
		}, []Sum{
			{Total: 3, Parts: []int{0, 1, 2}}, {Total: 7, Parts: []int{4, 5, 6}},
		}, "xx......"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.rule.Hide(tc.values, tc.sums)
			var b strings.Builder
			for _, x := range h {
				if x {
					b.WriteByte('x')
				} else {
					b.WriteByte('.')
				}
			}
			if b.String() != tc.want {
				t.Errorf("Hide(%v) = %s, want %s", tc.values, b.String(), tc.want)
			}
			checkSums(t, tc.values, tc.sums, h)
		})
	}
}

// checkSums fails when a sum shows exactly one hidden cell: the reader could
// work it out.
func checkSums(t *testing.T, values []float64, sums []Sum, h []bool) {
	t.Helper()
	for _, s := range sums {
		n := 0
		for _, i := range append([]int{s.Total}, s.Parts...) {
			if h[i] {
				n++
			}
		}
		if n == 1 {
			t.Errorf("sum %v of %v: exactly one cell hidden (%v)", s, values, h)
		}
	}
}

func TestGrid(t *testing.T) {
	r := Rule{Threshold: 3}
	for _, tc := range []struct {
		name              string
		cells             [][]float64
		rowT, colT, grand bool
		want              []string
		wantRow, wantCol  string
		wantGrand         bool
	}{
		{"rows with totals", [][]float64{{1, 5, 9}, {4, 6, 8}}, true, false, false,
			[]string{"xx.", "..."}, "..", "...", false},
		{"rows and columns", [][]float64{{1, 5, 9}, {4, 6, 8}}, true, true, false,
			// (0,0) hidden; its row takes (0,1); column 0 takes (1,0) and
			// column 1 (1,1); row 1 then has two.
			[]string{"xx.", "xx."}, "..", "...", false},
		{"grand total only (a pyramid)", [][]float64{{1, 5}, {4, 6}}, false, false, true,
			[]string{"x.", "x."}, "..", "..", false},
		{"small grand total", [][]float64{{1, 0}, {0, 1}}, false, false, true,
			[]string{"x.", ".x"}, "..", "..", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, rh, ch, gh := r.Grid(tc.cells, tc.rowT, tc.colT, tc.grand)
			var got []string
			for _, row := range h {
				got = append(got, marks(row))
			}
			if !slices.Equal(got, tc.want) || marks(rh) != tc.wantRow || marks(ch) != tc.wantCol || gh != tc.wantGrand {
				t.Errorf("Grid = %v rows %s cols %s grand %v; want %v rows %s cols %s grand %v",
					got, marks(rh), marks(ch), gh, tc.want, tc.wantRow, tc.wantCol, tc.wantGrand)
			}
		})
	}
}

func marks(h []bool) string {
	var b strings.Builder
	for _, x := range h {
		if x {
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

func TestLabels(t *testing.T) {
	r := Rule{Threshold: 3}
	if r.Label() != "<3" || !strings.HasPrefix(r.Note(), "<3：不足3人") {
		t.Errorf("Label %q, Note %q", r.Label(), r.Note())
	}
	for _, n := range []float64{-1, 0, 3, 4.5} {
		if r.Hides(n) {
			t.Errorf("Hides(%v) = true", n)
		}
	}
	for _, n := range []float64{1, 2, 2.5} {
		if !r.Hides(n) {
			t.Errorf("Hides(%v) = false", n)
		}
	}
	if got := r.Count(2, true, func(x float64) string { return fmt.Sprint(x) }); got != "<3" {
		t.Errorf("Count hidden = %q", got)
	}
}

// Tree links every region to the regions directly below it: one small
// township takes the next smallest of its district with it, two small ones
// stand alone, and a village's small count hides a second village, not a
// township of another district.
func TestTree(t *testing.T) {
	parent := map[string]string{"310104": "310100", "310104001": "310104", "310104002": "310104", "310104003": "310104",
		"310104001001": "310104001", "310104001002": "310104001", "310104001003": "310104001"}
	three := Rule{Threshold: 3}
	for _, tc := range []struct {
		name    string
		regions []string
		values  []float64
		want    string
	}{
		{"nothing small", []string{"310104", "310104001", "310104002"}, []float64{20, 8, 12}, "..."},
		{"one small township: the next smallest too", []string{"310104", "310104001", "310104002", "310104003"}, []float64{30, 2, 8, 20}, ".xx."},
		{"two small townships", []string{"310104", "310104001", "310104002", "310104003"}, []float64{23, 2, 1, 20}, ".xx."},
		{"a small village", []string{"310104", "310104001", "310104001001", "310104001002", "310104001003", "310104002"},
			[]float64{40, 25, 1, 14, 10, 15}, "..x.x."},
		{"no parent present: only the small cell", []string{"310104001", "310104002"}, []float64{2, 9}, "x."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := three.Tree(tc.values, tc.regions, parent)
			var b strings.Builder
			for _, x := range h {
				b.WriteString(map[bool]string{true: "x", false: "."}[x])
			}
			if b.String() != tc.want {
				t.Errorf("hidden %s, want %s", b.String(), tc.want)
			}
		})
	}
}

// A small count is shown as "<3"; one hidden only to protect it as "x":
// it is not small, and "<3" would say it is.
func TestMark(t *testing.T) {
	r := Rule{Threshold: 3}
	for _, tt := range []struct {
		n    float64
		want string
	}{{1, "<3"}, {2, "<3"}, {3, Cover}, {32225, Cover}} {
		if got := r.Mark(tt.n); got != tt.want {
			t.Errorf("Mark(%v) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
