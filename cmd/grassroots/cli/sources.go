package cli

import (
	"context"
	"flag"
	"io"
	"strings"

	"grassroots/sources"
	"grassroots/sources/inspect"
)

func init() {
	register(&Command{
		Name:    "sources inspect",
		Args:    "FILE",
		Summary: "show how an input file would be read, before writing its pipeline",
		Help: `Prints the detected encoding (UTF-8 with or without BOM, or GB18030/GBK), the
preamble lines that would be skipped (a World Bank download has four), the header
(several header rows and merged cells joined into one name, 人口/城镇人口),
whether the columns look like years or months to unpivot, the first rows, and a
suggested source spec to paste into a pipeline file, each guess to check marked
# 请核对 (years and region codes read with no unit, region codes as text).
grassroots new pipeline writes a whole pipeline from the same guesses. FILE may be
CSV, XLSX, JSON/NDJSON, or an http(s) URL to one of them.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var sheet, encoding string
			var rows int
			fs.StringVar(&sheet, "sheet", "", "workbook sheet, by name or 1-based index (default: the first)")
			fs.StringVar(&encoding, "encoding", "auto", "text encoding: auto, utf-8, gb18030 or gbk")
			fs.IntVar(&rows, "rows", 5, "how many first rows to show")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) != 1 {
					return Usagef("give one file")
				}
				if err := (&sources.Config{Path: args[0], Options: sources.Options{Encoding: encoding}}).Validate(); err != nil {
					// Only the encoding can be wrong here; the column list is empty on purpose.
					for _, line := range strings.Split(err.Error(), "\n") {
						if strings.HasPrefix(line, "encoding:") {
							return Usagef("--%s", line)
						}
					}
				}
				r, err := inspect.Inspect(ctx, args[0], inspect.Options{Sheet: sheet, Encoding: encoding, Rows: rows})
				if err != nil {
					return err
				}
				// The report quotes the file's own headers and values:
				// control characters in them are shown, not obeyed.
				var b strings.Builder
				if err := r.Write(&b); err != nil {
					return err
				}
				_, err = io.WriteString(e.Stdout, shown(b.String()))
				return err
			}
		},
	})
}
