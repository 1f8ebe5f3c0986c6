package reports

import (
	"context"
	"fmt"
)

func init() {
	registerKind(&Kind{
		Name:  "alerts",
		About: "the current early warnings (预警) for the region and every region in it, most severe first, as a table",
		Build: buildAlerts,
	})
}

func buildAlerts(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	msgCol := "a.message"
	nameCol := "i.name_zh"
	if l == En {
		nameCol = "coalesce(i.name_en, i.name_zh)"
	}
	rows, err := q.DB.QueryContext(ctx, `
		SELECT coalesce(`+nameCol+`, a.indicator), coalesce(r.name, a.region_code), a.period, a.value,
		       coalesce(i.unit, ''), a.comparator, a.threshold, a.severity, coalesce(`+msgCol+`, ''), a.is_synthetic
		FROM alert a
		LEFT JOIN indicator i ON i.code = a.indicator
		LEFT JOIN region r ON r.code = a.region_code
		WHERE starts_with(a.region_code, ?)
		ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, a.region_code, a.indicator, a.period`,
		q.Region.Prefix())
	if err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	defer rows.Close()
	t := &Table{
		Columns: []string{tr(l, "alert_severity"), tr(l, "region"), tr(l, "alert_indicator"), tr(l, "period"),
			tr(l, "alert_value"), tr(l, "alert_rule"), tr(l, "alert_message")},
		Numeric: []bool{false, false, false, false, true, true, false},
	}
	for rows.Next() {
		var name, region, period, unit, cmp, sev, msg string
		var v, thr float64
		var synth bool
		if err := rows.Scan(&name, &region, &period, &v, &unit, &cmp, &thr, &sev, &msg, &synth); err != nil {
			return err
		}
		sevLabel := sev
		if _, ok := labels["sev_"+sev]; ok {
			sevLabel = tr(l, "sev_"+sev)
		}
		t.Rows = append(t.Rows, []string{sevLabel, region, name, period, Value(v, unit, l), cmp + " " + Value(thr, unit, l), msg})
		t.Classes = append(t.Classes, sev)
		b.Synthetic = b.Synthetic || synth
		b.DataDate = maxDate(b.DataDate, period)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(t.Rows) == 0 {
		b.Empty = tr(l, "no_alerts") + "（" + q.Region.Name + "）"
		return nil
	}
	b.Table = t
	b.Sources = []string{"alert, alert_rule"}
	return nil
}
