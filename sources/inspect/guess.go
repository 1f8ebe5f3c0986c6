package inspect

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"grassroots/sources"
	"grassroots/sources/value"
)

// Role is what a column is to a pipeline: which rules and units suit it.
type Role string

// The roles GuessColumn tells apart.
const (
	RoleRegion     Role = "region"      // a region code (GB/T 2260 or NBS statistical code)
	RoleRegionName Role = "region_name" // the region's name: shown, not loaded
	RoleYear       Role = "year"        // the year of a row
	RolePeriod     Role = "period"      // a date or month
	RoleMeasure    Role = "measure"     // a count or amount: units apply, never negative
	RoleRate       Role = "rate"        // a percentage or ratio: no unit
	RoleOther      Role = "other"       // text, codes, categories
)

// Guess is what inspect guessed of one suggested column, beside the column.
type Guess struct {
	Role Role
	// Known: the name comes from a header inspect knows (常住人口 →
	// resident_pop); otherwise it is made from the header and is to be
	// renamed.
	Known bool
	// Level is the region level every sampled code is at (0 country … 5
	// village), or -1 when the codes are of several levels.
	Level int
	// CodeLengths are the lengths of the sampled region codes, shortest first.
	CodeLengths []int
	// Check lists what the analyst should check (请核对), each in Chinese with
	// the English meaning short.
	Check []string
}

// header is one known header word and the warehouse column it means.
type header struct {
	key   string
	name  string
	role  Role
	exact bool // the header segment must be key, not merely contain it
}

// headers maps the Chinese headers of statistical tables to warehouse
// column names, the more specific first: a header segment takes the first
// entry it contains (or equals, for exact ones).
var headers = []header{
	{key: "户籍人口城镇化率", name: "published_hukou_urban_rate_pct", role: RoleRate},
	{key: "户籍城镇化率", name: "published_hukou_urban_rate_pct", role: RoleRate},
	{key: "城镇化率", name: "published_urban_rate_pct", role: RoleRate},
	{key: "城市化率", name: "published_urban_rate_pct", role: RoleRate},
	{key: "行政区划代码", name: "region_code", role: RoleRegion},
	{key: "区划代码", name: "region_code", role: RoleRegion},
	{key: "地区代码", name: "region_code", role: RoleRegion},
	{key: "区域代码", name: "region_code", role: RoleRegion},
	{key: "统计用区划", name: "region_code", role: RoleRegion},
	{key: "城镇户籍人口", name: "urban_hukou_pop", role: RoleMeasure},
	{key: "非农业人口", name: "urban_hukou_pop", role: RoleMeasure},
	{key: "城镇常住人口", name: "urban_resident_pop", role: RoleMeasure},
	{key: "城镇人口", name: "urban_resident_pop", role: RoleMeasure},
	{key: "乡村常住人口", name: "rural_resident_pop", role: RoleMeasure},
	{key: "乡村人口", name: "rural_resident_pop", role: RoleMeasure},
	{key: "农村人口", name: "rural_resident_pop", role: RoleMeasure},
	{key: "户籍人口", name: "hukou_pop", role: RoleMeasure},
	{key: "流动人口", name: "floating_pop", role: RoleMeasure},
	{key: "外来人口", name: "floating_pop", role: RoleMeasure},
	{key: "常住人口", name: "resident_pop", role: RoleMeasure},
	{key: "总人口", name: "resident_pop", role: RoleMeasure},
	{key: "人口数", name: "resident_pop", role: RoleMeasure},
	{key: "城市化面积", name: "urbanised_area_km2", role: RoleMeasure},
	{key: "建成区面积", name: "urbanised_area_km2", role: RoleMeasure},
	{key: "阵地面积", name: "venue_m2", role: RoleMeasure},
	{key: "活动场所面积", name: "venue_m2", role: RoleMeasure},
	{key: "面积", name: "area_km2", role: RoleMeasure},
	{key: "专职社工", name: "fulltime_social_workers", role: RoleMeasure},
	{key: "社区工作者", name: "staff", role: RoleMeasure},
	{key: "工作人员", name: "staff", role: RoleMeasure},
	{key: "户数", name: "households", role: RoleMeasure},
	{key: "小区", name: "compounds", role: RoleMeasure},
	{key: "经费", name: "funding_yuan", role: RoleMeasure},
	{key: "正式党员", name: "formal_members", role: RoleMeasure},
	{key: "党员", name: "members", role: RoleMeasure},
	{key: "党组织", name: "party_orgs", role: RoleMeasure},
	{key: "从业人员", name: "employees", role: RoleMeasure},
	{key: "职工", name: "employees", role: RoleMeasure},
	{key: "统计年度", name: "year", role: RoleYear},
	{key: "年份", name: "year", role: RoleYear},
	{key: "年度", name: "year", role: RoleYear},
	{key: "年", name: "year", role: RoleYear, exact: true},
	{key: "统计日期", name: "snapshot_date", role: RolePeriod},
	{key: "日期", name: "date", role: RolePeriod},
	{key: "月份", name: "month", role: RolePeriod},
	{key: "常住", name: "resident_pop", role: RoleMeasure},
	{key: "城镇", name: "urban_resident_pop", role: RoleMeasure},
	{key: "乡村", name: "rural_resident_pop", role: RoleMeasure},
	{key: "性别", name: "gender", role: RoleOther},
	{key: "学历", name: "education", role: RoleOther},
	{key: "出生", name: "birth_month", role: RolePeriod},
	{key: "入党", name: "joined_month", role: RolePeriod},
	{key: "类别", name: "category", role: RoleOther},
	{key: "单位名称", name: "name", role: RoleOther},
	{key: "组织名称", name: "name", role: RoleOther},
	{key: "地区", name: "region_name", role: RoleRegionName, exact: true},
	{key: "地区名称", name: "region_name", role: RoleRegionName, exact: true},
	{key: "区域", name: "region_name", role: RoleRegionName, exact: true},
	{key: "区县", name: "region_name", role: RoleRegionName, exact: true},
	{key: "名称", name: "region_name", role: RoleRegionName, exact: true},
	{key: "区划名称", name: "region_name", role: RoleRegionName, exact: true},
	{key: "街道", name: "region_name", role: RoleRegionName, exact: true},
	{key: "乡镇", name: "region_name", role: RoleRegionName, exact: true},
	{key: "代码", name: "code", role: RoleOther},
	{key: "备注", name: "note", role: RoleOther},
}

// unitPart is a unit written after a header: 面积（平方公里）, 城镇化率(%).
var unitPart = regexp.MustCompile(`\s*[（(][^）)]*[）)]\s*$`)

// knownHeader finds the warehouse column a header means. The segments of a
// joined header (人口/城镇人口) are tried from the last, each without a unit
// in brackets, so that 城镇化/统计日期 is a date and 人口/城镇 urban.
func knownHeader(h string) (header, bool) {
	segs := strings.Split(h, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		s := strings.Join(strings.Fields(unitPart.ReplaceAllString(value.Fold(segs[i]), "")), "")
		if s == "" {
			continue
		}
		for _, k := range headers {
			if k.exact && s == k.key || !k.exact && strings.Contains(s, k.key) {
				return k, true
			}
		}
	}
	return header{}, false
}

// gbCode matches what may be a region code: 6 digits (GB/T 2260), 9
// (township) or 12 (village or community).
var gbCode = regexp.MustCompile(`^(\d{6}|\d{9}|\d{12})$`)

// provinces are the first two digits of GB/T 2260 codes.
var provinces = map[string]bool{"00": true,
	"11": true, "12": true, "13": true, "14": true, "15": true, "21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true, "71": true, "81": true, "82": true}

// regionCode reports whether v looks like a region code.
func regionCode(v string) bool {
	return gbCode.MatchString(v) && provinces[v[:2]]
}

// codeLevel is the region level of a code: 000000 the country, xx0000 a
// province, xxxx00 a prefecture, other six digits a county, nine a township,
// twelve a village or community.
func codeLevel(c string) int {
	switch {
	case len(c) == 12:
		return 5
	case len(c) == 9:
		return 4
	case c == "000000":
		return 0
	case strings.HasSuffix(c, "0000"):
		return 1
	case strings.HasSuffix(c, "00"):
		return 2
	}
	return 3
}

// present returns the trimmed values that are not empty or a null marker.
func present(vals []string) []string {
	nulls := map[string]bool{}
	for _, n := range value.DefaultNulls {
		nulls[n] = true
	}
	var vs []string
	for _, v := range vals {
		if v = value.Trim(v); v != "" && !nulls[v] {
			vs = append(vs, v)
		}
	}
	return vs
}

// most reports whether at least 75% of vs (and at least one) satisfy ok: the
// rest are the bad values a reader rejects, not a reason to give up a guess.
func most(vs []string, ok func(string) bool) bool {
	n := 0
	for _, v := range vs {
		if ok(v) {
			n++
		}
	}
	return n > 0 && n*4 >= len(vs)*3
}

func numericValue(v string) bool {
	_, _, err := value.Number(v)
	return err == nil
}

func isYear(v string) bool {
	n, err := strconv.Atoi(strings.TrimSuffix(v, "年"))
	return err == nil && len(strings.TrimSuffix(v, "年")) == 4 && n >= 1949 && n <= 2100
}

// GuessColumn guesses the warehouse column of the source column at 0-based
// position pos, from its header, its sampled values and the unit the table
// states above its header ("单位：万人"; empty if none). Years and codes
// never take a unit; a region code is text (its leading zeros kept); a unit
// applies to counts and amounts only, and only where it fits them.
func GuessColumn(hdr string, pos int, vals []string, tableUnit string) (sources.Column, Guess) {
	col := sources.Column{From: sources.Header(hdr)}
	if hdr == "" {
		col.From = sources.Pos(pos + 1)
	}
	g := Guess{Role: RoleOther, Level: -1}
	k, known := knownHeader(hdr)
	vs := present(vals)
	col.Type, col.Percent = guessType(vals)
	codes := most(vs, regionCode)
	switch {
	case known && k.role == RoleRegion,
		codes && (!known || k.name == "code" || k.role == RoleRegionName):
		col.Name, col.Type, col.Percent, col.Required = "region_code", sources.String, "", true
		g.Role, g.Known = RoleRegion, known && k.role == RoleRegion
		levels := map[int]int{}
		lengths := map[int]bool{}
		n := 0
		for _, v := range vs {
			if regionCode(v) {
				levels[codeLevel(v)]++
				lengths[len(v)] = true
				n++
			}
		}
		for _, n := range []int{6, 9, 12} {
			if lengths[n] {
				g.CodeLengths = append(g.CodeLengths, n)
			}
		}
		// One level, or nearly all at one level (the odd code out a
		// mistake the region table check will quarantine), is checked
		// against the region table at that level.
		for l, c := range levels {
			if c == n || (n >= 5 && c*10 >= n*9) {
				g.Level = l
				if c < n {
					g.Check = append(g.Check, fmt.Sprintf("%d 个代码不是第 %d 级（其余 %d 个都是），运行时会进隔离区 (%d codes are not of level %d as the other %d are: a run quarantines them)",
						n-c, l, c, n-c, l, c))
				}
			}
		}
		why := "按表头"
		if !g.Known {
			why = "按取值"
		}
		g.Check = append(g.Check, "区划代码列（"+why+"判断），按文本读入、保留前导零 (region code column, read as text: leading zeros kept)")
		if len(vs) > 0 && !codes {
			g.Check = append(g.Check, "取值不像6/9/12位区划代码 (values do not look like 6/9/12-digit region codes)")
		}
		return col, g
	case known && k.role == RoleYear,
		!known && most(vs, isYear) && most(vs, func(v string) bool { _, err := strconv.Atoi(v); return err == nil }):
		col.Name, col.Type, col.Percent, col.Required = "year", sources.Int, "", true
		g.Role, g.Known = RoleYear, known
		if !known {
			g.Check = append(g.Check, "按取值判断为年份 (the values look like years)")
		}
		if len(vs) > 0 && !most(vs, func(v string) bool { _, err := value.Int(v); return err == nil }) {
			g.Check = append(g.Check, "取值不是整数（如「2023年」），读入会被拒：请在文件中改为 2023 (values such as 2023年 are not int: rows would be rejected)")
		}
		return col, g
	case known:
		col.Name, g.Role, g.Known = k.name, k.role, true
		if g.Role == RoleRegionName {
			col.Type, col.Percent = sources.String, ""
			g.Check = append(g.Check, "地区名称列，仓库以区划代码识别地区 (region names: the warehouse keys regions by code)")
			return col, g
		}
	default:
		col.Name = suggestName(hdr, pos)
		switch col.Type {
		case sources.Int, sources.Float:
			g.Role = RoleMeasure
			if col.Percent != "" {
				g.Role = RoleRate
			}
		case sources.Date, sources.Month:
			g.Role = RolePeriod
		}
		if !codes {
			g.Check = append(g.Check, "表头未识别，列名待改为入库表的列名 (unknown header: rename to a column of the target table)")
		}
	}
	numeric := col.Type == sources.Int || col.Type == sources.Float
	pct := col.Percent != "" || strings.ContainsAny(hdr, "%％")
	switch {
	case g.Role == RoleRate || pct && numeric:
		g.Role = RoleRate
		if numeric || most(vs, numericValue) || len(vs) == 0 {
			col.Type, col.Percent = sources.Float, "pct"
		}
	case g.Role == RoleMeasure && numeric:
		own := unitIn(hdr)
		switch {
		case own != "":
			col.Unit = own
			if f, _ := value.UnitScale(own); f != 1 {
				g.Check = append(g.Check, "单位「"+own+"」取自表头，数值×"+scaleText(own)+" (unit from the header)")
			}
		case tableUnit != "" && unitFits(col.Name, g.Known, tableUnit):
			col.Unit = tableUnit
			if f, _ := value.UnitScale(tableUnit); f != 1 {
				g.Check = append(g.Check, "单位「"+tableUnit+"」取自表头上方的单位行，数值×"+scaleText(tableUnit)+" (unit from the 单位 line above the header)")
			}
		case tableUnit != "":
			g.Check = append(g.Check, "表上方的单位「"+tableUnit+"」不适用于此列，未换算 (the table's unit does not fit this column: not applied)")
		}
		if f, _ := value.UnitScale(col.Unit); f == 1 {
			col.Unit = ""
		}
		if col.Unit != "" && col.Type == sources.Int {
			col.Type = sources.Float // 1.5 万人 is 15000 persons; 12 万人 too
		}
	case g.Role == RoleMeasure && !numeric && len(vs) > 0:
		g.Check = append(g.Check, "表头像数值列，但取值不是数字 (header of a count, values not numbers)")
	}
	if r := g.Role; (r == RolePeriod) && col.Type == sources.String && len(vs) > 0 {
		g.Check = append(g.Check, unknownDates)
	}
	return col, g
}

const unknownDates = "日期格式未识别 (dates in an unknown format)"

// unitFits reports whether the unit a table states fits a column: persons
// for counts of persons, households for households, yuan for money, area
// for areas. A column of unknown meaning takes the table's unit.
func unitFits(name string, known bool, unit string) bool {
	if !known {
		return true
	}
	u := value.Fold(unit)
	area := strings.HasSuffix(name, "_km2") || strings.HasSuffix(name, "_m2")
	switch {
	case strings.Contains(u, "人") || strings.Contains(u, "名"):
		return strings.HasSuffix(name, "_pop") || strings.HasSuffix(name, "members") ||
			name == "employees" || name == "staff" || name == "fulltime_social_workers" || name == "residents"
	case strings.Contains(u, "户"):
		return name == "households"
	case strings.Contains(u, "元"):
		return strings.HasSuffix(name, "_yuan")
	case strings.Contains(u, "平方") || strings.Contains(u, "公顷") || strings.Contains(u, "m2"):
		return area
	}
	return !area
}

// scaleText writes a unit's factor for a note: 10000, 1e8 as 100000000.
func scaleText(unit string) string {
	f, _ := value.UnitScale(unit)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// titleYear finds the year a table's title gives ("各区常住人口（2023年）"),
// for a table that has no year column.
var titleYear = regexp.MustCompile(`(19[4-9]\d|20\d\d|2100)\s*年`)

func yearInTitle(texts ...string) string {
	for _, t := range texts {
		if m := titleYear.FindStringSubmatch(t); m != nil {
			return m[1]
		}
	}
	return ""
}
