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
	"strings"

	"github.com/xuri/excelize/v2"
)

func init() {
	register(&Command{
		Name:    "export indicators",
		Summary: "export indicator values with Chinese headers and units, as Excel or CSV",
		Help: `Writes every computed indicator value (the default series of each indicator and
region: one vintage, never mixed, followed by any newer values of the next vintage
— a first release beyond a revised series — marked in 数据说明; --all-vintages for
every one) with the change on the previous period, growth, target, distance, pace
and status, under Chinese column headers, for the region given and every region
under it (default: all).

数值 is the value as published, to the indicator's display precision (rates with
one decimal); 数值（全精度） keeps every digit. 标志 and 数据状态 give the observation
status (p 快报数, r 修订数, e 推算数, s 示例数据; none for a final figure), 脚注 the
notes on the value.

xlsx: a workbook with a sheet of values (指标数据), a sheet describing each
indicator (指标说明: definition, unit, direction, roll-up, precision, source
tables) and the legend of the status symbols (符号说明).
csv: the values sheet as UTF-8 CSV with a byte-order mark, so Excel shows the
Chinese correctly. Values computed from synthetic demo data say so in 数据说明.

Small cells: a numerator or denominator counting fewer persons than the
warehouse's small_cell_threshold (grassroots settings; default 3) is written
as <3, and the value and what is computed from it as —, with a second cell
hidden where a region's sum would give a lone one back; 数据说明 says so.
grassroots sql reads the exact figures.`,
		Setup: func(fs *flag.FlagSet) Runner {
			var path, format, region, out string
			var all bool
			addWarehouseFlag(fs, &path)
			fs.StringVar(&format, "format", "xlsx", "xlsx or csv")
			fs.StringVar(&region, "region", "", "only this region and the regions under it (default: the home region)")
			fs.StringVar(&out, "out", "", "file to write (default: indicators.xlsx or indicators.csv)")
			fs.BoolVar(&all, "all-vintages", false, "every vintage, not only each region's default series")
			var asOfFlag string
			addAsOfFlag(fs, &asOfFlag)
			return func(ctx context.Context, e *Env, args []string) error {
				if format != "xlsx" && format != "csv" {
					return Usagef("--format %q: want xlsx or csv", format)
				}
				if len(args) > 0 {
					return Usagef("export indicators takes no arguments (use --region)")
				}
				if out == "" {
					out = "indicators." + format
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
				// Small cells are protected over every region, then the
				// region asked for is kept: which cells hide another must
				// not depend on what the export shows (a parent exported
				// alone, minus its children exported alone, would give a
				// hidden child back).
				values, err := exportValues(ctx, w.DB(), "", all)
				if err != nil {
					return err
				}
				if _, err := suppressExport(ctx, w.DB(), values); err != nil {
					return err
				}
				if region == "" {
					if home, err := w.Home(ctx); err != nil {
						return err
					} else if home != warehouse.Country {
						region = home
					}
				}
				if region != "" {
					if err := keepRegion(ctx, w.DB(), values, region); err != nil {
						return err
					}
				}
				if len(values.Rows) == 0 {
					if region != "" {
						return fmt.Errorf("no indicator values for region %s or under it (run grassroots indicators compute?)", region)
					}
					return fmt.Errorf("no indicator values (run grassroots indicators compute)")
				}
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				if format == "csv" {
					err = writeCSVWithBOM(f, values)
				} else {
					var about, legend *Result
					if about, err = exportCatalogue(ctx, w.DB()); err == nil {
						if legend, err = exportLegend(ctx, w.DB()); err == nil {
							err = writeWorkbook(f, []namedResult{{"指标数据", values}, {"指标说明", about}, {"符号说明", legend}})
						}
					}
				}
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(out)
					return fmt.Errorf("%s: %w", out, err)
				}
				fmt.Fprintf(e.Stdout, "wrote %d indicator values to %s\n", len(values.Rows), out)
				return nil
			}
		},
	})
}

const exportQuery = `SELECT iv.indicator AS 指标代码, i.name_zh AS 指标名称, i.unit AS 单位,
	iv.region_code AS 区划代码, r.name AS 区划名称, iv.period AS 时期,
	CASE WHEN iv.vintage = '' THEN '本地数据' ELSE iv.vintage END AS 数据口径,
	round(iv.value, coalesce(i.precision, 2)) AS 数值, coalesce(st.symbol, '') AS 标志,
	coalesce(st.label_zh, '最终数') AS 数据状态, iv.value AS "数值（全精度）", iv.numerator AS 分子, iv.denominator AS 分母,
	round(c.change, 4) AS 较上期变化, c.change_unit AS 变化单位,
	round(c.change_per_year, 4) AS 年均变化, round(c.cagr_pct, 3) AS "年均增长率(%)",
	t.target_value AS 目标值, t.target_year AS 目标年份, round(t.distance, 4) AS 距目标,
	round(t.pace_needed, 4) AS 所需年均进度, t.projected_year AS 按近期速度达标年份,
	CASE t.status WHEN 'reached' THEN '已达标' WHEN 'on_track' THEN '进度正常' WHEN 'behind' THEN '进度滞后'
	     WHEN 'missed' THEN '未按期达标' WHEN 'not_reached' THEN '未达标' WHEN 'before_baseline' THEN '基期以前' END AS 目标进度,
	CASE WHEN iv.beside_own THEN '下级汇总（与本级数并列，非本级数）' WHEN iv.is_rollup THEN '下级汇总' ELSE '直接计算' END AS 来源,
	CASE WHEN iv.is_rollup THEN iv.reported || '/' || iv.expected END AS 汇总下级数,
	trim(concat_ws('；', CASE WHEN iv.is_synthetic THEN '合成数据（演示用）' END,
	     CASE WHEN iv.newer THEN '首选口径尚无该期数据，取自' || iv.vintage END, nullif(iv.flags, ''))) AS 数据说明,
	(SELECT string_agg(f.note_zh, '；' ORDER BY f.note_zh) FROM footnote f WHERE f.indicator = iv.indicator
	   AND coalesce(f.region_code, iv.region_code) = iv.region_code AND coalesce(f.period, iv.period) = iv.period
	   AND coalesce(f.vintage, iv.vintage) = iv.vintage) AS 脚注,
	CAST(coalesce(i.precision, 2) AS INTEGER) AS decimals
FROM {{values}} iv
JOIN indicator i ON i.code = iv.indicator
LEFT JOIN observation_status st ON st.code = iv.status
LEFT JOIN region r ON r.code = iv.region_code
-- beside_own as a join key (a roll-up beside a region's own figure has no
-- change or target): a condition on one side alone makes DuckDB plan a
-- nested-loop join, 30 s on the demo instead of a hash join's 0.3
LEFT JOIN (SELECT *, false AS beside_own FROM indicator_change) c ON c.indicator = iv.indicator
 AND c.region_code = iv.region_code AND c.period = iv.period AND c.vintage = iv.vintage AND c.beside_own = iv.beside_own
LEFT JOIN (SELECT *, false AS beside_own FROM indicator_target_status) t ON t.indicator = iv.indicator
 AND t.region_code = iv.region_code AND t.period = iv.period AND t.vintage = iv.vintage AND t.beside_own = iv.beside_own
-- not correlated: region_ancestor is a recursive view, evaluated once here
WHERE ($1 = '' OR iv.region_code = $1 OR iv.region_code IN (SELECT a.code FROM region_ancestor a WHERE a.ancestor = $1))
ORDER BY iv.indicator, coalesce(r.level, 99), iv.region_code, iv.vintage, iv.period, t.target_year`

func exportValues(ctx context.Context, db *sql.DB, region string, all bool) (*Result, error) {
	// The default series, and after it the values newer than it from the
	// next vintage (a first release beyond a revised series), marked.
	from := "(SELECT *, false AS newer FROM indicator_default UNION ALL SELECT *, true AS newer FROM indicator_newer)"
	if all {
		from = "(SELECT *, false AS newer FROM indicator_value)"
	}
	rs, err := db.QueryContext(ctx, strings.Replace(exportQuery, "{{values}}", from, 1), region)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	res, err := scanRows(rs)
	if err != nil {
		return nil, err
	}
	// 数值 as published: with the indicator's decimals (67.0), which the
	// last column carries and is then dropped.
	vc, dc := slices.Index(res.Columns, "数值"), len(res.Columns)-1
	for _, row := range res.Rows {
		if x, ok := row[vc].(float64); ok {
			d, _ := row[dc].(int32)
			row[vc] = Fixed{V: x, Decimals: int(d)}
		}
	}
	res.Columns, res.Types = res.Columns[:dc], res.Types[:dc]
	for i := range res.Rows {
		res.Rows[i] = res.Rows[i][:dc]
	}
	return res, nil
}

func exportCatalogue(ctx context.Context, db *sql.DB) (*Result, error) {
	rs, err := db.QueryContext(ctx, `SELECT code AS 指标代码, name_zh AS 指标名称, name_en AS "Indicator", unit AS 单位,
		CASE direction WHEN 'higher_better' THEN '越高越好' WHEN 'lower_better' THEN '越低越好' ELSE '中性' END AS 方向,
		numerator AS 分子, denominator AS 分母, scale AS 倍数,
		CASE aggregation WHEN 'ratio' THEN '分子分母分别加总后相除' WHEN 'sum' THEN '加总'
		     WHEN 'weighted_mean' THEN '加权平均（权数：' || coalesce(weight, '') || '）'
		     ELSE '不汇总（由其他指标计算）' END AS 上级汇总方式,
		CASE period_kind WHEN 'year' THEN '年度' ELSE '时点' END AS 时期类型,
		coalesce(precision, 2) AS 显示小数位, source_tables AS 来源表, notes AS 说明
		FROM indicator ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return scanRows(rs)
}

// keepRegion keeps the rows of res (exportQuery's) of region and the
// regions under it.
func keepRegion(ctx context.Context, db *sql.DB, res *Result, region string) error {
	rows, err := db.QueryContext(ctx, `SELECT code FROM region_ancestor WHERE ancestor = ?`, region)
	if err != nil {
		return err
	}
	in := map[string]bool{region: true}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		in[c] = true
	}
	rows.Close()
	rc := slices.Index(res.Columns, "区划代码")
	kept := res.Rows[:0]
	for _, row := range res.Rows {
		if c, _ := row[rc].(string); in[c] {
			kept = append(kept, row)
		}
	}
	res.Rows = kept
	return rows.Err()
}

// exportLegend is the legend of the status symbols (标志) the values carry.
func exportLegend(ctx context.Context, db *sql.DB) (*Result, error) {
	rs, err := db.QueryContext(ctx, `SELECT CASE WHEN symbol = '' THEN '（无）' ELSE symbol END AS 标志,
		label_zh AS 数据状态, label_en AS "Status", description AS 说明
		FROM observation_status ORDER BY rank, code`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return scanRows(rs)
}

// writeCSVWithBOM writes res as CSV preceded by a UTF-8 byte-order mark.
func writeCSVWithBOM(w io.Writer, res *Result) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	return res.Write(w, "csv")
}

type namedResult struct {
	sheet string
	res   *Result
}

// writeWorkbook writes each result to a sheet of its own: bold frozen header,
// numbers as numbers, widths fitted to the contents.
func writeWorkbook(w io.Writer, sheets []namedResult) error {
	x := excelize.NewFile()
	defer x.Close()
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"#E8EEF7"}, Pattern: 1}})
	if err != nil {
		return err
	}
	fixed := fixedStyles(x)
	for n, s := range sheets {
		if n == 0 {
			if err := x.SetSheetName("Sheet1", s.sheet); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(s.sheet); err != nil {
			return err
		}
		sw, err := x.NewStreamWriter(s.sheet)
		if err != nil {
			return err
		}
		widths := make([]int, len(s.res.Columns))
		cells := make([]any, len(s.res.Columns))
		for i, c := range s.res.Columns {
			cells[i] = excelize.Cell{StyleID: head, Value: c}
			widths[i] = displayWidth(c)
		}
		for _, row := range s.res.Rows {
			for i, v := range row {
				t, _ := text(v, s.res.Types[i])
				widths[i] = max(widths[i], min(displayWidth(t), 50))
			}
		}
		for i, wd := range widths {
			if err := sw.SetColWidth(i+1, i+1, float64(wd)+2); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := sw.SetRow("A1", cells); err != nil {
			return err
		}
		for r, row := range s.res.Rows {
			vals := make([]any, len(row))
			for i, v := range row {
				if f, ok := v.(Fixed); ok {
					vals[i] = excelize.Cell{StyleID: fixed(f.Decimals), Value: f.V}
					continue
				}
				vals[i] = xlsxValue(v, s.res.Types[i], 0)
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, vals); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	x.SetActiveSheet(0)
	_, err = x.WriteTo(w)
	return err
}
