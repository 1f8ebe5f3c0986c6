package demodata

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// popRow is one township-year of the population workbook, in 万人.
type popRow struct {
	resident, urbanResident, hukou, urbanHukou, floating, areaKm2 float64
}

// population generates the district's township figures for every year.
func population() map[int][]popRow {
	r := rng(1)
	out := map[int][]popRow{}
	for _, t := range Townships {
		base := 8.5 * t.scale * (0.9 + 0.2*r.Float64())
		hukouShare := 0.45 + 0.2*r.Float64()
		urban := t.urban
		hukouUrban := urban - 0.15 - 0.1*r.Float64()
		area := 30 * t.scale * urban * (0.8 + 0.4*r.Float64())
		for y := FirstYear; y <= LastYear; y++ {
			k := float64(y - FirstYear)
			res := base * (1 + 0.012*k) * (0.995 + 0.01*r.Float64())
			hk := res * hukouShare * (1 + 0.006*k)
			u := min(urban+(1-urban)*0.06*k*(0.8+0.4*r.Float64()), 1)
			hu := min(max(hukouUrban+(1-hukouUrban)*0.05*k, 0.2), u)
			out[y] = append(out[y], popRow{
				resident:      round(res, 2),
				urbanResident: round(res*u, 2),
				hukou:         round(hk, 2),
				urbanHukou:    round(hk*hu, 2),
				floating:      round(res-hk*0.97, 2),
				areaKm2:       round(area*(1+0.02*k), 1),
			})
		}
	}
	return out
}

// writePopulation writes a yearbook-style workbook: one sheet per year, a title
// row, a unit row, two header rows with merged cells, a 合计 row and footnotes.
func writePopulation(dir string) (File, error) {
	f := File{Name: "population_townships.xlsx", About: "yearbook-style workbook, one sheet per year 2015-2024, 万人"}
	data := population()
	x := excelize.NewFile()
	defer x.Close()
	for y := FirstYear; y <= LastYear; y++ {
		sheet := strconv.Itoa(y)
		if y == FirstYear {
			if err := x.SetSheetName("Sheet1", sheet); err != nil {
				return f, err
			}
		} else if _, err := x.NewSheet(sheet); err != nil {
			return f, err
		}
		set := func(cell string, v any) {
			_ = x.SetCellValue(sheet, cell, v)
		}
		merge := func(a, b string) { _ = x.MergeCell(sheet, a, b) }
		set("A1", fmt.Sprintf("%s各街镇人口与城市化情况（%d年）（示例数据）", DistrictName, y))
		merge("A1", "H1")
		set("A2", "单位：万人")
		merge("A2", "H2")
		set("A3", "区划代码")
		merge("A3", "A4")
		set("B3", "地区")
		merge("B3", "B4")
		set("C3", "常住人口")
		merge("C3", "D3")
		set("C4", "合计")
		set("D4", "城镇")
		set("E3", "户籍人口")
		merge("E3", "F3")
		set("E4", "合计")
		set("F4", "城镇")
		set("G3", "流动人口")
		merge("G3", "G4")
		set("H3", "城市化面积（平方公里）")
		merge("H3", "H4")

		var tot popRow
		for _, p := range data[y] {
			tot.resident += p.resident
			tot.urbanResident += p.urbanResident
			tot.hukou += p.hukou
			tot.urbanHukou += p.urbanHukou
			tot.floating += p.floating
			tot.areaKm2 += p.areaKm2
		}
		writeRow := func(row int, code, name string, p popRow) {
			set(fmt.Sprintf("A%d", row), code)
			set(fmt.Sprintf("B%d", row), name)
			for i, v := range []float64{p.resident, p.urbanResident, p.hukou, p.urbanHukou, p.floating, p.areaKm2} {
				set(fmt.Sprintf("%c%d", 'C'+i, row), round(v, 2))
			}
		}
		writeRow(5, DistrictCode, "合计", tot)
		for i, t := range Townships {
			writeRow(6+i, t.Code, t.Name, data[y][i])
		}
		last := 6 + len(Townships)
		set(fmt.Sprintf("A%d", last+1), "注："+Notice)
		set(fmt.Sprintf("A%d", last+2), "资料来源：grassroots 演示数据生成器。")
		f.Rows += len(Townships)
	}
	return f, x.SaveAs(filepath.Join(dir, f.Name))
}
