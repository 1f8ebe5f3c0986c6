package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"grassroots/sources"
)

// sheetRows streams one sheet as sources.Rows: the sheet's XML read as a
// stream by scanner, each cell's displayed and stored value as excelize
// gives them (cell.go), merged cells filled with their top-left value,
// rows padded to the sheet's width, cut to a range. excelize reads the
// workbook's metadata (a copy without the worksheets' rows and the shared
// strings) and applies number formats.
type sheetRows struct {
	f      *excelize.File
	rc     io.ReadCloser
	sc     *scanner
	sst    []string
	styles *styles
	sheet  string
	sheets []string
	name   string

	merges []merge
	width  int
	// formulas holds the current row's formula cells without a saved value;
	// outRow is the sheet row Next last returned (0 for a held blank row).
	formulas []unsaved
	outRow   int
	// cut range, 1-based, inclusive (0 = open)
	c1, r1, c2, r2 int

	row        int  // sheet row of the last step
	ahead      int  // number of the <row> element read but not parsed (0: none)
	lastEl     int  // number of the last <row> element
	sheetEnd   bool // the scanner is past </sheetData>
	selfClosed bool // the <row> element read ahead has no cells (<row/>)
	held       int  // blank rows read before the pending one, not handed out yet
	pending    bool // s.text/s.raw hold a row not handed out yet
	text, raw  []string
	outT, outR []string
	blankRow   []string
	done       bool

	cells      []cellRec // the row being parsed
	arena, own []byte    // its values' bytes
}

// cellRec is a <c> element of the row being parsed: its values are bytes
// of sheetRows.arena.
type cellRec struct {
	col, style  int
	typ         cellType
	v0, v1      int // <v>
	is0, is1    int // <is>
	hasIS, hasF bool
	unsaved     bool
	f0, f1      int // <f>, as written
	refOK       bool
	ref0, ref1  int // the r attribute, when it is a plain reference
}

// merge is a merged range with the top-left value once its first row is read.
type merge struct {
	c1, r1, c2, r2 int
	text, raw      string
}

func openSheet(r io.Reader, name string, sheet sources.Ref, rng string) (*sheetRows, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", name, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(metadata(data)))
	if err != nil {
		if why := identify(data); why != nil {
			return nil, fmt.Errorf("xlsx: %s: %w", name, why)
		}
		return nil, fmt.Errorf("xlsx: %s: not a readable workbook: %w", name, err)
	}
	s := &sheetRows{f: f, name: name}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	list := f.GetSheetList()
	s.sheets = list
	switch {
	case sheet.Pos > 0:
		if sheet.Pos > len(list) {
			return nil, fmt.Errorf("xlsx: %s: sheet %d not found: the workbook has %d sheets (%s)", name, sheet.Pos, len(list), strings.Join(list, ", "))
		}
		s.sheet = list[sheet.Pos-1]
	case sheet.Name != "":
		for _, l := range list {
			if l == sheet.Name || strings.TrimSpace(l) == strings.TrimSpace(sheet.Name) {
				s.sheet = l
			}
		}
		if s.sheet == "" {
			return nil, fmt.Errorf("xlsx: %s: sheet %q not found (have: %s)", name, sheet.Name, strings.Join(list, ", "))
		}
	default:
		if len(list) == 0 {
			return nil, fmt.Errorf("xlsx: %s: the workbook has no sheets", name)
		}
		s.sheet = list[0]
	}
	if rng != "" {
		if s.c1, s.r1, s.c2, s.r2, err = parseRange(rng); err != nil {
			return nil, fmt.Errorf("xlsx: %s: range %q: %w", name, rng, err)
		}
	}
	if err := s.open(data); err != nil {
		return nil, fmt.Errorf("xlsx: %s: sheet %q: %w", name, s.sheet, err)
	}
	ok = true
	return s, nil
}

// open finds the sheet's part, reads its layout, the shared strings and
// the styles, and starts the stream over its rows.
func (s *sheetRows) open(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	part, err := sheetPart(zr, s.sheet)
	if err != nil {
		return err
	}
	zf := findPart(zr, part)
	if zf == nil {
		return fmt.Errorf("the workbook has no part %s", part)
	}
	// Merged ranges and the sheet's width come from a scan of the sheet's
	// XML for its <dimension> and <mergeCell> elements (the merged ranges
	// follow the rows), before the rows are read.
	if err := s.scanLayout(zf); err != nil {
		return err
	}
	if s.sst, err = readSharedStrings(zr); err != nil {
		return fmt.Errorf("shared strings: %w", err)
	}
	if s.styles, err = readStyles(zr, s.f, s.sheet); err != nil {
		return fmt.Errorf("styles: %w", err)
	}
	if s.rc, err = zf.Open(); err != nil {
		return err
	}
	s.sc = newScanner(s.rc)
	return nil
}

// step reads the next sheet row into s.text and s.raw, merged cells filled
// and padded to the width; false at the end. Rows the sheet leaves out are
// empty rows, as excelize's iterator gives them.
func (s *sheetRows) step() (bool, error) {
	if s.ahead == 0 && !s.sheetEnd {
		n, err := s.nextRowElement()
		if err != nil {
			return false, fmt.Errorf("xlsx: %s: sheet %q: %w", s.name, s.sheet, err)
		}
		s.ahead = n
	}
	if s.ahead == 0 {
		if err := s.sc.err; err != nil {
			return false, fmt.Errorf("xlsx: %s: sheet %q: %w", s.name, s.sheet, err)
		}
		return false, nil
	}
	s.row++
	s.text, s.raw, s.formulas = s.text[:0], s.raw[:0], s.formulas[:0]
	if s.row >= s.ahead {
		s.ahead = 0
		if err := s.parseRow(); err != nil {
			return false, fmt.Errorf("xlsx: %s: sheet %q row %d: %w", s.name, s.sheet, s.row, err)
		}
	}
	s.width = max(s.width, len(s.text), len(s.raw))
	s.text = pad(s.text, s.width)
	s.raw = pad(s.raw, s.width)
	s.showFormulas()
	for i := range s.merges {
		m := &s.merges[i]
		if s.row < m.r1 || s.row > m.r2 || m.c1 > s.width {
			continue
		}
		if s.row == m.r1 {
			m.text, m.raw = s.text[m.c1-1], s.raw[m.c1-1]
		}
		for x := m.c1; x <= min(m.c2, s.width); x++ {
			s.text[x-1], s.raw[x-1] = m.text, m.raw
		}
	}
	return true, nil
}

// nextRowElement reads up to the next <row> start tag and returns the
// sheet row it holds: its r attribute, or the one after the last; never a
// row already read (excelize's iterator hands such a row out next). 0 at
// the end of <sheetData>.
func (s *sheetRows) nextRowElement() (int, error) {
	for {
		t := s.sc.next()
		switch t.kind {
		case tokEOF:
			s.sheetEnd = true
			return 0, nil
		case tokEnd:
			if string(t.local) == "sheetData" {
				s.sheetEnd = true
				return 0, nil
			}
		case tokStart:
			if string(t.local) != "row" {
				continue
			}
			n := s.lastEl + 1
			if r, ok := attr(t.tag, "r"); ok {
				if v, err := strconv.Atoi(string(r)); err == nil && v != 0 {
					n = v
				}
			}
			if n > excelize.TotalRows {
				return 0, errMaxRows
			}
			s.lastEl = n
			if t.selfClosing {
				s.selfClosed = true
			}
			return max(n, s.row+1), nil
		}
	}
}

// parseRow reads the cells of the row whose start tag nextRowElement read,
// into s.text and s.raw as excelize's row iterator returns them: a cell
// counts when its value is not empty or it has a formula, and is placed
// after blanks at its column.
func (s *sheetRows) parseRow() error {
	s.cells, s.arena = s.cells[:0], s.arena[:0]
	if s.selfClosed {
		s.selfClosed = false
		return nil
	}
	col := 0
	for {
		t := s.sc.next()
		switch t.kind {
		case tokEOF:
			s.sheetEnd = true
			return s.values()
		case tokEnd:
			switch string(t.local) {
			case "row":
				return s.values()
			case "sheetData":
				s.sheetEnd = true
				return s.values()
			}
		case tokStart:
			if string(t.local) != "c" {
				continue
			}
			c := cellRec{col: col + 1}
			if r, ok := attr(t.tag, "r"); ok {
				cc, _, ok := cellRef(r)
				if !ok {
					var err error
					if cc, _, err = excelize.CellNameToCoordinates(string(r)); err != nil {
						return err
					}
				} else {
					c.refOK = true
					c.ref0 = len(s.arena)
					s.arena = append(s.arena, r...)
					c.ref1 = len(s.arena)
				}
				c.col = cc
			}
			col = c.col
			if v, ok := attr(t.tag, "s"); ok {
				c.style, _ = strconv.Atoi(string(v))
			}
			if v, ok := attr(t.tag, "t"); ok {
				c.typ = parseType(v)
			}
			if !t.selfClosing {
				s.readCell(&c)
			}
			s.cells = append(s.cells, c)
		}
	}
}

// readCell reads the children of a <c> element: <v>, <f>, <is>.
func (s *sheetRows) readCell(c *cellRec) {
	hasV, vEmpty := false, true
	for {
		t := s.sc.next()
		switch t.kind {
		case tokEOF, tokEnd:
			c.unsaved = c.hasF && (!hasV || vEmpty && c.typ != typeFormulaStr)
			return
		case tokStart:
			switch string(t.local) {
			case "v":
				hasV = true
				c.v0 = len(s.arena)
				if t.selfClosing {
					c.v1 = c.v0
					continue
				}
				for t = s.sc.next(); t.kind == tokText; t = s.sc.next() {
					s.arena = appendText(s.arena, t.raw, t.cdata)
					if len(bytes.TrimSpace(t.raw)) > 0 {
						vEmpty = false
					}
				}
				c.v1 = len(s.arena)
			case "f":
				c.hasF = true
				c.f0 = len(s.arena)
				if t.selfClosing {
					c.f1 = c.f0
					continue
				}
				for t = s.sc.next(); t.kind == tokText; t = s.sc.next() {
					s.arena = append(s.arena, t.raw...)
				}
				c.f1 = len(s.arena)
			case "is":
				c.hasIS = true
				c.is0 = len(s.arena)
				if !t.selfClosing {
					s.arena, s.own = readRichText(s.sc, s.arena, s.own)
				}
				c.is1 = len(s.arena)
			default:
				if !t.selfClosing {
					s.sc.skipElement()
				}
			}
		}
	}
}

// values turns the row's cells into s.text and s.raw.
func (s *sheetRows) values() error {
	if len(s.cells) == 0 {
		return nil
	}
	all := string(s.arena) // one string for the row's bytes
	for i := range s.cells {
		c := &s.cells[i]
		text, raw := s.value(c, all)
		if text != "" || c.hasF {
			s.text = place(s.text, c.col, text)
		}
		if raw != "" || c.hasF {
			s.raw = place(s.raw, c.col, raw)
		}
		if c.unsaved {
			u := unsaved{col: c.col, text: "=" + unescape.Replace(all[c.f0:c.f1])}
			if c.f0 == c.f1 {
				u.text = "=(shared formula)" // <f t="shared" si="0"/>: the text is in another cell
			}
			if c.refOK {
				u.ref = all[c.ref0:c.ref1]
			} else {
				u.ref, _ = excelize.CoordinatesToCellName(c.col, s.row)
			}
			s.formulas = append(s.formulas, u)
		}
	}
	return nil
}

// value is a cell's displayed and stored value, as excelize's
// getValueFrom gives them.
func (s *sheetRows) value(c *cellRec, all string) (text, raw string) {
	v := all[c.v0:c.v1]
	switch c.typ {
	case typeBool:
		switch v {
		case "1":
			return "TRUE", v
		case "0":
			return "FALSE", v
		}
		return s.styles.text(c.style, v), v
	case typeDate:
		return s.styles.number(c.style, shownDate(v)), v
	case typeShared:
		if v == "" {
			return s.styles.text(c.style, ""), ""
		}
		i, _ := strconv.Atoi(strings.TrimSpace(v))
		if i < 0 || i >= len(s.sst) {
			return "", "" // excelize: an invalid index reads as nothing
		}
		str := s.sst[i]
		return s.styles.text(c.style, str), str
	case typeFormulaStr:
		return v, v
	case typeInline:
		if c.hasIS {
			str := bstrUnmarshal(all[c.is0:c.is1])
			return s.styles.text(c.style, str), str
		}
		return s.styles.text(c.style, v), v
	}
	return s.styles.number(c.style, shownNumber(v)), v
}

// place puts v at 1-based column col of row as excelize's row iterator
// does: after blanks up to the column, or at the end when the row is
// already past it.
func place(row []string, col int, v string) []string {
	for len(row) < col-1 {
		row = append(row, "")
	}
	return append(row, v)
}

func pad(row []string, n int) []string {
	for len(row) < n {
		row = append(row, "")
	}
	return row
}

// Next implements sources.Rows. Blank rows are held back until a row with
// content follows, so that trailing empty (formatted) rows are not rows.
func (s *sheetRows) Next() ([]string, int64, error) {
	for {
		if s.pending && s.held > 0 {
			s.held--
			// A row of its own: s.text holds the pending row.
			if len(s.blankRow) != s.width {
				s.blankRow = make([]string, s.width)
			}
			s.outT, s.outR = s.cut(s.blankRow), s.cut(s.blankRow)
			s.outRow = 0
			return s.outT, int64(s.row - s.held - 1), nil
		}
		if s.pending {
			s.pending = false
			s.outT, s.outR = s.cut(s.text), s.cut(s.raw)
			s.outRow = s.row
			return s.outT, int64(s.row), nil
		}
		if s.done {
			return nil, 0, io.EOF
		}
		more, err := s.step()
		if err != nil {
			return nil, 0, err
		}
		switch {
		case !more || s.r2 > 0 && s.row > s.r2:
			s.done = true
		case s.r1 > 0 && s.row < s.r1:
		case empty(s.text) && empty(s.raw):
			s.held++
		default:
			s.pending = true
		}
	}
}

// cut returns the range's columns of row (all without a range).
func (s *sheetRows) cut(row []string) []string {
	if s.c1 == 0 {
		return row
	}
	return row[min(s.c1-1, len(row)):min(s.c2, len(row))]
}

func empty(row []string) bool {
	for _, c := range row {
		if c != "" {
			return false
		}
	}
	return true
}

// Raw implements sources.RawRows: the stored values of the last row.
func (s *sheetRows) Raw() []string { return s.outR }

// MergedHeaders implements sources.MergedHeaders.
func (s *sheetRows) MergedHeaders() bool { return true }

// Close implements sources.Rows.
func (s *sheetRows) Close() error {
	if s.rc != nil {
		s.rc.Close()
	}
	return s.f.Close()
}

// scanLayout reads the sheet's width (<dimension ref="A1:H40">) and merged
// ranges (<mergeCell ref="A3:A4">) from its part without reading its rows:
// the elements are found by a byte search of the decompressed XML.
func (s *sheetRows) scanLayout(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	buf := make([]byte, 0, 1<<20)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // a tag longer than the buffer
		}
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		eof := err == io.EOF
		if err != nil && !eof {
			return err
		}
		keep := s.layoutTags(buf, eof)
		buf = buf[:copy(buf, buf[keep:])]
		if eof {
			return nil
		}
	}
}

var dimensionName, mergeCellName = []byte("dimension"), []byte("mergeCell")

// layoutTags takes the <dimension> and <mergeCell> tags in buf and returns
// where the bytes not yet looked at start (a tag cut by the buffer's end,
// or the last few bytes, which may start a name).
func (s *sheetRows) layoutTags(buf []byte, eof bool) int {
	done := 0
	next := [2]int{-2, -2} // the next hit of each name at or after i (-1: none)
	for i := 0; ; {
		for k, name := range [][]byte{dimensionName, mergeCellName} {
			if next[k] == -2 || next[k] >= 0 && next[k] < i {
				next[k] = bytes.Index(buf[i:], name)
				if next[k] >= 0 {
					next[k] += i
				}
			}
		}
		k := 0
		if next[0] < 0 || next[1] >= 0 && next[1] < next[0] {
			k = 1
		}
		j := next[k]
		if j < 0 {
			break
		}
		name := dimensionName
		if k == 1 {
			name = mergeCellName
		}
		i = j + len(name)
		// the name of an element: after '<' or a prefix, before a space,
		// '/' or '>'
		lt := j - 1
		for lt >= 0 && buf[lt] != '<' && buf[lt] != '>' && buf[lt] != ' ' && buf[lt] != '"' {
			lt--
		}
		if lt < 0 || buf[lt] != '<' || (lt != j-1 && buf[j-1] != ':') {
			continue
		}
		if i >= len(buf) {
			if !eof {
				return lt
			}
			continue
		}
		if c := buf[i]; c != ' ' && c != '/' && c != '>' && c != '\t' && c != '\r' && c != '\n' {
			continue
		}
		gt := bytes.IndexByte(buf[i:], '>')
		if gt < 0 {
			if !eof {
				return lt
			}
			continue
		}
		gt += i
		done = gt + 1
		i = done
		s.layoutTag(k == 0, buf[lt+1:gt])
	}
	if eof {
		return len(buf)
	}
	return max(done, len(buf)-len(mergeCellName)-64)
}

func (s *sheetRows) layoutTag(dimension bool, el []byte) {
	ref, ok := attr(el, "ref")
	if !ok {
		return
	}
	a, b, ok := strings.Cut(strings.ReplaceAll(string(ref), "$", ""), ":")
	if !ok {
		b = a
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil {
		return
	}
	if dimension {
		s.width = max(s.width, c2)
		return
	}
	// A merged range's cells exist whatever <dimension> says: streaming
	// writers (excelize's StreamWriter among them) write "A1" there.
	s.width = max(s.width, c1, c2)
	s.merges = append(s.merges, merge{c1: min(c1, c2), r1: min(r1, r2), c2: max(c1, c2), r2: max(r1, r2)})
}

// sheetPart finds the zip path of the named sheet through the workbook and
// its relationships.
func sheetPart(zr *zip.Reader, sheet string) (string, error) {
	names, parts, err := sheetParts(zr)
	if err != nil {
		return "", err
	}
	for i, n := range names {
		if n == sheet && parts[i] != "" {
			return parts[i], nil
		}
	}
	return "", fmt.Errorf("no part for sheet %q in the workbook's relationships", sheet)
}

// sheetParts lists the workbook's sheets in order with the zip path of each
// one's part, from the workbook and its relationships.
func sheetParts(zr *zip.Reader) (names, parts []string, err error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXML(zr, "xl/workbook.xml", &wb); err != nil {
		return nil, nil, err
	}
	if err := readXML(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, nil, err
	}
	for _, sh := range wb.Sheets {
		part := ""
		for _, r := range rels.Rels {
			if r.ID == sh.ID {
				part = path.Join("xl", r.Target)
				if strings.HasPrefix(r.Target, "/") {
					part = strings.TrimPrefix(r.Target, "/")
				}
			}
		}
		names, parts = append(names, sh.Name), append(parts, part)
	}
	return names, parts, nil
}

// emptySheet stands in for the worksheets a read does not need.
const emptySheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`

// emptySST stands in for the shared strings in the metadata copy.
const emptySST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>`

// metadata returns the workbook with every worksheet emptied and no shared
// strings: what excelize opens for the sheet list, the styles and the
// number formats. The rows are streamed from data itself, so the copy
// spares excelize unzipping and holding them. Anything unexpected leaves
// data as it is.
func metadata(data []byte) []byte {
	return withEmptySheets(data, func(int, string) bool { return true }, true)
}

// withEmptySheets returns the workbook with the worksheets empty says
// (by position and name) replaced by an empty one, and with an empty
// shared string table if noStrings.
func withEmptySheets(data []byte, empty func(int, string) bool, noStrings bool) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return data
	}
	names, parts, err := sheetParts(zr)
	if err != nil {
		return data
	}
	replace := map[string]string{} // part, lower-cased: its new content
	for i, p := range parts {
		if p != "" && empty(i, names[i]) {
			replace[strings.ToLower(p)] = emptySheet
		}
	}
	if noStrings {
		replace["xl/sharedstrings.xml"] = emptySST
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		content, ok := replace[strings.ToLower(f.Name)]
		if !ok {
			if zw.Copy(f) != nil {
				return data
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return data
		}
		if _, err := io.WriteString(w, content); err != nil {
			return data
		}
	}
	if zw.Close() != nil {
		return data
	}
	return out.Bytes()
}

func readXML(zr *zip.Reader, name string, v any) error {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			return xml.NewDecoder(rc).Decode(v)
		}
	}
	return fmt.Errorf("the workbook has no part %s", name)
}
