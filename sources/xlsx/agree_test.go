package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"grassroots/sources"
)

// FuzzAgreesWithExcelize: on random workbooks written by excelize — text
// with CJK and XML-special characters, numbers, dates and percentages
// under number formats, booleans, blanks, rows and cells left out, merged
// ranges, shared, inline and rich-text strings, the 1904 date system —
// the streamed reader gives every cell the displayed and the stored value
// that excelize's row iterators give it, merged cells filled.
func FuzzAgreesWithExcelize(f *testing.F) {
	for seed := range uint64(60) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		data := randomWorkbook(t, rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)))
		wantText, wantRaw := excelizeGrid(t, data)
		s, err := openSheet(bytes.NewReader(data), "random.xlsx", sources.Ref{}, "")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var gotText, gotRaw [][]string
		for {
			more, err := s.step()
			if err != nil {
				t.Fatal(err)
			}
			if !more {
				break
			}
			gotText = append(gotText, trimRow(s.text))
			gotRaw = append(gotRaw, trimRow(s.raw))
		}
		compareGrids(t, "displayed", gotText, wantText)
		compareGrids(t, "stored", gotRaw, wantRaw)
	})
}

func trimRow(row []string) []string {
	n := len(row)
	for n > 0 && row[n-1] == "" {
		n--
	}
	return append([]string(nil), row[:n]...)
}

func compareGrids(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	for len(got) > 0 && len(got[len(got)-1]) == 0 {
		got = got[:len(got)-1]
	}
	for len(want) > 0 && len(want[len(want)-1]) == 0 {
		want = want[:len(want)-1]
	}
	for i := range max(len(got), len(want)) {
		var g, w []string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if fmt.Sprintf("%q", g) != fmt.Sprintf("%q", w) {
			t.Errorf("%s row %d:\n got %q\nwant %q", what, i+1, g, w)
		}
	}
}

// excelizeGrid reads the first sheet as the reader did before it streamed
// the XML itself: two excelize row iterators, displayed and raw values,
// merged cells filled with their top-left values.
func excelizeGrid(t *testing.T, data []byte) (text, raw [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	shown, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	store, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for shown.Next() && store.Next() {
		a, err := shown.Columns()
		if err != nil {
			t.Fatal(err)
		}
		b, err := store.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		text, raw = append(text, a), append(raw, b)
	}
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range merges {
		c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		var tv, rv string
		if r1 <= len(text) {
			text[r1-1], raw[r1-1] = pad(text[r1-1], c2), pad(raw[r1-1], c2)
			tv, rv = text[r1-1][c1-1], raw[r1-1][c1-1]
		}
		for r := r1; r <= min(r2, len(text)); r++ {
			text[r-1], raw[r-1] = pad(text[r-1], c2), pad(raw[r-1], c2)
			for c := c1; c <= c2; c++ {
				text[r-1][c-1], raw[r-1][c-1] = tv, rv
			}
		}
	}
	for i := range text {
		text[i], raw[i] = trimRow(text[i]), trimRow(raw[i])
	}
	return text, raw
}

// randomWorkbook writes a workbook of one sheet with random cells, through
// excelize's cell API (shared strings) or its stream writer (inline
// strings).
func randomWorkbook(t *testing.T, r *rand.Rand) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if r.IntN(4) == 0 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	custom := []string{`0.0`, `#,##0`, `yyyy"年"m"月"d"日"`, `yyyy-mm-dd hh:mm`, `0.00%`, `@`, `0;-0;"zero";"text:"@`, `[$-804]yyyy"年"m"月"`, `# ?/?`, `0.00E+00`}
	var style []int
	for _, id := range []int{0, 1, 2, 3, 4, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 37, 44, 45, 46, 47, 49} {
		s, err := f.NewStyle(&excelize.Style{NumFmt: id})
		if err != nil {
			t.Fatal(err)
		}
		style = append(style, s)
	}
	for _, code := range custom {
		s, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		style = append(style, s)
	}
	words := []string{"地区", "常住人口", "黄浦区", "a<b", "x & y", `"quoted"`, "it's", " lead", "trail ", "line\nbreak", "tab\there", "_x0041_ escaped", "12", "0012", "1e5", "TRUE", "#N/A", "—", "emoji 😀", "", "ｆｕｌｌ", "]]>", "&amp;"}
	value := func() any {
		switch r.IntN(10) {
		case 0, 1:
			return words[r.IntN(len(words))] + words[r.IntN(len(words))]
		case 2:
			return r.IntN(2000000) - 1000000
		case 3:
			return r.Float64() * 1e6
		case 4:
			return []float64{0.1, 0.5, 1.0 / 3, 2.4500000000000002, 1e-7, 123456789012.345, 1e20, -0.25, 45291, 45291.75}[r.IntN(10)]
		case 5:
			return time.Date(1900+r.IntN(200), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, time.UTC)
		case 6:
			return r.IntN(2) == 0
		case 7:
			return nil
		case 8:
			return int64(r.Uint64() >> uint(1+r.IntN(63)))
		default:
			return fmt.Sprint(r.IntN(100000))
		}
	}
	rows, cols := 1+r.IntN(40), 1+r.IntN(12)
	stream := r.IntN(2) == 0
	sheet := "Sheet1"
	var merged [][4]int
	for range r.IntN(4) {
		c1, r1 := 1+r.IntN(cols), 1+r.IntN(rows)
		merged = append(merged, [4]int{c1, r1, c1 + r.IntN(3), r1 + r.IntN(3)})
	}
	if stream {
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for row := 1; row <= rows; row++ {
			if r.IntN(6) == 0 {
				continue // a row left out
			}
			cells := make([]any, cols)
			for c := range cells {
				v := value()
				if v == nil || r.IntN(3) == 0 {
					cells[c] = v
				} else {
					cells[c] = excelize.Cell{StyleID: style[r.IntN(len(style))], Value: v}
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range disjoint(merged) {
			a, _ := excelize.CoordinatesToCellName(m[0], m[1])
			b, _ := excelize.CoordinatesToCellName(m[2], m[3])
			if err := sw.MergeCell(a, b); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	} else {
		for row := 1; row <= rows; row++ {
			for c := 1; c <= cols; c++ {
				if r.IntN(4) == 0 {
					continue // a cell left out
				}
				cell, _ := excelize.CoordinatesToCellName(c, row)
				switch v := value(); {
				case r.IntN(12) == 0:
					runs := []excelize.RichTextRun{{Text: words[r.IntN(len(words))]}, {Text: "粗体", Font: &excelize.Font{Bold: true}}}
					if err := f.SetCellRichText(sheet, cell, runs); err != nil {
						t.Fatal(err)
					}
				default:
					if err := f.SetCellValue(sheet, cell, v); err != nil {
						t.Fatal(err)
					}
				}
				if r.IntN(3) > 0 {
					if err := f.SetCellStyle(sheet, cell, cell, style[r.IntN(len(style))]); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		for _, m := range disjoint(merged) {
			a, _ := excelize.CoordinatesToCellName(m[0], m[1])
			b, _ := excelize.CoordinatesToCellName(m[2], m[3])
			if err := f.MergeCell(sheet, a, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// disjoint drops the ranges that overlap one kept before them.
func disjoint(ms [][4]int) [][4]int {
	var out [][4]int
	for _, m := range ms {
		ok := true
		for _, o := range out {
			if m[0] <= o[2] && o[0] <= m[2] && m[1] <= o[3] && o[1] <= m[3] {
				ok = false
			}
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// TestQuirkyXMLAgrees: XML that excelize's writer does not write but
// others do — prefixed elements, CDATA, character references, CR LF line
// ends, comments, cells and rows without r, rows left out, phonetic runs,
// an inline string in runs, error and date (t="d") cells — reads as
// excelize reads it, also when the scanner's buffer cuts every token.
func TestQuirkyXMLAgrees(t *testing.T) {
	rows := "<!-- a comment --><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>前&#x4E2D;&#20013;&lt;&amp;</x:t></x:is></x:c>" +
		"<x:c t=\"inlineStr\"><x:is><x:r><x:rPr><x:b/></x:rPr><x:t xml:space=\"preserve\"> 粗 </x:t></x:r><x:r><x:t>体\r\n行</x:t></x:r><x:rPh sb=\"0\" eb=\"1\"><x:t>ふりがな</x:t></x:rPh></x:is></x:c>" +
		"<x:c r=\"D1\" t=\"inlineStr\"><x:is><x:t><![CDATA[<cdata> & more\r]]></x:t></x:is></x:c></x:row>" +
		"<x:row><x:c r=\"B2\"><x:v>1.50</x:v></x:c><x:c t=\"e\"><x:v>#DIV/0!</x:v></x:c><x:c t=\"d\"><x:v>2023-12-31T12:00:00Z</x:v></x:c><x:c t=\"b\"><x:v>1</x:v></x:c></x:row>" +
		"<x:row r=\"5\"><x:c r=\"C5\" t=\"str\"><x:f>A1&amp;\"x\"</x:f><x:v>a&amp;x</x:v></x:c><x:c r=\"E5\"><x:v>1E+3</x:v></x:c><x:c r=\"F5\"><x:v>0.1000000000000000055511151231257827</x:v></x:c></x:row>" +
		"<x:row r=\"7\"/><x:row r=\"8\" spans=\"1:3\"><x:c r=\"A8\" t=\"inlineStr\"><x:is><x:t>_x0041_ and _x005F_x0041_</x:t></x:is></x:c></x:row>"
	data := sheetWorkbook(t, rows)
	wantText, wantRaw := excelizeGrid(t, data)
	for _, size := range []int{256 << 10, 1, 7} {
		scanBufferSize = size
		s, err := openSheet(bytes.NewReader(data), "quirky.xlsx", sources.Ref{}, "")
		if err != nil {
			t.Fatal(err)
		}
		var gotText, gotRaw [][]string
		for {
			more, err := s.step()
			if err != nil {
				t.Fatal(err)
			}
			if !more {
				break
			}
			gotText, gotRaw = append(gotText, trimRow(s.text)), append(gotRaw, trimRow(s.raw))
		}
		s.Close()
		compareGrids(t, fmt.Sprintf("displayed (buffer %d)", size), gotText, wantText)
		compareGrids(t, fmt.Sprintf("stored (buffer %d)", size), gotRaw, wantRaw)
	}
	scanBufferSize = 256 << 10
	if len(wantText) < 8 || wantText[0][0] != "前中中<&" {
		t.Errorf("excelize read %q", wantText)
	}
}

// sheetWorkbook is a workbook of one sheet whose <sheetData> (prefix x:)
// holds rows.
func sheetWorkbook(t *testing.T, rows string) []byte {
	t.Helper()
	parts := [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="A1:F8"/><x:sheetData>` + rows + `</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="E1:F2"/></x:mergeCells></x:worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
