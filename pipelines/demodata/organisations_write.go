package demodata

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// OrgHeader is the header of the organisation register as CSV: the
// workbook's two header rows joined with "/".
var OrgHeader = []string{"统一社会信用代码", "单位名称", "所属街镇代码", "组织类型", "行业", "从业人员（人）",
	"党建情况/正式党员（人）", "党建情况/党组织组建方式", "党建情况/是否派驻党建指导员", "党建情况/是否纳入统计范围"}

// orgBadYear and orgBadRow locate the row written with a township code that
// does not exist (a digit slipped), which the pipeline quarantines.
const (
	orgBadYear = 2015
	orgBadRow  = 37
	// orgBadCode is a township code that does not exist: the district's
	// code with 199.
	orgBadCode = "199"
)

func (o *Organisation) record() []string {
	return []string{o.CreditCode(), o.Name(), o.TownCode, orgKinds[o.Kind].Label, o.Industry,
		strconv.Itoa(o.Employees), strconv.Itoa(o.Members), o.Mode, yesNo(o.Instructor), yesNo(o.InScope)}
}

// WriteOrganisationsCSV writes the register at the end of year as a UTF-8
// CSV with OrgHeader and returns the number of data rows.
func (g *Generator) WriteOrganisationsCSV(out io.Writer, year int) (rows int, err error) {
	w := bufio.NewWriterSize(out, 1<<16)
	line := func(fields []string) {
		for i, s := range fields {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(s)
		}
		_, err = w.WriteString("\n")
	}
	line(OrgHeader)
	g.Organisations(year, func(o *Organisation) bool {
		rows++
		line(o.record())
		return err == nil
	})
	if err != nil {
		return rows, err
	}
	return rows, w.Flush()
}

// writeOrganisations writes the 两新组织 register as a yearbook-style
// workbook: a sheet per year-end (2004年 … 2024年), each with a title, a
// line naming the reporting unit and date, a two-row header with merged
// cells, the organisations, and footnotes.
func (g *Generator) writeOrganisations(dir string) (File, error) {
	f := File{Name: "organisations.xlsx",
		About: fmt.Sprintf("两新组织 register, a sheet per year %d-%d, yearbook-style header", OrgFirstYear, LastYear)}
	x := excelize.NewFile()
	defer x.Close()
	for y := OrgFirstYear; y <= LastYear; y++ {
		sheet := fmt.Sprintf("%d年", y)
		if y == OrgFirstYear {
			if err := x.SetSheetName("Sheet1", sheet); err != nil {
				return f, err
			}
		} else if _, err := x.NewSheet(sheet); err != nil {
			return f, err
		}
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return f, err
		}
		row := 0
		put := func(cells ...any) {
			row++
			if err == nil {
				cell, _ := excelize.CoordinatesToCellName(1, row)
				err = sw.SetRow(cell, cells)
			}
		}
		merge := func(a, b string) {
			if err == nil {
				err = sw.MergeCell(a, b)
			}
		}
		put(fmt.Sprintf("%s两新组织党建工作情况统计表（%d年末）（示例数据）", g.districtName, y))
		merge("A1", "J1")
		put(fmt.Sprintf("填报单位：%s委组织部（示例）    统计时点：%d年12月31日", g.districtName, y))
		merge("A2", "J2")
		put(OrgHeader[0], OrgHeader[1], OrgHeader[2], OrgHeader[3], OrgHeader[4], OrgHeader[5], "党建情况")
		put(nil, nil, nil, nil, nil, nil, "正式党员（人）", "党组织组建方式", "是否派驻党建指导员", "是否纳入统计范围")
		for _, c := range "ABCDEF" {
			merge(fmt.Sprintf("%c3", c), fmt.Sprintf("%c4", c))
		}
		merge("G3", "J3")
		n := 0
		g.Organisations(y, func(o *Organisation) bool {
			n++
			rec := o.record()
			if y == orgBadYear && n == orgBadRow {
				rec[2] = g.districtCode + orgBadCode
				f.Bad++
			}
			cells := make([]any, len(rec))
			for i, s := range rec {
				cells[i] = s
			}
			// Counts are numbers in the workbook, as typed.
			cells[5], cells[6] = o.Employees, o.Members
			put(cells...)
			return err == nil
		})
		f.Rows += n
		put("注：" + Notice)
		put("资料来源：grassroots 演示数据生成器。")
		if err != nil {
			return f, err
		}
		if err := sw.Flush(); err != nil {
			return f, err
		}
	}
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	if _, err := x.WriteTo(out); err != nil {
		return f, err
	}
	return f, out.Close()
}
