// Package suppress hides small cells: counts of fewer persons than a
// threshold, and rates over fewer persons, from what is published (reports,
// exports, packages when asked). The analyst's own SQL stays exact.
//
// A count n with 0 < n < threshold is hidden (a zero reveals nobody and is
// shown). Where a total is shown with its parts, hiding one part is not
// enough: the total minus the others gives it back. Hide then marks a
// second cell (complementary suppression): the smallest other part, else
// the total itself, and repeats until every shown sum has no or at least two
// hidden cells.
package suppress

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Dash is what a hidden rate (or any value computed from a hidden count)
// is shown as.
const Dash = "—"

// Rule is a small-cell threshold.
type Rule struct {
	// Threshold: person counts below it are hidden; 1 or less hides
	// nothing.
	Threshold int
}

// Off is the rule that hides nothing.
var Off = Rule{}

// On reports whether the rule hides anything at all.
func (r Rule) On() bool { return r.Threshold > 1 }

// Hides reports whether a person count n is a small cell.
func (r Rule) Hides(n float64) bool {
	return r.On() && n > 0 && n < float64(r.Threshold)
}

// HidesRate reports whether a rate over den persons is hidden: when den is a
// small cell (a zero denominator gives no rate anyway).
func (r Rule) HidesRate(den float64) bool { return r.Hides(den) }

// Label is what a hidden count is shown as: "<3".
func (r Rule) Label() string { return "<" + strconv.Itoa(r.Threshold) }

// Cover is what a count hidden only so that no total gives a small one
// away (complementary suppression) is shown as: it is not small, so "<3"
// would be false.
const Cover = "x"

// Mark is what a hidden count n is shown as: Label when it is small itself,
// Cover when it was hidden to protect another.
func (r Rule) Mark(n float64) string {
	if r.Hides(n) {
		return r.Label()
	}
	return Cover
}

// Count formats a person count: the number, or Label when it is hidden.
// format prints a shown count.
func (r Rule) Count(n float64, hidden bool, format func(float64) string) string {
	if hidden {
		return r.Mark(n)
	}
	return format(n)
}

// Note is the footnote under what hides cells, in Chinese (the language of
// the reports and exports): what "<3" and "—" mean.
func (r Rule) Note() string {
	return fmt.Sprintf("%s：不足%d人的数字不予公布；%s：为防止由合计推算出上述数字而一并不予公布的数字；—：基数不足%d人的比率及由不予公布的数字算出的数值不予公布（小数保护）。",
		r.Label(), r.Threshold, Cover, r.Threshold)
}

// NoteEn is Note in English.
func (r Rule) NoteEn() string {
	return fmt.Sprintf("%s: counts of fewer than %d persons are not published; %s: not published so that no total gives those away; —: rates over fewer than %d persons, and values computed from unpublished counts, are not published (small-cell protection).",
		r.Label(), r.Threshold, Cover, r.Threshold)
}

// Sum says that the cell Total is shown as the sum of the cells Parts (all
// indices into the values given to Hide).
type Sum struct {
	Total int
	Parts []int
}

// Hide returns which of values (person counts) to hide: the small cells,
// and, for every sum in sums, a complementary cell wherever exactly one of
// its cells (total or parts) is hidden. It prefers the smallest part that is
// not zero, then a zero part, then the total.
func (r Rule) Hide(values []float64, sums []Sum) []bool {
	hide := make([]bool, len(values))
	if !r.On() {
		return hide
	}
	for i, v := range values {
		hide[i] = r.Hides(v)
	}
	for changed := true; changed; {
		changed = false
		for _, s := range sums {
			n := 0
			if hide[s.Total] {
				n++
			}
			for _, p := range s.Parts {
				if hide[p] {
					n++
				}
			}
			if n != 1 {
				continue
			}
			if c := complement(values, hide, s); c >= 0 {
				hide[c] = true
				changed = true
			}
		}
	}
	return hide
}

// complement is the cell to hide beside the one hidden cell of s: the
// smallest shown part (a part that is not zero before a zero), else the
// total; -1 when there is none.
func complement(values []float64, hide []bool, s Sum) int {
	best := -1
	key := func(i int) (bool, float64) { return values[i] == 0, values[i] }
	for _, p := range s.Parts {
		if hide[p] {
			continue
		}
		if best < 0 {
			best = p
			continue
		}
		z1, v1 := key(p)
		z0, v0 := key(best)
		if (!z1 && z0) || (z1 == z0 && v1 < v0) {
			best = p
		}
	}
	if best >= 0 {
		return best
	}
	if !hide[s.Total] {
		return s.Total
	}
	return -1
}

// Grid is Hide for a table of counts: cells[i][j], with each row's total
// shown when rowTotals, each column's when colTotals, and the grand total
// when grand. It returns the hidden cells and the hidden row totals, column
// totals and grand total.
func (r Rule) Grid(cells [][]float64, rowTotals, colTotals, grand bool) (hide [][]bool, rowHide, colHide []bool, grandHide bool) {
	rows := len(cells)
	cols := 0
	for _, row := range cells {
		cols = max(cols, len(row))
	}
	// Index: the cells row by row, then the row totals, column totals and
	// the grand total.
	var values []float64
	at := func(i, j int) int { return i*cols + j }
	rowTotal := make([]float64, rows)
	colTotal := make([]float64, cols)
	total := 0.0
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			v := 0.0
			if j < len(cells[i]) {
				v = cells[i][j]
			}
			values = append(values, v)
			rowTotal[i] += v
			colTotal[j] += v
			total += v
		}
	}
	rt, ct, gt := len(values), len(values)+rows, len(values)+rows+cols
	values = append(values, rowTotal...)
	values = append(values, colTotal...)
	values = append(values, total)
	var sums []Sum
	if rowTotals {
		for i := 0; i < rows; i++ {
			s := Sum{Total: rt + i}
			for j := 0; j < cols; j++ {
				s.Parts = append(s.Parts, at(i, j))
			}
			sums = append(sums, s)
		}
	}
	if colTotals {
		for j := 0; j < cols; j++ {
			s := Sum{Total: ct + j}
			for i := 0; i < rows; i++ {
				s.Parts = append(s.Parts, at(i, j))
			}
			sums = append(sums, s)
		}
	}
	if grand {
		s := Sum{Total: gt}
		switch {
		case rowTotals:
			for i := 0; i < rows; i++ {
				s.Parts = append(s.Parts, rt+i)
			}
		case colTotals:
			for j := 0; j < cols; j++ {
				s.Parts = append(s.Parts, ct+j)
			}
		default:
			for k := 0; k < rows*cols; k++ {
				s.Parts = append(s.Parts, k)
			}
		}
		sums = append(sums, s)
		if rowTotals && colTotals {
			s2 := Sum{Total: gt}
			for j := 0; j < cols; j++ {
				s2.Parts = append(s2.Parts, ct+j)
			}
			sums = append(sums, s2)
		}
	}
	h := r.Hide(values, sums)
	// A total not shown is not hidden: mark only those shown.
	if !rowTotals {
		clear(h[rt : rt+rows])
	}
	if !colTotals {
		clear(h[ct : ct+cols])
	}
	hide = make([][]bool, rows)
	for i := range hide {
		hide[i] = slices.Clone(h[at(i, 0) : at(i, 0)+cols])
		if len(cells[i]) < cols {
			hide[i] = hide[i][:len(cells[i])]
		}
	}
	return hide, h[rt : rt+rows], h[ct : ct+cols], grand && h[gt]
}

// Tree is Hide for the figures of one series over regions: values[i] is the
// person count of regions[i], and a region's figure is taken as the sum of
// those of the regions directly below it that are present too (parent maps
// a region code to its parent's). A lone hidden child then takes a second
// one with it, so that the region's figure minus the other children does not
// give it back.
func (r Rule) Tree(values []float64, regions []string, parent map[string]string) []bool {
	at := make(map[string]int, len(regions))
	for i, code := range regions {
		if _, dup := at[code]; !dup {
			at[code] = i
		}
	}
	children := map[int][]int{}
	for i, code := range regions {
		if p, ok := at[parent[code]]; ok && p != i {
			children[p] = append(children[p], i)
		}
	}
	var sums []Sum
	for _, p := range slices.Sorted(maps.Keys(children)) {
		sums = append(sums, Sum{Total: p, Parts: children[p]})
	}
	return r.Hide(values, sums)
}
