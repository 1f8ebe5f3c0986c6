package collect

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/xuri/excelize/v2"

	"grassroots/pipelines"
	"grassroots/pipelines/spec"
	"grassroots/sources"
	_ "grassroots/sources/xlsx"
)

func returnsSpec(t *testing.T) *spec.Spec {
	t.Helper()
	for _, p := range pipelines.Demo() {
		if p.Name == "demo_population_returns" {
			s, err := spec.Parse(p.File, p.Data)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	t.Fatal("no demo_population_returns among the demo pipelines")
	return nil
}

var towns = []Region{{"310112001", "江川路街道"}, {"310112006", "古美街道"}, {"310112008", "新虹街道"}}

// A filled copy of the template is read by the pipeline's own source as it
// stands: the helper column of names is ignored, the rows left unfilled are
// dropped, the filled row comes out with the pre-filled code and year.
func TestTemplateReadsBack(t *testing.T) {
	s := returnsSpec(t)
	tpl, err := New(s, Options{Region: Region{"310112", "闵行区"}, Children: towns, Period: "2024",
		Labels: map[string]Label{"resident_pop": {Name: "常住人口", Unit: "人"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.Fill("310112006", map[string]string{"常住人口（人）": "81234", "城镇常住人口（人）": "80000",
		"城市化面积（平方公里）": "7.25", "数据状态": "年报"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), ReturnName(towns[1]))
	if err := tpl.File.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	cfg := s.Source
	cfg.Path = path
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	cfg.Allocator = mem
	var rejects []string
	cfg.OnReject = func(r sources.Reject) { rejects = append(rejects, r.Error()) }
	src, err := sources.New("xlsx", cfg)
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
		for r := 0; r < int(rec.NumRows()); r++ {
			var vals []string
			for _, name := range []string{"year", "region_code", "resident_pop", "urban_resident_pop", "urbanised_area_km2", "status", "_row"} {
				col := rec.Column(rec.Schema().FieldIndices(name)[0])
				vals = append(vals, col.(interface{ ValueStr(int) string }).ValueStr(r))
			}
			got = append(got, strings.Join(vals, " "))
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"2024 310112006 81234 80000 7.25 年报 5"}
	if !slices.Equal(got, want) || len(rejects) > 0 {
		t.Errorf("read back %q (rejects %v), want %q", got, rejects, want)
	}
	var _ array.RecordReader = rdr
}

// The drop-downs come from the recode, the number ranges from min and max,
// each over the fill-in cells of its column only; header and pre-filled
// cells are locked, the cells to fill open, the sheet protected without a
// password.
func TestTemplateValidationsAndLocks(t *testing.T) {
	s := returnsSpec(t)
	tpl, err := New(s, Options{Region: Region{"310112", "闵行区"}, Children: towns, Period: "2024", Deadline: "2025年1月15日", Contact: "区委组织部 组织科"})
	if err != nil {
		t.Fatal(err)
	}
	f := tpl.File
	col := map[string]string{}
	for _, c := range tpl.Columns {
		col[c.Header] = c.Cell
	}
	if h, _ := f.GetCellValue(tpl.Sheet, col["区划代码"]+"3"); h != "区划代码" {
		t.Errorf("header row 3 (after skip_rows 2) has %q", h)
	}
	if n, _ := f.GetCellValue(tpl.Sheet, "C4"); col[HelperHeader] != "C" || n != "江川路街道" {
		t.Errorf("helper column at %s, C4 %q", col[HelperHeader], n)
	}
	dvs, err := f.GetDataValidations(tpl.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, dv := range dvs {
		got[dv.Sqref] = dv.Type + " " + dv.Operator + " " + dv.Formula1 + " " + dv.Formula2
	}
	for _, want := range []struct{ header, rule string }{
		{"数据状态", `list  "快报,年报" `},
		{"常住人口（人）", "whole greaterThanOrEqual 0 "},
		{"城市化面积（平方公里）", "decimal between 0 400"},
	} {
		sq := col[want.header] + "4:" + col[want.header] + "6"
		if g := got[sq]; g != want.rule {
			t.Errorf("validation of %s (%s): %q, want %q (have %v)", want.header, sq, g, want.rule, got)
		}
	}
	for _, c := range []string{col["统计年度"], col["区划代码"]} {
		if _, ok := got[c+"4:"+c+"6"]; ok {
			t.Errorf("a pre-filled column %s has a validation", c)
		}
	}
	locked := func(cell string) bool {
		id, err := f.GetCellStyle(tpl.Sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Protection == nil || st.Protection.Locked
	}
	for cell, want := range map[string]bool{col["区划代码"] + "3": true, col["常住人口（人）"] + "3": true,
		col["区划代码"] + "4": true, "C4": true, col["统计年度"] + "5": true,
		col["常住人口（人）"] + "4": false, col["数据状态"] + "6": false} {
		if locked(cell) != want {
			t.Errorf("%s locked %v, want %v", cell, !want, want)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	back, err := excelize.OpenReader(b)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := back.GetRows(InstructionsSheet)
	text := ""
	for _, r := range rows {
		text += strings.Join(r, " ") + "\n"
	}
	for _, want := range []string{"2025年1月15日", "区委组织部 组织科", "310112001_江川路街道.xlsx", "统计年度 2024年",
		"数据状态", "从下拉列表中选择：快报、年报", "示例数据"} {
		if !strings.Contains(text, want) {
			t.Errorf("填报说明 lacks %q:\n%s", want, text)
		}
	}
}

// A column in 万人 is filled in 万人 and loaded ×10000: its range is the
// rule's divided by 10000, decimals allowed although the column is an int,
// and the instructions name the unit to fill in.
func TestTemplateScaledColumn(t *testing.T) {
	s, err := spec.Parse("scaled.yaml", []byte(`description: 各街镇人口（示例，synthetic）
source:
  kind: xlsx
  path: inputs/returns/*.xlsx
  skip_rows: 2
  columns:
    - {name: region_code, from: 区划代码, required: true}
    - {name: resident_pop, from: 常住人口（万人）, type: int, unit: 万人}
    - {name: area_km2, from: 面积（百平方公里）, type: float, scale: 100}
    - {name: households, from: 户数, type: int}
target:
  table: population
  partition_by: [region_code]
validate:
  columns:
    region_code: {region_level: 4}
    resident_pop: {min: 0, max: 5000000}
    area_km2: {min: 10, max: 400}
    households: {min: 1, max: 90000}
`))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := New(s, Options{Region: Region{"310112", "闵行区"}, Children: towns,
		Labels: map[string]Label{"resident_pop": {Name: "常住人口", Unit: "人"}, "area_km2": {Name: "面积", Unit: "平方公里"}}})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]string{}
	for _, c := range tpl.Columns {
		col[c.Header] = c.Cell
	}
	dvs, err := tpl.File.GetDataValidations(tpl.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, dv := range dvs {
		got[dv.Sqref] = dv.Type + " " + dv.Operator + " " + dv.Formula1 + " " + dv.Formula2
	}
	for _, want := range []struct{ header, rule string }{
		{"常住人口（万人）", "decimal between 0 500"},
		{"面积（百平方公里）", "decimal between 0.1 4"},
		{"户数", "whole between 1 90000"},
	} {
		sq := col[want.header] + "4:" + col[want.header] + "6"
		if g := got[sq]; g != want.rule {
			t.Errorf("validation of %s (%s): %q, want %q", want.header, sq, g, want.rule)
		}
	}
	rows, _ := tpl.File.GetRows(InstructionsSheet)
	text := ""
	for _, r := range rows {
		text += strings.Join(r, " ") + "\n"
	}
	for _, want := range []string{"常住人口（万人） 常住人口 万人 数字，0至500；可填小数，折算后为整数", "面积（百平方公里） 面积 100平方公里 数字，0.1至4"} {
		if !strings.Contains(text, want) {
			t.Errorf("填报说明 lacks %q:\n%s", want, text)
		}
	}
}

// The instructions say what a township needs in its own words: the
// cross-column checks as 审核关系, what each choice of 数据状态 records, the
// deadline as a Chinese date; the warehouse's field names come last, headed
// as being for checking only.
func TestInstructionsInTheFillersWords(t *testing.T) {
	s := returnsSpec(t)
	tpl, err := New(s, Options{Region: Region{"310112", "闵行区"}, Children: towns, Period: "2024", Deadline: "2025-01-15",
		Labels: map[string]Label{"resident_pop": {Name: "常住人口", Unit: "人"}}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tpl.File.GetRows(InstructionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, " | ") + "\n")
	}
	for _, want := range []string{
		"报送时间 | 2025年1月15日\n",
		"审核关系 | 以下关系不满足的行不能入库，将退回核对：\n",
		" | 1. 城镇常住人口（人）不得大于常住人口（人）\n",
		" | 2. 城镇户籍人口（人）不得大于户籍人口（人）\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("填报说明 lacks %q:\n%s", want, text.String())
		}
	}
	var header, status []string
	for _, r := range rows {
		if len(r) > 1 && r[0] == "列" {
			header = r
		}
		if len(r) > 1 && r[1] == "数据状态" {
			status = r
		}
	}
	if len(header) != 6 || header[5] != SystemFieldHeader || header[2] != "含义" {
		t.Errorf("the columns' table is headed %q, want the system field last as %q", header, SystemFieldHeader)
	}
	if len(status) < 3 || status[2] != "数据状态：快报 = 初步数；年报 = 最终数" {
		t.Errorf("数据状态's row: %q, want its meaning from the recode", status)
	}
	if strings.Contains(text.String(), "2025-01-15") {
		t.Errorf("the deadline is printed as given:\n%s", text.String())
	}
}
