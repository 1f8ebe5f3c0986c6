package reports

import (
	"math"
	"sort"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// trendSeries is one line of a trend chart: (year, value) points.
type trendSeries struct {
	Key    string // what targets attach to (an indicator code)
	Name   string
	Points [][2]float64
	Dashed bool
	Color  string // empty: the palette's next colour
	// Symbols are the status symbols of points that are not final, by
	// year: one shared by every point goes after the series' name (legend
	// and tooltip), others are printed at their points.
	Symbols map[int]string
}

// uniformSymbol is the symbol every point of sr has ("" when none, or when
// they differ).
func (sr trendSeries) uniformSymbol() string {
	s := ""
	for i, p := range sr.Points {
		sym := sr.Symbols[int(p[0])]
		if i == 0 {
			s = sym
		} else if sym != s {
			return ""
		}
	}
	return s
}

// trendMark is a target drawn on a trend chart: a horizontal line at the
// target value and a vertical one at the target year (none for a level to
// keep, Year 0).
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
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, sr := range series {
		for _, p := range sr.Points {
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		}
	}
	for _, m := range marks {
		if m.Year != 0 {
			minX, maxX = math.Min(minX, float64(m.Year)), math.Max(maxX, float64(m.Year))
		}
	}
	// A category axis of every year in range: years print as years (a value
	// axis would print 1,952), and a year without data stays a gap.
	var years []string
	for y := int(minX); y <= int(maxX); y++ {
		years = append(years, strconv.Itoa(y))
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
	)
	line.SetXAxis(years)
	for _, sr := range series {
		data := make([]opts.LineData, len(years))
		for i := range data {
			data[i] = opts.LineData{Value: "-"}
		}
		for _, p := range sr.Points {
			data[int(p[0]-minX)] = opts.LineData{Value: round(p[1], 2)}
		}
		name := sr.Name
		if u := sr.uniformSymbol(); u != "" {
			name += "（" + u + "）"
		}
		line.AddSeries(name, data)
	}
	o := toOption(line)
	legendRows := (len(series) + 2) / 3
	o["grid"] = map[string]any{"left": 48, "right": 72, "top": 24, "bottom": 40 + 22*legendRows}
	o["xAxis"] = []any{map[string]any{"type": "category", "name": tr(l, "year"), "data": years, "boundaryGap": false}}
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
		so["connectNulls"] = true
		so["showAllSymbol"] = true
		if s.Color != "" {
			so["itemStyle"] = map[string]any{"color": s.Color}
			so["lineStyle"] = map[string]any{"color": s.Color}
		}
		so["symbolSize"] = 5
		if s.Dashed {
			ls, _ := so["lineStyle"].(map[string]any)
			if ls == nil {
				ls = map[string]any{}
			}
			ls["type"] = "dashed"
			so["lineStyle"] = ls
		}
		if len(s.Points) == 1 {
			so["symbolSize"] = 9
		}
		if len(s.Symbols) > 0 && s.uniformSymbol() == "" {
			// mixed statuses: the symbol printed at each point that has one
			if items, ok := so["data"].([]any); ok {
				for _, p := range s.Points {
					if sym := s.Symbols[int(p[0])]; sym != "" {
						items[int(p[0]-minX)] = map[string]any{"value": round(p[1], 2),
							"label": map[string]any{"show": true, "formatter": sym, "position": "top", "fontSize": 10}}
					}
				}
			}
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
				map[string]any{"name": m.Label, "yAxis": m.Value, "label": map[string]any{"formatter": m.Label, "position": "insideEndTop"}})
			if m.Year != 0 { // a level to keep has no year to mark
				data = append(data,
					map[string]any{"name": m.Label, "xAxis": strconv.Itoa(m.Year), "label": map[string]any{"formatter": trf(l, "target_year", m.Year), "position": "end"}})
			}
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
