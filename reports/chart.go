package reports

import (
	"encoding/json"
	"fmt"
)

// echartsChart is what every go-echarts chart provides.
type echartsChart interface {
	Validate()
	JSON() map[string]any
}

// toOption turns a go-echarts chart into a plain option map that kinds may
// add to (go-echarts lacks a few settings, such as marking a target year).
// The title is dropped: the page prints titles as HTML above each chart.
func toOption(c echartsChart) map[string]any {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		panic(fmt.Sprintf("reports: go-echarts option does not encode: %v", err))
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	delete(m, "title")
	delete(m, "toolbox")
	return m
}

// seriesAt returns the i-th series of an option made by toOption.
func seriesAt(m map[string]any, i int) map[string]any {
	return m["series"].([]any)[i].(map[string]any)
}

// palette is the colour order of the charts (ECharts' default).
var palette = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"}

// pctAxis is a value axis for percentages.
func pctAxis(maxAt100 bool) map[string]any {
	a := map[string]any{"type": "value", "axisLabel": map[string]any{"formatter": "{value}%"}}
	if maxAt100 {
		a["max"] = 100
	}
	return a
}

func round(x float64, n int) float64 {
	p := 1.0
	for i := 0; i < n; i++ {
		p *= 10
	}
	v := float64(int64(x*p+sign(x)*0.5)) / p
	return v
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}
