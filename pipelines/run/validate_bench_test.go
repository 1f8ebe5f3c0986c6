package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
	"grassroots/sources"
)

// batches replays record batches read once, so that a benchmark times the
// validator alone.
type batches struct {
	refs   atomic.Int64
	schema *arrow.Schema
	recs   []arrow.RecordBatch
	i      int
}

func (b *batches) Retain()                        { b.refs.Add(1) }
func (b *batches) Release()                       { b.refs.Add(-1) }
func (b *batches) Schema() *arrow.Schema          { return b.schema }
func (b *batches) Next() bool                     { b.i++; return b.i <= len(b.recs) }
func (b *batches) RecordBatch() arrow.RecordBatch { return b.recs[b.i-1] }
func (b *batches) Record() arrow.RecordBatch      { return b.recs[b.i-1] }
func (b *batches) Err() error                     { return nil }

const benchTownships = "310112001 310112006 310112008 310112009 310112101 310112102 310112103 310112106 310112107 310112108 310112110 310112112 310112114 310112501"

// benchOrgs writes n synthetic organisations (no names) and returns the path.
func benchOrgs(b *testing.B, n int) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "orgs.csv")
	var sb strings.Builder
	sb.WriteString("snapshot_date,region_code,org_id,kind,industry,employees,formal_members,party_org_mode,instructor_assigned,in_scope\n")
	towns := strings.Fields(benchTownships)
	kinds := []string{"nonpublic_enterprise", "social_group", "private_non_enterprise", "foundation"}
	modes := []string{"none", "single", "joint", "affiliated"}
	for i := 0; i < n; i++ {
		emp := 3 + i%400
		fmt.Fprintf(&sb, "2024-12-31,%s,91310112AB%08d,%s,retail,%d,%d,%s,%t,true\n", towns[i%len(towns)], i,
			kinds[i%len(kinds)], emp, (i/7)%(1+emp/10), modes[i%len(modes)], i%3 == 0)
	}
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

const benchSpecHead = `source:
  kind: csv
  path: orgs.csv
  columns:
    - {name: snapshot_date, from: snapshot_date, type: date}
    - {name: region_code, from: region_code}
    - {name: org_id, from: org_id}
    - {name: kind, from: kind}
    - {name: industry, from: industry}
    - {name: employees, from: employees, type: int}
    - {name: formal_members, from: formal_members, type: int}
    - {name: party_org_mode, from: party_org_mode}
    - {name: instructor_assigned, from: instructor_assigned, type: bool}
    - {name: in_scope, from: in_scope, type: bool}
    - {name: is_synthetic, type: bool, value: "true"}
target:
  table: organisation
  partition_by: [snapshot_date]
`

const benchRules = `validate:
  columns:
    org_id: {required: true, pattern: '^[0-9A-Z]{18}$'}
    region_code: {required: true, region_level: 4}
    kind: {allowed: [nonpublic_enterprise, social_group, private_non_enterprise, foundation, other]}
    party_org_mode: {allowed: [single, joint, affiliated, none]}
    employees: {min: 0, max: 1000000}
    formal_members: {min: 0}
  unique: [org_id]
  checks:
    - {sql: formal_members <= employees, message: 正式党员数大于从业人员数}
`

func BenchmarkValidate(b *testing.B) {
	const n = 245760
	path := benchOrgs(b, n)
	for _, c := range []struct {
		name, yaml string
	}{{"plain", benchSpecHead}, {"rules", benchSpecHead + benchRules}} {
		b.Run(c.name, func(b *testing.B) {
			s, err := spec.Parse("bench.yaml", []byte(c.yaml))
			if err != nil {
				b.Fatal(err)
			}
			cfg := s.Source
			cfg.Path = path
			src, err := sources.New("csv", cfg)
			if err != nil {
				b.Fatal(err)
			}
			rdr, err := src.Open(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			bs := &batches{schema: rdr.Schema()}
			for rdr.Next() {
				r := rdr.RecordBatch()
				r.Retain()
				bs.recs = append(bs.recs, r)
			}
			rdr.Release()
			towns := map[string]bool{}
			for _, t := range strings.Fields(benchTownships) {
				towns[t] = true
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bs.i = 0
				var q []QRow
				var srcRejects int64
				v, err := newValidator(validatorConfig{spec: s, src: bs, mem: memory.DefaultAllocator, file: "orgs.csv",
					q: &q, srcRejects: &srcRejects, regions: func(int) (map[string]bool, error) { return towns, nil }})
				if err != nil {
					b.Fatal(err)
				}
				var kept int64
				for v.Next() {
					kept += v.RecordBatch().NumRows()
				}
				if v.Err() != nil || kept != n {
					b.Fatalf("kept %d of %d: %v", kept, n, v.Err())
				}
				v.Release()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
	var _ array.RecordReader = (*batches)(nil)
}
