package reports

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

func init() {
	registerKind(&Kind{
		Name: "children",
		About: "the regions directly below the chart's region (or, with sub_level, every region of that level inside it), ranked by the first indicator " +
			"at the first period, as a table: rank, region linked to its page, each indicator at each period, and a note where a value is a sum of the " +
			"regions below it (partial sums are named, never ranked); legible for hundreds of regions and on A4",
		MinIndicators: 1, MaxIndicators: -1,
		Build: buildChildren,
	})
}

// column is an indicator at a period, a column of a ranking.
type column struct {
	info   indicatorInfo
	period string
}

// longTable is the number of rows from which a table may break across
// printed pages rather than move to a page of its own.
const longTable = 20

func buildChildren(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	t, err := q.Cache.tree(ctx)
	if err != nil {
		return err
	}
	kids := t.children(q.Region.Code)
	if c.SubLevel > 0 {
		if c.SubLevel <= q.Region.Level {
			b.Empty = trf(l, "no_children", q.Region.Name)
			return nil
		}
		if levelOf(kids) == c.SubLevel {
			// A municipality's districts are its children already.
			b.Empty = trf(l, "same_as_children", levelNoun(l, c.SubLevel, 2))
			return nil
		}
		kids = t.within(q.Region.Code, c.SubLevel)
	}
	if len(kids) == 0 {
		b.Empty = trf(l, "no_children", q.Region.Name)
		return nil
	}
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	// Each kid's figure (its series) and partial sum per column.
	type cell struct {
		fig, partial figure
		has, part    bool
	}
	periods := c.Periods
	if c.Period != "" {
		periods = []string{c.Period}
	}
	if len(periods) == 0 {
		if periods, err = latestPeriods(ctx, q.Cache, kids, c.Indicators[0]); err != nil {
			return err
		}
	}
	var cols []column
	cells := map[string][]cell{}
	for _, code := range c.Indicators {
		for _, p := range periods {
			col := column{infos[code], p}
			has := false
			row := make([]cell, len(kids))
			for i, k := range kids {
				f, ok, err := q.Cache.seriesFigure(ctx, k.Code, code, p)
				if err != nil {
					return err
				}
				row[i] = cell{fig: f, has: ok}
				if !ok {
					if row[i].partial, row[i].part, err = q.Cache.partialFigure(ctx, k.Code, code, p); err != nil {
						return err
					}
				}
				has = has || ok || row[i].part
			}
			if !has {
				continue
			}
			cols = append(cols, col)
			for i, k := range kids {
				cells[k.Code] = append(cells[k.Code], row[i])
			}
		}
	}
	if len(cols) == 0 {
		b.Empty = trf(l, "no_data", fmt.Sprintf("%s %s", q.Region.Name, infos[c.Indicators[0]].name(l)))
		return nil
	}
	// Ranked by the first column: regions with a figure first, highest
	// first (lowest first for an indicator where lower is better), then
	// the others by code.
	key := func(k *regionNode) (float64, bool) {
		x := cells[k.Code][0]
		return x.fig.Value.Float64, x.has
	}
	lowFirst := cols[0].info.Direction == "lower_better"
	order := append([]*regionNode(nil), kids...)
	sort.SliceStable(order, func(i, j int) bool {
		vi, oki := key(order[i])
		vj, okj := key(order[j])
		switch {
		case oki != okj:
			return oki
		case !oki || vi == vj:
			return order[i].Code < order[j].Code
		case lowFirst:
			return vi < vj
		}
		return vi > vj
	})
	multi := len(c.Indicators) > 1
	tab := &Table{Columns: []string{tr(l, "rank"), tr(l, "region")}, Numeric: []bool{true, false}, LinkCol: 1, BarCol: 2, Long: len(kids) > longTable}
	for i, col := range cols {
		h := trf(l, "period_year", yearOf(col.period))
		if multi {
			if i == 0 || cols[i-1].info.Code != col.info.Code {
				if len(tab.Groups) == 0 {
					tab.Groups = []HeaderGroup{{Span: 2}}
				}
				tab.Groups = append(tab.Groups, HeaderGroup{Label: col.info.name(l)})
			}
			tab.Groups[len(tab.Groups)-1].Span++
		}
		tab.Columns = append(tab.Columns, h)
		tab.Numeric = append(tab.Numeric, true)
	}
	// The bar: the first column against the largest value (0–100 of the
	// column for a percentage).
	top := 0.0
	negative := false
	for _, k := range kids {
		if v, ok := key(k); ok {
			top = math.Max(top, math.Abs(v))
			negative = negative || v < 0
		}
	}
	if cols[0].info.Unit == "%" && !negative {
		top = 100
	}
	ranked, summed, remarks := 0, false, false
	var dates string
	level := levelOf(kids)
	for _, k := range order {
		row := []string{"", k.Name}
		var notes []string
		synthetic := false
		for i, col := range cols {
			x := cells[k.Code][i]
			switch {
			case x.has:
				v := Precise(x.fig.Value.Float64, col.info.Unit, l)
				if x.fig.Rollup {
					v += " Σ"
					summed = true
				}
				row = append(row, v)
				synthetic = synthetic || x.fig.Synthetic
				dates = maxDate(dates, col.period)
			case x.part:
				row = append(row, tr(l, "none"))
				txt, err := rollupText(ctx, q.Cache, l, k.Code, x.partial)
				if err != nil {
					return err
				}
				notes = append(notes, trf(l, "partial_cell", cellName(l, col, multi), txt))
			default:
				row = append(row, tr(l, "none"))
			}
		}
		bar := -1.0
		if v, ok := key(k); ok {
			ranked++
			row[0] = fmt.Sprint(ranked)
			if top > 0 && !negative {
				bar = 100 * v / top
			}
		}
		if len(notes) > 0 {
			remarks = true
		}
		row = append(row, strings.Join(notes, tr(l, "list_sep")))
		tab.Rows = append(tab.Rows, row)
		tab.Links = append(tab.Links, q.Site.regionHref(k.Code))
		tab.Bars = append(tab.Bars, bar)
		tab.Synthetic = append(tab.Synthetic, synthetic)
		b.Synthetic = b.Synthetic || synthetic
	}
	if remarks {
		tab.Columns = append(tab.Columns, tr(l, "remark"))
		tab.Numeric = append(tab.Numeric, false)
		if tab.Groups != nil {
			tab.Groups = append(tab.Groups, HeaderGroup{Span: 1})
		}
	} else {
		for i := range tab.Rows {
			tab.Rows[i] = tab.Rows[i][:len(tab.Rows[i])-1]
		}
	}
	b.Table = tab
	b.DataDate = dates
	notes := []string{
		trf(l, "ranked_by", cols[0].info.name(l), trf(l, "period_year", yearOf(cols[0].period))),
		trf(l, "have_data", ofText(l, ranked, len(kids), level)),
	}
	if summed {
		notes = append(notes, tr(l, "sigma_note"))
	}
	b.Note = strings.Join(notes, " · ")
	b.Sources = indicatorSource(l, infos, c.Indicators)
	if rs, err := reportedSource(ctx, q.Cache, l, q.Region.Code); err != nil {
		return err
	} else if rs != "" {
		b.Sources = append(b.Sources, rs)
	}
	return nil
}

// cellName names a column in a note: its year, and its indicator where the
// table has several.
func cellName(l Lang, col column, multi bool) string {
	y := trf(l, "period_year", yearOf(col.period))
	if multi {
		return col.info.name(l) + " " + y
	}
	return y
}

// yearOf is the year of a period ("2020-11-01" → "2020").
func yearOf(period string) string {
	if len(period) >= 4 {
		return period[:4]
	}
	return period
}

// latestPeriods is the newest period of indicator among the regions, alone
// (none when they have no value).
func latestPeriods(ctx context.Context, c *Cache, ns []*regionNode, indicator string) ([]string, error) {
	best := ""
	for _, n := range ns {
		fs, err := c.figuresOf(ctx, n.Code)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if f.Indicator == indicator && f.InSeries && f.Value.Valid && (best == "" || periodKey(f.Period) > periodKey(best)) {
				best = f.Period
			}
		}
	}
	if best == "" {
		return nil, nil
	}
	return []string{best}, nil
}
