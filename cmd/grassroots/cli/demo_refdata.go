package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/refdata"
	"grassroots/sql/warehouse"
)

func init() {
	registerDemoStep(10, "reference data", loadRefdata)
}

// loadRefdata loads every bundled reference file, one run each.
func loadRefdata(ctx context.Context, e *Env, d *demo) error {
	fmt.Fprintln(e.Stdout, "\nreference data (published figures, sources in pipelines/refdata/README.md):")
	for _, ds := range refdata.Datasets {
		start := time.Now()
		rdr, err := ds.Open(memory.DefaultAllocator)
		if err != nil {
			return err
		}
		st, err := d.Warehouse.Load(ctx, ds.Table, rdr, warehouse.LoadOptions{
			Pipeline: ds.Name, Trigger: "demo", PartitionBy: ds.PartitionBy,
		})
		rdr.Release()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "  %-32s %-15s %7d rows  %5.2fs  %s\n", ds.Name, ds.Table, st.Rows,
			time.Since(start).Seconds(), ds.About)
	}
	return nil
}
