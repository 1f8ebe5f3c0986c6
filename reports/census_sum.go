package reports

import (
	"context"
	"database/sql"
	"sort"
)

// A census block shows a region's own census rows, or, where the census has
// none for it, each year's sum over the regions below it. The country is
// one: the workbook's national row is the sum of the 31 provinces, which the
// census places in no region (the published national figure, which adds the
// active servicemen, is an indicator value of its own). A sum is shown only
// for a year every region below has: a partial sum is not the region's
// figure, and the block says which years it leaves out.

// censusSum says where a census block's figures come from.
type censusSum struct {
	Summed   bool  // summed from the regions below (else the region's own)
	Children int   // how many regions below were summed, all of them
	Level    int   // their level (-1 for mixed)
	Partial  []int // years only some of them have, left out
}

// note is the block's line about a sum ("" for the region's own figures).
func (s censusSum) note(l Lang) string {
	if !s.Summed {
		return ""
	}
	n := trf(l, "census_summed", ofText(l, s.Children, s.Children, s.Level))
	for _, y := range s.Partial {
		n += " " + trf(l, "census_partial_year", y)
	}
	return n
}

// censusYears are the region's census rows, one per year (the first vintage
// where a year has several), or the sums of the regions below it.
func censusYears(ctx context.Context, q *Query) ([]censusRow, censusSum, error) {
	own, err := q.Cache.census(ctx, q.Region.Code)
	if err != nil || len(own) > 0 {
		return onePerYear(own), censusSum{}, err
	}
	t, err := q.Cache.tree(ctx)
	if err != nil {
		return nil, censusSum{}, err
	}
	kids := t.children(q.Region.Code)
	sum := censusSum{Summed: true, Children: len(kids), Level: levelOf(kids)}
	byYear := map[int][]censusRow{}
	for _, k := range kids {
		rs, err := q.Cache.census(ctx, k.Code)
		if err != nil {
			return nil, censusSum{}, err
		}
		for _, r := range onePerYear(rs) {
			byYear[r.Year] = append(byYear[r.Year], r)
		}
	}
	var out []censusRow
	for _, y := range sortedYears(byYear) {
		rs := byYear[y]
		if len(rs) < len(kids) {
			sum.Partial = append(sum.Partial, y)
			continue
		}
		s := censusRow{Year: y, Date: rs[0].Date, Source: rs[0].Source}
		add := func(to *sql.NullFloat64, x sql.NullFloat64, first bool) {
			switch {
			case first:
				*to = x
			case !x.Valid || !to.Valid:
				*to = sql.NullFloat64{}
			default:
				to.Float64 += x.Float64
			}
		}
		for i, r := range rs {
			add(&s.Resident, r.Resident, i == 0)
			add(&s.Urban, r.Urban, i == 0)
			add(&s.Rural, r.Rural, i == 0)
			add(&s.Male, r.Male, i == 0)
			add(&s.Female, r.Female, i == 0)
			add(&s.Househld, r.Househld, i == 0)
			s.Synthetic = s.Synthetic || r.Synthetic
		}
		out = append(out, s)
	}
	return out, sum, nil
}

func onePerYear(rs []censusRow) []censusRow {
	var out []censusRow
	for _, r := range rs {
		if len(out) == 0 || out[len(out)-1].Year != r.Year {
			out = append(out, r)
		}
	}
	return out
}

// censusAgeYears are the region's census population by age and sex, or the
// sums of the regions below it, by year.
func censusAgeYears(ctx context.Context, q *Query) (map[int][]ageRow, censusSum, error) {
	own, err := q.Cache.censusAges(ctx, q.Region.Code)
	if err != nil {
		return nil, censusSum{}, err
	}
	if len(own) > 0 {
		byYear := map[int][]ageRow{}
		for _, r := range own {
			byYear[r.Year] = append(byYear[r.Year], r)
		}
		return byYear, censusSum{}, nil
	}
	t, err := q.Cache.tree(ctx)
	if err != nil {
		return nil, censusSum{}, err
	}
	kids := t.children(q.Region.Code)
	sum := censusSum{Summed: true, Children: len(kids), Level: levelOf(kids)}
	type key struct {
		year, from int
		to         sql.NullInt64
		male       bool
	}
	totals := map[key]*ageRow{}
	have := map[int]int{}
	for _, k := range kids {
		rs, err := q.Cache.censusAges(ctx, k.Code)
		if err != nil {
			return nil, censusSum{}, err
		}
		seen := map[int]bool{}
		for _, r := range rs {
			if !seen[r.Year] {
				seen[r.Year] = true
				have[r.Year]++
			}
			kk := key{r.Year, r.From, r.To, r.Male}
			if a := totals[kk]; a != nil {
				a.Persons += r.Persons
				a.Synthetic = a.Synthetic || r.Synthetic
			} else {
				x := r
				totals[kk] = &x
			}
		}
	}
	byYear := map[int][]ageRow{}
	for _, a := range totals {
		if have[a.Year] == len(kids) {
			byYear[a.Year] = append(byYear[a.Year], *a)
		}
	}
	for y, n := range have {
		if n < len(kids) {
			sum.Partial = append(sum.Partial, y)
		}
	}
	sort.Ints(sum.Partial)
	for _, rs := range byYear {
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].From != rs[j].From {
				return rs[i].From < rs[j].From
			}
			return rs[i].Male && !rs[j].Male
		})
	}
	return byYear, sum, nil
}

func sortedYears[V any](m map[int]V) []int {
	ys := make([]int, 0, len(m))
	for y := range m {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}
