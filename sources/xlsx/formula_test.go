package xlsx_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"grassroots/sources"
	"grassroots/sources/internal/sourcetest"
)

// TestFormulaWithoutValue: a formula cell whose workbook holds no saved
// result — written by a program, never opened in Excel — quarantines its
// row with the cell and the formula named, instead of loading NULL. A
// formula with a saved value loads that value, an empty saved text is an
// empty cell, a row dropped by rule is not looked at, and a row of nothing
// but formulas is not taken for a blank one.
func TestFormulaWithoutValue(t *testing.T) {
	is := func(s string) string { return `<is><t>` + s + `</t></is>` }
	path := writeSheetXML(t, "合计.xlsx", `
<row r="1"><c r="A1" t="inlineStr">`+is("地区")+`</c><c r="B1" t="inlineStr">`+is("城镇")+`</c><c r="C1" t="inlineStr">`+is("乡村")+`</c><c r="D1" t="inlineStr">`+is("合计")+`</c><c r="E1" t="inlineStr">`+is("备注")+`</c></row>
<row r="2"><c r="A2" t="inlineStr">`+is("黄浦区")+`</c><c r="B2"><v>66</v></c><c r="C2"><v>0</v></c><c r="D2"><f>SUM(B2:C2)</f><v>66</v></c><c r="E2" t="str"><f>IF(D2&gt;100,"大","")</f><v></v></c></row>
<row r="3"><c r="A3" t="inlineStr">`+is("徐汇区")+`</c><c r="B3"><v>111</v></c><c r="C3"><v>0</v></c><c r="D3"><f>SUM(B3:C3)</f></c></row>
<row r="4"><c r="A4" t="inlineStr">`+is("长宁区")+`</c><c r="B4"><v>69</v></c><c r="C4"><v>0</v></c><c r="D4"><f>B4+C4</f><v></v></c></row>
<row r="5"><c r="A5" t="inlineStr">`+is("合计")+`</c><c r="D5"><f>SUM(D2:D4)</f></c></row>
<row r="7"><c r="D7"><f>SUM(D2:D4)</f></c></row>`)
	cfg := config(t, `
path: `+path+`
columns:
  - {from: 地区, name: region_name}
  - {from: 合计, name: total, type: int}
  - {from: 备注, name: note}
drop_rows:
  - {equals: [合计]}
`)
	cfg.Allocator = sourcetest.Checked(t)
	var rejects []sources.Reject
	cfg.OnReject = func(r sources.Reject) { rejects = append(rejects, r) }
	got := strings.ReplaceAll(sourcetest.Dump(open(t, cfg), &rejects), path, "合计.xlsx")
	want := `schema: region_name:utf8 total:int64 note:utf8 _row:int64
batch 1: 1 rows
  "黄浦区" | "66" | NULL | "2"
reject: xlsx: 合计.xlsx: sheet "Sheet1" row 3 column "合计": "=SUM(B3:C3)" is a formula with no saved value (cell D3); open the workbook in Excel and save it
  raw "乡村" = "0"
  raw "合计" = "=SUM(B3:C3)"
  raw "地区" = "徐汇区"
  raw "城镇" = "111"
  raw "备注" = ""
reject: xlsx: 合计.xlsx: sheet "Sheet1" row 4 column "合计": "=B4+C4" is a formula with no saved value (cell D4); open the workbook in Excel and save it
  raw "乡村" = "0"
  raw "合计" = "=B4+C4"
  raw "地区" = "长宁区"
  raw "城镇" = "69"
  raw "备注" = ""
reject: xlsx: 合计.xlsx: sheet "Sheet1" row 7 column "合计": "=SUM(D2:D4)" is a formula with no saved value (cell D7); open the workbook in Excel and save it
  raw "乡村" = ""
  raw "合计" = "=SUM(D2:D4)"
  raw "地区" = ""
  raw "城镇" = ""
  raw "备注" = ""
stats: encoding= bom=false read=4 rejected=3 dropped=2 out=1
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestFormulaWrittenByExcelize: excelize's SetCellFormula saves no value
// (<c t="str"><f>…</f></c>); a column reading such a cell is told so.
func TestFormulaWrittenByExcelize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "公式.xlsx")
	f := excelize.NewFile()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"城镇", "乡村", "合计"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{66, 0}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFormula("Sheet1", "C2", "A2+B2"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cfg := config(t, "path: "+path+"\ncolumns: [{from: 合计, name: total, type: int}]\n")
	cfg.Allocator = sourcetest.Checked(t)
	rdr := open(t, cfg)
	for rdr.Next() {
		t.Error("no batch should be emitted")
	}
	want := `xlsx: ` + path + `: sheet "Sheet1" row 2 column "合计": "=A2+B2" is a formula with no saved value (cell C2); open the workbook in Excel and save it`
	if err := rdr.Err(); err == nil || err.Error() != want {
		t.Errorf("Err() = %v\nwant %s", err, want)
	}
}
