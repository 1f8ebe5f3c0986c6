package cli

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"grassroots/sql/indicators"
	"grassroots/sql/suppress"
	"grassroots/sql/warehouse"
)

// derivedColumns are the columns of an export computed from the value: a
// value that is not published takes them along (the previous value plus the
// change, or the target minus the distance, would give it back).
// changeColumns are the columns computed from the previous period's value.
var changeColumns = []string{"较上期变化", "年均变化", "年均增长率(%)", "按近期速度达标年份"}

// periodOrder orders periods: a year sorts as its last day.
func periodOrder(p string) string {
	if len(p) == 4 {
		return p + "-12-31"
	}
	return p
}

var derivedColumns = []string{"数值", "数值（全精度）", "较上期变化", "年均变化", "年均增长率(%)", "距目标", "所需年均进度", "按近期速度达标年份", "目标进度"}

// suppressExport hides in the rows of an indicator export (exportQuery's
// columns) the small cells of the warehouse's rule: a numerator or
// denominator that counts persons (@persons) below the threshold becomes
// "<3", and the value and what is computed from it "—". Where a region and
// the regions directly below it are all in the export (the region's figure
// is their sum), a lone hidden child takes a second one with it. Rows that
// hide anything say so in 数据说明. It returns how many rows hide something.
func suppressExport(ctx context.Context, db *sql.DB, res *Result) (int, error) {
	t, err := warehouse.SmallCellThreshold(ctx, db)
	if err != nil {
		return 0, err
	}
	rule := suppress.Rule{Threshold: t}
	if !rule.On() || len(res.Rows) == 0 {
		return 0, nil
	}
	col := map[string]int{}
	for i, c := range res.Columns {
		col[c] = i
	}
	for _, c := range append([]string{"指标代码", "区划代码", "时期", "数据口径", "来源", "分子", "分母", "数据说明"}, derivedColumns...) {
		if _, ok := col[c]; !ok {
			return 0, fmt.Errorf("export: no column %s to protect small cells in", c)
		}
	}
	parents, err := regionParents(ctx, db)
	if err != nil {
		return 0, err
	}
	str := func(v any) string { s, _ := text(v, ""); return s }
	num := func(v any) float64 {
		if f, ok := v.(float64); ok {
			return f
		}
		return 0
	}
	// One figure is a region's value of an indicator, period and vintage,
	// own or summed (来源); a row per target repeats it. Figures are
	// hidden together with their repeats.
	type group struct{ indicator, period, vintage string }
	type figure struct {
		group
		region, origin string
	}
	first := map[figure]int{}
	groups := map[group]map[string]int{} // a region's first figure by region
	figOf := make([]figure, len(res.Rows))
	figures := map[group][]int{} // the first row of each figure of a group
	for i, row := range res.Rows {
		g := group{str(row[col["指标代码"]]), str(row[col["时期"]]), str(row[col["数据口径"]])}
		f := figure{g, str(row[col["区划代码"]]), str(row[col["来源"]])}
		figOf[i] = f
		if _, dup := first[f]; !dup {
			first[f] = i
			figures[g] = append(figures[g], i)
		}
		if groups[g] == nil {
			groups[g] = map[string]int{}
		}
		if _, dup := groups[g][f.region]; !dup {
			groups[g][f.region] = i
		}
	}
	hideNum := make([]bool, len(res.Rows))
	hideDen := make([]bool, len(res.Rows))
	for g, byRegion := range groups {
		ind, err := indicators.Lookup(g.indicator)
		if err != nil {
			continue // not a bundled indicator: nothing says it counts persons
		}
		// Every figure of the group; sums link a region's first figure
		// to those of the regions directly below it.
		idx := figures[g]
		pos := map[int]int{}
		for p, i := range idx {
			pos[i] = p
		}
		children := map[int][]int{}
		for region, i := range byRegion {
			if p, ok := byRegion[parents[region]]; ok {
				children[p] = append(children[p], pos[i])
			}
		}
		var sums []suppress.Sum
		for p, parts := range children {
			slices.Sort(parts)
			sums = append(sums, suppress.Sum{Total: pos[p], Parts: parts})
		}
		for _, part := range []struct {
			persons bool
			column  string
			hide    []bool
		}{{ind.NumeratorPersons(), "分子", hideNum}, {ind.DenominatorPersons(), "分母", hideDen}} {
			if !part.persons {
				continue
			}
			values := make([]float64, len(idx))
			for p, i := range idx {
				values[p] = num(res.Rows[i][col[part.column]])
			}
			for p, h := range rule.Hide(values, sums) {
				part.hide[idx[p]] = h
			}
		}
	}
	for i, f := range figOf {
		hideNum[i], hideDen[i] = hideNum[first[f]], hideDen[first[f]]
	}
	// A value computed from a hidden one is hidden too: an indicator derived
	// from others (age gaps, urban concentration) where an input is hidden
	// in the same region and period — the shown input and the gap would
	// give the hidden one back.
	type at struct{ indicator, region, period string }
	hiddenAt := map[at]bool{}
	for i, row := range res.Rows {
		if hideNum[i] || hideDen[i] {
			hiddenAt[at{str(row[col["指标代码"]]), str(row[col["区划代码"]]), str(row[col["时期"]])}] = true
		}
	}
	hideValue := make([]bool, len(res.Rows))
	for i, row := range res.Rows {
		hideValue[i] = hideNum[i] || hideDen[i]
		if ind, err := indicators.Lookup(str(row[col["指标代码"]])); err == nil && !hideValue[i] {
			for _, d := range ind.DependsOn {
				if hiddenAt[at{d, str(row[col["区划代码"]]), str(row[col["时期"]])}] {
					hideValue[i] = true
				}
			}
		}
	}
	// The change on the previous period, the growth and the year a target
	// is reached at that pace give a hidden previous value back: blanked on
	// the period after a hidden one.
	type series struct{ indicator, region, vintage, origin string }
	periods := map[series][]string{}
	hiddenPeriod := map[series]map[string]bool{}
	for i, row := range res.Rows {
		k := series{str(row[col["指标代码"]]), str(row[col["区划代码"]]), str(row[col["数据口径"]]), str(row[col["来源"]])}
		p := str(row[col["时期"]])
		if !slices.Contains(periods[k], p) {
			periods[k] = append(periods[k], p)
		}
		if hideValue[i] {
			if hiddenPeriod[k] == nil {
				hiddenPeriod[k] = map[string]bool{}
			}
			hiddenPeriod[k][p] = true
		}
	}
	for k := range periods {
		slices.SortFunc(periods[k], func(a, b string) int { return strings.Compare(periodOrder(a), periodOrder(b)) })
	}
	n := 0
	for i, row := range res.Rows {
		k := series{str(row[col["指标代码"]]), str(row[col["区划代码"]]), str(row[col["数据口径"]]), str(row[col["来源"]])}
		if !hideValue[i] && len(hiddenPeriod[k]) > 0 {
			ps := periods[k]
			if j := slices.Index(ps, str(row[col["时期"]])); j > 0 && hiddenPeriod[k][ps[j-1]] {
				for _, c := range changeColumns {
					if row[col[c]] != nil {
						row[col[c]] = suppress.Dash
					}
				}
			}
		}
		if !hideValue[i] {
			continue
		}
		n++
		// "<3" for a small count, "x" for one hidden to protect another
		if hideNum[i] {
			row[col["分子"]] = rule.Mark(num(row[col["分子"]]))
		}
		if hideDen[i] {
			row[col["分母"]] = rule.Mark(num(row[col["分母"]]))
		}
		for _, c := range derivedColumns {
			if row[col[c]] != nil {
				row[col[c]] = suppress.Dash
			}
		}
		note := rule.Note()
		if s := str(row[col["数据说明"]]); s != "" {
			note = s + "；" + note
		}
		row[col["数据说明"]] = note
	}
	return n, nil
}

// regionParents maps each region code to its parent's.
func regionParents(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT code, coalesce(parent_code, '') FROM region`)
	if err != nil {
		return nil, fmt.Errorf("export: region parents: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, p string
		if err := rows.Scan(&c, &p); err != nil {
			return nil, err
		}
		out[c] = p
	}
	return out, rows.Err()
}
