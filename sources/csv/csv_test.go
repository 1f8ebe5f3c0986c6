package csv_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"grassroots/sources"
	_ "grassroots/sources/csv"
	"grassroots/sources/internal/sourcetest"
)

// config decodes a source spec the way the pipelines do.
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

const popSpec = `
kind: csv
path: testdata/pop_gbk.csv
columns:
  - {from: 地区, name: region_name, required: true}
  - {from: 年份, name: year, type: int}
  - {from: 常住人口(万人), name: resident, type: float, unit: 万人}
  - {from: 城镇人口（万人）, name: urban, type: int, unit: 万人}
  - {from: 城镇化率（%）, name: urban_rate, type: float, percent: fraction}
  - {from: 6, name: basis, default: 常住}
  - {name: source_note, value: 统计年鉴2016}
drop_rows:
  - {equals: [合计, 总计]}
  - {starts_with: [注, 资料来源]}
`

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		spec string
	}{
		{"pop_gbk", popSpec},
		{"bom_utf8", `
path: testdata/bom_utf8.csv
columns:
  - {from: 地区代码, name: region_code}
  - {from: 日期, name: month, type: month}
  - {from: 党员数, name: members, type: int}
`},
		{"ragged", `
path: testdata/ragged.csv
columns:
  - {from: region_code, name: region_code}
  - {from: members, name: members, type: int}
  - {from: note, name: note}
`},
		{"header_only", `
path: testdata/header_only.csv
columns:
  - {from: region_code, name: region_code}
  - {from: members, name: members, type: int}
`},
		{"wb_urban", `
path: testdata/wb_urban.csv
skip_rows: 4
columns:
  - {from: Country Code, name: country_code}
  - {from: Indicator Code, name: indicator}
  - {name: year, type: int}
  - {name: value, type: float}
unpivot: {match: years, key: year, value: value}
null_values: ["n/a"]
`},
		{"monthly", `
path: testdata/monthly.csv
columns:
  - {from: 地区, name: region_name}
  - {name: month, type: month}
  - {name: members, type: int}
  - {from: 备注, name: note}
unpivot: {match: months, key: month, value: members, keep_nulls: true}
`},
		{"two_headers", `
path: testdata/two_headers.csv
header_rows: 2
columns:
  - {from: 地区, name: region_name}
  - {from: 人口/常住, name: resident, type: float}
  - {from: 人口/城镇, name: urban, type: float}
  - {from: 面积/平方公里, name: area_km2, type: float}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config(t, tt.spec)
			cfg.Allocator = sourcetest.Checked(t)
			cfg.BatchSize = 2
			var rejects []sources.Reject
			cfg.OnReject = func(r sources.Reject) { rejects = append(rejects, r) }
			src, err := sources.New("csv", cfg)
			if err != nil {
				t.Fatal(err)
			}
			rdr, err := src.Open(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer rdr.Release()
			sourcetest.Golden(t, tt.name+".txt", sourcetest.Dump(rdr, &rejects))
		})
	}
}

func TestStopsWithoutOnReject(t *testing.T) {
	cfg := config(t, popSpec)
	cfg.Allocator = sourcetest.Checked(t)
	src, err := sources.New("csv", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	for rdr.Next() {
		t.Error("no batch should be emitted: the bad value is in the first batch")
	}
	var pe *sources.ParseError
	if !errors.As(rdr.Err(), &pe) || !errors.Is(rdr.Err(), sources.ErrNotNumber) {
		t.Fatalf("Err() = %v, want a *ParseError wrapping ErrNotNumber", rdr.Err())
	}
	want := `csv: testdata/pop_gbk.csv: line 6 column "城镇人口（万人）": "12,3x" is not a number`
	if got := rdr.Err().Error(); got != want {
		t.Errorf("error\n got %s\nwant %s", got, want)
	}
	if pe.Row != 6 || pe.Value != "12,3x" {
		t.Errorf("ParseError = %+v", pe)
	}
}

func TestStructuralErrors(t *testing.T) {
	tests := []struct {
		name, spec, want string
	}{
		{"missing column", `
path: testdata/pop_gbk.csv
columns: [{from: 户籍人口, name: hukou, type: float}]
`, `csv: testdata/pop_gbk.csv: column "户籍人口" not found in header (have: 地区, 年份, 常住人口（万人）, 城镇人口（万人）, 城镇化率（%）, 统计口径)`},
		{"empty file", `
path: testdata/empty.csv
columns: [{from: a, name: a}]
`, `csv: testdata/empty.csv: the file is empty (expected a header row)`},
		{"missing file", `
path: testdata/nope.csv
columns: [{from: a, name: a}]
`, `csv: testdata/nope.csv: fetch: open testdata/nope.csv: no such file or directory`},
		{"GBK read as UTF-8", `
path: testdata/pop_gbk.csv
encoding: utf-8
columns: [{from: 1, name: a}]
`, `csv: testdata/pop_gbk.csv: the header is not valid UTF-8 (read as utf-8; set encoding: gb18030 if the file is GBK)`},
		{"position out of range", `
path: testdata/header_only.csv
columns: [{from: 9, name: a}]
`, `csv: testdata/header_only.csv: column #9 not found: the header has 3 columns`},
		{"no year columns", `
path: testdata/header_only.csv
columns: [{name: year, type: int}, {name: v, type: float}]
unpivot: {match: years, key: year, value: v}
`, `csv: testdata/header_only.csv: unpivot: no column header matches "years" (have: region_code, members, note)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config(t, tt.spec)
			cfg.Allocator = sourcetest.Checked(t)
			src, err := sources.New("csv", cfg)
			if err != nil {
				t.Fatal(err)
			}
			rdr, err := src.Open(context.Background())
			if err == nil {
				rdr.Release()
				t.Fatal("Open succeeded")
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestEncodingAuto(t *testing.T) {
	for file, want := range map[string]string{"pop_gbk.csv": "gb18030", "bom_utf8.csv": "utf-8", "ragged.csv": "utf-8"} {
		cfg := sources.Config{Path: "testdata/" + file, Options: sources.Options{Columns: []sources.Column{{Name: "a", From: sources.Pos(1)}}}}
		src, err := sources.New("csv", cfg)
		if err != nil {
			t.Fatal(err)
		}
		rdr, err := src.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := rdr.(sources.StatsReader).Stats().Encoding; got != want {
			t.Errorf("%s: encoding %s, want %s", file, got, want)
		}
		rdr.Release()
	}
}

func TestCancel(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("n\n")
	for i := 0; i < 5000; i++ {
		buf.WriteString("1\n")
	}
	path := t.TempDir() + "/n.csv"
	os.WriteFile(path, buf.Bytes(), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := sources.Config{Path: path, BatchSize: 10, Allocator: sourcetest.Checked(t),
		Options: sources.Options{Columns: []sources.Column{{Name: "n", From: sources.Header("n"), Type: sources.Int}}}}
	src, _ := sources.New("csv", cfg)
	rdr, err := src.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	if !rdr.Next() {
		t.Fatal(rdr.Err())
	}
	cancel()
	for rdr.Next() {
	}
	if !errors.Is(rdr.Err(), context.Canceled) {
		t.Errorf("Err() = %v, want context.Canceled", rdr.Err())
	}
}

// TestReleaseEarly stops reading after one batch: the batch being built ahead
// must be released too.
func TestReleaseEarly(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("n,s\n")
	for i := 0; i < 1000; i++ {
		buf.WriteString("1,abc\n")
	}
	path := t.TempDir() + "/n.csv"
	os.WriteFile(path, buf.Bytes(), 0o644)
	cfg := sources.Config{Path: path, BatchSize: 10, Allocator: sourcetest.Checked(t),
		Options: sources.Options{Columns: []sources.Column{{Name: "n", From: sources.Header("n"), Type: sources.Int}, {Name: "s", From: sources.Pos(2)}}}}
	src, _ := sources.New("csv", cfg)
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rdr.Next() || rdr.RecordBatch().NumRows() != 10 {
		t.Fatal("first batch", rdr.Err())
	}
	rdr.Release()
}

// TestRejectedRowLeavesNothing: rows are written into the batch as they are
// parsed, so a rejected row must leave no null, true or text behind for the
// row that takes its place.
func TestRejectedRowLeavesNothing(t *testing.T) {
	path := t.TempDir() + "/m.csv"
	in := "date,code,flag,n\n" +
		"2024-12-31,A1,true,1\n" +
		",B2,true,x\n" + // null date, true flag, then a bad number: rejected
		"2024-12-30,C3,false,3\n" +
		"2024-12-29,,,4\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config(t, `
path: `+path+`
columns:
  - {from: date, name: date, type: date}
  - {from: code, name: code}
  - {from: flag, name: flag, type: bool}
  - {from: n, name: n, type: int}
`)
	cfg.Allocator = sourcetest.Checked(t)
	var rejected []int64
	cfg.OnReject = func(rj sources.Reject) { rejected = append(rejected, rj.Row) }
	src, err := sources.New("csv", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var got []string
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for j := 0; j < 4; j++ {
				cells = append(cells, rec.Column(j).ValueStr(i))
			}
			got = append(got, strings.Join(cells, "|"))
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"2024-12-31|A1|true|1", "2024-12-30|C3|false|3", "2024-12-29|(null)|(null)|4"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
	if len(rejected) != 1 || rejected[0] != 3 {
		t.Errorf("rejected lines %v, want [3]", rejected)
	}
}

// TestBadUTF8Cell: a cell that is not UTF-8 in a file read as UTF-8 stops the
// read at its line, while ASCII and Chinese rows around it pass; a cell that
// reads as GBK says so.
func TestBadUTF8Cell(t *testing.T) {
	path := t.TempDir() + "/m.csv"
	in := "code,name\nA1,城关镇\nB2,\xb3\xc7\xb9\xd8\nC3,plain\n" // line 3: GBK bytes
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config(t, `
path: `+path+`
encoding: utf-8
columns:
  - {from: code, name: code}
  - {from: name, name: name}
`)
	cfg.Allocator = sourcetest.Checked(t)
	src, err := sources.New("csv", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	for rdr.Next() {
		t.Error("no batch should be emitted: the bad cell is in the first batch")
	}
	want := "csv: " + path + ": line 3 column \"name\": \"\ufffd\u01f9\ufffd\" is not valid UTF-8 but reads as GBK: \"城关\" (if the whole file is GBK, set encoding: gb18030; if only some lines are, save it again in one encoding)"
	if rdr.Err() == nil || rdr.Err().Error() != want {
		t.Errorf("Err()\n got %v\nwant %s", rdr.Err(), want)
	}
}

// TestRowNumberColumn: a row_number column holds each row's line in the file,
// the number the quarantine would name, past skipped, blank and dropped lines
// and on both the fast path and the one that keeps raw values.
func TestRowNumberColumn(t *testing.T) {
	path := t.TempDir() + "/h.csv"
	in := "标题\n地区,人口\n北京市,10\n\n  东城区,2\n合计,12\n  西城区,x\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config(t, `
path: `+path+`
skip_rows: 1
columns:
  - {from: 地区, name: name}
  - {from: 人口, name: pop, type: int}
  - {name: line, row_number: true, type: int}
drop_rows:
  - {equals: [合计]}
`)
	cfg.Allocator = sourcetest.Checked(t)
	var rejected []int64
	cfg.OnReject = func(rj sources.Reject) { rejected = append(rejected, rj.Row) }
	src, err := sources.New("csv", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var got []string
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			got = append(got, rec.Column(0).ValueStr(i)+"@"+rec.Column(2).ValueStr(i))
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	if want := "北京市@3,东城区@5"; strings.Join(got, ",") != want {
		t.Errorf("rows %q, want %q", strings.Join(got, ","), want)
	}
	if len(rejected) != 1 || rejected[0] != 7 {
		t.Errorf("rejected lines %v, want [7]", rejected)
	}
	for _, bad := range []string{
		"{name: line, row_number: true}",
		"{name: line, row_number: true, type: int, from: 地区}",
	} {
		var c sources.Config
		dec := yaml.NewDecoder(strings.NewReader("path: x.csv\ncolumns:\n  - " + bad + "\n"))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "row_number") {
			t.Errorf("%s: error %v, want one about row_number", bad, err)
		}
	}
}
