package audit

import (
	"fmt"
	"grassroots/sql/sqlfile"
	"slices"
	"strings"
)

// Kinds of rule.
const (
	KindSum    = "sum"    // value (the total) = expected (the parts' sum) within the tolerance
	KindRange  = "range"  // min ≤ value ≤ max
	KindChange = "change" // |value − the previous year's| ≤ threshold (pp, or % of the previous)
	KindBreak  = "break"  // the same, across the year a region code changed
	KindZero   = "zero"   // value (a denominator) not 0 where the previous period's was above 0
)

// outputColumns are the columns a rule's query may return: region_code,
// period and value always; expected for a sum; vintage and series keep
// series apart (a change is taken within one region, vintage and series);
// detail names the source row or unit; is_synthetic marks demo data.
var outputColumns = []string{"region_code", "period", "value", "expected", "vintage", "series", "detail", "is_synthetic"}

// CheckColumns checks the column names a rule's query returns.
func (r *Rule) CheckColumns(cols []string) error {
	need := []string{"region_code", "period", "value"}
	if r.Kind == KindSum {
		need = append(need, "expected")
	}
	problems := sqlfile.CheckColumns(cols, outputColumns, need, "a rule's query")
	if r.Kind != KindSum && slices.Contains(cols, "expected") {
		problems = append(problems, "column \"expected\" is for @kind sum only")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// fmtNum is an SQL expression printing x with at most two decimals.
func fmtNum(x string) string {
	return `regexp_replace(printf('%.2f', ` + x + `), '\.?0+$', '')`
}

// lit quotes s as an SQL string literal.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// findingsSQL is the SELECT that evaluates r over its query, whose columns
// are cols, and returns its findings in audit_finding's shape (without the
// rule, severity, message and run columns).
func (r *Rule) findingsSQL(cols []string) string {
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	pick := func(col, expr, dflt string) string {
		if has[col] {
			return expr
		}
		return dflt
	}
	var b strings.Builder
	fmt.Fprintf(&b, `WITH q AS (
%s
), base AS MATERIALIZED (
	SELECT CAST(region_code AS VARCHAR) AS region_code, CAST(period AS VARCHAR) AS period,
	       %s AS vintage, %s AS series, %s AS detail, %s AS is_synthetic,
	       CAST(value AS DOUBLE) AS value, %s AS expected
	FROM q WHERE region_code IS NOT NULL AND period IS NOT NULL AND value IS NOT NULL
)`, r.Query,
		pick("vintage", "coalesce(CAST(vintage AS VARCHAR), '')", "''"),
		pick("series", "coalesce(CAST(series AS VARCHAR), '')", "''"),
		pick("detail", "coalesce(CAST(detail AS VARCHAR), '')", "''"),
		pick("is_synthetic", "coalesce(CAST(is_synthetic AS BOOLEAN), false)", "false"),
		pick("expected", "CAST(expected AS DOUBLE)", "NULL::DOUBLE"))
	value := lit(orDefault(r.ValueLabel, "数值"))
	unit := ""
	if r.Unit != "" {
		unit = " || " + lit(r.Unit)
	}
	switch r.Kind {
	case KindSum:
		tol := num(r.Tolerance)
		if r.TolerancePct {
			tol = "abs(value) * " + num(r.Tolerance) + " / 100"
		}
		fmt.Fprintf(&b, `
SELECT region_code, period, vintage, series, detail, is_synthetic, value, expected AS reference, value - expected AS difference,
       %s || ' ' || %s%s || '，' || %s || ' ' || %s%s || '，相差 ' || %s%s || '（容差 %s）' AS figures
FROM base WHERE expected IS NOT NULL AND abs(value - expected) > %s`,
			value, fmtNum("value"), unit, lit(orDefault(r.ReferenceLabel, "各部分之和")), fmtNum("expected"), unit,
			fmtNum("value - expected"), unit, r.ToleranceText(), tol)
	case KindRange:
		fmt.Fprintf(&b, `
SELECT region_code, period, vintage, series, detail, is_synthetic, value,
       CASE WHEN value < %[1]s THEN %[1]s ELSE %[2]s END AS reference,
       value - CASE WHEN value < %[1]s THEN %[1]s ELSE %[2]s END AS difference,
       %[3]s || ' ' || %[4]s%[5]s || '，应在 %[1]s–%[2]s' || %[6]s || ' 之间' AS figures
FROM base WHERE value < %[1]s OR value > %[2]s`,
			num(*r.Min), num(*r.Max), value, fmtNum("value"), unit, lit(r.Unit))
	case KindChange, KindBreak, KindZero:
		fmt.Fprintf(&b, `, l AS (
	SELECT base.*, lag(value) OVER w AS prev, lag(period) OVER w AS prev_period
	FROM base
	WINDOW w AS (PARTITION BY region_code, vintage, series ORDER BY period)
), c AS (
	SELECT l.*,
	       CASE WHEN length(period) = 4 AND length(prev_period) = 4
	            THEN TRY_CAST(period AS INTEGER) - TRY_CAST(prev_period AS INTEGER) = 1
	            ELSE date_diff('day', TRY_CAST(prev_period AS DATE), TRY_CAST(period AS DATE)) BETWEEN 300 AND 400 END AS yearly,
	       %s AS change
	FROM l WHERE prev IS NOT NULL
)`, changeExpr(r.ChangeUnit))
		from := fmt.Sprintf("%s || ' ' || prev_period || ' ' || %s%s || ' → ' || period || ' ' || %s%s",
			value, fmtNum("prev"), unit, fmtNum("value"), unit)
		switch r.Kind {
		case KindChange:
			fmt.Fprintf(&b, `
SELECT region_code, period, vintage, series, detail, is_synthetic, value, prev AS reference, change AS difference,
       %s || '，变动 ' || CASE WHEN change > 0 THEN '+' ELSE '' END || %s || ' %s（阈值 %s）' AS figures
FROM c WHERE yearly AND abs(change) > %s`, from, fmtNum("change"), r.ChangeUnit, r.ToleranceText(), num(r.Threshold))
		case KindBreak:
			// A code change recorded as valid from 31 December takes effect
			// with the next year's figures.
			fmt.Fprintf(&b, `, x AS (
	SELECT c.region_code, c.period, c.vintage, c.series,
	       string_agg(DISTINCT x.old_code || '→' || x.new_code || '（' || CAST(x.valid_from AS VARCHAR) || '）', '、') AS codes
	FROM c JOIN region_crosswalk x ON x.new_code = c.region_code
	 AND year(x.valid_from + INTERVAL 1 DAY) > TRY_CAST(left(c.prev_period, 4) AS INTEGER)
	 AND year(x.valid_from + INTERVAL 1 DAY) <= TRY_CAST(left(c.period, 4) AS INTEGER)
	GROUP BY ALL
)
SELECT c.region_code, c.period, c.vintage, c.series, c.detail, c.is_synthetic, c.value, c.prev AS reference, c.change AS difference,
       %s || '，变动 ' || CASE WHEN c.change > 0 THEN '+' ELSE '' END || %s || ' %s（阈值 %s），其间区划代码变更：' || x.codes AS figures
FROM c JOIN x USING (region_code, period, vintage, series) WHERE abs(c.change) > %s`,
				strings.ReplaceAll(from, "prev_period", "c.prev_period"), fmtNum("c.change"), r.ChangeUnit, r.ToleranceText(), num(r.Threshold))
		case KindZero:
			fmt.Fprintf(&b, `
SELECT region_code, period, vintage, series, detail, is_synthetic, value, prev AS reference, value - prev AS difference,
       %s || '，降为零' AS figures
FROM c WHERE value = 0 AND prev > 0`, from)
		}
	}
	return b.String()
}

// changeExpr is the change from prev to value: in percentage points, or in
// percent of prev (NULL when prev is not above 0).
func changeExpr(unit string) string {
	if unit == "%" {
		return "CASE WHEN prev > 0 THEN (value / prev - 1) * 100 END"
	}
	return "value - prev"
}
