package cli

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"grassroots/sql/packages"
	"grassroots/sql/warehouse"
)

var tableNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// machine reports whether format is read by programs (csv, json): status
// then writes one table, not two with lines of text between them.
func machine(format string) bool { return format == "csv" || format == "json" }

// returnsStatus lists, for every pipeline that reads many returned files (a
// source path such as inputs/returns/*.xlsx), which regions directly below
// the home region have returned — the file, when it came in, its rows read,
// quarantined and loaded, and how many of those are still loaded — and
// which are missing. A later run that failed is said too.
//
// Without years it shows each pipeline's latest successful run, saying the
// years its files held; with years (--period), for each year the latest
// successful run that read files with rows of that year, every region
// missing where none did. In csv and json it writes one table, each row
// naming its pipeline, year and run.
func returnsStatus(ctx context.Context, e *Env, w *warehouse.Warehouse, years []int, format string, only bool) error {
	db := w.DB()
	home, err := w.Home(ctx)
	if err != nil {
		return err
	}
	pipelines, err := returnsPipelines(ctx, db)
	if err != nil {
		return err
	}
	if len(pipelines) == 0 && only && !machine(format) {
		fmt.Fprintln(e.Stdout, "no pipeline has read returned files yet (a source path such as inputs/returns/*.xlsx; grassroots template writes the workbook to send)")
	}
	var all *Result
	for _, p := range pipelines {
		periods := []int{0} // 0: the latest run, whatever its years
		if len(years) > 0 {
			periods = years
		}
		for _, y := range periods {
			tbl, err := returnsOf(ctx, e, db, home, p, y, format)
			if err != nil {
				return err
			}
			if all == nil {
				all = tbl
			} else if tbl != nil {
				all.Rows = append(all.Rows, tbl.Rows...)
			}
		}
	}
	if !machine(format) {
		return nil
	}
	if all == nil {
		all = &Result{Columns: returnsColumns, Types: make([]string, len(returnsColumns))}
	}
	return all.Write(e.Stdout, format)
}

// returnsColumns are the columns of the returns in csv and json.
var returnsColumns = []string{"pipeline", "year", "run", "region", "name", "status", "file", "received", "rows_read", "quarantined", "loaded", "still_loaded", "note"}

// returnsPipelines are the pipelines that have read returned files in a
// successful run, by name.
func returnsPipelines(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT r.pipeline FROM _run r
		WHERE r.status = 'succeeded' AND r.run_id IN (SELECT run_id FROM _run_file) ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("status: returns: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// returnsOf lists the returns of one pipeline: of its latest successful run,
// or (year > 0) of its latest successful run that read files with rows of
// year. In a machine format it returns the rows to write, each naming the
// pipeline, year and run; otherwise it writes them with a heading.
func returnsOf(ctx context.Context, e *Env, db *sql.DB, home, pipeline string, year int, format string) (*Result, error) {
	var y any // NULL: any year
	if year > 0 {
		y = year
	}
	var run sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(r.run_id) FROM _run r
		WHERE r.pipeline = ? AND r.status = 'succeeded'
		  AND r.run_id NOT IN (SELECT reverts FROM _run WHERE reverts IS NOT NULL AND committed_at IS NOT NULL)
		  AND r.run_id IN (SELECT run_id FROM _run_file WHERE ?::INTEGER IS NULL OR list_contains(years, ?::INTEGER))`,
		pipeline, y, y).Scan(&run); err != nil {
		return nil, fmt.Errorf("status: returns of %s: %w", pipeline, err)
	}
	var table sql.NullString
	var when sql.NullTime
	var held sql.NullString
	if run.Valid {
		_ = db.QueryRowContext(ctx, `SELECT table_name FROM _load WHERE run_id = ? LIMIT 1`, run.Int64).Scan(&table)
		_ = db.QueryRowContext(ctx, `SELECT coalesce(committed_at, ended_at) FROM _run WHERE run_id = ?`, run.Int64).Scan(&when)
		_ = db.QueryRowContext(ctx, `SELECT string_agg(DISTINCT y::VARCHAR, ', ' ORDER BY y::VARCHAR)
			FROM (SELECT unnest(years) AS y FROM _run_file WHERE run_id = ?)`, run.Int64).Scan(&held)
	}
	// Loaded: what the run loaded of the region's files (read less
	// quarantined: a run loads every row it does not quarantine), which
	// holds after a later load replaced the rows and vacuum removed them.
	// Still loaded: those rows in the table now.
	still := "NULL::BIGINT"
	// Earlier: for each region, the latest other run of the pipeline whose
	// rows of it are still in the table, and how many: a region whose file
	// is missing from this run keeps them, as partitions are replaced only
	// where a run has rows.
	earlier := "SELECT NULL::VARCHAR AS code, NULL::BIGINT AS run, NULL::BIGINT AS n WHERE false"
	if table.Valid && tableNameRE.MatchString(table.String) {
		cond := ""
		if year > 0 {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database()
				AND schema_name = 'main' AND table_name = ? AND column_name = 'year'`, table.String).Scan(&n); err == nil && n > 0 {
				cond = " AND t.year = $3"
			}
		}
		still = `(SELECT count(*) FROM "` + table.String + `" t WHERE t.run_id = $2 AND t.region_code = k.code` + cond + `)`
		earlier = `SELECT t.region_code AS code, t.run_id AS run, count(*) AS n FROM "` + table.String + `" t
	WHERE t.run_id <> $2 AND t.run_id IN (SELECT run_id FROM _run WHERE pipeline = $4 AND status = 'succeeded')` + cond + `
	GROUP BY 1, 2
	QUALIFY row_number() OVER (PARTITION BY t.region_code ORDER BY t.run_id DESC) = 1`
	}
	// A file is a region's return when the region's code is the one its
	// name begins with (区划代码_单位名称.xlsx, as the template asks), or
	// one its rows carried — its quarantined rows' raw values included: a
	// file whose one row was quarantined for a mistyped code was returned
	// all the same. A file matched to no region below is listed by name.
	q := `WITH kids AS (
	SELECT code, name FROM region_children($1, NULL)
), rf AS (
	SELECT file, modified, rows_read, rows_quarantined, region_codes FROM _run_file
	WHERE run_id = $2 AND ($3::INTEGER IS NULL OR years IS NULL OR len(years) = 0 OR list_contains(years, $3::INTEGER))
), fc AS (
	SELECT file, unnest(region_codes) AS code FROM rf
	UNION SELECT file, regexp_extract(parse_filename(file), '^([0-9]+)_', 1) FROM rf
	UNION SELECT q.file, unnest(json_extract_string(q.raw, '$.*')) FROM _quarantine q
	WHERE q.run_id = $2 AND q.raw IS NOT NULL AND q.file IN (SELECT file FROM rf)
), f AS (
	SELECT rf.*, fc.code FROM rf JOIN fc USING (file) WHERE fc.code IN (SELECT code FROM kids)
), earlier AS (
	` + earlier + `
), byregion AS (
	SELECT $4::VARCHAR AS pipeline, $3::INTEGER AS year, $2::BIGINT AS run,
	       k.code AS region, k.name,
	       CASE WHEN count(f.file) = 0 THEN 'missing' ELSE 'returned' END AS status,
	       string_agg(DISTINCT f.file, '; ') AS file,
	       strftime(max(f.modified), '%Y-%m-%d %H:%M') AS received,
	       sum(f.rows_read) AS rows_read, sum(f.rows_quarantined) AS quarantined,
	       sum(f.rows_read - f.rows_quarantined) AS loaded,
	       CASE WHEN count(f.file) > 0 THEN ` + still + ` ELSE any_value(e.n) END AS still_loaded,
	       CASE WHEN sum(f.rows_quarantined) > 0
	            THEN '已报，' || sum(f.rows_quarantined) || ' 行进隔离区：grassroots quarantine ' || $2::BIGINT
	            WHEN count(f.file) = 0 AND any_value(e.run) IS NOT NULL
	            THEN 'missing from run ' || $2::BIGINT || '; figures of run ' || any_value(e.run) || ' still loaded' END AS note,
	       CASE WHEN count(f.file) > 0 THEN 1 ELSE 0 END AS o
	FROM kids k LEFT JOIN f ON f.code = k.code LEFT JOIN earlier e ON e.code = k.code
	GROUP BY k.code, k.name
), unmatched AS (
	SELECT $4::VARCHAR, $3::INTEGER, $2::BIGINT, NULL::VARCHAR, NULL::VARCHAR, 'unmatched', rf.file,
	       strftime(rf.modified, '%Y-%m-%d %H:%M'), rf.rows_read, rf.rows_quarantined,
	       rf.rows_read - rf.rows_quarantined, NULL::BIGINT,
	       '未对应到下辖单位：文件名开头和各行的区划代码都不是 ' || $1::VARCHAR || ' 下辖单位的代码', 2
	FROM rf WHERE rf.file NOT IN (SELECT file FROM f)
)
SELECT * EXCLUDE (o) FROM (SELECT * FROM byregion UNION ALL SELECT * FROM unmatched)
ORDER BY o, region, file`
	var runArg any
	if run.Valid {
		runArg = run.Int64
	}
	rows, err := db.QueryContext(ctx, q, home, runArg, y, pipeline)
	if err != nil {
		return nil, fmt.Errorf("status: returns of %s: %w", pipeline, err)
	}
	defer rows.Close()
	tbl, err := scanRows(rows)
	if err != nil {
		return nil, err
	}
	tbl.Blank = true
	if machine(format) {
		if len(tbl.Rows) == 0 {
			fmt.Fprintf(e.Stderr, "no region below %s in the region table (load the region codes: grassroots run refdata_region refdata_region_township)\n", home)
		}
		return tbl, nil
	}
	// The table format: a heading says the pipeline, year and run.
	tbl.Columns, tbl.Types = tbl.Columns[3:], tbl.Types[3:]
	for i, r := range tbl.Rows {
		tbl.Rows[i] = r[3:]
	}
	var got, kids int
	var missing, unmatched []string
	for _, r := range tbl.Rows {
		switch s, _ := r[2].(string); s {
		case "returned":
			got++
			kids++
		case "unmatched":
			unmatched = append(unmatched, fmt.Sprint(r[3]))
		default:
			kids++
			m := fmt.Sprintf("%v %v", r[0], r[1])
			if note, _ := r[len(r)-1].(string); note != "" {
				m += " (" + note + ")"
			}
			missing = append(missing, m)
		}
	}
	of := pipeline
	if year > 0 {
		of += " for " + strconv.Itoa(year)
	}
	switch {
	case !run.Valid:
		fmt.Fprintf(e.Stdout, "\nreturned files of %s: no successful run read files with rows of %d; %d regions below %s missing\n", of, year, len(tbl.Rows), home)
	default:
		at := ""
		if when.Valid {
			at = ", " + when.Time.Local().Format("2006-01-02 15:04")
		}
		if year == 0 && held.String != "" {
			at += "; rows of " + held.String
		}
		fmt.Fprintf(e.Stdout, "\nreturned files of %s (run %d%s): %d of %d regions below %s returned\n", of, run.Int64, at, got, kids, home)
	}
	if kids == 0 {
		fmt.Fprintf(e.Stdout, "no region below %s in the region table (load the region codes: grassroots run refdata_region refdata_region_township)\n", home)
		return nil, nil
	}
	if err := tbl.Write(e.Stdout, format); err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		fmt.Fprintf(e.Stdout, "missing: %s\n", strings.Join(missing, ", "))
	}
	if len(unmatched) > 0 {
		fmt.Fprintf(e.Stdout, "read but matched to no region below %s (neither the code its name begins with nor its rows' codes): %s\n", home, strings.Join(unmatched, ", "))
	}
	var failed int64
	var why sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT run_id, error FROM _run WHERE pipeline = ? AND run_id > ? AND status IN ('failed', 'interrupted')
		ORDER BY run_id DESC LIMIT 1`, pipeline, run.Int64).Scan(&failed, &why); err == nil && run.Valid {
		msg := strings.SplitN(why.String, "\n", 2)[0]
		fmt.Fprintf(e.Stdout, "a later run %d failed and loaded nothing: %s (grassroots runs %s)\n", failed, msg, pipeline)
	}
	return nil, nil
}

// returnedFigures are, by year, the regions directly below home (or the
// regions below them) with rows in the table a pipeline reading returned
// files loads — its own rows, or those of a later load that replaced them:
// what the packages part of status must not call missing from the roll-ups. A table without a year column counts
// for every year of the runs' files.
func returnedFigures(ctx context.Context, db *sql.DB, home string) (map[int64]map[string]bool, error) {
	pipelines, err := returnsPipelines(ctx, db)
	if err != nil {
		return nil, err
	}
	out := map[int64]map[string]bool{}
	for _, p := range pipelines {
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT table_name FROM _load WHERE run_id IN (SELECT run_id FROM _run WHERE pipeline = ?)`, p)
		if err != nil {
			return nil, fmt.Errorf("status: returns of %s: %w", p, err)
		}
		var tables []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err == nil && tableNameRE.MatchString(t) {
				tables = append(tables, t)
			}
		}
		rows.Close()
		for _, t := range tables {
			year, args := "t.year", []any{home}
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database()
				AND schema_name = 'main' AND table_name = ? AND column_name = 'year'`, t).Scan(&n); err != nil || n == 0 {
				year = `unnest(coalesce((SELECT list_distinct(flatten(list(years))) FROM _run_file WHERE run_id IN (SELECT run_id FROM _run WHERE pipeline = $2)), []::INTEGER[]))`
				args = append(args, p)
			}
			q := `SELECT DISTINCT k.code, ` + year + ` AS year FROM "` + t + `" t
				JOIN region_children($1, NULL) k ON t.region_code = k.code OR starts_with(t.region_code, ` + packages.PrefixSQL("k.code") + `)`
			rows, err := db.QueryContext(ctx, q, args...)
			if err != nil {
				return nil, fmt.Errorf("status: returns of %s: %w", p, err)
			}
			for rows.Next() {
				var code string
				var y sql.NullInt64
				if err := rows.Scan(&code, &y); err != nil {
					rows.Close()
					return nil, err
				}
				if y.Valid {
					if out[y.Int64] == nil {
						out[y.Int64] = map[string]bool{}
					}
					out[y.Int64][code] = true
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
