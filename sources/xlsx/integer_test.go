package xlsx_test

import (
	"strings"
	"testing"

	"grassroots/sources"
	"grassroots/sources/internal/sourcetest"
)

// TestIntegersExact: an integer a workbook states in full loads with every
// digit; a stored number in scientific notation beyond 2^53, where a
// double no longer holds every integer, quarantines its row.
func TestIntegersExact(t *testing.T) {
	path := writeSheetXML(t, "ids.xlsx", `
<row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c><c r="B1" t="inlineStr"><is><t>人口</t></is></c></row>
<row r="2"><c r="A2"><v>1234567890123456789</v></c><c r="B2"><v>12.3</v></c></row>
<row r="3"><c r="A3"><v>1.2345678901234568E+18</v></c><c r="B3"><v>1</v></c></row>
<row r="4"><c r="A4"><v>1.5E+3</v></c><c r="B4"><v>123456789012345.6789</v></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><t>12,345</t></is></c><c r="B5"><v>2</v></c></row>`)
	cfg := config(t, `
path: `+path+`
columns:
  - {from: 编号, name: id, type: int}
  - {from: 人口, name: people, type: int, unit: 万人}
`)
	cfg.Allocator = sourcetest.Checked(t)
	var rejects []sources.Reject
	cfg.OnReject = func(r sources.Reject) { rejects = append(rejects, r) }
	got := strings.ReplaceAll(sourcetest.Dump(open(t, cfg), &rejects), path, "ids.xlsx")
	want := `schema: id:int64 people:int64 _row:int64
batch 1: 3 rows
  "1234567890123456789" | "123000" | "2"
  "1500" | "1234567890123456789" | "4"
  "12345" | "20000" | "5"
reject: xlsx: ids.xlsx: sheet "Sheet1" row 3 column "编号": "1.23456789012346E+18" is too long to be exact as a stored number (a workbook keeps about 15 digits); store long numbers as text
  raw "人口" = "1"
  raw "编号" = "1.23456789012346E+18"
stats: encoding= bom=false read=4 rejected=1 dropped=0 out=3
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
