package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"grassroots/pipelines/schedule"
	"grassroots/pipelines/spec"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "schedule",
		Summary: "run the pipelines on their cron schedules until stopped (the daemon)",
		Help: `Runs every pipeline of DIR/pipelines that has a schedule (cron, read in
Asia/Shanghai unless the spec says time_zone or CRON_TZ=), never two runs of one
pipeline at once (a tick that finds the previous run still going is skipped, logged
and recorded), retrying failed runs as the spec says. One log line per run.

The scheduler owns the warehouse file while it runs. After each successful run it
publishes a read-only snapshot beside it (NAME.snapshot.duckdb, replaced atomically),
which grassroots sql, runs, quarantine and report read from another terminal, and
which other tools (DuckDB CLI, DBeaver, Python) may open.

On a terminal each running run has a live line on stderr (rows, quarantined,
bytes of the input, rows per second, time left), erased when it ends and before
each log line; --progress never turns them off. With GRASSROOTS_LOG=debug the
same counts are logged every few seconds, terminal or not.

The scheduler runs in the foreground (--foreground is accepted and is the only
mode): run it under systemd, supervisord or a terminal multiplexer to keep it going.

SIGINT or SIGTERM: no new runs; the running one may finish within --grace, else it
is cancelled and rolls back. Exit status 0, also when it comes while the scheduler
still waits for another process to release the warehouse.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, project, prog string
			var grace time.Duration
			addWarehouseFlag(fs, &path)
			addProjectFlag(fs, &project)
			fs.DurationVar(&grace, "grace", 30*time.Second, "how long a running run may finish after SIGTERM before it is cancelled")
			foreground := fs.Bool("foreground", true, "stay attached to the terminal (the scheduler always does; a service manager such as systemd runs it in the background)")
			addProgressFlag(fs, &prog)
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("schedule takes no arguments")
				}
				if !*foreground {
					return Usagef("schedule has no background mode: run it under systemd, supervisord or a terminal multiplexer")
				}
				mode, err := progressMode(prog)
				if err != nil {
					return err
				}
				project := e.projectDir(project)
				specs, err := spec.LoadAll(project)
				if err != nil {
					return fmt.Errorf("the pipelines have problems (grassroots lint %s):\n%w", project, err)
				}
				path := e.warehousePath(path)
				if err := requireWarehouse(path); err != nil {
					return err
				}
				w, err := openOwned(ctx, e, path)
				if errors.Is(err, errStoppedWaiting) {
					e.Log.Info("stopped while waiting for the warehouse lock; nothing ran", "warehouse", path)
					return nil
				}
				if err != nil {
					return err
				}
				defer w.Close()
				obs, stop := e.startProgress(mode)
				defer stop()
				d := &schedule.Daemon{Project: project, Warehouse: w, Specs: specs, Log: e.Log, Grace: grace,
					Refresh: refreshAfterRun(e, project), Progress: obs}
				return d.Serve(ctx)
			}
		},
	})
}

// errStoppedWaiting is openOwned's error when ctx ends while it waits.
var errStoppedWaiting = errors.New("stopped while waiting for the warehouse lock")

// openOwned opens the warehouse for the daemon, waiting up to a minute for
// readers that hold it read-only to let go. If ctx ends (SIGTERM) while it
// waits, the error is errStoppedWaiting.
func openOwned(ctx context.Context, e *Env, path string) (*warehouse.Warehouse, error) {
	deadline := time.Now().Add(time.Minute)
	for said := false; ; {
		w, err := e.openWrite(ctx, path)
		var le *warehouse.LockedError
		if errors.As(err, &le) && ctx.Err() != nil {
			return nil, fmt.Errorf("%w (%w)", errStoppedWaiting, ctx.Err())
		}
		if !errors.As(err, &le) || time.Now().After(deadline) {
			return w, err
		}
		if !said {
			e.Log.Info("waiting for another process to release the warehouse", "warehouse", path, "pid", le.PID)
			said = true
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (%w)", errStoppedWaiting, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}
