package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func init() {
	register(&Command{
		Name:    "quarantine",
		Args:    "RUN_ID",
		Summary: "show the rows a run rejected, with every reason; export them to hand back",
		Help: `One line per rejected row: the file (and sheet) and row it came from, its
values as read — one column per source column, under the source's own headers —
and every reason it was refused. Personal data appear as the pipeline's pii policy
left them (ids hashed, birth dates cut to the month).

--format xlsx --out FILE writes a workbook with Chinese headers (文件, 工作表, 行号,
the source columns, 原因) to send back to whoever sent the file; csv likewise.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, format, out string
			addWarehouseFlag(fs, &path)
			fs.StringVar(&format, "format", "table", "output format: table, csv, json, markdown or xlsx")
			fs.StringVar(&out, "out", "", "write to this file instead of standard output (required for xlsx)")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) != 1 {
					return Usagef("name one run id (see grassroots runs)")
				}
				id, err := strconv.ParseInt(args[0], 10, 64)
				if err != nil || id <= 0 {
					return Usagef("run id %q is not a number", args[0])
				}
				if format != "xlsx" {
					if err := checkFormat(format); err != nil {
						return err
					}
				} else if out == "" {
					return Usagef("--format xlsx needs --out FILE")
				}
				w, err := e.openRead(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				res, pipeline, err := quarantineResult(ctx, w.DB(), id, format == "xlsx" || format == "csv")
				if err != nil {
					return err
				}
				var dst io.Writer = e.Stdout
				var buf bytes.Buffer
				if out != "" {
					dst = &buf
				}
				if format == "xlsx" {
					if err := res.WriteXLSX(dst, "隔离行"); err != nil {
						return err
					}
				} else if err := res.Write(dst, format); err != nil {
					return err
				}
				if out != "" {
					if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
						return err
					}
					fmt.Fprintf(e.Stdout, "%d rejected rows of run %d (%s) written to %s\n", len(res.Rows), id, pipeline, out)
				}
				return nil
			}
		},
	})
}

// quarantineResult reads a run's quarantined rows: file, sheet, row, one
// column per source column (in the order first seen), reasons. chinese gives
// the fixed columns Chinese headers, for handing back.
func quarantineResult(ctx context.Context, db *sql.DB, id int64, chinese bool) (*Result, string, error) {
	var pipeline, status string
	err := db.QueryRowContext(ctx, `SELECT pipeline, status FROM _run WHERE run_id = ?`, id).Scan(&pipeline, &status)
	if err == sql.ErrNoRows {
		return nil, "", fmt.Errorf("no run %d (see grassroots runs)", id)
	}
	if err != nil {
		return nil, "", err
	}
	rows, err := db.QueryContext(ctx, `SELECT coalesce(file, ''), coalesce(sheet, ''), row_number, coalesce(raw, '{}'), reasons
		FROM _quarantine WHERE run_id = ? ORDER BY row_number`, id)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	type qrow struct {
		file, sheet string
		row         sql.NullInt64
		raw         map[string]string
		reasons     string
	}
	var qs []qrow
	var cols []string
	seen := map[string]bool{}
	anySheet := false
	for rows.Next() {
		var q qrow
		var raw string
		if err := rows.Scan(&q.file, &q.sheet, &q.row, &raw, &q.reasons); err != nil {
			return nil, "", err
		}
		keys, vals, err := orderedJSON(raw)
		if err != nil {
			return nil, "", fmt.Errorf("run %d row %d: raw values: %w", id, q.row.Int64, err)
		}
		q.raw = vals
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
		anySheet = anySheet || q.sheet != ""
		qs = append(qs, q)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	res := &Result{}
	fixed := []string{"file", "sheet", "row"}
	reasons := "reasons"
	if chinese {
		fixed = []string{"文件", "工作表", "行号"}
		reasons = "原因"
	}
	if !anySheet {
		fixed = append(fixed[:1], fixed[2])
	}
	res.Columns = append(append(append(res.Columns, fixed...), cols...), reasons)
	for range fixed {
		res.Types = append(res.Types, "VARCHAR")
	}
	res.Types[len(fixed)-1] = "BIGINT"
	for range cols {
		res.Types = append(res.Types, "VARCHAR")
	}
	res.Types = append(res.Types, "VARCHAR")
	for _, q := range qs {
		row := []any{q.file}
		if anySheet {
			row = append(row, q.sheet)
		}
		var n any
		if q.row.Valid {
			n = q.row.Int64
		}
		row = append(row, n)
		for _, c := range cols {
			row = append(row, q.raw[c])
		}
		res.Rows = append(res.Rows, append(row, q.reasons))
	}
	if len(qs) == 0 {
		return res, pipeline, fmt.Errorf("run %d (%s, %s) quarantined no rows", id, pipeline, status)
	}
	return res, pipeline, nil
}

// orderedJSON reads a flat JSON object keeping its key order.
func orderedJSON(s string) ([]string, map[string]string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	vals := map[string]string{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := t.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		switch v := v.(type) {
		case string:
			vals[k] = v
		case nil:
			vals[k] = ""
		default:
			b, _ := json.Marshal(v)
			vals[k] = string(b)
		}
	}
	return keys, vals, nil
}
