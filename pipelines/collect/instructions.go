package collect

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// writeInstructions writes the sheet 填报说明: who fills the template, for
// which year, the pipeline's 口径, each column's meaning, unit and rule, the
// deadline, the contact, and how to name and return the file.
func (t *Template) writeInstructions() error {
	f, sh := t.File, InstructionsSheet
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	o := t.opts
	row := 1
	put := func(cells ...string) error {
		for i, v := range cells {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellStr(sh, cell, v); err != nil {
				return err
			}
			style := wrap
			if i == 0 {
				style = bold
			}
			if err := f.SetCellStyle(sh, cell, cell, style); err != nil {
				return err
			}
		}
		row++
		return nil
	}
	if err := f.SetCellStr(sh, "A1", fmt.Sprintf("填报说明：%s%s", o.Region.Name, t.what())); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, "A1", "A1", title); err != nil {
		return err
	}
	row = 3
	names := make([]string, 0, len(o.Children))
	for _, c := range o.Children {
		names = append(names, c.Name)
	}
	deadline, contact := o.Deadline, o.Contact
	if deadline == "" {
		deadline = "（见通知）"
	}
	if contact == "" {
		contact = "（见通知）"
	}
	example := ReturnName(o.Children[0])
	lines := [][]string{
		{"填报范围", fmt.Sprintf("%s（%s）下辖%d个单位：%s", o.Region.Name, o.Region.Code, len(o.Children), strings.Join(names, "、"))},
	}
	if o.Period != "" {
		lines = append(lines, []string{"统计年度", o.Period + "年"})
	}
	lines = append(lines,
		[]string{"统计口径", t.spec.Description},
		[]string{"填报要求", fmt.Sprintf("在“%s”工作表中只填写本单位所在行，其他行留空（留空的行不读入）。灰色单元格（区划代码等）已预填，不能修改；表头、工作表名称和行列位置不要改动，否则无法读入。下拉列表和数值范围按下表“填报要求”设置。", t.Sheet)},
		[]string{"报送时间", deadline},
		[]string{"联系人", contact},
		[]string{"报送方式", fmt.Sprintf("保存为 Excel 工作簿（.xlsx），文件名为“区划代码_单位名称.xlsx”（如 %s），报送联系人。", example)},
	)
	if t.synthetic() {
		lines = append(lines, []string{"数据说明", "示例数据（synthetic）：本模板来自演示用的示例管道，不是真实统计任务。"})
	}
	for _, l := range lines {
		if err := put(l...); err != nil {
			return err
		}
	}
	row++
	if err := put("列", "表头", "含义", "单位", "填报要求", "入库字段"); err != nil {
		return err
	}
	for _, c := range t.Columns {
		meaning, unit, rule := "", "", c.Rule
		if l, ok := o.Labels[c.Name]; ok {
			meaning, unit = l.Name, l.Unit
			if l.Comment != "" {
				meaning += "（" + l.Comment + "）"
			}
		}
		if u := t.sourceUnit(c); u != "" {
			unit = u
		}
		switch c.role {
		case regionCol:
			rule = "已预填"
		case nameCol:
			meaning, rule = "单位名称", "已预填"
			if c.Name == "" {
				rule = "已预填，仅供核对，不读入"
			}
		case yearCol:
			rule = "已预填"
		}
		switch {
		case c.role != fillIn:
		case c.Type == "float":
			rule += "；保留两位小数"
		case c.Type == "int" && !c.whole():
			rule += "；可填小数，折算后为整数"
		}
		if err := put(c.Cell, c.Header, meaning, unit, rule, c.Name); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"A": 12, "B": 28, "C": 40, "D": 12, "E": 40, "F": 22} {
		if err := f.SetColWidth(sh, col, col, width); err != nil {
			return err
		}
	}
	return nil
}

// sourceUnit is the unit column c is filled in, where the spec of the
// template's period converts it: its unit (万人), or the warehouse unit
// times its scale ("10000人"); "" when the cell takes the warehouse's unit.
func (t *Template) sourceUnit(c Column) string {
	for _, sc := range t.spec.ForPeriod(t.opts.Period).Columns {
		if sc.Name != c.Name || c.Name == "" {
			continue
		}
		if sc.Unit != "" && sc.Scale == 0 {
			return sc.Unit
		}
		if sc.Scale != 0 && sc.Scale != 1 {
			return num(sc.Scale) + t.opts.Labels[c.Name].Unit
		}
	}
	return ""
}

// synthetic reports whether the pipeline marks its rows synthetic.
func (t *Template) synthetic() bool {
	for _, c := range t.spec.Source.Columns {
		if c.Name == "is_synthetic" && c.Value == "true" {
			return true
		}
	}
	return false
}
