package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

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
func (e *Env) openRead(ctx context.Context, path string, opts ...warehouse.Option) (*warehouse.Warehouse, error) {
	w, note, err := schedule.OpenReader(ctx, path, opts...)
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

// addAsOfFlag adds --as-of, which reads the warehouse as it was at a moment.
func addAsOfFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "as-of", "", "read the warehouse as it was at this moment: a date (its end: 2024-06-30),\n"+
		"a local time (2024-06-30 15:04:05) or RFC 3339 (2024-06-30T15:04:05+08:00)")
}

// asOf turns an --as-of value into the option that opens the warehouse as
// of that moment (none for an empty value). A date means the end of that
// day, local time: what was committed by then.
func asOf(s string) ([]warehouse.Option, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return []warehouse.Option{warehouse.AsOf(t)}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return []warehouse.Option{warehouse.AsOf(t)}, nil
		}
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return []warehouse.Option{warehouse.AsOf(d.AddDate(0, 0, 1).Add(-time.Microsecond))}, nil
	}
	return nil, Usagef("--as-of %q: want a date (2024-06-30), a local time (2024-06-30 15:04:05) or RFC 3339", s)
}
