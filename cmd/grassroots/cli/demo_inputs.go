package cli

import (
	"context"
	"fmt"

	"grassroots/pipelines/demodata"
)

func init() {
	registerDemoStep(20, "demo inputs", writeDemoInputs)
}

// writeDemoInputs writes the synthetic demo district's input files.
func writeDemoInputs(ctx context.Context, e *Env, d *demo) error {
	g, err := demodata.NewDistrict(d.Data)
	if err != nil {
		return err
	}
	files, err := g.Write(d.Dir)
	if err != nil {
		return err
	}
	code, name := g.District()
	// The demo warehouse is the district's: it reports its figures up
	// (grassroots export package) and takes no package from elsewhere.
	if err := d.Warehouse.SetHome(ctx, code); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "\ndemo district inputs (示例数据 / synthetic: %s %s, real township codes, generated figures; the warehouse's home region) in %s/inputs:\n",
		code, name, d.Dir)
	for _, f := range files {
		bad := ""
		if f.Bad > 0 {
			bad = fmt.Sprintf(", %d deliberately invalid", f.Bad)
		}
		fmt.Fprintf(e.Stdout, "  %-28s %6d rows%s  %s\n", f.Name, f.Rows, bad, f.About)
	}
	return nil
}
