package reports

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	registerKind(&Kind{
		Name:          "trend",
		About:         "computed indicator values by year for one region, one line per indicator and vintage, with target lines and target-year markers",
		MinIndicators: 1, MaxIndicators: 6,
		Build: buildTrend,
	})
}

func buildTrend(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	infos, err := indicators(ctx, q.DB, c.Indicators)
	if err != nil {
		return err
	}
	to := c.To
	if to == 0 {
		to = 9999
	}
	rows, err := q.DB.QueryContext(ctx, `
		SELECT indicator, vintage, year, period, value, is_synthetic
		FROM indicator_value
		WHERE region_code = ? AND list_contains(?, indicator) AND year BETWEEN ? AND ? AND value IS NOT NULL
		ORDER BY indicator, vintage, year, period`, q.Region.Code, c.Indicators, c.From, to)
	if err != nil {
		return fmt.Errorf("indicator_value: %w", err)
	}
	defer rows.Close()
	type key struct{ ind, vintage string }
	points := map[key][][2]float64{}
	var order []key
	for rows.Next() {
		var k key
		var year int
		var period string
		var v float64
		var synth bool
		if err := rows.Scan(&k.ind, &k.vintage, &year, &period, &v, &synth); err != nil {
			return err
		}
		if _, ok := points[k]; !ok {
			order = append(order, k)
		}
		points[k] = append(points[k], [2]float64{float64(year), v})
		b.Synthetic = b.Synthetic || synth
		b.DataDate = maxDate(b.DataDate, period)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var names []string
	for _, code := range c.Indicators {
		names = append(names, infos[code].name(l))
	}
	if len(order) == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+strings.Join(names, "、"))
		return nil
	}
	pct := true
	var series []trendSeries
	for i, code := range c.Indicators {
		info := infos[code]
		if info.Unit != "%" {
			pct = false
		}
		for _, k := range order {
			if k.ind != code {
				continue
			}
			name := info.name(l)
			if k.vintage != "" {
				name += " · " + vintageLabel(l, k.vintage)
			}
			series = append(series, trendSeries{Key: code, Name: name, Points: points[k], Dashed: i > 0 && len(c.Indicators) == 2})
		}
	}
	ts, err := targets(ctx, q.DB, q.Region.Code, c.Indicators)
	if err != nil {
		return err
	}
	var marks []trendMark
	var src sourceSet
	src.add(indicatorSource(l, infos, c.Indicators)...)
	for _, t := range ts {
		marks = append(marks, trendMark{Key: t.Indicator, Year: t.Year, Value: t.Value,
			Label: trf(l, "target_label", Value(t.Value, infos[t.Indicator].Unit, l), t.Year)})
		src.add(t.Source)
	}
	b.Option = trendOption(l, series, marks, pct)
	b.Sources = src.list
	return nil
}
