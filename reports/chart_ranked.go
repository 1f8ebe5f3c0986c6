package reports

import (
	"context"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name:          "ranked",
		About:         "one indicator for every region directly below the chart's region (towns and streets of a county), ranked, as horizontal bars",
		MinIndicators: 1, MaxIndicators: 1,
		Build: buildRanked,
	})
}

func buildRanked(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	code := c.Indicators[0]
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	info := infos[code]
	period := c.Period
	if period == "" {
		if period, err = q.Cache.latestChildPeriod(ctx, code, q.Region.Code); err != nil {
			return err
		}
	}
	vs, err := q.Cache.childValues(ctx, q.Region.Code)
	if err != nil {
		return err
	}
	var names []string
	var data []opts.BarData
	for _, v := range vs {
		if v.Indicator != code || v.Period != period {
			continue
		}
		names = append(names, v.Name)
		data = append(data, opts.BarData{Value: round(v.Value, 2)})
		b.Synthetic = b.Synthetic || v.Synthetic
	}
	if len(data) == 0 {
		b.Empty = trf(l, "no_data", fmt.Sprintf("%s %s", q.Region.Name, info.name(l)))
		return nil
	}
	b.DataDate = period
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	bar.SetXAxis(names).AddSeries(info.name(l), data)
	bar.XYReversal()
	o := toOption(bar)
	pct := info.Unit == "%"
	valueAxis := map[string]any{"type": "value"}
	label := "{c}"
	if pct {
		valueAxis = pctAxis(true)
		label = "{c}%"
	}
	o["xAxis"] = []any{valueAxis}
	o["yAxis"] = []any{map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0}}}
	o["grid"] = map[string]any{"left": 8, "right": 64, "top": 16, "bottom": 24, "containLabel": true}
	s := seriesAt(o, 0)
	s["label"] = map[string]any{"show": true, "position": "right", "formatter": label}
	s["itemStyle"] = map[string]any{"color": palette[0]}
	// The region's own value (summed up from its parts) as a reference line.
	ownRow, _, err := q.Cache.ownValue(ctx, code, q.Region.Code, period, false)
	if err != nil {
		return err
	}
	own := ownRow.Value
	if own.Valid {
		lbl := trf(l, "overall", q.Region.Name, Value(own.Float64, info.Unit, l))
		s["markLine"] = map[string]any{"symbol": "none", "silent": true,
			"data":      []any{map[string]any{"name": lbl, "xAxis": round(own.Float64, 2)}},
			"label":     map[string]any{"formatter": lbl, "position": "end"},
			"lineStyle": map[string]any{"type": "dashed", "color": "#b22222"}}
	}
	b.Option = o
	b.Height = max(240, 60+26*len(names))
	b.Note = fmt.Sprintf("%s · %s", info.name(l), period)
	b.Sources = indicatorSource(l, infos, c.Indicators)
	return nil
}
