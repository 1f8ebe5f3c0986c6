package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"grassroots/pipelines/refdata"
	piperun "grassroots/pipelines/run"
	"grassroots/sql/packages"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "init",
		Args:    "[DIR]",
		Summary: "start a project: its folders, its warehouse, and the reference data loaded",
		Help: `Makes DIR (default: the current folder) a grassroots project, or brings one up to
date; running it again is safe and changes only what is out of date:

  pipelines/        pipeline specs: the reference data's (refdata_*.yaml) and your own
  inputs/           the files pipelines read (inputs/returns/: tables returned by the level below)
  reports/          your own wording of the bulletin (reports/bulletin/*.tmpl)
  README.md         in Chinese: what is here and the next commands
  .gitignore        keeps the warehouse, its salt and the rendered site out of version control
  grassroots.duckdb the warehouse

The warehouse gets every schema migration it has not had yet (each in its own
transaction) and the reference data embedded in this binary, loaded through its
pipelines as grassroots run would: GB/T 2260 region codes to township level and
the crosswalk of changed codes, the NBS national urbanisation series, the 2010
and 2020 censuses of every province, prefecture and county, the CPC intra-party
statistical bulletins and the World Bank series (sources in
pipelines/refdata/README.md). An unchanged reference file is not loaded again.
Then the indicators are computed, so grassroots report shows real figures at once.

Also creates the warehouse's salt file (FILE.salt, mode 0600) when it is missing:
the secret with which pipelines hash member ids. It is never printed. Back it up
with the warehouse: with a new salt the same ids hash differently.

--region sets the warehouse's home region: the region whose data it holds, its
own and the regions' below it (default 000000, the country). It is the default
region of grassroots report, template, bulletin and export package, and the
warehouse takes packages (grassroots import package) from the regions below it
only; grassroots status shows it.

--warehouse FILE without DIR makes or updates that warehouse file only, with no
project folders (a warehouse kept apart from its pipelines); --no-reference
leaves the reference data out.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, region string
			var noReference bool
			addWarehouseFlag(fs, &path)
			fs.StringVar(&region, "region", "", "the warehouse's home region (a GB/T 2260 code such as 310112; default 000000, the country)")
			fs.BoolVar(&noReference, "no-reference", false, "do not load the reference data embedded in the binary")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 1 {
					return Usagef("init takes one project folder")
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
				// A project folder is made when one is named, or when no
				// warehouse file is: `init --warehouse F` alone is that
				// file only.
				project := ""
				switch {
				case len(args) == 1:
					project = args[0]
				case path == "" && e.Getenv("GRASSROOTS_WAREHOUSE") == "":
					project = "."
				}
				if project != "" {
					if err := os.MkdirAll(project, 0o755); err != nil {
						return fmt.Errorf("init: %w", err)
					}
					if path == "" {
						path = filepath.Join(project, defaultWarehouse)
					}
				}
				path = e.warehousePath(path)
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
				// A project's home is set once; moving it is a decision
				// of its own, not a side effect of init run again.
				if old, err := w.Home(ctx); err != nil {
					return err
				} else if region != "" && region != old && old != warehouse.Country {
					return Usagef("--region %s: this warehouse's home region is %s%s; to move it, grassroots settings home_region %s",
						region, old, regionName(ctx, w, old), region)
				}
				if err := setHome(ctx, e, w, region, statErr != nil); err != nil {
					return err
				}
				if !noReference {
					if err := loadReference(ctx, e, w, project); err != nil {
						return err
					}
				}
				if project == "" {
					return nil
				}
				home, err := w.Home(ctx)
				if err != nil {
					return err
				}
				if err := scaffold(e, project, path, home, regionName(ctx, w, home)); err != nil {
					return err
				}
				return nil
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
