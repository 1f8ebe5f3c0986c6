package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name:          "ranked",
		About:         "one indicator for every region directly below the chart's region (towns and streets of a county), ranked, as horizontal bars",
		MinIndicators: 1, MaxIndicators: 1,
		Build: buildRanked,
	})
}

// latestPeriod is the newest period of indicator for regions under parent
// (or for the region itself when children is false).
func latestPeriod(ctx context.Context, db *sql.DB, indicator, region string, children bool) (string, error) {
	cond := "region_code = ?"
	if children {
		cond = "region_code IN (SELECT code FROM region WHERE parent_code = ?)"
	}
	var p sql.NullString
	err := db.QueryRowContext(ctx, `SELECT period FROM indicator_value WHERE indicator = ? AND `+cond+`
		AND value IS NOT NULL ORDER BY CASE WHEN length(period) = 4 THEN period || '-12-31' ELSE period END DESC LIMIT 1`,
		indicator, region).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("indicator_value: %w", err)
	}
	return p.String, nil
}

func buildRanked(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	code := c.Indicators[0]
	infos, err := indicators(ctx, q.DB, c.Indicators)
	if err != nil {
		return err
	}
	info := infos[code]
	period := c.Period
	if period == "" {
		if period, err = latestPeriod(ctx, q.DB, code, q.Region.Code, true); err != nil {
			return err
		}
	}
	rows, err := q.DB.QueryContext(ctx, `
		SELECT r.name, iv.value, iv.is_synthetic
		FROM indicator_value iv JOIN region r ON r.code = iv.region_code
		WHERE iv.indicator = ? AND iv.period = ? AND r.parent_code = ? AND iv.value IS NOT NULL
		ORDER BY iv.value ASC, r.code DESC`, code, period, q.Region.Code)
	if err != nil {
		return fmt.Errorf("indicator_value: %w", err)
	}
	defer rows.Close()
	var names []string
	var data []opts.BarData
	for rows.Next() {
		var name string
		var v float64
		var synth bool
		if err := rows.Scan(&name, &v, &synth); err != nil {
			return err
		}
		names = append(names, name)
		data = append(data, opts.BarData{Value: round(v, 2)})
		b.Synthetic = b.Synthetic || synth
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(data) == 0 {
		b.Empty = trf(l, "no_data", fmt.Sprintf("%s %s", q.Region.Name, info.name(l)))
		return nil
	}
	b.DataDate = period
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	bar.SetXAxis(names).AddSeries(info.name(l), data)
	bar.XYReversal()
	o := toOption(bar)
	pct := info.Unit == "%"
	valueAxis := map[string]any{"type": "value"}
	label := "{c}"
	if pct {
		valueAxis = pctAxis(true)
		label = "{c}%"
	}
	o["xAxis"] = []any{valueAxis}
	o["yAxis"] = []any{map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0}}}
	o["grid"] = map[string]any{"left": 8, "right": 64, "top": 16, "bottom": 24, "containLabel": true}
	s := seriesAt(o, 0)
	s["label"] = map[string]any{"show": true, "position": "right", "formatter": label}
	s["itemStyle"] = map[string]any{"color": palette[0]}
	// The region's own value (summed up from its parts) as a reference line.
	var own sql.NullFloat64
	err = q.DB.QueryRowContext(ctx, `SELECT value FROM indicator_value WHERE indicator = ? AND period = ? AND region_code = ? LIMIT 1`,
		code, period, q.Region.Code).Scan(&own)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("indicator_value: %w", err)
	}
	if own.Valid {
		lbl := trf(l, "overall", q.Region.Name, Value(own.Float64, info.Unit, l))
		s["markLine"] = map[string]any{"symbol": "none", "silent": true,
			"data":      []any{map[string]any{"name": lbl, "xAxis": round(own.Float64, 2)}},
			"label":     map[string]any{"formatter": lbl, "position": "end"},
			"lineStyle": map[string]any{"type": "dashed", "color": "#b22222"}}
	}
	b.Option = o
	b.Height = max(240, 60+26*len(names))
	b.Note = fmt.Sprintf("%s · %s", info.name(l), period)
	b.Sources = indicatorSource(l, infos, c.Indicators)
	return nil
}
