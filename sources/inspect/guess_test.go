package inspect_test

import (
	"strings"
	"testing"

	"grassroots/sources"
	"grassroots/sources/inspect"
)

func TestGuessColumn(t *testing.T) {
	tests := []struct {
		header    string
		vals      []string
		unit      string // the table's 单位 line
		name      string
		typ       sources.Type
		colUnit   string
		role      inspect.Role
		level     int
		checkHas  string // a 请核对 note contains this ("" if none expected)
		noChecks  bool
		required  bool
		percented string
	}{
		// Years and codes never take the table's unit.
		{header: "年份", vals: []string{"2022", "2023"}, unit: "万人", name: "year", typ: sources.Int, role: inspect.RoleYear, level: -1, noChecks: true, required: true},
		{header: "统计年度", vals: []string{"2023"}, unit: "万人", name: "year", typ: sources.Int, role: inspect.RoleYear, level: -1, required: true},
		{header: "年度", vals: []string{"2022年", "2023年"}, name: "year", typ: sources.Int, role: inspect.RoleYear, level: -1, checkHas: "are not int", required: true},
		{header: "时间", vals: []string{"2019", "2020", "2021"}, unit: "万人", name: "year", typ: sources.Int, role: inspect.RoleYear, level: -1, checkHas: "look like years", required: true},
		{header: "区划代码", vals: []string{"310101", "310104", "310112"}, unit: "万人", name: "region_code", typ: sources.String, role: inspect.RoleRegion, level: 3, checkHas: "leading zeros kept", required: true},
		// One code of another level among many: a mistake, checked at the others' level.
		{header: "区划代码", vals: []string{"310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310113", "310101000000"},
			name: "region_code", typ: sources.String, role: inspect.RoleRegion, level: 3, checkHas: "a run quarantines them", required: true},
		// Half and half: several levels, only the form is checked.
		{header: "区划代码", vals: []string{"310000", "310101", "320000", "320102"}, name: "region_code", typ: sources.String, role: inspect.RoleRegion, level: -1, required: true},
		{header: "行政区划代码", vals: []string{"000000", "110000", "310000"}, unit: "万人", name: "region_code", typ: sources.String, role: inspect.RoleRegion, level: -1, checkHas: "按表头", required: true},
		{header: "代码", vals: []string{"310112001", "310112002"}, name: "region_code", typ: sources.String, role: inspect.RoleRegion, level: 4, required: true},
		{header: "编号", vals: []string{"310112001001", "310112001002"}, name: "region_code", typ: sources.String, role: inspect.RoleRegion, level: 5, checkHas: "按取值", required: true},
		{header: "区划代码", vals: []string{"abc", "def"}, name: "region_code", typ: sources.String, role: inspect.RoleRegion, level: -1, checkHas: "do not look like", required: true},
		// Region names are noticed.
		{header: "地  区", vals: []string{"黄浦区", "徐汇区"}, unit: "万人", name: "region_name", typ: sources.String, role: inspect.RoleRegionName, level: -1, checkHas: "region names"},
		{header: "名称", vals: []string{"江川路街道"}, name: "region_name", typ: sources.String, role: inspect.RoleRegionName, level: -1, checkHas: "region names"},
		// Measures take units: the header's own first, else the table's where it fits.
		{header: "人口/常住人口", vals: []string{"66.2", "111.3"}, unit: "万人", name: "resident_pop", typ: sources.Float, colUnit: "万人", role: inspect.RoleMeasure, level: -1, checkHas: "×10000"},
		{header: "城镇常住人口（万人）", vals: []string{"66", "111"}, name: "urban_resident_pop", typ: sources.Float, colUnit: "万人", role: inspect.RoleMeasure, level: -1, checkHas: "unit from the header"},
		{header: "户籍人口（人）", vals: []string{"661000"}, unit: "万人", name: "hukou_pop", typ: sources.Int, role: inspect.RoleMeasure, level: -1, noChecks: true},
		{header: "城镇户籍人口", vals: []string{"6.1"}, unit: "万人", name: "urban_hukou_pop", typ: sources.Float, colUnit: "万人", role: inspect.RoleMeasure, level: -1},
		{header: "乡村常住人口", vals: []string{"6.1"}, name: "rural_resident_pop", typ: sources.Float, role: inspect.RoleMeasure, level: -1, noChecks: true},
		{header: "流动人口", vals: []string{"12.5"}, name: "floating_pop", typ: sources.Float, role: inspect.RoleMeasure, level: -1},
		{header: "人口/城镇", vals: []string{"815.1"}, name: "urban_resident_pop", typ: sources.Float, role: inspect.RoleMeasure, level: -1},
		{header: "面积（平方公里）", vals: []string{"20.5"}, unit: "万人", name: "area_km2", typ: sources.Float, role: inspect.RoleMeasure, level: -1, noChecks: true},
		{header: "户数", vals: []string{"1200", "800"}, unit: "万人", name: "households", typ: sources.Int, role: inspect.RoleMeasure, level: -1, checkHas: "does not fit"},
		// Rates: percent, no unit.
		{header: "城镇化率（%）", vals: []string{"39.2%", "80.5"}, unit: "万人", name: "published_urban_rate_pct", typ: sources.Float, role: inspect.RoleRate, level: -1, percented: "pct"},
		{header: "户籍人口城镇化率", vals: []string{"45.1"}, unit: "万人", name: "published_hukou_urban_rate_pct", typ: sources.Float, role: inspect.RoleRate, level: -1, percented: "pct"},
		// Dates and unknown headers.
		{header: "城镇化/统计日期", vals: []string{"2023-12-31"}, name: "snapshot_date", typ: sources.Date, role: inspect.RolePeriod, level: -1, noChecks: true},
		{header: "统计口径", vals: []string{"常住"}, name: "col_1", typ: sources.String, role: inspect.RoleOther, level: -1, checkHas: "unknown header"},
		{header: "GDP", vals: []string{"12.5"}, unit: "亿元", name: "gdp", typ: sources.Float, colUnit: "亿元", role: inspect.RoleMeasure, level: -1, checkHas: "rename"},
		// A count of persons whose values could be codes is not a region.
		{header: "常住人口（人）", vals: []string{"310112", "310113"}, name: "resident_pop", typ: sources.Int, role: inspect.RoleMeasure, level: -1},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			col, g := inspect.GuessColumn(tt.header, 0, tt.vals, tt.unit)
			if col.Name != tt.name || col.Type != tt.typ || col.Unit != tt.colUnit || g.Role != tt.role ||
				g.Level != tt.level || col.Required != tt.required || col.Percent != tt.percented {
				t.Errorf("got name %s type %s unit %q percent %q required %v role %s level %d;\nwant name %s type %s unit %q percent %q required %v role %s level %d",
					col.Name, col.Type, col.Unit, col.Percent, col.Required, g.Role, g.Level,
					tt.name, tt.typ, tt.colUnit, tt.percented, tt.required, tt.role, tt.level)
			}
			notes := strings.Join(g.Check, "\n")
			if tt.checkHas != "" && !strings.Contains(notes, tt.checkHas) {
				t.Errorf("notes %q lack %q", notes, tt.checkHas)
			}
			if tt.noChecks && notes != "" {
				t.Errorf("unexpected notes %q", notes)
			}
		})
	}
}
