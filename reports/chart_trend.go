package reports

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

func init() {
	registerKind(&Kind{
		Name:          "trend",
		About:         "computed indicator values by year for one region, one line per indicator (its preferred vintage, never a partial roll-up), with target lines and target-year markers",
		MinIndicators: 1, MaxIndicators: 6,
		Build: buildTrend,
	})
}

func buildTrend(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	to := c.To
	if to == 0 {
		to = 9999
	}
	vs, err := q.Cache.values(ctx, q.Region.Code)
	if err != nil {
		return err
	}
	type key struct{ ind, vintage string }
	points := map[key][][2]float64{}
	symbols := map[key]map[int]string{}
	sm, err := newStatusMarks(ctx, q.Cache)
	if err != nil {
		return err
	}
	var order []key
	for _, v := range vs {
		if !slices.Contains(c.Indicators, v.Indicator) || !v.Year.Valid || v.Year.Int64 < int64(c.From) || v.Year.Int64 > int64(to) || !v.Value.Valid {
			continue
		}
		k := key{v.Indicator, v.Vintage}
		if _, ok := points[k]; !ok {
			order = append(order, k)
		}
		points[k] = append(points[k], [2]float64{float64(v.Year.Int64), v.Value.Float64})
		if sym := sm.symbol(v.Status); sym != "" {
			if symbols[k] == nil {
				symbols[k] = map[int]string{}
			}
			symbols[k][int(v.Year.Int64)] = sym
		}
		b.Synthetic = b.Synthetic || v.Synthetic
		b.DataDate = maxDate(b.DataDate, v.Period)
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
			series = append(series, trendSeries{Key: code, Name: name, Points: points[k], Dashed: i > 0 && len(c.Indicators) == 2,
				Symbols: symbols[k]})
		}
	}
	ts, err := targets(ctx, q.Cache, q.Region.Code, c.Indicators)
	if err != nil {
		return err
	}
	var marks []trendMark
	var src sourceSet
	src.add(indicatorSource(l, infos, c.Indicators)...)
	for _, t := range ts {
		marks = append(marks, trendMark{Key: t.Indicator, Year: t.Year, Value: t.Value,
			Label: t.label(l, infos[t.Indicator].Unit)})
		src.add(t.Source)
	}
	b.Option = trendOption(l, series, marks, pct)
	b.Sources = src.list
	if lg := sm.legend(l); lg != "" {
		b.Footnotes = append(b.Footnotes, lg)
	}
	notes, err := shownNotes(ctx, q.Cache, l, q.Region.Code, func(ind, vintage, period string) bool {
		for k, ps := range points {
			if k.ind != ind || (vintage != "" && vintage != k.vintage) {
				continue
			}
			for _, p := range ps {
				if period == "" || period == strconv.Itoa(int(p[0])) {
					return true
				}
			}
		}
		return false
	})
	if err != nil {
		return err
	}
	b.Footnotes = append(b.Footnotes, notes...)
	return nil
}
