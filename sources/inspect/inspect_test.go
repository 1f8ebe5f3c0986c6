package inspect_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"grassroots/sources"
	_ "grassroots/sources/csv"
	"grassroots/sources/inspect"
	"grassroots/sources/internal/sourcetest"
	_ "grassroots/sources/json"
	_ "grassroots/sources/xlsx"
)

func TestInspect(t *testing.T) {
	tests := []struct {
		golden, path string
		o            inspect.Options
		skip, hdr    int
	}{
		{"pop_gbk.txt", "../csv/testdata/pop_gbk.csv", inspect.Options{}, 0, 1},
		{"wb_urban.txt", "../csv/testdata/wb_urban.csv", inspect.Options{}, 4, 1},
		{"two_headers.txt", "../csv/testdata/two_headers.csv", inspect.Options{}, 0, 2},
		{"yearbook.txt", "../xlsx/testdata/年鉴.xlsx", inspect.Options{Sheet: "3-3"}, 2, 2},
		{"members_json.txt", "../json/testdata/members.ndjson", inspect.Options{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			r, err := inspect.Inspect(context.Background(), tt.path, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if r.SkipRows != tt.skip || r.HeaderRows != tt.hdr {
				t.Errorf("skip_rows %d header_rows %d; want %d, %d", r.SkipRows, r.HeaderRows, tt.skip, tt.hdr)
			}
			var b strings.Builder
			if err := r.Write(&b); err != nil {
				t.Fatal(err)
			}
			sourcetest.Golden(t, tt.golden, b.String())

			// The suggestion is a working spec: it decodes strictly and reads the file.
			var spec struct {
				Source sources.Config `yaml:"source"`
			}
			dec := yaml.NewDecoder(strings.NewReader(r.Spec()))
			dec.KnownFields(true)
			if err := dec.Decode(&spec); err != nil {
				t.Fatalf("suggested spec does not decode: %v\n%s", err, r.Spec())
			}
			spec.Source.OnReject = func(sources.Reject) {}
			src, err := sources.New("", spec.Source)
			if err != nil {
				t.Fatalf("suggested spec is invalid: %v\n%s", err, r.Spec())
			}
			rdr, err := src.Open(context.Background())
			if err != nil {
				t.Fatalf("suggested spec does not open: %v\n%s", err, r.Spec())
			}
			defer rdr.Release()
			for rdr.Next() {
			}
			if err := rdr.Err(); err != nil {
				t.Fatalf("reading with the suggested spec: %v", err)
			}
			if st := rdr.(sources.StatsReader).Stats(); st.RowsOut == 0 {
				t.Errorf("suggested spec read no rows: %+v", st)
			}
		})
	}
}

// Equal neighbouring values in a data row are two cells, not one merged cell:
// the preview must not shift the columns after them.
func TestFirstRowsKeepEqualNeighbours(t *testing.T) {
	path := t.TempDir() + "/orgs.csv"
	data := "单位名称,是否派驻党建指导员,统计范围,统计日期\n示例科技有限公司0004号,是,是,2024-12-31\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := inspect.Inspect(context.Background(), path, inspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	if want := "line 2: 示例科技有限公司0004号 | 是 | 是 | 2024-12-31"; !strings.Contains(b.String(), want) {
		t.Fatalf("preview lacks %q:\n%s", want, b.String())
	}
}

// The whole pipeline a suggestion becomes, against a table that has the
// population columns: comments, constants, target and rules.
func TestPipeline(t *testing.T) {
	tables := []inspect.Table{
		{Name: "population", Columns: []string{"region_code", "year", "vintage", "resident_pop", "urban_resident_pop",
			"hukou_pop", "published_urban_rate_pct", "source", "status"}},
		{Name: "community", Columns: []string{"snapshot_date", "region_code", "staff", "households", "status"}},
	}
	tests := []struct {
		golden, path, sheet string
		table               string
	}{
		{"yearbook_pipeline.yaml", "../xlsx/testdata/年鉴.xlsx", "3-3", "population"},
		{"pop_gbk_pipeline.yaml", "../csv/testdata/pop_gbk.csv", "", "population"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			r, err := inspect.Inspect(context.Background(), tt.path, inspect.Options{Sheet: tt.sheet})
			if err != nil {
				t.Fatal(err)
			}
			text, plan := r.Pipeline(inspect.PipelineOptions{Name: "p", Path: "inputs/" + tt.path[strings.LastIndex(tt.path, "/")+1:], Tables: tables})
			if plan.Table != tt.table {
				t.Errorf("table %s, want %s", plan.Table, tt.table)
			}
			sourcetest.Golden(t, tt.golden, text)
			var y map[string]any
			if err := yaml.Unmarshal([]byte(text), &y); err != nil {
				t.Fatalf("not YAML: %v", err)
			}
		})
	}
}
