package csv_test

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbk encodes s as GBK, as Excel on a Chinese Windows PC saves CSV.
func gbk(t *testing.T, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const mixedSpec = `
columns:
  - {from: 区划代码, name: region_code}
  - {from: 街镇名称, name: town}
  - {from: 常住人口（人）, name: residents, type: int}
`

// TestMixedEncodings: a file whose lines are in two encodings fails with
// the line that does not belong named and shown as it reads, instead of
// loading that line (or the rest) as mojibake — 甲乙 as 鐢蹭箼.
func TestMixedEncodings(t *testing.T) {
	header := "区划代码,街镇名称,常住人口（人）\n"
	rows := "310112001,江川路街道,68244\n310112002,古美路街道,91385\n"
	tests := []struct {
		name, content, spec, want string
	}{
		{
			"UTF-8 lines in a GBK file",
			gbk(t, header+rows) + "310112003,甲乙新村街道,12\n",
			mixedSpec,
			`line 4: the file mixes encodings: this line is UTF-8 but the file reads as GB18030 (GBK): "310112003,甲乙新村街道,12"; save the whole file in one encoding`,
		},
		{
			"UTF-8 lines in a file declared GBK",
			gbk(t, header+rows) + "310112003,甲乙新村街道,12\n",
			"encoding: gbk" + mixedSpec,
			`line 4: the file mixes encodings: this line is UTF-8 but the file reads as GBK: "310112003,甲乙新村街道,12"; save the whole file in one encoding`,
		},
		{
			"a GBK line in a UTF-8 file",
			header + rows + gbk(t, "310112003,甲乙新村街道,12\n"),
			mixedSpec,
			`line 1: the file mixes encodings: this line is UTF-8 but the file reads as GB18030 (GBK): "区划代码,街镇名称,常住人口（人）"; save the whole file in one encoding`,
		},
		{
			"a line in neither",
			gbk(t, header+rows) + "310112003,caf\xe9,12\n",
			mixedSpec,
			"line 4 is not GB18030 (GBK) text: \"310112003,caf\ufffd,12\"; the file is damaged or in another encoding",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readCSV(t, "mixed.csv", tt.content, tt.spec)
			if want := "csv: mixed.csv: " + tt.want; !strings.Contains(got, want) {
				t.Errorf("got\n%s\nwant an error\n%s", got, want)
			}
		})
	}
}

// TestGBKAfterUTF8: GBK lines past the 64 KiB that encoding detection looks
// at stop the read at their line and column, in a text column as in a
// number column, and say how the cell reads as GBK.
func TestGBKAfterUTF8(t *testing.T) {
	var b strings.Builder
	b.WriteString("区划代码,街镇名称,常住人口（人）\n")
	for b.Len() < 70<<10 {
		b.WriteString("310112001,江川路街道,68244\n")
	}
	lines := strings.Count(b.String(), "\n")
	// The quoted cell shows the bytes that are not UTF-8 as U+FFFD.
	const hint = " (if the whole file is GBK, set encoding: gb18030; if only some lines are, save it again in one encoding)"
	for _, tt := range []struct{ line, column, gbk string }{
		{gbk(t, "310112003,甲乙新村街道,12\n"), "街镇名称", "甲乙新村街道"},
		{gbk(t, "310112003,AB,１２\n"), "常住人口（人）", "１２"},
	} {
		got := readCSV(t, "late.csv", b.String()+tt.line, mixedSpec)
		start := "\nerror: csv: late.csv: line " + itoa(lines+1) + " column \"" + tt.column + "\": \""
		end := "\" is not valid UTF-8 but reads as GBK: \"" + tt.gbk + "\"" + hint + "\n"
		i := strings.Index(got, start)
		if i < 0 || !strings.Contains(got[i:], end) {
			t.Errorf("got\n…%s\nwant\n%s…%s", got[max(0, len(got)-600):], start, end)
		}
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
