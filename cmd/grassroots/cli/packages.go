package cli

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"grassroots/pipelines/refdata"
	"grassroots/pipelines/spec"
	"grassroots/sql/indicators"
	"grassroots/sql/packages"
	"grassroots/sql/warehouse"
)

func init() {
	register(&Command{
		Name:    "export package",
		Summary: "write a package of a region's figures for the level above (上报)",
		Help: `Writes one file holding, for --region and every region below it, the indicator
numerators, denominators and values of the years --period names, aggregate counts
(members by category and age band, organisations by kind and party organisation
mode, communities with their staff), and the regions' codes and names — never
rows of members or organisations, hashed ids or names of persons. A manifest
(manifest.json) records the region, years, vintages, schema version, producer,
creation time, and every table's row count and SHA-256.

The file is a zip of Parquet tables that other tools can open. Send it to the
level above, which loads it with grassroots import package. The region is the
warehouse's home region (grassroots init --region) unless --region names one
below it.

By default the package is exact: the level above sums its numerators and
denominators, and its figures equal those of one warehouse holding all the
data only if nothing is left out. With --suppress the warehouse's small-cell
rule applies (small_cell_threshold, grassroots settings; default 3): person
counts from 1 to below the threshold — indicator numerators and denominators
that count persons (@persons) and the count table's members, employees, staff
and the like — are withheld as NULL with the flag "suppressed: small cell",
their rates too, and so that no total gives one back, a second figure beside
a lone withheld one (complementary suppression, between a region and the
regions directly below it, and within a region's breakdown). The manifest
records the threshold and how many cells were withheld. The trade-off: the
level above can no longer sum to the exact figure — its roll-ups over a
withheld figure are marked partial. Use it when the package leaves the
offices entitled to the exact counts.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, region, period, out, producer string
			var suppressCells bool
			addWarehouseFlag(fs, &path)
			fs.BoolVar(&suppressCells, "suppress", false, "withhold small cells (person counts below the warehouse's small_cell_threshold) as NULL; the level above then sums partially")
			fs.StringVar(&region, "region", "", "the region to report: the warehouse's home region (the default) or one below it")
			fs.StringVar(&period, "period", "", "years to report (required): 2024, 2020..2024 or 2020,2024")
			fs.StringVar(&out, "out", "", "file to write (default: package-REGION-YEARS.zip)")
			fs.StringVar(&producer, "producer", "", "who made the package, as the level above will see it (default: the warehouse file and its home region)")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("export package takes no arguments (use --region and --period)")
				}
				if period == "" {
					return Usagef("export package needs --period")
				}
				years, err := parseYears(period)
				if err != nil {
					return Usagef("--period: %v", err)
				}
				w, err := e.openRead(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				if region == "" {
					home, err := w.Home(ctx)
					if err != nil {
						return err
					}
					if home == warehouse.Country {
						return Usagef("export package needs --region: this warehouse's home region is the whole country, which reports to no level above")
					}
					region = home
				}
				if out == "" {
					out = fmt.Sprintf("package-%s-%s.zip", region, strings.ReplaceAll(period, "..", "-"))
				}
				m, err := packages.Export(ctx, w, packages.ExportOptions{Region: region, Years: years, Producer: producer, Suppress: suppressCells}, out)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "wrote %s: %s %s, %s\n", out, m.Region, m.RegionName, yearsText(m.Years))
				for _, t := range m.Tables {
					fmt.Fprintf(e.Stdout, "  %-16s %8d rows  %s…\n", t.Name, t.Rows, t.SHA256[:12])
				}
				if m.Synthetic {
					fmt.Fprintln(e.Stdout, "  some figures come from synthetic demo data (示例数据); the package says so")
				}
				if s := m.Suppressed; s != nil {
					fmt.Fprintf(e.Stdout, "  small cells withheld: %d person counts below %d, or that would give one back, are NULL, flagged %q; the level above sums partially where they are\n",
						s.Cells, s.Threshold, packages.SuppressedFlag)
				}
				return nil
			}
		},
	})
	register(&Command{
		Name:    "import package",
		Args:    "FILE",
		Summary: "load a package a region below this warehouse's home reported up",
		Help: `Checks the package — that it is a grassroots package of a format this version
reads, that every table's size and SHA-256 match its manifest, that it holds no
microdata, that its region lies below this warehouse's home region and all its
rows are of that region or below it, and that its figures do not clash with this
warehouse's own — and loads it in one run (one transaction, recorded in
grassroots runs): its figures replace those an earlier package brought for the
same region and years. Importing the same file again changes nothing; a
corrected package replaces the old one. Then the indicators are recomputed, so
that the regions above sum the reported figures.

A package exported with --suppress is accepted and said so: its withheld small
cells are NULL, never summed as zero, and the roll-ups above them are marked
partial.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path string
			addWarehouseFlag(fs, &path)
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) != 1 {
					return Usagef("import package takes one package file")
				}
				w, err := e.openWrite(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				res, err := packages.Import(ctx, w, args[0], packages.ImportOptions{Trigger: "cli"})
				if err != nil {
					return err
				}
				m := res.Manifest
				if res.Skipped != "" {
					fmt.Fprintf(e.Stdout, "run %d skipped: %s\n", res.RunID, res.Skipped)
					return nil
				}
				fmt.Fprintf(e.Stdout, "run %d imported %s: %s %s, %s, made %s by %s\n", res.RunID, args[0], m.Region, m.RegionName,
					yearsText(m.Years), m.CreatedAt.Local().Format("2006-01-02 15:04"), m.Producer)
				fmt.Fprintf(e.Stdout, "  %d indicator values, %d counts; %d rows of an earlier package replaced\n", res.Values, res.Counts, res.Replaced)
				if s := m.Suppressed; s != nil {
					fmt.Fprintf(e.Stdout, "  suppressed at the source: %d person counts below %d, or that would give one back, withheld (NULL) in %d indicator rows; the figures above them are partial where a withheld cell would be summed\n",
						s.Cells, s.Threshold, res.Withheld)
				}
				codes, err := reportedIndicators(ctx, w.DB())
				if err != nil {
					return err
				}
				st, err := indicators.ComputeWith(ctx, w, indicators.Options{Trigger: "cli"}, codes...)
				if err != nil {
					return fmt.Errorf("the package is in (run %d), but recomputing the indicators failed: %w", res.RunID, err)
				}
				fmt.Fprintf(e.Stdout, "  recomputed %d indicators: %d values (run %d)\n", len(st.Indicators), st.Values, st.RunID)
				return nil
			}
		},
	})
	register(&Command{
		Name:    "status",
		Summary: "the warehouse's home region and which regions below it have reported",
		Help: `Shows the warehouse's home region and schema, and for each region directly below
the home region which years its packages brought, when they were made and
imported and by whom; with --period, every child region for those years,
reported or missing. The regions above the reporting ones show as partial
(for instance 2 of 16 sub-regions) until every child is in. A child that sent no
package but whose figures are in the table its returned files (below) are
loaded into shows as "no package; figures loaded", and does not make the
roll-ups partial.

Then, for each pipeline that reads many returned files (a source path such as
inputs/returns/*.xlsx, filled copies of grassroots template), its latest
successful run — with --period, for each year the latest that read rows of that
year: which regions directly below the home region returned a file — the file,
when it came in, rows read, quarantined and loaded from it, and how many of
those are still loaded (a later load may have replaced them) — and which are
missing; a later run that failed is said too. A file is a region's return when
its name begins with the region's code (区划代码_单位名称.xlsx) or its rows carry
it, quarantined rows included: a return whose rows were all quarantined is
returned, with its rows in grassroots quarantine RUN. A file matched to no
region is listed by its name. A region missing from the run whose rows of an
earlier run are still loaded (a run replaces only the partitions it has rows
of) is said so: "missing from run N; figures of run M still loaded".

With --format csv or json, status writes one table: the packages, or with
--returns the returned files (one row per pipeline, year and region).
--returns shows only the returned files in any format.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, period, format string
			var returnsOnly bool
			addWarehouseFlag(fs, &path)
			fs.StringVar(&period, "period", "", "years to check every child region for: 2024, 2020..2024 or 2020,2024")
			fs.StringVar(&format, "format", "table", "output format: table, csv, json or markdown")
			fs.BoolVar(&returnsOnly, "returns", false, "show only the returned files of the pipelines that read them")
			return func(ctx context.Context, e *Env, args []string) error {
				if len(args) > 0 {
					return Usagef("status takes no arguments")
				}
				if err := checkFormat(format); err != nil {
					return err
				}
				var years []int
				if period != "" {
					var err error
					if years, err = parseYears(period); err != nil {
						return Usagef("--period: %v", err)
					}
				}
				w, err := e.openRead(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				if returnsOnly {
					return returnsStatus(ctx, e, w, years, format, true)
				}
				if err := status(ctx, e, w, years, format); err != nil || machine(format) {
					return err
				}
				return returnsStatus(ctx, e, w, years, format, false)
			}
		},
	})
}

// parseYears reads --period as years.
func parseYears(s string) ([]int, error) {
	ps, err := spec.ParsePeriods(s)
	if err != nil {
		return nil, err
	}
	var ys []int
	for _, p := range ps {
		y, err := strconv.Atoi(p)
		if err != nil || y < 1900 || y > 2200 {
			return nil, fmt.Errorf("%q is not a year", p)
		}
		ys = append(ys, y)
	}
	return ys, nil
}

func yearsText(ys []int) string {
	var s []string
	for _, y := range ys {
		s = append(s, strconv.Itoa(y))
	}
	return strings.Join(s, ", ")
}

// reportedIndicators are the indicators packages brought figures of.
func reportedIndicators(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT indicator FROM reported_value WHERE NOT is_derived ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		if _, err := indicators.Lookup(c); err == nil {
			codes = append(codes, c)
		}
	}
	return codes, rows.Err()
}

// status prints the home region and the reporting of the regions below it.
func status(ctx context.Context, e *Env, w *warehouse.Warehouse, years []int, format string) error {
	db := w.DB()
	home, err := w.Home(ctx)
	if err != nil {
		return err
	}
	var name, schema sql.NullString
	_ = db.QueryRowContext(ctx, `SELECT name FROM region WHERE code = ?`, home).Scan(&name)
	_ = db.QueryRowContext(ctx, `SELECT max(version) FROM _migration`).Scan(&schema)
	homeName := name.String
	if homeName == "" && home == warehouse.Country {
		homeName = "全国"
	} else if homeName == "" {
		homeName, _ = refdata.PlaceName(home)
	}
	if !machine(format) {
		fmt.Fprintf(e.Stdout, "warehouse %s\nhome region %s; schema %s\n\n", w.Path(), strings.TrimSpace(home+" "+homeName), schema.String)
	}

	yearsSQL := "SELECT DISTINCT year FROM reported_package"
	if len(years) > 0 {
		var vs []string
		for _, y := range years {
			vs = append(vs, fmt.Sprintf("(%d)", y))
		}
		yearsSQL = "SELECT * FROM (VALUES " + strings.Join(vs, ", ") + ") v(year)"
	}
	// Children of home: the regions one level below it (the provinces for
	// the country), each with the package that reported it — its own or
	// one of a region below it.
	// The districts of a municipality hang under a placeholder (310100
	// 市辖区): its children stand in its place (region_children).
	q := `WITH kids AS (
	SELECT code, name FROM region_children($1, NULL)
), ys AS (` + yearsSQL + `),
pk AS (
	SELECT k.code AS child, p.* FROM reported_package p JOIN kids k ON starts_with(p.package_region, ` + packages.PrefixSQL("k.code") + `)
)
SELECT k.code AS region, k.name, y.year,
       CASE WHEN count(pk.package_region) = 0 THEN 'missing'
            WHEN bool_or(pk.package_region = k.code) THEN 'reported'
            ELSE 'partly: ' || string_agg(DISTINCT pk.package_region, ', ') END AS status,
       max(pk.created_at) AS made, max(pk.imported_at) AS imported, string_agg(DISTINCT pk.producer, '; ') AS producer,
       sum(pk.rows) AS rows
FROM kids k CROSS JOIN ys y LEFT JOIN pk ON pk.child = k.code AND pk.year = y.year
` + filterKids(years) + `
GROUP BY k.code, k.name, y.year
ORDER BY y.year, k.code`
	rows, err := db.QueryContext(ctx, q, home)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	defer rows.Close()
	var n, got, returned int
	tbl, err := scanRows(rows)
	if err != nil {
		return err
	}
	tbl.Blank = true
	// A child without a package whose figures are loaded (in the table
	// its returned files go to, whichever load brought them last) is not
	// missing from the roll-ups above it.
	var viaReturns map[int64]map[string]bool
	if len(years) > 0 {
		if viaReturns, err = returnedFigures(ctx, db, home); err != nil {
			return err
		}
	}
	for _, r := range tbl.Rows {
		n++
		switch s, _ := r[3].(string); s {
		case "reported":
			got++
		case "missing":
			code, _ := r[0].(string)
			var y int64
			switch v := r[2].(type) {
			case int32:
				y = int64(v)
			case int64:
				y = v
			}
			if viaReturns[y][code] {
				r[3] = noPackageReturned
				returned++
			}
		}
	}
	if n == 0 {
		say := e.Stdout
		if machine(format) { // the table, empty, is the document
			say = e.Stderr
			if err := tbl.Write(e.Stdout, format); err != nil {
				return err
			}
		}
		if len(years) == 0 {
			fmt.Fprintln(say, "no package imported yet (grassroots import package FILE; grassroots status --period YEAR lists every child region)")
			return nil
		}
		fmt.Fprintf(say, "no child region of %s in the region table (load the region codes: grassroots run refdata_region)\n", home)
		return nil
	}
	if err := tbl.Write(e.Stdout, format); err != nil {
		return err
	}
	if format == "table" {
		switch {
		case got == n:
			fmt.Fprintf(e.Stdout, "\n%d of %d reported\n", got, n)
		case got+returned == n:
			fmt.Fprintf(e.Stdout, "\n%d of %d reported by package; no package from the other %d regions below, but their figures are loaded (returns: see below)\n", got, n, returned)
		case returned > 0:
			fmt.Fprintf(e.Stdout, "\n%d of %d reported, the figures of %d more are loaded (returns: see below); the roll-ups above the %d with neither are partial until every child is in\n", got, n, returned, n-got-returned)
		default:
			fmt.Fprintf(e.Stdout, "\n%d of %d reported; the roll-ups above them are partial until every child is in\n", got, n)
		}
	}
	return nil
}

// noPackageReturned is the package status of a child region that sent no
// package but whose figures are loaded in the table its returned files go to.
const noPackageReturned = "no package; figures loaded"

// filterKids keeps, without --period, only the children that reported.
func filterKids(years []int) string {
	if len(years) > 0 {
		return ""
	}
	return "WHERE pk.package_region IS NOT NULL"
}
