package browser

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// echarts returns the ECharts script the build fetched from npm.
func echarts(t *testing.T) []byte {
	js, err := os.ReadFile(filepath.Join("..", "assets", "dist", "echarts.min.js"))
	if err != nil {
		t.Fatalf("%v (make assets fetches it)", err)
	}
	return js
}

// site writes pages into a new site folder with the ECharts script in
// assets/, as the report renderer lays it out.
func site(t *testing.T, pages map[string]string) string {
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "assets", "echarts.min.js"), echarts(t), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, html := range pages {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fileURL(dir, name string) string {
	return (&url.URL{Scheme: "file", Path: filepath.Join(dir, name)}).String()
}

const chartPage = `<!DOCTYPE html><html><head><meta charset="utf-8">
<script src="assets/echarts.min.js"></script></head><body>
<div class="chart" id="c1" style="width:600px;height:300px"></div>
<script>echarts.init(document.getElementById("c1")).setOption({animation:false,
 xAxis:{type:"category",data:["a","b","c"]},yAxis:{type:"value"},
 series:[{type:"bar",data:[3,1,2]}]});</script>
%s</body></html>`

func page(extra string) string { return strings.Replace(chartPage, "%s", extra, 1) }

// Each canary reaches out, or breaks, in its own way; the check must see
// every one, or a clean result on the real pages would prove nothing.
func TestCheckCatchesPagesThatReachOut(t *testing.T) {
	b := Launch(t)
	dir := site(t, map[string]string{
		"clean.html":    page(""),
		"img.html":      page(`<img src="http://tiles.example.org/7/3/2.png">`),
		"fetch.html":    page(`<script>fetch("http://api.example.org/data.json").catch(function(){});</script>`),
		"late.html":     page(`<script>setTimeout(function(){ new Image().src = "https://beacon.example.net/p.gif"; }, 300);</script>`),
		"iframe.html":   page(`<iframe src="https://maps.example.com/embed"></iframe>`),
		"css.html":      strings.Replace(page(""), "</head>", `<link rel="stylesheet" href="https://fonts.example.com/css?family=Noto"></head>`, 1),
		"worker.html":   page(`<script>new Worker(URL.createObjectURL(new Blob(["fetch('http://worker.example.org/x').catch(function(){})"])));</script>`),
		"outside.html":  page(`<script src="../outside.js"></script>`),
		"error.html":    page(`<script>console.error("boom"); undefinedFunction();</script>`),
		"undrawn.html":  page(`<div class="chart" id="c2" style="width:600px;height:300px"></div>`),
		"noscript.html": strings.Replace(page(""), `<script src="assets/echarts.min.js"></script>`, "", 1),
	})
	os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.js"), []byte("var x = 1;"), 0o644)

	ctx := context.Background()
	for _, tc := range []struct {
		page string
		want []string
	}{
		{"img.html", []string{"request outside the site: Image http://tiles.example.org/7/3/2.png (from parser " + fileURL(dir, "img.html")}},
		{"fetch.html", []string{"request outside the site: Fetch http://api.example.org/data.json (from script"}},
		{"late.html", []string{"request outside the site: Image https://beacon.example.net/p.gif"}},
		{"iframe.html", []string{"request outside the site: Document https://maps.example.com/embed"}},
		{"css.html", []string{"request outside the site: Stylesheet https://fonts.example.com/css?family=Noto"}},
		// A worker's requests are reported on its own target, not the
		// page's: so a page that opens one fails for that.
		{"worker.html", []string{"opened another target: worker blob:"}},
		{"outside.html", []string{"request outside the site: Script " + fileURL(filepath.Dir(dir), "outside.js")}},
		{"error.html", []string{"error: console.error: boom", "error: uncaught exception at " + fileURL(dir, "error.html") + ":7: Uncaught ReferenceError: undefinedFunction is not defined"}},
		{"undrawn.html", []string{"chart c2 not drawn (canvas false, 0 painted samples)"}},
		{"noscript.html", []string{"chart c1 not drawn (canvas false, 0 painted samples)"}},
	} {
		p, err := b.Check(ctx, fileURL(dir, tc.page), dir, 3*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		problems := strings.Join(p.Problems(), "\n")
		for _, want := range tc.want {
			if !strings.Contains(problems, want) {
				t.Errorf("%s: the check did not report %q; it reported:\n%s", tc.page, want, problems)
			}
		}
	}
}

// The browser's own traffic — here another tab that keeps calling out, as
// Chromium's updater does — is not blamed on the page under check, though
// the browser's proxy sees it.
func TestCheckTellsPageFromBrowser(t *testing.T) {
	b := Launch(t)
	dir := site(t, map[string]string{
		"clean.html": page(""),
		"noise.html": `<!DOCTYPE html><script>setInterval(function(){ fetch("http://update.example.com/service/update2/json",{method:"POST"}).catch(function(){}); }, 50);</script>`,
	})
	ctx := context.Background()
	noise, cancel := b.tab(ctx, time.Minute)
	defer cancel()
	if err := navigate(noise, fileURL(dir, "noise.html")); err != nil {
		t.Fatal(err)
	}
	p, err := b.Check(ctx, fileURL(dir, "clean.html"), dir, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if problems := p.Problems(); len(problems) > 0 {
		t.Errorf("clean.html fails the check while another tab calls out:\n%s", strings.Join(problems, "\n"))
	}
	if !p.ECharts || len(p.Charts) != 1 || !p.Charts[0].Drawn() {
		t.Errorf("clean.html: echarts %v, charts %+v", p.ECharts, p.Charts)
	}
	if len(p.Requests) < 2 {
		t.Errorf("clean.html: %d requests recorded, want the page and its script: %v", len(p.Requests), p.Requests)
	}
	bg := strings.Join(b.Background(), "\n")
	if !strings.Contains(bg, "update.example.com/service/update2/json") {
		t.Errorf("the browser's proxy did not see the other tab's traffic, so this test proves nothing:\n%s", bg)
	}
}

func TestScreenshotAndPrint(t *testing.T) {
	b := Launch(t)
	dir := site(t, map[string]string{"clean.html": page("<h1>城镇化率</h1>")})
	ctx := context.Background()
	png, err := b.Screenshot(ctx, fileURL(dir, "clean.html"), 800, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 5000 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot: %d bytes, starts %q", len(png), png[:min(8, len(png))])
	}
	pdf, err := b.PrintA4(ctx, fileURL(dir, "clean.html"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("print: not a PDF: %q", pdf[:min(16, len(pdf))])
	}
	// A4 portrait is 595 × 842 points.
	if !strings.Contains(string(pdf), "/MediaBox [0 0 595") {
		t.Errorf("print: no A4 media box in the PDF")
	}
}
