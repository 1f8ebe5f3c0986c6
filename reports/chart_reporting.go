package reports

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

func init() {
	registerKind(&Kind{
		Name: "reporting",
		About: "which regions directly below the chart's region have reported up (上报) the latest year any package arrived under it, as a table: " +
			"reported, partly (only regions below it) or missing, with who made each package and when it was made and imported, and how many of " +
			"them are in; drawn for the warehouse's home region and the regions below it, empty where no package arrived",
		Build: buildReporting,
	})
}

// childReport is how one region below the page's region stands for a year.
type childReport struct {
	node *regionNode
	// own: a package of the region itself; pkgs: every package at or
	// below it for the year.
	own  bool
	pkgs []reportedPackage
}

// buildReporting is the table `grassroots status --period YEAR` prints for
// the home region, for any region: the children (placeholders replaced by
// theirs), each with the packages of the year at or below it.
func buildReporting(ctx context.Context, q *Query, c ChartSpec, b *Block) error {
	l := q.Lang
	home, pkgs, err := q.Cache.packagesIn(ctx)
	if err != nil {
		return err
	}
	r := q.Region
	// Packages arrive at the home region: above it, no child is expected
	// to report to this warehouse.
	if !Inside(r.Code, home) {
		b.Empty = trf(l, "no_packages", r.Name)
		return nil
	}
	year := 0
	for _, p := range pkgs {
		if inside(p.Region, r.Code) && p.Year > year {
			year = p.Year
		}
	}
	if year == 0 {
		b.Empty = trf(l, "no_packages", r.Name)
		return nil
	}
	t, err := q.Cache.tree(ctx)
	if err != nil {
		return err
	}
	kids := t.children(r.Code)
	if len(kids) == 0 {
		b.Empty = trf(l, "no_children", r.Name)
		return nil
	}
	reports := make([]childReport, len(kids))
	for i, k := range kids {
		reports[i].node = k
		for _, p := range pkgs {
			if p.Year == year && Inside(p.Region, k.Code) {
				reports[i].pkgs = append(reports[i].pkgs, p)
				reports[i].own = reports[i].own || p.Region == k.Code
			}
		}
	}

	tbl := &Table{
		Columns: []string{tr(l, "reporting_region"), tr(l, "reporting_year"), tr(l, "reporting_status"),
			tr(l, "reporting_producer"), tr(l, "reporting_made"), tr(l, "reporting_imported")},
		Short: []bool{true, true, false, false, true, true},
		Long:  len(kids) >= longTable,
	}
	got, partly := 0, 0
	for _, cr := range reports {
		k := cr.node
		row := []string{trf(l, "name_code", k.Name, k.Code), strconv.Itoa(year), "", tr(l, "none"), tr(l, "none"), tr(l, "none")}
		class, synthetic := "", false
		switch {
		case len(cr.pkgs) == 0:
			row[2], class = tr(l, "reporting_missing"), "warn"
		case cr.own:
			row[2] = tr(l, "reporting_reported")
			got++
		default:
			var below []string
			for _, p := range cr.pkgs {
				name := p.Region
				if n := t.node(p.Region); n != nil {
					name = trf(l, "name_code", n.Name, p.Region)
				}
				if !slices.Contains(below, name) {
					below = append(below, name)
				}
			}
			row[2] = trf(l, "reporting_partly", strings.Join(below, tr(l, "list_sep")))
			partly++
		}
		if len(cr.pkgs) > 0 {
			var producers []string
			var made, imported time.Time
			for _, p := range cr.pkgs {
				if !slices.Contains(producers, p.Producer) {
					producers = append(producers, p.Producer)
				}
				made, imported = later(made, p.Created), later(imported, p.Imported)
				synthetic = synthetic || p.Synthetic
			}
			row[3] = strings.Join(producers, "; ")
			row[4], row[5] = made.Local().Format("2006-01-02 15:04"), imported.Local().Format("2006-01-02 15:04")
		}
		tbl.Rows = append(tbl.Rows, row)
		tbl.Classes = append(tbl.Classes, class)
		tbl.Links = append(tbl.Links, q.Site.regionHref(k.Code))
		tbl.Synthetic = append(tbl.Synthetic, synthetic)
		b.Synthetic = b.Synthetic || synthetic
	}
	if !slices.ContainsFunc(tbl.Links, func(h string) bool { return h != "" }) {
		tbl.Links = nil // no page of the site to link to
	}
	b.Table = tbl
	b.DataDate = strconv.Itoa(year)
	b.Sources = []string{"reported_package"}
	n := len(kids)
	b.Note = trf(l, "reporting_of", year, ofText(l, got, n, levelOf(kids)))
	if partly > 0 {
		b.Note += trf(l, "reporting_partly_n", partly)
	}
	if got < n {
		b.Note += tr(l, "reporting_partial")
	} else {
		b.Note += tr(l, "reporting_complete")
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
