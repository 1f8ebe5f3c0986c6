package cli

import (
	"context"
	"fmt"
	"io"

	piperun "grassroots/pipelines/run"
	"grassroots/pipelines/spec"
	"grassroots/sql/warehouse"
)

// afterLoad are notes printed after a successful run into a table, about
// what the loaded rows mean beyond their count: a census load lists the units
// no rule places among today's regions, so that none is lost unseen.
var afterLoad = map[string]func(ctx context.Context, w *warehouse.Warehouse, out io.Writer) error{
	"census_unit": noteUnattachedCensusUnits,
}

// printLoadNotes prints the notes of the tables the successful runs wrote.
func printLoadNotes(ctx context.Context, w *warehouse.Warehouse, specs []*spec.Spec, outs []piperun.Outcome, out io.Writer) {
	done := map[string]bool{}
	for _, s := range specs {
		note := afterLoad[s.Target.Table]
		if note == nil || done[s.Target.Table] {
			continue
		}
		for _, o := range outs {
			if o.Pipeline == s.Name && o.Err == nil && o.Loaded > 0 {
				done[s.Target.Table] = true
				if err := note(ctx, w, out); err != nil {
					fmt.Fprintf(out, "note: %v\n", err)
				}
				break
			}
		}
	}
}

func noteUnattachedCensusUnits(ctx context.Context, w *warehouse.Warehouse, out io.Writer) error {
	rows, err := w.DB().QueryContext(ctx, `SELECT vintage, source_row, coalesce(census_code, '—'), coalesce(unit_name, ''),
		coalesce(resident_pop, 0) FROM census_unattached`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var vintage, code, name string
		var row, pop int64
		if err := rows.Scan(&vintage, &row, &code, &name, &pop); err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("  %s row %d: %s %s (%d persons)", vintage, row, code, shown(name), pop))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(lines) == 0 {
		fmt.Fprintln(out, "census: every unit is placed among today's regions (census_unit_place)")
		return nil
	}
	fmt.Fprintf(out, "census: %d unit(s) not placed among today's regions, kept and never summed (census_unattached):\n", len(lines))
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	return nil
}
