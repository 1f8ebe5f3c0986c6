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
