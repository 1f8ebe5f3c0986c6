package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
	"grassroots/sources"
)

// validated runs the validator over the CSV at path and returns every output
// row as text, the number of output batches, and the quarantined rows.
func validated(t *testing.T, s *spec.Spec, path string, mem memory.Allocator) ([]string, int, []QRow) {
	t.Helper()
	v, q, release := openValidator(t, s, path, mem, "orgs.csv")
	defer release()
	var rows []string
	batches := 0
	for v.Next() {
		b := v.RecordBatch()
		batches++
		for r := 0; r < int(b.NumRows()); r++ {
			var cells []string
			for _, c := range b.Columns() {
				cells = append(cells, c.ValueStr(r))
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
	}
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, batches, *q
}

// openValidator puts a validator over the CSV at path, as a run would (with
// the townships of benchTownships as the region codes), reporting it as
// file; release frees it and its source.
func openValidator(t *testing.T, s *spec.Spec, path string, mem memory.Allocator, file string) (v *validator, q *[]QRow, release func()) {
	t.Helper()
	cfg := s.Source
	cfg.Path = path
	cfg.Allocator = mem
	src, err := sources.New("csv", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	q = new([]QRow)
	var srcRejects int64
	towns := map[string]bool{}
	for _, c := range strings.Fields(benchTownships) {
		towns[c] = true
	}
	v, err = newValidator(validatorConfig{spec: s, src: rdr, mem: mem, salt: []byte("0123456789abcdef"), file: file,
		q: q, srcRejects: &srcRejects, regions: func(int) (map[string]bool, error) { return towns, nil }})
	if err != nil {
		rdr.Release()
		t.Fatal(err)
	}
	return v, q, func() { v.Release(); rdr.Release() }
}

// Rejected rows scattered thinly through a batch are cut out by slicing the
// batch; the rows passed on are the same, in the same order, transformed the
// same way (recode, hashed ids), as when they are copied; nothing leaks.
func TestSlicedAndCopiedBatchesAgree(t *testing.T) {
	const n = 10000
	var sb strings.Builder
	sb.WriteString("snapshot_date,region_code,org_id,kind,industry,employees,formal_members,party_org_mode,instructor_assigned,in_scope\n")
	towns := strings.Fields(benchTownships)
	modes := []string{"未建", "单独组建", "联合组建", "挂靠"}
	bad := map[int]bool{5: true, 3000: true, 3001: true, 9999: true}
	for i := 0; i < n; i++ {
		emp, mem := 10+i%50, i%5
		if bad[i] {
			mem = emp + 1
		}
		emptyInd := ""
		if i%7 != 0 {
			emptyInd = fmt.Sprint(i%2 == 0)
		}
		fmt.Fprintf(&sb, "2024-12-31,%s,91310112AB%08d,social_group,retail,%d,%d,%s,%s,true\n", towns[i%len(towns)], i, emp, mem, modes[i%4], emptyInd)
	}
	path := filepath.Join(t.TempDir(), "orgs.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	yaml := benchSpecHead + benchRules + `recode:
  party_org_mode: {未建: none, 单独组建: single, 联合组建: joint, 挂靠: affiliated}
pii:
  hash: [org_id]
`
	s, err := spec.Parse("orgs.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer func(m int) { minSliceRows = m }(minSliceRows)
	minSliceRows = 1024
	sliced, slicedBatches, q := validated(t, s, path, mem)
	minSliceRows = 1 << 30
	copied, copiedBatches, _ := validated(t, s, path, mem)
	mem.AssertSize(t, 0)

	if len(q) != len(bad) || len(sliced) != n-len(bad) {
		t.Fatalf("%d quarantined, %d passed on; want %d and %d", len(q), len(sliced), len(bad), n-len(bad))
	}
	if slicedBatches <= copiedBatches {
		t.Errorf("sliced into %d batches, copied into %d: the slicing path was not taken", slicedBatches, copiedBatches)
	}
	if strings.Join(sliced, "\n") != strings.Join(copied, "\n") {
		for i := range sliced {
			if sliced[i] != copied[i] {
				t.Fatalf("row %d differs:\nsliced %s\ncopied %s", i, sliced[i], copied[i])
			}
		}
	}
	if second := sliced[1]; !strings.Contains(second, "|single|") || strings.Contains(second, "91310112AB") {
		t.Errorf("second row not recoded or its id not hashed: %s", second)
	}
}
