package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"grassroots/reports"
	"grassroots/reports/browser"
	"grassroots/sql/warehouse"
)

// demoRegionSite renders, from the demo's warehouse, what the demo's site
// holds: the built-in reports, the national page, every province's and the
// pages of Shanghai's districts and of 闵行区's towns.
func demoRegionSite(t *testing.T) string {
	t.Helper()
	dir, _ := sharedDemo(t)
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(dir, "grassroots.duckdb"), warehouse.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	specs, err := reports.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	_, err = reports.Render(ctx, w.DB(), specs, reports.Options{Out: out, Regions: []reports.Subtree{
		{Code: reports.CountryCode, Depth: 1}, {Code: "310000", Depth: reports.AllLevels}}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]+>`)

func pageText(t *testing.T, path string) string {
	return strings.NewReplacer("&#43;", "+", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(tagRE.ReplaceAllString(readPage(t, path), ""))
}

// TestDemoRegionSite: the real census figures on the pages of the demo's
// site — the published national rate beside the sum of the 31 provinces,
// each province ranked, Shanghai's 16 districts, and 闵行区 linked down to
// the demo district's own reports.
func TestDemoRegionSite(t *testing.T) {
	out := demoRegionSite(t)
	pages, _ := filepath.Glob(filepath.Join(out, "region-*.html"))
	// 全国, 31 provinces, 16 districts of Shanghai, 14 towns of 闵行区.
	if len(pages) != 1+31+16+14 {
		t.Errorf("%d region pages, want 62", len(pages))
	}
	national := pageText(t, filepath.Join(out, "region-000000.html"))
	for _, want := range []string{
		"63.89%", "63.84%（下级汇总：31个省份中31个）", "现役军人",
		"31个省份中31个有数据", "上海市89.30%", "西藏自治区35.73%",
	} {
		if !strings.Contains(national, want) {
			t.Errorf("the national page does not say %q", want)
		}
	}
	shanghai := pageText(t, filepath.Join(out, "region-310000.html"))
	for _, want := range []string{"16个区县中16个有数据", "下级汇总：16个区县中16个", "全国 › 上海市"} {
		if !strings.Contains(shanghai, want) {
			t.Errorf("the Shanghai page does not say %q", want)
		}
	}
	minhang := readPage(t, filepath.Join(out, "region-310112.html"))
	for _, want := range []string{`<a href="district.html">`, `<a href="members.html">`, `<a href="organisations.html">`,
		`<a href="region-310000.html">上海市</a>`, `<a href="region-000000.html">全国</a>`, `data-kind="census_pyramid"`} {
		if !strings.Contains(minhang, want) {
			t.Errorf("region-310112.html lacks %s", want)
		}
	}
	if !strings.Contains(pageText(t, filepath.Join(out, "district.html")), "全国 › 上海市 › 闵行区 › ") {
		t.Error("district.html does not lead back up to 全国")
	}
	// Guangdong's page: its prefectures on its own map; no counties have
	// pages in this site, so they are named, not linked.
	gd := readPage(t, filepath.Join(out, "region-440000.html"))
	if !strings.Contains(gd, `<script src="assets/map-440000.js">`) || strings.Contains(gd, `href="region-4401`) {
		t.Error("the Guangdong page does not load its map, or links pages the site does not have")
	}
	if _, err := os.Stat(filepath.Join(out, "assets", "map-440000.js")); err != nil {
		t.Error(err)
	}
}

// TestDemoRegionSiteInBrowser opens the national page, a province's and a
// county's of the demo's site in headless Chromium: every chart painted,
// the maps among them, no request off the machine, no error.
func TestDemoRegionSiteInBrowser(t *testing.T) {
	b := browser.Launch(t)
	out := demoRegionSite(t)
	ctx := context.Background()
	for _, tc := range []struct {
		page string
		maps int
	}{{"region-000000.html", 2}, {"region-440000.html", 2}, {"region-310112.html", 0}} {
		path := filepath.Join(out, tc.page)
		want := strings.Count(readPage(t, path), `class="chart"`)
		p, err := b.Check(ctx, fileURL(path), out, 15*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if problems := p.Problems(); len(problems) > 0 {
			t.Errorf("%s:\n  %s", tc.page, strings.Join(problems, "\n  "))
		}
		if len(p.Charts) != want || want == 0 || len(p.Requests) == 0 {
			t.Errorf("%s: %d charts in the browser, %d in the page, %d requests", tc.page, len(p.Charts), want, len(p.Requests))
		}
		maps := 0
		for _, c := range p.Charts {
			if strings.Contains(c.ID, "children-map") && c.Drawn() {
				maps++
			}
		}
		if maps != tc.maps {
			t.Errorf("%s: %d maps painted, want %d", tc.page, maps, tc.maps)
		}
	}
}
