package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Region is a region as the reports name it.
type Region struct {
	Code  string
	Name  string
	Level int
}

// CountryCode is the whole country.
const CountryCode = "000000"

// Prefix is the code prefix every region inside r starts with: "" for the
// country, two digits for a province, four for a prefecture, and the whole
// code below (township codes start with their county's code).
func (r Region) Prefix() string {
	c := r.Code
	if len(c) != 6 {
		return c
	}
	for i := 0; i < 2 && strings.HasSuffix(c, "00"); i++ {
		c = c[:len(c)-2]
	}
	if c == "00" {
		return ""
	}
	return c
}

// lookupRegion reads a region's name and level; a code the region table does
// not know is an error that says so.
func lookupRegion(ctx context.Context, c *Cache, code string) (Region, error) {
	r, err := c.regionRow(ctx, code)
	if err != nil {
		return Region{Code: code}, fmt.Errorf("region %s: %w", code, err)
	}
	if r == nil {
		if code == CountryCode {
			return Region{Code: code, Name: "全国", Level: 0}, nil
		}
		return Region{Code: code}, fmt.Errorf("region %s is not in the region table", code)
	}
	return *r, nil
}

// FocusRegion is the county the warehouse's registers mostly describe: the
// county-level code most organisation, party-member, community and
// indicator rows fall in. With none, it is the whole country.
func FocusRegion(ctx context.Context, db *sql.DB) (string, error) {
	var code string
	err := db.QueryRowContext(ctx, `
		SELECT left(region_code, 6) AS county
		FROM (
			SELECT region_code FROM organisation
			UNION ALL SELECT region_code FROM party_member
			UNION ALL SELECT region_code FROM community
			UNION ALL SELECT region_code FROM indicator_value WHERE length(region_code) > 6
		)
		WHERE length(region_code) >= 6 AND substr(region_code, 5, 2) <> '00'
		GROUP BY 1 ORDER BY count(*) DESC, county LIMIT 1`).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return CountryCode, nil
	}
	if err != nil {
		return "", fmt.Errorf("finding the focus region: %w", err)
	}
	return code, nil
}

// indicatorInfo is a catalogue row.
type indicatorInfo struct {
	Code, NameZh, NameEn, Unit, Direction, SourceTables string
	// Precision is the decimals a value is published with (@precision),
	// -1 where the catalogue does not say.
	Precision int
}

// shown formats a value of the indicator as published: with its
// precision (67.0%), else as Precise does.
func (i indicatorInfo) shown(x float64, l Lang) string {
	if i.Precision < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return Precise(x, i.Unit, l)
	}
	r := math.Pow(10, float64(i.Precision))
	x = math.Round(x*r) / r
	if x == 0 {
		x = 0 // no -0.0
	}
	s := strconv.FormatFloat(x, 'f', i.Precision, 64)
	switch i.Unit {
	case "%", "percent", "pct":
		return s + "%"
	case "pp":
		if x > 0 {
			s = "+" + s
		}
		if l == En {
			s += " pp"
		}
		return s
	case "":
		return s
	}
	return s + " " + i.Unit
}

func (i indicatorInfo) name(l Lang) string {
	if l == En && i.NameEn != "" {
		return i.NameEn
	}
	if i.NameZh != "" {
		return i.NameZh
	}
	return i.Code
}

// indicators reads catalogue rows for codes; a code missing from the
// catalogue is named by its code.
func indicators(ctx context.Context, c *Cache, codes []string) (map[string]indicatorInfo, error) {
	out := map[string]indicatorInfo{}
	if len(codes) == 0 {
		return out, nil
	}
	cat, err := c.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	for _, code := range codes {
		if i, ok := cat[code]; ok {
			out[code] = i
		} else {
			out[code] = indicatorInfo{Code: code, Precision: -1}
		}
	}
	return out, nil
}

// target is a planning target.
type target struct {
	Indicator string
	Year      int // 0: a level to keep, with no target year
	Value     float64
	Binding   bool
	Source    string
	// Everywhere: the target set for every region ('*'), not the
	// region's own.
	Everywhere bool
}

// yearLabel is the target year as charts print it ("2020年", or "保持" for a
// level to keep).
func (t target) yearLabel(l Lang) string {
	if t.Year == 0 {
		return tr(l, "target_keep")
	}
	return trf(l, "target_year", t.Year)
}

// label names the target on a chart: "目标 60.0%（2020年）".
func (t target) label(l Lang, unit string) string {
	return trf(l, "target_label", Value(t.Value, unit, l), t.yearLabel(l))
}

// targets reads the targets of codes that apply to region (its own, else
// those set for every region), earliest target year first.
func targets(ctx context.Context, c *Cache, region string, codes []string) ([]target, error) {
	all, err := c.regionTargets(ctx, region)
	if err != nil {
		return nil, err
	}
	var ts []target
	for _, t := range all {
		if slices.Contains(codes, t.Indicator) {
			ts = append(ts, t)
		}
	}
	return ts, nil
}

// sourceSet collects distinct sources in order of first appearance.
type sourceSet struct {
	seen map[string]bool
	list []string
}

func (s *sourceSet) add(src ...string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, x := range src {
		x = strings.TrimSpace(x)
		if x == "" || s.seen[x] {
			continue
		}
		s.seen[x] = true
		s.list = append(s.list, x)
	}
}

// indicatorSource names where indicator values come from.
func indicatorSource(l Lang, infos map[string]indicatorInfo, codes []string) []string {
	var out []string
	for _, c := range codes {
		i := infos[c]
		tables := i.SourceTables
		if tables == "" {
			tables = "indicator_value"
		}
		out = append(out, fmt.Sprintf(tr(l, "indicator_source"), i.name(l), c, tables))
	}
	return out
}

// reportedSource names the packages reported up from below region that
// figures of the region may be summed from ("" when none arrived).
func reportedSource(ctx context.Context, c *Cache, l Lang, region string) (string, error) {
	_, pkgs, err := c.packagesIn(ctx)
	if err != nil || len(pkgs) == 0 {
		return "", err
	}
	pre := region
	if len(pre) == 6 {
		for len(pre) > 2 && strings.HasSuffix(pre, "00") {
			pre = pre[:len(pre)-2]
		}
		if pre == "00" {
			pre = ""
		}
	}
	var codes []string
	for _, p := range pkgs {
		if strings.HasPrefix(p.Region, pre) && !slices.Contains(codes, p.Region) {
			codes = append(codes, p.Region)
		}
	}
	if len(codes) == 0 {
		return "", nil
	}
	return fmt.Sprintf(tr(l, "reported_source"), strings.Join(codes, ", ")), nil
}

// maxDate keeps the latest of period strings (years and ISO dates compare
// well enough as text once years are padded to dates).
func maxDate(a, b string) string {
	key := func(s string) string {
		if len(s) == 4 {
			return s + "-12-31"
		}
		return s
	}
	if key(b) > key(a) {
		return b
	}
	return a
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
