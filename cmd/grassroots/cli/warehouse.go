package cli

import (
	"context"
	"flag"
	"fmt"

	"grassroots/pipelines/schedule"
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

// openRead opens the warehouse read-only, for commands that only look. While
// another process (grassroots schedule) holds the file, it reads the snapshot
// that process publishes after each successful run instead, and says so in
// one line on stderr; DuckDB's lock error is never shown.
func (e *Env) openRead(ctx context.Context, path string) (*warehouse.Warehouse, error) {
	w, note, err := schedule.OpenReader(ctx, path)
	if note != "" {
		fmt.Fprintf(e.Stderr, "grassroots: %s\n", note)
	}
	return w, err
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
