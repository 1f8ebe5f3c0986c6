package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"grassroots/reports"
)

func init() {
	registerDemoStep(90, "reports", renderDemoReports)
}

// renderDemoReports renders every report from the demo warehouse into
// DIR/reports and prints where index.html is.
func renderDemoReports(ctx context.Context, e *Env, d *demo) error {
	specs, err := reports.Builtin()
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "\nreports:")
	start := time.Now()
	// The country and every province from the censuses, and Shanghai down
	// to the demo district's townships: 闵行区's page links to its reports.
	regions := []reports.Subtree{
		{Code: reports.CountryCode, Depth: 1},
		{Code: "310000", Depth: reports.AllLevels},
	}
	if p := demoProvince(d.Data.District); p != "310000" {
		regions = append(regions, reports.Subtree{Code: p, Depth: reports.AllLevels})
	}
	site, err := reports.Render(ctx, d.Warehouse.DB(), specs, reports.Options{Out: filepath.Join(d.Dir, "reports"), Lang: reports.Zh,
		Regions: regions})
	if err != nil {
		return err
	}
	printSite(e, site, time.Since(start))
	abs, err := filepath.Abs(site.Index)
	if err != nil {
		abs = site.Index
	}
	d.Index = abs
	fmt.Fprintf(e.Stdout, "open %s\n", abs)
	return nil
}

// demoProvince is the province of the demo district (--district).
func demoProvince(district string) string {
	if len(district) < 2 {
		return "310000"
	}
	return district[:2] + "0000"
}
