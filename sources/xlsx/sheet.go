package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"grassroots/sources"
)

// sheetRows streams one sheet as sources.Rows: displayed and stored values
// from two excelize row iterators moved in step, merged cells filled with
// their top-left value, rows padded to the sheet's width, cut to a range.
type sheetRows struct {
	f            *excelize.File
	shown, store *excelize.Rows
	sheet        string
	sheets       []string
	name         string

	merges []merge
	width  int
	// formulas holds the formula cells without a saved value, by sheet row;
	// outRow is the sheet row Next last returned (0 for a held blank row).
	formulas map[int][]unsaved
	outRow   int
	// cut range, 1-based, inclusive (0 = open)
	c1, r1, c2, r2 int

	row        int  // sheet row of the last iterator step
	held       int  // blank rows read before the pending one, not handed out yet
	pending    bool // s.text/s.raw hold a row not handed out yet
	text, raw  []string
	outT, outR []string
	blankRow   []string
	done       bool
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
	data = onlySheet(data, sheet)
	f, err := excelize.OpenReader(bytes.NewReader(data))
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
	// Merged ranges and the sheet's width come from a scan of the sheet's
	// XML for its <dimension> and <mergeCell> elements: excelize's
	// GetMergeCells parses the whole worksheet into memory (~900 MB for a
	// 100,000-row sheet), which is what streaming the rows avoids.
	if err := s.scanLayout(data); err != nil {
		return nil, fmt.Errorf("xlsx: %s: sheet %q: %w", name, s.sheet, err)
	}
	if rng != "" {
		if s.c1, s.r1, s.c2, s.r2, err = parseRange(rng); err != nil {
			return nil, fmt.Errorf("xlsx: %s: range %q: %w", name, rng, err)
		}
	}
	if s.shown, err = f.Rows(s.sheet); err != nil {
		return nil, fmt.Errorf("xlsx: %s: sheet %q: %w", name, s.sheet, err)
	}
	if s.store, err = f.Rows(s.sheet); err != nil {
		return nil, fmt.Errorf("xlsx: %s: sheet %q: %w", name, s.sheet, err)
	}
	ok = true
	return s, nil
}

// step reads the next sheet row into s.text and s.raw, merged cells filled
// and padded to the width; false at the end.
func (s *sheetRows) step() (bool, error) {
	a, b := s.shown.Next(), s.store.Next()
	if !a || !b {
		if err := s.shown.Error(); err != nil {
			return false, fmt.Errorf("xlsx: %s: sheet %q: %w", s.name, s.sheet, err)
		}
		return false, nil
	}
	s.row++
	text, err := s.shown.Columns()
	if err != nil {
		return false, fmt.Errorf("xlsx: %s: sheet %q row %d: %w", s.name, s.sheet, s.row, err)
	}
	raw, err := s.store.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return false, fmt.Errorf("xlsx: %s: sheet %q row %d: %w", s.name, s.sheet, s.row, err)
	}
	s.width = max(s.width, len(text), len(raw))
	s.text = pad(append(s.text[:0], text...), s.width)
	s.raw = pad(append(s.raw[:0], raw...), s.width)
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
	for _, r := range []*excelize.Rows{s.shown, s.store} {
		if r != nil {
			r.Close()
		}
	}
	return s.f.Close()
}

// scanLayout finds the sheet's part in the package and reads its width
// (<dimension ref="A1:H40">) and merged ranges (<mergeCell ref="A3:A4">)
// without parsing its rows: the elements are found by a byte scan of the
// decompressed XML, and only they are decoded.
func (s *sheetRows) scanLayout(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	part, err := sheetPart(zr, s.sheet)
	if err != nil {
		return err
	}
	var zf *zip.File
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, part) {
			zf = f
		}
	}
	if zf == nil {
		return fmt.Errorf("the workbook has no part %s", part)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 1<<16)
	var fs formulaScan
	defer func() { s.formulas = fs.found }()
	for {
		tag, err := br.ReadSlice('>')
		if err == bufio.ErrBufferFull {
			fs.text(nil, true) // a text longer than the buffer: not one we keep
			for err == bufio.ErrBufferFull {
				tag, err = br.ReadSlice('>')
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		lt := bytes.LastIndexByte(tag, '<')
		if lt < 0 {
			fs.text(tag, false) // a '>' in a text
			continue
		}
		fs.text(tag[:lt], false)
		el := tag[lt+1:]
		end := len(el) > 0 && el[0] == '/'
		local := el
		if end {
			local = el[1:]
		}
		if sp := bytes.IndexAny(local, " \t\r\n/>"); sp >= 0 {
			local = local[:sp]
		}
		if c := bytes.IndexByte(local, ':'); c >= 0 {
			local = local[c+1:]
		}
		fs.element(end, local, el)
		if end {
			continue
		}
		switch string(local) {
		case "dimension", "mergeCell":
		default:
			continue
		}
		var e struct {
			Ref string `xml:"ref,attr"`
		}
		src := append([]byte(nil), tag[lt:]...)
		if !bytes.HasSuffix(src, []byte("/>")) {
			src = append(src[:len(src)-1], "/>"...)
		}
		if err := xml.Unmarshal(src, &e); err != nil {
			continue
		}
		a, b, ok := strings.Cut(strings.ReplaceAll(e.Ref, "$", ""), ":")
		if !ok {
			b = a
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(a)
		c2, r2, err2 := excelize.CellNameToCoordinates(b)
		if err1 != nil || err2 != nil {
			continue
		}
		if string(local) == "dimension" {
			s.width = max(s.width, c2)
			continue
		}
		// A merged range's cells exist whatever <dimension> says: streaming
		// writers (excelize's StreamWriter among them) write "A1" there.
		s.width = max(s.width, c1, c2)
		s.merges = append(s.merges, merge{c1: min(c1, c2), r1: min(r1, r2), c2: max(c1, c2), r2: max(r1, r2)})
	}
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

// onlySheet returns the workbook with every worksheet but the one sheet
// names replaced by an empty one. Opening a workbook unzips every part, so a
// backfill reading a workbook of one sheet per year (a period each) would
// otherwise unzip all of them once per period. The other sheets keep their
// names, so the sheet list and its messages are unchanged. Anything
// unexpected leaves data as it is.
func onlySheet(data []byte, sheet sources.Ref) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return data
	}
	names, parts, err := sheetParts(zr)
	if err != nil || len(names) < 2 {
		return data
	}
	want := -1
	for i, n := range names {
		switch {
		case sheet.Pos > 0 && i == sheet.Pos-1,
			sheet.Pos == 0 && sheet.Name == "" && i == 0,
			sheet.Name != "" && strings.TrimSpace(n) == strings.TrimSpace(sheet.Name):
			want = i
		}
	}
	if want < 0 {
		return data
	}
	empty := map[string]bool{} // worksheet parts to empty, lower-cased
	for i, p := range parts {
		if i != want && p != "" {
			empty[strings.ToLower(p)] = true
		}
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if !empty[strings.ToLower(f.Name)] {
			if zw.Copy(f) != nil {
				return data
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return data
		}
		if _, err := io.WriteString(w, emptySheet); err != nil {
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
