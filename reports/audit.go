package reports

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"path/filepath"
	"time"
)

// AuditFile is the file name of the audit report (数据审核报告) in a site.
const AuditFile = "audit.html"

// AuditFinding is one row of audit_finding with its rule's words.
type AuditFinding struct {
	Rule, Title, Severity, SeverityZh string
	Region, RegionName, Period        string
	Vintage, Series, Detail           string
	Figures, Checks, Advice           string
	Synthetic                         bool
}

// AuditGroup is the findings of one severity.
type AuditGroup struct {
	Severity, Label string
	Findings        []AuditFinding
}

// Audit is what the last audit (grassroots audit, or the one after a
// refresh) found, as the report shows it.
type Audit struct {
	Region, Period string // the filter, "" for all
	RegionName     string
	Rules          int // rules run
	AuditedAt      string
	Groups         []AuditGroup // 错误 first, then 提示; only severities with findings
	Total          int
	Synthetic      bool // some finding is on synthetic data
	// List is the file name of the Excel list beside the page (audit.xlsx,
	// written by grassroots audit), linked from it; "" for none.
	List string
	// Elsewhere counts the findings outside the home region that a
	// region's warehouse holds (on the reference data of other regions),
	// left out of its whole audit.
	Elsewhere int
}

// HasAudit reports whether the warehouse holds an audit (its rules were
// run at least once).
func HasAudit(ctx context.Context, db *sql.DB) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'audit_rule'`).Scan(&n)
	if err != nil || n == 0 {
		return false, err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_rule`).Scan(&n); err != nil {
		return false, fmt.Errorf("reports: audit: %w", err)
	}
	return n > 0, nil
}

// ReadAudit reads the current findings of the region (and every region
// inside it) and period ("" for all), errors first, then by rule, region and
// period. Region "" is the whole audit: every region of a country's
// warehouse, the home region and those inside it in a region's (the
// reference data's findings elsewhere in the country are not its concern).
func ReadAudit(ctx context.Context, db *sql.DB, region, period string) (*Audit, error) {
	a := &Audit{Region: region, Period: period}
	scope := region
	if region == "" {
		if err := db.QueryRowContext(ctx, `SELECT coalesce(max(value), '') FROM _setting WHERE key = 'home_region' AND value <> ?`,
			CountryCode).Scan(&scope); err != nil {
			return nil, fmt.Errorf("reports: audit: %w", err)
		}
		if scope != "" {
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_finding f
				WHERE f.region_code <> $1 AND NOT EXISTS (SELECT 1 FROM region_ancestor x WHERE x.code = f.region_code AND x.ancestor = $1)
				  AND ($2 = '' OR f.period = $2 OR left(f.period, 4) = $2)`, scope, period).Scan(&a.Elsewhere); err != nil {
				return nil, fmt.Errorf("reports: audit: %w", err)
			}
		}
	}
	var at sql.NullTime
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM audit_rule), (SELECT max(found_at) FROM audit_finding),
		(SELECT coalesce(max(name), '') FROM region WHERE code = ?)`, scope).Scan(&a.Rules, &at, &a.RegionName); err != nil {
		return nil, fmt.Errorf("reports: audit: %w", err)
	}
	if at.Valid {
		a.AuditedAt = at.Time.In(time.Local).Format("2006-01-02 15:04")
	}
	rows, err := db.QueryContext(ctx, `SELECT f.rule, r.title_zh, f.severity, f.region_code, coalesce(g.name, ''), f.period,
		       f.vintage, f.series, f.detail, f.figures, r.checks, r.advice, f.is_synthetic
		FROM audit_finding f
		JOIN audit_rule r ON r.code = f.rule
		LEFT JOIN region g ON g.code = f.region_code
		WHERE ($1 = '' OR f.region_code = $1 OR EXISTS (SELECT 1 FROM region_ancestor x WHERE x.code = f.region_code AND x.ancestor = $1))
		  AND ($2 = '' OR f.period = $2 OR left(f.period, 4) = $2)
		ORDER BY CASE f.severity WHEN 'error' THEN 0 ELSE 1 END, f.rule, f.region_code, f.period, f.vintage, f.series`,
		scope, period)
	if err != nil {
		return nil, fmt.Errorf("reports: audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f AuditFinding
		if err := rows.Scan(&f.Rule, &f.Title, &f.Severity, &f.Region, &f.RegionName, &f.Period, &f.Vintage, &f.Series,
			&f.Detail, &f.Figures, &f.Checks, &f.Advice, &f.Synthetic); err != nil {
			return nil, err
		}
		f.SeverityZh = severityZh(f.Severity)
		if n := len(a.Groups); n == 0 || a.Groups[n-1].Severity != f.Severity {
			a.Groups = append(a.Groups, AuditGroup{Severity: f.Severity, Label: f.SeverityZh})
		}
		g := &a.Groups[len(a.Groups)-1]
		g.Findings = append(g.Findings, f)
		a.Total++
		a.Synthetic = a.Synthetic || f.Synthetic
	}
	return a, rows.Err()
}

func severityZh(s string) string {
	if s == "error" {
		return "错误"
	}
	return "提示"
}

// AuditHTML renders the audit report: a printable A4 page, every finding
// with its region, period, figures, rule and what to check, grouped by
// severity. Every string from the warehouse is escaped.
func AuditHTML(a *Audit) ([]byte, error) {
	var buf bytes.Buffer
	if err := auditTmpl.Execute(&buf, a); err != nil {
		return nil, fmt.Errorf("reports: audit: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteAudit writes a to dir/audit.html and returns its path.
func WriteAudit(dir string, a *Audit) (string, error) {
	b, err := AuditHTML(a)
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, AuditName(a.Region, a.Period)+".html")
	return p, writeFile(p, b)
}

// AuditName is the file name, without extension, of the audit report of a
// region and period: audit for the whole audit (AuditFile, which the index
// links), audit-REGION-PERIOD for a filtered one, so that a filtered report
// never stands where the index promises the whole.
func AuditName(region, period string) string {
	name := "audit"
	for _, s := range []string{region, period} {
		if s != "" {
			name += "-" + s
		}
	}
	return name
}

var auditTmpl = template.Must(template.New("audit").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>数据审核报告{{if .RegionName}} · {{.RegionName}}{{end}}</title>
<style>` + style + `
tr.error td { background: #fde8e8; }
tr.advice td { color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line); }
h2.error { color: #a11; }
@media print { tr.error td { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<nav class="top"><a class="back" href="index.html">← 返回目录</a></nav>
<header class="page">
<h1>数据审核报告{{if .RegionName}}<small>{{.RegionName}}{{with .Region}}（{{.}}）{{end}}</small>{{end}}</h1>
<p class="meta">审核规则 {{.Rules}} 条{{if .AuditedAt}} · 审核时间：{{.AuditedAt}}{{end}}{{if .Period}} · 期别：{{.Period}}{{end}} · 共 {{.Total}} 条结果{{range .Groups}}，{{.Label}} {{len .Findings}} 条{{end}}</p>
<p class="meta">错误：数字之间互相矛盾，至少有一个不对，须核实更正后重报；提示：变动异常，可能属实，请核实并说明原因。规则见 sql/audit，逐条附“建议核查”。</p>
{{if .Elsewhere}}<p class="meta">本地区以外另有 {{.Elsewhere}} 条结果（其他地区的参考数据），不列在这里；全部结果：grassroots audit --region 000000</p>{{end}}
{{if .List}}<p class="meta">审核清单（Excel，可发回下级核实）：<a href="{{.List}}">{{.List}}</a></p>{{end}}
{{if .Synthetic}}<div class="synthetic">示例数据 / synthetic — 标有“示例”的结果来自合成的演示数据，不是真实统计。</div>{{end}}
</header>
{{if not .Groups}}<p class="empty">未发现问题：全部审核规则通过。</p>
{{end}}{{range .Groups}}
<section class="block long" data-severity="{{.Severity}}">
<h2 class="{{.Severity}}">{{.Label}}（{{len .Findings}} 条）</h2>
<table>
<thead><tr><th>地区</th><th>期别</th><th>审核规则</th><th>涉及数字</th></tr></thead>
<tbody>
{{range .Findings}}<tr class="{{.Severity}}"><td class="short">{{if .RegionName}}{{.RegionName}}<br>{{end}}{{.Region}}{{if .Synthetic}} <span class="badge">示例</span>{{end}}</td><td class="short">{{.Period}}{{with .Vintage}}<br><span class="meta">{{.}}</span>{{end}}</td><td>{{.Title}}<br><span class="meta">{{.Rule}}{{with .Series}} · {{.}}{{end}}</span></td><td>{{.Figures}}{{with .Detail}}<br><span class="meta">{{.}}</span>{{end}}</td></tr>
<tr class="advice"><td colspan="4">规则：{{.Checks}}<br>建议核查：{{.Advice}}</td></tr>
{{end}}</tbody>
</table>
</section>
{{end}}
<footer>由 grassroots 生成</footer>
</body>
</html>
`))
