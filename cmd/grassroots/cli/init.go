package cli

import (
	"context"
	"flag"
	"fmt"
	"os"

	"grassroots/pipelines/refdata"
	piperun "grassroots/pipelines/run"
	"grassroots/sql/packages"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "init",
		Summary: "create the warehouse, or bring an existing one up to the latest schema",
		Help: `Applies, in order, each schema migration the warehouse has not had yet, each in
its own transaction, and prints which. Running it again changes nothing.

Also creates the warehouse's salt file (FILE.salt, mode 0600) when it is missing:
the secret with which pipelines hash member ids. It is never printed. Back it up
with the warehouse: with a new salt the same ids hash differently.

--region sets the warehouse's home region: the region whose data it holds, its
own and the regions' below it (default 000000, the country). It takes packages
(grassroots import package) from the regions below its home only; grassroots
status shows it.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, region string
			addWarehouseFlag(fs, &path)
			fs.StringVar(&region, "region", "", "the warehouse's home region (a GB/T 2260 code such as 310112; default 000000, the country)")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("init takes no arguments")
				}
				if region != "" {
					if err := packages.CheckCode(region); err != nil {
						return Usagef("--region: %v", err)
					}
					if region != warehouse.Country {
						if _, err := refdata.PlaceName(region); err != nil {
							return Usagef("--region: %v", err)
						}
					}
				}
				path := e.warehousePath(path)
				_, statErr := os.Stat(path)
				w, err := warehouse.Open(ctx, path)
				if err != nil {
					return err
				}
				defer w.Close()
				applied, err := w.Migrate(ctx)
				if err != nil {
					return err
				}
				switch {
				case statErr != nil:
					fmt.Fprintf(e.Stdout, "created warehouse %s\n", path)
				case len(applied) == 0:
					fmt.Fprintf(e.Stdout, "warehouse %s is up to date\n", path)
				default:
					fmt.Fprintf(e.Stdout, "updated warehouse %s\n", path)
				}
				for _, m := range applied {
					fmt.Fprintf(e.Stdout, "  applied %s\n", m)
				}
				salt := piperun.SaltFile(path)
				_, saltErr := os.Stat(salt)
				if _, err := piperun.Salt(path); err != nil {
					return err
				}
				if saltErr != nil {
					fmt.Fprintf(e.Stdout, "created salt file %s for hashing member ids (back it up with the warehouse)\n", salt)
				}
				return setHome(ctx, e, w, region, statErr != nil)
			}
		},
	})
}

// setHome sets the home region when --region asks for one and says what it
// is.
func setHome(ctx context.Context, e *Env, w *warehouse.Warehouse, region string, created bool) error {
	old, err := w.Home(ctx)
	if err != nil {
		return err
	}
	if region == "" || region == old {
		if region != "" {
			fmt.Fprintf(e.Stdout, "home region %s%s\n", old, regionName(ctx, w, old))
		}
		return nil
	}
	rows, err := w.DB().QueryContext(ctx, `SELECT DISTINCT package_region FROM reported_package ORDER BY 1`)
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var pr string
			if rows.Scan(&pr) == nil && !packages.Below(pr, region) {
				return fmt.Errorf("--region %s: the warehouse holds a package of %s, which is not below %s", region, pr, region)
			}
		}
	}
	if err := w.SetHome(ctx, region); err != nil {
		return err
	}
	if created {
		fmt.Fprintf(e.Stdout, "home region %s%s\n", region, regionName(ctx, w, region))
	} else {
		fmt.Fprintf(e.Stdout, "home region %s%s (was %s)\n", region, regionName(ctx, w, region), old)
	}
	return nil
}

// regionName is " NAME" of code, or "" if the region table does not know it.
func regionName(ctx context.Context, w *warehouse.Warehouse, code string) string {
	var n string
	if code == warehouse.Country {
		return " 全国"
	}
	if err := w.DB().QueryRowContext(ctx, `SELECT name FROM region WHERE code = ?`, code).Scan(&n); err != nil {
		if n, err = refdata.PlaceName(code); err != nil {
			return ""
		}
	}
	return " " + n
}
