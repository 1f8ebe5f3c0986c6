package main

import (
	"context"
	"fmt"
	"grassroots/pipelines"
	"os"
	"path/filepath"
	"time"

	"grassroots/reports"
	"grassroots/sql/warehouse"
)

func init() {
	register("reports", runReports)
}

// reportsBudget is the target for rendering every report for every county of
// the benchmark warehouse.
const reportsBudget = 5 * time.Second

// reportsProvince is the province whose counties the benchmark warehouse
// fills with synthetic registers.
const reportsProvince = "32" // 江苏省

// runReports builds a warehouse with the real region codes and synthetic
// registers and indicator values for every county of one province, then
// times rendering every built-in report for every one of those counties.
func runReports(ctx context.Context, b *Bench) error {
	path := filepath.Join(b.Dir, "reports.duckdb")
	w, err := freshWarehouse(ctx, path)
	if err != nil {
		return err
	}
	defer w.Close()
	start := time.Now()
	if err := fillReportsWarehouse(ctx, w); err != nil {
		return err
	}
	var counties, orgs, members int
	db := w.DB()
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM region WHERE level = 3 AND starts_with(code, ?)),
		(SELECT count(*) FROM organisation), (SELECT count(*) FROM party_member)`, reportsProvince).Scan(&counties, &orgs, &members); err != nil {
		return err
	}
	fmt.Fprintf(b.Out, "reports: warehouse of %d counties (%d organisations, %d members, synthetic) built in %.1fs\n",
		counties, orgs, members, time.Since(start).Seconds())

	specs, err := reports.Builtin()
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT code FROM region WHERE level = 3 AND starts_with(code, ?) ORDER BY code`, reportsProvince)
	if err != nil {
		return err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		codes = append(codes, c)
	}
	rows.Close()
	out := filepath.Join(b.Dir, "reports-site")
	defer func() {
		if !b.Keep {
			os.RemoveAll(out)
		}
	}()
	// One cache for every county: each table is read once for the site.
	cache := reports.NewCache(db, codes...)
	pages := 0
	start = time.Now()
	var slowest time.Duration
	slowCode := ""
	for _, c := range codes {
		t0 := time.Now()
		site, err := reports.Render(ctx, db, specs, reports.Options{Out: filepath.Join(out, c), Region: c, Lang: reports.Zh, Cache: cache})
		if err != nil {
			return fmt.Errorf("reports for %s: %w", c, err)
		}
		pages += len(site.Pages)
		if d := time.Since(t0); d > slowest {
			slowest, slowCode = d, c
		}
	}
	took := time.Since(start)
	verdict := "within"
	if took > reportsBudget {
		verdict = "OVER"
	}
	fmt.Fprintf(b.Out, "reports: %d pages (%d reports × %d counties) in %.2fs, %.0f ms per county, slowest %s %.0f ms — %s the %.0f s budget\n",
		pages, len(specs), len(codes), took.Seconds(), float64(took.Milliseconds())/float64(max(1, len(codes))),
		slowCode, float64(slowest.Milliseconds()), verdict, reportsBudget.Seconds())
	return nil
}

// fillReportsWarehouse loads the region codes and generates synthetic
// registers (flagged is_synthetic) for every township of the province.
func fillReportsWarehouse(ctx context.Context, w *warehouse.Warehouse) error {
	if err := pipelines.LoadReference(ctx, w, "refdata_region", "refdata_region_township",
		"refdata_national_urbanisation", "refdata_worldbank_urban_pct", "refdata_worldbank_total_pop"); err != nil {
		return err
	}
	stmts := []string{
		`CREATE TEMP TABLE bench_town AS SELECT code, parent_code AS county FROM region WHERE level = 4 AND starts_with(code, '` + reportsProvince + `')`,
		`INSERT INTO organisation_history (snapshot_date, region_code, org_id, name, kind, employees, formal_members, party_org_mode, instructor_assigned, in_scope, is_synthetic)
		 SELECT DATE '2024-06-30', t.code, t.code || '-' || i, '示例单位' || i,
		        ['nonpublic_enterprise', 'nonpublic_enterprise', 'social_group', 'private_non_enterprise'][1 + CAST(hash(t.code, i) % 4 AS INTEGER)],
		        5 + CAST(hash(t.code, i, 'e') % 300 AS INTEGER), CAST(hash(t.code, i, 'm') % 8 AS INTEGER),
		        ['single', 'joint', 'affiliated', 'none', 'none'][1 + CAST(hash(t.code, i, 'p') % 5 AS INTEGER)], CAST(hash(t.code, i) % 3 AS INTEGER) = 0, true, true
		 FROM bench_town t, range(40) r(i)`,
		`INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, gender, education, category, is_synthetic)
		 SELECT DATE '2024-06-30', t.code, md5(t.code || i), DATE '1940-01-01' + INTERVAL (CAST(hash(t.code, i) % 720 AS INTEGER)) MONTH,
		        CASE WHEN CAST(hash(t.code, i, 'g') % 3 AS INTEGER) = 0 THEN 'F' ELSE 'M' END,
		        ['primary_or_below', 'junior_high', 'senior_high', 'college', 'bachelor', 'postgraduate'][1 + CAST(hash(t.code, i, 'd') % 6 AS INTEGER)],
		        ['rural', 'community', 'enterprise', 'retired', 'agency'][1 + CAST(hash(t.code, i, 'c') % 5 AS INTEGER)], true
		 FROM bench_town t, range(150) r(i)`,
		`INSERT INTO indicator_value_history (indicator, region_code, period, year, numerator, denominator, value, unit, is_rollup, is_synthetic)
		 SELECT 'org.coverage_economic', region_code, '2024-06-30', 2024, n, d, 100 * n / d, '%', false, true FROM (
		   SELECT region_code, count(*) FILTER (party_org_mode <> 'none') AS n, count(*) AS d
		   FROM organisation WHERE kind = 'nonpublic_enterprise' GROUP BY 1)`,
		`INSERT INTO indicator_value_history (indicator, region_code, period, year, numerator, denominator, value, unit, is_rollup, is_synthetic)
		 SELECT 'org.coverage_economic', t.county, '2024-06-30', 2024, sum(numerator), sum(denominator), 100 * sum(numerator) / sum(denominator), '%', true, true
		 FROM indicator_value v JOIN bench_town t ON t.code = v.region_code GROUP BY t.county`,
		`INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop, hukou_pop, urban_hukou_pop, source, is_synthetic)
		 SELECT code, y, '', 500000, 500000 * (0.4 + 0.02 * (y - 2010) + (CAST(hash(code) % 10 AS INTEGER)) / 100.0),
		        400000, 400000 * (0.3 + 0.015 * (y - 2010)), 'synthetic benchmark', true
		 FROM region, range(2010, 2025) r(y) WHERE level = 3 AND starts_with(code, '` + reportsProvince + `')`,
		`INSERT INTO indicator_value_history (indicator, region_code, period, year, numerator, denominator, value, unit, is_synthetic)
		 SELECT 'urban.rate_resident', region_code, CAST(year AS VARCHAR), year, urban_resident_pop, resident_pop, 100 * urban_resident_pop / resident_pop, '%', true
		 FROM population WHERE is_synthetic`,
		`INSERT INTO target (indicator, region_code, target_year, target_value, source)
		 SELECT 'urban.rate_resident', code, 2025, 75, 'synthetic benchmark target' FROM region WHERE level = 3 AND starts_with(code, '` + reportsProvince + `')`,
		`INSERT INTO alert_history (indicator, region_code, period, value, comparator, threshold, severity, message, is_synthetic)
		 SELECT 'org.coverage_economic', region_code, period, value, '<', 50, 'warn', '覆盖率低于50%', true
		 FROM indicator_value WHERE indicator = 'org.coverage_economic' AND value < 50`,
		`DROP TABLE bench_town`,
	}
	return w.Update(ctx, func(ctx context.Context, tx *warehouse.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("bench warehouse: %w\n%s", err, s)
			}
		}
		return nil
	})
}
