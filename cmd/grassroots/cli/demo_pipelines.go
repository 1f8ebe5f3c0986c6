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
	return runDemoPipelines(ctx, e, d, returnsFirst(pipelines.Demo()))
}

// returnsFirst puts the townships' returns before the statistics system's
// export of the same table: the returns come in first, as preliminary
// figures (快报), and the export, final, replaces them.
func returnsFirst(specs []pipelines.Spec) []pipelines.Spec {
	out := make([]pipelines.Spec, 0, len(specs))
	var returns []pipelines.Spec
	for _, s := range specs {
		if s.Name == demoReturnsPipeline {
			returns = append(returns, s)
		}
	}
	for _, s := range specs {
		switch s.Name {
		case demoReturnsPipeline:
		case "demo_population":
			out = append(out, returns...)
			out = append(out, s)
		default:
			out = append(out, s)
		}
	}
	return out
}
