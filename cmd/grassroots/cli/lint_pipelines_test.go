package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const popPipeline = `# Township population (synthetic).
source:
  kind: csv
  path: inputs/pop.csv
  columns:
    - {name: region_code, from: 区划代码}
    - {name: year, from: 年份, type: int}
    - {name: resident_pop, from: 常住人口, type: float, unit: 万人}
target:
  table: population
  partition_by: [region_code, year]
`

// lintProject writes a project whose pipelines/pop.yaml is spec, with
// inputs/pop.csv, and returns what lint says about its pipelines.
func lintProject(t *testing.T, spec string) (string, []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	os.MkdirAll(filepath.Join(dir, "pipelines"), 0o755)
	os.MkdirAll(filepath.Join(dir, "inputs"), 0o755)
	os.WriteFile(filepath.Join(dir, "inputs", "pop.csv"), []byte("区划代码,年份,常住人口\n310112001,2020,10.5\n"), 0o644)
	if err := os.WriteFile(filepath.Join(dir, "pipelines", "pop.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	ps, err := lintPipelines(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, strings.TrimPrefix(p.String(), dir+"/"))
	}
	return dir, out
}

func TestLintPipelineSpecs(t *testing.T) {
	for _, tc := range []struct {
		name, from, to string
		want           []string
	}{
		{"clean", "", "", nil},
		{"required column not filled",
			"    - {name: year, from: 年份, type: int}\n", "",
			[]string{"pipelines/pop.yaml:9:10: target population: column year is required (NOT NULL) but the pipeline does not fill it"}},
		{"required column dropped by pii.drop",
			"target:\n", "pii:\n  drop: [year]\ntarget:\n",
			[]string{"pipelines/pop.yaml:12:10: target population: column year is required (NOT NULL) but the pipeline does not fill it"}},
		{"constant fills a required column",
			"    - {name: year, from: 年份, type: int}\n", "    - {name: year, type: int, value: \"2020\"}\n", nil},
		{"input outside the project",
			"  path: inputs/pop.csv\n", "  path: ../../../../../../../../etc/passwd\n",
			[]string{"pipelines/pop.yaml:4:9: source.path: /etc/passwd is outside the project folder PROJ; a pipeline reads only inputs inside its project unless it sets source.allow_outside_project: true"}},
		{"input outside the project, allowed, but a device",
			"  path: inputs/pop.csv\n", "  path: /dev/zero\n  allow_outside_project: true\n",
			[]string{"pipelines/pop.yaml:4:9: source.path: /dev/zero is a device, not a regular file; a pipeline reads regular files and http(s) URLs"}},
		{"second document",
			"", "---\ndescription: a second pipeline, silently ignored until now\n",
			[]string{"pipelines/pop.yaml:12:1: a pipeline file holds one YAML document; a second one starts here (remove the --- line, or put the second pipeline in a file of its own)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := popPipeline
			if strings.HasPrefix(tc.name, "required column") {
				spec = strings.Replace(spec, "[region_code, year]", "[region_code]", 1)
			}
			if tc.from != "" || tc.to != "" {
				if tc.from == "" {
					spec += tc.to
				} else {
					spec = strings.Replace(spec, tc.from, tc.to, 1)
				}
			}
			dir, got := lintProject(t, spec)
			want := strings.Join(tc.want, "\n")
			want = strings.ReplaceAll(want, "PROJ", dir)
			if strings.Join(got, "\n") != want {
				t.Errorf("lint:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
			}
		})
	}
}

// The catalogue lint reads from the migrations knows which columns are
// required: NOT NULL without a DEFAULT, also when a later migration adds the
// constraint.
func TestSchemaTablesRequired(t *testing.T) {
	tables, err := schemaTables()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		table, col string
		required   bool
	}{
		{"population", "region_code", true},
		{"population", "year", true},
		{"population", "vintage", false},      // NOT NULL DEFAULT ''
		{"population", "is_synthetic", false}, // NOT NULL DEFAULT false
		{"population", "resident_pop", false},
		{"population", "run_id", false},
		{"member_profile", "rural_members", false}, // ADD COLUMN … DEFAULT 0, then SET NOT NULL
		{"organisation", "kind", true},
		{"target", "target_year", false}, // ALTER COLUMN … DROP NOT NULL
		{"indicator", "code", true},      // PRIMARY KEY
	} {
		var c *schemaColumn
		tab, ok := tables[tc.table]
		if ok {
			c, ok = tab.cols[tc.col]
		}
		if !ok || c.required() != tc.required {
			t.Errorf("%s.%s: known %v, required %v; want required %v", tc.table, tc.col, ok, c.required(), tc.required)
		}
	}
}

// The repository is a project of its own: its pipelines (the national series
// sets an observation status), indicators, audit rules and reports lint clean.
func TestLintRepository(t *testing.T) {
	code, out, errs := run(t, "", "lint", filepath.Join("..", "..", ".."))
	if code != 0 {
		t.Fatalf("lint of the repository: exit %d\n%s%s", code, out, errs)
	}
}
