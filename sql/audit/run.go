package audit

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"grassroots/sql/warehouse"
)

// Options tune an audit.
type Options struct {
	// RunID makes the audit part of a run already begun; zero records a run
	// of its own named "audit".
	RunID int64
	// Trigger names who started a run the audit records itself (cli,
	// schedule, demo); default cli.
	Trigger string
	// Rules to run instead of the bundled ones (tests, a project's own).
	Rules []*Rule
}

// RuleStats tell what one rule found.
type RuleStats struct {
	Code     string
	Findings int64
	Duration time.Duration
}

// Stats tell what an audit did.
type Stats struct {
	RunID    int64
	Rules    []RuleStats
	Findings int64 // all findings
	Errors   int64 // findings of severity error, each raising an alert
	Duration time.Duration
}

// AlertPrefix starts the indicator column of the alerts an audit raises
// (audit:RULE), which keeps them apart from the indicators' own alerts.
const AlertPrefix = "audit:"

// Run runs every rule in one write transaction: the rule catalogue
// (audit_rule) is rewritten, the findings of the last audit replaced by this
// one's (audit_finding), and the alerts of the last audit by one alert per
// finding of severity error. On error nothing is changed.
func Run(ctx context.Context, w *warehouse.Warehouse, o Options) (Stats, error) {
	start := time.Now()
	var st Stats
	rules := o.Rules
	if rules == nil {
		var err error
		if rules, err = Rules(); err != nil {
			return st, err
		}
	}
	own := o.RunID == 0
	if own {
		id, err := w.BeginRun(ctx, warehouse.RunInfo{Pipeline: "audit", Trigger: o.Trigger})
		if err != nil {
			return st, err
		}
		o.RunID = id
	}
	st.RunID = o.RunID
	err := w.Update(ctx, func(ctx context.Context, tx *warehouse.Tx) error {
		st.Rules, st.Findings, st.Errors = nil, 0, 0
		if err := writeRules(ctx, tx, rules); err != nil {
			return err
		}
		if _, err := tx.Supersede(ctx, "audit_finding", o.RunID, ""); err != nil {
			return fmt.Errorf("audit: clear findings: %w", err)
		}
		table, err := tx.Table(ctx, "audit_finding", o.RunID)
		if err != nil {
			return err
		}
		for _, r := range rules {
			t := time.Now()
			n, err := runOne(ctx, tx, r, table, o.RunID)
			if err != nil {
				return err
			}
			st.Rules = append(st.Rules, RuleStats{Code: r.Code, Findings: n, Duration: time.Since(t)})
			st.Findings += n
		}
		n, err := raiseAlerts(ctx, tx, o.RunID)
		st.Errors = n
		return err
	})
	st.Duration = time.Since(start)
	if own {
		res := warehouse.RunResult{Status: warehouse.StatusSucceeded, RowsRead: st.Findings, RowsLoaded: st.Findings}
		if err != nil {
			res = warehouse.RunResult{Status: warehouse.StatusFailed, Err: err}
		}
		if ferr := w.FinishRun(context.WithoutCancel(ctx), o.RunID, res); ferr != nil && err == nil {
			err = ferr
		}
	}
	return st, err
}

// columnCache holds the output columns of each query text already described.
var columnCache sync.Map

// Columns runs DESCRIBE on r's query inside tx and checks its columns.
func Columns(ctx context.Context, tx *warehouse.Tx, r *Rule) ([]string, error) {
	if c, ok := columnCache.Load(r.Query); ok {
		return c.([]string), nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE "+r.Query+"\n)")
	if err != nil {
		return nil, fmt.Errorf("audit: %s: %w", r.Path, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := r.CheckColumns(cols); err != nil {
		return cols, fmt.Errorf("audit: %s: %w", r.Path, err)
	}
	columnCache.Store(r.Query, cols)
	return cols, nil
}

// runOne inserts r's findings into table (audit_finding's, as tx.Table
// names it for the run).
func runOne(ctx context.Context, tx *warehouse.Tx, r *Rule, table string, run int64) (int64, error) {
	cols, err := Columns(ctx, tx, r)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (rule, severity, region_code, period, vintage, series,
		value, reference, difference, figures, message, detail, is_synthetic, found_at, run_id)
		SELECT `+lit(r.Code)+`, `+lit(r.Severity)+`, region_code, period, vintage, series, value, reference, difference,
		       figures, `+lit(r.TitleZh+"：")+` || figures || CASE WHEN is_synthetic THEN '（示例数据 synthetic）' ELSE '' END,
		       detail, is_synthetic, now(), ?::BIGINT
		FROM (`+r.findingsSQL(cols)+`)`, run)
	if err != nil {
		return 0, fmt.Errorf("audit: %s: %w", r.Path, err)
	}
	return res.RowsAffected()
}

// writeRules rewrites the rule catalogue.
func writeRules(ctx context.Context, tx *warehouse.Tx, rules []*Rule) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM audit_rule`); err != nil {
		return fmt.Errorf("audit: rule catalogue: %w", err)
	}
	if len(rules) == 0 {
		return nil
	}
	rows := make([]string, 0, len(rules))
	args := make([]any, 0, 8*len(rules))
	for _, r := range rules {
		rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, r.Code, r.TitleZh, r.Severity, r.Kind, r.Checks, r.Advice,
			strings.Join(r.SourceTables, ", "), r.ToleranceText())
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_rule (code, title_zh, severity, kind, checks, advice,
		source_tables, tolerance) VALUES `+strings.Join(rows, ", "), args...); err != nil {
		return fmt.Errorf("audit: rule catalogue: %w", err)
	}
	return nil
}

// raiseAlerts replaces the alerts of the last audit by one per finding of
// severity error, severity critical, read by grassroots indicators alerts
// and the reports' alert tables like any other.
func raiseAlerts(ctx context.Context, tx *warehouse.Tx, run int64) (int64, error) {
	if _, err := tx.Supersede(ctx, "alert", run, "indicator LIKE '"+AlertPrefix+"%'"); err != nil {
		return 0, fmt.Errorf("audit: clear alerts: %w", err)
	}
	table, err := tx.Table(ctx, "alert", run)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (indicator, region_code, period, value, comparator, threshold,
		severity, message, is_synthetic, raised_at, run_id)
		SELECT '`+AlertPrefix+`' || f.rule, f.region_code, f.period, f.value, '审核', coalesce(f.reference, 0), 'critical',
		       '数据审核错误 ' || f.message, f.is_synthetic, now(), $1::BIGINT
		FROM audit_finding_history f
		WHERE f.run_id = $1 AND f.severity = 'error'`, run)
	if err != nil {
		return 0, fmt.Errorf("audit: alerts: %w", err)
	}
	return res.RowsAffected()
}
