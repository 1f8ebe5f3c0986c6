package json_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExcelSerialIsNotADate: a JSON number in a date field is not read as an
// Excel serial day number; its record is quarantined.
func TestExcelSerialIsNotADate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json")
	doc := `[{"code":"A1","as_of":"2023-12-31"},{"code":"A2","as_of":45291},{"code":"A3","as_of":"99999"}]`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(read(t, config(t, `
path: `+path+`
columns:
  - {from: code, name: code}
  - {from: as_of, name: as_of, type: date}
`)), path, "snap.json")
	want := `schema: code:utf8 as_of:date32 _row:int64
batch 1: 1 rows
  "A1" | "2023-12-31" | "1"
reject: json: snap.json: record 2 column "as_of": "45291" is not a date (a bare number: Excel serial day numbers are dates only in workbooks)
  raw "as_of" = "45291"
  raw "code" = "A2"
reject: json: snap.json: record 3 column "as_of": "99999" is not a date (a bare number: Excel serial day numbers are dates only in workbooks)
  raw "as_of" = "99999"
  raw "code" = "A3"
stats: encoding=utf-8 bom=false read=3 rejected=2 dropped=0 out=1
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
