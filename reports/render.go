// Package reports renders the report definitions in reports/*.yaml into a
// static HTML site: index.html listing every report with its data date, and
// one page per report, each chart built with go-echarts from the warehouse.
// A region template (reports/templates/region.yaml) adds a page per region,
// region-CODE.html, linked up to the country and down to the regions below
// (see site.go). Pages never fetch anything from the internet: the ECharts
// script and the maps are written next to the pages (assets/) or inlined
// into them.
//
// Every data-derived string is escaped: in the HTML by html/template (and,
// in table rows, which are printed in Go for speed, by html.EscapeString),
// and in the chart options, which are encoded with encoding/json (it
// escapes <, > and &) rather than go-echarts' own page template, which
// embeds options unescaped.
package reports

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"grassroots/reports/assets"
	"grassroots/reports/bulletin"
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
	// Regions adds a page per region (region-CODE.html, drawn from
	// Template) for every region the subtrees select. Each links up to the
	// country and down to the regions below it, where the site has their
	// pages, and to the report pages of this render that show its region.
	Regions []Subtree
	// Template is the region page template; nil for the built-in one
	// (RegionTemplate).
	Template *Spec
	// Bulletin are the templates of the 概述 paragraphs that open every
	// page (package bulletin); nil for the bundled ones.
	Bulletin *bulletin.Templates
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
	// IsRegion marks the page of a region (drawn from a region template).
	IsRegion bool
	// Crumbs lead from the country down to the page's region (the last,
	// without a link); none where the site has no region pages.
	Crumbs []Crumb
	// Below are the pages of the regions directly below a region's page;
	// Details the report pages shown for its region.
	Below, Details []Crumb
	// Bulletin is the 概述 that opens the page: the region's figures in
	// words (Chinese pages only).
	Bulletin []bulletin.Section
}

// Site is what Render wrote.
type Site struct {
	Index string // path of index.html
	Pages []*Page
	// Regions are the region pages, each region before those below it.
	Regions []RegionPage
	// Audit is the path of the audit report (数据审核报告), written when
	// the warehouse holds an audit; Findings how many it lists.
	Audit    string
	Findings int
}

// Build reads the warehouse for one report and returns its page, not yet
// written. region is the resolved region code.
func Build(ctx context.Context, db *sql.DB, s *Spec, region string, l Lang) (*Page, error) {
	cache := NewCache(db, specRegions(s, region)...)
	p, err := build(ctx, cache, s, region, l, nil)
	if err != nil {
		return nil, err
	}
	return p, addBulletin(ctx, cache, p, l, nil)
}

// BuildRegion reads the warehouse for the page of one region drawn from a
// region template, and returns it, not yet written. Its links lead nowhere:
// Render links the pages of a site.
func BuildRegion(ctx context.Context, db *sql.DB, tmpl *Spec, region string, l Lang) (*Page, error) {
	cache := NewCache(db, region)
	p, err := buildRegion(ctx, cache, tmpl, region, nil, l)
	if err != nil {
		return nil, err
	}
	return p, addBulletin(ctx, cache, p, l, nil)
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

func build(ctx context.Context, cache *Cache, s *Spec, region string, l Lang, site *siteLinks) (*Page, error) {
	r, err := lookupRegion(ctx, cache, region)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", s.Name, err)
	}
	p := &Page{Spec: s, File: s.Name + ".html", Region: r, Title: s.Title.In(l)}
	// Built one after another: side by side on the pool measured slower
	// (the queries are CPU-bound and DuckDB already uses every core).
	for i, c := range s.Charts {
		if !c.On(r.Level) {
			continue
		}
		b, err := buildBlock(ctx, cache, s, i, c, r, l, site)
		if err != nil {
			return nil, err
		}
		if c.Optional && b.Empty != "" {
			continue
		}
		p.Blocks = append(p.Blocks, b)
		p.DataDate = maxDate(p.DataDate, b.DataDate)
		p.Synthetic = p.Synthetic || b.Synthetic
	}
	return p, nil
}

func buildBlock(ctx context.Context, cache *Cache, s *Spec, i int, c ChartSpec, r Region, l Lang, site *siteLinks) (*Block, error) {
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
	if err := k.Build(ctx, &Query{DB: cache.db, Lang: l, Region: cr, Cache: cache, Site: site}, c, b); err != nil {
		return nil, fmt.Errorf("report %s, chart %d (%s): %w", s.Name, i+1, c.Kind, err)
	}
	if err := smallCellFootnote(ctx, cache, c, b, l); err != nil {
		return nil, err
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
	var links *siteLinks
	var codes []string
	if len(o.Regions) > 0 {
		var err error
		if codes, err = selectRegions(ctx, cache, o.Regions); err != nil {
			return nil, err
		}
		cache.add(codes...)
		links = &siteLinks{regions: map[string]bool{}, reports: map[string][]Crumb{}}
		for _, c := range codes {
			links.regions[c] = true
		}
		for i, s := range specs {
			links.reports[regions[i]] = append(links.reports[regions[i]], Crumb{Name: s.Title.In(o.Lang), Href: s.Name + ".html"})
		}
	}
	for i, s := range specs {
		p, err := build(ctx, cache, s, regions[i], o.Lang, links)
		if err != nil {
			return nil, err
		}
		if err := addBulletin(ctx, cache, p, o.Lang, o.Bulletin); err != nil {
			return nil, err
		}
		if links.regionHref(regions[i]) != "" {
			if p.Crumbs, err = reportCrumbs(ctx, cache, regions[i], links); err != nil {
				return nil, err
			}
			p.Crumbs = append(p.Crumbs, Crumb{Name: p.Title})
		}
		site.Pages = append(site.Pages, p)
	}
	var scripts []string
	for _, p := range site.Pages {
		for _, b := range p.Blocks {
			scripts = append(scripts, b.Assets...)
		}
	}
	if len(codes) > 0 {
		tmpl := o.Template
		if tmpl == nil {
			var err error
			if tmpl, err = RegionTemplate(); err != nil {
				return nil, err
			}
		}
		pages, needed, err := renderRegions(ctx, cache, tmpl, codes, links, o)
		if err != nil {
			return nil, err
		}
		site.Regions = pages
		scripts = append(scripts, needed...)
	}
	if !o.SingleFile {
		dir := filepath.Join(o.Out, "assets")
		if err := writeAssets(dir); err != nil {
			return nil, err
		}
		if err := writeScripts(dir, scripts); err != nil {
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
	if ok, err := HasAudit(ctx, db); err != nil {
		return nil, err
	} else if ok {
		a, err := ReadAudit(ctx, db, "", "")
		if err != nil {
			return nil, err
		}
		if site.Audit, err = WriteAudit(o.Out, a); err != nil {
			return nil, err
		}
		site.Findings = a.Total
	}
	b, err := indexHTML(site, o.Lang)
	if err != nil {
		return nil, err
	}
	if err := writeFile(site.Index, b); err != nil {
		return nil, err
	}
	return site, nil
}

// reportCrumbs lead from the country to the page of region, for a report
// page shown for it.
func reportCrumbs(ctx context.Context, cache *Cache, region string, links *siteLinks) ([]Crumb, error) {
	t, err := cache.tree(ctx)
	if err != nil {
		return nil, err
	}
	var cs []Crumb
	for _, a := range t.up(region) {
		cs = append(cs, Crumb{Name: a.Name, Href: links.regionHref(a.Code)})
	}
	if n := t.node(region); n != nil {
		cs = append(cs, Crumb{Name: n.Name, Href: links.regionHref(region)})
	}
	return cs, nil
}

func writeAssets(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	names, err := assets.Files()
	if err != nil {
		return err
	}
	return writeScripts(dir, names)
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

// blockData is what the page template prints of a block. Its fields are
// its own, not promoted from an embedded *Block: the template looks every
// field up by name, and a promoted field costs a search of the embedded
// structs on each lookup.
type blockData struct {
	ID, Kind, Title, Note, Empty, DataDate string
	Synthetic                              bool
	Height                                 int
	Table                                  *Table
	Sources, Footnotes                     []string
	Rows                                   template.HTML // the table's rows, printed (see tableBody)
}

// tableBody prints the rows of a table. They are printed here rather than
// by the page template, which spends microseconds on every action (a
// province's page ranks a hundred counties, a site has thousands of pages),
// and every data-derived string is escaped with html.EscapeString, as the
// template would escape it: text between tags, attribute values in double
// quotes. Links are pages of the site (region-CODE.html, NAME.html).
func tableBody(t *Table, badge string) template.HTML {
	var b strings.Builder
	classes := make([]string, len(t.Columns))
	for i := range classes {
		classes[i] = html.EscapeString(cellClass(t, i))
	}
	for r, row := range t.Rows {
		b.WriteString("<tr")
		if r < len(t.Classes) && t.Classes[r] != "" {
			b.WriteString(` class="` + html.EscapeString(t.Classes[r]) + `"`)
		}
		b.WriteString(">")
		for i, cell := range row {
			b.WriteString("<td")
			if i < len(classes) && classes[i] != "" {
				b.WriteString(` class="` + classes[i] + `"`)
			}
			b.WriteString(">")
			text := html.EscapeString(cell)
			if i == t.LinkCol && r < len(t.Links) && t.Links[r] != "" {
				text = `<a href="` + html.EscapeString(t.Links[r]) + `">` + text + "</a>"
			}
			b.WriteString(text)
			if i == t.LinkCol && r < len(t.Synthetic) && t.Synthetic[r] {
				b.WriteString(` <span class="badge">` + html.EscapeString(badge) + "</span>")
			}
			if i == t.BarCol && r < len(t.Bars) && t.Bars[r] >= 0 {
				b.WriteString(`<span class="bar" style="width:` + strconv.FormatFloat(math.Min(t.Bars[r], 100), 'f', 1, 64) + `%"></span>`)
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// PageHTML renders one report page.
func PageHTML(p *Page, o Options) ([]byte, error) {
	l := o.Lang
	if l == "" {
		l = Zh
	}
	d := pageData{Lang: l, L: func(k string) string { return tr(l, k) }, Page: p}
	var init strings.Builder
	scripts := []string{assets.ECharts}
	for _, b := range p.Blocks {
		bd := blockData{ID: b.ID, Kind: b.Kind, Title: b.Title, Note: b.Note, Empty: b.Empty, DataDate: b.DataDate,
			Synthetic: b.Synthetic, Height: b.Height, Table: b.Table, Sources: b.Sources, Footnotes: b.Footnotes}
		if b.Table != nil && b.Empty == "" {
			bd.Rows = tableBody(b.Table, tr(l, "synthetic_short"))
		}
		d.Blocks = append(d.Blocks, bd)
		if b.Option == nil || b.Empty != "" {
			continue
		}
		for _, a := range b.Assets {
			if !slices.Contains(scripts, a) {
				scripts = append(scripts, a)
			}
		}
		j, err := OptionJSON(b)
		if err != nil {
			return nil, err
		}
		idJSON, _ := json.Marshal(b.ID)
		fmt.Fprintf(&init, "draw(%s, %s);\n", idJSON, j)
	}
	d.Init = template.JS(init.String())
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
	return indexHTML(&Site{Pages: pages}, l)
}

// indexRegion is a row of the index's list of region pages: a region
// whose page the site has while that of the region above it is not.
type indexRegion struct {
	RegionPage
	Pages int // its page and those of the regions below it
}

func indexHTML(site *Site, l Lang) ([]byte, error) {
	if l == "" {
		l = Zh
	}
	var roots []indexRegion
	for _, r := range site.Regions {
		if len(roots) > 0 && inside(r.Code, roots[len(roots)-1].Code) {
			roots[len(roots)-1].Pages++
			continue
		}
		roots = append(roots, indexRegion{RegionPage: r, Pages: 1})
	}
	var buf bytes.Buffer
	err := indexTmpl.Execute(&buf, struct {
		Lang     Lang
		L        func(string) string
		Pages    []*Page
		Regions  []indexRegion
		Audit    string
		Findings int
	}{l, func(k string) string { return tr(l, k) }, site.Pages, roots, site.Audit, site.Findings})
	if err != nil {
		return nil, fmt.Errorf("reports: index: %w", err)
	}
	return buf.Bytes(), nil
}

// inside reports whether region code lies in region outer (by its code).
func inside(code, outer string) bool {
	return code != outer && strings.HasPrefix(code, Region{Code: outer}.Prefix())
}

// Inside reports whether region code is region outer or lies in it, by
// their codes (a county's code starts with its province's digits).
func Inside(code, outer string) bool {
	return code == outer || inside(code, outer)
}

const style = `
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#d9dee5; --accent:#b22222; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif; color: var(--ink); margin: 0 auto; max-width: 960px; padding: 16px 24px 48px; line-height: 1.5; }
header.page { border-bottom: 3px solid var(--accent); margin-bottom: 16px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 0 0 4px; }
.meta, .note, .source, .date, .footnote { color: var(--muted); font-size: 13px; margin: 2px 0; }
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
nav .crumbs a, nav .crumbs span { white-space: nowrap; }
nav .crumbs .sep { color: var(--muted); }
h1 small { font-size: 16px; font-weight: normal; color: var(--muted); margin-left: 8px; }
.below a { margin-right: 8px; white-space: nowrap; }
.badge.real { background: #e6f4ea; color: #1e6b34; border-color: #8cc79f; }
th.group { text-align: center; white-space: normal; border-bottom: 1px solid #fff; }
td .bar { display: block; height: 4px; margin-top: 2px; background: #6baed6; min-width: 1px; }
section.block.long { break-inside: auto; page-break-inside: auto; }
.noscript { color: var(--accent); font-weight: bold; }
section.bulletin { margin: 16px 0; font-family: "Noto Serif CJK SC","Source Han Serif SC","SimSun","宋体",serif; font-size: 15px; line-height: 1.8; }
section.bulletin h3 { font-size: 15px; margin: 8px 0 2px; font-family: "Noto Sans CJK SC","SimHei","黑体",sans-serif; }
section.bulletin p { text-indent: 2em; margin: 2px 0; text-align: justify; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; }
  nav, details.sources ul { display: none; }
  section.block { border: none; border-top: 1px solid var(--line); border-radius: 0; padding: 6px 0; }
  .synthetic, .badge, tr.critical td, tr.warn td, th, td .bar { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.top { display: block; font-size: 12px; }
  nav.top .back { display: none; }
  .below { display: none; }
  section.bulletin { font-size: 11pt; orphans: 2; widows: 2; }
  section.bulletin h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
}
`

var funcs = template.FuncMap{
	"inc":       func(i int) int { return i + 1 },
	"cellClass": cellClass,
	"levelName": func(l Lang, level int) string { return tr(l, fmt.Sprintf("level_%d", min(max(level, 0), 5))) },
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
<nav class="top">{{with .Page.Crumbs}}<span class="crumbs">{{range $i, $c := .}}{{if $i}}<span class="sep"> › </span>{{end}}{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Name}}</a>{{else if eq (inc $i) (len $.Page.Crumbs)}}<span aria-current="page">{{$c.Name}}</span>{{else}}<span>{{$c.Name}}</span>{{end}}{{end}}</span> · {{end}}<a class="back" href="index.html">← {{call .L "back"}}</a></nav>
<header class="page">
<h1>{{if .Page.IsRegion}}{{.Page.Region.Name}}<small>{{.Page.Title}}</small>{{else}}{{.Page.Title}}{{end}}</h1>
<p class="meta">{{call .L "region"}}：{{.Page.Region.Name}}（{{.Page.Region.Code}}）{{if .Page.IsRegion}} · {{levelName .Lang .Page.Region.Level}}{{end}}{{if .Page.DataDate}} · {{call .L "data_date"}}：{{.Page.DataDate}}{{end}}{{if .Page.Synthetic}} · <span class="badge">{{call .L "synthetic"}}</span>{{else if and .Page.IsRegion .Page.DataDate}} · <span class="badge real" title="{{call .L "real_note"}}">{{call .L "real"}}</span>{{end}}</p>
{{with .Page.Spec.Description.In .Lang}}<p class="meta">{{.}}</p>{{end}}
{{with .Page.Details}}<p class="meta">{{call $.L "details"}}：{{range $i, $d := .}}{{if $i}} · {{end}}<a href="{{$d.Href}}">{{$d.Name}}</a>{{end}}</p>{{end}}
{{with .Page.Below}}<p class="meta below">{{call $.L "below"}}（{{len .}}）：{{range .}}<a href="{{.Href}}">{{.Name}}</a> {{end}}</p>{{end}}
</header>
{{with .Page.Bulletin}}<section class="bulletin" aria-label="{{call $.L "bulletin"}}">
<h2>{{call $.L "bulletin"}}</h2>
{{range .}}<h3>{{.Title}}</h3>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{end}}</section>
{{end}}<p id="noscript" class="noscript" hidden>ECharts did not load: keep the assets/ folder next to this page.</p>
{{if and .Page.IsRegion (not .Blocks)}}<p class="empty">{{printf (call .L "no_data") .Page.Region.Name}}</p>
{{end}}{{range .Blocks}}
<section class="block{{if and .Table .Table.Long}} long{{end}}" data-kind="{{.Kind}}">
<h2>{{.Title}}</h2>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
{{if .Synthetic}}<div class="synthetic">{{call $.L "synthetic"}} — {{call $.L "synthetic_note"}}</div>{{end}}
{{if .Empty}}<div class="empty" data-empty="{{.ID}}">{{.Empty}}</div>
{{else if .Table}}{{$t := .Table}}<table id="{{.ID}}"{{if $t.Links}} class="ranked"{{end}}><thead>{{with $t.Groups}}<tr>{{range .}}<th class="group"{{if gt .Span 1}} colspan="{{.Span}}"{{end}}>{{.Label}}</th>{{end}}</tr>{{end}}<tr>{{range $i, $c := .Table.Columns}}<th{{with cellClass $t $i}} class="{{.}}"{{end}}>{{$c}}</th>{{end}}</tr></thead>
<tbody>{{.Rows}}</tbody></table>
{{if .Table.More}}<p class="note">{{printf (call $.L "more_rows") .Table.More (len .Table.Rows)}}</p>{{end}}
{{else}}<div class="chart" id="{{.ID}}" style="height:{{.Height}}px"></div>
{{end}}
{{range .Footnotes}}<p class="footnote">{{.}}</p>
{{end}}{{if .DataDate}}<p class="date">{{call $.L "data_date"}}：{{.DataDate}}{{if not .Synthetic}} · <span class="badge real">{{call $.L "real"}}</span>{{end}}</p>{{end}}
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
{{with .Regions}}<h2>{{call $.L "region_pages"}}</h2>
<p class="meta">{{call $.L "region_pages_intro"}}</p>
<table>
<thead><tr><th>{{call $.L "region"}}</th><th>{{call $.L "level"}}</th><th>{{call $.L "data_date"}}</th><th class="num">{{call $.L "pages"}}</th></tr></thead>
<tbody>
{{range .}}<tr><td><a href="{{.File}}">{{.Name}}</a>（{{.Code}}）</td><td>{{levelName $.Lang .Level}}</td><td>{{if .DataDate}}{{.DataDate}}{{else}}{{call $.L "none"}}{{end}}{{if .Synthetic}} <span class="badge">{{call $.L "contains_synth"}}</span>{{end}}</td><td class="num">{{.Pages}}</td></tr>
{{end}}</tbody>
</table>
{{end}}{{if .Pages}}{{if .Regions}}<h2>{{call .L "report"}}</h2>{{end}}
<table>
<thead><tr><th>{{call .L "report"}}</th><th>{{call .L "region"}}</th><th>{{call .L "data_date"}}</th><th class="num">{{call .L "charts"}}</th></tr></thead>
<tbody>
{{range .Pages}}<tr><td><a href="{{.File}}">{{.Title}}</a>{{with .Spec.Description.In $.Lang}}<br><span class="meta">{{.}}</span>{{end}}</td><td>{{.Region.Name}}</td><td>{{if .DataDate}}{{.DataDate}}{{else}}{{call $.L "none"}}{{end}}{{if .Synthetic}} <span class="badge">{{call $.L "contains_synth"}}</span>{{end}}</td><td class="num">{{len .Blocks}}</td></tr>
{{end}}</tbody>
</table>{{end}}
{{if .Audit}}<h2>{{call .L "audit"}}</h2>
<p class="meta"><a href="audit.html">{{call .L "audit"}}</a>：{{printf (call .L "audit_findings") .Findings}}</p>
{{end}}<footer>{{call .L "generated_by"}}</footer>
</body>
</html>
`))
