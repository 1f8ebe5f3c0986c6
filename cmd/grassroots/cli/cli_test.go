package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"grassroots/sql/warehouse"
)

// run runs one command line in-process and returns its exit code and output.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{}
	code = Run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := run(t, stdin, args...)
	if code != 0 {
		t.Fatalf("grassroots %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func TestHelpForEveryCommand(t *testing.T) {
	code, out, _ := run(t, "", "help")
	if code != 0 {
		t.Fatalf("help exits %d", code)
	}
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.Contains(out, n) {
			t.Errorf("help does not list %q", n)
		}
		args := append(strings.Fields(n), "--help")
		code, hout, herr := run(t, "", args...)
		if code != 0 || !strings.Contains(hout, "usage: grassroots "+n) {
			t.Errorf("grassroots %s --help: exit %d, stdout %q, stderr %q", n, code, hout, herr)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	w := filepath.Join(t.TempDir(), "w.duckdb")
	for _, args := range [][]string{
		{"no-such-command"},
		{"sql", "--warehouse", w, "--format", "xml", "select 1"},
		{"sql", "--warehouse", w, "--no-such-flag"},
		{"init", "--warehouse", w, "extra", "more"},
		{},
	} {
		code, _, errs := run(t, "", args...)
		if code != 2 {
			t.Errorf("grassroots %q: exit %d, want 2 (stderr %q)", args, code, errs)
		}
		if len(args) > 0 && strings.Count(strings.TrimSpace(errs), "\n") > 1 {
			t.Errorf("grassroots %q: stderr should be short, got %q", args, errs)
		}
	}
}

func TestInitCreatesThenUpdates(t *testing.T) {
	w := filepath.Join(t.TempDir(), "w.duckdb")
	out := mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	if !strings.Contains(out, "created warehouse") || !strings.Contains(out, "applied 0001_core.sql") {
		t.Fatalf("first init printed %q", out)
	}
	out = mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	if !strings.Contains(out, "is up to date") || strings.Contains(out, "applied") {
		t.Fatalf("second init printed %q", out)
	}
}

// fixture creates a warehouse with a few regions.
func fixture(t *testing.T) string {
	t.Helper()
	w := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	mustRun(t, "", "sql", "--write", "--warehouse", w, `INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
		('000000', '全国', 0, 'country', NULL),
		('310000', '上海市', 1, 'province', '000000'),
		('310112', '闵行区', 3, 'county', '310000'),
		('310112001', '江川路街道', 4, 'township', '310112'),
		('310112501', 'Xinzhuang Industrial Zone', 4, 'township', '310112')`)
	return w
}

func TestSQLFormats(t *testing.T) {
	w := fixture(t)
	q := "select code, name, level from region where level >= 3 order by code"

	table := mustRun(t, "", "sql", "--warehouse", w, q)
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if len(lines) != 6 || lines[len(lines)-1] != "(3 rows)" {
		t.Fatalf("table output:\n%s", table)
	}
	// Chinese names take two columns each: the level column starts at the same
	// display column on every line.
	col := -1
	for _, l := range lines[2:5] {
		i := strings.LastIndex(l, "  ")
		c := displayWidth(l[:i])
		if col >= 0 && c != col {
			t.Fatalf("columns not aligned by display width:\n%s", table)
		}
		col = c
	}
	if !strings.Contains(lines[3], "江川路街道") {
		t.Fatalf("row order/contents: %q", lines[3])
	}

	csvOut := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv", q)
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(recs) != 4 || recs[2][1] != "江川路街道" || recs[0][2] != "level" {
		t.Fatalf("csv output %q (%v)", csvOut, err)
	}

	// Flags may follow the query.
	jsonOut := mustRun(t, "", "sql", "--warehouse", w, q, "--format", "json")
	var objs []map[string]any
	if err := json.Unmarshal([]byte(jsonOut), &objs); err != nil {
		t.Fatalf("json output %q: %v", jsonOut, err)
	}
	if len(objs) != 3 || objs[1]["name"] != "江川路街道" || objs[1]["level"] != float64(4) {
		t.Fatalf("json objects %v", objs)
	}
	if strings.Index(jsonOut, `"code"`) > strings.Index(jsonOut, `"name"`) {
		t.Errorf("json objects do not keep the column order: %s", jsonOut)
	}

	md := mustRun(t, "", "sql", "--warehouse", w, "--format", "markdown", q)
	if !strings.HasPrefix(md, "| code | name | level |\n|---|---|---:|\n| 310112 | 闵行区 | 3 |") {
		t.Fatalf("markdown output:\n%s", md)
	}
}

func TestSQLIsReadOnlyByDefault(t *testing.T) {
	w := fixture(t)
	code, _, errs := run(t, "", "sql", "--warehouse", w, "delete from region_history")
	if code != 1 || !strings.Contains(errs, "--write") {
		t.Fatalf("delete without --write: exit %d, stderr %q", code, errs)
	}
	code, _, errs = run(t, "", "sql", "--warehouse", w, "delete from region")
	if code != 1 || !strings.Contains(errs, "views of their current rows") || !strings.Contains(errs, "grassroots run") {
		t.Fatalf("delete from a view: exit %d, stderr %q", code, errs)
	}
	if n := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv", "select count(*) n from region"); n != "n\n5\n" {
		t.Fatalf("rows after refused delete: %q", n)
	}
}

func TestSQLScriptFromStdin(t *testing.T) {
	w := fixture(t)
	script := `-- a comment; with a semicolon
select name from region where code = '310112';
.format csv
select count(*) as townships
  from region
  where level = 4;   -- trailing comment
select 'a;b' as "x;y";
`
	out := mustRun(t, script, "sql", "--warehouse", w)
	for _, want := range []string{"闵行区", "(1 row)", "townships\n2\n", "x;y\na;b\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("script output lacks %q:\n%s", want, out)
		}
	}
	code, _, errs := run(t, "select * from no_such_table;\nselect 1;\n", "sql", "--warehouse", w)
	if code != 1 || !strings.Contains(errs, "no_such_table") {
		t.Fatalf("a failing script: exit %d, stderr %q", code, errs)
	}
}

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"select 1; select 2;", []string{"select 1", "select 2"}},
		{"select ';' ; -- x; y\n", []string{"select ';'"}},
		{"select \"a;b\" from t", []string{`select "a;b" from t`}},
		{"/* ; */ select 1;", []string{"/* ; */ select 1"}},
		{"-- only a comment;\n", nil},
	}
	for _, c := range cases {
		got := splitStatements(c.in)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("splitStatements(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if complete("select ';'") || !complete("select 1; -- done") || complete("select 1; select") {
		t.Error("complete misjudges statement ends")
	}
}

// sharedDemo builds the demo project once for all the tests that read it
// (they only read), and returns its folder and what demo printed.
func sharedDemo(t *testing.T) (dir, stdout string) {
	t.Helper()
	demoOnce.Do(func() {
		dir := filepath.Join(demoRoot, "demo")
		var out, errb bytes.Buffer
		code := Run(context.Background(), []string{"demo", "--out", dir}, strings.NewReader(""), &out, &errb,
			func(string) string { return "" })
		demoOnce.dir, demoOnce.stdout = dir, out.String()
		if code != 0 {
			demoOnce.err = fmt.Errorf("demo: exit %d\n%s\n%s", code, out.String(), errb.String())
		}
	})
	if demoOnce.err != nil {
		t.Fatal(demoOnce.err)
	}
	return demoOnce.dir, demoOnce.stdout
}

var (
	demoRoot string
	demoOnce struct {
		sync.Once
		dir, stdout string
		err         error
	}
)

func TestDemoThenSQL(t *testing.T) {
	dir, out := sharedDemo(t)
	if !strings.Contains(out, filepath.Join(dir, "grassroots.duckdb")) {
		t.Fatalf("demo does not say where the warehouse is:\n%s", out)
	}
	w := filepath.Join(dir, "grassroots.duckdb")
	got := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv",
		"select level_name, count(*) as n from region group by 1, level order by level")
	want := "level_name,n\ncountry,1\nprovince,31\nprefecture,342\ncounty,2975\ntownship,41352\n"
	if got != want {
		t.Fatalf("regions by level:\n%s\nwant\n%s", got, want)
	}
	runs := mustRun(t, "", "runs", "--warehouse", w, "--format", "csv")
	if !strings.Contains(runs, ",succeeded,") || strings.Contains(runs, ",failed,") {
		t.Fatalf("run history after the demo:\n%s", runs)
	}
}

// The child process of TestLockedWarehouse re-runs this test binary.
func TestMain(m *testing.M) {
	if os.Getenv("GRASSROOTS_TEST_CLI") == "1" {
		// The crash tests run the CLI as a child process they can kill.
		args := os.Args[1:]
		if len(args) > 0 && args[0] == "--" {
			args = args[1:]
		}
		os.Exit(Run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	if p := os.Getenv("GRASSROOTS_TEST_HOLD"); p != "" {
		if _, err := warehouse.Open(context.Background(), p); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("holding")
		time.Sleep(time.Hour)
	}
	var err error
	if demoRoot, err = os.MkdirTemp("", "grassroots-cli-test-"); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(demoRoot)
	os.Exit(code)
}

func TestLockedWarehouse(t *testing.T) {
	w := fixture(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GRASSROOTS_TEST_HOLD="+w)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out.String(), "holding"); {
		if time.Now().After(deadline) {
			t.Fatalf("child did not take the file: %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, _, errs := run(t, "", "sql", "--warehouse", w, "select 1")
	if code != 1 || !strings.Contains(errs, "in use by another process") || strings.Contains(errs, "IO Error") {
		t.Fatalf("sql on a locked warehouse: exit %d, stderr %q", code, errs)
	}
	if strings.Count(errs, "\n") != 1 {
		t.Fatalf("the lock message should be one line: %q", errs)
	}
}

func TestSQLToXLSX(t *testing.T) {
	w := fixture(t)
	out := filepath.Join(t.TempDir(), "regions.xlsx")
	mustRun(t, "", "sql", "--warehouse", w, "--format", "xlsx", "--out", out,
		"select code as 区划代码, name as 名称, level from region order by code")
	x, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[0][0] != "区划代码" || rows[4][1] != "江川路街道" || rows[4][2] != "4" {
		t.Fatalf("workbook rows %q", rows)
	}
	code, _, _ := run(t, "", "sql", "--warehouse", w, "--format", "xlsx", "--out", out, "select 1; select 2")
	if code != 2 {
		t.Fatalf("two statements to one workbook: exit %d, want 2", code)
	}
}

// Without --write, no statement list can change the warehouse or write any
// other file: the attacks a hostile or careless script would try all fail,
// and leave the file as it was.
func TestSQLReadOnlyMeansReadOnly(t *testing.T) {
	w := fixture(t)
	dir := t.TempDir()
	other := filepath.Join(dir, "other.duckdb")
	for _, attack := range []string{
		"delete from region",
		"delete from region_history",
		"insert into region_history (code, name, level, level_name) values ('999999', 'x', 3, 'county')",
		"detach w; attach '" + w + "' as w3; insert into w3.region_history (code, name, level, level_name) values ('999999', 'x', 3, 'county')",
		"attach '" + w + "' as w3; insert into w3.region_history (code, name, level, level_name) values ('999999', 'x', 3, 'county')",
		"attach '" + other + "' as o; create table o.t as select 1",
		"copy (select * from region) to '" + filepath.Join(dir, "out.csv") + "'",
		"export database '" + filepath.Join(dir, "exp") + "'",
		"install spatial",
		"load spatial",
		"select * from read_csv('/etc/passwd')",
		"select * from read_text('/etc/hostname')",
		"set enable_external_access = true; copy (select 1) to '" + filepath.Join(dir, "x.csv") + "'",
		"reset lock_configuration",
		"create table region_copy as select * from region",
		"update _run set status = 'x'",
	} {
		code, _, errs := run(t, "", "sql", "--warehouse", w, attack)
		if code == 0 {
			t.Errorf("read-only sql ran %q", attack)
			continue
		}
		if !strings.Contains(errs, "read-only") && !strings.Contains(errs, "--write") && !strings.Contains(errs, "views of their current rows") {
			t.Errorf("%q refused without saying the warehouse is read-only: %s", attack, errs)
		}
	}
	if n := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv", "select count(*) n from region"); n != "n\n5\n" {
		t.Fatalf("rows after the attacks: %q", n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("read-only sql wrote files: %v", entries)
	}
	// Reading the warehouse keeps working: functions that need no file.
	got := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv",
		`select json_extract('{"a": 1}', '$.a') as j, strftime(TIMESTAMPTZ '2024-01-01 00:00:00+00' AT TIME ZONE 'Asia/Shanghai', '%H') as h`)
	if got != "j,h\n1,08\n" {
		t.Errorf("read-only functions: %q", got)
	}
}
