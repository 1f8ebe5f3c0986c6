package reports

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name:          "gauge",
		About:         "progress towards each planning target that applies to the region (its own, else the one set for every region): the latest value on a gauge ending at the target; indicators without a target are named",
		MinIndicators: 1, MaxIndicators: 4,
		Build: buildGauge,
	})
}

func buildGauge(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	infos, err := indicators(ctx, q.Cache, c.Indicators)
	if err != nil {
		return err
	}
	sm, err := newStatusMarks(ctx, q.Cache)
	if err != nil {
		return err
	}
	ts, err := targets(ctx, q.Cache, q.Region.Code, c.Indicators)
	if err != nil {
		return err
	}
	// The latest target of each indicator that has one applying to the
	// region (its own, else the one set for every region).
	latest := map[string]target{}
	for _, t := range ts {
		latest[t.Indicator] = t
	}
	type gauge struct {
		info   indicatorInfo
		t      target
		value  float64
		period string
	}
	var gs []gauge
	var src sourceSet
	var notes, noTarget, noValue, shown []string
	for _, code := range c.Indicators {
		t, ok := latest[code]
		if !ok {
			noTarget = append(noTarget, infos[code].name(l))
			continue
		}
		period := c.Period
		if period == "" {
			if period, err = q.Cache.latestOwnPeriod(ctx, code, q.Region.Code); err != nil {
				return err
			}
		}
		row, ok, err := q.Cache.ownValue(ctx, code, q.Region.Code, period, true)
		if err != nil {
			return err
		}
		if !ok {
			noValue = append(noValue, infos[code].name(l))
			continue
		}
		v, synth := row.Value.Float64, row.Synthetic
		gs = append(gs, gauge{infos[code], t, v, period})
		b.Synthetic = b.Synthetic || synth
		b.DataDate = maxDate(b.DataDate, period)
		src.add(t.Source)
		gap := t.Value - v
		if infos[code].Direction == "lower_better" {
			gap = -gap
		}
		status := tr(l, "reached")
		if gap > 0 {
			if infos[code].Unit == "%" {
				status = trf(l, "progress", strings.TrimPrefix(PP(gap, l), "+"))
			} else {
				status = trf(l, "progress", Value(gap, infos[code].Unit, l))
			}
		}
		whose := ""
		if t.Everywhere {
			whose = tr(l, "target_everywhere")
		}
		when := period
		if row.Vintage != "" {
			when += tr(l, "comma") + vintageLabel(l, row.Vintage)
		}
		notes = append(notes, fmt.Sprintf("%s %s（%s）→ %s%s %s：%s", infos[code].name(l), withSymbol(Value(v, infos[code].Unit, l), sm.symbol(row.Status)), when,
			whose, t.yearLabel(l), Value(t.Value, infos[code].Unit, l), status))
		shown = append(shown, code)
	}
	// Say what is not on a gauge, and why: no target applies, or no value.
	if len(noTarget) > 0 {
		notes = append(notes, trf(l, "no_target", strings.Join(noTarget, "、")))
	}
	if len(noValue) > 0 {
		notes = append(notes, trf(l, "no_data", q.Region.Name+" "+strings.Join(noValue, "、")))
	}
	if lg := sm.legend(l); lg != "" {
		b.Footnotes = append(b.Footnotes, lg)
	}
	if len(gs) == 0 {
		b.Empty = strings.Join(notes, "；")
		return nil
	}
	g := charts.NewGauge()
	g.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(false)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	for _, x := range gs {
		g.AddSeries(x.info.name(l), []opts.GaugeData{{Name: x.info.name(l), Value: round(x.value, 1)}})
	}
	o := toOption(g)
	n := len(gs)
	for i, x := range gs {
		s := seriesAt(o, i)
		maxV := 100.0
		if x.info.Unit != "%" {
			maxV = math.Ceil(math.Max(x.t.Value, x.value) * 1.2)
		}
		frac := math.Min(1, x.t.Value/maxV)
		formatter := "{value}"
		if x.info.Unit == "%" {
			formatter = "{value}%"
		}
		s["min"], s["max"] = 0, maxV
		s["center"] = []string{fmt.Sprintf("%.1f%%", 100*(float64(i)+0.5)/float64(n)), "58%"}
		s["radius"] = fmt.Sprintf("%d%%", min(80, 160/n))
		s["progress"] = map[string]any{"show": true, "width": 14}
		// The dial is grey up to the target and red beyond it: the
		// progress bar filling the grey part is the way still to go.
		s["axisLine"] = map[string]any{"lineStyle": map[string]any{"width": 14,
			"color": []any{[]any{round(frac, 4), "#e6ebf1"}, []any{1, "#fde2e1"}}}}
		s["axisLabel"] = map[string]any{"distance": 18, "fontSize": 10}
		s["splitLine"] = map[string]any{"length": 8}
		s["pointer"] = map[string]any{"show": false}
		s["title"] = map[string]any{"offsetCenter": []string{"0", "72%"}, "fontSize": 13}
		s["detail"] = map[string]any{"valueAnimation": false, "offsetCenter": []string{"0", "10%"}, "fontSize": 22, "formatter": formatter}
		s["anchor"] = map[string]any{"show": false}
		s["data"].([]any)[0].(map[string]any)["title"] = map[string]any{"show": true}
		s["splitNumber"] = 5
	}
	b.Option = o
	b.Height = 320
	b.Note = strings.Join(notes, "；")
	b.Sources = append(indicatorSource(l, infos, shown), src.list...)
	return nil
}
