package sources_test

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"grassroots/sources"
)

func TestValidateReportsEveryProblem(t *testing.T) {
	spec := `
kind: csv
path: pop.csv
encoding: big5
skip_rows: -1
columns:
  - {from: 地区, name: region_name}
  - {from: 年份, name: Year, type: int}
  - {from: 3, name: resident, type: float, unit: 万万人}
  - {from: 4, name: urban, type: intger}
  - {from: 5, name: rate, type: string, percent: pct}
  - {name: note}
  - {name: vintage, type: date, value: 去年}
  - {from: 6, name: region_name}
drop_rows:
  - {column: 1}
unpivot: {match: "(", key: year, value: value}
`
	var cfg sources.Config
	dec := yaml.NewDecoder(strings.NewReader(spec))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("Validate accepted a broken config")
	}
	want := []string{
		`encoding: unknown encoding "big5" (want auto, utf-8, gb18030 or gbk)`,
		`skip_rows: must not be negative`,
		`columns[1].name: "Year" is not a snake_case name`,
		`columns[2].unit: unknown unit "万万人"`,
		`columns[3].type: unknown type "intger" (want string, int, float, date, month, bool, timestamp)`,
		`columns[4].percent: only int and float columns hold percentages`,
		`columns[5].from: required (or give a constant value)`,
		`columns[6].value: "去年" is not a date`,
		`columns[7].name: "region_name" is already columns[0]`,
		`drop_rows[0]: give equals, starts_with, matches or blank`,
		"unpivot.match: error parsing regexp: missing closing ): `(`",
		`unpivot.key: "year" is not a declared column`,
		`unpivot.value: "value" is not a declared column`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Validate:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}

func TestUnknownYAMLKey(t *testing.T) {
	var cfg sources.Config
	dec := yaml.NewDecoder(strings.NewReader("path: a.csv\nheader_row: 2\n"))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err == nil || !strings.Contains(err.Error(), "field header_row not found") {
		t.Errorf("decode: %v", err)
	}
}

func TestRefYAML(t *testing.T) {
	var cfg sources.Config
	if err := yaml.Unmarshal([]byte("sheet: 2\ncolumns: [{from: \"1960\", name: a}, {from: 3, name: b}]\n"), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Sheet != sources.Pos(2) || cfg.Columns[0].From != sources.Header("1960") || cfg.Columns[1].From != sources.Pos(3) {
		t.Errorf("decoded %+v %+v", cfg.Sheet, cfg.Columns)
	}
	if err := yaml.Unmarshal([]byte("columns: [{from: 0, name: a}]\n"), &cfg); err == nil {
		t.Error("position 0 accepted")
	}
}

func TestNewUnknownKind(t *testing.T) {
	_, err := sources.New("dbf", sources.Config{Path: "a.dbf"})
	if err == nil || !strings.HasPrefix(err.Error(), `kind: unknown source kind "dbf"`) {
		t.Errorf("New: %v", err)
	}
}

func TestJoinHeaders(t *testing.T) {
	got := sources.JoinHeaders([][]string{
		{"地区", "人口", "", "面积\n（平方公里）", "备注"},
		{"", "常住", "城镇", "", ""},
	}, false)
	want := []string{"地区", "人口/常住", "人口/城镇", "面积（平方公里）", "备注"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("JoinHeaders = %q, want %q", got, want)
	}
	if got := sources.CleanHeader("  Country \n Name "); got != "Country Name" {
		t.Errorf("CleanHeader = %q", got)
	}
}

func TestFetchAndPaginationYAML(t *testing.T) {
	spec := `
kind: json
url: https://data.example.org/api/orgs
records_path: data.items
pagination: {page_param: page, size_param: size, size: 500}
fetch: {timeout: 45s, retries: 5, backoff: 2s, headers: {X-Api-Key: k}}
columns: [{from: org_code, name: org_code}]
`
	var cfg sources.Config
	dec := yaml.NewDecoder(strings.NewReader(spec))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Fetch.Timeout.Seconds() != 45 || cfg.Fetch.Retries != 5 || cfg.Fetch.Backoff.Seconds() != 2 ||
		cfg.Fetch.Headers["X-Api-Key"] != "k" || cfg.Pagination.Size != 500 || cfg.Location() != "https://data.example.org/api/orgs" {
		t.Errorf("decoded %+v %+v", cfg.Fetch, cfg.Pagination)
	}
}
