package reports

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

func init() {
	registerKind(&Kind{
		Name:  "pyramid",
		About: "party members of the region by five-year age band and sex, at the latest snapshot, as an age pyramid",
		Build: buildPyramid,
	})
}

// ageBands are the pyramid's rows, youngest first: ≤30, 31–35 … 76–80, ≥81.
var ageBands = func() []string {
	b := []string{"≤30"}
	for lo := 31; lo <= 76; lo += 5 {
		b = append(b, fmt.Sprintf("%d–%d", lo, lo+4))
	}
	return append(b, "≥81")
}()

func ageBand(age int) int {
	switch {
	case age <= 30:
		return 0
	case age >= 81:
		return len(ageBands) - 1
	}
	return (age-31)/5 + 1
}

func buildPyramid(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	snap, rs, err := q.Cache.latestCounts(ctx, "pyramid", "party_member",
		"CAST(floor(date_diff('day', birth_month, snapshot_date) / 365.2425) AS INTEGER)", "coalesce(gender, '')",
		"birth_month IS NOT NULL", q.Region.Code)
	if err != nil {
		return err
	}
	men := make([]int, len(ageBands))
	women := make([]int, len(ageBands))
	total := 0
	for _, r := range rs {
		age, err := strconv.Atoi(r.A)
		if err != nil {
			return fmt.Errorf("party_member: age %q: %w", r.A, err)
		}
		n := r.N
		switch r.B {
		case "M":
			men[ageBand(age)] += n
		case "F":
			women[ageBand(age)] += n
		default:
			continue
		}
		total += n
		b.Synthetic = b.Synthetic || r.Synthetic
	}
	if total == 0 {
		b.Empty = trf(l, "no_data", q.Region.Name+" "+tr(l, "members"))
		return nil
	}
	rule, err := q.Cache.smallCells(ctx)
	if err != nil {
		return err
	}
	// The total is printed under the title: hide small bands, and a second
	// one beside a lone hidden band (see smallcells.go).
	cells := make([][]float64, len(ageBands))
	for i := range ageBands {
		cells[i] = []float64{float64(men[i]), float64(women[i])}
	}
	hide, _, _, totalHidden := rule.Grid(cells, false, false, true)
	bar := charts.NewBar()
	bar.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}))
	hidden := false
	toData := func(v []int, sex int) []opts.BarData {
		d := make([]opts.BarData, len(v))
		for i, x := range v {
			d[i] = opts.BarData{Value: x}
			if hide[i][sex] {
				// "-" is ECharts' empty value: no bar, no number.
				d[i] = opts.BarData{Value: "-"}
				hidden = true
			}
		}
		return d
	}
	bar.SetXAxis(ageBands).AddSeries(tr(l, "male"), toData(men, 0)).AddSeries(tr(l, "female"), toData(women, 1))
	o := toOption(bar)
	// Two grids back to back: men to the left (an inverted axis, so no
	// negative numbers are ever shown), women to the right, ages between.
	o["grid"] = []any{
		map[string]any{"left": "3%", "right": "56%", "top": 36, "bottom": 32},
		map[string]any{"left": "56%", "right": "3%", "top": 36, "bottom": 32},
	}
	o["xAxis"] = []any{
		map[string]any{"type": "value", "gridIndex": 0, "inverse": true, "minInterval": 1, "name": tr(l, "male")},
		map[string]any{"type": "value", "gridIndex": 1, "minInterval": 1, "name": tr(l, "female")},
	}
	o["yAxis"] = []any{
		map[string]any{"type": "category", "gridIndex": 0, "data": ageBands, "position": "right",
			"axisLabel": map[string]any{"interval": 0, "margin": 46, "align": "center"}, "axisTick": map[string]any{"show": false}},
		map[string]any{"type": "category", "gridIndex": 1, "data": ageBands, "axisLabel": map[string]any{"show": false}, "axisTick": map[string]any{"show": false}},
	}
	m, f := seriesAt(o, 0), seriesAt(o, 1)
	f["xAxisIndex"], f["yAxisIndex"] = 1, 1
	m["itemStyle"] = map[string]any{"color": "#5470c6"}
	f["itemStyle"] = map[string]any{"color": "#ee6666"}
	for _, s := range []map[string]any{m, f} {
		s["label"] = map[string]any{"show": true, "position": "insideEnd", "color": "#fff", "fontSize": 10}
		s["barCategoryGap"] = "15%"
	}
	m["label"].(map[string]any)["position"] = "insideLeft"
	b.Option = o
	b.Height = 460
	b.DataDate = snap
	shown := Count(float64(total), l)
	if totalHidden {
		shown = rule.Mark(float64(total))
	}
	b.Note = fmt.Sprintf("%s · %s %s", trf(l, "snapshot", snap), tr(l, "members"), shown)
	if hidden || totalHidden {
		b.AddFootnote(footnote(rule, l))
	}
	b.Sources = []string{"party_member（" + q.Region.Name + "）"}
	return nil
}
