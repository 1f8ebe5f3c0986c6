package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"grassroots/cmd/grassroots/cli"
	"grassroots/pipelines/demodata"
	"grassroots/sql/warehouse"
)

func init() {
	register("pipeline", runPipeline)
	registerChild("pipeline-run", childPipelineRun)
	registerChild("pipeline-duckdb", childPipelineDuckDB)
}

// pipelineBudget is the throughput `grassroots run` should reach with the
// typical rules on.
const pipelineBudget = 1_000_000.0

// orgPipeline is the spec of the benchmark pipeline over the generator's
// organisation register, its Chinese headers mapped to warehouse columns.
// Without rules it loads the values as they are, as read_csv does; with
// rules it recodes kind and party organisation mode as the demo pipeline
// does and checks what a register's pipeline typically checks.
func orgPipeline(csvPath string, recode map[string]map[string]string, rules bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "description: organisation register (benchmark, synthetic)\nsource:\n  kind: csv\n  path: %q\n  allow_outside_project: true\n  encoding: utf-8\n  columns:\n", csvPath)
	b.WriteString(specColumns(orgFields))
	b.WriteString("target:\n  table: organisation\n  partition_by: [snapshot_date]\n")
	if rules {
		b.WriteString("recode:\n")
		for _, col := range slices.Sorted(maps.Keys(recode)) {
			var pairs []string
			for _, k := range slices.Sorted(maps.Keys(recode[col])) {
				pairs = append(pairs, fmt.Sprintf("%s: %s", k, recode[col][k]))
			}
			fmt.Fprintf(&b, "  %s: {%s}\n", col, strings.Join(pairs, ", "))
		}
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

// benchWarehouse is a fresh warehouse with the district's township codes,
// which the rules check against.
func benchWarehouse(ctx context.Context, path string) (*warehouse.Warehouse, error) {
	w, err := freshWarehouse(ctx, path)
	if err != nil {
		return nil, err
	}
	var vals []string
	for _, t := range demodata.Townships {
		vals = append(vals, fmt.Sprintf("('%s', '%s', 4, 'township', '%s')", t.Code, t.Name, demodata.DistrictCode))
	}
	if _, err := w.DB().ExecContext(ctx, `INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES `+strings.Join(vals, ", ")); err != nil {
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
	return readCSVInsert(ctx, w, "organisation", csvPath, orgFields)
}

func runPipeline(ctx context.Context, b *Bench) error {
	out := b.Out
	fmt.Fprintf(out, "pipeline: input: the demo generator at scale %s, the %d organisation register (written once, then reused)…\n",
		scaleName(b.Scale), registerYear)
	csvPath, err := b.orgsCSV()
	if err != nil {
		return err
	}
	recode, err := demoRecode("demo_organisations")
	if err != nil {
		return err
	}
	project := filepath.Join(b.Dir, "pipeline-project")
	if err := os.MkdirAll(filepath.Join(project, "pipelines"), 0o755); err != nil {
		return err
	}
	for name, rules := range map[string]bool{"bench_plain": false, "bench_rules": true} {
		if err := os.WriteFile(filepath.Join(project, "pipelines", name+".yaml"), []byte(orgPipeline(csvPath, recode, rules)), 0o644); err != nil {
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
	duckSum, err := b.Child(ctx, "sum", dbPath, "organisation")
	if err != nil {
		return err
	}
	plain, err := b.Child(ctx, "pipeline-run", project, dbPath, "bench_plain")
	if err != nil {
		return err
	}
	plainSum, err := b.Child(ctx, "sum", dbPath, "organisation")
	if err != nil {
		return err
	}
	ruled, err := b.Child(ctx, "pipeline-run", project, dbPath, "bench_rules")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pipeline: organisation register CSV (Chinese headers and values), %s rows, %s (%s)\n",
		group(duck.Rows), fileSize(csvPath), csvPath)
	line(out, "duckdb read_csv, explicit types → INSERT", duck)
	line(out, "grassroots run, no rules", plain)
	line(out, "grassroots run, typical rules", ruled)
	fmt.Fprintf(out, "    rules: recode (2 columns), pattern, region, allowed values, range, unique key, check; %s\n", ruled.Note)
	if duck.Rows != plain.Rows || duck.Rows != ruled.Rows {
		return fmt.Errorf("rows read differ: duckdb %d, run %d, run with rules %d", duck.Rows, plain.Rows, ruled.Rows)
	}
	if duckSum.Rows != plainSum.Rows || duckSum.Note != plainSum.Note {
		return fmt.Errorf("read_csv and the run without rules loaded different tables: %d rows, checksum %s; %d rows, checksum %s",
			duckSum.Rows, duckSum.Note, plainSum.Rows, plainSum.Note)
	}
	fmt.Fprintf(out, "    read_csv and the run without rules load the same organisation rows (checksums equal)\n")
	verdict := "meets"
	if ruled.RowsPerSec() < pipelineBudget {
		verdict = "MISSES"
	}
	fmt.Fprintf(out, "  %-44s %.2f× / %.2f×   (target with rules ≥ %s: %s)\n", "ratio run / duckdb (no rules / rules)",
		plain.RowsPerSec()/duck.RowsPerSec(), ruled.RowsPerSec()/duck.RowsPerSec(), rate(pipelineBudget), verdict)
	return nil
}
