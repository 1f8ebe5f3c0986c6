package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// A cell's value is read as excelize v2 reads it, so that the text a reader
// sees and the stored value behind it (Raw) are what they were when
// excelize's row iterator read the sheet: the rules below follow its
// getValueFrom, getCellDefault, getCellBool, getCellDate, xlsxSI.String
// and bstrUnmarshal. Number formats are applied by excelize itself (format
// below), through a scratch cell, except for the two formats whose result
// is plain: General and "0" for integers.

// cellType is the t attribute of a <c> element.
type cellType uint8

const (
	typeNumber     cellType = iota // absent, "n", "e" and anything unknown
	typeShared                     // "s"
	typeInline                     // "inlineStr"
	typeFormulaStr                 // "str"
	typeBool                       // "b"
	typeDate                       // "d"
)

func parseType(t []byte) cellType {
	switch string(t) {
	case "s":
		return typeShared
	case "inlineStr":
		return typeInline
	case "str":
		return typeFormulaStr
	case "b":
		return typeBool
	case "d":
		return typeDate
	}
	return typeNumber
}

// numeric is excelize's isNumeric: whether s parses as a float, the count
// of its digits written without exponent, and its value.
func numeric(s string) (bool, int, float64) {
	if strings.Contains(s, "_") {
		return false, 0, 0
	}
	flt, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false, 0, 0
	}
	plain := strconv.FormatFloat(flt, 'f', -1, 64)
	return true, len(plain) - strings.Count(plain, "."), flt
}

// plainNumber reports whether s is a decimal that reads back from a double
// as written: an optional minus, no leading zeros, no trailing zeros after
// the point, no exponent, at most 15 digits. Most stored numbers are.
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits, dot := 0, -1
	start := i
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && dot < 0:
			dot = i
		default:
			return false
		}
	}
	switch {
	case digits == 0 || digits > 15:
		return false
	case s[start] == '0' && len(s) > start+1 && s[start+1] != '.':
		return false
	case dot >= 0 && (dot == start || dot == len(s)-1 || s[len(s)-1] == '0'):
		return false
	}
	return true
}

// shownNumber is excelize's getCellDefault for a displayed value.
func shownNumber(v string) string {
	if plainNumber(v) {
		return v
	}
	if ok, prec, f := numeric(v); ok {
		if prec > 15 && !withinPrecision(v) {
			return strconv.FormatFloat(f, 'G', 15, 64)
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return v
}

// withinPrecision is excelize's isNumWithinPrecision.
func withinPrecision(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// shownDate is excelize's getCellDate for a displayed value (t="d", an
// ISO 8601 date): the serial number the date is.
func shownDate(v string) string {
	layout := "20060102T150405.999"
	if strings.HasSuffix(v, "Z") {
		layout = "20060102T150405Z"
		if strings.Contains(v, "-") {
			layout = "2006-01-02T15:04:05Z"
		}
	} else if strings.Contains(v, "-") {
		layout = "2006-01-02 15:04:05Z"
	}
	if t, err := time.Parse(layout, strings.ReplaceAll(v, ",", ".")); err == nil {
		return strconv.FormatFloat(excelTime(t), 'G', 15, 64)
	}
	return v
}

// excelTime is excelize's timeToExcelTime in the 1900 date system (as
// getCellDate calls it): days since 1899-12-31, counting the 29 February
// 1900 that Excel believes in.
func excelTime(t time.Time) float64 {
	const maxDuration = 290 * 364 * 24 * time.Hour
	const day = 24 * time.Hour
	min1900 := time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	if t.Before(min1900) {
		return 0
	}
	tt, diff, result := t, t.Sub(min1900), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / day)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(min1900)
	}
	rem := diff % day
	result += float64(diff-rem)/float64(day) + float64(rem)/float64(day)
	if t.After(time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)) {
		result++
	}
	return result
}

var bstrExp = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// bstrUnmarshal is excelize's: _xHHHH_ escapes in a string are the
// characters they stand for (_x005F_ an underscore).
func bstrUnmarshal(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var result strings.Builder
	matches, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), 0
	for _, m := range matches {
		result.WriteString(s[cursor:m[0]])
		cursor = m[1]
		if s[m[0]:m[1]] == "_x005F_" {
			result.WriteByte('_')
			continue
		}
		v, _ := strconv.Unquote(`"\u` + s[m[0]+2:m[1]-1] + `"`)
		result.WriteString(v)
	}
	result.WriteString(s[cursor:])
	return result.String()
}

// readRichText reads the rest of an <si> or <is> element as excelize's
// xlsxSI.String reads it: its own <t> (the last one) followed by the <t>
// of each run <r>; phonetic runs (<rPh>) are not text. It appends the text
// to dst, before bstrUnmarshal, using own as scratch.
func readRichText(sc *scanner, dst, own []byte) (out, ownBuf []byte) {
	own = own[:0]
	runStart := len(dst)
	depth := 0 // elements open below the <si>
	where := 0 // 1: its own <t>, 2: a run's <t>
	inRun, skip := false, 0
	for {
		t := sc.next()
		switch t.kind {
		case tokEOF:
			return joinRich(dst, runStart, own), own
		case tokText:
			switch where {
			case 1:
				own = appendText(own, t.raw, t.cdata)
			case 2:
				dst = appendText(dst, t.raw, t.cdata)
			}
		case tokStart:
			if t.selfClosing {
				if depth == 0 && string(t.local) == "t" {
					own = own[:0]
				}
				continue
			}
			depth++
			switch {
			case skip > 0:
				skip++
			case depth == 1 && string(t.local) == "t":
				own, where = own[:0], 1
			case depth == 1 && string(t.local) == "r":
				inRun = true
			case depth == 2 && inRun && string(t.local) == "t":
				where = 2
			case depth == 1:
				skip = 1 // rPh, phoneticPr
			}
		case tokEnd:
			if depth == 0 {
				return joinRich(dst, runStart, own), own
			}
			depth--
			if skip > 0 {
				skip--
			}
			where = 0
			if depth == 0 {
				inRun = false
			}
		}
	}
}

// joinRich puts the element's own text before its runs' text.
func joinRich(dst []byte, runStart int, own []byte) []byte {
	if len(own) == 0 {
		return dst
	}
	n := len(dst) - runStart
	dst = append(dst, own...)
	copy(dst[runStart+len(own):], dst[runStart:runStart+n])
	copy(dst[runStart:], own)
	return dst
}

// readSharedStrings reads the workbook's shared string table, if it has one.
func readSharedStrings(zr *zip.Reader) ([]string, error) {
	f := findPart(zr, "xl/sharedStrings.xml")
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := newScanner(rc)
	var sst []string
	var buf, own []byte
	for {
		t := sc.next()
		switch t.kind {
		case tokEOF:
			return sst, sc.err
		case tokStart:
			if string(t.local) != "si" {
				continue
			}
			if t.selfClosing {
				sst = append(sst, "")
				continue
			}
			buf, own = readRichText(sc, buf[:0], own)
			sst = append(sst, bstrUnmarshal(string(buf)))
		}
	}
}

func findPart(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// numFmt kinds of a cell style
const (
	fmtNone    = iota // the value as stored (no style, or no format found)
	fmtGeneral        // General: long numbers to 10 significant digits
	fmtInteger        // "0"
	fmtOther          // applied by excelize
)

// styles knows the number format of each cell style (cellXfs) and applies
// it through excelize: a scratch cell on the metadata workbook's copy of
// the sheet (which holds no rows) takes the value and style, and excelize
// formats it. Results are kept for values met again, up to a bound.
type styles struct {
	kinds []uint8
	f     *excelize.File
	sheet string
	cache map[string]string
}

const formatCacheSize = 1 << 16

func readStyles(zr *zip.Reader, f *excelize.File, sheet string) (*styles, error) {
	st := &styles{f: f, sheet: sheet, cache: map[string]string{}}
	part := findPart(zr, "xl/styles.xml")
	if part == nil {
		return st, nil
	}
	var ss struct {
		NumFmts []struct {
			ID int `xml:"numFmtId,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID *int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	rc, err := part.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(&ss); err != nil && err != io.EOF {
		return nil, err
	}
	custom := map[int]bool{}
	for _, n := range ss.NumFmts {
		custom[n.ID] = true
	}
	for _, x := range ss.Xfs {
		id := 0
		if x.NumFmtID != nil {
			id = *x.NumFmtID
		}
		k := uint8(fmtOther)
		switch {
		case custom[id]:
		case id == 0:
			k = fmtGeneral
		case id == 1:
			k = fmtInteger
		}
		st.kinds = append(st.kinds, k)
	}
	return st, nil
}

func (st *styles) kind(s int) uint8 {
	if s <= 0 || s >= len(st.kinds) {
		return fmtNone
	}
	return st.kinds[s]
}

// number is the displayed text of number v (already through shownNumber)
// in a cell of style s.
func (st *styles) number(s int, v string) string {
	switch st.kind(s) {
	case fmtNone:
		return v
	case fmtGeneral:
		if len(v) <= 11 {
			return v
		}
		if ok, prec, f := numeric(v); ok && prec > 11 {
			return strconv.FormatFloat(f, 'G', 10, 64)
		}
		return v
	case fmtInteger:
		if wholeNumber(v) {
			return v
		}
	}
	return st.format(s, v, true)
}

// text is the displayed text of a text (or boolean) value v in a cell of
// style s.
func (st *styles) text(s int, v string) string {
	switch st.kind(s) {
	case fmtNone, fmtGeneral:
		return v
	}
	return st.format(s, v, false)
}

// wholeNumber: a non-negative integer of at most 15 digits, written plainly.
func wholeNumber(v string) bool {
	if len(v) == 0 || len(v) > 15 || v[0] == '0' && len(v) > 1 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// format has excelize format v in a cell of style s, as a number or as text.
func (st *styles) format(s int, v string, number bool) string {
	key := strconv.Itoa(s) + "t" + v
	if number {
		key = strconv.Itoa(s) + "n" + v
	}
	if out, ok := st.cache[key]; ok {
		return out
	}
	if len(st.cache) >= formatCacheSize {
		clear(st.cache)
	}
	out := v
	var err error
	if strings.Contains(v, "_x") {
		// excelize reads a text's _xHHHH_ escapes: escape the underscores.
		v = strings.ReplaceAll(v, "_", "_x005F_")
	}
	if number {
		err = st.f.SetCellDefault(st.sheet, "A1", v)
	} else if ok, _, _ := numeric(v); ok {
		err = st.f.SetCellStr(st.sheet, "A1", v) // a number as text stays text
	} else {
		err = st.f.SetCellDefault(st.sheet, "A1", v) // an inline string
	}
	if err == nil {
		err = st.f.SetCellStyle(st.sheet, "A1", "A1", s)
	}
	if err == nil {
		if got, err := st.f.GetCellValue(st.sheet, "A1"); err == nil {
			out = got
		}
	}
	st.cache[key] = out
	return out
}
