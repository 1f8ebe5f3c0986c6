// Package bulletin writes the 统计公报-style paragraphs that open a region's
// report page and the Word document of `grassroots bulletin`: level, change
// on the previous period, rank among the regions beside it, target status
// and early warnings, in sentences from text/template files a department can
// edit (templates/*.tmpl, overridden by a project's reports/bulletin/*.tmpl).
//
// Every figure in the text comes from a Fact gathered from the warehouse as
// published (the indicator's precision, its status symbol); the templates
// only choose words and format the facts' own numbers, never compute one,
// and give no causes. The package reads the warehouse through database/sql
// only (see gather.go) and writes .docx with its own small WordprocessingML
// writer (docx.go) and PNG charts drawn in pure Go (chart.go).
package bulletin

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Fact is one indicator's latest value for a region, as published, with
// what the warehouse's views say about it.
type Fact struct {
	Indicator string // code, e.g. urban.rate_resident
	Name      string // 常住人口城镇化率
	Unit      string // %, pp, 人, 家, 岁, km² …
	Direction string // higher_better, lower_better, neutral

	Region     string // region code
	RegionName string
	Period     string // 2024, or a date such as 2020-11-01
	Year       int
	Vintage    string

	Value     float64 // full precision, as in indicator_value
	Precision int     // decimals the value is published with
	Status    string  // final, revised, preliminary, estimated, synthetic
	Symbol    string  // r, p, e, s ("" for final)
	StatusZh  string  // 修订数, 快报数, 推算数, 示例数据 ("" for final)
	Synthetic bool

	// Numerator and Denominator of the value (NaN where the warehouse has
	// none), e.g. the urban and the resident population.
	Numerator, Denominator float64

	Change *Change // nil: no earlier value in the same series
	Rank   *Rank   // nil: fewer than two regions beside it have a value
	Target *Target // nil: no target for it

	// Series is the region's series of this indicator (the same vintage),
	// oldest first, for the trend chart.
	Series []Point
}

// Point is one value of a series.
type Point struct {
	Period string
	Year   int
	Value  float64
}

// Change is the change on the previous value of the same series
// (indicator_change): in percentage points for rates (% and pp), else in
// the indicator's unit, with the compound yearly growth in % for levels.
type Change struct {
	PrevPeriod string
	PrevYear   int
	Prev       float64
	Years      float64 // years between the two periods
	Diff       float64 // value − previous value
	Growth     float64 // compound growth per year in %, NaN for rates
}

// Rank is the place of the value among the regions counted under the same
// region (a 市辖区 placeholder is skipped), for the same indicator, period
// and vintage, highest value first; regions of the same published value
// share a place.
type Rank struct {
	N, Of      int
	Tied       bool   // another region has the same published value: 并列第N位
	ParentName string // 上海市, 重庆市
	Kind       string // what the peers are: 省份, 地级区划, 区, 县, 区县, 街道, 街道（乡镇）; "" for a mix of levels
	Synthetic  bool   // a peer's value (or the region's own) is synthetic
}

// Target is where the value stands against its target
// (indicator_target_status), as `grassroots indicators show` prints it.
type Target struct {
	Value         float64
	Year          int // 0: a level to keep, with no year
	Source        string
	Status        string  // reached, on_track, behind, missed, before_baseline, not_reached
	Distance      float64 // target − value
	ProjectedYear int     // 0 where the views give none
	Reached       bool
}

// Alert is an early warning (预警) raised on the region's value, with how
// many of the regions directly below it have the same warning.
type Alert struct {
	Indicator string
	Name      string
	Severity  string // info, warn, critical
	Rule      string // the rule's own words: 非公有制企业党组织覆盖率低于90%
	Period    string
	Value     float64
	Threshold float64
	Precision int
	Unit      string
	Synthetic bool
	// Below counts the regions directly below with this warning, of
	// BelowOf regions below with a value of the indicator.
	Below, BelowOf int
}

// Facts are what is known of one region for the bulletin.
type Facts struct {
	Region string
	Name   string
	Level  int
	Year   int // the year asked (0: the latest with data)
	Facts  map[string]*Fact
	Alerts []*Alert
}

// Fact returns the fact of indicator code, or nil.
func (f *Facts) Fact(code string) *Fact {
	if f == nil {
		return nil
	}
	return f.Facts[code]
}

// Scope is how a bulletin names the whole of its region: 全国, 全市, 全区,
// 全县, 全省, 全镇, 全街道. A township-level region (level 4 and below) is
// 全街道, 全镇 or 全乡 by its name, else named: 莘庄工业区, never 全区, which
// reads as the whole district.
func (f *Facts) Scope() string {
	if f.Region == "000000" {
		return "全国"
	}
	words := []string{"自治区", "自治州", "自治县", "街道", "省", "市", "区", "县", "旗", "州", "盟", "镇", "乡"}
	if f.Level >= 4 {
		words = []string{"街道", "镇", "乡"}
	}
	for _, s := range words {
		if strings.HasSuffix(f.Name, s) {
			if s == "自治区" || s == "自治州" || s == "自治县" {
				s = s[len("自治"):]
			}
			return "全" + s
		}
	}
	return f.Name
}

// Synthetic reports whether any of the facts is synthetic (示例数据).
func (f *Facts) Synthetic() bool {
	for _, x := range f.Facts {
		if x.Synthetic {
			return true
		}
	}
	for _, a := range f.Alerts {
		if a.Synthetic {
			return true
		}
	}
	return false
}

// LatestYear is the latest year of any fact (0 with none).
func (f *Facts) LatestYear() int {
	y := 0
	for _, x := range f.Facts {
		y = max(y, x.Year)
	}
	return y
}

// Codes are the indicators with a fact, sorted.
func (f *Facts) Codes() []string {
	out := make([]string, 0, len(f.Facts))
	for c := range f.Facts {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Round rounds x to p decimals, as the warehouse's round(x, p) does.
func Round(x float64, p int) float64 {
	r := math.Pow(10, float64(p))
	v := math.Round(x*r) / r
	if v == 0 {
		return 0 // no -0
	}
	return v
}

// Fixed formats x with p decimals, rounded as published.
func Fixed(x float64, p int) string {
	return strconv.FormatFloat(Round(x, p), 'f', p, 64)
}

// Points reports whether the unit's changes are in percentage points.
func Points(unit string) bool { return unit == "%" || unit == "pp" }

// Shown is the value as published: 80.5.
func (x *Fact) Shown() string { return Fixed(x.Value, x.Precision) }
