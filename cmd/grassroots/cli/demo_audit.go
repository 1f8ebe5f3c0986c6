package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"grassroots/sql/audit"
)

func init() {
	registerDemoStep(60, "audit", auditDemo)
}

// auditDemo runs the audit rules over what the demo loaded and computed:
// the deliberate mistakes of the demo inputs that pass row validation, and
// what the bundled reference data themselves do not add up to.
func auditDemo(ctx context.Context, e *Env, d *demo) error {
	st, err := audit.Run(ctx, d.Warehouse, audit.Options{Trigger: "demo"})
	if err != nil {
		return err
	}
	var synthetic, errs int64
	if err := d.Warehouse.DB().QueryRowContext(ctx, `SELECT count(*) FILTER (is_synthetic), count(*) FILTER (severity = 'error')
		FROM audit_finding`).Scan(&synthetic, &errs); err != nil {
		return err
	}
	d.Findings = st.Findings
	fmt.Fprintln(e.Stdout, "\naudit (数据审核, rules in sql/audit):")
	fmt.Fprintf(e.Stdout, "  %d rules: %d findings (%d errors, raised as alerts; %d on synthetic demo data), %.2fs\n",
		len(st.Rules), st.Findings, errs, synthetic, st.Duration.Seconds())
	fmt.Fprintf(e.Stdout, "  grassroots audit --warehouse %s --out %s (the report audit.html in the site, and the list audit.xlsx)\n",
		d.Path, filepath.Join(d.Dir, "reports"))
	return nil
}
