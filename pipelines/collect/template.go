// Package collect writes collection templates (填报模板): the workbook a
// region sends to the regions below it to fill in and send back, laid out so
// that the pipeline reading the returned files reads it unchanged.
//
// The layout follows the pipeline's spec: its sheet, the rows it skips (a
// title and a note), its header row with the source headers of its columns in
// order, then one row per region below, the region's code (and year, for a
// pipeline keyed by year) filled in. The spec's rules become the workbook's
// own: a drop-down list of the values a recode or an allowed list accepts,
// whole or decimal numbers within its min and max, with a prompt and an
// error message in Chinese. The header and the pre-filled cells are locked
// (sheet protection without a password, so that a department can still lift
// it); only the cells to fill are open. A second sheet, 填报说明, says what
// each column means and in which unit, by when and to whom to return it, and
// how to name the file.
package collect

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"grassroots/pipelines/spec"
	"grassroots/sources"
	"grassroots/sources/value"
)

// Region is a region by code and name.
type Region struct{ Code, Name string }

// Label is what the warehouse says of a column: its Chinese name, unit and
// comment.
type Label struct{ Name, Unit, Comment string }

// Options say whom a template is for.
type Options struct {
	// Region sends the template; Children fill it, one row each.
	Region   Region
	Children []Region
	// Period is the year a pipeline keyed by year is filled for.
	Period string
	// Deadline and Contact are printed in the instructions as given, a
	// deadline given as 2025-01-15 as 2025年1月15日.
	Deadline, Contact string
	// Labels are the target table's column labels, by warehouse column.
	Labels map[string]Label
}

// InstructionsSheet is the name of the sheet that explains the template.
const InstructionsSheet = "填报说明"

// DefaultSheet is the data sheet's name when the spec names none.
const DefaultSheet = "填报表"

// HelperHeader heads the column of region names a template adds when the
// pipeline reads none: it helps the one who fills the row, and the pipeline
// ignores it (a source reads the columns it names).
const HelperHeader = "单位名称（核对用，不读入）"

// role says how a template column is filled.
type role int

const (
	fillIn    role = iota // by the region below
	regionCol             // the region code, pre-filled
	nameCol               // the region name, pre-filled
	yearCol               // the period, pre-filled
)

// Column is one column of a template's data sheet.
type Column struct {
	Header string // the source header, or HelperHeader
	Cell   string // the column's letters: "C"
	Name   string // the warehouse column ("" for the helper)
	Type   sources.Type
	role   role
	// Rule says in Chinese what the column accepts ("" for none).
	Rule string
	// List holds the drop-down values; Min and Max the number range, in
	// the unit the cell is filled in.
	List     []string
	Min, Max *float64
	// Scale is what the pipeline multiplies a filled number by (unit:
	// 万人 → 10000, or scale): 1 when it takes the number as it is.
	Scale float64
}

// Template is a collection template being written.
type Template struct {
	File  *excelize.File
	Sheet string
	// HeaderRow and FirstRow are the sheet rows of the (last) header row
	// and of the first region; Rows maps a region code to its row.
	HeaderRow, FirstRow int
	Rows                map[string]int
	Columns             []Column
	spec                *spec.Spec
	opts                Options
}

// ReturnName is the name a region below gives the file it sends back.
func ReturnName(r Region) string { return r.Code + "_" + r.Name + ".xlsx" }

// New lays out the template of s for o. It refuses a pipeline whose files it
// cannot lay out so that they are read back: not a workbook, columns by
// position, an unpivot of wide columns, or no region column.
func New(s *spec.Spec, o Options) (*Template, error) {
	src := s.ForPeriod(o.Period)
	switch {
	case src.Kind != "xlsx":
		return nil, fmt.Errorf("collect: pipeline %s reads %s, not a workbook (kind xlsx)", s.Name, src.Kind)
	case src.NoHeader:
		return nil, fmt.Errorf("collect: pipeline %s takes its columns by position (no_header); a template needs headers", s.Name)
	case src.Unpivot != nil:
		return nil, fmt.Errorf("collect: pipeline %s reads wide columns (unpivot); a template has one row per region", s.Name)
	case s.UsesPeriod() && o.Period == "":
		return nil, fmt.Errorf("collect: pipeline %s runs once per period ({year}): give the year to fill (--period 2024)", s.Name)
	case len(o.Children) == 0:
		return nil, fmt.Errorf("collect: no region below %s %s to fill it", o.Region.Code, o.Region.Name)
	}
	sheet := src.Sheet.Name
	if sheet == "" {
		sheet = DefaultSheet
	}
	if src.Sheet.Pos > 2 {
		return nil, fmt.Errorf("collect: pipeline %s reads sheet %d; a template has its data on sheet 1 or 2", s.Name, src.Sheet.Pos)
	}
	col0, row0 := 1, 1
	if src.Range != "" {
		from, _, _ := strings.Cut(strings.ReplaceAll(src.Range, "$", ""), ":")
		c, r, err := excelize.CellNameToCoordinates(from)
		if err != nil {
			return nil, fmt.Errorf("collect: source.range %q: %w", src.Range, err)
		}
		col0, row0 = c, r
	}
	headerRows := max(src.HeaderRows, 1)
	t := &Template{Sheet: sheet, spec: s, opts: o, HeaderRow: row0 + src.SkipRows + headerRows - 1, Rows: map[string]int{}}
	t.FirstRow = t.HeaderRow + 1
	if err := t.layout(src, col0); err != nil {
		return nil, err
	}

	f := excelize.NewFile()
	t.File = f
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(InstructionsSheet); err != nil {
		return nil, err
	}
	if src.Sheet.Pos == 2 { // the data sheet second
		if err := f.MoveSheet(InstructionsSheet, sheet); err != nil {
			return nil, err
		}
	}
	if err := t.writeData(src, row0, headerRows); err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	if err := t.writeInstructions(); err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	f.SetActiveSheet(0)
	if idx, err := f.GetSheetIndex(sheet); err == nil {
		f.SetActiveSheet(idx)
	}
	return t, nil
}

// layout places the columns: the source's, in order, and the helper column
// of names after the region code where the pipeline reads no names.
func (t *Template) layout(src sources.Config, col0 int) error {
	s := t.spec
	region := ""
	for _, c := range src.Columns {
		if r, ok := s.Validate.Columns[c.Name]; ok && r.RegionLevel != nil && !c.From.IsZero() {
			region = c.Name
			break
		}
	}
	if region == "" {
		for _, c := range src.Columns {
			if c.Name == "region_code" && !c.From.IsZero() {
				region = c.Name
			}
		}
	}
	if region == "" {
		return fmt.Errorf("collect: pipeline %s has no region column (a column with validate.columns.*.region_level, or region_code) to pre-fill", s.Name)
	}
	hasName := false
	for _, c := range src.Columns {
		hasName = hasName || c.Name == "region_name"
	}
	var cols []Column
	for _, c := range src.Columns {
		if c.From.IsZero() {
			continue // a constant, the row number: not in the file
		}
		typ := c.Type
		if typ == "" {
			typ = sources.String
		}
		col := Column{Header: c.From.String(), Name: c.Name, Type: typ, Scale: scaleOf(c)}
		switch {
		case c.Name == region:
			col.role = regionCol
		case c.Name == "region_name":
			col.role = nameCol
		case c.Name == "year" && (typ == sources.Int || typ == sources.String):
			if t.opts.Period == "" {
				return fmt.Errorf("collect: pipeline %s is keyed by year: give the year to fill (--period 2024)", s.Name)
			}
			col.role = yearCol
		}
		t.rules(&col, c)
		cols = append(cols, col)
		if col.role == regionCol && !hasName {
			cols = append(cols, Column{Header: HelperHeader, Type: sources.String, role: nameCol})
		}
	}
	for i := range cols {
		name, err := excelize.ColumnNumberToName(col0 + i)
		if err != nil {
			return err
		}
		cols[i].Cell = name
	}
	t.Columns = cols
	return nil
}

// rules turns the spec's rules of column c into col's drop-down list or
// number range, and says them in Chinese.
func (t *Template) rules(col *Column, c sources.Column) {
	s := t.spec
	var says []string
	if c.Required {
		says = append(says, "必填")
	}
	r := s.Validate.Columns[c.Name]
	if r.Required && !c.Required {
		says = append(says, "必填")
	}
	if m, ok := s.Recode[c.Name]; ok && len(m) > 0 {
		for k := range m {
			col.List = append(col.List, k)
		}
		// In the order the spec writes them.
		sort.Slice(col.List, func(i, j int) bool {
			li, ci := s.Pos("recode." + c.Name + "." + col.List[i])
			lj, cj := s.Pos("recode." + c.Name + "." + col.List[j])
			if li != lj || ci != cj {
				return li < lj || (li == lj && ci < cj)
			}
			return col.List[i] < col.List[j]
		})
	} else if len(r.Allowed) > 0 {
		col.List = append([]string(nil), r.Allowed...)
	}
	if len(col.List) > 0 {
		says = append(says, "从下拉列表中选择："+strings.Join(col.List, "、"))
	}
	if col.Type == sources.Int || col.Type == sources.Float {
		// The rules hold for the warehouse's values, the cell is filled in
		// the source's unit: 3 (万人) is loaded as 30000.
		col.Min, col.Max = unscaled(r.Min, col.Scale), unscaled(r.Max, col.Scale)
		kind := "数字"
		if col.whole() {
			kind = "整数"
		}
		switch {
		case col.Min != nil && col.Max != nil:
			says = append(says, fmt.Sprintf("%s，%s至%s", kind, num(*col.Min), num(*col.Max)))
		case col.Min != nil:
			says = append(says, fmt.Sprintf("%s，不小于%s", kind, num(*col.Min)))
		case col.Max != nil:
			says = append(says, fmt.Sprintf("%s，不大于%s", kind, num(*col.Max)))
		default:
			says = append(says, kind)
		}
	}
	if col.Type == sources.Date {
		says = append(says, "日期，如2024-12-31")
	}
	col.Rule = strings.Join(says, "；")
}

// scaleOf is the factor the source applies to column c's numbers.
func scaleOf(c sources.Column) float64 {
	if c.Scale != 0 {
		return c.Scale
	}
	if c.Unit != "" {
		if f, ok := value.UnitScale(c.Unit); ok {
			return f
		}
	}
	return 1
}

// unscaled is bound v of a warehouse value as a number filled in a unit
// scale times larger, rounded to 12 significant digits (400/0.1 is 4000,
// not 4000.0000000000005).
func unscaled(v *float64, scale float64) *float64 {
	if v == nil || scale == 1 || scale == 0 {
		return v
	}
	u, _ := strconv.ParseFloat(strconv.FormatFloat(*v/scale, 'g', 12, 64), 64)
	return &u
}

// whole says whether the cell takes whole numbers only: an int column
// filled as it is loaded. In a unit such as 万人 an int column takes
// decimals (1.2345 万人 is 12345).
func (c Column) whole() bool { return c.Type == sources.Int && (c.Scale == 1 || c.Scale == 0) }

func num(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", v), "0"), ".")
}

// styles of the data sheet.
type styles struct{ title, note, header, fixed, text, integer, decimal, general int }

func (t *Template) newStyles() (styles, error) {
	f := t.File
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	var st styles
	var errs []error
	add := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		errs = append(errs, err)
		return id
	}
	st.title = add(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	st.note = add(&excelize.Style{Font: &excelize.Font{Color: "666666"}})
	st.header = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	st.fixed = add(&excelize.Style{Border: border, NumFmt: 49,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}}})
	open := &excelize.Protection{Locked: false}
	st.text = add(&excelize.Style{Border: border, NumFmt: 49, Protection: open})
	st.integer = add(&excelize.Style{Border: border, NumFmt: 1, Protection: open})
	st.decimal = add(&excelize.Style{Border: border, NumFmt: 2, Protection: open})
	st.general = add(&excelize.Style{Border: border, NumFmt: 0, Protection: open})
	return st, errors.Join(errs...)
}

// writeData writes the title and note rows, the header, the regions' rows,
// the validations, and protects the sheet.
func (t *Template) writeData(src sources.Config, row0, headerRows int) error {
	f, sh := t.File, t.Sheet
	st, err := t.newStyles()
	if err != nil {
		return err
	}
	first := t.Columns[0].Cell
	if src.SkipRows >= 1 {
		title := fmt.Sprintf("%s%s填报表", t.opts.Region.Name, t.what())
		if t.opts.Period != "" {
			title += fmt.Sprintf("（%s年）", t.opts.Period)
		}
		if err := setStyled(f, sh, fmt.Sprintf("%s%d", first, row0), title, st.title); err != nil {
			return err
		}
	}
	if src.SkipRows >= 2 {
		note := "请只填写本单位所在行，其他行留空（留空的行不读入）；灰色单元格已预填，不能修改；各列口径见“" + InstructionsSheet + "”。"
		if err := setStyled(f, sh, fmt.Sprintf("%s%d", first, row0+1), note, st.note); err != nil {
			return err
		}
	}
	// Headers: a multi-row header is the source header split at "/", top
	// down; the reader joins the rows back with "/".
	for _, c := range t.Columns {
		parts := strings.Split(c.Header, "/")
		if len(parts) > headerRows {
			parts = append(parts[:headerRows-1], strings.Join(parts[headerRows-1:], "/"))
		}
		for i := 0; i < headerRows; i++ {
			cell := fmt.Sprintf("%s%d", c.Cell, t.HeaderRow-headerRows+1+i)
			v := ""
			if i < len(parts) {
				v = parts[i]
			}
			if err := setStyled(f, sh, cell, v, st.header); err != nil {
				return err
			}
		}
		width := 6 + 2*float64(len([]rune(c.Header)))
		if err := f.SetColWidth(sh, c.Cell, c.Cell, min(max(width, 12), 40)); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sh, t.HeaderRow, 32); err != nil {
		return err
	}
	// One row per region.
	for k, r := range t.opts.Children {
		row := t.FirstRow + k
		t.Rows[r.Code] = row
		for _, c := range t.Columns {
			cell := fmt.Sprintf("%s%d", c.Cell, row)
			var err error
			switch c.role {
			case regionCol:
				err = setStyled(f, sh, cell, r.Code, st.fixed)
			case nameCol:
				err = setStyled(f, sh, cell, r.Name, st.fixed)
			case yearCol:
				if c.Type == sources.Int {
					var y int
					if y, err = strconv.Atoi(t.opts.Period); err == nil {
						err = f.SetCellValue(sh, cell, y)
					}
				} else {
					err = f.SetCellStr(sh, cell, t.opts.Period)
				}
				if err == nil {
					err = f.SetCellStyle(sh, cell, cell, st.fixed)
				}
			default:
				style := st.text
				switch {
				case c.whole():
					style = st.integer
				case c.Type == sources.Int:
					style = st.general // 1.2345 万人 shown whole, not as 1.23
				case c.Type == sources.Float:
					style = st.decimal
				}
				err = f.SetCellStyle(sh, cell, cell, style)
			}
			if err != nil {
				return err
			}
		}
	}
	lastRow := t.FirstRow + len(t.opts.Children) - 1
	for _, c := range t.Columns {
		if c.role != fillIn {
			continue
		}
		if err := t.validate(c, lastRow); err != nil {
			return fmt.Errorf("column %q: %w", c.Header, err)
		}
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: t.HeaderRow, TopLeftCell: fmt.Sprintf("A%d", t.FirstRow), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// No password: the department that sends it can lift the protection.
	return f.ProtectSheet(sh, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true,
		FormatColumns: true, FormatRows: true})
}

// validate adds the data validation of fill-in column c.
func (t *Template) validate(c Column, lastRow int) error {
	sqref := fmt.Sprintf("%s%d:%s%d", c.Cell, t.FirstRow, c.Cell, lastRow)
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	switch {
	case len(c.List) > 0:
		if err := dv.SetDropList(c.List); err != nil {
			return err
		}
		dv.SetInput(c.Header, "请从下拉列表中选择："+strings.Join(c.List, "、"))
		dv.SetError(excelize.DataValidationErrorStyleStop, "填写有误", "只能填写下拉列表中的值："+strings.Join(c.List, "、"))
	case c.Type == sources.Int || c.Type == sources.Float:
		typ := excelize.DataValidationTypeDecimal
		if c.whole() {
			typ = excelize.DataValidationTypeWhole
		}
		var err error
		// Bounds as the shortest decimal (0.1, not 0.10000000000000001).
		bound := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		switch {
		case c.Min != nil && c.Max != nil:
			err = dv.SetRange(bound(*c.Min), bound(*c.Max), typ, excelize.DataValidationOperatorBetween)
		case c.Min != nil:
			err = dv.SetRange(bound(*c.Min), 0, typ, excelize.DataValidationOperatorGreaterThanOrEqual)
			dv.Formula2 = ""
		case c.Max != nil:
			err = dv.SetRange(bound(*c.Max), 0, typ, excelize.DataValidationOperatorLessThanOrEqual)
			dv.Formula2 = ""
		default:
			// Any number of the kind: Excel has no "any", so the widest range.
			err = dv.SetRange(-1e15, 1e15, typ, excelize.DataValidationOperatorBetween)
		}
		if err != nil {
			return err
		}
		dv.SetInput(c.Header, "请填写"+strings.TrimPrefix(c.Rule, "必填；"))
		dv.SetError(excelize.DataValidationErrorStyleStop, "填写有误", "本列只能填写"+strings.TrimPrefix(c.Rule, "必填；")+"。")
	default:
		return nil
	}
	return t.File.AddDataValidation(t.Sheet, dv)
}

// what is what the pipeline collects, for the title: its description up to
// the first punctuation, or its name.
func (t *Template) what() string {
	d := t.spec.Description
	if i := strings.IndexAny(d, "（(—-;；,，"); i > 0 {
		d = d[:i]
	}
	d = strings.TrimSpace(d)
	if d == "" || !value.HasHan(d) {
		return t.spec.Name
	}
	return d
}

func setStyled(f *excelize.File, sheet, cell, v string, style int) error {
	if err := f.SetCellStr(sheet, cell, v); err != nil {
		return err
	}
	return f.SetCellStyle(sheet, cell, cell, style)
}

// Fill writes the values of region code's row, by source header: numbers
// of number columns as numbers. It is how the demo and the tests fill a
// returned copy; an unknown header or region is an error.
func (t *Template) Fill(code string, values map[string]string) error {
	row, ok := t.Rows[code]
	if !ok {
		return fmt.Errorf("collect: region %s has no row in the template", code)
	}
	by := map[string]Column{}
	for _, c := range t.Columns {
		by[c.Header] = c
	}
	for h, v := range values {
		c, ok := by[h]
		if !ok {
			return fmt.Errorf("collect: the template has no column %q", h)
		}
		cell := fmt.Sprintf("%s%d", c.Cell, row)
		var err error
		if f, perr := parseNumber(v); perr == nil && (c.Type == sources.Int || c.Type == sources.Float) {
			err = t.File.SetCellValue(t.Sheet, cell, f)
		} else {
			err = t.File.SetCellStr(t.Sheet, cell, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parseNumber(v string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(v), 64) }
