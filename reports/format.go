package reports

import (
	"math"
	"strconv"
	"strings"
)

// Lang is the language of a rendered site: "zh" (default) or "en".
type Lang string

const (
	Zh Lang = "zh"
	En Lang = "en"
)

// ParseLang checks a --lang value.
func ParseLang(s string) (Lang, bool) {
	switch Lang(s) {
	case Zh, "":
		return Zh, true
	case En:
		return En, true
	}
	return "", false
}

// Count formats a count of persons or units the Chinese way: plain below ten
// thousand, then 万 (10⁴) and 亿 (10⁸) with up to two decimals; in English,
// thousands separators, then million and billion.
func Count(x float64, l Lang) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	if l == En {
		switch {
		case x >= 1e9:
			return sign + trimDecimals(x/1e9, 2) + " billion"
		case x >= 1e6:
			return sign + trimDecimals(x/1e6, 2) + " million"
		}
		return sign + groupThousands(x)
	}
	switch {
	case x >= 1e8:
		return sign + trimDecimals(x/1e8, 2) + "亿"
	case x >= 1e4:
		return sign + trimDecimals(x/1e4, 2) + "万"
	}
	return sign + trimDecimals(x, 0)
}

// Pct formats a percentage (already ×100) with one decimal: 56.1%.
func Pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(round1(x), 'f', 1, 64) + "%"
}

// PP formats a difference of two percentages in percentage points, signed:
// +1.2个百分点 (en: +1.2 pp).
func PP(x float64, l Lang) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	x = round1(x)
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if x > 0 {
		s = "+" + s
	} else if x == 0 {
		s = "0.0"
	}
	if l == En {
		return s + " pp"
	}
	return s + "个百分点"
}

// Value formats an indicator value by its unit: percentages with one decimal,
// counts of persons or units the Chinese way, anything else with up to two
// decimals and the unit after it.
func Value(x float64, unit string, l Lang) string {
	switch unit {
	case "%", "percent", "pct":
		return Pct(x)
	case "pp":
		return PP(x, l)
	case "persons", "units", "count", "人", "个":
		return Count(x, l)
	case "":
		return trimDecimals(x, 2)
	}
	return trimDecimals(x, 2) + " " + unit
}

func round1(x float64) float64 {
	r := math.Round(x*10) / 10
	if r == 0 {
		return 0 // no "-0.0"
	}
	return r
}

// trimDecimals formats x with at most n decimals, dropping trailing zeros.
func trimDecimals(x float64, n int) string {
	s := strconv.FormatFloat(x, 'f', n, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func groupThousands(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Precise formats an indicator value for a table, to the two decimals the
// census and the yearbooks publish rates in: 63.89%, +1.59 (percentage
// points, signed; the column says pp), and as Value otherwise.
func Precise(x float64, unit string, l Lang) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	switch unit {
	case "%", "percent", "pct":
		return strconv.FormatFloat(round2(x), 'f', 2, 64) + "%"
	case "pp":
		s := strconv.FormatFloat(round2(x), 'f', 2, 64)
		if round2(x) > 0 {
			s = "+" + s
		}
		if l == En {
			s += " pp"
		}
		return s
	}
	return Value(x, unit, l)
}

func round2(x float64) float64 {
	r := math.Round(x*100) / 100
	if r == 0 {
		return 0
	}
	return r
}
