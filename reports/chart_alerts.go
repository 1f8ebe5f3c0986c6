package reports

import (
	"context"
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
	as, err := q.Cache.alerts(ctx, q.Region.Code)
	if err != nil {
		return err
	}
	t := &Table{
		Columns: []string{tr(l, "alert_severity"), tr(l, "region"), tr(l, "alert_indicator"), tr(l, "period"),
			tr(l, "alert_value"), tr(l, "alert_rule"), tr(l, "alert_message")},
		Numeric: []bool{false, false, false, false, true, true, false},
		Short:   []bool{true, true, false, true, false, false, false},
	}
	hidden, err := q.Cache.hiddenValues(ctx)
	if err != nil {
		return err
	}
	small := anyVintage(hidden)
	rule, err := q.Cache.smallCells(ctx)
	if err != nil {
		return err
	}
	for _, a := range as {
		name := a.NameZh
		if l == En {
			name = a.NameEn
		}
		sevLabel := a.Severity
		if _, ok := labels["sev_"+a.Severity]; ok {
			sevLabel = tr(l, "sev_"+a.Severity)
		}
		value, msg := Value(a.Value, a.Unit, l), a.Message
		if small[[3]string{a.RegionCode, a.Code, a.Period}] {
			// a rate over a small cell: the alert stands, its figure is
			// not published (the message quotes it)
			value, msg = "—", name
			b.AddFootnote(footnote(rule, l))
		}
		t.Rows = append(t.Rows, []string{sevLabel, a.Region, name, a.Period, value, a.Comparator + " " + Value(a.Threshold, a.Unit, l), msg})
		t.Classes = append(t.Classes, a.Severity)
		b.Synthetic = b.Synthetic || a.Synthetic
		b.DataDate = maxDate(b.DataDate, a.Period)
	}
	if len(t.Rows) == 0 {
		b.Empty = tr(l, "no_alerts") + "（" + q.Region.Name + "）"
		return nil
	}
	b.Table = t
	b.Sources = []string{"alert, alert_rule"}
	return nil
}
