package xlsx_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gopkg.in/yaml.v3"

	"grassroots/sources"
	"grassroots/sources/internal/sourcetest"
	"grassroots/sources/xlsx"
)

func config(t *testing.T, spec string) sources.Config {
	t.Helper()
	var cfg sources.Config
	dec := yaml.NewDecoder(strings.NewReader(spec))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("decoding spec: %v", err)
	}
	return cfg
}

const yearbook = `
kind: xlsx
path: testdata/年鉴.xlsx
sheet: "3-3"
skip_rows: 2
header_rows: 2
columns:
  - {from: 地区, name: region_name, required: true}
  - {from: 人口/常住人口, name: resident, type: int, unit: 万人}
  - {from: 人口/城镇人口, name: urban, type: float, unit: 万人}
  - {from: 城镇化/城镇化率, name: urban_rate, type: float, percent: pct}
  - {from: 城镇化/统计日期, name: as_of, type: date}
  - {from: 面积（平方公里）, name: area_km2, type: float}
drop_rows:
  - {equals: [合计, 总计]}
  - {starts_with: [注, 资料来源]}
`

func open(t *testing.T, cfg sources.Config) sources.StatsReader {
	t.Helper()
	src, err := sources.New("xlsx", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rdr.Release)
	return rdr.(sources.StatsReader)
}

func TestYearbookGolden(t *testing.T) {
	cfg := config(t, yearbook)
	cfg.Allocator = sourcetest.Checked(t)
	cfg.BatchSize = 4
	var rejects []sources.Reject
	cfg.OnReject = func(r sources.Reject) { rejects = append(rejects, r) }
	rdr := open(t, cfg)
	sourcetest.Golden(t, "yearbook.txt", sourcetest.Dump(rdr, &rejects))
	st := rdr.Stats()
	if st.RowsRead != 10 || st.RowsRejected != 1 || st.RowsDropped != 4 {
		t.Errorf("stats = %+v; want 10 read (9 loaded + 1 rejected), 4 dropped (合计, blank, two footnotes)", st)
	}
}

func TestYearbookError(t *testing.T) {
	cfg := config(t, yearbook)
	cfg.Allocator = sourcetest.Checked(t)
	rdr := open(t, cfg)
	for rdr.Next() {
	}
	want := `xlsx: testdata/年鉴.xlsx: sheet "3-3" row 14 column "人口/城镇人口": "12,3x" is not a number`
	if err := rdr.Err(); err == nil || err.Error() != want || !errors.Is(err, sources.ErrNotNumber) {
		t.Errorf("Err() = %v\nwant %s", err, want)
	}
}

func TestSheetAndRange(t *testing.T) {
	// By index, with a range that cuts out the title, unit and header rows.
	cfg := config(t, `
path: testdata/年鉴.xlsx
sheet: 2
range: A5:B7
no_header: true
columns:
  - {from: 1, name: region_name}
  - {from: 2, name: resident, type: float}
`)
	cfg.Allocator = sourcetest.Checked(t)
	var rejects []sources.Reject
	rdr := open(t, cfg)
	got := sourcetest.Dump(rdr, &rejects)
	want := `schema: region_name:utf8 resident:float64 _row:int64
batch 1: 3 rows
  "黄浦区" | "66.2" | "5"
  "徐汇区" | "111.3" | "6"
  "长宁区" | "69.3" | "7"
stats: encoding= bom=false read=3 rejected=0 dropped=0 out=3
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestStructural(t *testing.T) {
	tests := []struct{ spec, want string }{
		{`
path: testdata/年鉴.xlsx
sheet: "3-4"
columns: [{from: 1, name: a}]
`, `xlsx: testdata/年鉴.xlsx: sheet "3-4" not found (have: 3-1, 3-3)`},
		{`
path: testdata/年鉴.xlsx
sheet: 3
columns: [{from: 1, name: a}]
`, `xlsx: testdata/年鉴.xlsx: sheet 3 not found: the workbook has 2 sheets (3-1, 3-3)`},
		{`
path: testdata/年鉴.xlsx
sheet: "3-3"
skip_rows: 2
header_rows: 2
columns: [{from: 户籍人口, name: a}]
`, `xlsx: testdata/年鉴.xlsx: sheet "3-3": column "户籍人口" not found in header (have: 地区, 人口/常住人口, 人口/城镇人口, 城镇化/城镇化率, 城镇化/统计日期, 面积（平方公里）)`},
		{`
path: ../csv/testdata/ragged.csv
columns: [{from: 1, name: a}]
`, `xlsx: ../csv/testdata/ragged.csv: the file is not an Excel workbook (it looks like CSV text; set kind: csv)`},
	}
	for _, tt := range tests {
		src, err := sources.New("xlsx", config(t, tt.spec))
		if err != nil {
			t.Fatal(err)
		}
		rdr, err := src.Open(context.Background())
		if err == nil {
			rdr.Release()
			t.Errorf("Open succeeded, want %s", tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("error\n got %s\nwant %s", err, tt.want)
		}
	}
}

// A sheet read as a stream: a cell merged down over two data rows fills both,
// a blank row between data rows is dropped and counted, empty rows that only
// carry formatting after the data are no rows at all, and _row keeps the
// sheet's row numbers.
func TestStreamedSheet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "街镇.xlsx")
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := "Sheet1"
	must(f.SetSheetRow(s, "A1", &[]any{"街镇", "年份", "常住人口"}))
	must(f.SetSheetRow(s, "A2", &[]any{"莘庄镇", 2022, 20.1}))
	must(f.SetSheetRow(s, "B3", &[]any{2023, 20.6}))
	must(f.MergeCell(s, "A2", "A3"))
	must(f.SetSheetRow(s, "A5", &[]any{"七宝镇", 2023, 18.4}))
	grey, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDDDDD"}}})
	must(err)
	must(f.SetCellStyle(s, "A6", "C9", grey)) // formatted, empty
	must(f.SaveAs(path))
	f.Close()

	cfg := config(t, `
path: `+path+`
columns:
  - {from: 街镇, name: town}
  - {from: 年份, name: year, type: int}
  - {from: 常住人口, name: residents, type: float}
`)
	cfg.Allocator = sourcetest.Checked(t)
	var rejects []sources.Reject
	got := sourcetest.Dump(open(t, cfg), &rejects)
	want := `schema: town:utf8 year:int64 residents:float64 _row:int64
batch 1: 3 rows
  "莘庄镇" | "2022" | "20.1" | "2"
  "莘庄镇" | "2023" | "20.6" | "3"
  "七宝镇" | "2023" | "18.4" | "5"
stats: encoding= bom=false read=3 rejected=0 dropped=1 out=3
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A workbook written by a streaming writer says <dimension ref="A1"/>: a
// header merged across columns that the row itself leaves empty still fills
// them, so every column under it gets the group's name.
func TestStreamWrittenMergedHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "两新组织.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"单位", "党建情况"},
		{nil, "正式党员", "组建方式"},
		{"示例1号科技有限公司", 3, "单独组建"},
	}
	for i, r := range rows {
		if err := sw.SetRow(fmt.Sprintf("A%d", i+1), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.MergeCell("A1", "A2"); err != nil {
		t.Fatal(err)
	}
	if err := sw.MergeCell("B1", "C1"); err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()

	cfg := config(t, `
path: `+path+`
header_rows: 2
columns:
  - {from: 单位, name: org}
  - {from: 党建情况/正式党员, name: members, type: int}
  - {from: 党建情况/组建方式, name: mode}
`)
	cfg.Allocator = sourcetest.Checked(t)
	var rejects []sources.Reject
	got := sourcetest.Dump(open(t, cfg), &rejects)
	want := `schema: org:utf8 members:int64 mode:utf8 _row:int64
batch 1: 1 rows
  "示例1号科技有限公司" | "3" | "单独组建" | "3"
stats: encoding= bom=false read=1 rejected=0 dropped=0 out=1
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A workbook of one sheet per year is read one sheet at a time (the others
// are emptied before the workbook is opened, see metadata): the sheet asked
// for, by name or position, reads whole, and an unknown sheet still names
// every sheet there is.
func TestOneSheetOfMany(t *testing.T) {
	path := xlsx.WriteYearbook(t)
	for _, sheet := range []string{`"2023年"`, `2`} { // by name, by position
		cfg := config(t, "path: "+path+"\nsheet: "+sheet+"\ncolumns:\n  - {from: 街镇, name: town}\n  - {from: 常住人口, name: residents, type: int}\n")
		var rejects []sources.Reject
		got := sourcetest.Dump(open(t, cfg), &rejects)
		if !strings.Contains(got, `"莘庄镇2023年" | "1999"`) || strings.Contains(got, "2022年") || !strings.Contains(got, "read=1998") {
			t.Errorf("sheet %s:\n%.300s", sheet, got)
		}
	}
	cfg := config(t, "path: "+path+"\nsheet: \"2025年\"\ncolumns:\n  - {from: 街镇, name: town}\n")
	src, err := sources.New("xlsx", cfg)
	if err == nil {
		_, err = src.Open(context.Background())
	}
	if err == nil || !strings.Contains(err.Error(), "(have: 2022年, 2023年, 2024年)") {
		t.Errorf("unknown sheet: %v", err)
	}
}
