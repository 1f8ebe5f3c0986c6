package reports

import (
	"context"
	"fmt"
)

// How complete a roll-up is, in words a reader checks at a glance:
// "14个街镇中14个" / "14 of 14 townships". A roll-up of only some of a
// region's sub-regions is never the region's figure; wherever one is shown,
// it says so.

// levelNouns name the regions of a level when they are counted: 省份,
// 地市, 区县, 街镇, 村居; English singular and plural.
var levelNouns = map[int][3]string{
	1: {"省份", "province", "provinces"},
	2: {"地市", "prefecture", "prefectures"},
	3: {"区县", "county", "counties"},
	4: {"街镇", "township", "townships"},
	5: {"村居", "village", "villages"},
}

// levelNoun names n regions of level (-1 for regions of mixed levels).
func levelNoun(l Lang, level, n int) string {
	w, ok := levelNouns[level]
	if !ok {
		w = [3]string{"下级区域", "sub-region", "sub-regions"}
	}
	switch {
	case l != En:
		return w[0]
	case n == 1:
		return w[1]
	}
	return w[2]
}

// ofText says how many of the expected regions of level are counted:
// "31个省份中31个", "1 of 31 provinces".
func ofText(l Lang, reported, expected, level int) string {
	if l == En {
		return fmt.Sprintf("%d of %d %s", reported, expected, levelNoun(l, level, expected))
	}
	return fmt.Sprintf("%d个%s中%d个", expected, levelNoun(l, level, expected), reported)
}

// levelOf is the level shared by regions, or -1 when they mix levels.
func levelOf(ns []*regionNode) int {
	lv := -1
	for i, n := range ns {
		if i == 0 {
			lv = n.Level
		} else if n.Level != lv {
			return -1
		}
	}
	return lv
}

// rollupCount is how complete a roll-up f of region code is, counted in the
// regions a reader sees below it. The warehouse counts the children the
// region table gives: a municipality's one child is its placeholder 市辖区,
// so there the counts of the placeholders' own roll-ups of the same figure
// are read instead ("16个区县中16个", not "1个地市中1个"). Where placeholders
// stand beside real prefectures (Hainan), the regions are named only as
// regions below, of mixed kinds.
func rollupCount(ctx context.Context, c *Cache, code string, f figure) (reported, expected, level int, err error) {
	t, err := c.tree(ctx)
	if err != nil {
		return 0, 0, -1, err
	}
	n := t.node(code)
	if n == nil || len(n.children) == 0 {
		return f.Reported, f.Expected, -1, nil
	}
	var kids []*regionNode
	placeholders := 0
	for _, k := range n.children {
		kn := t.node(k)
		kids = append(kids, kn)
		if kn.Placeholder() {
			placeholders++
		}
	}
	switch {
	case placeholders == 0:
		return f.Reported, f.Expected, levelOf(kids), nil
	case placeholders < len(kids):
		return f.Reported, f.Expected, -1, nil
	}
	var below []*regionNode
	for _, k := range kids {
		fs, err := c.figuresOf(ctx, k.Code)
		if err != nil {
			return 0, 0, -1, err
		}
		found := false
		for _, g := range fs {
			if g.Rollup && g.Indicator == f.Indicator && g.Period == f.Period && g.Vintage == f.Vintage && g.Expected > 0 {
				reported += g.Reported
				expected += g.Expected
				found = true
				break
			}
		}
		if !found {
			// No roll-up of its own to count by: the warehouse's counts.
			return f.Reported, f.Expected, levelOf(kids), nil
		}
		below = append(below, t.children(k.Code)...)
	}
	return reported, expected, levelOf(below), nil
}

// rollupText describes a roll-up f of region code: "下级汇总：31个省份中31个"
// or, for a partial one, "部分汇总：31个省份中1个，不是该地区的数字".
func rollupText(ctx context.Context, c *Cache, l Lang, code string, f figure) (string, error) {
	reported, expected, level, err := rollupCount(ctx, c, code, f)
	if err != nil {
		return "", err
	}
	of := ""
	if expected > 0 {
		of = ofText(l, reported, expected, level)
	}
	switch {
	case f.Partial() && of != "" && reported >= expected:
		// every region below has a figure, but one of them is itself a
		// partial sum: "16 of 16" alone would read as complete
		return trf(l, "partial_further_down", of), nil
	case f.Partial() && of != "":
		return trf(l, "partial_of", of), nil
	case f.Partial():
		return tr(l, "partial_rollup"), nil
	case of != "":
		return trf(l, "summed_of", of), nil
	}
	return tr(l, "summed"), nil
}
