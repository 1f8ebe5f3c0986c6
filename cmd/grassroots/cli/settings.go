package cli

import (
	"context"
	"flag"
	"fmt"

	"grassroots/pipelines/refdata"
	"grassroots/sql/packages"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "settings",
		Args:    "[KEY [VALUE]]",
		Summary: "list the warehouse settings, or read or set one",
		Help: `With no arguments, lists every setting with its value and what it means; with
KEY, prints that setting's value; with KEY VALUE, sets it (a write: the warehouse
must not be held by another process).

  home_region             the region whose data the warehouse holds (as init --region)
  history_retention_days  days replaced rows are kept before grassroots vacuum drops them
  small_cell_threshold    person counts below it are published as <N, rates over
                          fewer persons as — (reports, exports; grassroots sql stays exact)`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path string
			addWarehouseFlag(fs, &path)
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 2 {
					return Usagef("settings takes at most a key and a value")
				}
				if len(args) > 0 {
					if _, ok := warehouse.SettingNamed(args[0]); !ok {
						return Usagef("no setting %q (settings: %s)", args[0], settingKeys())
					}
				}
				if len(args) == 2 {
					return setSetting(ctx, e, e.warehousePath(path), args[0], args[1])
				}
				w, err := e.openRead(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				if len(args) == 1 {
					v, _, err := w.Setting(ctx, args[0])
					if err != nil {
						return err
					}
					fmt.Fprintln(e.Stdout, v)
					return nil
				}
				for _, s := range warehouse.Settings {
					v, set, err := w.Setting(ctx, s.Key)
					if err != nil {
						return err
					}
					shown := v
					if s.Key == "home_region" {
						shown += regionName(ctx, w, v)
					}
					if !set {
						shown += " (default)"
					}
					fmt.Fprintf(e.Stdout, "%-24s %s\n%-24s %s\n", s.Key, shown, "", s.About)
				}
				return nil
			}
		},
	})
}

func settingKeys() string {
	s := ""
	for i, x := range warehouse.Settings {
		if i > 0 {
			s += ", "
		}
		s += x.Key
	}
	return s
}

// setSetting checks value and stores it, saying what it was.
func setSetting(ctx context.Context, e *Env, path, key, value string) error {
	if err := warehouse.CheckSetting(key, value); err != nil {
		return Usagef("%v", err)
	}
	if key == "home_region" && value != warehouse.Country {
		if err := packages.CheckCode(value); err != nil {
			return Usagef("home_region: %v", err)
		}
		if _, err := refdata.PlaceName(value); err != nil {
			return Usagef("home_region: %v", err)
		}
	}
	w, err := e.openWrite(ctx, path)
	if err != nil {
		return err
	}
	defer w.Close()
	if key == "home_region" {
		return setHome(ctx, e, w, value, false)
	}
	old, _, err := w.Setting(ctx, key)
	if err != nil {
		return err
	}
	if err := w.SetSetting(ctx, key, value); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s %s (was %s)\n", key, value, old)
	return nil
}
