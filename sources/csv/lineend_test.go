package csv_test

import "testing"

// TestOldMacLineEndings: a file whose lines end in a carriage return alone
// (Excel for Mac's "CSV (Macintosh)") reads line by line like any other, a
// line break inside a quoted cell included, with the same line numbers.
func TestOldMacLineEndings(t *testing.T) {
	got := readCSV(t, "mac.csv", "标题：各区人口\r"+
		"地区,常住人口,备注\r"+
		"黄浦区,66.2,\"两行\r备注\"\r"+
		"徐汇区,111.3,\r"+
		"长宁区,x,\r", `
skip_rows: 1
columns:
  - {from: 地区, name: region_name}
  - {from: 常住人口, name: resident, type: float}
  - {from: 备注, name: note}
`)
	want := `schema: region_name:utf8 resident:float64 note:utf8 _row:int64
batch 1: 2 rows
  "黄浦区" | "66.2" | "两行\n备注" | "3"
  "徐汇区" | "111.3" | NULL | "5"
reject: csv: mac.csv: line 6 column "常住人口": "x" is not a number
  raw "地区" = "长宁区"
  raw "备注" = ""
  raw "常住人口" = "x"
stats: encoding=utf-8 bom=false read=3 rejected=1 dropped=0 out=2
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestCarriageReturnInCell: in a file with ordinary line endings a carriage
// return alone is part of the text, not a line break.
func TestCarriageReturnInCell(t *testing.T) {
	got := readCSV(t, "crlf.csv", "地区,备注\r\n黄浦区,\"甲\r乙\"\r\n徐汇区,丙\r\n", `
columns:
  - {from: 地区, name: region_name}
  - {from: 备注, name: note}
`)
	want := `schema: region_name:utf8 note:utf8 _row:int64
batch 1: 2 rows
  "黄浦区" | "甲\r乙" | "2"
  "徐汇区" | "丙" | "3"
stats: encoding=utf-8 bom=false read=2 rejected=0 dropped=0 out=2
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
