package cli

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"grassroots/sql/warehouse"
)

var tableNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// returnsStatus lists, for every pipeline that reads many returned files (a
// source path such as inputs/returns/*.xlsx), which regions directly below
// the home region have returned in its latest successful run — the file,
// when it came in, its rows read and quarantined, and the rows loaded for
// the region — and which are missing. A later run that failed is said too.
func returnsStatus(ctx context.Context, e *Env, w *warehouse.Warehouse, format string) error {
	db := w.DB()
	home, err := w.Home(ctx)
	if err != nil {
		return err
	}
	runs, err := db.QueryContext(ctx, `SELECT r.pipeline, max(r.run_id) FROM _run r
		WHERE r.status = 'succeeded' AND r.run_id IN (SELECT run_id FROM _run_file)
		  AND r.run_id NOT IN (SELECT reverts FROM _run WHERE reverts IS NOT NULL AND committed_at IS NOT NULL)
		GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return fmt.Errorf("status: returns: %w", err)
	}
	type latest struct {
		pipeline string
		run      int64
	}
	var ls []latest
	for runs.Next() {
		var l latest
		if err := runs.Scan(&l.pipeline, &l.run); err != nil {
			runs.Close()
			return err
		}
		ls = append(ls, l)
	}
	runs.Close()
	if err := runs.Err(); err != nil {
		return err
	}
	for _, l := range ls {
		if err := returnsOf(ctx, e, db, home, l.pipeline, l.run, format); err != nil {
			return err
		}
	}
	return nil
}

// returnsOf lists the returns of one pipeline's run.
func returnsOf(ctx context.Context, e *Env, db *sql.DB, home, pipeline string, run int64, format string) error {
	var table sql.NullString
	var when sql.NullTime
	_ = db.QueryRowContext(ctx, `SELECT table_name FROM _load WHERE run_id = ? LIMIT 1`, run).Scan(&table)
	_ = db.QueryRowContext(ctx, `SELECT coalesce(committed_at, ended_at) FROM _run WHERE run_id = ?`, run).Scan(&when)
	// Rows the run loaded, those a later run has replaced since included.
	loaded := "NULL::BIGINT"
	if table.Valid && tableNameRE.MatchString(table.String) {
		from := table.String
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
			AND schema_name = 'main' AND table_name = ?`, from+"_history").Scan(&n); err == nil && n > 0 {
			from += "_history"
		}
		loaded = `(SELECT count(*) FROM "` + from + `" t WHERE t.run_id = $2 AND t.region_code = k.code)`
	}
	q := `WITH k0 AS (
	SELECT code, name FROM region
	WHERE parent_code = $1 OR ($1 = '000000' AND level = 1 AND code <> '000000')
), kids AS (
	SELECT code, name FROM k0 WHERE name NOT IN ('市辖区', '县')
	UNION ALL
	SELECT r.code, r.name FROM region r JOIN k0 ON r.parent_code = k0.code AND k0.name IN ('市辖区', '县')
), f AS (
	SELECT file, modified, rows_read, rows_quarantined, unnest(region_codes) AS code FROM _run_file WHERE run_id = $2
)
SELECT k.code AS region, k.name,
       CASE WHEN count(f.file) = 0 THEN 'missing' ELSE 'returned' END AS status,
       string_agg(DISTINCT f.file, '; ') AS file,
       strftime(max(f.modified), '%Y-%m-%d %H:%M') AS received,
       sum(f.rows_read) AS rows_read, sum(f.rows_quarantined) AS quarantined,
       ` + loaded + ` AS loaded
FROM kids k LEFT JOIN f ON f.code = k.code
GROUP BY k.code, k.name
ORDER BY (count(f.file) > 0), k.code`
	rows, err := db.QueryContext(ctx, q, home, run)
	if err != nil {
		return fmt.Errorf("status: returns of %s: %w", pipeline, err)
	}
	defer rows.Close()
	tbl, err := scanRows(rows)
	if err != nil {
		return err
	}
	tbl.Blank = true
	var got int
	var missing []string
	for _, r := range tbl.Rows {
		if s, _ := r[2].(string); s == "returned" {
			got++
		} else {
			missing = append(missing, fmt.Sprintf("%v %v", r[0], r[1]))
		}
	}
	if format == "table" {
		at := ""
		if when.Valid {
			at = ", " + when.Time.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(e.Stdout, "\nreturned files of %s (run %d%s): %d of %d regions below %s returned\n", pipeline, run, at, got, len(tbl.Rows), home)
	}
	if len(tbl.Rows) == 0 {
		fmt.Fprintf(e.Stdout, "no region below %s in the region table (load the region codes: grassroots run refdata_region refdata_region_township)\n", home)
		return nil
	}
	if err := tbl.Write(e.Stdout, format); err != nil {
		return err
	}
	if format != "table" {
		return nil
	}
	if len(missing) > 0 {
		fmt.Fprintf(e.Stdout, "missing: %s\n", strings.Join(missing, ", "))
	}
	var failed int64
	var why sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT run_id, error FROM _run WHERE pipeline = ? AND run_id > ? AND status IN ('failed', 'interrupted')
		ORDER BY run_id DESC LIMIT 1`, pipeline, run).Scan(&failed, &why); err == nil {
		msg := strings.SplitN(why.String, "\n", 2)[0]
		fmt.Fprintf(e.Stdout, "a later run %d failed and loaded nothing: %s (grassroots runs %s)\n", failed, msg, pipeline)
	}
	return nil
}
