package cli

import (
	"context"
	"flag"
	"fmt"
	"os"

	piperun "grassroots/pipelines/run"
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
with the warehouse: with a new salt the same ids hash differently.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path string
			addWarehouseFlag(fs, &path)
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("init takes no arguments")
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
				return nil
			}
		},
	})
}
