package cli

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"grassroots/sql/indicators"
	"grassroots/sql/packages"
)

// A package exported with --suppress holds no person count from 1 to below
// the warehouse's threshold in any of its Parquet tables — indicator
// numerators and denominators that @persons marks, and the count table's
// person measures — while the exact package of the same district does; no
// region shown with its sub-regions has exactly one of them withheld, nor a
// region's breakdown exactly one cell; the manifest records the threshold
// and how many cells; and the level above imports it, says so, and sums no
// withheld figure as zero.
func TestSuppressedPackage(t *testing.T) {
	const threshold = 30 // high enough that townships' figures fall below it too
	dir := t.TempDir()
	d := simDistricts[0]
	wh := filepath.Join(dir, "district.duckdb")
	loadWarehouse(t, wh, d.code, simProject(t, simRegister(t, d.code, d.seed, d.prefix)))
	mustRun(t, "", "settings", "small_cell_threshold", strconv.Itoa(threshold), "--warehouse", wh)

	exact := filepath.Join(dir, "exact.zip")
	mustRun(t, "", "export", "package", "--warehouse", wh, "--region", d.code, "--period", "2024", "--out", exact)
	pkg := filepath.Join(dir, "suppressed.zip")
	out := mustRun(t, "", "export", "package", "--warehouse", wh, "--region", d.code, "--period", "2024", "--out", pkg, "--suppress")
	if !strings.Contains(out, fmt.Sprintf("person counts below %d, or that would give one back, are NULL", threshold)) {
		t.Fatalf("export package --suppress says:\n%s", out)
	}
	checkNoMicrodata(t, wh, pkg)

	// The tables, read back by DuckDB.
	var persons, numPersons, denPersons []string
	cat, err := indicators.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range cat {
		if ind.NumeratorPersons() {
			numPersons = append(numPersons, "'"+ind.Code+"'")
		}
		if ind.DenominatorPersons() {
			denPersons = append(denPersons, "'"+ind.Code+"'")
		}
		if ind.NumeratorPersons() || ind.DenominatorPersons() {
			persons = append(persons, "'"+ind.Code+"'")
		}
	}
	sqlOne := func(q string) string {
		t.Helper()
		lines := strings.Split(strings.TrimSpace(mustRun(t, "", "sql", "--warehouse", wh, "--write", "--format", "csv", q)), "\n")
		return strings.Join(lines[1:], "\n")
	}
	small := func(d string) string {
		iv, count := filepath.Join(d, "indicator_value.parquet"), filepath.Join(d, "count.parquet")
		return sqlOne(fmt.Sprintf(`SELECT
			(SELECT count(*) FROM read_parquet('%[1]s') WHERE indicator IN (%[2]s) AND numerator >= 1 AND numerator < %[5]d)
			+ (SELECT count(*) FROM read_parquet('%[1]s') WHERE indicator IN (%[3]s) AND denominator >= 1 AND denominator < %[5]d)
			|| ' ' || (SELECT count(*) FROM read_parquet('%[4]s') WHERE measure IN ('members', 'employees', 'formal_members', 'staff',
			           'fulltime_social_workers', 'residents') AND value >= 1 AND value < %[5]d)`,
			iv, strings.Join(numPersons, ", "), strings.Join(denPersons, ", "), count, threshold))
	}
	exactDir, sDir := unzipTo(t, exact), unzipTo(t, pkg)
	if got := small(exactDir); got == "0 0" {
		t.Fatalf("the exact package has no indicator or count below %d: the check finds nothing to withhold", threshold)
	} else if strings.HasPrefix(got, "0 ") || strings.HasSuffix(got, " 0") {
		t.Fatalf("the exact package has small cells only in one table (indicators, counts: %s): the check does not try both", got)
	}
	if got := small(sDir); got != "0 0" {
		t.Errorf("the suppressed package holds person counts below %d (indicators, counts): %s", threshold, got)
	}

	iv, count, region := filepath.Join(sDir, "indicator_value.parquet"), filepath.Join(sDir, "count.parquet"), filepath.Join(sDir, "region.parquet")
	// Withheld figures are NULL and flagged, their values too; the cells
	// withheld are what the manifest says.
	withheld := sqlOne(fmt.Sprintf(`SELECT
		(SELECT count(*) FILTER (WHERE indicator IN (%[2]s) AND numerator IS NULL)
		      + count(*) FILTER (WHERE indicator IN (%[3]s) AND denominator IS NULL)
		 FROM read_parquet('%[1]s') WHERE flags LIKE '%%suppressed: small cell%%')
		+ (SELECT count(*) FROM read_parquet('%[4]s') WHERE value IS NULL AND flags = 'suppressed: small cell')
		|| ' ' || (SELECT count(*) FROM read_parquet('%[1]s') WHERE flags LIKE '%%suppressed: small cell%%' AND value IS NOT NULL)
		|| ' ' || (SELECT count(*) FROM read_parquet('%[1]s') WHERE indicator IN (%[5]s) AND flags LIKE '%%suppressed: small cell%%')
		|| ' ' || (SELECT count(*) FROM read_parquet('%[4]s') WHERE value IS NULL)`,
		iv, strings.Join(numPersons, ", "), strings.Join(denPersons, ", "), count, strings.Join(persons, ", ")))
	f := strings.Fields(withheld)
	if len(f) != 4 || f[1] != "0" || f[2] == "0" || f[3] == "0" {
		t.Fatalf("withheld cells (cells, flagged rows with a value, indicator rows flagged, count rows withheld): %s", withheld)
	}
	m := readPackageManifest(t, pkg)
	if m.Suppressed == nil || m.Suppressed.Threshold != threshold || strconv.Itoa(m.Suppressed.Cells) != f[0] {
		t.Errorf("manifest suppressed = %+v, want threshold %d and %s cells", m.Suppressed, threshold, f[0])
	}
	if e := readPackageManifest(t, exact); e.Suppressed != nil {
		t.Errorf("the exact package's manifest says suppressed: %+v", e.Suppressed)
	}

	// Complementary suppression: no region shown beside the regions
	// directly below it has exactly one of them withheld; no region's
	// breakdown of a person measure exactly one cell.
	for _, part := range []struct{ column, list string }{{"numerator", strings.Join(numPersons, ", ")}, {"denominator", strings.Join(denPersons, ", ")}} {
		lone := sqlOne(fmt.Sprintf(`WITH iv AS (SELECT * FROM read_parquet('%[1]s') WHERE indicator IN (%[3]s)),
			r AS (SELECT * FROM read_parquet('%[2]s'))
			SELECT coalesce(string_agg(p.indicator || ' ' || p.region_code || ' ' || p.period, '; '), 'none') FROM (
				SELECT p.indicator, p.region_code, p.period
				FROM iv p JOIN r ON r.parent_code = p.region_code
				JOIN iv c ON c.region_code = r.code AND c.indicator = p.indicator AND c.period = p.period AND c.vintage = p.vintage
				WHERE p.%[4]s IS NOT NULL
				GROUP BY p.indicator, p.region_code, p.period, p.vintage
				HAVING count(*) FILTER (WHERE c.%[4]s IS NULL) = 1) p`, iv, region, part.list, part.column))
		if lone != "none" {
			t.Errorf("regions with exactly one sub-region's %s withheld: %s", part.column, lone)
		}
	}
	// And some region has two or more withheld below it: the check looks
	// where complementary suppression acted.
	if n := sqlOne(fmt.Sprintf(`SELECT count(*) FROM (SELECT indicator FROM read_parquet('%s') WHERE numerator IS NULL
		AND flags LIKE '%%suppressed%%' AND length(region_code) = 9 GROUP BY indicator, period, vintage HAVING count(*) >= 2)`, iv)); n == "0" {
		t.Errorf("no indicator has two or more townships withheld: complementary suppression is not exercised")
	}
	lone := sqlOne(fmt.Sprintf(`SELECT coalesce(string_agg(aggregate || ' ' || region_code || ' ' || measure, '; '), 'none') FROM (
		SELECT aggregate, region_code, period, measure FROM read_parquet('%s')
		WHERE measure IN ('members', 'employees', 'formal_members', 'staff', 'fulltime_social_workers', 'residents')
		GROUP BY ALL HAVING count(*) >= 2 AND count(*) FILTER (WHERE value IS NULL) = 1)`, count))
	if lone != "none" {
		t.Errorf("breakdowns with exactly one cell withheld: %s", lone)
	}

	// The city imports it and says it was suppressed; the withheld figures
	// are NULL there too, flagged, and no roll-up sums them as zero: where
	// the district's own figure is withheld, the city has none.
	city := filepath.Join(dir, "city.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", city, "--region", "310000")
	mustRun(t, "", "run", "refdata_region", "refdata_region_township", "--project", simProject(t, nil), "--warehouse", city, "--progress", "never")
	out = mustRun(t, "", "import", "package", pkg, "--warehouse", city)
	if want := fmt.Sprintf("suppressed at the source: %s person counts below %d, or that would give one back, withheld (NULL) in %s indicator rows", f[0], threshold, f[2]); !strings.Contains(out, want) {
		t.Fatalf("import package does not say %q:\n%s", want, out)
	}
	cityRows := mustRun(t, "", "sql", "--warehouse", city, "--format", "csv", `SELECT
		count(*) FILTER (WHERE flags LIKE '%suppressed: small cell%' AND flags LIKE '%reported by `+d.code+`%') AS flagged,
		count(*) FILTER (WHERE flags LIKE '%suppressed: small cell%' AND value IS NOT NULL) AS with_value
		FROM indicator_value`)
	if cityRows != "flagged,with_value\n"+f[2]+",0\n" {
		t.Errorf("the city's withheld rows (flagged, with a value):\n%s", cityRows)
	}
	// Above the district: its own figure when shown, nothing when withheld.
	sum := mustRun(t, "", "sql", "--warehouse", city, "--format", "csv", `SELECT count(*) FILTER (WHERE d.flags LIKE '%suppressed%' AND c.numerator IS NOT NULL) AS summed,
		count(*) FILTER (WHERE d.flags NOT LIKE '%suppressed%' AND c.numerator IS DISTINCT FROM d.numerator) AS different
		FROM indicator_value d LEFT JOIN indicator_value c ON c.region_code = '310000' AND c.indicator = d.indicator
		     AND c.period = d.period AND c.vintage = d.vintage AND NOT c.beside_own
		WHERE d.region_code = '`+d.code+`' AND NOT d.beside_own AND d.indicator IN (`+strings.Join(persons, ", ")+`)`)
	if !strings.HasSuffix(sum, "\n0,0\n") {
		t.Errorf("the city's figures over the district (withheld yet summed, shown yet different):\n%s", sum)
	}
}

// unzipTo extracts the package at pkg into a new folder and returns it.
func unzipTo(t *testing.T, pkg string) string {
	t.Helper()
	zr, err := zip.OpenReader(pkg)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dir := t.TempDir()
	for _, f := range zr.File {
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
	return dir
}

// readPackageManifest reads the manifest of the package at pkg.
func readPackageManifest(t *testing.T, pkg string) packages.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(unzipTo(t, pkg), "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m packages.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
