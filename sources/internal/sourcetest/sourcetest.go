// Package sourcetest holds test helpers shared by the source formats: a text
// dump of a reader's output for golden files, and the -update flag.
package sourcetest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/sources"
)

// Update rewrites golden files instead of comparing with them.
var Update = flag.Bool("update", false, "rewrite golden files")

// Dump reads rdr to its end and renders (rejects is read after the end) schema, rows, rejects and stats as text.
func Dump(rdr array.RecordReader, rejects *[]sources.Reject) string {
	var b strings.Builder
	fmt.Fprintf(&b, "schema:")
	for _, f := range rdr.Schema().Fields() {
		fmt.Fprintf(&b, " %s:%s", f.Name, f.Type)
	}
	b.WriteString("\n")
	batch := 0
	for rdr.Next() {
		rec := rdr.RecordBatch()
		batch++
		fmt.Fprintf(&b, "batch %d: %d rows\n", batch, rec.NumRows())
		for i := 0; i < int(rec.NumRows()); i++ {
			var vals []string
			for c := 0; c < int(rec.NumCols()); c++ {
				col := rec.Column(c)
				if col.IsNull(i) {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, fmt.Sprintf("%q", col.ValueStr(i)))
				}
			}
			b.WriteString("  " + strings.Join(vals, " | ") + "\n")
		}
	}
	if err := rdr.Err(); err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	for _, r := range *rejects {
		fmt.Fprintf(&b, "reject: %s\n", r.Error())
		keys := make([]string, 0, len(r.Raw))
		for k := range r.Raw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  raw %q = %q\n", k, r.Raw[k])
		}
	}
	if s, ok := rdr.(sources.StatsReader); ok {
		st := s.Stats()
		fmt.Fprintf(&b, "stats: encoding=%s bom=%v read=%d rejected=%d dropped=%d out=%d\n",
			st.Encoding, st.BOM, st.RowsRead, st.RowsRejected, st.RowsDropped, st.RowsOut)
	}
	return b.String()
}

// Golden compares got with the file testdata/golden/name, or rewrites it with -update.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// Checked returns a checked allocator and registers a cleanup asserting that
// every buffer was released.
func Checked(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}
