package reports

import (
	"context"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name:  "org_kind",
		About: "organisations in scope by kind and party organisation mode (single, joint, affiliated, none), with each kind's coverage",
		Build: buildOrgKind,
	})
}

var modeOrder = []string{"single", "joint", "affiliated", "none"}
var modeColour = map[string]string{"single": "#3ba272", "joint": "#91cc75", "affiliated": "#73c0de", "none": "#c8ccd2"}
var kindOrder = []string{"nonpublic_enterprise", "social_group", "private_non_enterprise", "foundation", "other"}

func buildOrgKind(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	snap, rs, err := q.Cache.latestCounts(ctx, "org_kind", "organisation", "kind", "party_org_mode", "in_scope", q.Region.Code)
	if err != nil {
		return err
	}
	counts, _, synthetic := crossTab(rs)
	b.Synthetic = b.Synthetic || synthetic
	if len(counts) == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "organisations"))
		return nil
	}
	kinds := ordered(counts, kindOrder)
	var labels []string
	for i := len(kinds) - 1; i >= 0; i-- {
		k := kinds[i]
		total, with := 0, 0
		for m, n := range counts[k] {
			total += n
			if m != "none" {
				with += n
			}
		}
		labels = append(labels, fmt.Sprintf("%s\n%s %s", codeLabel(l, k), tr(l, "coverage"), Pct(100*float64(with)/float64(total))))
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}))
	bar.SetXAxis(labels)
	var modes []string
	for _, m := range modeOrder {
		data := make([]opts.BarData, 0, len(kinds))
		any := false
		for i := len(kinds) - 1; i >= 0; i-- {
			n := counts[kinds[i]][m]
			any = any || n > 0
			data = append(data, opts.BarData{Value: n})
		}
		if !any {
			continue
		}
		modes = append(modes, m)
		bar.AddSeries(tr(l, "mode_"+m), data, charts.WithBarChartOpts(opts.BarChart{Stack: "orgs"}))
	}
	o := toOption(bar)
	o["xAxis"] = []any{map[string]any{"type": "value", "name": tr(l, "organisations"), "minInterval": 1}}
	o["yAxis"] = []any{map[string]any{"type": "category", "data": labels, "axisLabel": map[string]any{"interval": 0}}}
	o["grid"] = map[string]any{"left": 8, "right": 48, "top": 40, "bottom": 24, "containLabel": true}
	for i, m := range modes {
		s := seriesAt(o, i)
		s["itemStyle"] = map[string]any{"color": modeColour[m]}
		s["label"] = map[string]any{"show": true, "fontSize": 10}
		s["labelLayout"] = map[string]any{"hideOverlap": true}
	}
	b.Option = o
	b.Height = max(240, 100+56*len(kinds))
	b.DataDate = snap
	b.Note = trf(l, "snapshot", snap)
	b.Sources = []string{"organisation（" + q.Region.Name + "）"}
	return nil
}
