package spec

import (
	"strings"
	"testing"
	"time"

	_ "grassroots/sources/csv"
)

func TestExpr(t *testing.T) {
	row := map[string]Value{
		"urban": {Kind: Num, Num: 12}, "total": {Kind: Num, Num: 10}, "none": {},
		"mode": {Kind: Str, Str: "joint"}, "n": {Kind: Num, Num: 3},
	}
	get := func(c string) Value { return row[c] }
	for _, tc := range []struct {
		src   string
		fails bool
	}{
		{"urban <= total", true},
		{"total <= urban", false},
		{"none <= total", false}, // NULL passes, as in CHECK
		{"none IS NULL", false},
		{"none IS NOT NULL", true},
		{"coalesce(none, 0) <= total", false},
		{"mode IN ('single', 'joint')", false},
		{"mode NOT IN ('single', 'joint')", true},
		{"n BETWEEN 1 AND 2", true},
		{"n NOT BETWEEN 1 AND 2", false},
		{"urban - total > 1 AND NOT (mode = 'none')", false},
		{"urban * 2 / 4 = 6", false},
		{"-urban < 0 OR none > 1", false},
		{"mode = 'none' OR none > 1", false}, // false OR NULL is NULL: passes
		{"mode = 'none' AND none > 1", true}, // false AND NULL is false
		{"length(mode) = 5 AND upper(mode) = 'JOINT'", false},
	} {
		e, err := ParseExpr(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := e.Fails(get); got != tc.fails {
			t.Errorf("%s: fails = %v, want %v", tc.src, got, tc.fails)
		}
	}
	for _, bad := range []string{"urban <=", "urban <= total)", "frob(urban)", "'open", "a ; b"} {
		if _, err := ParseExpr(bad); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
	e, _ := ParseExpr(`members_with_party_org <= organisations AND coalesce(x, "y") > 0`)
	if got := strings.Join(e.Columns(), ","); got != "members_with_party_org,organisations,x,y" {
		t.Errorf("columns = %s", got)
	}
}

func TestParseReportsEveryProblemWithPosition(t *testing.T) {
	src := `source:
  kind: csv
  path: x.csv
  columns:
    - {name: year, from: 年份, type: int}
    - {name: pop, from: 人口, type: float}
target:
  table: population
  partition_by: [year, region]
validate:
  columns:
    pop: {min: 10, max: 1}
  checks:
    - sql: pop > nonesuch
reject_threshold: 150%
`
	_, err := Parse("p/pop.yaml", []byte(src))
	ps := ProblemsOf(err)
	if ps == nil {
		t.Fatal("no problems reported")
	}
	if !strings.Contains(ps.Error(), "p/pop.yaml:15:19: reject_threshold \"150%\" must be between") {
		t.Fatalf("decode problem not positioned:\n%s", ps)
	}
	src = strings.Replace(src, "reject_threshold: 150%\n", "reject_threshold: 2%\n", 1)
	_, err = Parse("p/pop.yaml", []byte(src))
	want := []string{
		`p/pop.yaml:9:24: target.partition_by[1]: "region" is not a column of source.columns`,
		`p/pop.yaml:12:16: validate.columns.pop.min: min 10 is greater than max 1`,
		`p/pop.yaml:14:12: validate.checks[0].sql: "nonesuch" is not a column of source.columns`,
	}
	got := ProblemsOf(err).Error()
	if got != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestPeriods(t *testing.T) {
	p, err := ParsePeriods("2015..2017, 2020")
	if err != nil || strings.Join(p, " ") != "2015 2016 2017 2020" {
		t.Fatalf("got %v, %v", p, err)
	}
	for _, bad := range []string{"2017..2015", "20x5", "", "1800"} {
		if _, err := ParsePeriods(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCronTimeZone(t *testing.T) {
	s := &Spec{Schedule: Schedule{Cron: "0 2 * * *"}}
	sch, err := s.CronSchedule()
	if err != nil {
		t.Fatal(err)
	}
	// 02:00 in Shanghai is 18:00 UTC the day before.
	next := sch.Next(mustTime(t, "2024-06-01T00:00:00Z"))
	if got := next.UTC().Format("2006-01-02 15:04"); got != "2024-06-01 18:00" {
		t.Errorf("next run %s UTC, want 2024-06-01 18:00 (02:00 Asia/Shanghai)", got)
	}
	s.Schedule.Cron = "CRON_TZ=UTC 0 2 * * *"
	sch, _ = s.CronSchedule()
	if got := sch.Next(mustTime(t, "2024-06-01T00:00:00Z")).UTC().Format("15:04"); got != "02:00" {
		t.Errorf("CRON_TZ=UTC not honoured: %s", got)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
