package collect

import (
	"fmt"
	"regexp"
	"strings"
	"time"

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
	deadline, contact := chineseDate(o.Deadline), o.Contact
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
	if err := put("列", "表头", "含义", "单位", "填报要求", SystemFieldHeader); err != nil {
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
		if c.Name == "status" && len(c.List) > 0 {
			if meaning == "" {
				meaning = "数据状态"
			}
			meaning += "：" + t.statusMeaning(c)
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
	if checks := t.checks(); len(checks) > 0 {
		row++
		if err := put("审核关系", "以下关系不满足的行不能入库，将退回核对："); err != nil {
			return err
		}
		for i, c := range checks {
			if err := put("", fmt.Sprintf("%d. %s", i+1, c)); err != nil {
				return err
			}
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

// SystemFieldHeader heads the last column of the instructions' table: the
// warehouse column each header is loaded into, for the sender to check.
const SystemFieldHeader = "系统字段（供核对，无需填写）"

// chineseDate writes a date given as YYYY-MM-DD as 2025年1月15日; any
// other text is printed as given.
func chineseDate(s string) string {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

// statusNames are the observation statuses (observation_status) in the
// words of the one who fills the template.
var statusNames = map[string]string{
	"final": "最终数", "preliminary": "初步数", "revised": "修订数", "estimated": "推算数", "synthetic": "示例数据",
}

// statusMeaning says what each choice of the status column c records: "快报
// = 初步数；年报 = 最终数", from the spec's recode.
func (t *Template) statusMeaning(c Column) string {
	var says []string
	for _, v := range c.List {
		to := t.spec.Recode[c.Name][v]
		if n, ok := statusNames[to]; ok {
			to = n
		}
		if to == "" || to == v {
			says = append(says, v)
			continue
		}
		says = append(says, v+" = "+to)
	}
	return strings.Join(says, "；")
}

// comparison is a check that compares two columns.
var comparison = regexp.MustCompile(`^\s*([a-z_][a-z0-9_]*)\s*(<=|>=|<>|!=|=|<|>)\s*([a-z_][a-z0-9_]*)\s*$`)

// comparisonWords say a comparison as a rule the row must keep.
var comparisonWords = map[string]string{
	"<=": "不得大于", "<": "应小于", ">=": "不得小于", ">": "应大于", "=": "应等于", "<>": "不得等于", "!=": "不得等于",
}

// checks are the spec's cross-column checks (validate.checks) in the
// template's words: a comparison of two of its columns by their headers
// ("城镇常住人口（人）不得大于常住人口（人）"), any other by its message, which
// names what a row must not show.
func (t *Template) checks() []string {
	headers := map[string]string{}
	for _, c := range t.Columns {
		if c.Name != "" {
			headers[c.Name] = c.Header
		}
	}
	var out []string
	for _, c := range t.spec.Validate.Checks {
		if m := comparison.FindStringSubmatch(c.SQL); m != nil && headers[m[1]] != "" && headers[m[3]] != "" {
			out = append(out, headers[m[1]]+comparisonWords[m[2]]+headers[m[3]])
			continue
		}
		msg := strings.TrimSpace(c.Message)
		if msg == "" {
			continue // nothing to say in words; the quarantine names the check
		}
		out = append(out, "不得出现："+msg)
	}
	return out
}
