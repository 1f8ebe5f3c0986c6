package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"grassroots/cmd/grassroots/cli"
	"grassroots/sql/warehouse"
)

func init() {
	register("pipeline", runPipeline)
	registerChild("pipeline-run", childPipelineRun)
	registerChild("pipeline-duckdb", childPipelineDuckDB)
}

// pipelineRows is the size of the generated organisation register (or -rows,
// if smaller).
const pipelineRows = 2_000_000

// pipelineBudget is the throughput `grassroots run` should reach with the
// typical rules on.
const pipelineBudget = 1_000_000.0

// orgColumns are the register's columns, in file order, with DuckDB types.
var orgColumns = []column{
	{"snapshot_date", "DATE"}, {"region_code", "VARCHAR"}, {"org_id", "VARCHAR"}, {"kind", "VARCHAR"},
	{"industry", "VARCHAR"}, {"employees", "INTEGER"}, {"formal_members", "INTEGER"},
	{"party_org_mode", "VARCHAR"}, {"instructor_assigned", "BOOLEAN"}, {"in_scope", "BOOLEAN"},
}

// minhangTownships are real township codes of 闵行区; the register's
// organisations (synthetic) are spread over them.
var minhangTownships = []string{"310112001", "310112006", "310112008", "310112009", "310112101", "310112102",
	"310112103", "310112106", "310112107", "310112108", "310112110", "310112112", "310112114", "310112501"}

// genOrgs writes n synthetic organisations (no names) as a CSV with the
// warehouse's column names. One row in 2,000 has more formal members than
// employees, for the quarantine to catch.
func genOrgs(path string, n int) error {
	return generated(path, func(w *bufio.Writer) error {
		var hdr []string
		for _, c := range orgColumns {
			hdr = append(hdr, c.name)
		}
		w.WriteString(strings.Join(hdr, ",") + "\n")
		kinds := []string{"nonpublic_enterprise", "nonpublic_enterprise", "nonpublic_enterprise", "social_group", "private_non_enterprise", "foundation"}
		industries := []string{"manufacturing", "retail", "logistics", "software", "catering", "education", "health"}
		modes := []string{"none", "none", "single", "joint", "affiliated"}
		const alnum = "0123456789ABCDEFGHJKLMNPQRTUWXY"
		r := rand.New(rand.NewPCG(2025, 4))
		b := make([]byte, 0, 160)
		for i := 0; i < n; i++ {
			b = append(b[:0], "2024-12-31,"...)
			b = append(b, minhangTownships[r.IntN(len(minhangTownships))]...)
			// A credit-code-shaped id: unique by its running number, never a
			// resident ID (it has letters).
			b = append(b, ",91310112"...)
			b = append(b, alnum[10+r.IntN(len(alnum)-10)], alnum[r.IntN(len(alnum))])
			b = fmt.Appendf(b, "%08d,", i)
			b = append(b, kinds[r.IntN(len(kinds))]...)
			b = append(b, ',')
			b = append(b, industries[r.IntN(len(industries))]...)
			emp := 3 + r.IntN(400)
			mem := r.IntN(1 + emp/10)
			if i%2000 == 1999 {
				mem = emp + 1
			}
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(emp), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(mem), 10)
			b = append(b, ',')
			b = append(b, modes[r.IntN(len(modes))]...)
			b = append(b, ',')
			b = appendBool(b, r.IntN(3) == 0)
			b = append(b, ',')
			b = appendBool(b, r.IntN(20) != 0)
			b = append(b, '\n')
			w.Write(b)
		}
		return nil
	})
}

// orgPipeline is the spec of the benchmark pipeline, with or without the
// typical validation rules.
func orgPipeline(csvPath string, rules bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "description: organisation register (benchmark, synthetic)\nsource:\n  kind: csv\n  path: %q\n  encoding: utf-8\n  columns:\n", csvPath)
	types := map[string]string{"DATE": "date", "INTEGER": "int", "BOOLEAN": "bool", "VARCHAR": "string"}
	for _, c := range orgColumns {
		fmt.Fprintf(&b, "    - {name: %s, from: %s, type: %s}\n", c.name, c.name, types[c.duck])
	}
	b.WriteString("    - {name: is_synthetic, type: bool, value: \"true\"}\n")
	b.WriteString("target:\n  table: organisation\n  partition_by: [snapshot_date]\n")
	if rules {
		b.WriteString(`validate:
  columns:
    org_id: {required: true, pattern: '^[0-9A-Z]{18}$'}
    region_code: {required: true, region_level: 4}
    kind: {allowed: [nonpublic_enterprise, social_group, private_non_enterprise, foundation, other]}
    party_org_mode: {allowed: [single, joint, affiliated, none]}
    employees: {min: 0, max: 1000000}
    formal_members: {min: 0}
  unique: [org_id]
  checks:
    - {sql: formal_members <= employees, message: 正式党员数大于从业人员数}
`)
	}
	return b.String()
}

// benchWarehouse is a fresh warehouse with the township codes the rules
// check against.
func benchWarehouse(ctx context.Context, path string) (*warehouse.Warehouse, error) {
	w, err := freshWarehouse(ctx, path)
	if err != nil {
		return nil, err
	}
	var vals []string
	for _, c := range minhangTownships {
		vals = append(vals, fmt.Sprintf("('%s', '%s', 4, 'township', '310112')", c, c))
	}
	if _, err := w.DB().ExecContext(ctx, `INSERT INTO region (code, name, level, level_name, parent_code) VALUES `+strings.Join(vals, ", ")); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// childPipelineRun times `grassroots run NAME --force` on a fresh warehouse:
// project, warehouse path, pipeline name.
func childPipelineRun(ctx context.Context, args []string) (Result, error) {
	project, dbPath, name := args[0], args[1], args[2]
	w, err := benchWarehouse(ctx, dbPath)
	if err != nil {
		return Result{}, err
	}
	w.Close()
	var out, errb bytes.Buffer
	start := time.Now()
	code := cli.Run(ctx, []string{"run", name, "--project", project, "--warehouse", dbPath, "--force"},
		strings.NewReader(""), &out, &errb, func(string) string { return "" })
	secs := time.Since(start).Seconds()
	if code != 0 {
		return Result{}, fmt.Errorf("grassroots run %s: exit %d: %s%s", name, code, out.String(), errb.String())
	}
	w, err = warehouse.Open(ctx, dbPath)
	if err != nil {
		return Result{}, err
	}
	defer w.Close()
	var read, loaded, quar int64
	if err := w.DB().QueryRowContext(ctx, `SELECT rows_read, rows_loaded, rows_quarantined FROM _run WHERE pipeline = ? ORDER BY run_id DESC LIMIT 1`,
		name).Scan(&read, &loaded, &quar); err != nil {
		return Result{}, err
	}
	return Result{Rows: read, Seconds: secs, Note: fmt.Sprintf("%d loaded, %d quarantined", loaded, quar)}, nil
}

// childPipelineDuckDB: DuckDB's own read_csv with explicit types, one INSERT.
func childPipelineDuckDB(ctx context.Context, args []string) (Result, error) {
	csvPath, dbPath := args[0], args[1]
	w, err := benchWarehouse(ctx, dbPath)
	if err != nil {
		return Result{}, err
	}
	defer w.Close()
	return readCSVInsert(ctx, w, "organisation", csvPath, orgColumns, map[string]string{"is_synthetic": "true"})
}

func runPipeline(ctx context.Context, b *Bench) error {
	out := b.Out
	n := min(b.Rows, pipelineRows)
	csvPath := filepath.Join(b.Dir, fmt.Sprintf("organisation_%d.csv", n))
	fmt.Fprintf(out, "pipeline: generating %s synthetic organisation-register rows…\n", group(int64(n)))
	if err := genOrgs(csvPath, n); err != nil {
		return err
	}
	st, err := os.Stat(csvPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pipeline: organisation register CSV, %s rows, %s (%s)\n", group(int64(n)), mb(st.Size()), csvPath)
	project := filepath.Join(b.Dir, "pipeline-project")
	if err := os.MkdirAll(filepath.Join(project, "pipelines"), 0o755); err != nil {
		return err
	}
	for name, rules := range map[string]bool{"bench_plain": false, "bench_rules": true} {
		if err := os.WriteFile(filepath.Join(project, "pipelines", name+".yaml"), []byte(orgPipeline(csvPath, rules)), 0o644); err != nil {
			return err
		}
	}
	dbPath := filepath.Join(b.Dir, "pipeline.duckdb")
	defer func() {
		for _, p := range []string{dbPath, dbPath + ".wal", dbPath + ".salt"} {
			os.Remove(p)
		}
	}()

	duck, err := b.Child(ctx, "pipeline-duckdb", csvPath, dbPath)
	if err != nil {
		return err
	}
	line(out, "duckdb read_csv, explicit types → INSERT", duck)
	plain, err := b.Child(ctx, "pipeline-run", project, dbPath, "bench_plain")
	if err != nil {
		return err
	}
	line(out, "grassroots run, no rules", plain)
	ruled, err := b.Child(ctx, "pipeline-run", project, dbPath, "bench_rules")
	if err != nil {
		return err
	}
	line(out, "grassroots run, typical rules", ruled)
	fmt.Fprintf(out, "    rules: pattern, region, allowed values, range, unique key, check; %s\n", ruled.Note)
	if duck.Rows != plain.Rows || duck.Rows != ruled.Rows {
		return fmt.Errorf("rows read differ: duckdb %d, run %d, run with rules %d", duck.Rows, plain.Rows, ruled.Rows)
	}
	verdict := "meets"
	if ruled.RowsPerSec() < pipelineBudget {
		verdict = "MISSES"
	}
	fmt.Fprintf(out, "  %-44s %.2f× / %.2f×   (target with rules ≥ %s: %s)\n", "ratio run / duckdb (no rules / rules)",
		plain.RowsPerSec()/duck.RowsPerSec(), ruled.RowsPerSec()/duck.RowsPerSec(), rate(pipelineBudget), verdict)
	return nil
}
