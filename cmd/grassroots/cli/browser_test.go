package cli

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"grassroots/reports/browser"
)

// TestDemoSiteInBrowser opens every page of the site `grassroots demo`
// renders, as a department head's browser would with no network: each page
// requests nothing but files under the site (attributed by the DevTools
// protocol, so Chromium's own background traffic is not blamed on the
// page), logs no error, and every chart is painted. Screenshots of the index
// and the district page and an A4 print of the district page are left in
// artefacts/ for a person to look at.
func TestDemoSiteInBrowser(t *testing.T) {
	b := browser.Launch(t)
	dir, _ := sharedDemo(t)
	site := filepath.Join(dir, "reports")
	pages, err := filepath.Glob(filepath.Join(site, "*.html"))
	if err != nil || len(pages) < 5 {
		t.Fatalf("demo site pages: %v %v", pages, err)
	}
	ctx := context.Background()
	for _, path := range pages {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Count(string(src), `class="chart"`)
		p, err := b.Check(ctx, fileURL(path), site, 15*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		if problems := p.Problems(); len(problems) > 0 {
			t.Errorf("%s:\n  %s", name, strings.Join(problems, "\n  "))
		}
		if len(p.Charts) != want {
			t.Errorf("%s: the browser found %d chart containers, the page has %d", name, len(p.Charts), want)
		}
		if name != "index.html" && name != "audit.html" && want == 0 { // the audit report is a list
			t.Errorf("%s: a report page with no chart", name)
		}
		if len(p.Requests) == 0 {
			t.Errorf("%s: no request recorded at all: the check is not watching the page", name)
		}
	}
	if bg := b.Background(); len(bg) > 0 {
		t.Logf("the browser itself sent %d requests during the check (not the pages'): %v", len(bg), bg)
	}

	arte, err := filepath.Abs(filepath.Join("..", "..", "..", "artefacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(arte, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, shot := range []struct{ page, file string }{
		{"index.html", "demo-index.png"},
		{"district.html", "demo-district.png"},
	} {
		png, err := b.Screenshot(ctx, fileURL(filepath.Join(site, shot.page)), 1100, 15*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if len(png) < 20_000 {
			t.Errorf("%s: screenshot of %d bytes is blank", shot.page, len(png))
		}
		if err := os.WriteFile(filepath.Join(arte, shot.file), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pdf, err := b.PrintA4(ctx, fileURL(filepath.Join(site, "district.html")), 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") || !strings.Contains(string(pdf), "/MediaBox [0 0 595") || len(pdf) < 20_000 {
		t.Errorf("district.html printed to %d bytes, not an A4 PDF with content", len(pdf))
	}
	if err := os.WriteFile(filepath.Join(arte, "demo-district-a4.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileURL(path string) string {
	return (&url.URL{Scheme: "file", Path: path}).String()
}
