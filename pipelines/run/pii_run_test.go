package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/sql/warehouse"
)

// piiSpec loads population rows with a free-text note (from the column
// named noteFrom) and a source column (from 负责人 when present).
func piiSpec(noteFrom string, extra string) string {
	return `source:
  kind: csv
  path: input.csv
  columns:
    - {name: region_code, from: 区划代码}
    - {name: year, from: 年份, type: int}
    - {name: resident_pop, from: 常住人口, type: float, unit: 万人}
    - {name: urban_resident_pop, from: 城镇人口, type: float, unit: 万人}
    - {name: note, from: ` + noteFrom + `}
target:
  table: population
  partition_by: [region_code, year]
` + extra
}

// runPII runs spec over a CSV of header and rows in a fresh warehouse.
func runPII(t *testing.T, header string, rows []string, yaml string) (Outcome, *warehouse.Warehouse) {
	t.Helper()
	project := t.TempDir()
	data := header + "\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(project, "input.csv"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	w := newWarehouse(t)
	out := runOnce(t, parseSpec(t, "pii", yaml), Options{Project: project, Warehouse: w})
	return out, w
}

// digitsOf is s without its separators: how a phone number is looked for.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// refusedWith checks that out failed with nothing loaded, with an error (the
// same in _run.error) that contains every want and none of the clear values.
func refusedWith(t *testing.T, out Outcome, w *warehouse.Warehouse, want []string, clear []string) {
	t.Helper()
	if out.Status != warehouse.StatusFailed || out.Loaded != 0 || out.Err == nil {
		t.Fatalf("run %s, %d loaded, error %v; want it refused", out.Status, out.Loaded, out.Err)
	}
	msg := out.Err.Error()
	var recorded string
	if err := w.DB().QueryRow(`SELECT error FROM _run WHERE run_id = ?`, out.RunID).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{msg, recorded} {
		for _, x := range want {
			if !strings.Contains(s, x) {
				t.Errorf("error does not say %q:\n%s", x, s)
			}
		}
		for _, c := range clear {
			if strings.Contains(s, c) || len(digitsOf(c)) >= 7 && strings.Contains(digitsOf(s), digitsOf(c)) {
				t.Errorf("error shows the personal value %q in clear:\n%s", c, s)
			}
		}
	}
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM population`).Scan(&n); err != nil || n != 0 {
		t.Errorf("population holds %d rows after a refused run (%v)", n, err)
	}
}

func TestPIIPhoneColumnRefused(t *testing.T) {
	f := newFakes(1)
	var rows, phones []string
	for i := 0; i < 2000; i++ {
		p := f.mobileStyled()
		switch {
		case i == 0:
			p = f.mobile()
		case i%5 == 0:
			p = f.landline()
		}
		phones = append(phones, p)
		rows = append(rows, fmt.Sprintf("310112001,%d,12.5,11.0,%s", 1000+i, p))
	}
	out, w := runPII(t, "区划代码,年份,常住人口,城镇人口,联系电话", rows, piiSpec("联系电话", ""))
	first := phones[0][:3] + "****" + phones[0][7:]
	refusedWith(t, out, w, []string{`input.csv: column "note" (source column "联系电话")`, "mobile phone numbers",
		"1601 of 2000 values", "row 2", first, "fixed-line phone numbers", "399 of 2000 values", "pii.drop"}, phones)
}

// Only the phone numbers are refused: the same column with other numbers
// (codes, amounts, dates) loads.
func TestPIIPhoneLookalikesLoad(t *testing.T) {
	var rows []string
	for i, note := range []string{
		"统一社会信用代码91310112MA1FL8XY3K", "组织机构代码13220225-9", "区划代码310112102001",
		"经费13812345678.50元", "2024-06-30", "编号P310112001016", "4008208820", "400-820-8820",
		"面积 1381234567 平方米", "账号6222021001123456789", "13:45-18:30", "0086",
		"第1381234567812号", "DY10000007", "合计 19999999999999",
	} {
		rows = append(rows, fmt.Sprintf("310112001,%d,12.5,11.0,%s", 2000+i, note))
	}
	out, _ := runPII(t, "区划代码,年份,常住人口,城镇人口,备注", rows, piiSpec("备注", ""))
	if out.Status != warehouse.StatusSucceeded || out.Loaded != int64(len(rows)) {
		t.Fatalf("run %s, %d of %d loaded: %v", out.Status, out.Loaded, len(rows), out.Err)
	}
}

// ID numbers and names inside free text fail the run like a column of them.
func TestPIIInFreeTextRefused(t *testing.T) {
	f := newFakes(2)
	var rows, clear []string
	var firstID, firstName string
	for i := 0; i < 2000; i++ {
		note := "无"
		if i%3 != 2 {
			name, id := f.name(), f.id18()
			note = "联系人" + name + " 身份证" + id
			clear = append(clear, id, "联系人"+name)
			if firstID == "" {
				firstID, firstName = id, name
			}
		}
		rows = append(rows, fmt.Sprintf("310112001,%d,12.5,11.0,%s", 1000+i, note))
	}
	out, w := runPII(t, "区划代码,年份,常住人口,城镇人口,备注", rows, piiSpec("备注", ""))
	maskedName := string([]rune(firstName)[:1]) + strings.Repeat("*", len([]rune(firstName))-1)
	refusedWith(t, out, w, []string{`input.csv: column "note" (source column "备注")`, "resident ID numbers inside its text",
		"1334 of 2000 values", "row 2", firstID[:6] + "********" + firstID[14:], "personal names inside its text",
		"1334 of 2000 values (first in row 2: " + maskedName + ")", "pii.drop"}, clear)
}

// A column of names with a placeholder in more than half of its rows is a
// column of names.
func TestPIINamesWithPlaceholdersRefused(t *testing.T) {
	f := newFakes(3)
	var rows, names []string
	for i := 0; i < 2000; i++ {
		v := []string{"无", "无", "暂无", "不详", "无"}[i%5]
		if i%25 < 12 { // 48%
			v = f.name()
			names = append(names, v)
		}
		rows = append(rows, fmt.Sprintf("310112001,%d,12.5,11.0,%s", 1000+i, v))
	}
	out, w := runPII(t, "区划代码,年份,常住人口,城镇人口,联系人", rows, piiSpec("联系人", ""))
	refusedWith(t, out, w, []string{`column "note" (source column "联系人")`, "personal names", "960 of 2000 values",
		"1040 others empty or placeholders", "row 2", string([]rune(names[0])[:1]) + "*", "pii.hash"}, filterLen(names, 3))
}

// filterLen keeps the names of at least n characters: a two-character name
// may occur in other words of a message.
func filterLen(names []string, n int) []string {
	var out []string
	for _, s := range names {
		if len([]rune(s)) >= n {
			out = append(out, s)
		}
	}
	return out
}

func TestPIIOldIDColumnRefused(t *testing.T) {
	f := newFakes(4)
	var rows, ids []string
	for i := 0; i < 300; i++ {
		id := f.id15()
		ids = append(ids, id)
		rows = append(rows, fmt.Sprintf("310112001,%d,12.5,11.0,%s", 1000+i, id))
	}
	out, w := runPII(t, "区划代码,年份,常住人口,城镇人口,身份证号", rows, piiSpec("身份证号", ""))
	refusedWith(t, out, w, []string{`column "note" (source column "身份证号")`, "15-digit resident ID numbers",
		"300 of 300 values", "row 2", ids[0][:6] + "*****" + ids[0][11:]}, ids)
}

// A run that loads keeps the rows it rejects in _quarantine with the phone
// numbers, ID numbers and names in their values and reasons masked.
func TestPIIQuarantinedRowsMasked(t *testing.T) {
	f := newFakes(5)
	var rows, clear []string
	for i := 0; i < 40; i++ {
		urban, note := "11.0", fmt.Sprintf("示例备注%d", i)
		switch i {
		case 3, 7: // rejected by the check, and the note by its pattern
			urban = "13.0"
			name, id, phone := f.name(), f.id18(), f.mobile()
			note = fmt.Sprintf("联系人%s，身份证%s，电话%s", name, id, phone)
			clear = append(clear, "联系人"+name, id, phone)
		case 11: // rejected by the source: 年份 is not a number
			phone := f.mobile()
			note = "电话" + phone
			clear = append(clear, phone)
			rows = append(rows, fmt.Sprintf("310112001,x%d,12.5,%s,%s", i, urban, note))
			continue
		}
		rows = append(rows, fmt.Sprintf("310112001,%d,12.5,%s,%s", 1000+i, urban, note))
	}
	out, w := runPII(t, "区划代码,年份,常住人口,城镇人口,备注", rows, piiSpec("备注", `reject_threshold: 20%
validate:
  columns:
    note: {pattern: "^示例"}
  checks:
    - {sql: urban_resident_pop <= resident_pop, message: 城镇人口大于常住人口}
`))
	if out.Status != warehouse.StatusSucceeded || out.Quarantined != 3 {
		t.Fatalf("run %s, %d quarantined (%v); want succeeded with 3", out.Status, out.Quarantined, out.Err)
	}
	q := dump(t, w.DB(), `SELECT row_number, raw, reasons FROM _quarantine ORDER BY row_number`)
	for _, c := range clear {
		if strings.Contains(q, c) {
			t.Errorf("_quarantine shows %q in clear:\n%s", c, q)
		}
	}
	for _, want := range []string{"身份证", "****", "does not match the pattern", "城镇人口大于常住人口"} {
		if !strings.Contains(q, want) {
			t.Errorf("_quarantine lacks %q:\n%s", want, q)
		}
	}
	if n := strings.Count(q, "********"); n < 4 { // the ID in raw and reason of rows 4 and 8
		t.Errorf("_quarantine masks %d ID numbers, want 4:\n%s", n, q)
	}
}

// A file that carried refused personal data leaves no trace of it in the
// warehouse file. The warehouse stores uncompressed, so that anything it
// wrote, committed or not (row groups written ahead of the commit stay in the
// file's free blocks after a rollback), is there to find in its bytes.
func TestPIIRefusedFileLeavesNoTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a quarter of a million rows")
	}
	ctx := context.Background()
	baseline := freshWarehouseBytes(t)
	f := newFakes(6)
	const n, late = 260_000, 200_000
	var b strings.Builder
	b.WriteString("区划代码,年份,常住人口,城镇人口,备注,电话\n")
	var ids, phones, names []string
	for i := 0; i < n; i++ {
		urban := "11.0"
		if i%997 == 5 {
			urban = "13.0" // rejected: its raw values go to _quarantine
		}
		note, tel := fmt.Sprintf("示例备注第%d行", i), "无"
		if i >= late {
			name, id, phone := f.name(), f.id18(), f.mobile()
			note = fmt.Sprintf("联系人%s 身份证%s", name, id)
			tel = f.mobile()
			ids, phones = append(ids, id), append(phones, phone, tel)
			if len([]rune(name)) == 3 && !bytes.Contains(baseline, []byte(name)) {
				names = append(names, name)
			}
		}
		fmt.Fprintf(&b, "310112001,%d,12.5,%s,%s,%s\n", 100000+i, urban, note, tel)
	}
	project := t.TempDir()
	if err := os.WriteFile(filepath.Join(project, "input.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `SET force_compression = 'uncompressed'`); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, "pii", strings.Replace(piiSpec("备注", ""), "target:", "    - {name: source, from: 电话}\ntarget:", 1)+"reject_threshold: 1%\nvalidate:\n  checks:\n    - {sql: urban_resident_pop <= resident_pop}\n")
	out := runOnce(t, s, Options{Project: project, Warehouse: w})
	if out.Status != warehouse.StatusFailed || !strings.Contains(fmt.Sprint(out.Err), "resident ID numbers") {
		t.Fatalf("run %s: %v; want it refused for the ID numbers", out.Status, out.Err)
	}
	var runErr string
	if err := w.DB().QueryRow(`SELECT error FROM _run WHERE run_id = ?`, out.RunID).Scan(&runErr); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var file []byte
	for _, p := range []string{path, path + ".wal"} {
		if data, err := os.ReadFile(p); err == nil {
			file = append(file, data...)
		}
	}
	// What was committed is there to find: the quarantined rows, with their
	// notes as read and personal data masked.
	for _, want := range []string{"示例备注第5行", "城镇人口", "联系人", "********", "****"} {
		if !bytes.Contains(file, []byte(want)) {
			t.Fatalf("the warehouse file lacks %q, which it must hold: the search cannot be trusted", want)
		}
	}
	found := 0
	for _, v := range foundIn(file, ids, phones, names) {
		if found++; found <= 5 {
			t.Errorf("%q is in the warehouse file", v)
		}
	}
	for _, list := range [][]string{ids, phones, names} {
		for _, v := range list {
			if strings.Contains(runErr, v) {
				t.Errorf("%q is in _run.error", v)
			}
		}
	}
	if found > 0 || len(ids) != n-late || len(names) < 1000 {
		t.Fatalf("%d of %d ID numbers, %d phone numbers and %d names found in the warehouse", found, len(ids), len(phones), len(names))
	}
}

// foundIn returns the ID and phone numbers and the three-character names
// that occur in data, in one pass over it.
func foundIn(data []byte, ids, phones, names []string) []string {
	set := map[string]bool{}
	for _, list := range [][]string{ids, phones, names} {
		for _, v := range list {
			set[v] = true
		}
	}
	var out []string
	for i := 0; i < len(data); i++ {
		for _, n := range []int{11, 18} {
			if i+n <= len(data) && set[string(data[i:i+n])] {
				out = append(out, string(data[i:i+n]))
			}
		}
		if c := data[i]; c >= 0xE0 && c < 0xF0 && i+9 <= len(data) && set[string(data[i:i+9])] {
			out = append(out, string(data[i:i+9]))
		}
	}
	return out
}

// The guard decides as the rows stream: once a column is found to carry
// personal data, no batch with it is passed on to the load.
func TestPIINothingPassedOnOnceFound(t *testing.T) {
	f := newFakes(7)
	var b strings.Builder
	b.WriteString("区划代码,年份,常住人口,城镇人口,备注\n")
	var ids []string
	for i := 0; i < 1000; i++ {
		note := fmt.Sprintf("示例备注第%d行", i)
		if i >= 550 {
			id := f.id18()
			ids = append(ids, id)
			note = "身份证" + id
		}
		fmt.Fprintf(&b, "310112001,%d,12.5,11.0,%s\n", 1000+i, note)
	}
	path := filepath.Join(t.TempDir(), "input.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, "pii", strings.Replace(piiSpec("备注", ""), "columns:", "batch_size: 100\n  columns:", 1))
	v, _, release := openValidator(t, s, path, memory.DefaultAllocator, "input.csv")
	defer release()
	var passed int64
	for v.Next() {
		rec := v.RecordBatch()
		notes := rec.Column(int(rec.Schema().FieldIndices("note")[0])).(*array.String)
		for r := 0; r < notes.Len(); r++ {
			if strings.Contains(notes.Value(r), "身份证") {
				t.Fatalf("row %q was passed on to the load", notes.Value(r))
			}
		}
		passed += rec.NumRows()
	}
	var pe *PIIError
	if !errors.As(v.Err(), &pe) || pe.Column != "note" {
		t.Fatalf("the stream ended with %v, want the note column refused", v.Err())
	}
	if passed != 500 || v.Read() != 1000 {
		t.Fatalf("%d rows passed on and %d read; want the five batches before the first ID number, and every row read", passed, v.Read())
	}
}

// A column refused on its first rows stays refused: the load stopped
// receiving rows there, even though the share of names over the whole file
// ends below the threshold.
func TestPIIRefusalStands(t *testing.T) {
	f := newFakes(9)
	var rows []string
	for i := 0; i < 1000; i++ {
		v := fmt.Sprintf("示例单位%d", i)
		if i < 100 {
			v = f.name()
		}
		rows = append(rows, fmt.Sprintf("310112001,%d,12.5,11.0,%s", 1000+i, v))
	}
	out, w := runPII(t, "区划代码,年份,常住人口,城镇人口,负责人", rows,
		strings.Replace(piiSpec("负责人", ""), "columns:", "batch_size: 100\n  columns:", 1))
	refusedWith(t, out, w, []string{`column "note" (source column "负责人") carries personal names in 100 of 1000 values`}, nil)
}

// freshWarehouseBytes is a migrated, empty warehouse file: what it holds
// before any data (its comments, say) is not a trace.
func freshWarehouseBytes(t *testing.T) []byte {
	t.Helper()
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w.Close()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
