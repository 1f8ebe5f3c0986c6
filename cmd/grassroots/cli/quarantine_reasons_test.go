package cli

import "testing"

// The hand-back says the common reasons in Chinese by the column's header;
// the check's message loses its SQL, which reads as the opposite of it.
func TestHandBackReasons(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`region_code (区划代码): "310112180" is not a level-4 (township) code in the region table`,
			`区划代码："310112180" 区划代码不在区划表中（应为第4级，街道/乡镇）`},
		{`城镇常住人口大于常住人口 (urban_resident_pop <= resident_pop)`, `城镇常住人口大于常住人口`},
		{`floating_pop (流动人口（人）): -5 is below the minimum 0`, `流动人口（人）：-5 小于下限 0`},
		{`urbanised_area_km2 (城市化面积（平方公里）): 512 is above the maximum 400`, `城市化面积（平方公里）：512 大于上限 400`},
		{`resident_pop (常住人口（人）): missing (required)`, `常住人口（人）：未填写（必填）`},
		{`status (数据状态): "初报" has no code in recode.status (known: 快报, 年报)`, `数据状态："初报" 不是可选的值（可选：快报、年报）`},
		{`kind: "x" is not one of a, b`, `kind："x" 不是可选的值（可选：a、b）`},
		{`duplicate key (region_code=310112001, year=2024): the same as row 4 of inputs/returns/a.xlsx`,
			`与inputs/returns/a.xlsx 第4行重复（region_code=310112001, year=2024）`},
		{`fails check a <= b`, `fails check a <= b`}, // no message: as it is
		{`only a rural party organisation has an urban partner (urban_partner_code IS NULL OR setting = 'village')`,
			`only a rural party organisation has an urban partner (urban_partner_code IS NULL OR setting = 'village')`},
		{`城镇常住人口大于常住人口 (urban_resident_pop <= resident_pop); floating_pop (流动人口（人）): -5 is below the minimum 0`,
			`城镇常住人口大于常住人口；流动人口（人）：-5 小于下限 0`},
	} {
		if got := handBackReasons(c.in); got != c.want {
			t.Errorf("handBackReasons(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
	}
}
