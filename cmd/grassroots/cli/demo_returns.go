package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"grassroots/pipelines"
	"grassroots/pipelines/collect"
	"grassroots/pipelines/demodata"
	"grassroots/pipelines/spec"
)

func init() {
	registerDemoStep(25, "demo returns", writeDemoReturns)
}

// The returns the demo's townships send back: a copy each of the collection
// template of demo_population_returns for demoReturnsYear, its own row
// filled with the generator's figures, most as preliminary (快报). They load
// before the statistics system's export of the same figures, which replaces
// them (returnsFirst): the district's figures do not change. Two carry a mistake, as
// pasted values slip past a workbook's own checks: 马桥镇 typed more urban
// than resident population, 吴泾镇 a negative floating population.
const (
	demoReturnsPipeline = "demo_population_returns"
	demoReturnsYear     = demodata.LastYear
)

// returnsMistakes are the townships (by their place in the generator's
// order) whose returns carry a mistake, and the mistake.
var returnsMistakes = map[int]func(v map[string]string){
	11: func(v map[string]string) { // 马桥镇
		r, _ := strconv.ParseInt(v["常住人口（人）"], 10, 64)
		v["城镇常住人口（人）"] = strconv.FormatInt(r+1200, 10)
	},
	10: func(v map[string]string) { v["流动人口（人）"] = "-" + v["流动人口（人）"] }, // 吴泾镇
}

// writeDemoReturns writes the townships' returned workbooks into
// inputs/returns (replacing what an earlier demo wrote there).
func writeDemoReturns(ctx context.Context, e *Env, d *demo) error {
	var ps pipelines.Spec
	for _, p := range pipelines.Demo() {
		if p.Name == demoReturnsPipeline {
			ps = p
		}
	}
	s, err := spec.Parse(ps.File, ps.Data)
	if err != nil {
		return err
	}
	g, err := demodata.NewDistrict(d.Data)
	if err != nil {
		return err
	}
	code, _ := g.District()
	opts := collect.Options{Period: strconv.Itoa(demoReturnsYear), Deadline: fmt.Sprintf("%d年1月15日", demoReturnsYear+1),
		Contact: "区委组织部组织科（示例）"}
	db := d.Warehouse.DB()
	if opts.Region, opts.Children, err = regionAndChildren(ctx, db, code); err != nil {
		return err
	}
	if opts.Labels, err = columnLabels(ctx, db, s.Target.Table); err != nil {
		return err
	}
	dir := filepath.Join(d.Dir, "inputs", "returns")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bad := 0
	towns := g.Population(demoReturnsYear)
	for i, t := range towns {
		tpl, err := collect.New(s, opts)
		if err != nil {
			return err
		}
		status := "快报"
		if i%5 == 0 {
			status = "年报" // a few townships' yearly figures are final already
		}
		v := map[string]string{
			"常住人口（人）":     strconv.FormatInt(t.Resident, 10),
			"城镇常住人口（人）":   strconv.FormatInt(t.UrbanResident, 10),
			"乡村常住人口（人）":   strconv.FormatInt(t.Resident-t.UrbanResident, 10),
			"户籍人口（人）":     strconv.FormatInt(t.Hukou, 10),
			"城镇户籍人口（人）":   strconv.FormatInt(t.UrbanHukou, 10),
			"流动人口（人）":     strconv.FormatInt(t.Floating, 10),
			"城市化面积（平方公里）": strconv.FormatFloat(t.AreaKm2, 'f', 1, 64),
			"数据状态":        status,
		}
		if slip, ok := returnsMistakes[i]; ok {
			slip(v)
			bad++
		}
		if err := tpl.Fill(t.Code, v); err != nil {
			return err
		}
		if err := saveWorkbook(tpl.File, filepath.Join(dir, collect.ReturnName(collect.Region{Code: t.Code, Name: t.Name}))); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.Stdout, "  %-28s %6d files, %d deliberately invalid  the townships' returns of %d, filled copies of grassroots template %s\n",
		"returns/*.xlsx", len(towns), bad, demoReturnsYear, demoReturnsPipeline)
	return nil
}
