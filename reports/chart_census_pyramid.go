package reports

import (
	"context"
	"fmt"
)

func init() {
	registerKind(&Kind{
		Name: "census_pyramid",
		About: "the region's census population by five-year age band and sex, as shares of its population, as an age pyramid: " +
			"the latest census as bars, the one before as a dashed outline",
		Build: buildCensusPyramid,
	})
}

// censusBands groups a census's age bands into five-year bands up to the
// open top band; top is where that band starts (85 for 85+).
func censusBands(top int) []string {
	var out []string
	for lo := 0; lo < top; lo += 5 {
		out = append(out, fmt.Sprintf("%d–%d", lo, min(lo+4, top-1)))
	}
	return append(out, fmt.Sprintf("%d+", top))
}

func buildCensusPyramid(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	all, sum, err := censusAgeYears(ctx, q)
	if err != nil {
		return err
	}
	byYear := map[int][]ageRow{}
	var years []int
	for _, y := range sortedYears(all) {
		if (c.From == 0 || y >= c.From) && (c.To == 0 || y <= c.To) {
			byYear[y] = all[y]
			years = append(years, y)
		}
	}
	if len(years) == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "age"))
		return nil
	}
	if len(years) > 2 {
		years = years[len(years)-2:]
	}
	// The open top band both censuses can show: the lowest start of an open
	// band, rounded down to five years.
	top := 200
	for _, y := range years {
		for _, r := range byYear[y] {
			if !r.To.Valid {
				top = min(top, r.From/5*5)
			}
		}
	}
	if top == 200 {
		top = 85
		for _, y := range years {
			for _, r := range byYear[y] {
				top = max(top, (r.From/5+1)*5)
			}
		}
	}
	bands := censusBands(top)
	// Shares of the year's population, in %, men and women.
	type shares struct{ men, women []float64 }
	share := map[int]shares{}
	totals := map[int]float64{}
	date := ""
	for _, y := range years {
		s := shares{make([]float64, len(bands)), make([]float64, len(bands))}
		total := 0.0
		for _, r := range byYear[y] {
			total += r.Persons
		}
		if total == 0 {
			continue
		}
		for _, r := range byYear[y] {
			i := min(r.From/5, len(bands)-1)
			if r.From >= top {
				i = len(bands) - 1
			}
			if r.Male {
				s.men[i] += 100 * r.Persons / total
			} else {
				s.women[i] += 100 * r.Persons / total
			}
			b.Synthetic = b.Synthetic || r.Synthetic
			if y == years[len(years)-1] {
				date = maxDate(date, r.Date)
			}
		}
		share[y] = s
		totals[y] = total
	}
	latest := years[len(years)-1]
	if _, ok := share[latest]; !ok {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "age"))
		return nil
	}
	values := func(v []float64) []any {
		d := make([]any, len(v))
		for i, x := range v {
			d[i] = round(x, 2)
		}
		return d
	}
	men, women := tr(l, "male"), tr(l, "female")
	if len(years) > 1 {
		men += " " + trf(l, "period_year", fmt.Sprint(latest))
		women += " " + trf(l, "period_year", fmt.Sprint(latest))
	}
	// Two grids back to back: men to the left (an inverted axis, so no
	// negative numbers), women to the right, ages between. Built as a map,
	// not through go-echarts: its round trip through JSON costs more than
	// the chart, on every page of a site.
	axis := map[string]any{"formatter": "{value}%"}
	o := map[string]any{
		"tooltip": map[string]any{"show": true, "trigger": "axis"},
		"legend":  map[string]any{"show": true, "top": "0"},
		"grid": []any{
			map[string]any{"left": "3%", "right": "55%", "top": 36, "bottom": 28},
			map[string]any{"left": "55%", "right": "3%", "top": 36, "bottom": 28},
		},
		"xAxis": []any{
			map[string]any{"type": "value", "gridIndex": 0, "inverse": true, "axisLabel": axis},
			map[string]any{"type": "value", "gridIndex": 1, "axisLabel": axis},
		},
		"yAxis": []any{
			map[string]any{"type": "category", "gridIndex": 0, "data": bands, "position": "right",
				"axisLabel": map[string]any{"interval": 0, "margin": 34, "align": "center", "fontSize": 10}, "axisTick": map[string]any{"show": false}},
			map[string]any{"type": "category", "gridIndex": 1, "data": bands, "axisLabel": map[string]any{"show": false}, "axisTick": map[string]any{"show": false}},
		},
		"series": []any{
			map[string]any{"type": "bar", "name": men, "data": values(share[latest].men), "barCategoryGap": "12%",
				"itemStyle": map[string]any{"color": "#5470c6"}},
			map[string]any{"type": "bar", "name": women, "data": values(share[latest].women), "barCategoryGap": "12%",
				"xAxisIndex": 1, "yAxisIndex": 1, "itemStyle": map[string]any{"color": "#ee6666"}},
		},
	}
	b.Note = trf(l, "pyramid_note1", latest, Count(totals[latest], l))
	if len(years) > 1 {
		prev := years[0]
		if _, ok := share[prev]; ok {
			series := o["series"].([]any)
			line := func(name string, v []float64, grid int, colour string) map[string]any {
				return map[string]any{"type": "line", "name": name, "data": values(v), "xAxisIndex": grid, "yAxisIndex": grid,
					"step": "middle", "symbol": "none", "lineStyle": map[string]any{"type": "dashed", "width": 1.5, "color": colour},
					"itemStyle": map[string]any{"color": colour}}
			}
			y := " " + trf(l, "period_year", fmt.Sprint(prev))
			series = append(series, line(tr(l, "male")+y, share[prev].men, 0, "#1d3a8a"), line(tr(l, "female")+y, share[prev].women, 1, "#a61b1b"))
			o["series"] = series
			b.Note = trf(l, "pyramid_note", latest, Count(totals[latest], l), latest, prev)
		}
	}
	if n := sum.note(l); n != "" {
		b.Note += " · " + n
	}
	b.Option = o
	b.Height = 480
	b.DataDate = date
	b.Sources = []string{"census_population_age（" + q.Region.Name + "）"}
	return nil
}
