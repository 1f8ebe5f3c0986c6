package cli

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// publishFixture is a warehouse with rows in every published table: two
// provinces and the country, two snapshot dates or years, a region code that
// is no code (province=unknown), and a row a committed run replaced, which
// must not be published.
func publishFixture(t *testing.T) string {
	t.Helper()
	w := fixture(t)
	mustRun(t, "", "sql", "--write", "--warehouse", w, `
INSERT INTO _run (run_id, pipeline, started_at, status, committed_at) VALUES (7, 'members', now(), 'succeeded', now());
INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, gender, education, joined_month, category, in_service, floating, run_id, superseded_by)
SELECT CASE WHEN i < 200 THEN DATE '2024-12-31' ELSE DATE '2023-12-31' END,
       CASE i % 4 WHEN 0 THEN '310112001' WHEN 1 THEN '310112501' WHEN 2 THEN '321282' ELSE 'XZ-01' END,
       'h' || i, DATE '1950-01-01' + INTERVAL (i) MONTH, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
       'bachelor', DATE '1990-07-01', 'rural', i % 5 = 0, false, 7, NULL
FROM range(300) t(i);
INSERT INTO party_member_history (snapshot_date, region_code, member_hash, run_id, superseded_by)
VALUES (DATE '2024-12-31', '310112001', 'replaced', NULL, 7);
INSERT INTO organisation_history (snapshot_date, region_code, org_id, name, kind, employees, formal_members)
VALUES (DATE '2024-12-31', '310112001', 'o1', '某科技有限公司', 'nonpublic_enterprise', 120, 4),
       (DATE '2024-12-31', '320102', 'o2', '某协会', 'social_group', 8, 0);
INSERT INTO party_org_history (snapshot_date, region_code, org_code, kind, members, secretary_birth_year)
VALUES (DATE '2024-12-31', '310112001', 'p1', 'branch', 12, 1970);
INSERT INTO community_history (snapshot_date, region_code, community_code, name, staff, venue_m2, residents)
VALUES (DATE '2024-12-31', '310112001001', 'c1', '社区一', 9, 450.5, 8000),
       (DATE '2024-12-31', '320102001001', 'c2', '社区二', 7, 300, 6000);
INSERT INTO population_history (region_code, year, resident_pop, urban_resident_pop)
VALUES ('000000', 2020, 1411778724, 901991162), ('310112', 2020, 2653489, 2600000), ('310112', 2021, 2660000, 2610000);
INSERT INTO member_count_history (region_code, as_of_date, year, dimension, band, members)
VALUES ('000000', DATE '2023-12-31', 2023, 'total', 'total', 99185000), ('000000', DATE '2024-12-31', 2024, 'total', 'total', 100271000);
`)
	return w
}

// duck is a DuckDB of the test's own, to read what was published.
func duck(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func readManifest(t *testing.T, dir string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", manifestName, err)
	}
	return m
}

// readBack is DuckDB's read of a published table, partition columns typed.
func readBack(dir string, t manifestTable) string {
	key := t.Partitioning[1]
	typ := ""
	for _, c := range t.Columns {
		if c.Name == key {
			typ = c.Type
		}
	}
	return fmt.Sprintf("read_parquet('%s/%s/**/*.parquet', hive_partitioning = true, hive_types = {'province': VARCHAR, '%s': %s})",
		dir, t.Name, key, typ)
}

// TestPublishParquetReadsBack publishes the fact tables and reads them back
// with DuckDB: every table's rows (the current ones only), by count and a
// checksum over every column, are the warehouse's; each row sits under its
// province; the files hold only types Spark and Trino read natively.
func TestPublishParquetReadsBack(t *testing.T) {
	w := publishFixture(t)
	dir := filepath.Join(t.TempDir(), "pub")
	out := mustRun(t, "", "publish", "parquet", dir, "--warehouse", w)
	if !regexp.MustCompile(`(?m)^total\s+16 written\s+0 unchanged\s+0 removed\s+310 rows`).MatchString(out) {
		t.Fatalf("publish printed:\n%s", out)
	}
	m := readManifest(t, dir)
	if m.Producer != "grassroots" || m.Warehouse != "w.duckdb" || m.SchemaVersion < 10 || m.CreatedAt == "" {
		t.Fatalf("manifest header: %+v", m)
	}
	db := duck(t)
	if _, err := db.Exec(fmt.Sprintf("ATTACH '%s' AS wh (READ_ONLY)", w)); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range m.Tables {
		names = append(names, tb.Name)
		// The warehouse side, independent of what publish casts: the view's
		// own columns, in its order and types.
		var cols []string
		rs, err := db.Query(`SELECT column_name FROM information_schema.columns
			WHERE table_catalog = 'wh' AND table_name = ? ORDER BY ordinal_position`, tb.Name)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var c string
			rs.Scan(&c)
			cols = append(cols, `"`+c+`"`)
		}
		rs.Close()
		var wantN, gotN int64
		var wantSum, gotSum sql.NullString
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*), sum(hash(%s))::VARCHAR FROM wh.main.%s`, strings.Join(cols, ", "), tb.Name)).Scan(&wantN, &wantSum); err != nil {
			t.Fatal(err)
		}
		if wantN == 0 {
			t.Fatalf("%s: the fixture has no rows in it", tb.Name)
		}
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*), sum(hash(%s))::VARCHAR FROM %s`, strings.Join(cols, ", "), readBack(dir, tb))).Scan(&gotN, &gotSum); err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		if gotN != wantN || gotSum != wantSum {
			t.Errorf("%s: read back %d rows (checksum %s), the warehouse has %d (%s)", tb.Name, gotN, gotSum.String, wantN, wantSum.String)
		}
		var inManifest int64
		for _, p := range tb.Partitions {
			inManifest += p.Rows
		}
		if inManifest != wantN || tb.Rows != wantN {
			t.Errorf("%s: manifest counts %d rows (%d in partitions), the warehouse has %d", tb.Name, tb.Rows, inManifest, wantN)
		}
		var misplaced int64
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM %s WHERE province <> CASE WHEN region_code LIKE 'X%%' THEN 'unknown'
			ELSE left(region_code, 2) || '0000' END`, readBack(dir, tb))).Scan(&misplaced); err != nil {
			t.Fatal(err)
		}
		if misplaced != 0 {
			t.Errorf("%s: %d rows under the wrong province", tb.Name, misplaced)
		}
	}
	if strings.Join(names, ",") != strings.Join(publishTables, ",") {
		t.Errorf("manifest tables %v, want %v", names, publishTables)
	}
	var history int64
	db.QueryRow(`SELECT count(*) FROM wh.main.party_member_history`).Scan(&history)
	if history != 301 {
		t.Errorf("party_member_history has %d rows; the fixture should hide one of 301 behind a newer run", history)
	}
	for _, p := range []string{
		"party_member/province=unknown/snapshot_date=2024-12-31/part-0.parquet",
		"party_member/province=320000/snapshot_date=2023-12-31/part-0.parquet",
		"population/province=000000/year=2020/part-0.parquet",
		"member_count/province=000000/year=2024/part-0.parquet",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("layout: %v", err)
		}
	}

	// The Parquet types: signed integers only, dates as DATE, strings as
	// UTF-8, no INT96; partition and versioning columns not in the files.
	rs, err := db.Query(fmt.Sprintf(`SELECT DISTINCT parse_path(file_name)[-4] AS tbl, name, type, coalesce(converted_type, ''), coalesce(logical_type, '')
		FROM parquet_schema('%s/*/*/*/*.parquet') WHERE name <> 'duckdb_schema'`, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	seen := map[string]string{}
	for rs.Next() {
		var tbl, name, typ, conv, logical string
		if err := rs.Scan(&tbl, &name, &typ, &conv, &logical); err != nil {
			t.Fatal(err)
		}
		seen[tbl+"."+name] = typ + " " + conv
		if strings.HasPrefix(conv, "UINT") || strings.Contains(logical, "isSigned=0") || typ == "INT96" {
			t.Errorf("%s.%s: %s %s %s is not a type Spark and Trino read natively", tbl, name, typ, conv, logical)
		}
		if name == "snapshot_date" || name == "year" || name == "province" || name == "superseded_by" {
			t.Errorf("%s.%s is in the files", tbl, name)
		}
	}
	for col, want := range map[string]string{
		"party_member.birth_month": "INT32 DATE",
		"party_member.member_hash": "BYTE_ARRAY UTF8",
		"party_member.run_id":      "INT64 INT_64",
		"organisation.employees":   "INT32 INT_32",
		"community.venue_m2":       "DOUBLE ",
		"member_count.as_of_date":  "INT32 DATE",
	} {
		if seen[col] != want {
			t.Errorf("%s is %q in Parquet, want %q", col, seen[col], want)
		}
	}
}

type fileState struct {
	info os.FileInfo
	data []byte
}

// publishedFiles reads every file of a published directory.
func publishedFiles(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	files := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = fileState{info, b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestPublishParquetIncremental: publishing an unchanged warehouse touches
// nothing; a changed partition is rewritten and nothing else; a partition
// whose rows are gone is removed with its directories; a file changed on
// disk is rewritten; --full rewrites everything.
func TestPublishParquetIncremental(t *testing.T) {
	w := publishFixture(t)
	dir := filepath.Join(t.TempDir(), "pub")
	mustRun(t, "", "publish", "parquet", dir, "--warehouse", w)
	before := publishedFiles(t, dir)

	// A temporary file an interrupted publish left behind.
	stale := filepath.Join(dir, "party_org/province=310000/snapshot_date=2024-12-31/.part-0.parquet.99999.tmp")
	if err := os.WriteFile(stale, []byte("half a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "publish", "parquet", dir, "--warehouse", w)
	if !regexp.MustCompile(`(?m)^total\s+0 written\s+16 unchanged\s+0 removed\s+310 rows`).MatchString(out) || !strings.Contains(out, "unchanged\n") {
		t.Fatalf("second publish of an unchanged warehouse printed:\n%s", out)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there (%v)", err)
	}
	after := publishedFiles(t, dir)
	if len(after) != len(before) {
		t.Errorf("%d files after the second publish, %d before", len(after), len(before))
	}
	for p, b := range before {
		a, ok := after[p]
		if !ok || !os.SameFile(a.info, b.info) || !a.info.ModTime().Equal(b.info.ModTime()) || string(a.data) != string(b.data) {
			t.Errorf("%s was touched by a publish with nothing to do", p)
		}
	}

	// One member changes in one partition; one partition loses all its rows.
	changed := "party_member/province=320000/snapshot_date=2024-12-31/part-0.parquet"
	gone := "community/province=320000/snapshot_date=2024-12-31/part-0.parquet"
	mustRun(t, "", "sql", "--write", "--warehouse", w, `UPDATE party_member_history SET education = 'postgraduate' WHERE member_hash = 'h2';
		DELETE FROM community_history WHERE region_code LIKE '32%'`)
	out = mustRun(t, "", "publish", "parquet", dir, "--warehouse", w)
	for _, want := range []string{`(?m)^party_member\s+1 written\s+5 unchanged\s+0 removed\s+300 rows`,
		`(?m)^community\s+0 written\s+1 unchanged\s+1 removed\s+1 rows`,
		`(?m)^total\s+1 written\s+14 unchanged\s+1 removed\s+309 rows`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Fatalf("publish after a change printed:\n%s\nwant a line matching %s", out, want)
		}
	}
	after = publishedFiles(t, dir)
	for p, b := range before {
		a, ok := after[p]
		switch {
		case p == gone:
			if ok {
				t.Errorf("%s is still there", p)
			}
			if _, err := os.Stat(filepath.Join(dir, "community/province=320000")); !os.IsNotExist(err) {
				t.Errorf("the emptied partition's directories are still there (%v)", err)
			}
		case p == changed || p == manifestName:
			if !ok || os.SameFile(a.info, b.info) {
				t.Errorf("%s was not rewritten", p)
			}
		case !ok || !os.SameFile(a.info, b.info) || !a.info.ModTime().Equal(b.info.ModTime()):
			t.Errorf("%s was rewritten though its rows did not change", p)
		}
	}
	m := readManifest(t, dir)
	for _, tb := range m.Tables {
		for _, p := range tb.Partitions {
			f, ok := after[p.Path]
			sum := sha256.Sum256(f.data)
			if !ok || hex.EncodeToString(sum[:]) != p.SHA256 || int64(len(f.data)) != p.Bytes {
				t.Errorf("manifest entry %s does not describe the file on disk", p.Path)
			}
			if p.Path == gone {
				t.Errorf("the manifest still names %s", gone)
			}
		}
	}

	// A file damaged on disk is rewritten, though the warehouse did not change.
	damaged := filepath.Join(dir, "population/province=310000/year=2021/part-0.parquet")
	if err := os.WriteFile(damaged, []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "", "publish", "parquet", dir, "--warehouse", w)
	if !regexp.MustCompile(`(?m)^total\s+1 written\s+14 unchanged\s+0 removed`).MatchString(out) {
		t.Fatalf("publish after damaging a file printed:\n%s", out)
	}
	out = mustRun(t, "", "publish", "parquet", dir, "--warehouse", w, "--full")
	if !regexp.MustCompile(`(?m)^total\s+15 written\s+0 unchanged\s+0 removed`).MatchString(out) {
		t.Fatalf("publish --full printed:\n%s", out)
	}
}

// TestPublishParquetDocumentedDDL checks the Spark SQL and Trino DDL in
// docs/scale-out.md against what publish writes: every table, every
// column in order with its type, the partition columns last.
func TestPublishParquetDocumentedDDL(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "scale-out.md"))
	if err != nil {
		t.Fatal(err)
	}
	w := publishFixture(t)
	dir := filepath.Join(t.TempDir(), "pub")
	mustRun(t, "", "publish", "parquet", dir, "--warehouse", w)
	m := readManifest(t, dir)
	spark := map[string]string{"VARCHAR": "STRING", "DATE": "DATE", "INTEGER": "INT", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN"}
	trino := map[string]string{"VARCHAR": "VARCHAR", "DATE": "DATE", "INTEGER": "INTEGER", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN"}
	ddl := func(dialect, re string, types map[string]string, partType func(col manifestColumn) string) {
		found := map[string]string{}
		for _, s := range regexp.MustCompile(re).FindAllStringSubmatch(string(doc), -1) {
			var cols []string
			for _, l := range strings.Split(s[2], "\n") {
				if f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(l), ",")); len(f) >= 2 {
					cols = append(cols, f[0]+" "+f[1])
				}
			}
			found[s[1]] = strings.Join(cols, ", ")
		}
		for _, tb := range m.Tables {
			var want []string
			var key manifestColumn
			for _, c := range tb.Columns {
				if c.Name == tb.Partitioning[1] {
					key = c
					continue
				}
				want = append(want, c.Name+" "+types[c.Type])
			}
			want = append(want, "province "+types["VARCHAR"], key.Name+" "+partType(key))
			if found[tb.Name] != strings.Join(want, ", ") {
				t.Errorf("%s DDL of %s in docs/scale-out.md:\n  %s\nwhat publish writes:\n  %s", dialect, tb.Name, found[tb.Name], strings.Join(want, ", "))
			}
		}
	}
	ddl("Spark SQL", `(?s)CREATE TABLE grassroots\.(\w+) \(\n(.*?)\n\) USING parquet`, spark,
		func(c manifestColumn) string { return spark[c.Type] })
	ddl("Trino", `(?s)CREATE TABLE hive\.grassroots\.(\w+) \(\n(.*?)\n\) WITH`, trino,
		func(manifestColumn) string { return "VARCHAR" })

	// The DuckDB indicator query runs over what was published and gives the
	// warehouse's numerator and denominator for all members.
	q := regexp.MustCompile("(?s)DuckDB:\n\n```sql\n(.*?)```").FindStringSubmatch(string(doc))
	if q == nil {
		t.Fatal("docs/scale-out.md: no DuckDB indicator query")
	}
	db := duck(t)
	var scope string
	var num, den int64
	if err := db.QueryRow(strings.ReplaceAll(q[1], "'DIR/", "'"+dir+"/")).Scan(&scope, &num, &den, new(float64)); err != nil {
		t.Fatalf("the documented DuckDB query: %v", err)
	}
	want := mustRun(t, "", "sql", "--warehouse", w, "--format", "csv", `SELECT count(*) FILTER (birth_month <= snapshot_date - INTERVAL 55 YEAR) AS num,
		count(birth_month) AS den FROM party_member WHERE snapshot_date = (SELECT max(snapshot_date) FROM party_member)`)
	if got := fmt.Sprintf("num,den\n%d,%d\n", num, den); scope != "all" || got != want {
		t.Errorf("the documented DuckDB query's first row: %s %q, the warehouse: %q", scope, got, want)
	}
}
