package reports

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
)

// Kind is a chart kind: what a report definition may name in `kind:`. Each
// kind lives in a file of its own (chart_*.go) and registers itself in init.
type Kind struct {
	Name string
	// About says in one line what the chart shows (for lint and --help).
	About string
	// MinIndicators and MaxIndicators bound len(ChartSpec.Indicators);
	// MaxIndicators -1 means no upper bound.
	MinIndicators, MaxIndicators int
	// Build reads the warehouse and fills b (its ID, Title and Region are set;
	// a Build that finds no data sets b.Empty instead of an option).
	Build func(ctx context.Context, q *Query, c ChartSpec, b *Block) error
}

func (k *Kind) indicatorRule() string {
	switch {
	case k.MaxIndicators == 0:
		return "no indicators"
	case k.MinIndicators == k.MaxIndicators:
		return fmt.Sprintf("exactly %d indicator(s)", k.MinIndicators)
	case k.MaxIndicators < 0:
		return fmt.Sprintf("at least %d indicator(s)", k.MinIndicators)
	}
	return fmt.Sprintf("%d to %d indicators", k.MinIndicators, k.MaxIndicators)
}

var kinds = map[string]*Kind{}

func registerKind(k *Kind) {
	if _, dup := kinds[k.Name]; dup {
		panic("reports: chart kind registered twice: " + k.Name)
	}
	kinds[k.Name] = k
}

// KindNames lists the chart kinds, sorted.
func KindNames() []string {
	var ns []string
	for n := range kinds {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Query is what a chart kind reads the warehouse through.
type Query struct {
	DB   *sql.DB
	Lang Lang
	// Region is the chart's region (resolved: never empty).
	Region Region
	// Cache is where kinds read the warehouse through (see cache.go).
	Cache *Cache
	// Site says which pages the site being rendered holds, for links
	// (nil: no other page is linked).
	Site *siteLinks
}

// Block is one chart (or table) on a page.
type Block struct {
	ID     string // deterministic DOM id
	Kind   string
	Title  string
	Region Region
	// Option is the ECharts option (nil for tables and empty blocks).
	Option map[string]any
	// Height of the chart in pixels (default 420).
	Height int
	// Table is set by kinds that show rows rather than a chart.
	Table *Table
	// Empty, when set, is shown instead of a chart: why there is nothing.
	Empty string
	// Note is a line under the title (region, period, caveats).
	Note string
	// Sources are where the data come from; DataDate is the latest period
	// the block shows.
	Sources   []string
	DataDate  string
	Synthetic bool
	// Footnotes are printed under the chart: the legend of the status
	// symbols it shows (p 快报数 …) and notes on its figures.
	Footnotes []string
	// Assets are the scripts of assets/ the chart needs besides ECharts
	// (a map).
	Assets []string
}

// HeaderGroup heads Span columns of a table.
type HeaderGroup struct {
	Label string
	Span  int
}

// Table is a list of rows shown as an HTML table.
type Table struct {
	// Groups optionally head runs of columns (an indicator over its
	// periods): a header row above Columns, each group spanning Span
	// columns.
	Groups  []HeaderGroup `json:",omitempty"`
	Columns []string
	// Numeric marks right-aligned columns.
	Numeric []bool
	// Short marks columns of short values (a severity, a region, a date)
	// kept on one line: a narrow column must not wrap a word per character.
	Short []bool
	Rows  [][]string
	// Classes optionally gives each row a CSS class (severity).
	Classes []string
	// More, when positive, says how many rows were left out.
	More int
	// Links optionally gives each row a link for its cell in column
	// LinkCol ("" for none).
	Links   []string `json:",omitempty"`
	LinkCol int      `json:",omitempty"`
	// Bars optionally draws under each row's cell in column BarCol a bar
	// of that width (0–100, in % of the column; negative for none).
	Bars   []float64 `json:",omitempty"`
	BarCol int       `json:",omitempty"`
	// Synthetic optionally marks rows of synthetic data with a badge.
	Synthetic []bool `json:",omitempty"`
	// Long: a table of many rows that may break across printed pages.
	Long bool `json:",omitempty"`
}

// AddFootnote adds a line under the block's chart, once.
func (b *Block) AddFootnote(s string) {
	if s != "" && !slices.Contains(b.Footnotes, s) {
		b.Footnotes = append(b.Footnotes, s)
	}
}
