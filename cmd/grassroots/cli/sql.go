package cli

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "sql",
		Args:    "[QUERY]",
		Summary: "run SQL over the warehouse (read-only unless --write); no QUERY starts a shell",
		Help: `With QUERY, runs it and prints the result. Without, reads statements ending in ';'
from standard input: interactively at a terminal (a grassroots> prompt, .help for
the shell's own commands), or as a script when input is piped.

The warehouse is opened read-only, so many readers can share it; --write opens it
for writing (one writer at a time). Tables are named plainly (SELECT * FROM region);
the file opens in any DuckDB client of the same or a newer version too.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, format, outFile string
			var write bool
			addWarehouseFlag(fs, &path)
			fs.StringVar(&format, "format", "table", "output format: table, csv, json, markdown or xlsx")
			fs.StringVar(&outFile, "out", "", "write the output to this file instead of standard output (needed for xlsx at a terminal)")
			fs.BoolVar(&write, "write", false, "allow statements that change the warehouse")
			var asOfFlag string
			addAsOfFlag(fs, &asOfFlag)
			return func(ctx context.Context, e *Env, args []string) error {
				if err := checkFormat(format); err != nil {
					return err
				}
				if len(args) > 1 {
					return Usagef("give the query as one argument (quote it)")
				}
				if format == "xlsx" && outFile == "" && isTerminal(e.Stdout) {
					return Usagef("--format xlsx writes a workbook: give --out FILE.xlsx")
				}
				path := e.warehousePath(path)
				var w *warehouse.Warehouse
				var err error
				opts, err := asOf(asOfFlag)
				if err != nil {
					return err
				}
				switch {
				case write && len(opts) > 0:
					return Usagef("--as-of reads the past: it does not go with --write")
				case write:
					w, err = e.openWrite(ctx, path)
				default:
					w, err = e.openRead(ctx, path, opts...)
				}
				if err != nil {
					return err
				}
				defer w.Close()
				out := e.Stdout
				if outFile != "" {
					f, err := os.Create(outFile)
					if err != nil {
						return err
					}
					defer f.Close()
					out = f
				}
				s := &shell{e: e, out: out, db: w.DB(), format: format, write: write}
				if len(args) == 1 {
					return s.exec(ctx, args[0])
				}
				return s.run(ctx, e.Stdin, isTerminal(e.Stdin))
			}
		},
	})
}

type shell struct {
	e      *Env
	out    io.Writer // where results go
	db     *sql.DB
	format string
	write  bool
}

// exec runs one or more statements and prints each result.
func (s *shell) exec(ctx context.Context, query string) error {
	stmts := splitStatements(query)
	if len(stmts) == 0 {
		return Usagef("empty query")
	}
	if s.format == "xlsx" && len(stmts) > 1 {
		return Usagef("--format xlsx writes one result: give one statement")
	}
	for _, q := range stmts {
		rs, err := s.db.QueryContext(ctx, q)
		if err != nil {
			return s.explain(err)
		}
		res, err := scanRows(rs)
		rs.Close()
		if err != nil {
			return s.explain(err)
		}
		if err := res.Write(s.out, s.format); err != nil {
			return err
		}
	}
	return nil
}

func (s *shell) explain(err error) error {
	msg := err.Error()
	if m := viewWrite.FindStringSubmatch(msg); m != nil {
		hint := "the tables runs load are views of their current rows: rows change through pipeline runs " +
			"(grassroots run) and reverts (grassroots runs revert); every version is in TABLE_history"
		return fmt.Errorf("%s (%s)", firstLine(msg), hint)
	}
	if !s.write && (strings.Contains(msg, "read-only mode") || strings.Contains(msg, "read only") ||
		strings.Contains(msg, "file system operations are disabled") || strings.Contains(msg, "configuration has been locked") ||
		strings.Contains(msg, "disabled through configuration") || strings.Contains(msg, "because it is the default database")) {
		return fmt.Errorf("%s (the warehouse is opened read-only, with no access to other files; pass --write to change it)", firstLine(msg))
	}
	return errors.New(msg)
}

// viewWrite matches DuckDB's refusals to write a view.
var viewWrite = regexp.MustCompile(`Can only (delete from|update) base table|is not an? table`)

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

const shellHelp = `Statements end with ';'. Shell commands:
  .tables          list the warehouse's tables with their row counts
  .schema TABLE    show a table's columns
  .format F        output as table, csv, json or markdown
  .help            this text
  .quit            leave (Ctrl-D works too)
`

// run reads statements from r until EOF. At a terminal it prompts and keeps
// going after errors; a piped script stops at its first error.
func (s *shell) run(ctx context.Context, r io.Reader, interactive bool) error {
	in := bufio.NewScanner(r)
	in.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	var buf strings.Builder
	prompt := func() {
		if !interactive {
			return
		}
		if buf.Len() == 0 {
			fmt.Fprint(s.e.Stdout, "grassroots> ")
		} else {
			fmt.Fprint(s.e.Stdout, "       ...> ")
		}
	}
	if interactive {
		fmt.Fprintf(s.e.Stdout, "grassroots SQL shell. Statements end with ';'. .help for help, .quit to leave.\n")
	}
	prompt()
	for in.Scan() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := in.Text()
		trimmed := strings.TrimSpace(line)
		if buf.Len() == 0 && strings.HasPrefix(trimmed, ".") {
			if s.format == "xlsx" {
				return Usagef("--format xlsx takes one query, not a script")
			}
			quit, err := s.dot(ctx, trimmed)
			if err != nil {
				if !interactive {
					return err
				}
				fmt.Fprintf(s.e.Stderr, "error: %v\n", err)
			}
			if quit {
				return nil
			}
			prompt()
			continue
		}
		buf.WriteString(line)
		buf.WriteString("\n")
		if complete(buf.String()) {
			q := buf.String()
			buf.Reset()
			if err := s.exec(ctx, q); err != nil {
				var ue *UsageError
				if !errors.As(err, &ue) {
					if !interactive {
						return err
					}
					fmt.Fprintf(s.e.Stderr, "error: %s\n", strings.Join(strings.Fields(err.Error()), " "))
				}
			}
		}
		prompt()
	}
	if err := in.Err(); err != nil {
		return err
	}
	if rest := strings.TrimSpace(buf.String()); rest != "" && len(splitStatements(rest)) > 0 {
		return s.exec(ctx, rest)
	}
	if interactive {
		fmt.Fprintln(s.e.Stdout)
	}
	return nil
}

func (s *shell) dot(ctx context.Context, cmd string) (quit bool, err error) {
	f := strings.Fields(cmd)
	switch f[0] {
	case ".quit", ".exit", ".q":
		return true, nil
	case ".help":
		fmt.Fprint(s.e.Stdout, shellHelp)
	case ".tables":
		return false, s.exec(ctx, `SELECT table_name AS "table", estimated_size AS "rows", comment
			FROM duckdb_tables() WHERE database_name = current_database() ORDER BY table_name`)
	case ".schema":
		if len(f) != 2 {
			return false, errors.New(".schema needs a table name")
		}
		rs, err := s.db.QueryContext(ctx, `SELECT column_name AS "column", data_type AS "type",
			CASE WHEN is_nullable THEN '' ELSE 'not null' END AS "null", comment
			FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ?
			ORDER BY column_index`, f[1])
		if err != nil {
			return false, err
		}
		defer rs.Close()
		res, err := scanRows(rs)
		if err != nil {
			return false, err
		}
		if len(res.Rows) == 0 {
			return false, fmt.Errorf("no table %q", f[1])
		}
		return false, res.Write(s.out, s.format)
	case ".format":
		if len(f) != 2 {
			return false, fmt.Errorf(".format needs one of %s", strings.Join(formats, ", "))
		}
		if err := checkFormat(f[1]); err != nil {
			return false, err
		}
		if f[1] == "xlsx" {
			return false, errors.New("the shell prints results; for a workbook run grassroots sql --format xlsx --out FILE \"QUERY\"")
		}
		s.format = f[1]
	default:
		return false, fmt.Errorf("unknown shell command %s (.help lists them)", f[0])
	}
	return false, nil
}

// scanState walks SQL text tracking quotes and comments.
type scanState struct {
	quote  rune // ' or " while inside a quoted string or identifier
	line   bool // inside a -- comment
	block  bool // inside a /* */ comment
	dollar bool // inside a $$ string
}

// splitStatements splits text at top-level semicolons, dropping empty pieces.
func splitStatements(text string) []string {
	var out []string
	start := 0
	walk(text, func(i int) {
		if q := strings.TrimSpace(text[start:i]); hasCode(q) {
			out = append(out, q)
		}
		start = i + 1
	})
	if q := strings.TrimSpace(text[start:]); hasCode(q) {
		out = append(out, q)
	}
	return out
}

// complete reports whether text ends, outside quotes and comments, with ';'.
func complete(text string) bool {
	last := -1
	walk(text, func(i int) { last = i })
	return last >= 0 && !hasCode(text[last+1:])
}

// hasCode reports whether q holds anything but blanks and comments.
func hasCode(q string) bool {
	for _, l := range strings.Split(q, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "--") {
			return true
		}
	}
	return false
}

// walk calls semi with the index of every top-level ';' in text.
func walk(text string, semi func(int)) {
	var st scanState
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case st.line:
			if c == '\n' {
				st.line = false
			}
		case st.block:
			if c == '*' && i+1 < len(text) && text[i+1] == '/' {
				st.block = false
				i++
			}
		case st.dollar:
			if c == '$' && i+1 < len(text) && text[i+1] == '$' {
				st.dollar = false
				i++
			}
		case st.quote != 0:
			if rune(c) == st.quote {
				st.quote = 0
			}
		case c == '\'' || c == '"':
			st.quote = rune(c)
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			st.line = true
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			st.block = true
		case c == '$' && i+1 < len(text) && text[i+1] == '$':
			st.dollar = true
			i++
		case c == ';':
			semi(i)
		}
	}
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
