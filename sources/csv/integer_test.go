package csv_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"grassroots/sources"
	"grassroots/sources/internal/sourcetest"
)

// readCSV writes content to a file named name and reads it with spec (the
// path is filled in), returning the dump: rows, rejects, stats.
func readCSV(t *testing.T, name, content, spec string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config(t, "path: "+path+"\n"+spec)
	cfg.Allocator = sourcetest.Checked(t)
	var rejects []sources.Reject
	cfg.OnReject = func(r sources.Reject) { rejects = append(rejects, r) }
	src, err := sources.New("csv", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		return "open: " + strings.ReplaceAll(err.Error(), path, name) + "\n"
	}
	defer rdr.Release()
	return strings.ReplaceAll(sourcetest.Dump(rdr, &rejects), path, name)
}

// TestIntegersExact: an int column loads every digit of a 19-digit integer,
// or quarantines the row saying why; no value is rounded through a float.
func TestIntegersExact(t *testing.T) {
	got := readCSV(t, "ids.csv", "编号,人口\n"+
		"1234567890123456789,1\n"+
		"99999999999999999999,2\n"+
		"1.0e3,3\n"+
		"\"12,345\",\"1,234,567,890,123.4567\"\n"+
		"-9223372036854775808,12.34567\n", `
columns:
  - {from: 编号, name: id, type: int}
  - {from: 人口, name: people, type: int, unit: 万人}
`)
	want := `schema: id:int64 people:int64 _row:int64
batch 1: 2 rows
  "1234567890123456789" | "10000" | "2"
  "12345" | "12345678901234567" | "5"
reject: csv: ids.csv: line 3 column "编号": "99999999999999999999" is out of range for a BIGINT (a 64-bit integer: -9223372036854775808 to 9223372036854775807)
  raw "人口" = "2"
  raw "编号" = "99999999999999999999"
reject: csv: ids.csv: line 4 column "编号": "1.0e3" is not an integer (scientific notation leaves digits out; write the number in full)
  raw "人口" = "3"
  raw "编号" = "1.0e3"
reject: csv: ids.csv: line 6 column "人口": "12.34567" is not an integer
  raw "人口" = "12.34567"
  raw "编号" = "-9223372036854775808"
stats: encoding=utf-8 bom=false read=5 rejected=3 dropped=0 out=2
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
