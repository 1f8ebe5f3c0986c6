package reports

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"grassroots/reports/browser"
)

// TestBrowser opens every page of a site holding every chart kind in
// headless Chromium and checks, from the DevTools protocol's own events,
// that each page requests nothing but files of the site, logs no error, and
// that ECharts painted every chart the page holds. The demo site has its own
// check in the CLI's tests, with screenshots and an A4 print.
func TestBrowser(t *testing.T) {
	b := browser.Launch(t)
	db := fixtureDB(t)
	ctx := context.Background()
	specs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	specs = append(specs, readSpec(t, "testdata/all.yaml"))
	out := t.TempDir()
	site, err := Render(ctx, db, specs, Options{Out: out, Region: "310112"})
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"index.html"}
	charts := map[string]int{"index.html": 0}
	for _, p := range site.Pages {
		pages = append(pages, p.File)
		for _, blk := range p.Blocks {
			if blk.Option != nil && blk.Empty == "" {
				charts[p.File]++
			}
		}
	}
	if len(pages) != len(specs)+1 {
		t.Fatalf("%d pages rendered for %d reports", len(pages)-1, len(specs))
	}
	for _, name := range pages {
		u := (&url.URL{Scheme: "file", Path: filepath.Join(out, name)}).String()
		p, err := b.Check(ctx, u, out, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if problems := p.Problems(); len(problems) > 0 {
			t.Errorf("%s:\n  %s", name, strings.Join(problems, "\n  "))
		}
		if len(p.Charts) != charts[name] {
			t.Errorf("%s: %d chart containers in the browser, %d in the rendered page", name, len(p.Charts), charts[name])
		}
		if charts[name] > 0 && !p.ECharts {
			t.Errorf("%s: ECharts did not load", name)
		}
	}
}

// TestRegionSiteInBrowser opens the national page, a province's, a
// municipality's and a county's, as a reader's browser would with no
// network: nothing is requested from outside the site, nothing logs an
// error, and every chart — the census maps of China and of the province
// among them — is painted.
func TestRegionSiteInBrowser(t *testing.T) {
	b := browser.Launch(t)
	db := fixtureDB(t)
	ctx := context.Background()
	specs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := Render(ctx, db, specs, Options{Out: out, Regions: []Subtree{{Code: CountryCode, Depth: AllLevels}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code string
		maps int
	}{{"000000", 2}, {"440000", 2}, {"310000", 2}, {"310112", 0}} {
		name := RegionFile(tc.code)
		src := readFile(t, filepath.Join(out, name))
		want := strings.Count(src, `class="chart"`)
		p, err := b.Check(ctx, (&url.URL{Scheme: "file", Path: filepath.Join(out, name)}).String(), out, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if problems := p.Problems(); len(problems) > 0 {
			t.Errorf("%s:\n  %s", name, strings.Join(problems, "\n  "))
		}
		if len(p.Charts) != want || want == 0 {
			t.Errorf("%s: %d chart containers in the browser, %d in the page", name, len(p.Charts), want)
		}
		maps := 0
		for _, c := range p.Charts {
			if strings.Contains(c.ID, "children-map") {
				maps++
				if !c.Drawn() {
					t.Errorf("%s: map %s not painted", name, c.ID)
				}
			}
		}
		if maps != tc.maps {
			t.Errorf("%s: %d maps, want %d", name, maps, tc.maps)
		}
	}
	pdf, err := b.PrintA4(ctx, (&url.URL{Scheme: "file", Path: filepath.Join(out, RegionFile("440000"))}).String(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") || !strings.Contains(string(pdf), "/MediaBox [0 0 595") {
		t.Errorf("region-440000.html did not print to an A4 PDF")
	}
}
