package xlsx

import (
	"bytes"
	"fmt"
	"strings"
)

// A formula cell keeps its last result in <v>. A workbook written by a
// program (excelize's SetCellFormula, openpyxl) and never opened in Excel
// has the formula and no result, which excelize reads as an empty cell: a
// value silently NULL, and a row of such cells taken for a blank one. The
// row's parse (parseRow) notes those cells; step shows each as its formula ("=SUM(B7:C7)") and Fault tells the table reader that the
// cell cannot be read. A saved empty text (<c t="str"><f>…</f><v></v></c>)
// is a result like any other.

// unsaved is a formula cell without a saved value.
type unsaved struct {
	col  int
	ref  string // D7
	text string // =SUM(B7:C7)
}

var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&")

// cellRef parses a cell reference such as D7 (without allocating: every
// cell of the sheet has one).
func cellRef(r []byte) (col, row int, ok bool) {
	i := 0
	for ; i < len(r) && r[i] >= 'A' && r[i] <= 'Z'; i++ {
		col = col*26 + int(r[i]-'A'+1)
	}
	if i == 0 || i == len(r) || i > 3 {
		return 0, 0, false
	}
	for ; i < len(r); i++ {
		if r[i] < '0' || r[i] > '9' {
			return 0, 0, false
		}
		row = row*10 + int(r[i]-'0')
	}
	return col, row, row > 0
}

// attr returns the value of attribute name in el.
func attr(el []byte, name string) ([]byte, bool) {
	for i := 0; i < len(el); {
		j := bytes.Index(el[i:], []byte(name))
		if j < 0 {
			return nil, false
		}
		j += i
		k := j + len(name)
		if j > 0 && (el[j-1] == ' ' || el[j-1] == '\t' || el[j-1] == '\n' || el[j-1] == '\r') &&
			k+1 < len(el) && el[k] == '=' && (el[k+1] == '"' || el[k+1] == '\'') {
			end := bytes.IndexByte(el[k+2:], el[k+1])
			if end < 0 {
				return nil, false
			}
			return el[k+2 : k+2+end], true
		}
		i = k
	}
	return nil, false
}

// showFormulas writes the formulas of the current row's unsaved cells into
// s.text, widening the row if need be.
func (s *sheetRows) showFormulas() {
	for _, u := range s.formulas {
		if u.col > s.width {
			s.width = u.col
			s.text, s.raw = pad(s.text, s.width), pad(s.raw, s.width)
		}
		s.text[u.col-1] = u.text
	}
}

// Fault implements sources.CellFaults: cell i of the row Next last returned
// is a formula without a saved value.
func (s *sheetRows) Fault(i int) error {
	if len(s.formulas) == 0 || s.outRow == 0 || s.outRow != s.row {
		return nil
	}
	col := i + 1
	if s.c1 > 0 {
		col += s.c1 - 1
	}
	for _, u := range s.formulas {
		if u.col == col {
			return fmt.Errorf("is a formula with no saved value (cell %s); open the workbook in Excel and save it", u.ref)
		}
	}
	return nil
}
