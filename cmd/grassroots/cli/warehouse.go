package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
// $GRASSROOTS_WAREHOUSE, else the warehouse of the project the current
// folder is in (see findProject), else ./grassroots.duckdb.
func (e *Env) warehousePath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := e.Getenv("GRASSROOTS_WAREHOUSE"); v != "" {
		return v
	}
	if dir, ok := findProject(); ok {
		return filepath.Join(dir, defaultWarehouse)
	}
	return defaultWarehouse
}

// projectDir resolves the --project flag: the flag, else the project the
// current folder is in, else the current folder.
func (e *Env) projectDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if dir, ok := findProject(); ok {
		return dir
	}
	return "."
}

// findProject finds the project the current folder is in, as git finds its
// repository: the nearest folder, this one or one above it, that holds
// grassroots.duckdb. It returns it relative to the current folder (".",
// "..", "../.."), so that what commands print stays short.
func findProject() (string, bool) {
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	rel := "."
	for dir := wd; ; {
		if st, err := os.Stat(filepath.Join(dir, defaultWarehouse)); err == nil && st.Mode().IsRegular() {
			return rel, true
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", false
		}
		dir = up
		if rel == "." {
			rel = ".."
		} else {
			rel = filepath.Join(rel, "..")
		}
	}
}

// requireWarehouse says, where the warehouse a command would write to does
// not exist, how to make one, rather than making an empty one in whatever
// folder the command was run from.
func requireWarehouse(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no warehouse %s here or in a folder above: start a project with grassroots init DIR, or give --warehouse", path)
	}
	return nil
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

// openReadAt opens the warehouse read-only for a command about one region:
// region, or the warehouse's home region when none is given.
func (e *Env) openReadAt(ctx context.Context, path, region string) (*warehouse.Warehouse, string, error) {
	w, err := e.openRead(ctx, path)
	if err != nil {
		return nil, "", err
	}
	if region == "" {
		if region, err = w.Home(ctx); err != nil {
			w.Close()
			return nil, "", err
		}
	}
	return w, region, nil
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
