package cli

import (
	"context"
	"flag"

	"grassroots/sql/warehouse"
)

const defaultWarehouse = "grassroots.duckdb"

// addWarehouseFlag declares --warehouse; resolve the value with e.warehousePath.
func addWarehouseFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "warehouse", "", "warehouse file (default $GRASSROOTS_WAREHOUSE, else ./"+defaultWarehouse+")")
}

// warehousePath resolves the --warehouse flag: the flag, else
// $GRASSROOTS_WAREHOUSE, else ./grassroots.duckdb.
func (e *Env) warehousePath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := e.Getenv("GRASSROOTS_WAREHOUSE"); v != "" {
		return v
	}
	return defaultWarehouse
}

// openRead opens the warehouse read-only, for commands that only look.
func (e *Env) openRead(ctx context.Context, path string) (*warehouse.Warehouse, error) {
	return warehouse.Open(ctx, path, warehouse.ReadOnly())
}

// openWrite opens the warehouse for writing and brings its schema up to date.
func (e *Env) openWrite(ctx context.Context, path string) (*warehouse.Warehouse, error) {
	w, err := warehouse.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	applied, err := w.Migrate(ctx)
	if err != nil {
		w.Close()
		return nil, err
	}
	for _, m := range applied {
		e.Log.Debug("applied migration", "warehouse", path, "migration", m)
	}
	return w, nil
}
