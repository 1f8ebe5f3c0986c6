package spec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const smallSpec = `source:
  kind: csv
  path: x.csv
  columns:
    - {name: year, from: 年份, type: int}
    - {name: kind, from: 类型}
target:
  table: population
  partition_by: [year]
`

// bigSpec is a spec of about size bytes whose bulk is the given shape.
func bigSpec(shape string, size int) string {
	var b strings.Builder
	switch shape {
	case "recode": // one huge recode table
		b.WriteString(smallSpec + "recode:\n  kind:\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "    k%d: v%d\n", i, i)
		}
	case "validate": // a rule for each of many columns
		b.WriteString(smallSpec + "validate:\n  columns:\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "    kind%d: {required: true}\n", i)
		}
	case "unknown": // many unknown keys: one problem each
		b.WriteString(smallSpec + "validate:\n  columns:\n    kind:\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "      x%d: 1\n", i)
		}
	case "headers": // many HTTP headers
		b.WriteString(strings.Replace(smallSpec, "  path: x.csv\n", "  url: http://example.org/x.csv\n  fetch:\n    headers:\n", 1))
		head := b.String()
		b.Reset()
		var h strings.Builder
		for i := 0; h.Len() < size-len(head); i++ {
			fmt.Fprintf(&h, "      x-h%d: v\n", i)
		}
		b.WriteString(strings.Replace(head, "    headers:\n", "    headers:\n"+h.String(), 1))
	}
	return b.String()
}

// Parsing takes time linear in the size of a spec, whatever its shape: a spec
// eight times larger takes about eight times longer, not sixty-four. (yaml.v3
// compares every key of a map with every other, and positioning each problem
// used to walk the whole tree: a 1 MiB recode table took 10 s, a mapping of
// 1 MiB of unknown keys 4 minutes.)
func TestParseTimeIsLinear(t *testing.T) {
	// fastest is the shortest of three parses, or the deadline passed.
	fastest := func(src string, deadline time.Time) (time.Duration, error) {
		best := time.Duration(1 << 62)
		var err error
		for i := 0; i < 3; i++ {
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				_, err := Parse("p/big.yaml", []byte(src))
				done <- err
			}()
			select {
			case err = <-done:
				best = min(best, time.Since(start))
			case <-time.After(time.Until(deadline)):
				return 0, fmt.Errorf("%d bytes not parsed in %v", len(src), time.Since(start).Round(time.Second))
			}
		}
		return best, err
	}
	for _, shape := range []string{"recode", "validate", "unknown", "headers"} {
		deadline := time.Now().Add(30 * time.Second)
		small, big := bigSpec(shape, MaxSize/16), bigSpec(shape, MaxSize/2)
		t1, _ := fastest(small, deadline)
		t8, err := fastest(big, deadline)
		if t8 == 0 {
			t.Errorf("%s: %v", shape, err)
			continue
		}
		t.Logf("%-8s %7d bytes: %v; %7d bytes: %v", shape, len(small), t1, len(big), t8)
		if t8 > 24*t1+20*time.Millisecond {
			t.Errorf("%s: %d bytes took %v, %d bytes %v: not linear", shape, len(small), t1, len(big), t8)
		}
		switch {
		case shape == "unknown":
			if err == nil || !strings.HasPrefix(err.Error(), "p/big.yaml:13:7: validate.columns.kind: a mapping of ") {
				t.Errorf("the mapping of unknown keys is not reported: %.200v", err)
			}
		case shape != "validate" && err != nil:
			t.Errorf("%s: %.300v", shape, err)
		}
	}
}

func TestParseRefusesLargeFile(t *testing.T) {
	src := bigSpec("recode", MaxSize+1)
	_, err := Parse("p/big.yaml", []byte(src))
	want := fmt.Sprintf("p/big.yaml: the file is %d bytes; a pipeline file may be at most 1 MiB (1048576 bytes)", len(src))
	if err == nil || err.Error() != want {
		t.Fatalf("err = %.300v\nwant %s", err, want)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), "a pipeline file may be at most 1 MiB") {
		t.Fatalf("ReadFile: %.300v", err)
	}
}

func TestParseRefusesSecondDocument(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{smallSpec + "---\nrecode: {kind: {a: b}}\n", "p/two.yaml:10:1: a pipeline file holds one YAML document; a second one starts here (remove the --- line, or put the second pipeline in a file of its own)"},
		{"---\n" + smallSpec + "...\n---\n", "p/two.yaml:12:1: a pipeline file holds one YAML document; a second one starts here (remove the --- line, or put the second pipeline in a file of its own)"},
	} {
		_, err := Parse("p/two.yaml", []byte(tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("err = %v\nwant %s", err, tc.want)
		}
	}
	if _, err := Parse("p/one.yaml", []byte("---\n"+smallSpec+"...\n")); err != nil {
		t.Errorf("one document with start and end markers: %v", err)
	}
}

func TestAllowOutsideProjectKey(t *testing.T) {
	src := strings.Replace(smallSpec, "  path: x.csv\n", "  path: ../x.csv\n  allow_outside_project: true\n", 1)
	s, err := Parse("p/out.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !s.AllowOutsideProject {
		t.Error("allow_outside_project: true not read")
	}
	for _, tc := range []struct{ from, to, want string }{
		{"  allow_outside_project: true\n", "  allow_outside_project: maybe\n",
			`p/out.yaml:4:26: source.allow_outside_project: "maybe": want true or false`},
		{"  allow_outside_project: true\n", "  allow_outside_project: true\n  allow_outside_projects: true\n",
			`p/out.yaml:5:3: unknown key "allow_outside_projects"`},
		{"    - {name: kind, from: 类型}\n", "    - {name: kind, from: 类型, allow_outside_project: true}\n",
			`p/out.yaml:7:30: unknown key "allow_outside_project"`},
	} {
		_, err := Parse("p/out.yaml", []byte(strings.Replace(src, tc.from, tc.to, 1)))
		if err == nil || err.Error() != tc.want {
			t.Errorf("err = %v\nwant %s", err, tc.want)
		}
	}
}

// Large recode tables, rule maps and header maps decode as before: values,
// duplicate keys, unknown keys and type errors.
func TestMapsDecode(t *testing.T) {
	src := smallSpec + `recode:
  kind: {单独组建: single, 联合组建: joint}
validate:
  columns:
    year: {min: 1949, max: 2100}
`
	s, err := Parse("p/m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.Recode["kind"]["联合组建"] != "joint" || len(s.Recode["kind"]) != 2 || *s.Validate.Columns["year"].Max != 2100 {
		t.Fatalf("recode %v, rules %v", s.Recode, s.Validate.Columns)
	}
	// Empty entries, merge keys and anchors decode as yaml.v3 decodes them.
	src2 := "a: &a {x: 1, y: 2}\nb: {<<: *a, y: 3}\nc:\nd: *a\ne: {<<: [*a, {z: 4}], x: 0}\n"
	var plain map[string]map[string]string
	var r Recode
	if err := yaml.Unmarshal([]byte(src2), &plain); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(src2), &r); err != nil || fmt.Sprint(r) != fmt.Sprint(plain) {
		t.Errorf("Recode %v (%v), yaml.v3 %v", r, err, plain)
	}
	var plainRules map[string]ColumnRule
	var rules ColumnRules
	src2 = "year: &y {min: 1949, max: 2100}\nkind:\npop: {<<: *y, min: 0}\n"
	yaml.Unmarshal([]byte(src2), &plainRules)
	err = yaml.Unmarshal([]byte(src2), &rules)
	j1, _ := json.Marshal(rules)
	j2, _ := json.Marshal(plainRules)
	if err != nil || string(j1) != string(j2) || *rules["pop"].Min != 0 || *rules["pop"].Max != 2100 {
		t.Errorf("ColumnRules %s (%v), yaml.v3 %s", j1, err, j2)
	}
	for _, tc := range []struct{ from, to, want string }{
		{"联合组建: joint}", "联合组建: joint, 单独组建: x}", `p/m.yaml:11:37: mapping key "单独组建" already defined at line 11`},
		{"{min: 1949, max: 2100}", "{min: 1949, mux: 2100}", `p/m.yaml:14:23: unknown key "mux"`},
		{"{min: 1949, max: 2100}", "{min: low}", `p/m.yaml:14:17: "low": want a number`},
		{"kind: {单独组建: single, 联合组建: joint}", "kind: [single]", `p/m.yaml:11:9: cannot unmarshal !!seq into map[string]string`},
	} {
		_, err := Parse("p/m.yaml", []byte(strings.Replace(src, tc.from, tc.to, 1)))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v\nwant %s", tc.to, err, tc.want)
		}
	}
}

// A recode table aliased many times, or a few lines of anchors that stand for
// billions of entries, are refused before anything is decoded: the maps are
// decoded by their own types, entry by entry.
func TestParseRefusesAliasBombs(t *testing.T) {
	var b strings.Builder
	b.WriteString(smallSpec + "recode:\n  kind: &big\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "    k%d: v%d\n", i, i)
	}
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "  c%d: *big\n", i)
	}
	start := time.Now()
	_, err := Parse("p/bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "p/bomb.yaml: the aliases (*name) expand") || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %.300v after %v", err, time.Since(start))
	}
	b.Reset()
	b.WriteString(smallSpec + "recode:\n  kind: &l0 {a: b, c: d, e: f, g: h, i: j, k: l, m: n, o: p, q: r, s: t}\n")
	b.WriteString("validate:\n  columns:\n")
	for i := 1; i < 8; i++ {
		fmt.Fprintf(&b, "    x%d: &l%d [", i, i)
		for j := 0; j < 10; j++ {
			fmt.Fprintf(&b, "*l%d, ", i-1)
		}
		b.WriteString("]\n")
	}
	_, err = Parse("p/bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "p/bomb.yaml: the aliases (*name) expand") {
		t.Fatalf("err = %.300v", err)
	}
	// A self-referencing anchor.
	_, err = Parse("p/self.yaml", []byte(smallSpec+"validate:\n  unique: &u [year, *u]\n"))
	if err == nil || !strings.Contains(err.Error(), "p/self.yaml:11:11: anchor &u contains an alias to itself") {
		t.Fatalf("err = %v", err)
	}
	// Aliases that repeat a little are fine.
	_, err = Parse("p/ok.yaml", []byte(smallSpec+"validate:\n  unique: &u [kind]\npii:\n  drop: *u\n"))
	if err != nil {
		t.Fatal(err)
	}
}
