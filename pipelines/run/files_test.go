package run

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"grassroots/sources"
	"grassroots/sql/warehouse"
)

// returnsProject writes one CSV per township into proj/inputs/returns.
func returnsProject(t *testing.T, files map[string]string) string {
	t.Helper()
	proj := t.TempDir()
	dir := filepath.Join(proj, "inputs", "returns")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return proj
}

const returnsSpec = "reject_threshold: 100%\nsource:\n  kind: csv\n  path: inputs/returns/*.csv" + popColumns + `  unique: [region_code, year]
  checks:
    - {sql: urban_resident_pop <= resident_pop, message: 城镇人口大于常住人口}
`

// A pattern path loads every file it matches in one run; each quarantined
// row keeps its own file and row; the run records every file with its rows
// and region codes; an unchanged set is skipped, a changed or added file
// loads again.
func TestManyFilesOneRun(t *testing.T) {
	const head = "区划代码,年份,常住人口,城镇人口\n"
	proj := returnsProject(t, map[string]string{
		"a.csv": head + "310112001,2023,8.36,8.00\n",
		"b.csv": head + "310112006,2023,9.00,9.50\n",                     // urban > resident: row 2 of b.csv
		"c.csv": head + "310112008,2023,5.00,4.00\n310112001,2023,1,1\n", // a key of a.csv again
	})
	w := newWarehouse(t)
	s := parseSpec(t, "returns", returnsSpec)
	o := Options{Warehouse: w, Project: proj}
	out := runOnce(t, s, o)
	if out.Status != warehouse.StatusSucceeded || out.Read != 4 || out.Loaded != 2 || out.Quarantined != 2 {
		t.Fatalf("run: %s, read %d loaded %d quarantined %d, %v", out.Status, out.Read, out.Loaded, out.Quarantined, out.Err)
	}
	q := lines(t, w.DB(), `SELECT file, row_number, reasons FROM _quarantine ORDER BY file`)
	for _, want := range []string{
		"inputs/returns/b.csv 2 城镇人口大于常住人口",
		"inputs/returns/c.csv 3 duplicate key (region_code=310112001, year=2023): the same as row 2 of inputs/returns/a.csv",
	} {
		if !strings.Contains(q, want) {
			t.Errorf("quarantine lacks %q:\n%s", want, q)
		}
	}
	files := lines(t, w.DB(), `SELECT file, rows_read, rows_quarantined, array_to_string(region_codes, ' ') FROM _run_file ORDER BY file`)
	want := "inputs/returns/a.csv 1 0 310112001\ninputs/returns/b.csv 1 1 310112006\ninputs/returns/c.csv 2 1 310112001 310112008"
	if strings.TrimSpace(files) != want {
		t.Errorf("_run_file:\n%s\nwant\n%s", files, want)
	}
	if out := runOnce(t, s, o); out.Status != warehouse.StatusSkipped {
		t.Errorf("unchanged files: %s (%v), want skipped", out.Status, out.Err)
	}
	os.WriteFile(filepath.Join(proj, "inputs", "returns", "d.csv"), []byte(head+"310112009,2023,3,2\n"), 0o644)
	if out := runOnce(t, s, o); out.Status != warehouse.StatusSucceeded || out.Loaded != 3 {
		t.Errorf("a file added: %s, %d loaded (%v), want succeeded with 3", out.Status, out.Loaded, out.Err)
	}
}

// A file that cannot be read fails the run, naming every such file; nothing
// is loaded and the good files' rows are held back, each under its file.
// No file at all is a clear error.
func TestManyFilesBrokenFile(t *testing.T) {
	const head = "区划代码,年份,常住人口,城镇人口\n"
	proj := returnsProject(t, map[string]string{
		"a.csv": head + "310112001,2023,8.36,8.00\n",
		"b.csv": "区划代码,年份,常住人口\n310112006,2023,9.00\n", // a column missing
		"c.csv": head + "310112008,2023,5.00,4.00\n",
		"d.csv": "年份\n2023\n",
	})
	w := newWarehouse(t)
	s := parseSpec(t, "returns", returnsSpec)
	out := runOnce(t, s, Options{Warehouse: w, Project: proj})
	if out.Status != warehouse.StatusFailed || out.Err == nil {
		t.Fatalf("run: %s, %v; want failed", out.Status, out.Err)
	}
	msg := out.Err.Error()
	for _, want := range []string{"2 of the 4 files could not be read", "returns/b.csv", "城镇人口", "returns/d.csv"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	if got := population(t, w); got != "0 rows, 0 persons" {
		t.Errorf("population after a failed run: %s", got)
	}
	held := lines(t, w.DB(), `SELECT file, row_number FROM _quarantine ORDER BY file`)
	if strings.TrimSpace(held) != "inputs/returns/a.csv 2\ninputs/returns/c.csv 2" {
		t.Errorf("held back:\n%s", held)
	}

	empty := returnsProject(t, nil)
	out = runOnce(t, s, Options{Warehouse: w, Project: empty})
	if out.Err == nil || !strings.Contains(out.Err.Error(), "no file matches inputs/returns/*.csv") {
		t.Errorf("no files: %v", out.Err)
	}
}

// Excel's lock file of a return someone has open (~$a.csv here, as
// ~$a.xlsx beside a.xlsx) and hidden files are no returns: the run skips
// them and says so, and records only the files it read. A pattern that
// matches nothing else says what it skipped.
func TestManyFilesSkipsLockAndHidden(t *testing.T) {
	const head = "区划代码,年份,常住人口,城镇人口\n"
	proj := returnsProject(t, map[string]string{
		"a.csv":    head + "310112001,2023,8.36,8.00\n",
		"~$a.csv":  "\x00\x01owner",
		".b.csv":   "not a return",
		"b[1].csv": head + "310112006,2023,9.00,8.50\n",
	})
	w := newWarehouse(t)
	s := parseSpec(t, "returns", returnsSpec)
	out := runOnce(t, s, Options{Warehouse: w, Project: proj})
	if out.Status != warehouse.StatusSucceeded || out.Loaded != 2 {
		t.Fatalf("run: %s, %d loaded, %v", out.Status, out.Loaded, out.Err)
	}
	want := "not read: ~$a.csv (lock files of workbooks open in Excel); .b.csv (hidden)"
	if out.Note != want {
		t.Errorf("note %q, want %q", out.Note, want)
	}
	files := lines(t, w.DB(), `SELECT file, array_to_string(years, ' ') FROM _run_file ORDER BY file`)
	if strings.TrimSpace(files) != "inputs/returns/a.csv 2023\ninputs/returns/b[1].csv 2023" {
		t.Errorf("_run_file:\n%s", files)
	}

	only := returnsProject(t, map[string]string{"~$a.csv": "\x00"})
	out = runOnce(t, s, Options{Warehouse: w, Project: only})
	if out.Err == nil || !strings.Contains(out.Err.Error(), "no file matches inputs/returns/*.csv (in ") ||
		!strings.Contains(out.Err.Error(), "; skipped ~$a.csv (lock files of workbooks open in Excel)") {
		t.Errorf("only a lock file: %v", out.Err)
	}
}

// Brackets are part of a name, not a pattern: a single file data[2024].csv
// is read as one input, and a folder r[1] under a pattern is that folder.
func TestBracketsAreLiteral(t *testing.T) {
	const head = "区划代码,年份,常住人口,城镇人口\n"
	proj := t.TempDir()
	for path, body := range map[string]string{
		"inputs/data[2024].csv": head + "310112001,2023,8.36,8.00\n",
		"inputs/r[1]/a.csv":     head + "310112006,2023,9.00,8.50\n",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(proj, path)), 0o755)
		if err := os.WriteFile(filepath.Join(proj, path), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := newWarehouse(t)
	for path, want := range map[string]string{"inputs/data[2024].csv": "310112001", "inputs/r[1]/*.csv": "310112006"} {
		s := parseSpec(t, "brackets", strings.Replace(returnsSpec, "inputs/returns/*.csv", path, 1))
		out := runOnce(t, s, Options{Warehouse: w, Project: proj, Force: true})
		if out.Status != warehouse.StatusSucceeded || out.Loaded != 1 {
			t.Errorf("%s: %s, %d loaded, %v", path, out.Status, out.Loaded, out.Err)
			continue
		}
		if got := lines(t, w.DB(), fmt.Sprintf(`SELECT region_code FROM population WHERE run_id = %d`, out.RunID)); got != want {
			t.Errorf("%s loaded %q, want %q", path, got, want)
		}
	}
}

// Two files whose columns read differently are told apart by the first
// column that differs, its header and both types, not two whole schemas.
func TestManyFilesSchemaDiff(t *testing.T) {
	cols := []sources.Column{{Name: "region_code", From: sources.Ref{Name: "区划代码"}}, {Name: "resident_pop", From: sources.Ref{Name: "常住人口"}}}
	schema := func(pop arrow.DataType, more ...arrow.Field) *arrow.Schema {
		return arrow.NewSchema(append([]arrow.Field{{Name: "region_code", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "resident_pop", Type: pop, Nullable: true}}, more...), nil)
	}
	cfg := sources.Config{}
	cfg.Columns = cols
	r := &multiReader{cfg: cfg, m: &manyFiles{names: []string{"inputs/returns/a.xlsx", "inputs/returns/b.xlsx"}},
		schema: schema(arrow.PrimitiveTypes.Int64)}
	for _, c := range []struct {
		got  *arrow.Schema
		want string
	}{
		{schema(arrow.PrimitiveTypes.Float64), `column "常住人口" (resident_pop) reads as float64, in the first file inputs/returns/a.xlsx as int64`},
		{schema(arrow.PrimitiveTypes.Int64, arrow.Field{Name: "_row", Type: arrow.PrimitiveTypes.Int64}), `column _row is more than the first file inputs/returns/a.xlsx has`},
	} {
		if got := r.schemaDiff(c.got); got != c.want {
			t.Errorf("schemaDiff: %q, want %q", got, c.want)
		}
	}
}

// lines is the result of q, a line a row, values separated by spaces.
func lines(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		s := make([]string, len(vals))
		for i, v := range vals {
			s[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(s, " "))
	}
	return strings.Join(out, "\n")
}
