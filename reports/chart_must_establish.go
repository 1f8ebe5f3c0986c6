package reports

import (
	"context"
	"fmt"
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
	snap, err := latestSnapshot(ctx, q.DB, "organisation", q.Region)
	if err != nil {
		return err
	}
	if snap == "" {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "organisations"))
		return nil
	}
	rows, err := q.DB.QueryContext(ctx, `
		SELECT coalesce(r.name, o.region_code), coalesce(o.name, o.org_id), o.kind,
		       coalesce(CAST(o.employees AS VARCHAR), ''), o.formal_members, o.instructor_assigned, o.is_synthetic,
		       count(*) OVER () AS total
		FROM organisation o LEFT JOIN region r ON r.code = o.region_code
		WHERE starts_with(o.region_code, ?) AND o.snapshot_date = CAST(? AS DATE)
		  AND o.in_scope AND o.formal_members >= 3 AND o.party_org_mode = 'none'
		ORDER BY o.formal_members DESC, o.region_code, o.org_id
		LIMIT ?`, q.Region.Prefix(), snap, mustEstablishRows)
	if err != nil {
		return fmt.Errorf("organisation: %w", err)
	}
	defer rows.Close()
	t := &Table{
		Columns: []string{tr(l, "region"), tr(l, "org_name"), tr(l, "org_kind"), tr(l, "employees"), tr(l, "formal_members"), tr(l, "instructor")},
		Numeric: []bool{false, false, false, true, true, false},
	}
	total := 0
	for rows.Next() {
		var region, name, kind, emp string
		var members int
		var instr, synth bool
		if err := rows.Scan(&region, &name, &kind, &emp, &members, &instr, &synth, &total); err != nil {
			return err
		}
		yn := tr(l, "no")
		if instr {
			yn = tr(l, "yes")
		}
		t.Rows = append(t.Rows, []string{region, name, codeLabel(l, kind), emp, fmt.Sprint(members), yn})
		t.Classes = append(t.Classes, "")
		b.Synthetic = b.Synthetic || synth
	}
	if err := rows.Err(); err != nil {
		return err
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
