// Package value parses the text of one spreadsheet or CSV cell the way a Chinese
// statistics analyst writes it: numbers with thousands separators and full-width
// digits, percentages, units such as 万人 and 亿元, placeholders that mean "no
// data", and dates such as 2023年12月, 2023/12/31 or an Excel serial number.
//
// Parsers never panic. They return a sentinel error (ErrNotNumber, ErrNotDate, …)
// possibly wrapped with detail; its text reads after the quoted value:
// `"12,3x" is not a number`.
package value

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Their text completes a sentence that starts with the quoted value.
var (
	ErrNotNumber  = errors.New("is not a number")
	ErrNotInteger = errors.New("is not an integer")
	ErrPercent    = errors.New("is a percentage but the column does not declare percent")
	ErrNotDate    = errors.New("is not a date")
	ErrNotMonth   = errors.New("is not a month")
	ErrNotTime    = errors.New("is not a timestamp")
	ErrNotBool    = errors.New("is not a yes/no value")
	ErrRange      = errors.New("is out of range")
)

// DefaultNulls are the placeholders that mean "no data" in Chinese statistical
// tables, besides the empty cell.
var DefaultNulls = []string{"—", "——", "-", "--", "–", "－", "…", "……", "...", "空", "无数据", "N/A", "NA", "#N/A", "null", "NULL"}

// Trim removes ASCII white space, the ideographic space U+3000 and no-break spaces
// from both ends of s.
func Trim(s string) string {
	return strings.TrimFunc(s, isSpace)
}

// IsSpace reports whether Trim removes r.
func IsSpace(r rune) bool { return isSpace(r) }

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x3000, 0xA0, 0xFEFF, 0x2002, 0x2003, 0x2009:
		return true
	}
	return false
}

// Fold maps full-width ASCII variants (０-９, ，, ．, ％, －, （, …) to their
// ASCII forms, the ideographic space to a space and the minus sign U+2212 to '-'.
// Text that is already ASCII is returned unchanged without allocating.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		case r == 0x2212:
			r = '-'
		case r == 0x3002: // 。 used as a decimal point by some IMEs
			r = '.'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Number parses a decimal number as written in a table: optional sign or
// accounting parentheses, thousands separators in groups of three, full-width
// characters, scientific notation, and an optional trailing percent sign, which is
// reported in percent (the number itself is not divided).
func Number(s string) (v float64, percent bool, err error) {
	t, neg, percent, err := clean(s)
	if err != nil {
		return 0, false, err
	}
	// Only digits, one point and an exponent: ParseFloat would also take "Inf",
	// "NaN", hex floats and underscores, which are not numbers in a table.
	seenDigit := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
		case c == '.':
		case c == 'e' || c == 'E':
			if !seenDigit || i+1 >= len(t) {
				return 0, false, ErrNotNumber
			}
			if t[i+1] == '+' || t[i+1] == '-' {
				i++
				if i+1 >= len(t) {
					return 0, false, ErrNotNumber
				}
			}
		default:
			return 0, false, ErrNotNumber
		}
	}
	if !seenDigit {
		return 0, false, ErrNotNumber
	}
	v, err = strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, ErrNotNumber
	}
	if neg {
		v = -v
	}
	return v, percent, nil
}

// clean takes off what surrounds the digits of a number in a table — white
// space, a trailing percent sign, a sign or accounting parentheses — folds
// full-width characters and removes checked thousands separators. t is what
// is left: digits, points, an exponent, or anything else for the caller to
// refuse.
func clean(s string) (t string, neg, percent bool, err error) {
	t = Fold(Trim(s))
	if t == "" {
		return "", false, false, ErrNotNumber
	}
	if strings.HasSuffix(t, "%") {
		percent = true
		t = Trim(t[:len(t)-1])
	}
	if len(t) >= 2 && t[0] == '(' && t[len(t)-1] == ')' {
		neg = true
		t = t[1 : len(t)-1]
	}
	if t != "" && (t[0] == '+' || t[0] == '-') {
		if t[0] == '-' {
			neg = !neg
		}
		t = t[1:]
	}
	if t == "" {
		return "", false, false, ErrNotNumber
	}
	if strings.IndexByte(t, ',') >= 0 {
		if t, err = stripThousands(t); err != nil {
			return "", false, false, err
		}
	}
	return t, neg, percent, nil
}

// stripThousands removes separators from "1,234,567.8" after checking the
// grouping, so that "12,3" (a decimal comma, or a typo) is not read as 123.
func stripThousands(t string) (string, error) {
	intPart, frac := t, ""
	if i := strings.IndexByte(t, '.'); i >= 0 {
		intPart, frac = t[:i], t[i:]
	}
	if strings.IndexByte(frac, ',') >= 0 {
		return "", ErrNotNumber
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return "", ErrNotNumber
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", ErrNotNumber
		}
	}
	return strings.Join(groups, "") + frac, nil
}

// Bool parses yes/no values in the forms Chinese tables use: 是/否, 有/无, √/×,
// Y/N, yes/no, true/false, T/F, 1/0 (case-insensitive).
func Bool(s string) (bool, error) {
	switch s {
	case "1", "true", "TRUE", "是", "Y", "y":
		return true, nil
	case "0", "false", "FALSE", "否", "N", "n":
		return false, nil
	}
	switch strings.ToLower(Fold(Trim(s))) {
	case "1", "true", "t", "y", "yes", "是", "有", "√", "✓", "对":
		return true, nil
	case "0", "false", "f", "n", "no", "否", "无", "×", "✗", "x", "不是":
		return false, nil
	}
	return false, ErrNotBool
}

// units maps the unit names of Chinese statistics to their multiplier.
var units = map[string]float64{
	"": 1, "人": 1, "个": 1, "户": 1, "元": 1, "名": 1, "家": 1, "平方米": 1, "平方公里": 1, "公顷": 1, "m2": 1, "km2": 1,
	"十": 10,
	"百": 100, "百人": 100,
	"千": 1e3, "千人": 1e3, "千元": 1e3, "千户": 1e3,
	"万": 1e4, "万人": 1e4, "万元": 1e4, "万户": 1e4, "万个": 1e4, "万名": 1e4, "万平方米": 1e4, "万家": 1e4,
	"十万": 1e5,
	"百万": 1e6, "百万元": 1e6, "百万人": 1e6, "million": 1e6,
	"千万": 1e7, "千万元": 1e7,
	"亿": 1e8, "亿元": 1e8, "亿人": 1e8,
	"十亿": 1e9, "billion": 1e9,
	"万亿": 1e12, "万亿元": 1e12,
}

// UnitScale returns the factor that turns a value in unit into base units
// (万人 → 10000 persons, 亿元 → 1e8 yuan). Full-width text and spaces are folded.
func UnitScale(unit string) (float64, bool) {
	u := strings.ReplaceAll(Fold(Trim(unit)), " ", "")
	f, ok := units[u]
	return f, ok
}

// Units lists the unit names UnitScale knows, for error messages.
func Units() []string {
	out := make([]string, 0, len(units))
	for u := range units {
		if u != "" {
			out = append(out, u)
		}
	}
	return out
}
