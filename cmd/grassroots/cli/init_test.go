package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// init creates the salt file once, says so in one line, and never prints it.
func TestInitCreatesTheSalt(t *testing.T) {
	w := filepath.Join(t.TempDir(), "w.duckdb")
	salt := w + ".salt"
	out := mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	saltLines := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "salt") {
			saltLines++
		}
	}
	if saltLines != 1 || !strings.Contains(out, "created salt file "+salt) {
		t.Fatalf("first init printed:\n%s", out)
	}
	st, err := os.Stat(salt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("salt file mode %v, want 0600", st.Mode().Perm())
	}
	b, err := os.ReadFile(salt)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(b))
	if len(secret) < 32 || strings.Contains(out, secret) {
		t.Fatalf("salt %d hex digits; printed: %v", len(secret), strings.Contains(out, secret))
	}
	out = mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	if strings.Contains(out, "salt") {
		t.Fatalf("second init mentions the salt:\n%s", out)
	}
	if b2, _ := os.ReadFile(salt); string(b2) != string(b) {
		t.Fatal("second init changed the salt")
	}
	// A warehouse from before salts were made at init gets one.
	if err := os.Remove(salt); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	if !strings.Contains(out, "is up to date") || !strings.Contains(out, "created salt file") {
		t.Fatalf("init of a warehouse without salt printed:\n%s", out)
	}
}

// From an empty folder, init makes a project whose warehouse already holds
// the reference data, and report then renders the home region's pages with
// its census figures, with no other step; init again changes nothing.
func TestInitProjectThenReport(t *testing.T) {
	t.Chdir(t.TempDir())
	out := mustRun(t, "", "init", "shanghai", "--region", "310000")
	for _, want := range []string{
		"created warehouse " + filepath.Join("shanghai", "grassroots.duckdb"),
		"home region 310000 上海市",
		"refdata_region ", "refdata_census_2020 ", "refdata_national_urbanisation ", "refdata_worldbank_urban_pct ",
		"indicators: 36 computed",
		"wrote README.md, .gitignore",
		"cd shanghai",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("init printed no %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"pipelines/refdata_region.yaml", "pipelines/refdata/README.md", "inputs/returns",
		"reports/bulletin", "grassroots.duckdb.salt"} {
		if _, err := os.Stat(filepath.Join("shanghai", f)); err != nil {
			t.Errorf("project lacks %s: %v", f, err)
		}
	}
	readme, err := os.ReadFile(filepath.Join("shanghai", "README.md"))
	if err != nil || !strings.Contains(string(readme), "# 上海市（310000）统计数据项目") ||
		!strings.Contains(string(readme), "grassroots report") {
		t.Errorf("README.md: %v\n%s", err, readme)
	}
	ignore, _ := os.ReadFile(filepath.Join("shanghai", ".gitignore"))
	for _, want := range []string{"\ngrassroots.duckdb\n", "\n*.salt\n", "\nsite/\n"} {
		if !strings.Contains(string(ignore), want) {
			t.Errorf(".gitignore lacks %q:\n%s", want, ignore)
		}
	}

	// Again: nothing is loaded twice, nothing the analyst wrote is replaced.
	if err := os.WriteFile(filepath.Join("shanghai", "README.md"), []byte("ours\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "", "init", "shanghai")
	if strings.Contains(out, "rows loaded") || strings.Contains(out, "indicators:") ||
		!strings.Contains(out, "refdata_census_2020            unchanged") || !strings.Contains(out, "is up to date") {
		t.Errorf("second init printed:\n%s", out)
	}
	if b, _ := os.ReadFile(filepath.Join("shanghai", "README.md")); string(b) != "ours\n" {
		t.Errorf("second init rewrote README.md: %q", b)
	}
	code, _, errs := run(t, "", "init", "shanghai", "--region", "310112")
	if code != 2 || !strings.Contains(errs, "home region is 310000 上海市; to move it, grassroots settings home_region 310112") {
		t.Errorf("init with another home: exit %d, %s", code, errs)
	}

	t.Chdir("shanghai")
	out = mustRun(t, "", "report")
	if !strings.Contains(out, "region pages: 1 province, 16 counties") {
		t.Errorf("report in the project printed:\n%s", out)
	}
	page, err := os.ReadFile(filepath.Join("site", "region-310000.html"))
	if err != nil {
		t.Fatal(err)
	}
	// Shanghai's 2020 census urbanisation rate as published: 89.30%.
	for _, want := range []string{"上海市", "89.30%", "真实数据"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("region-310000.html has no %q", want)
		}
	}
	if !strings.Contains(string(page), "全市常住人口城镇化率为89.30%") {
		t.Error("region-310000.html does not open with the bulletin's urbanisation paragraph")
	}
	// The department's own wording replaces the bundled paragraph.
	own := `{{define "title"}}城镇化{{end}}{{with fact "urban.rate_census"}}本市城镇化率{{val .}}（本部门措辞）。{{end}}`
	if err := os.WriteFile(filepath.Join("reports", "bulletin", "01_urbanisation.tmpl"), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "report")
	if page, _ = os.ReadFile(filepath.Join("site", "region-310000.html")); !strings.Contains(string(page), "本市城镇化率89.30%（本部门措辞）。") {
		t.Error("report did not take the project's reports/bulletin/01_urbanisation.tmpl")
	}
	if _, err := os.Stat(filepath.Join("site", "district.html")); err == nil {
		t.Error("a project without registers got the district report")
	}
	if out := mustRun(t, "", "lint"); !strings.Contains(out, "no problems") {
		t.Errorf("lint of the new project:\n%s", out)
	}

	// The home region is the default of what commands show.
	out = mustRun(t, "", "indicators", "show", "urban.rate_census", "--format", "csv")
	if lines := strings.Split(out, "\n"); len(lines) < 2 || !strings.HasPrefix(lines[1], "310000,上海市,") {
		t.Errorf("indicators show with no --region in a Shanghai project:\n%s", out)
	}
	mustRun(t, "", "export", "indicators", "--format", "csv", "--out", "values.csv")
	values, _ := os.ReadFile("values.csv")
	if !strings.Contains(string(values), "310112") || strings.Contains(string(values), ",110000,") || strings.Contains(string(values), ",000000,") {
		t.Errorf("export indicators of a Shanghai project holds regions outside it, or not its own")
	}

	// The reference data's own finding (西沙群岛, 2010) is not Shanghai's.
	if out := mustRun(t, "", "audit"); !strings.Contains(out, "0 条结果") || strings.Contains(out, "西沙群岛") {
		t.Errorf("audit of a Shanghai project:\n%s", out)
	}

	// Inside the project, commands find it, as git finds its repository.
	t.Chdir("inputs")
	if out := mustRun(t, "", "runs", "refdata_region"); !strings.Contains(out, "refdata_region") {
		t.Errorf("runs from inputs/:\n%s", out)
	}
	if out := mustRun(t, "", "run", "refdata_region"); !strings.Contains(out, "skipped") {
		t.Errorf("run from inputs/:\n%s", out)
	}
	// Outside any project, run says so and makes no warehouse of its own.
	t.Chdir(t.TempDir())
	code, _, errs = run(t, "", "run", "refdata_region")
	if code != 1 || !strings.Contains(errs, "no warehouse grassroots.duckdb here or in a folder above") {
		t.Errorf("run outside a project: exit %d, %s", code, errs)
	}
	if _, err := os.Stat("grassroots.duckdb"); err == nil {
		t.Error("run outside a project made a warehouse")
	}
}

// init with no folder makes the current folder the project; two folders are
// a usage error.
func TestInitHereAndUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	out := mustRun(t, "", "init", "--no-reference")
	if _, err := os.Stat("README.md"); err != nil || strings.Contains(out, "refdata_region") ||
		!strings.Contains(out, "created warehouse grassroots.duckdb") {
		t.Fatalf("init in the current folder: %v\n%s", err, out)
	}
	code, _, errs := run(t, "", "init", "a", "b")
	if code != 2 || !strings.Contains(errs, "one project folder") {
		t.Errorf("init a b: exit %d, %s", code, errs)
	}
}
