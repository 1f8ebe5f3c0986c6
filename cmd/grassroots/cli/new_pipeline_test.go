package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"grassroots/pipelines"
	"grassroots/pipelines/spec"
	"grassroots/sources"
)

// yearbookWorkbook writes a yearbook-style sheet (示例数据, synthetic
// figures): a title row, a 单位：万人 row, a two-row header with merged
// cells, the district codes as text, a 年份 column, a 合计 row and a note.
func yearbookWorkbook(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	s := "2-1"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", s))
	must(f.SetCellValue(s, "A1", "2-1 各区常住人口和户籍人口（示例数据）"))
	must(f.MergeCell(s, "A1", "F1"))
	must(f.SetCellValue(s, "A2", "单位：万人"))
	for _, m := range [][3]string{{"A3", "A4", "地  区"}, {"B3", "B4", "区划代码"}, {"C3", "C4", "年份"}} {
		must(f.SetCellValue(s, m[0], m[2]))
		must(f.MergeCell(s, m[0], m[1]))
	}
	must(f.SetCellValue(s, "D3", "人口"))
	must(f.MergeCell(s, "D3", "F3"))
	must(f.SetSheetRow(s, "D4", &[]any{"常住人口", "城镇常住人口", "户籍人口"}))
	rows := [][]any{
		{"黄浦区", "310101", 2022, 65.1, 65.1, 78.2},
		{"黄浦区", "310101", 2023, 64.8, 64.8, 77.9},
		{"徐汇区", "310104", 2022, 110.9, 110.9, 92.5},
		{"徐汇区", "310104", 2023, 111.2, 111.2, 92.8},
		{"闵行区", "310112", 2022, 264.6, 245.3, 130.1},
		{"闵行区", "310112", 2023, 265.1, 246.0, 131.4},
		{"合  计", nil, nil, 881.7, 843.3, 602.9},
		{"注：示例数据，非真实统计。"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 5+i)
		must(f.SetSheetRow(s, cell, &r))
		if len(r) > 1 && r[1] != nil {
			code, _ := excelize.CoordinatesToCellName(2, 5+i)
			must(f.SetCellStr(s, code, r[1].(string))) // codes as text, as exports keep them
		}
	}
	must(f.SaveAs(path))
}

// newProject makes an empty project folder with an inputs folder, and a
// fresh warehouse beside it whose region table is loaded.
func newProject(t *testing.T) (project, wh string) {
	t.Helper()
	dir := t.TempDir()
	project = filepath.Join(dir, "project")
	if err := os.MkdirAll(filepath.Join(project, "inputs"), 0o755); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(dir, "reference")
	if _, err := pipelines.WriteReference(ref); err != nil {
		t.Fatal(err)
	}
	wh = filepath.Join(dir, "grassroots.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", wh)
	mustRun(t, "", "run", "refdata_region", "--project", ref, "--warehouse", wh, "--progress", "never")
	return project, wh
}

// specColumns reads a written spec strictly, as a run reads it, and returns
// its source columns by name.
func specColumns(t *testing.T, file string) (*spec.Spec, map[string]sources.Column) {
	t.Helper()
	s, err := spec.ReadFile(file)
	if err != nil {
		t.Fatalf("the written spec does not read: %v", err)
	}
	cols := map[string]sources.Column{}
	for _, c := range s.Source.Columns {
		cols[c.Name] = c
	}
	return s, cols
}

func TestNewPipelineYearbook(t *testing.T) {
	project, wh := newProject(t)
	input := filepath.Join(project, "inputs", "2-1人口.xlsx")
	yearbookWorkbook(t, input)

	// sources inspect suggests the same: the year and the code without a unit.
	out := mustRun(t, "", "sources", "inspect", input)
	for _, want := range []string{
		"    - {from: 区划代码, name: region_code, required: true}  # 请核对：",
		"    - {from: 年份, name: year, type: int, required: true}\n",
		"    - {from: 人口/户籍人口, name: hukou_pop, type: float, unit: 万人}  # 请核对：",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("sources inspect lacks %q:\n%s", want, out)
		}
	}

	out = mustRun(t, "", "new", "pipeline", input, "--project", project)
	file := filepath.Join(project, "pipelines", "population_2_1.yaml")
	for _, want := range []string{
		"wrote " + file + ": table population",
		"loads:    region_code, year, resident_pop, urban_resident_pop, hukou_pop",
		"comments: 地区 (not loaded",
		"lint:     ok",
		"next:     grassroots run population_2_1 --project " + project,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	t.Logf("written spec:\n%s", text)

	s, cols := specColumns(t, file)
	if c := cols["year"]; c.Type != sources.Int || c.Unit != "" || c.From.Name != "年份" {
		t.Errorf("year: %+v; want int from 年份 without a unit", c)
	}
	if c := cols["region_code"]; (c.Type != "" && c.Type != sources.String) || c.Unit != "" || c.From.Name != "区划代码" {
		t.Errorf("region_code: %+v; want text from 区划代码", c)
	}
	for _, n := range []string{"resident_pop", "urban_resident_pop", "hukou_pop"} {
		if c := cols[n]; c.Unit != "万人" || c.Type != sources.Float {
			t.Errorf("%s: %+v; want float in 万人", n, c)
		}
	}
	if c := cols["status"]; c.Value != "final" {
		t.Errorf("status: %+v; want the constant final", c)
	}
	if c := cols["source"]; !strings.Contains(c.Value, "2-1人口.xlsx") {
		t.Errorf("source: %+v; want the file named", c)
	}
	if _, ok := cols["region_name"]; ok {
		t.Errorf("the region names are loaded; want them kept as a comment")
	}
	if s.Target.Table != "population" || strings.Join(s.Target.PartitionBy, ",") != "region_code,year,vintage" {
		t.Errorf("target %+v", s.Target)
	}
	if r := s.Validate.Columns["region_code"]; r.RegionLevel == nil || *r.RegionLevel != 3 {
		t.Errorf("region_code rule %+v; want region_level 3", r)
	}
	if r := s.Validate.Columns["resident_pop"]; r.Min == nil || *r.Min != 0 {
		t.Errorf("resident_pop rule %+v; want min 0", r)
	}
	if strings.Join(s.Validate.Unique, ",") != "region_code,year" {
		t.Errorf("unique %v", s.Validate.Unique)
	}
	for _, want := range []string{
		"    # - {from: 地区, name: region_name}  # 地区名称不入库",
		"{sql: urban_resident_pop <= resident_pop, message: 城镇常住人口大于常住人口}",
		"# 请核对：单位「万人」取自表头上方的单位行，数值×10000",
		"# 请核对：数据状态",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("spec lacks %q", want)
		}
	}

	out = mustRun(t, "", "lint", "--project", project)
	if !strings.Contains(out, "no problems") {
		t.Errorf("lint: %s", out)
	}
	mustRun(t, "", "run", "population_2_1", "--project", project, "--warehouse", wh, "--progress", "never")
	got := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		"SELECT region_code, year, CAST(round(resident_pop) AS BIGINT) AS resident, CAST(round(urban_resident_pop) AS BIGINT) AS urban, "+
			"CAST(round(hukou_pop) AS BIGINT) AS hukou, status, vintage FROM population ORDER BY region_code, year")
	want := `region_code,year,resident,urban,hukou,status,vintage
310101,2022,651000,651000,782000,final,population_2_1
310101,2023,648000,648000,779000,final,population_2_1
310104,2022,1109000,1109000,925000,final,population_2_1
310104,2023,1112000,1112000,928000,final,population_2_1
310112,2022,2646000,2453000,1301000,final,population_2_1
310112,2023,2651000,2460000,1314000,final,population_2_1
`
	if got != want {
		t.Errorf("loaded rows:\n%s\nwant:\n%s", got, want)
	}

	// An existing spec is kept unless --force.
	code, _, errs := run(t, "", "new", "pipeline", input, "--project", project)
	if code != 1 || !strings.Contains(errs, file+" exists: not overwritten (--force overwrites it") {
		t.Errorf("second new pipeline: exit %d, stderr %q", code, errs)
	}
	if b2, _ := os.ReadFile(file); string(b2) != text {
		t.Errorf("the existing spec was changed")
	}
	if err := os.WriteFile(file, []byte("# edited\n"+text), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "new", "pipeline", input, "--project", project, "--force")
	if b2, _ := os.ReadFile(file); string(b2) != text {
		t.Errorf("--force did not write the spec again")
	}
}

// A GBK export of the country and provinces: codes with leading zeros
// (000000 全国) stay text, codes of two levels get a pattern check.
func TestNewPipelineGBKCSV(t *testing.T) {
	project, wh := newProject(t)
	csv := "2023年全国及部分省份人口（示例数据）\n单位：万人\n" +
		"行政区划代码,地区,统计年度,常住人口,城镇人口,户籍人口城镇化率（%）,统计口径\n" +
		"000000,全国,2023,140000,93000,48.1,常住\n" +
		"110000,北京市,2023,2180,1910,,常住\n" +
		"310000,上海市,2023,2480,2220,,常住\n" +
		"440000,广东省,2023,12700,9500,,常住\n" +
		"注：示例数据，非真实统计。\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(project, "inputs", "provinces_2023.csv")
	if err := os.WriteFile(input, []byte(gbk), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "new", "pipeline", input, "--project", project, "--name", "provinces")
	if !strings.Contains(out, "lint:     ok") || !strings.Contains(out, "comments: 地区, 统计口径") {
		t.Errorf("output:\n%s", out)
	}
	file := filepath.Join(project, "pipelines", "provinces.yaml")
	s, cols := specColumns(t, file)
	if s.Source.Encoding != "gb18030" && s.Source.Encoding != "gbk" {
		t.Errorf("encoding %q", s.Source.Encoding)
	}
	if c := cols["region_code"]; c.Type != "" && c.Type != sources.String {
		t.Errorf("region_code: %+v; want text", c)
	}
	if c := cols["year"]; c.Type != sources.Int || c.Unit != "" {
		t.Errorf("year: %+v; want int without a unit", c)
	}
	if c := cols["published_hukou_urban_rate_pct"]; c.Unit != "" || c.Percent != "pct" {
		t.Errorf("hukou rate: %+v; want a percentage without a unit", c)
	}
	if r := s.Validate.Columns["region_code"]; r.Pattern != "^([0-9]{6})$" || r.RegionLevel != nil {
		t.Errorf("region_code rule %+v; want a pattern (codes of two levels)", r)
	}
	mustRun(t, "", "run", "provinces", "--project", project, "--warehouse", wh, "--progress", "never")
	got := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		"SELECT region_code, year, CAST(round(resident_pop) AS BIGINT) AS resident, published_hukou_urban_rate_pct AS hukou_rate FROM population ORDER BY region_code")
	want := `region_code,year,resident,hukou_rate
000000,2023,1400000000,48.1
110000,2023,21800000,
310000,2023,24800000,
440000,2023,127000000,
`
	if got != want {
		t.Errorf("loaded rows:\n%s\nwant:\n%s", got, want)
	}
}

// A file without region codes: the spec is written with its notes, and
// lint's problem is printed with the reason.
func TestNewPipelineLintProblems(t *testing.T) {
	project := t.TempDir()
	input := filepath.Join(project, "towns.csv")
	if err := os.WriteFile(input, []byte("地区,年份,常住人口（人）\n江川路街道,2023,120000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "new", "pipeline", input, "--project", project)
	if code != 1 || !strings.Contains(errs, "lint finds 1 problem(s)") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	file := filepath.Join(project, "pipelines", "towns.yaml")
	if !strings.Contains(out, file+":") || !strings.Contains(out, "column region_code is required") ||
		!strings.Contains(out, "why:      no column of region codes (区划代码) was found") {
		t.Errorf("lint's problem not shown:\n%s", out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "# 请核对：未找到区划代码列") {
		t.Errorf("the spec does not say the region code is missing:\n%s", b)
	}

	code, _, errs = run(t, "", "new", "pipeline", input, "--project", project, "--name", "Towns!")
	if code != 2 || !strings.Contains(errs, `--name "Towns!"`) {
		t.Errorf("bad --name: exit %d, stderr %q", code, errs)
	}
}

// A header that carries control characters is written escaped: the spec
// still reads, and the terminal is not written raw escapes.
func TestNewPipelineEscapesControls(t *testing.T) {
	project := t.TempDir()
	input := filepath.Join(project, "evil.csv")
	if err := os.WriteFile(input, []byte("区划代码,\x1b]0;pwned\a名称,年份,常住人口（万人）\n310112,闵行区,2023,265.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "new", "pipeline", input, "--project", project)
	if strings.ContainsAny(out, "\x1b\a") {
		t.Fatalf("raw control characters printed:\n%q", out)
	}
	b, err := os.ReadFile(filepath.Join(project, "pipelines", "evil.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(string(b), "\x1b\a") {
		t.Fatalf("raw control characters in the spec:\n%q", b)
	}
	_, cols := specColumns(t, filepath.Join(project, "pipelines", "evil.yaml"))
	if cols["region_code"].From.Name != "区划代码" {
		t.Errorf("columns %v", cols)
	}
}

// Years across the columns (2021年 2022年 …) are unpivoted; the title says
// what the values are and in which unit.
func TestNewPipelineWideYears(t *testing.T) {
	project, wh := newProject(t)
	csv := "各区常住人口（万人）\n区划代码,地区,2021年,2022年,2023年\n" +
		"310112,闵行区,265.3,264.6,265.1\n310104,徐汇区,111.0,110.9,111.2\n"
	input := filepath.Join(project, "inputs", "wide.csv")
	if err := os.WriteFile(input, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "new", "pipeline", input, "--project", project)
	if !strings.Contains(out, "loads:    region_code, year, resident_pop") || !strings.Contains(out, "lint:     ok") {
		t.Errorf("output:\n%s", out)
	}
	s, cols := specColumns(t, filepath.Join(project, "pipelines", "wide.yaml"))
	if s.Source.Unpivot == nil || s.Source.Unpivot.Value != "resident_pop" || cols["resident_pop"].Unit != "万人" {
		t.Errorf("unpivot %+v, resident_pop %+v", s.Source.Unpivot, cols["resident_pop"])
	}
	mustRun(t, "", "run", "wide", "--project", project, "--warehouse", wh, "--progress", "never")
	got := mustRun(t, "", "sql", "--warehouse", wh, "--format", "csv",
		"SELECT region_code, year, CAST(round(resident_pop) AS BIGINT) AS resident FROM population WHERE region_code = '310112' ORDER BY year")
	want := "region_code,year,resident\n310112,2021,2653000\n310112,2022,2646000\n310112,2023,2651000\n"
	if got != want {
		t.Errorf("loaded rows:\n%s\nwant:\n%s", got, want)
	}
}

// A name made of the file name is a valid pipeline name, or --name is
// asked for: never ".yaml" or "_2024.yaml" when no table fits.
func TestNewPipelineNameFromFile(t *testing.T) {
	for _, c := range []struct{ file, table, want string }{
		{"inputs/Pop-2023.xlsx", "population", "pop_2023"},
		{"年鉴2023.xlsx", "population", "population_2023"},
		{"附表.csv", "population", "population"},
		{"附表.csv", "", ""},
		{"2024.csv", "", ""},
		{"年鉴2023.xlsx", "", ""},
	} {
		got, err := nameFromFile(c.file, c.table)
		switch {
		case c.want == "" && (err == nil || !strings.Contains(err.Error(), "give one with --name")):
			t.Errorf("nameFromFile(%q, %q) = %q, %v; want an error asking for --name", c.file, c.table, got, err)
		case c.want != "" && (err != nil || got != c.want):
			t.Errorf("nameFromFile(%q, %q) = %q, %v; want %q", c.file, c.table, got, err, c.want)
		}
	}
}
