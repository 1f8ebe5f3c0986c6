package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
)

// failingAtEnd passes its source's batches on and then fails, as a file
// broken after its good rows does.
type failingAtEnd struct {
	array.RecordReader
	err error
}

func (f *failingAtEnd) Err() error { return f.err }

var _ array.RecordReader = (*failingAtEnd)(nil)

// A consumer that has seen the stream end finds the source's error: the
// load reading the validator fails instead of ending as if complete. (Err
// once answered nil here when the reading goroutine had closed its channel
// and not yet said it had exited.)
func TestValidatorErrFinalAtEnd(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("snapshot_date,region_code,org_id,kind,industry,employees,formal_members,party_org_mode,instructor_assigned,in_scope\n")
	towns := strings.Fields(benchTownships)
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&sb, "2024-06-30,%s,org%d,private_enterprise,C,10,1,未建,false,true\n", towns[i%len(towns)], i)
	}
	path := filepath.Join(t.TempDir(), "orgs.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("orgs.yaml", []byte(benchSpecHead+benchRules+"recode:\n  party_org_mode: {未建: none, 单独组建: single, 联合组建: joint, 挂靠: affiliated}\npii:\n  hash: [org_id]\n"))
	if err != nil {
		t.Fatal(err)
	}
	broken := errors.New("inputs/b.xlsx: not a readable workbook")
	for i := 0; i < 200; i++ {
		v, _, release := openValidator(t, s, path, memory.DefaultAllocator, "orgs.csv")
		v.src = &failingAtEnd{RecordReader: v.src, err: broken}
		var rec arrow.RecordBatch
		for v.Next() {
			rec = v.RecordBatch()
		}
		_ = rec
		if err := v.Err(); !errors.Is(err, broken) {
			release()
			t.Fatalf("pass %d: Err after the end = %v, want the source's error", i, err)
		}
		release()
	}
}
