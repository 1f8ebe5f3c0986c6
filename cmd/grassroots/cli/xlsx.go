package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the result as one sheet of an Excel workbook: a bold,
// frozen header row, numbers as numbers, dates as dates, column widths fitted
// to the (display) width of the contents. Commands that hand data back to
// analysts (query results, exports, quarantined rows) all write workbooks
// through here.
func (r *Result) WriteXLSX(w io.Writer, sheet string) error {
	x := excelize.NewFile()
	defer x.Close()
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"#E8EEF7"}, Pattern: 1}})
	if err != nil {
		return err
	}
	dateStyle, err := x.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	fixedStyle := fixedStyles(x)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	widths := make([]int, len(r.Columns))
	head := make([]any, len(r.Columns))
	for i, c := range r.Columns {
		head[i] = excelize.Cell{StyleID: bold, Value: c}
		widths[i] = displayWidth(c)
	}
	rows := make([][]any, len(r.Rows))
	for n, row := range r.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			if f, ok := v.(Fixed); ok {
				cells[i] = excelize.Cell{StyleID: fixedStyle(f.Decimals), Value: f.V}
			} else {
				cells[i] = xlsxValue(v, r.Types[i], dateStyle)
			}
			s, _ := text(v, r.Types[i])
			widths[i] = max(widths[i], min(displayWidth(s), 60))
		}
		rows[n] = cells
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(wd)+2); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for n, cells := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// fixedStyles returns the style of a workbook's cells that show a number
// with d decimals (Fixed: 67.0 stays a number, formatted 0.0), made once.
func fixedStyles(x *excelize.File) func(d int) int {
	styles := map[int]int{}
	return func(d int) int {
		if id, ok := styles[d]; ok {
			return id
		}
		f := "0"
		if d > 0 {
			f += "." + strings.Repeat("0", d)
		}
		id, err := x.NewStyle(&excelize.Style{CustomNumFmt: &f})
		if err != nil {
			return 0
		}
		styles[d] = id
		return id
	}
}

func xlsxValue(v any, typ string, dateStyle int) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool, string, int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, float32, float64:
		return x
	case time.Time:
		if typ == "DATE" {
			return excelize.Cell{StyleID: dateStyle, Value: x}
		}
	}
	s, _ := text(v, typ)
	return s
}
