package indicators

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"grassroots/sql/warehouse"
)

// Target is one planning target (a row of targets.csv and of table target).
type Target struct {
	Indicator     string
	Region        string // a region code, or * for every region without its own
	BaselineYear  *int
	BaselineValue *float64
	TargetYear    *int // nil: a level to reach and keep
	TargetValue   float64
	Binding       bool
	Source        string
	Note          string
}

// AlertRule is one early-warning rule (a row of alerts.csv and of alert_rule).
type AlertRule struct {
	Indicator  string
	Comparator string // >, >=, <, <=
	Threshold  float64
	Severity   string // info, warn, critical
	MessageZh  string
	MessageEn  string
	Source     string
}

var (
	targetHeader = []string{"indicator", "region_code", "baseline_year", "baseline_value", "target_year",
		"target_value", "binding", "source", "note"}
	alertHeader = []string{"indicator", "comparator", "threshold", "severity", "message_zh", "message_en", "source"}
)

// readCSV reads a CSV file with exactly the given header, calling row for each
// record with its line number.
func readCSV(fsys fs.FS, name string, header []string, row func(line int, rec []string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("indicators: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	got, err := r.Read()
	if err != nil {
		return fmt.Errorf("indicators: %s: header: %w", name, err)
	}
	if !slices.Equal(got, header) {
		return fmt.Errorf("indicators: %s:1: header is %s, want %s", name, strings.Join(got, ","), strings.Join(header, ","))
	}
	var errs []error
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("indicators: %s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if err := row(line, rec); err != nil {
			errs = append(errs, fmt.Errorf("indicators: %s:%d: %w", name, line, err))
		}
	}
	return errors.Join(errs...)
}

func optInt(s, what string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a year", what, s)
	}
	return &n, nil
}

func optFloat(s, what string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a number", what, s)
	}
	return &x, nil
}

// Targets reads the bundled targets (targets.csv).
func Targets() ([]Target, error) { return ReadTargets(FS, "targets.csv") }

// ReadTargets reads a targets file (the header of targets.csv) from fsys.
func ReadTargets(fsys fs.FS, name string) ([]Target, error) {
	var ts []Target
	err := readCSV(fsys, name, targetHeader, func(line int, rec []string) error {
		t := Target{Indicator: rec[0], Region: rec[1], Source: rec[7], Note: rec[8]}
		if _, err := Lookup(t.Indicator); err != nil {
			return fmt.Errorf("no indicator %q", t.Indicator)
		}
		if t.Region == "" {
			return errors.New("region_code is empty (use * for every region)")
		}
		var err error
		if t.BaselineYear, err = optInt(rec[2], "baseline_year"); err != nil {
			return err
		}
		if t.BaselineValue, err = optFloat(rec[3], "baseline_value"); err != nil {
			return err
		}
		if t.TargetYear, err = optInt(rec[4], "target_year"); err != nil {
			return err
		}
		v, err := optFloat(rec[5], "target_value")
		if err != nil {
			return err
		}
		if v == nil {
			return errors.New("target_value is empty")
		}
		t.TargetValue = *v
		if t.Binding, err = strconv.ParseBool(rec[6]); err != nil {
			return fmt.Errorf("binding %q: want true or false", rec[6])
		}
		if (t.BaselineYear == nil) != (t.BaselineValue == nil) {
			return errors.New("give both baseline_year and baseline_value, or neither")
		}
		ts = append(ts, t)
		return nil
	})
	return ts, err
}

// AlertRules reads the bundled alert rules (alerts.csv).
func AlertRules() ([]AlertRule, error) { return ReadAlertRules(FS, "alerts.csv") }

// ReadAlertRules reads an alert-rules file (the header of alerts.csv) from fsys.
func ReadAlertRules(fsys fs.FS, name string) ([]AlertRule, error) {
	var rs []AlertRule
	err := readCSV(fsys, name, alertHeader, func(line int, rec []string) error {
		r := AlertRule{Indicator: rec[0], Comparator: rec[1], Severity: rec[3], MessageZh: rec[4], MessageEn: rec[5], Source: rec[6]}
		if _, err := Lookup(r.Indicator); err != nil {
			return fmt.Errorf("no indicator %q", r.Indicator)
		}
		switch r.Comparator {
		case ">", ">=", "<", "<=":
		default:
			return fmt.Errorf("comparator %q: want >, >=, < or <=", r.Comparator)
		}
		switch r.Severity {
		case "info", "warn", "critical":
		default:
			return fmt.Errorf("severity %q: want info, warn or critical", r.Severity)
		}
		x, err := strconv.ParseFloat(rec[2], 64)
		if err != nil {
			return fmt.Errorf("threshold %q is not a number", rec[2])
		}
		r.Threshold = x
		rs = append(rs, r)
		return nil
	})
	return rs, err
}

// Footnote is a note on a series or a value (a row of notes.csv and of
// table footnote); an empty region, period or vintage applies to all.
type Footnote struct {
	Indicator, Region, Period, Vintage string
	NoteZh, NoteEn, Source             string
}

var noteHeader = []string{"indicator", "region_code", "period", "vintage", "note_zh", "note_en", "source"}

// Footnotes reads the bundled notes (notes.csv).
func Footnotes() ([]Footnote, error) { return ReadFootnotes(FS, "notes.csv") }

// ReadFootnotes reads a notes file (the header of notes.csv) from fsys.
func ReadFootnotes(fsys fs.FS, name string) ([]Footnote, error) {
	var ns []Footnote
	err := readCSV(fsys, name, noteHeader, func(line int, rec []string) error {
		n := Footnote{Indicator: rec[0], Region: rec[1], Period: rec[2], Vintage: rec[3], NoteZh: rec[4], NoteEn: rec[5], Source: rec[6]}
		if _, err := Lookup(n.Indicator); err != nil {
			return fmt.Errorf("no indicator %q", n.Indicator)
		}
		if strings.TrimSpace(n.NoteZh) == "" {
			return errors.New("note_zh is empty")
		}
		ns = append(ns, n)
		return nil
	})
	return ns, err
}

// LoadTargets writes the bundled targets, alert rules and footnotes into the
// warehouse in one transaction. A target replaces the one of the same
// indicator, region and target year; a rule replaces the one of the same
// indicator and comparator; a note the one on the same series or value;
// others are kept. It returns how many targets and rules it wrote.
func LoadTargets(ctx context.Context, w *warehouse.Warehouse) (targets, rules int, err error) {
	ts, err := Targets()
	if err != nil {
		return 0, 0, err
	}
	rs, err := AlertRules()
	if err != nil {
		return 0, 0, err
	}
	ns, err := Footnotes()
	if err != nil {
		return 0, 0, err
	}
	err = w.Update(ctx, func(ctx context.Context, tx *warehouse.Tx) error {
		for _, n := range ns {
			if _, err := tx.ExecContext(ctx, `DELETE FROM footnote WHERE indicator = ? AND region_code IS NOT DISTINCT FROM ?
				AND period IS NOT DISTINCT FROM ? AND vintage IS NOT DISTINCT FROM ?`,
				n.Indicator, nullable(n.Region), nullable(n.Period), nullable(n.Vintage)); err != nil {
				return fmt.Errorf("indicators: notes: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO footnote VALUES (?, ?, ?, ?, ?, ?, ?)`,
				n.Indicator, nullable(n.Region), nullable(n.Period), nullable(n.Vintage), n.NoteZh, nullable(n.NoteEn), nullable(n.Source)); err != nil {
				return fmt.Errorf("indicators: notes: %w", err)
			}
		}
		for _, t := range ts {
			if _, err := tx.ExecContext(ctx, `DELETE FROM target WHERE indicator = ? AND region_code = ?
				AND target_year IS NOT DISTINCT FROM ?`, t.Indicator, t.Region, t.TargetYear); err != nil {
				return fmt.Errorf("indicators: targets: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO target VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				t.Indicator, t.Region, t.BaselineYear, t.BaselineValue, t.TargetYear, t.TargetValue,
				t.Binding, t.Source, t.Note); err != nil {
				return fmt.Errorf("indicators: targets: %w", err)
			}
		}
		for _, r := range rs {
			if _, err := tx.ExecContext(ctx, `DELETE FROM alert_rule WHERE indicator = ? AND comparator = ?`,
				r.Indicator, r.Comparator); err != nil {
				return fmt.Errorf("indicators: alert rules: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_rule VALUES (?, ?, ?, ?, ?, ?, ?)`,
				r.Indicator, r.Comparator, r.Threshold, r.Severity, r.MessageZh, r.MessageEn, r.Source); err != nil {
				return fmt.Errorf("indicators: alert rules: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return len(ts), len(rs), nil
}

// Worklist is the 应建未建 work list: in each organisation's latest snapshot,
// the organisations with 3 or more formal party members and no party
// organisation, with their region and township. It takes one optional
// parameter, a region code (” for all), matching the organisation's region or
// any of its ancestors.
const Worklist = `WITH latest AS (
	SELECT * FROM organisation
	QUALIFY snapshot_date = max(snapshot_date) OVER (PARTITION BY region_code)
)
SELECT o.snapshot_date AS 快照日期, o.region_code AS 区划代码, r.name AS 区划名称,
       o.org_id AS 组织编号, o.name AS 组织名称,
       CASE o.kind WHEN 'nonpublic_enterprise' THEN '非公有制企业' WHEN 'social_group' THEN '社会团体'
            WHEN 'private_non_enterprise' THEN '民办非企业单位' WHEN 'foundation' THEN '基金会'
            ELSE o.kind END AS 类型,
       o.industry AS 行业, o.employees AS 从业人员, o.formal_members AS 正式党员,
       CASE WHEN o.instructor_assigned THEN '是' ELSE '否' END AS 已派党建指导员,
       CASE WHEN o.is_synthetic THEN '示例数据（synthetic）' ELSE '' END AS 说明
FROM latest o
LEFT JOIN region r ON r.code = o.region_code
WHERE coalesce(o.formal_members, 0) >= 3 AND o.party_org_mode = 'none'
  AND ($1 = '' OR o.region_code = $1 OR EXISTS (
        SELECT 1 FROM region_ancestor a WHERE a.code = o.region_code AND a.ancestor = $1))
ORDER BY o.region_code, o.formal_members DESC, o.org_id`
