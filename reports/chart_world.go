package reports

import (
	"context"
	"database/sql"
	"fmt"
)

func init() {
	registerKind(&Kind{
		Name:  "world",
		About: "World Bank urban population share: China against the world and income groups, by year",
		Build: buildWorld,
	})
}

// defaultEconomies are China, the world and the World Bank income groups.
var defaultEconomies = []string{"CHN", "WLD", "HIC", "UMC", "LMC", "LIC"}

var economyNames = map[string]string{
	"CHN": "中国", "WLD": "世界", "HIC": "高收入经济体", "UMC": "中等偏上收入经济体",
	"LMC": "中等偏下收入经济体", "LIC": "低收入经济体", "MIC": "中等收入经济体",
	"EAS": "东亚与太平洋", "USA": "美国", "JPN": "日本", "IND": "印度",
}

func buildWorld(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	codes := c.Economies
	if len(codes) == 0 {
		codes = defaultEconomies
	}
	to := c.To
	if to == 0 {
		to = 9999
	}
	// The same for every region: read once per cache.
	type point struct {
		iso, country string
		year         int
		value        float64
	}
	key := fmt.Sprintf("world:%q:%d:%d", codes, c.From, to)
	pts, err := cached(ctx, q.Cache, key, "", func(ctx context.Context, _ []string) (map[string][]point, error) {
		var pts []point
		err := query(ctx, q.Cache.db, "intl_series", `
			SELECT iso3, coalesce(country, iso3), year, value
			FROM intl_series
			WHERE series_code = 'SP.URB.TOTL.IN.ZS' AND list_contains(?, iso3) AND year BETWEEN ? AND ? AND value IS NOT NULL
			ORDER BY iso3, year`, func(rows *sql.Rows) error {
			var p point
			if err := rows.Scan(&p.iso, &p.country, &p.year, &p.value); err != nil {
				return err
			}
			pts = append(pts, p)
			return nil
		}, codes, c.From, to)
		return map[string][]point{"": pts}, err
	})
	if err != nil {
		return err
	}
	points := map[string][][2]float64{}
	names := map[string]string{}
	for _, p := range pts {
		points[p.iso] = append(points[p.iso], [2]float64{float64(p.year), p.value})
		names[p.iso] = p.country
		b.DataDate = maxDate(b.DataDate, fmt.Sprint(p.year))
	}
	if len(points) == 0 {
		b.Empty = trf(l, "no_data", tr(l, "wb_source"))
		return nil
	}
	var series []trendSeries
	for _, iso := range codes {
		p, ok := points[iso]
		if !ok {
			continue
		}
		name := names[iso]
		if zh, ok := economyNames[iso]; ok && l == Zh {
			name = zh
		}
		series = append(series, trendSeries{Key: iso, Name: name, Points: p, Dashed: iso != "CHN" && iso != "WLD"})
	}
	o := trendOption(l, series, nil, true)
	// China stands out.
	if len(series) > 0 && series[0].Key == "CHN" {
		s := seriesAt(o, 0)
		s["lineStyle"] = map[string]any{"width": 3, "color": "#b22222"}
		s["z"] = 3
		s["itemStyle"] = map[string]any{"color": "#b22222"}
	}
	for i := range series {
		seriesAt(o, i)["showSymbol"] = false
	}
	b.Option = o
	b.Note = tr(l, "wb_note")
	b.Sources = []string{tr(l, "wb_source")}
	return nil
}
