package reports

import (
	"context"
	"sort"
)

func init() {
	registerKind(&Kind{
		Name: "compare_above",
		About: "one indicator at each period for the chart's region and every region above it up to the country (闵行区, 上海市, 全国), " +
			"as grouped bars: each region's own figure, or the complete sum of the regions below it",
		MinIndicators: 1, MaxIndicators: 1,
		Build: buildCompareAbove,
	})
}

func buildCompareAbove(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	t, err := q.Cache.tree(ctx)
	if err != nil {
		return err
	}
	code := c.Indicators[0]
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	info := infos[code]
	chain := append(t.up(q.Region.Code), &regionNode{Region: q.Region})
	periods := c.Periods
	if c.Period != "" {
		periods = []string{c.Period}
	}
	if len(periods) == 0 {
		fs, err := q.Cache.figuresOf(ctx, q.Region.Code)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, f := range fs {
			if f.Indicator == code && f.InSeries && f.Value.Valid && !seen[f.Period] {
				seen[f.Period] = true
				periods = append(periods, f.Period)
			}
		}
		sort.Slice(periods, func(i, j int) bool { return periodKey(periods[i]) < periodKey(periods[j]) })
	}
	var names []string
	for _, n := range chain {
		names = append(names, n.Name)
	}
	label := "{c}"
	y := map[string]any{"type": "value"}
	if info.Unit == "%" {
		label = "{c}%"
		y = pctAxis(false)
	}
	// The option is built as a map, not through go-echarts: its round trip
	// through JSON costs more than the chart, on every page of a site.
	own := false
	var shown []string
	var series []any
	for _, p := range periods {
		data := make([]any, len(chain))
		has := false
		for i, n := range chain {
			f, ok, err := q.Cache.seriesFigure(ctx, n.Code, code, p)
			if err != nil {
				return err
			}
			if !ok {
				data[i] = "-"
				continue
			}
			data[i] = round(f.Value.Float64, 2)
			has = true
			own = own || n.Code == q.Region.Code
			b.Synthetic = b.Synthetic || f.Synthetic
		}
		if !has {
			continue
		}
		series = append(series, map[string]any{"type": "bar", "name": trf(l, "period_year", yearOf(p)), "data": data,
			"label":     map[string]any{"show": true, "position": "top", "formatter": label, "fontSize": 11},
			"itemStyle": map[string]any{"color": palette[len(shown)%len(palette)]}})
		shown = append(shown, p)
	}
	if !own {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+info.name(l))
		return nil
	}
	o := map[string]any{
		"tooltip": map[string]any{"show": true, "trigger": "axis"},
		"legend":  map[string]any{"show": true, "top": "0"},
		"xAxis":   []any{map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0}}},
		"yAxis":   []any{y},
		"grid":    map[string]any{"left": 48, "right": 16, "top": 40, "bottom": 32},
		"series":  series,
	}
	b.Option = o
	b.Height = 320
	for _, p := range shown {
		b.DataDate = maxDate(b.DataDate, p)
	}
	b.Note = info.name(l) + " · " + tr(l, "compare_note")
	b.Sources = indicatorSource(l, infos, c.Indicators)
	return nil
}
