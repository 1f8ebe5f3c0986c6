package cli

import (
	"context"
	"fmt"

	"grassroots/sql/indicators"
)

func init() {
	registerDemoStep(50, "indicators", computeDemoIndicators)
}

// computeDemoIndicators loads the targets and alert rules from the source
// studies (sql/indicators/targets.csv, alerts.csv) and computes every
// indicator over what the earlier stages loaded.
func computeDemoIndicators(ctx context.Context, e *Env, d *demo) error {
	targets, rules, err := indicators.LoadTargets(ctx, d.Warehouse)
	if err != nil {
		return err
	}
	st, err := indicators.ComputeWith(ctx, d.Warehouse, indicators.Options{Trigger: "demo"})
	if err != nil {
		return err
	}
	var synthetic int64
	if err := d.Warehouse.DB().QueryRowContext(ctx, `SELECT count(*) FILTER (is_synthetic) FROM alert`).Scan(&synthetic); err != nil {
		return err
	}
	d.Indicators, d.Values, d.Alerts = int64(len(st.Indicators)), st.Values, st.Alerts
	fmt.Fprintln(e.Stdout, "\nindicators (definitions in sql/indicators):")
	fmt.Fprintf(e.Stdout, "  %d targets and %d alert rules from the source studies\n", targets, rules)
	fmt.Fprintf(e.Stdout, "  %d indicators computed: %d values, %d of them roll-ups to parent regions, %.2fs\n",
		len(st.Indicators), st.Values, st.Rollups, st.Duration.Seconds())
	fmt.Fprintf(e.Stdout, "  %d alerts raised (%d on synthetic demo data): grassroots indicators alerts --warehouse %s\n",
		st.Alerts, synthetic, d.Path)
	return nil
}
