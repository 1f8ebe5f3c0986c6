package json_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIntegersExact: JSON numbers keep every digit on the way to an int
// column (they are never decoded as float64), and one beyond int64 or in
// scientific notation quarantines its record.
func TestIntegersExact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgs.json")
	doc := `[{"org_code":"A001","members":1234567890123456789},
{"org_code":"A002","members":99999999999999999999},
{"org_code":"A003","members":1.0e3},
{"org_code":"A004","members":-9223372036854775808}]`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(read(t, config(t, `
path: `+path+`
columns:
  - {from: org_code, name: org_code}
  - {from: members, name: members, type: int}
`)), path, "orgs.json")
	want := `schema: org_code:utf8 members:int64 _row:int64
batch 1: 2 rows
  "A001" | "1234567890123456789" | "1"
  "A004" | "-9223372036854775808" | "4"
reject: json: orgs.json: record 2 column "members": "99999999999999999999" is out of range for a BIGINT (a 64-bit integer: -9223372036854775808 to 9223372036854775807)
  raw "members" = "99999999999999999999"
  raw "org_code" = "A002"
reject: json: orgs.json: record 3 column "members": "1.0e3" is not an integer (scientific notation leaves digits out; write the number in full)
  raw "members" = "1.0e3"
  raw "org_code" = "A003"
stats: encoding=utf-8 bom=false read=4 rejected=2 dropped=0 out=2
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
