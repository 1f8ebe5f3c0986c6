package reports

import (
	"context"
	"slices"
	"sort"
	"strings"
)

func init() {
	registerKind(&Kind{
		Name: "figures",
		About: "the region's own figure of each indicator at each period beside the sum of the regions below it, each sum with how complete it is " +
			"(a partial sum is never the region's figure), as a table; with no periods, each indicator's latest",
		MinIndicators: 1, MaxIndicators: -1,
		Build: buildFigures,
	})
}

func buildFigures(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	fs, err := q.Cache.figuresOf(ctx, q.Region.Code)
	if err != nil {
		return err
	}
	tab := &Table{Columns: []string{tr(l, "indicator"), tr(l, "period"), tr(l, "own_figure"), tr(l, "rollup_figure"), tr(l, "remark")},
		Numeric: []bool{false, false, true, false, false}, Short: []bool{false, true, false, false, false}, LinkCol: 0, BarCol: -1}
	sm, err := newStatusMarks(ctx, q.Cache)
	if err != nil {
		return err
	}
	var used []string
	for _, code := range c.Indicators {
		info := infos[code]
		periods := c.Periods
		if c.Period != "" {
			periods = []string{c.Period}
		}
		if len(periods) == 0 {
			latest := ""
			for _, f := range fs {
				if f.Indicator == code && f.Value.Valid && periodKey(f.Period) > periodKey(latest) {
					latest = f.Period
				}
			}
			if latest != "" {
				periods = []string{latest}
			}
		}
		for _, p := range periods {
			own, sum, ok := figurePair(fs, code, p)
			if !ok {
				continue
			}
			row := []string{info.name(l), p, tr(l, "none"), tr(l, "none"), ""}
			synthetic := false
			if own != nil {
				row[2] = withSymbol(info.shown(own.Value.Float64, l), sm.symbol(own.Status))
				synthetic = own.Synthetic
			}
			if sum != nil {
				txt, err := rollupText(ctx, q.Cache, l, q.Region.Code, *sum)
				if err != nil {
					return err
				}
				v := withSymbol(info.shown(sum.Value.Float64, l), sm.symbol(sum.Status))
				row[3] = v + "（" + txt + "）"
				if l == En {
					row[3] = v + " (" + txt + ")"
				}
				synthetic = synthetic || sum.Synthetic
			}
			var remark []string
			switch {
			case own != nil && sum != nil:
				remark = append(remark, tr(l, "beside"))
				if q.Region.Code == CountryCode && code == "urban.rate_census" {
					remark = append(remark, tr(l, "country_census"))
				}
			case sum != nil && sum.Partial():
				remark = append(remark, tr(l, "partial_only"))
			case sum != nil:
				remark = append(remark, tr(l, "rollup_only"))
			}
			row[4] = strings.Join(remark, tr(l, "sentence_sep"))
			tab.Rows = append(tab.Rows, row)
			tab.Synthetic = append(tab.Synthetic, synthetic)
			b.Synthetic = b.Synthetic || synthetic
			b.DataDate = maxDate(b.DataDate, p)
			if !slices.Contains(used, code) {
				used = append(used, code)
			}
		}
	}
	if len(tab.Rows) == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name)
		return nil
	}
	b.Table = tab
	b.Sources = indicatorSource(l, infos, used)
	if rs, err := reportedSource(ctx, q.Cache, l, q.Region.Code); err != nil {
		return err
	} else if rs != "" {
		b.Sources = append(b.Sources, rs)
	}
	if lg := sm.legend(l); lg != "" {
		b.Footnotes = append(b.Footnotes, lg)
	}
	return nil
}

// figurePair picks, among a region's rows of indicator in period, its own
// figure (not a roll-up; the one of its series first) and the sum of the
// regions below it (its series' roll-up, else one beside its own figure,
// else a partial one); ok is false when there is neither.
func figurePair(fs []figure, indicator, period string) (own, sum *figure, ok bool) {
	var owns, sums []*figure
	for i := range fs {
		f := &fs[i]
		if f.Indicator != indicator || f.Period != period || !f.Value.Valid {
			continue
		}
		if f.Rollup {
			sums = append(sums, f)
		} else {
			owns = append(owns, f)
		}
	}
	rank := func(f *figure) int {
		switch {
		case f.InSeries:
			return 0
		case f.BesideOwn:
			return 1
		case !f.Partial():
			return 2
		}
		return 3
	}
	sort.SliceStable(owns, func(i, j int) bool { return rank(owns[i]) < rank(owns[j]) })
	sort.SliceStable(sums, func(i, j int) bool { return rank(sums[i]) < rank(sums[j]) })
	if len(owns) > 0 {
		own = owns[0]
	}
	if len(sums) > 0 {
		sum = sums[0]
	}
	return own, sum, own != nil || sum != nil
}
