// Package reports renders the report definitions in reports/*.yaml into a
// static HTML site: index.html listing every report with its data date, and
// one page per report, each chart built with go-echarts from the warehouse.
// Pages never fetch anything from the internet: the ECharts script and the
// China map are written next to the pages (assets/) or inlined into them.
//
// Every data-derived string is escaped: in the HTML by html/template, and in
// the chart options, which are encoded with encoding/json (it escapes <, >
// and &) rather than go-echarts' own page template, which embeds options
// unescaped.
package reports

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"grassroots/reports/assets"
)

// Options say what to render and where.
type Options struct {
	// Out is the folder the site is written to (created if needed).
	Out string
	// Region overrides every report's region (a region code); empty keeps
	// each report's own, and the focus region where a report names none.
	Region string
	// SingleFile inlines the scripts into every page instead of writing
	// assets/ next to them: each page is then one file to mail or archive.
	SingleFile bool
	Lang       Lang
	// Cache, when set, is read instead of querying the warehouse chart by
	// chart: a caller rendering many regions in turn makes one NewCache for
	// all of them (on the same database) and so reads each table once.
	// Nil makes a cache for the regions of this render.
	Cache *Cache
}

// Page is one rendered report.
type Page struct {
	Spec      *Spec
	File      string // the page's file name, relative to Out
	Title     string
	Region    Region
	DataDate  string
	Synthetic bool
	Blocks    []*Block
}

// Site is what Render wrote.
type Site struct {
	Index string // path of index.html
	Pages []*Page
}

// Build reads the warehouse for one report and returns its page, not yet
// written. region is the resolved region code.
func Build(ctx context.Context, db *sql.DB, s *Spec, region string, l Lang) (*Page, error) {
	return build(ctx, NewCache(db, specRegions(s, region)...), s, region, l)
}

// specRegions are the regions a report shows when rendered for region.
func specRegions(s *Spec, region string) []string {
	rs := []string{region}
	for _, c := range s.Charts {
		if c.Region != "" {
			rs = append(rs, c.Region)
		}
	}
	return rs
}

func build(ctx context.Context, cache *Cache, s *Spec, region string, l Lang) (*Page, error) {
	r, err := lookupRegion(ctx, cache, region)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", s.Name, err)
	}
	p := &Page{Spec: s, File: s.Name + ".html", Region: r, Title: s.Title.In(l)}
	// Built one after another: side by side on the pool measured slower
	// (the queries are CPU-bound and DuckDB already uses every core).
	for i, c := range s.Charts {
		b, err := buildBlock(ctx, cache, s, i, c, r, l)
		if err != nil {
			return nil, err
		}
		p.Blocks = append(p.Blocks, b)
		p.DataDate = maxDate(p.DataDate, b.DataDate)
		p.Synthetic = p.Synthetic || b.Synthetic
	}
	return p, nil
}

func buildBlock(ctx context.Context, cache *Cache, s *Spec, i int, c ChartSpec, r Region, l Lang) (*Block, error) {
	k, ok := kinds[c.Kind]
	if !ok {
		return nil, fmt.Errorf("%s: charts[%d]: unknown chart kind %q", s.Path, i, c.Kind)
	}
	cr := r
	if c.Region != "" && c.Region != r.Code {
		var err error
		if cr, err = lookupRegion(ctx, cache, c.Region); err != nil {
			return nil, fmt.Errorf("%s: charts[%d]: %w", s.Path, i, err)
		}
	}
	b := &Block{ID: blockID(s.Name, i, c.Kind), Kind: c.Kind, Title: c.Title.In(l), Region: cr, Height: 420}
	if err := k.Build(ctx, &Query{DB: cache.db, Lang: l, Region: cr, Cache: cache}, c, b); err != nil {
		return nil, fmt.Errorf("report %s, chart %d (%s): %w", s.Name, i+1, c.Kind, err)
	}
	if b.Option != nil {
		// Drawn at once: pages are printed and screenshotted, and a
		// half-animated chart prints half-drawn.
		b.Option["animation"] = false
	}
	return b, nil
}

var idUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// blockID is a DOM id from the report name, position and kind: the same
// definition always gives the same ids, so pages are reproducible.
func blockID(report string, i int, kind string) string {
	return "c-" + strings.Trim(idUnsafe.ReplaceAllString(strings.ToLower(report), "-"), "-") +
		fmt.Sprintf("-%d-", i+1) + idUnsafe.ReplaceAllString(kind, "-")
}

// Render builds every spec and writes the site.
func Render(ctx context.Context, db *sql.DB, specs []*Spec, o Options) (*Site, error) {
	if o.Lang == "" {
		o.Lang = Zh
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	// Every report's region first, so that the cache reads each table once
	// for all of them.
	focus := ""
	regions := make([]string, len(specs))
	var all []string
	for i, s := range specs {
		region := o.Region
		if region == "" {
			region = s.Region
		}
		if region == "" {
			if focus == "" {
				var err error
				if focus, err = FocusRegion(ctx, db); err != nil {
					return nil, err
				}
			}
			region = focus
		}
		regions[i] = region
		all = append(all, specRegions(s, region)...)
	}
	cache := o.Cache
	if cache == nil {
		cache = NewCache(db, all...)
	}
	site := &Site{Index: filepath.Join(o.Out, "index.html")}
	for i, s := range specs {
		p, err := build(ctx, cache, s, regions[i], o.Lang)
		if err != nil {
			return nil, err
		}
		site.Pages = append(site.Pages, p)
	}
	if !o.SingleFile {
		if err := writeAssets(filepath.Join(o.Out, "assets")); err != nil {
			return nil, err
		}
	}
	for _, p := range site.Pages {
		b, err := PageHTML(p, o)
		if err != nil {
			return nil, err
		}
		if err := writeFile(filepath.Join(o.Out, p.File), b); err != nil {
			return nil, err
		}
	}
	b, err := IndexHTML(site.Pages, o.Lang)
	if err != nil {
		return nil, err
	}
	if err := writeFile(site.Index, b); err != nil {
		return nil, err
	}
	return site, nil
}

func writeAssets(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	names, err := assets.Files()
	if err != nil {
		return err
	}
	for _, n := range names {
		b, err := assets.Read(n)
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, n), b); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces path atomically, so a reader never sees half a page.
func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

// OptionJSON is a block's ECharts option as embedded in the page: sorted keys,
// with <, > and & escaped so that no data can end the script element.
func OptionJSON(b *Block) ([]byte, error) {
	j, err := json.Marshal(b.Option)
	if err != nil {
		return nil, fmt.Errorf("reports: chart %s: %w", b.ID, err)
	}
	return j, nil
}

type pageData struct {
	Lang      Lang
	L         func(string) string
	Page      *Page
	Blocks    []blockData
	Scripts   []template.HTML // inlined scripts (single file)
	ScriptSrc []string        // or local files
	Init      template.JS
}

type blockData struct {
	*Block
	Sources    []string
	MoreSource int
}

// PageHTML renders one report page.
func PageHTML(p *Page, o Options) ([]byte, error) {
	l := o.Lang
	if l == "" {
		l = Zh
	}
	d := pageData{Lang: l, L: func(k string) string { return tr(l, k) }, Page: p}
	var init strings.Builder
	needMap := false
	for _, b := range p.Blocks {
		d.Blocks = append(d.Blocks, blockData{Block: b, Sources: b.Sources})
		if b.Option == nil || b.Empty != "" {
			continue
		}
		if b.Kind == "map" {
			needMap = true
		}
		j, err := OptionJSON(b)
		if err != nil {
			return nil, err
		}
		idJSON, _ := json.Marshal(b.ID)
		fmt.Fprintf(&init, "draw(%s, %s);\n", idJSON, j)
	}
	d.Init = template.JS(init.String())
	scripts := []string{assets.ECharts}
	if needMap {
		scripts = append(scripts, assets.China)
	}
	for _, s := range scripts {
		if o.SingleFile {
			b, err := assets.Read(s)
			if err != nil {
				return nil, err
			}
			d.Scripts = append(d.Scripts, template.HTML("<script>"+string(b)+"</script>"))
		} else {
			d.ScriptSrc = append(d.ScriptSrc, "assets/"+s)
		}
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("reports: page %s: %w", p.File, err)
	}
	return buf.Bytes(), nil
}

// IndexHTML renders the list of reports.
func IndexHTML(pages []*Page, l Lang) ([]byte, error) {
	if l == "" {
		l = Zh
	}
	var buf bytes.Buffer
	err := indexTmpl.Execute(&buf, struct {
		Lang  Lang
		L     func(string) string
		Pages []*Page
	}{l, func(k string) string { return tr(l, k) }, pages})
	if err != nil {
		return nil, fmt.Errorf("reports: index: %w", err)
	}
	return buf.Bytes(), nil
}

const style = `
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#d9dee5; --accent:#b22222; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif; color: var(--ink); margin: 0 auto; max-width: 960px; padding: 16px 24px 48px; line-height: 1.5; }
header.page { border-bottom: 3px solid var(--accent); margin-bottom: 16px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 0 0 4px; }
.meta, .note, .source, .date { color: var(--muted); font-size: 13px; margin: 2px 0; }
nav a, a { color: #1d4f91; }
section.block { border: 1px solid var(--line); border-radius: 4px; padding: 12px 16px; margin: 16px 0; break-inside: avoid; page-break-inside: avoid; }
.chart { width: 100%; }
.empty { padding: 32px; text-align: center; color: var(--muted); background: #f6f7f9; border: 1px dashed var(--line); }
.synthetic { background: #fff4d6; border: 1px solid #e0b84c; color: #7a5a00; font-weight: bold; padding: 4px 8px; margin: 6px 0; font-size: 13px; }
.badge { background: #fff4d6; color: #7a5a00; border: 1px solid #e0b84c; border-radius: 3px; padding: 0 4px; font-size: 12px; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f1f3f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th, td.short { white-space: nowrap; }
tr.critical td { background: #fde8e8; }
tr.warn td { background: #fff7e0; }
details.sources summary { cursor: pointer; color: var(--muted); font-size: 13px; }
details.sources li { font-size: 12px; color: var(--muted); word-break: break-all; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
.noscript { color: var(--accent); font-weight: bold; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; }
  nav, details.sources ul { display: none; }
  section.block { border: none; border-top: 1px solid var(--line); border-radius: 0; padding: 6px 0; }
  .synthetic, .badge, tr.critical td, tr.warn td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
}
`

var funcs = template.FuncMap{
	"inc":       func(i int) int { return i + 1 },
	"cellClass": cellClass,
}

// cellClass is the CSS class of a table's column i: num (right-aligned),
// short (kept on one line), both or none.
func cellClass(t *Table, i int) string {
	var cs []string
	if i < len(t.Numeric) && t.Numeric[i] {
		cs = append(cs, "num")
	}
	if i < len(t.Short) && t.Short[i] {
		cs = append(cs, "short")
	}
	return strings.Join(cs, " ")
}

var pageTmpl = template.Must(template.New("page").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="{{if eq .Lang "en"}}en{{else}}zh-CN{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Page.Title}} · {{.Page.Region.Name}}</title>
<style>` + style + `</style>
{{range .ScriptSrc}}<script src="{{.}}"></script>
{{end}}{{range .Scripts}}{{.}}
{{end}}</head>
<body>
<nav><a href="index.html">← {{call .L "back"}}</a></nav>
<header class="page">
<h1>{{.Page.Title}}</h1>
<p class="meta">{{call .L "region"}}：{{.Page.Region.Name}}（{{.Page.Region.Code}}）{{if .Page.DataDate}} · {{call .L "data_date"}}：{{.Page.DataDate}}{{end}}{{if .Page.Synthetic}} · <span class="badge">{{call .L "synthetic"}}</span>{{end}}</p>
{{with .Page.Spec.Description.In .Lang}}<p class="meta">{{.}}</p>{{end}}
</header>
<p id="noscript" class="noscript" hidden>ECharts did not load: keep the assets/ folder next to this page.</p>
{{range .Blocks}}
<section class="block" data-kind="{{.Kind}}">
<h2>{{.Title}}</h2>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
{{if .Synthetic}}<div class="synthetic">{{call $.L "synthetic"}} — {{call $.L "synthetic_note"}}</div>{{end}}
{{if .Empty}}<div class="empty" data-empty="{{.ID}}">{{.Empty}}</div>
{{else if .Table}}{{$t := .Table}}<table id="{{.ID}}"><thead><tr>{{range $i, $c := .Table.Columns}}<th{{with cellClass $t $i}} class="{{.}}"{{end}}>{{$c}}</th>{{end}}</tr></thead>
<tbody>{{range $r, $row := .Table.Rows}}<tr{{with index $t.Classes $r}} class="{{.}}"{{end}}>{{range $i, $cell := $row}}<td{{with cellClass $t $i}} class="{{.}}"{{end}}>{{$cell}}</td>{{end}}</tr>
{{end}}</tbody></table>
{{if .Table.More}}<p class="note">{{printf (call $.L "more_rows") .Table.More (len .Table.Rows)}}</p>{{end}}
{{else}}<div class="chart" id="{{.ID}}" style="height:{{.Height}}px"></div>
{{end}}
{{if .DataDate}}<p class="date">{{call $.L "data_date"}}：{{.DataDate}}</p>{{end}}
{{if eq (len .Sources) 1}}<p class="source">{{call $.L "source"}}：{{index .Sources 0}}</p>
{{else if .Sources}}<details class="sources"><summary>{{printf (call $.L "sources") (len .Sources)}}：{{index .Sources 0}} …</summary><ul>{{range .Sources}}<li>{{.}}</li>{{end}}</ul></details>
{{end}}
</section>
{{end}}
<footer>{{call .L "generated_by"}}</footer>
<script>
(function () {
  "use strict";
  if (typeof echarts === "undefined") { document.getElementById("noscript").hidden = false; return; }
  var charts = [];
  function draw(id, option) {
    var c = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    c.setOption(option);
    charts.push(c);
  }
{{.Init}}
  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
</script>
</body>
</html>
`))

var indexTmpl = template.Must(template.New("index").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="{{if eq .Lang "en"}}en{{else}}zh-CN{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{call .L "index_title"}}</title>
<style>` + style + `</style>
</head>
<body>
<header class="page"><h1>{{call .L "index_title"}}</h1><p class="meta">{{call .L "index_intro"}}</p></header>
<table>
<thead><tr><th>{{call .L "report"}}</th><th>{{call .L "region"}}</th><th>{{call .L "data_date"}}</th><th class="num">{{call .L "charts"}}</th></tr></thead>
<tbody>
{{range .Pages}}<tr><td><a href="{{.File}}">{{.Title}}</a>{{with .Spec.Description.In $.Lang}}<br><span class="meta">{{.}}</span>{{end}}</td><td>{{.Region.Name}}</td><td>{{if .DataDate}}{{.DataDate}}{{else}}{{call $.L "none"}}{{end}}{{if .Synthetic}} <span class="badge">{{call $.L "contains_synth"}}</span>{{end}}</td><td class="num">{{len .Blocks}}</td></tr>
{{end}}</tbody>
</table>
<footer>{{call .L "generated_by"}}</footer>
</body>
</html>
`))
