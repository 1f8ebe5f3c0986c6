package reports

import (
	"context"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name:  "education",
		About: "education of party members by category (rural, community, enterprise …) at the latest snapshot, as 100% stacked bars",
		Build: buildEducation,
	})
}

// educationOrder is the schema's education codes, lowest first; "" is not
// reported.
var educationOrder = []string{"primary_or_below", "junior_high", "senior_high", "college", "bachelor", "postgraduate", ""}

// categoryOrder is the order categories are listed in.
var categoryOrder = []string{"rural", "community", "agency", "enterprise", "social_org", "public_institution", "retired", "student", "other"}

func buildEducation(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	snap, rs, err := q.Cache.latestCounts(ctx, "education", "party_member", "coalesce(category, 'other')", "coalesce(education, '')", "true", q.Region.Code)
	if err != nil {
		return err
	}
	counts, totals, synthetic := crossTab(rs)
	b.Synthetic = b.Synthetic || synthetic
	if len(counts) == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "members"))
		return nil
	}
	cats := ordered(counts, categoryOrder)
	rule, err := q.Cache.smallCells(ctx)
	if err != nil {
		return err
	}
	// Each category's total is printed beside it and its shares sum to
	// 100%: hide small cells, a second cell of a row with one, and every
	// share of a category whose total is hidden (see smallcells.go).
	cells := make([][]float64, len(cats))
	for i, k := range cats {
		for _, e := range educationOrder {
			cells[i] = append(cells[i], float64(counts[k][e]))
		}
	}
	hide, rowHide, _, _ := rule.Grid(cells, true, false, false)
	hidden := false
	var labels []string
	// Listed top-down: the first category at the top of the chart.
	for i := len(cats) - 1; i >= 0; i-- {
		k := cats[i]
		n := Count(float64(totals[k]), l)
		if rowHide[i] {
			n, hidden = rule.Mark(float64(totals[k])), true
		}
		labels = append(labels, fmt.Sprintf("%s（%s）", codeLabel(l, k), n))
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Type: "scroll"}))
	bar.SetXAxis(labels)
	var eduShown []string
	for j, e := range educationOrder {
		any := false
		for i, k := range cats {
			any = any || (counts[k][e] > 0 && !hide[i][j] && !rowHide[i])
		}
		if !any {
			continue
		}
		eduShown = append(eduShown, e)
		data := make([]opts.BarData, 0, len(cats))
		for i := len(cats) - 1; i >= 0; i-- {
			k := cats[i]
			if hide[i][j] || rowHide[i] {
				data = append(data, opts.BarData{Value: "-"})
				hidden = true
				continue
			}
			data = append(data, opts.BarData{Value: round(100*float64(counts[k][e])/float64(totals[k]), 1)})
		}
		bar.AddSeries(codeLabel(l, e), data, charts.WithBarChartOpts(opts.BarChart{Stack: "share"}))
	}
	if len(eduShown) == 0 {
		b.Empty = trf(l, "small_cells_all", q.Region.Name+" "+tr(l, "members"), rule.Threshold)
		b.DataDate = snap
		return nil
	}
	o := toOption(bar)
	o["xAxis"] = []any{pctAxis(true)}
	o["yAxis"] = []any{map[string]any{"type": "category", "data": labels, "axisLabel": map[string]any{"interval": 0}}}
	o["grid"] = map[string]any{"left": 8, "right": 24, "top": 40, "bottom": 24, "containLabel": true}
	for i := range eduShown {
		s := seriesAt(o, i)
		s["label"] = map[string]any{"show": true, "formatter": "{c}%", "fontSize": 10}
		s["labelLayout"] = map[string]any{"hideOverlap": true}
	}
	b.Option = o
	b.Height = max(260, 100+40*len(cats))
	b.DataDate = snap
	b.Note = trf(l, "snapshot", snap)
	if hidden {
		b.AddFootnote(footnote(rule, l))
	}
	b.Sources = []string{"party_member（" + q.Region.Name + "）"}
	return nil
}
