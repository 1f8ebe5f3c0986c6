package reports

import (
	"math"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// trendSeries is one line of a trend chart: (year, value) points.
type trendSeries struct {
	Key    string // what targets attach to (an indicator code)
	Name   string
	Points [][2]float64
	Dashed bool
}

// trendMark is a target drawn on a trend chart: a horizontal line at the
// target value and a vertical one at the target year.
type trendMark struct {
	Key   string
	Label string
	Year  int
	Value float64
}

// trendOption draws year-on-x line charts shared by the trend kinds. Series
// with a single point or sparse points still show their symbols, so a census
// year stands out as a dot.
func trendOption(l Lang, series []trendSeries, marks []trendMark, pct bool) map[string]any {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
	)
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		data := make([]opts.LineData, len(s.Points))
		for i, p := range s.Points {
			data[i] = opts.LineData{Value: []any{p[0], round(p[1], 2)}}
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		}
		line.AddSeries(s.Name, data)
	}
	for _, m := range marks {
		minX, maxX = math.Min(minX, float64(m.Year)), math.Max(maxX, float64(m.Year))
	}
	o := toOption(line)
	o["grid"] = map[string]any{"left": 56, "right": 72, "top": 24, "bottom": 64}
	o["xAxis"] = []any{map[string]any{"type": "value", "name": tr(l, "year"), "min": minX, "max": maxX,
		"minInterval": 1, "axisLabel": map[string]any{"formatter": "{value}"}, "splitLine": map[string]any{"show": false}}}
	y := pctAxis(false)
	if !pct {
		y = map[string]any{"type": "value"}
	}
	y["scale"] = true
	o["yAxis"] = []any{y}
	attached := map[string]bool{}
	for i, s := range series {
		so := seriesAt(o, i)
		so["showSymbol"] = true
		so["symbolSize"] = 5
		if s.Dashed {
			so["lineStyle"] = map[string]any{"type": "dashed"}
		}
		if len(s.Points) == 1 {
			so["symbolSize"] = 9
		}
		if attached[s.Key] {
			continue
		}
		var data []any
		for _, m := range marks {
			if m.Key != s.Key {
				continue
			}
			data = append(data,
				map[string]any{"name": m.Label, "yAxis": m.Value, "label": map[string]any{"formatter": m.Label, "position": "insideEndTop"}},
				map[string]any{"name": m.Label, "xAxis": m.Year, "label": map[string]any{"formatter": trf(l, "target_year", m.Year), "position": "end"}},
			)
		}
		if len(data) > 0 {
			attached[s.Key] = true
			so["markLine"] = map[string]any{"symbol": "none", "silent": true, "data": data,
				"lineStyle": map[string]any{"type": "dotted", "width": 1.5}}
		}
	}
	return o
}

// sortPoints orders a series by year.
func sortPoints(p [][2]float64) {
	sort.Slice(p, func(i, j int) bool { return p[i][0] < p[j][0] })
}
