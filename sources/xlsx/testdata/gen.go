//go:build ignore

// gen writes 年鉴.xlsx, a yearbook-style workbook: title row, unit row, two
// merged header rows, numbers stored as numbers with display formats, a 合计 row
// and footnotes. Run from this directory: go run gen.go
package main

import (
	"log"

	"github.com/xuri/excelize/v2"
)

func main() {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "3-1")
	f.SetCellValue("3-1", "A1", "3-1 说明")
	f.NewSheet("3-3")
	s := "3-3"
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	must(f.SetCellValue(s, "A1", "3-3 各区常住人口与城镇化（2023年）"))
	must(f.MergeCell(s, "A1", "F1"))
	must(f.SetCellValue(s, "A2", "单位：万人"))
	must(f.SetCellValue(s, "A3", "地  区"))
	must(f.MergeCell(s, "A3", "A4"))
	must(f.SetCellValue(s, "B3", "人口"))
	must(f.MergeCell(s, "B3", "C3"))
	must(f.SetCellValue(s, "D3", "城镇化"))
	must(f.MergeCell(s, "D3", "E3"))
	must(f.SetCellValue(s, "F3", "面积\n（平方公里）"))
	must(f.MergeCell(s, "F3", "F4"))
	must(f.SetSheetRow(s, "B4", &[]any{"常住人口", "城镇人口", "城镇化率", "统计日期"}))
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})      // 0.00%
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})     // m/d/yy
	thousands, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	rows := [][]any{
		{"黄浦区", 66.2, 66.2, 1.0, 45291, 20.5},
		{"徐汇区", 111.3, 111.3, 1.0, 45291, 54.8},
		{"长宁区", 69.3, 69.3, 1.0, 45291, 38.3},
		{"静安区", 97.6, 97.6, 1.0, 45291, 36.9},
		{"普陀区", 124.2, 124.2, 1.0, 45291, 54.8},
		{"闵行区", 265.4, 246.1, 0.9273, 45291, 370.8},
		{"宝山区", 224.7, 202.7, 0.9021, 45291, 270.9},
		{"嘉定区", 184.3, 160.3, 0.8698, "2023年12月31日", 464.2},
		{"浦东新区", 578.2, "—", 0.8913, 45291, 1210.4},
		{"金山区", 82.3, "12,3x", 0.7242, 45291, 586.1},
		{"合  计", 1803.5, nil, nil, nil, nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 5+i)
		must(f.SetSheetRow(s, cell, &r))
		d, _ := excelize.CoordinatesToCellName(4, 5+i)
		must(f.SetCellStyle(s, d, d, pct))
		e, _ := excelize.CoordinatesToCellName(5, 5+i)
		must(f.SetCellStyle(s, e, e, date))
		b, _ := excelize.CoordinatesToCellName(2, 5+i)
		must(f.SetCellStyle(s, b, b, thousands))
	}
	must(f.SetCellValue(s, "A17", "注：常住人口为年末数。"))
	must(f.SetCellValue(s, "A18", "资料来源：统计年鉴（示例数据）。"))
	must(f.SaveAs("年鉴.xlsx"))
}
