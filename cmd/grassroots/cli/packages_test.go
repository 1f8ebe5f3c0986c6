package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"grassroots/pipelines"
	"grassroots/pipelines/demodata"
	"grassroots/pipelines/refdata"
	"grassroots/sql/packages"
	"grassroots/sql/warehouse"
)

// simDistricts are real districts of Shanghai the simulation puts synthetic
// demo registers in, each from its own seed.
var simDistricts = []struct {
	code   string
	seed   uint64
	prefix string
}{{"310104", 11, "A"}, {"310105", 12, "B"}, {"310107", 13, "C"}}

// simProject writes a project holding the reference pipelines and the demo's
// member pipeline reading register (a CSV), and returns its folder.
func simProject(t *testing.T, register []byte) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := pipelines.WriteReference(dir); err != nil {
		t.Fatal(err)
	}
	for _, ps := range pipelines.Demo() {
		if ps.Name == "demo_party_members" {
			if err := os.WriteFile(filepath.Join(dir, "pipelines", ps.File), ps.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "inputs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inputs", "party_members.csv"), register, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// simRegister is the synthetic member register of one district.
func simRegister(t *testing.T, district string, seed uint64, prefix string) []byte {
	t.Helper()
	towns, err := refdata.Townships(district)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	g := demodata.New(demodata.Options{Seed: seed, Scale: 0.1})
	if _, err := g.WriteMembersCSVAs(&b, demodata.LastYear, towns, prefix); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// loadWarehouse makes a warehouse with home region home, the region codes
// and the member register of project, its indicators computed.
func loadWarehouse(t *testing.T, path, home, project string) {
	t.Helper()
	mustRun(t, "", "init", "--no-reference", "--warehouse", path, "--region", home)
	mustRun(t, "", "run", "refdata_region", "refdata_region_township", "demo_party_members",
		"--project", project, "--warehouse", path, "--progress", "never")
}

// memberFigures are the member indicators of regions as one warehouse holds
// them: numerators, denominators and values, rounded far below what any
// report shows.
func memberFigures(t *testing.T, path string, regions ...string) string {
	return mustRun(t, "", "sql", "--warehouse", path, "--format", "csv", `SELECT indicator, region_code, period,
		round(numerator, 6) AS numerator, round(denominator, 6) AS denominator, round(value, 9) AS value,
		flags LIKE 'partial:%' AS partial
		FROM indicator_value WHERE indicator LIKE 'member.%' AND NOT beside_own
		  AND region_code IN ('`+strings.Join(regions, "', '")+`') ORDER BY ALL`)
}

// Three synthetic districts of Shanghai report up: each its own warehouse,
// its own package; a city warehouse imports them. With two in, the city
// knows the third is missing and shows its figure as partial; with all
// three, its figures equal those of one warehouse holding all three
// districts' member records — numerators and denominators summed, never
// rates averaged. Importing a package again changes nothing.
func TestReportingUpEqualsOneWarehouse(t *testing.T) {
	dir := t.TempDir()
	var pkgs []string
	var all bytes.Buffer
	for i, d := range simDistricts {
		reg := simRegister(t, d.code, d.seed, d.prefix)
		if i == 0 {
			all.Write(reg)
		} else {
			_, rest, _ := bytes.Cut(reg, []byte("\n"))
			all.Write(rest)
		}
		wh := filepath.Join(dir, d.code+".duckdb")
		loadWarehouse(t, wh, d.code, simProject(t, reg))
		pkg := filepath.Join(dir, "package-"+d.code+".zip")
		args := []string{"export", "package", "--warehouse", wh, "--period", "2024", "--out", pkg}
		if i > 0 { // the first says nothing of its region: its home is the default
			args = append(args, "--region", d.code)
		}
		out := mustRun(t, "", args...)
		if !strings.Contains(out, "wrote "+pkg+": "+d.code+" ") || !strings.Contains(out, "indicator_value") || !strings.Contains(out, "synthetic") {
			t.Fatalf("export package says:\n%s", out)
		}
		checkNoMicrodata(t, wh, pkg)
		pkgs = append(pkgs, pkg)
	}

	single := filepath.Join(dir, "single.duckdb")
	loadWarehouse(t, single, "310000", simProject(t, all.Bytes()))

	city := filepath.Join(dir, "city.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", city, "--region", "310000")
	mustRun(t, "", "run", "refdata_region", "refdata_region_township", "--project", simProject(t, nil), "--warehouse", city, "--progress", "never")
	for _, p := range pkgs[:2] {
		if out := mustRun(t, "", "import", "package", p, "--warehouse", city); !strings.Contains(out, "imported") {
			t.Fatalf("import package says:\n%s", out)
		}
	}
	st := mustRun(t, "", "status", "--warehouse", city, "--period", "2024")
	for _, want := range []string{"home region 310000 上海市", "310104  徐汇区    2024  reported", "310105  长宁区    2024  reported",
		"310107  普陀区    2024  missing", "2 of 16 reported"} {
		if !strings.Contains(st, want) {
			t.Errorf("status --period 2024 does not say %q:\n%s", want, st)
		}
	}
	partial := memberFigures(t, city, "310000")
	if !strings.Contains(partial, "member.share_55_plus,310000,2024-12-31") || !strings.Contains(partial, ",true\n") {
		t.Errorf("with two of three districts in, the city's figure is not marked partial:\n%s", partial)
	}

	mustRun(t, "", "import", "package", pkgs[2], "--warehouse", city)
	regions := []string{"310000", "310104", "310105", "310107"}
	got, want := memberFigures(t, city, regions...), memberFigures(t, single, regions...)
	if got != want {
		t.Fatalf("the city's figures from packages differ from one warehouse's over all member records:\nfrom packages:\n%s\none warehouse:\n%s", got, want)
	}
	if n := strings.Count(got, "\n"); n < 40 {
		t.Fatalf("only %d rows compared:\n%s", n, got)
	}
	// The observation status travels with the figures: the districts' are
	// synthetic, and so is what the city sums from them.
	if st := mustRun(t, "", "sql", "--warehouse", city, "--format", "csv",
		`SELECT DISTINCT status FROM reported_value UNION ALL
		 SELECT DISTINCT 'city ' || status FROM indicator_value WHERE region_code = '310000' AND indicator = 'member.share_55_plus' ORDER BY 1`); st != "status\ncity synthetic\nsynthetic\n" {
		t.Errorf("statuses after import:\n%s", st)
	}

	// The same package again: skipped, the figures as they were.
	if out := mustRun(t, "", "import", "package", pkgs[0], "--warehouse", city); !strings.Contains(out, "skipped: the same package") {
		t.Fatalf("importing a package twice says:\n%s", out)
	}
	if again := memberFigures(t, city, regions...); again != got {
		t.Fatalf("importing a package twice changed the figures")
	}
}

// checkNoMicrodata fails if the package at pkg holds a hashed member id or a
// register number of the warehouse at wh, or a table other than a
// package's.
func checkNoMicrodata(t *testing.T, wh, pkg string) {
	t.Helper()
	ids := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv", `SELECT member_hash FROM party_member LIMIT 200`)
	zr, err := zip.OpenReader(pkg)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dir := t.TempDir()
	var seen []string
	for _, f := range zr.File {
		seen = append(seen, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if err := os.WriteFile(filepath.Join(dir, f.Name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(seen, ",") != "manifest.json,indicator_value.parquet,count.parquet,region.parquet" {
		t.Fatalf("package files: %v", seen)
	}
	// Every text value of every table, read back by DuckDB.
	text := mustRun(t, "", "sql", "--warehouse", wh, "--write", "--format", "csv", `SELECT string_agg(CAST(COLUMNS(*) AS VARCHAR), '|')
		FROM read_parquet('`+filepath.Join(dir, "*.parquet")+`', union_by_name = true)`)
	for _, id := range strings.Split(strings.TrimSpace(ids), "\n")[1:] {
		if strings.Contains(text, id) {
			t.Fatalf("package %s holds the hashed member id %s", pkg, id)
		}
	}
	if strings.Contains(text, "DY1000") {
		t.Fatalf("package %s holds a member register number", pkg)
	}
}

// A package is refused, saying which check failed, when it is damaged,
// truncated, of another format version, from a region not below the
// warehouse's home, or carries microdata; nothing is imported.
func TestImportPackageRefusals(t *testing.T) {
	dir := t.TempDir()
	d := simDistricts[0]
	wh := filepath.Join(dir, "district.duckdb")
	loadWarehouse(t, wh, d.code, simProject(t, simRegister(t, d.code, d.seed, d.prefix)))
	pkg := filepath.Join(dir, "package.zip")
	mustRun(t, "", "export", "package", "--warehouse", wh, "--region", d.code, "--period", "2024", "--out", pkg)
	city := filepath.Join(dir, "city.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", city, "--region", "310000")
	mustRun(t, "", "run", "refdata_region", "--project", simProject(t, nil), "--warehouse", city, "--progress", "never")
	good, err := os.ReadFile(pkg)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, want string
		make       func() []byte
	}{
		{"truncated", "not a grassroots package, or truncated", func() []byte { return good[:len(good)/2] }},
		{"bad checksum", "table indicator_value: checksum mismatch", func() []byte {
			return rezip(t, good, func(name string, b []byte) []byte {
				if name == "indicator_value.parquet" {
					b = bytes.Clone(b)
					b[len(b)/2] ^= 0xff
				}
				return b
			})
		}},
		{"format version", "package format version 999; this grassroots reads version 1", func() []byte {
			return rezip(t, good, editManifest(t, func(m *packages.Manifest) { m.FormatVersion = 999 }))
		}},
		{"microdata", "holds party_member.parquet, microdata", func() []byte {
			return rezip(t, good, func(name string, b []byte) []byte { return b }, "party_member.parquet")
		}},
		{"rows of a year not named", "has rows of 2024, a year its manifest does not name (2023)", func() []byte {
			return rezip(t, good, editManifest(t, func(m *packages.Manifest) { m.Years = []int{2023} }))
		}},
		{"microdata in the manifest", "holds table party_member, microdata", func() []byte {
			return rezip(t, good, editManifest(t, func(m *packages.Manifest) {
				m.Tables = append(m.Tables, packages.Table{Name: "party_member", File: "party_member.parquet"})
			}))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "package.zip")
			if err := os.WriteFile(p, c.make(), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := run(t, "", "import", "package", p, "--warehouse", city)
			if code != 1 || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d, want 1 and %q; stderr:\n%s", code, c.want, stderr)
			}
		})
	}
	// Into a warehouse whose home is the district itself, or another
	// province: not below it.
	other := filepath.Join(dir, "other.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", other, "--region", "320000")
	code, _, stderr := run(t, "", "import", "package", pkg, "--warehouse", other)
	if code != 1 || !strings.Contains(stderr, "is not below this warehouse's home region 320000") {
		t.Fatalf("import into home 320000: exit %d: %s", code, stderr)
	}
	code, _, stderr = run(t, "", "import", "package", pkg, "--warehouse", wh)
	if code != 1 || !strings.Contains(stderr, "is not below this warehouse's home region 310104") {
		t.Fatalf("import into the district's own warehouse: exit %d: %s", code, stderr)
	}
	// Nothing of the refused packages is in.
	if out := mustRun(t, "", "sql", "--warehouse", city, "--format", "csv", "SELECT count(*) FROM reported_value"); out != "count_star()\n0\n" {
		t.Fatalf("refused packages left rows: %s", out)
	}
	// A township's package, within the district whose package is in,
	// would count its figures twice.
	town := filepath.Join(dir, "township.zip")
	mustRun(t, "", "export", "package", "--warehouse", wh, "--region", "310104003", "--period", "2024", "--out", town)
	mustRun(t, "", "import", "package", pkg, "--warehouse", city)
	code, _, stderr = run(t, "", "import", "package", town, "--warehouse", city)
	if code != 1 || !strings.Contains(stderr, "region 310104003 overlaps the package of 310104") {
		t.Fatalf("a township's package over its district's: exit %d: %s", code, stderr)
	}
	mustRun(t, "", "runs", "revert", lastRun(t, city, "import package"), "--warehouse", city)

	// The good one goes in; a corrected package of the same region and
	// year (here: made again by another producer) replaces it, rows and
	// record, and the earlier one is kept in the history.
	mustRun(t, "", "import", "package", pkg, "--warehouse", city)
	again := filepath.Join(dir, "package-corrected.zip")
	mustRun(t, "", "export", "package", "--warehouse", wh, "--region", d.code, "--period", "2024", "--out", again, "--producer", "徐汇区委组织部")
	out := mustRun(t, "", "import", "package", again, "--warehouse", city)
	if !strings.Contains(out, "rows of an earlier package replaced") || strings.Contains(out, "; 0 rows of an earlier package replaced") {
		t.Fatalf("a corrected package replaced nothing:\n%s", out)
	}
	w, err := warehouse.Open(context.Background(), city, warehouse.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var n, hist int
	var producer string
	if err := w.DB().QueryRow(`SELECT count(*), any_value(producer) FROM reported_package WHERE package_region = '310104'`).Scan(&n, &producer); err != nil || n != 1 || producer != "徐汇区委组织部" {
		t.Fatalf("reported_package: %d current rows by %q, want 1 by the corrected package's producer (%v)", n, producer, err)
	}
	// In the history: the import reverted above, the good one, the
	// corrected one.
	if err := w.DB().QueryRow(`SELECT count(*) FROM reported_package_history WHERE package_region = '310104'`).Scan(&hist); err != nil || hist != 3 {
		t.Fatalf("reported_package_history: %d rows, want 3 (%v)", hist, err)
	}
	var dup int
	if err := w.DB().QueryRow(`SELECT count(*) FROM (SELECT indicator, region_code, period, vintage FROM reported_value
		GROUP BY ALL HAVING count(*) > 1)`).Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("%d figures reported twice after the corrected package (%v)", dup, err)
	}
}

// rezip rewrites the zip package pkg, passing every entry through edit, and
// adds the extra entries (empty).
func rezip(t *testing.T, pkg []byte, edit func(name string, b []byte) []byte, extra ...string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := zw.Create(f.Name)
		w.Write(edit(f.Name, b))
	}
	for _, name := range extra {
		zw.Create(name)
	}
	zw.Close()
	return out.Bytes()
}

// editManifest is a rezip edit that changes the manifest.
func editManifest(t *testing.T, change func(*packages.Manifest)) func(string, []byte) []byte {
	return func(name string, b []byte) []byte {
		if name != "manifest.json" {
			return b
		}
		var m packages.Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		change(&m)
		nb, _ := json.Marshal(m)
		return nb
	}
}

// From the command line only: two demo districts (--district), each its own
// warehouse, report up to a city warehouse; status names both reported and
// the other districts missing; the city's region page shows its party
// figures as a partial sum of 2 of 16 districts, and who has reported.
// A district with fewer townships than the demo's is refused.
func TestReportingUpFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "", "demo", "--out", filepath.Join(dir, "x"), "--district", "310105")
	if code != 2 || !strings.Contains(stderr, "长宁区 has 10 townships") {
		t.Fatalf("demo --district 310105: exit %d: %s", code, stderr)
	}
	// A demo warehouse is its district's: it takes no package, and
	// reports nothing above its home.
	city := filepath.Join(dir, "city.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", city, "--region", "310000")
	for i, d := range []string{"310104", "310106"} {
		out := filepath.Join(dir, d)
		say := mustRun(t, "", "demo", "--out", out, "--district", d, "--seed", fmt.Sprint(31+i), "--scale", "0.05", "--progress", "never")
		if !strings.Contains(say, "synthetic: "+d) {
			t.Fatalf("demo --district %s says:\n%s", d, say)
		}
		pkg := filepath.Join(dir, d+".zip")
		wh := filepath.Join(out, "grassroots.duckdb")
		mustRun(t, "", "export", "package", "--warehouse", wh, "--region", d, "--period", "2024", "--out", pkg)
		if code, _, stderr := run(t, "", "export", "package", "--warehouse", wh, "--region", "310000", "--period", "2024",
			"--out", filepath.Join(dir, "x.zip")); code != 1 || !strings.Contains(stderr, "is not this warehouse's home region "+d) {
			t.Errorf("a district's demo exports Shanghai: exit %d: %s", code, stderr)
		}
		if code, _, stderr := run(t, "", "import", "package", pkg, "--warehouse", wh); code != 1 || !strings.Contains(stderr, "is not below this warehouse's home region "+d) {
			t.Errorf("a district's demo imports its own package: exit %d: %s", code, stderr)
		}
		if i == 0 {
			mustRun(t, "", "run", "refdata_region", "refdata_region_township", "--project", out, "--warehouse", city, "--progress", "never")
		}
		mustRun(t, "", "import", "package", pkg, "--warehouse", city)
	}
	st := mustRun(t, "", "status", "--warehouse", city, "--period", "2024")
	for _, want := range []string{"310104  徐汇区    2024  reported", "310106  静安区    2024  reported", "310112  闵行区    2024  missing", "2 of 16 reported"} {
		if !strings.Contains(st, want) {
			t.Errorf("status does not say %q:\n%s", want, st)
		}
	}
	site := filepath.Join(dir, "site")
	mustRun(t, "", "report", "--warehouse", city, "--region", "310000", "--out", site)
	page, err := os.ReadFile(filepath.Join(site, "region-310000.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"部分汇总：16个区县中2个，不是该地区的数字", "16个区县中2个已报送", "徐汇区（310104）", "未报送",
		"徐汇区（310104）grassroots", "数字含下级报送上来的数据包（reported_value）：310104, 310106"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the city's page does not say %q", want)
		}
	}
}

// lastRun is the id of the newest succeeded run of pipeline in the warehouse.
func lastRun(t *testing.T, wh, pipeline string) string {
	t.Helper()
	out := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		"SELECT max(run_id) FROM _run WHERE pipeline = '"+pipeline+"' AND status = 'succeeded'")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}
