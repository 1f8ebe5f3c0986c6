package cli

import (
	"context"
	"fmt"

	"grassroots/pipelines"
)

func init() {
	registerDemoStep(30, "demo district pipelines", loadDemoDistrict)
}

// loadDemoDistrict writes the demo district's pipelines (yearbook workbook,
// GBK organisation register, member register with pii policy, NDJSON and
// Parquet registers) next to the inputs stage 20 wrote, and runs them.
func loadDemoDistrict(ctx context.Context, e *Env, d *demo) error {
	fmt.Fprintf(e.Stdout, "\ndemo district pipelines (示例数据 / synthetic; specs in %s/pipelines, rejected rows: grassroots quarantine RUN_ID):\n", d.Dir)
	return runDemoPipelines(ctx, e, d, pipelines.Demo())
}
