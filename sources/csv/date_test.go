package csv_test

import "testing"

// TestExcelSerialIsNotADate: Excel serial day numbers are dates only in
// workbooks, where the cell says it holds one. In a CSV, 99999 in a date
// column is a number, and its row is quarantined rather than loaded as
// 2173-10-13.
func TestExcelSerialIsNotADate(t *testing.T) {
	got := readCSV(t, "dates.csv", "日期,月份,时间\n"+
		"2023-12-31,2023年12月,2023-12-31 08:30\n"+
		"99999,2023-12,2023-12-31\n"+
		"2023/12/31,45291,2023-12-31\n"+
		"20231231,202312,45291.5\n", `
columns:
  - {from: 日期, name: day, type: date}
  - {from: 月份, name: month, type: month}
  - {from: 时间, name: at, type: timestamp}
`)
	want := `schema: day:date32 month:date32 at:timestamp[us] _row:int64
batch 1: 1 rows
  "2023-12-31" | "2023-12-01" | "2023-12-31T08:30:00" | "2"
reject: csv: dates.csv: line 3 column "日期": "99999" is not a date (a bare number: Excel serial day numbers are dates only in workbooks)
  raw "日期" = "99999"
  raw "时间" = "2023-12-31"
  raw "月份" = "2023-12"
reject: csv: dates.csv: line 4 column "月份": "45291" is not a month (a bare number: Excel serial day numbers are dates only in workbooks)
  raw "日期" = "2023/12/31"
  raw "时间" = "2023-12-31"
  raw "月份" = "45291"
reject: csv: dates.csv: line 5 column "时间": "45291.5" is not a timestamp (a bare number: Excel serial day numbers are dates only in workbooks)
  raw "日期" = "20231231"
  raw "时间" = "45291.5"
  raw "月份" = "202312"
stats: encoding=utf-8 bom=false read=4 rejected=3 dropped=0 out=1
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
