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

	piperun "grassroots/pipelines/run"
)

func init() {
	register(&Command{
		Name:    "quarantine",
		Args:    "RUN_ID",
		Summary: "show the rows a run rejected, with every reason; export them to hand back",
		Help: `One line per rejected row: the file (and sheet) and row it came from, its
values as read — one column per source column, under the source's own headers —
and every reason it was refused. Personal data appear as the pipeline's pii policy
left them (ids hashed, birth dates cut to the month), with resident ID numbers,
phone numbers and names masked (110105********0021, 138****5678, 张*) in the
values and the reasons alike, here as in every export.

A run that failed (too many rows rejected, personal data, a bad file) loaded
nothing, so it also quarantined every valid row it read as held back ("not
loaded: the run failed — …"). The table shows the rejected rows and says how
many valid rows were held back; csv, json and xlsx list every row, rejected
first, each with its reason.

--format xlsx --out FILE writes a workbook with Chinese headers (文件, 工作表, 行号,
the source columns, 原因) to send back to whoever sent the file; csv likewise.
In the workbook the common reasons are said in Chinese by the column's header
(区划代码："310112180" 区划代码不在区划表中（应为第4级，街道/乡镇）; 流动人口（人）：-5
小于下限 0; a check by its message alone); the table, csv and json keep them as
the run recorded them.`,
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
				export := format == "xlsx" || format == "csv" || format == "json"
				res, q, err := quarantineResult(ctx, w.DB(), id, format == "xlsx" || format == "csv", export)
				if err != nil {
					return err
				}
				var dst io.Writer = e.Stdout
				var buf bytes.Buffer
				if out != "" {
					dst = &buf
				}
				if format == "xlsx" {
					// For the township: the common reasons in Chinese.
					for _, r := range res.Rows {
						if why, ok := r[len(r)-1].(string); ok {
							r[len(r)-1] = handBackReasons(why)
						}
					}
					if err := res.WriteXLSX(dst, "隔离行"); err != nil {
						return err
					}
				} else if len(res.Rows) > 0 || export {
					if err := res.Write(dst, format); err != nil {
						return err
					}
				}
				if out != "" {
					if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
						return err
					}
					what := fmt.Sprintf("%d rejected rows", q.rejected)
					if q.held > 0 {
						what += fmt.Sprintf(" and %d valid rows held back", q.held)
					}
					fmt.Fprintf(e.Stdout, "%s of run %d (%s) written to %s\n", what, id, q.pipeline, out)
				} else if !export && q.held > 0 {
					if q.rejected > 0 {
						fmt.Fprintln(e.Stdout)
					}
					fmt.Fprintf(e.Stdout, "%d valid rows were held back, %s (--format csv or xlsx lists them with the rejected rows)\n",
						q.held, q.heldReason)
				}
				return nil
			}
		},
	})
}

// quarantined counts what a run quarantined: rows it rejected, and valid
// rows it held back because it failed (raw NULL, reason HeldBackPrefix…).
type quarantined struct {
	pipeline       string
	rejected, held int64
	heldReason     string
}

// quarantineResult reads a run's quarantined rows: file, sheet, row, one
// column per source column (in the order first seen), reasons; the rejected
// rows first, then (if all) the valid rows held back. chinese gives the fixed
// columns Chinese headers, for handing back.
func quarantineResult(ctx context.Context, db *sql.DB, id int64, chinese, all bool) (*Result, quarantined, error) {
	var q quarantined
	var status string
	err := db.QueryRowContext(ctx, `SELECT pipeline, status FROM _run WHERE run_id = ?`, id).Scan(&q.pipeline, &status)
	if err == sql.ErrNoRows {
		return nil, q, fmt.Errorf("no run %d (see grassroots runs)", id)
	}
	if err != nil {
		return nil, q, err
	}
	var reason sql.NullString
	err = db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE raw IS NOT NULL), count(*) FILTER (WHERE raw IS NULL),
		min(reasons) FILTER (WHERE raw IS NULL) FROM _quarantine WHERE run_id = ?`, id).Scan(&q.rejected, &q.held, &reason)
	if err != nil {
		return nil, q, err
	}
	q.heldReason = strings.TrimPrefix(piperun.Redact(reason.String), piperun.HeldBackPrefix+" — ")
	if q.heldReason != reason.String {
		q.heldReason = "not loaded because the run failed: " + q.heldReason
	}
	if q.rejected+q.held == 0 {
		return nil, q, fmt.Errorf("run %d (%s, %s) quarantined no rows", id, q.pipeline, status)
	}
	where := "raw IS NOT NULL"
	if all {
		where = "true"
	}
	rows, err := db.QueryContext(ctx, `SELECT coalesce(file, ''), coalesce(sheet, ''), row_number, coalesce(raw, '{}'), reasons
		FROM _quarantine WHERE run_id = ? AND `+where+` ORDER BY raw IS NULL, row_number`, id)
	if err != nil {
		return nil, q, err
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
		var r qrow
		var raw string
		if err := rows.Scan(&r.file, &r.sheet, &r.row, &raw, &r.reasons); err != nil {
			return nil, q, err
		}
		keys, vals, err := orderedJSON(raw)
		if err != nil {
			return nil, q, fmt.Errorf("run %d row %d: raw values: %w", id, r.row.Int64, err)
		}
		r.raw = vals
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
		anySheet = anySheet || r.sheet != ""
		qs = append(qs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, q, err
	}
	// Personal data are masked on the way out as on the way in, for rows
	// quarantined before the way in masked them.
	for _, c := range cols {
		var values []string
		for _, r := range qs {
			values = append(values, r.raw[c])
		}
		names := piperun.NamesColumn(values)
		for i := range qs {
			r := &qs[i]
			v := piperun.Redact(r.raw[c])
			if m := piperun.MaskName(v); names && m != v {
				r.reasons = strings.ReplaceAll(r.reasons, strconv.Quote(v), strconv.Quote(m))
				v = m
			}
			r.raw[c] = v
		}
	}
	for i := range qs {
		qs[i].reasons = piperun.Redact(qs[i].reasons)
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
	for _, r := range qs {
		row := []any{r.file}
		if anySheet {
			row = append(row, r.sheet)
		}
		var n any
		if r.row.Valid {
			n = r.row.Int64
		}
		row = append(row, n)
		for _, c := range cols {
			row = append(row, r.raw[c])
		}
		res.Rows = append(res.Rows, append(row, r.reasons))
	}
	return res, q, nil
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
