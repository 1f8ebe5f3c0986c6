package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

func init() {
	registerKind(&Kind{
		Name:          "urbanisation",
		About:         "resident and hukou urbanisation rates by year from the population table (for a region without rows of its own, its sub-regions summed), each vintage drawn separately, with targets",
		MaxIndicators: 0,
		Build:         buildUrbanisation,
	})
}

// vintageLabels name the releases national series come from; census and
// sample-survey vintages of different years share one label (and one series).
var vintageLabels = map[string][2]string{
	"CSY1998_p105":            {"《中国统计年鉴1998》", "China Statistical Yearbook 1998"},
	"NBS_data_portal_revised": {"国家统计局年度数据（普查后修订）", "NBS annual data (revised after census)"},
	"first_release":           {"年度统计公报首次发布", "first release"},
	"NBS_review_articles":     {"国家统计局回顾文章", "NBS review articles"},
	"hukou_rate_release":      {"户籍城镇化率发布", "hukou rate releases"},
	"census":                  {"人口普查", "census"},
	"1pct_sample_survey":      {"1%人口抽样调查", "1% sample survey"},
	"demo":                    {"示例数据", "synthetic demo"},
}

func vintageLabel(l Lang, v string) string {
	key := v
	switch {
	case strings.HasPrefix(v, "census_"):
		key = "census"
	case strings.HasPrefix(v, "1pct_sample_survey"):
		key = "1pct_sample_survey"
	}
	if lbl, ok := vintageLabels[key]; ok {
		if l == En {
			return lbl[1]
		}
		return lbl[0]
	}
	return v
}

func buildUrbanisation(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	to := c.To
	if to == 0 {
		to = 9999
	}
	ps, err := q.Cache.population(ctx, q.Region.Code)
	if err != nil {
		return err
	}
	summed := 0 // sub-regions summed, where the region has no rows of its own
	if len(ps) == 0 {
		if ps, summed, err = summedPopulation(ctx, q); err != nil {
			return err
		}
	}
	type key struct {
		hukou bool
		label string
	}
	var order []key
	points := map[key][][2]float64{}
	symbols := map[key]map[int]string{}
	drawn := map[[2]string]map[string]bool{} // (indicator, vintage) → years
	marks0, err := newStatusMarks(ctx, q.Cache)
	if err != nil {
		return err
	}
	var src sourceSet
	for _, row := range ps {
		if row.Year < c.From || row.Year > to {
			continue
		}
		year := row.Year
		lbl := vintageLabel(l, row.Vintage)
		for _, s := range []struct {
			hukou bool
			v     sql.NullFloat64
		}{{false, row.Resident}, {true, row.Huk}} {
			if !s.v.Valid {
				continue
			}
			k := key{s.hukou, lbl}
			if _, ok := points[k]; !ok {
				order = append(order, k)
			}
			points[k] = append(points[k], [2]float64{float64(year), s.v.Float64})
			dk := [2]string{"urban.rate_resident", row.Vintage}
			if s.hukou {
				dk[0] = "urban.rate_hukou"
			}
			if drawn[dk] == nil {
				drawn[dk] = map[string]bool{}
			}
			drawn[dk][strconv.Itoa(year)] = true
			if sym := marks0.symbol(row.Status); sym != "" {
				if symbols[k] == nil {
					symbols[k] = map[int]string{}
				}
				symbols[k][year] = sym
			}
			b.DataDate = maxDate(b.DataDate, row.Date)
		}
		b.Synthetic = b.Synthetic || row.Synthetic
		src.add(row.Source)
	}
	if len(order) == 0 {
		b.Empty = trf(l, "no_data", fmt.Sprintf("%s %s", q.Region.Name, tr(l, "resident")))
		return nil
	}
	// Resident series first, then hukou; in each, the order of first year.
	// One colour per release, shared by its resident and hukou lines.
	colour := map[string]string{}
	for _, k := range order {
		if _, ok := colour[k.label]; !ok {
			colour[k.label] = palette[len(colour)%len(palette)]
		}
	}
	var series []trendSeries
	for _, hukou := range []bool{false, true} {
		for _, k := range order {
			if k.hukou != hukou {
				continue
			}
			name, code := tr(l, "resident"), "urban.rate_resident"
			if hukou {
				name, code = tr(l, "hukou"), "urban.rate_hukou"
			}
			if k.label != "" {
				name += " · " + k.label
			}
			p := points[k]
			sortPoints(p)
			series = append(series, trendSeries{Key: code, Name: name, Points: p, Dashed: hukou, Color: colour[k.label], Symbols: symbols[k]})
		}
	}
	codes := []string{"urban.rate_resident", "urban.rate_hukou"}
	ts, err := targets(ctx, q.Cache, q.Region.Code, codes)
	if err != nil {
		return err
	}
	var marks []trendMark
	for _, t := range ts {
		marks = append(marks, trendMark{Key: t.Indicator, Year: t.Year, Value: t.Value,
			Label: trf(l, "target_label", Pct(t.Value), t.yearLabel(l))})
		src.add(t.Source)
	}
	b.Option = trendOption(l, series, marks, true)
	b.Height = 460
	b.Sources = src.list
	var notes []string
	if summed > 0 {
		notes = append(notes, trf(l, "summed_note", q.Region.Name, summed))
		infos, err := indicators(ctx, q.Cache, codes)
		if err != nil {
			return err
		}
		b.Sources = append(indicatorSource(l, infos, codes), b.Sources...)
	}
	if len(order) > 2 {
		notes = append(notes, tr(l, "vintage_note"))
	}
	b.Note = strings.Join(notes, " ")
	if lg := marks0.legend(l); lg != "" {
		b.Footnotes = append(b.Footnotes, lg)
	}
	notes, err = shownNotes(ctx, q.Cache, l, q.Region.Code, func(ind, vintage, period string) bool {
		for k, years := range drawn {
			if k[0] == ind && (vintage == "" || vintage == k[1]) && (period == "" || years[period]) {
				return true
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

// summedPopulation stands in for the population rows of a region that has
// none of its own (a district whose yearbook reports only its townships):
// the urbanisation rates rolled up from its sub-regions by the indicators
// (Σ urban population ÷ Σ population, by year and vintage), and how many
// sub-regions have a resident rate to sum. Partial roll-ups are not among
// them (see indicator_series).
func summedPopulation(ctx context.Context, q *Query) ([]populationRow, int, error) {
	vs, err := q.Cache.values(ctx, q.Region.Code)
	if err != nil {
		return nil, 0, err
	}
	statuses, err := q.Cache.statuses(ctx)
	if err != nil {
		return nil, 0, err
	}
	type key struct {
		year    int
		vintage string
	}
	rows := map[key]*populationRow{}
	var keys []key
	for _, v := range vs {
		if !v.Rollup || !v.Year.Valid || !v.Value.Valid || (v.Indicator != "urban.rate_resident" && v.Indicator != "urban.rate_hukou") {
			continue
		}
		k := key{int(v.Year.Int64), v.Vintage}
		r := rows[k]
		if r == nil {
			r = &populationRow{Year: k.year, Vintage: k.vintage, Date: v.Period}
			rows[k] = r
			keys = append(keys, k)
		}
		if v.Indicator == "urban.rate_resident" {
			r.Resident = v.Value
		} else {
			r.Huk = v.Value
		}
		r.Synthetic = r.Synthetic || v.Synthetic
		// one row carries both rates: it takes the weaker status
		if r.Status == "" || statuses[v.Status].Rank > statuses[r.Status].Rank {
			r.Status = v.Status
		}
	}
	if len(keys) == 0 {
		return nil, 0, nil
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].year != keys[j].year {
			return keys[i].year < keys[j].year
		}
		return keys[i].vintage < keys[j].vintage
	})
	out := make([]populationRow, len(keys))
	for i, k := range keys {
		out[i] = *rows[k]
	}
	children, err := q.Cache.childValues(ctx, q.Region.Code)
	if err != nil {
		return nil, 0, err
	}
	subs := map[string]bool{}
	for _, c := range children {
		if c.Indicator == "urban.rate_resident" {
			subs[c.Code] = true
		}
	}
	return out, max(1, len(subs)), nil
}
