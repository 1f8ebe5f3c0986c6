package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
)

func init() {
	registerKind(&Kind{
		Name: "census",
		About: "the region's census figures, census by census (resident, urban and rural population, urbanisation rate, men and women, households), with the change between the last two, as a table; " +
			"for a region the census has no row of its own for (the country), the complete sum of the regions below it, labelled so",
		Build: buildCensus,
	})
}

func buildCensus(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	rows, sum, err := censusYears(ctx, q)
	if err != nil {
		return err
	}
	var years []censusRow
	for _, r := range rows {
		if c.From == 0 || r.Year >= c.From {
			if c.To == 0 || r.Year <= c.To {
				years = append(years, r)
			}
		}
	}
	if len(years) == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "resident_pop"))
		return nil
	}
	b.Note = sum.note(l)
	tab := &Table{Columns: []string{tr(l, "item")}, Numeric: []bool{false}, Short: []bool{true}, BarCol: -1}
	for _, y := range years {
		tab.Columns = append(tab.Columns, trf(l, "census_year", y.Year))
		tab.Numeric = append(tab.Numeric, true)
	}
	last := len(years) > 1
	if last {
		tab.Columns = append(tab.Columns, tr(l, "change"))
		tab.Numeric = append(tab.Numeric, true)
	}
	rate := func(r censusRow) sql.NullFloat64 {
		if !r.Urban.Valid || !r.Resident.Valid || r.Resident.Float64 == 0 {
			return sql.NullFloat64{}
		}
		return sql.NullFloat64{Float64: 100 * r.Urban.Float64 / r.Resident.Float64, Valid: true}
	}
	ratio := func(r censusRow) sql.NullFloat64 {
		if !r.Male.Valid || !r.Female.Valid || r.Female.Float64 == 0 {
			return sql.NullFloat64{}
		}
		return sql.NullFloat64{Float64: 100 * r.Male.Float64 / r.Female.Float64, Valid: true}
	}
	items := []struct {
		key  string
		get  func(censusRow) sql.NullFloat64
		kind string // count, rate (%), ratio
	}{
		{"resident_pop", func(r censusRow) sql.NullFloat64 { return r.Resident }, "count"},
		{"urban_pop", func(r censusRow) sql.NullFloat64 { return r.Urban }, "count"},
		{"rural_pop", func(r censusRow) sql.NullFloat64 { return r.Rural }, "count"},
		{"urban_rate", rate, "rate"},
		{"male_pop", func(r censusRow) sql.NullFloat64 { return r.Male }, "count"},
		{"female_pop", func(r censusRow) sql.NullFloat64 { return r.Female }, "count"},
		{"sex_ratio", ratio, "ratio"},
		{"households", func(r censusRow) sql.NullFloat64 { return r.Househld }, "count"},
	}
	format := func(kind string, x float64) string {
		switch kind {
		case "rate":
			return strconv.FormatFloat(round(x, 2), 'f', 2, 64) + "%"
		case "ratio":
			return strconv.FormatFloat(round(x, 2), 'f', 2, 64)
		}
		return Count(x, l)
	}
	var src sourceSet
	for _, it := range items {
		row := []string{tr(l, it.key)}
		has := false
		for _, y := range years {
			v := it.get(y)
			if !v.Valid {
				row = append(row, tr(l, "none"))
				continue
			}
			has = true
			row = append(row, format(it.kind, v.Float64))
		}
		if !has {
			continue
		}
		if last {
			a, z := it.get(years[len(years)-2]), it.get(years[len(years)-1])
			ch := tr(l, "none")
			if a.Valid && z.Valid {
				switch it.kind {
				case "rate":
					ch = PP(z.Float64-a.Float64, l)
				case "ratio":
					ch = fmt.Sprintf("%+.2f", z.Float64-a.Float64)
				default:
					if a.Float64 != 0 {
						ch = fmt.Sprintf("%+.1f%%", 100*(z.Float64-a.Float64)/math.Abs(a.Float64))
					}
				}
			}
			row = append(row, ch)
		}
		tab.Rows = append(tab.Rows, row)
	}
	if len(tab.Rows) == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "resident_pop"))
		return nil
	}
	for _, y := range years {
		b.Synthetic = b.Synthetic || y.Synthetic
		b.DataDate = maxDate(b.DataDate, y.Date)
		src.add(y.Source)
	}
	b.Table = tab
	b.Sources = src.list
	if len(b.Sources) == 0 {
		b.Sources = []string{"census_population"}
	}
	return nil
}
