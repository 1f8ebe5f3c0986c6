package cli

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"grassroots/sql/warehouse"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"grassroots/sql/indicators"
)

func init() {
	register(&Command{
		Name:    "indicators list",
		Summary: "list the indicator catalogue (sql/indicators)",
		Help: `One line per indicator: code, Chinese and English name, unit, direction (which
way is better), how it rolls up the region hierarchy, its period kind and the
tables it reads. Needs no warehouse.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var format string
			addIndicatorFormatFlag(fs, &format)
			return func(ctx context.Context, e *Env, args []string) error {
				if err := checkListing(format, args, "list takes no arguments"); err != nil {
					return err
				}
				cat, err := indicators.Catalogue()
				if err != nil {
					return err
				}
				res := &Result{
					Columns: []string{"code", "名称", "name", "unit", "direction", "aggregation", "period", "reads"},
					Types:   []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"},
				}
				for _, ind := range cat {
					agg := ind.Aggregation
					if len(ind.DependsOn) > 0 {
						agg += " (from " + strings.Join(ind.DependsOn, ", ") + ")"
					}
					res.Rows = append(res.Rows, []any{ind.Code, ind.NameZh, ind.NameEn, ind.Unit, ind.Direction,
						agg, ind.Period, strings.Join(ind.SourceTables, ", ")})
				}
				return res.Write(e.Stdout, format)
			}
		},
	})

	register(&Command{
		Name:    "indicators show",
		Args:    "CODE",
		Summary: "show one indicator's series for a region: values, change, growth, target and status",
		Help: `Prints the indicator's values for the region (default: the highest-level region
whose values are complete — not summed from only some of its sub-regions), period by period, with the change since the
previous period (percentage points for rates), compound annual growth for levels,
and, where a target exists, the distance to it, the yearly pace needed, the year
it is reached at the recent pace and the target_status (on_track when the share
of the task done keeps up with the share of the time gone).

value is the value as published, to the indicator's @precision (rates with one
decimal: 67.0); value_exact keeps the digits. status is the observation status of
the figures it was computed from (final, revised, preliminary, estimated,
synthetic — the weakest of them), sym its symbol (r, p, e, s; a legend follows
the table); notes carry roll-up completeness, flags and the footnotes on the value.

One vintage at a time: by default the indicator's preferred vintage the region
has (see its @vintages), followed by any newer values of the next vintage — a
first release beyond a revised series — named in notes and in the line above the
table; --vintage picks another (and says which vintages have the years asked when
it has none), --vintage all shows every one side by side. Roll-ups summed from
sub-regions are marked, and so are values computed from synthetic (demo) data.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, format, region, vintage string
			var from, to int
			addWarehouseFlag(fs, &path)
			addIndicatorFormatFlag(fs, &format)
			fs.StringVar(&region, "region", "", "region code (default: the highest-level region with values, the home region or below it)")
			fs.IntVar(&from, "from", 0, "first year to show")
			fs.IntVar(&to, "to", 0, "last year to show")
			fs.StringVar(&vintage, "vintage", "", "vintage to show (default: the preferred one; own: the region's own data; all: every vintage)")
			var asOfFlag string
			addAsOfFlag(fs, &asOfFlag)
			return func(ctx context.Context, e *Env, args []string) error {
				if err := checkFormat(format); err != nil {
					return err
				}
				if len(args) != 1 {
					return Usagef("give one indicator code (see grassroots indicators list)")
				}
				ind, err := indicators.Lookup(args[0])
				if err != nil {
					return Usagef("%v", err)
				}
				if from != 0 && to != 0 && from > to {
					return Usagef("--from %d is after --to %d", from, to)
				}
				opts, err := asOf(asOfFlag)
				if err != nil {
					return err
				}
				w, err := e.openRead(ctx, e.warehousePath(path), opts...)
				if err != nil {
					return err
				}
				defer w.Close()
				return showIndicator(ctx, e, w, ind, region, vintage, from, to, format)
			}
		},
	})

	register(&Command{
		Name:    "indicators compute",
		Args:    "[CODE...]",
		Summary: "compute indicators (all, or those named and the ones derived from them)",
		Help: `Replaces the indicators' values in one transaction: each definition's query is
evaluated, rolled up to every ancestor region by summing numerators and
denominators, and the alert rules are re-evaluated. The pipelines run this
after every run that loads a table an indicator reads.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path string
			addWarehouseFlag(fs, &path)
			return func(ctx context.Context, e *Env, args []string) error {
				for _, c := range args {
					if _, err := indicators.Lookup(c); err != nil {
						return Usagef("%v", err)
					}
				}
				w, err := e.openWrite(ctx, e.warehousePath(path))
				if err != nil {
					return err
				}
				defer w.Close()
				st, err := indicators.Compute(ctx, w, args...)
				if err != nil {
					return err
				}
				res := &Result{Columns: []string{"indicator", "values", "roll-ups", "seconds"},
					Types: []string{"VARCHAR", "BIGINT", "BIGINT", "DOUBLE"}}
				for _, is := range st.Indicators {
					res.Rows = append(res.Rows, []any{is.Code, is.Values, is.Rollups, roundTo(is.Duration.Seconds(), 3)})
				}
				if err := res.Write(e.Stdout, "table"); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "%d indicators, %d values (%d roll-ups), %d alerts, %.2fs (run %d)\n",
					len(st.Indicators), st.Values, st.Rollups, st.Alerts, st.Duration.Seconds(), st.RunID)
				return nil
			}
		},
	})

	register(&Command{
		Name:    "indicators alerts",
		Summary: "list current early warnings (预警)",
		Help: `Each region's latest value of each indicator that breaks an alert rule
(alert_rule: e.g. member.share_55_plus > 50). Alerts are refreshed whenever the
indicator is computed. Alerts on synthetic (demo) data are marked. Roll-ups summed
from only some of a region's sub-regions (flagged partial) raise none.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, format, region, severity string
			addListingFlags(fs, &path, &format, &region, "only this region and the regions under it")
			fs.StringVar(&severity, "severity", "", "only this severity: info, warn or critical")
			return func(ctx context.Context, e *Env, args []string) error {
				if err := checkListing(format, args, "alerts takes no arguments (use --region)"); err != nil {
					return err
				}
				switch severity {
				case "", "info", "warn", "critical":
				default:
					return Usagef("--severity %q: want info, warn or critical", severity)
				}
				// An audit finding raised as an alert (audit:RULE) names its
				// rule and gives the figures in its message, not a threshold.
				res, err := e.queryWarehouse(ctx, path, `SELECT a.severity, a.indicator,
					CASE WHEN a.indicator LIKE 'audit:%' THEN '数据审核' ELSE i.name_zh END AS 指标, a.region_code AS region,
					r.name AS 区划, a.period, round(a.value, coalesce(i.precision, 2)) AS value,
					CASE WHEN a.indicator LIKE 'audit:%' THEN '' ELSE i.unit END AS unit,
					CASE WHEN a.indicator LIKE 'audit:%' THEN 'see message' ELSE a.comparator || ' ' || a.threshold END AS rule,
					a.message, CASE WHEN a.is_synthetic THEN 'synthetic' ELSE '' END AS data
					FROM alert a LEFT JOIN indicator i ON i.code = a.indicator LEFT JOIN region r ON r.code = a.region_code
					WHERE ($1 = '' OR a.severity = $1)
					  AND ($2 = '' OR a.region_code = $2 OR a.region_code IN (SELECT x.code FROM region_ancestor x WHERE x.ancestor = $2))
					ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END,
					         a.indicator, length(a.region_code), a.region_code`, severity, region)
				if err != nil {
					return err
				}
				return res.Write(e.Stdout, format)
			}
		},
	})

	register(&Command{
		Name:    "indicators worklist",
		Summary: "the 应建未建 work list: organisations with 3+ formal members and no party organisation",
		Help: `From each region's latest organisation snapshot: every organisation with three
or more formal party members and no party organisation (single, joint or
affiliated), most members first, with Chinese column headers. --format xlsx
--out FILE writes a workbook to hand on.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, format, region, out string
			addListingFlags(fs, &path, &format, &region, "only organisations in this region or under it")
			fs.StringVar(&out, "out", "", "write to this file instead of standard output")
			return func(ctx context.Context, e *Env, args []string) error {
				if err := checkListing(format, args, "worklist takes no arguments (use --region)"); err != nil {
					return err
				}
				if format == "xlsx" && out == "" && isTerminal(e.Stdout) {
					return Usagef("--format xlsx writes a workbook: give --out FILE.xlsx")
				}
				res, err := e.queryWarehouse(ctx, path, indicators.Worklist, region)
				if err != nil {
					return err
				}
				return writeResultTo(e, res, format, out, "应建未建")
			}
		},
	})
}

func addIndicatorFormatFlag(fs *flag.FlagSet, format *string) {
	fs.StringVar(format, "format", "table", "output format: table, csv, json, markdown or xlsx")
}

// addListingFlags adds --warehouse, --format and --region (regionHelp says
// what it selects) to a command that lists rows of the warehouse.
func addListingFlags(fs *flag.FlagSet, path, format, region *string, regionHelp string) {
	addWarehouseFlag(fs, path)
	addIndicatorFormatFlag(fs, format)
	fs.StringVar(region, "region", "", regionHelp)
}

// checkListing checks the output format and that a command that lists
// something was given no arguments (noArgs says so otherwise).
func checkListing(format string, args []string, noArgs string) error {
	if err := checkFormat(format); err != nil {
		return err
	}
	if len(args) > 0 {
		return Usagef("%s", noArgs)
	}
	return nil
}

// queryWarehouse opens the warehouse at path (or the default one) for
// reading, runs q and reads every row.
func (e *Env) queryWarehouse(ctx context.Context, path, q string, args ...any) (*Result, error) {
	w, err := e.openRead(ctx, e.warehousePath(path))
	if err != nil {
		return nil, err
	}
	defer w.Close()
	res, err := queryResult(ctx, w.DB(), q, args...)
	if res != nil {
		res.Blank = true // the project's own listings: an unknown value is an empty cell
	}
	return res, err
}

// queryResult runs q on db and reads every row.
func queryResult(ctx context.Context, db *sql.DB, q string, args ...any) (*Result, error) {
	rs, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return scanRows(rs)
}

// writeResultTo writes res to the file out (standard output when empty).
func writeResultTo(e *Env, res *Result, format, out, sheet string) error {
	if out == "" {
		if format == "xlsx" {
			return res.WriteXLSX(e.Stdout, sheet)
		}
		return res.Write(e.Stdout, format)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if format == "xlsx" {
		err = res.WriteXLSX(f, sheet)
	} else {
		err = res.Write(f, format)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	fmt.Fprintf(e.Stderr, "wrote %d rows to %s\n", len(res.Rows), out)
	return nil
}

func roundTo(x float64, dp int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', dp, 64), 64)
	return v
}

// showIndicator prints one indicator's series for a region.
func showIndicator(ctx context.Context, e *Env, w *warehouse.Warehouse, ind *indicators.Indicator, region, vintage string, from, to int, format string) error {
	db := w.DB()
	if region == "" {
		// The series view holds only complete values (never a roll-up summed
		// from some sub-regions), so a country with published figures of its
		// own comes before a district's data partially summed up to it. A
		// warehouse of a region looks no higher than its home.
		home, err := w.Home(ctx)
		if err != nil {
			return err
		}
		err = db.QueryRowContext(ctx, `SELECT s.region_code FROM indicator_series s
			LEFT JOIN region r ON r.code = s.region_code WHERE s.indicator = ?
			  AND ($2 = '000000' OR s.region_code = $2 OR s.region_code IN (SELECT code FROM region_ancestor WHERE ancestor = $2))
			GROUP BY s.region_code, r.level
			ORDER BY coalesce(r.level, 99), length(s.region_code), count(*) DESC, s.region_code
			LIMIT 1`, ind.Code, home).Scan(&region)
		if err == sql.ErrNoRows {
			return fmt.Errorf("%s has no values yet: run grassroots indicators compute", ind.Code)
		}
		if err != nil {
			return err
		}
	}
	var vintages []string
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT vintage FROM indicator_value WHERE indicator = ? AND region_code = ? ORDER BY 1`, ind.Code, region)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		vintages = append(vintages, v)
	}
	rows.Close()
	if len(vintages) == 0 {
		return fmt.Errorf("%s has no values for region %s", ind.Code, region)
	}
	chosen := vintage
	switch vintage {
	case "all":
	case "":
		if err := db.QueryRowContext(ctx, `SELECT coalesce(any_value(vintage), '') FROM indicator_default WHERE indicator = ? AND region_code = ?`,
			ind.Code, region).Scan(&chosen); err != nil {
			return err
		}
	default:
		if vintage == "own" {
			chosen = ""
		}
		found := false
		for _, v := range vintages {
			found = found || v == chosen
		}
		if !found {
			return Usagef("--vintage %q: %s has %s for region %s", vintage, ind.Code, vintageList(vintages), region)
		}
	}
	// The default series first; after it, newer values of another vintage
	// (a first release the revised series has not reached), named as such.
	newer := vintage == ""
	// The value as published, in every format: 67.0 (see Fixed).
	shown := fmt.Sprintf("round(c.value, %d)", ind.Precision)
	res, err := queryResult(ctx, db, `SELECT c.region_code AS region, r.name AS 区划, c.period, c.vintage,
		`+shown+` AS value, c.unit, coalesce(st.symbol, '') AS sym, coalesce(iv.status, 'final') AS status,
		iv.numerator, iv.denominator, round(c.value, 6) AS value_exact,
		round(c.change, 4) AS change, c.change_unit, round(c.change_per_year, 4) AS per_year,
		round(c.cagr_pct, 3) AS "cagr_%",
		t.target_value AS target, t.target_year, round(t.distance, 4) AS distance,
		round(t.pace_needed, 4) AS pace_needed, t.projected_year, t.status AS target_status,
		round(b.value, 4) AS children_sum,
		CASE WHEN b.expected IS NOT NULL THEN b.reported || '/' || b.expected END AS children,
		trim(concat_ws(' ', CASE WHEN c.vintage <> $3 AND $3 <> 'all' THEN 'newer than the ' || CASE WHEN $3 = '' THEN 'own' ELSE $3 END || ' series, from ' || c.vintage || ';' END,
		     CASE WHEN iv.is_rollup THEN 'roll-up of ' || iv.reported || ' of ' || iv.expected || ' sub-regions' END,
		     CASE WHEN iv.is_synthetic THEN 'synthetic' END, nullif(iv.flags, ''),
		     CASE WHEN b.value IS NOT NULL THEN 'children_sum: the sum of its sub-regions, beside its own figure' ||
		          CASE WHEN b.flags <> '' THEN ' (' || b.flags || ')' ELSE '' END END,
		     (SELECT string_agg(f.note_zh, '；' ORDER BY f.note_zh) FROM footnote f WHERE f.indicator = c.indicator
		        AND coalesce(f.region_code, c.region_code) = c.region_code AND coalesce(f.period, c.period) = c.period
		        AND coalesce(f.vintage, c.vintage) = c.vintage))) AS notes
		FROM indicator_change c
		JOIN indicator_value iv ON iv.indicator = c.indicator AND iv.region_code = c.region_code
		 AND iv.period = c.period AND iv.vintage = c.vintage AND NOT iv.beside_own
		LEFT JOIN observation_status st ON st.code = iv.status
		LEFT JOIN indicator_value b ON b.indicator = c.indicator AND b.region_code = c.region_code
		 AND b.period = c.period AND b.vintage = c.vintage AND b.beside_own
		LEFT JOIN region r ON r.code = c.region_code
		LEFT JOIN indicator_target_status t ON t.indicator = c.indicator AND t.region_code = c.region_code
		 AND t.period = c.period AND t.vintage = c.vintage
		WHERE c.indicator = $1 AND c.region_code = $2
		  AND ($3 = 'all' OR c.vintage = $3 OR ($6 AND EXISTS (SELECT 1 FROM indicator_newer n
		       WHERE n.indicator = c.indicator AND n.region_code = c.region_code AND n.period = c.period AND n.vintage = c.vintage)))
		  AND ($4 = 0 OR c.year >= $4) AND ($5 = 0 OR c.year <= $5)
		ORDER BY c.vintage <> $3, c.vintage, c.period, t.target_year`, ind.Code, region, chosen, from, to, newer)
	if err != nil {
		return err
	}
	res.Blank = true
	if vc := slices.Index(res.Columns, "value"); vc >= 0 {
		for _, row := range res.Rows {
			if x, ok := row[vc].(float64); ok {
				row[vc] = Fixed{V: x, Decimals: ind.Precision}
			}
		}
	}
	var elsewhere []string
	if len(res.Rows) == 0 && chosen != "all" {
		// Nothing of this vintage in these years: say which vintage has them.
		rows, err := db.QueryContext(ctx, `SELECT vintage, min(period), max(period) FROM indicator_value
			WHERE indicator = $1 AND region_code = $2 AND vintage <> $3 AND NOT beside_own
			  AND ($4 = 0 OR year >= $4) AND ($5 = 0 OR year <= $5) GROUP BY vintage ORDER BY vintage`, ind.Code, region, chosen, from, to)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v, lo, hi string
			if err := rows.Scan(&v, &lo, &hi); err != nil {
				rows.Close()
				return err
			}
			span := lo
			if hi != lo {
				span += "–" + hi
			}
			elsewhere = append(elsewhere, fmt.Sprintf("%s (%s; --vintage %s)", vintageName(v), span, v))
		}
		rows.Close()
	}
	if format != "table" {
		return res.Write(e.Stdout, format)
	}
	fmt.Fprintf(e.Stdout, "%s %s — %s (%s)\n", ind.Code, ind.NameZh, ind.NameEn, ind.Unit)
	if ind.Denominator != "" {
		fmt.Fprintf(e.Stdout, "  = %s ÷ %s", ind.Numerator, ind.Denominator)
		if ind.Scale != 1 {
			fmt.Fprintf(e.Stdout, " × %g", ind.Scale)
		}
		fmt.Fprintln(e.Stdout)
	} else {
		fmt.Fprintf(e.Stdout, "  = %s\n", ind.Numerator)
	}
	if chosen != "all" {
		fmt.Fprintf(e.Stdout, "  vintage: %s", vintageName(chosen))
		if later := otherVintages(res, chosen); len(later[0]) > 0 {
			fmt.Fprintf(e.Stdout, "; %s has no value for %s, shown from %s", vintageName(chosen), strings.Join(later[1], ", "), strings.Join(later[0], ", "))
		}
		if len(vintages) > 1 {
			var others []string
			for _, v := range vintages {
				if v != chosen {
					others = append(others, vintageName(v))
				}
			}
			fmt.Fprintf(e.Stdout, " (also: %s; see --vintage)", strings.Join(others, ", "))
		}
		fmt.Fprintln(e.Stdout)
	}
	if len(elsewhere) > 0 {
		fmt.Fprintf(e.Stdout, "  no value of %s in these years; other vintages have: %s\n", vintageName(chosen), strings.Join(elsewhere, ", "))
	}
	fmt.Fprintln(e.Stdout)
	if err := res.Write(e.Stdout, format); err != nil {
		return err
	}
	return writeLegend(ctx, e.Stdout, db, res)
}

// writeLegend prints what the status symbols in res's sym column mean.
func writeLegend(ctx context.Context, w io.Writer, db *sql.DB, res *Result) error {
	sc := slices.Index(res.Columns, "sym")
	if sc < 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, row := range res.Rows {
		if s, _ := row[sc].(string); s != "" {
			seen[s] = true
		}
	}
	if len(seen) == 0 {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT symbol, label_zh, label_en FROM observation_status WHERE symbol <> '' ORDER BY rank`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var sym, zh, en string
		if err := rows.Scan(&sym, &zh, &en); err != nil {
			return err
		}
		if seen[sym] {
			parts = append(parts, sym+" "+zh+" ("+en+")")
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "\n  %s\n", strings.Join(parts, "  "))
	}
	return rows.Err()
}

// otherVintages returns, for the rows of res of another vintage than chosen
// (newer values the default series has not reached), those vintages and
// their periods.
func otherVintages(res *Result, chosen string) [2][]string {
	vc, pc := slices.Index(res.Columns, "vintage"), slices.Index(res.Columns, "period")
	var out [2][]string
	if vc < 0 || pc < 0 {
		return out
	}
	for _, row := range res.Rows {
		v, _ := row[vc].(string)
		p, _ := row[pc].(string)
		if v == chosen {
			continue
		}
		if !slices.Contains(out[0], v) {
			out[0] = append(out[0], v)
		}
		out[1] = append(out[1], p)
	}
	return out
}

func vintageName(v string) string {
	if v == "" {
		return "own (the region's own data)"
	}
	return v
}

func vintageList(vs []string) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = vintageName(v)
	}
	return strings.Join(names, ", ")
}
