package reports

import (
	"context"
	"fmt"
	"strconv"
)

func init() {
	registerKind(&Kind{
		Name:  "must_establish",
		About: "the 应建未建 work list: organisations in scope with three or more formal party members and no party organisation",
		Build: buildMustEstablish,
	})
}

// mustEstablishRows caps the work list on a page.
const mustEstablishRows = 200

func buildMustEstablish(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	snap, err := q.Cache.snapshot(ctx, "organisation", q.Region.Code)
	if err != nil {
		return err
	}
	if snap == "" {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "organisations"))
		return nil
	}
	ms, err := q.Cache.mustEstablish(ctx, q.Region.Code)
	if err != nil {
		return err
	}
	t := &Table{
		Columns: []string{tr(l, "region"), tr(l, "org_name"), tr(l, "org_kind"), tr(l, "employees"), tr(l, "formal_members"), tr(l, "instructor")},
		Numeric: []bool{false, false, false, true, true, false},
		Short:   []bool{true, false, true, false, false, true},
	}
	rule, err := q.Cache.smallCells(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, m := range ms {
		yn := tr(l, "no")
		if m.Instructor {
			yn = tr(l, "yes")
		}
		// Staff and members are persons: a small count is shown as "<3".
		staff, members := m.Employees, fmt.Sprint(m.Members)
		if n, err := strconv.Atoi(staff); err == nil && rule.Hides(float64(n)) {
			staff = rule.Label()
			b.AddFootnote(footnote(rule, l))
		}
		if rule.Hides(float64(m.Members)) {
			members = rule.Label()
			b.AddFootnote(footnote(rule, l))
		}
		t.Rows = append(t.Rows, []string{m.Region, m.Name, codeLabel(l, m.Kind), staff, members, yn})
		t.Classes = append(t.Classes, "")
		b.Synthetic = b.Synthetic || m.Synthetic
		total = m.Total
	}
	b.DataDate = snap
	b.Sources = []string{"organisation（" + q.Region.Name + "）"}
	if len(t.Rows) == 0 {
		b.Empty = tr(l, "no_must_establish") + "（" + q.Region.Name + "，" + trf(l, "snapshot", snap) + "）"
		return nil
	}
	t.More = total - len(t.Rows)
	b.Table = t
	b.Note = trf(l, "must_establish", total) + " · " + trf(l, "snapshot", snap)
	return nil
}
