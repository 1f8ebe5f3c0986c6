// Package cli is the grassroots command line. Each command lives in a file of
// its own and registers itself in init; Run dispatches to it. Exit codes: 0 on
// success, 1 on failure (one line on stderr), 2 on a usage error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Command is one grassroots command.
type Command struct {
	// Name is the command as typed, subcommands separated by a space
	// ("indicators show").
	Name string
	// Args describes the positional arguments for the usage line ("[QUERY]").
	Args string
	// Summary is one line for the command list.
	Summary string
	// Help is more text for `grassroots NAME --help`; may be empty.
	Help string
	// Setup declares the command's flags on fs and returns the function that
	// does the work, closing over the flag values. args are the positional
	// arguments, which may stand before, between or after the flags. Return a
	// usage error (Usagef) for bad arguments.
	Setup func(fs *flag.FlagSet) Runner
}

// Runner does a command's work.
type Runner func(ctx context.Context, e *Env, args []string) error

var commands = map[string]*Command{}

// register adds a command; called from init functions.
func register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// Env is what a command may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Log    *slog.Logger

	logLevel slog.Level // of Log, for a logger that writes elsewhere
}

// UsageError is a mistake in how a command was called (exit code 2).
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...)}
}

// Main runs the command line of the process and returns its exit code.
// SIGINT and SIGTERM cancel the command's context.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, stdin, stdout, stderr, os.Getenv)
}

// Run runs one command line and returns its exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	level := slog.LevelInfo
	if strings.EqualFold(getenv("GRASSROOTS_LOG"), "debug") {
		level = slog.LevelDebug
	}
	e := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv, logLevel: level,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}

	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return Run(ctx, append(args[1:], "--help"), stdin, stdout, stderr, getenv)
		}
		printCommands(stdout, "")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	// Longest registered prefix of args names the command.
	var cmd *Command
	n := 0
	for i := len(args); i > 0; i-- {
		if c, ok := commands[strings.Join(args[:i], " ")]; ok {
			cmd, n = c, i
			break
		}
	}
	if cmd == nil {
		if hasGroup(args[0]) {
			if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
				fmt.Fprintf(stderr, "grassroots: unknown command %q\n", args[0]+" "+args[1])
			}
			printCommands(stderr, args[0])
			return 2
		}
		fmt.Fprintf(stderr, "grassroots: unknown command %q (see grassroots help)\n", args[0])
		return 2
	}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := cmd.Setup(fs)
	pos, err := parseInterspersed(fs, args[n:])
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout, cmd, fs)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "grassroots %s: %v\n", cmd.Name, err)
		fmt.Fprintf(stderr, "usage: grassroots %s [flags] %s (see --help)\n", cmd.Name, cmd.Args)
		return 2
	}
	if err := run(ctx, e, pos); err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "grassroots %s: %v\n", cmd.Name, err)
			fmt.Fprintf(stderr, "usage: grassroots %s [flags] %s (see --help)\n", cmd.Name, cmd.Args)
			return 2
		}
		fmt.Fprintf(stderr, "grassroots %s: %s\n", cmd.Name, shown(strings.Join(strings.Fields(err.Error()), " ")))
		return 1
	}
	return 0
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments; "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func hasGroup(name string) bool {
	for k := range commands {
		if strings.HasPrefix(k, name+" ") {
			return true
		}
	}
	return false
}

func printCommands(w io.Writer, group string) {
	if group == "" {
		fmt.Fprint(w, `grassroots — a warehouse of urbanisation and party-coverage statistics,
the pipelines that fill it and the reports that show it.

usage: grassroots COMMAND [flags] [args]

commands:
`)
	} else {
		fmt.Fprintf(w, "usage: grassroots %s COMMAND [flags] [args]\n\ncommands:\n", group)
	}
	var names []string
	for k := range commands {
		if group == "" || strings.HasPrefix(k, group+" ") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, n, commands[n].Summary)
	}
	fmt.Fprint(w, "\nRun `grassroots COMMAND --help` for a command's flags.\n")
}

func usage(w io.Writer, c *Command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: grassroots %s [flags] %s\n\n%s\n", c.Name, c.Args, c.Summary)
	if c.Help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Help))
	}
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	if b.Len() > 0 {
		fmt.Fprintf(w, "\nflags:\n%s", strings.ReplaceAll(b.String(), "  -", "  --"))
	}
}
