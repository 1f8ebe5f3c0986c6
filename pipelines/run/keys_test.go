package run

import (
	"maps"
	"path/filepath"
	"testing"
)

// withSpill makes every unique key check spill from its first key, into few
// buckets, for the length of a test.
func withSpill(t *testing.T) {
	t.Helper()
	keys, buckets := memKeys, spillBuckets
	memKeys, spillBuckets = 0, 3
	t.Cleanup(func() { memKeys, spillBuckets = keys, buckets })
}

// The end-to-end cases give the same warehouse, runs and quarantine when
// every key check spills: the repeats found at the end of the input are
// quarantined by a second reading, with the same reasons.
func TestEndToEndSpilled(t *testing.T) {
	withSpill(t)
	cases, err := filepath.Glob("testdata/e2e/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) { runCase(t, dir) })
	}
}

// A spilled check finds every later row of a repeated key, each against the
// key's first row, whatever bucket the key falls in; a row whose key differs
// from its first row's though the hashes match (found by a second pass) is
// not a repeat.
func TestKeyCheckSpilled(t *testing.T) {
	withSpill(t)
	k := newKeyCheck(t.TempDir(), nil)
	hashes := []uint64{7, 1 << 60, 7, 0, 3 << 61, 1, 7, 1 << 60}
	for i, h := range hashes {
		if _, dup := k.add(h, int64(i+2)); dup {
			t.Fatalf("row %d: a spilled check found a repeat as the row passed", i+2)
		}
	}
	got, err := k.finish()
	if err != nil {
		t.Fatal(err)
	}
	// Rows 2, 4, 8 share hash 7; 3 and 9 share 1<<60; 0 and 1 are one
	// hash as stored (0 is kept as 1), rows 5 and 7.
	want := Repeats{4: 2, 8: 2, 9: 3, 7: 5}
	if !maps.Equal(got, want) {
		t.Fatalf("repeats = %v, want %v", got, want)
	}

	// The second pass: row 8's key differs from row 2's (a collision),
	// row 4's is the same.
	k2 := newKeyCheck(t.TempDir(), want)
	keys := map[int64]string{2: "a", 3: "b", 4: "a", 5: "c", 6: "d", 7: "c", 8: "z", 9: "b"}
	var repeats []int64
	for row := int64(2); row <= 9; row++ {
		if k2.watched(row) {
			if first, dup := k2.repeat(row, []byte(keys[row])); dup {
				if first != want[row] {
					t.Errorf("row %d repeats row %d, want %d", row, first, want[row])
				}
				repeats = append(repeats, row)
				continue
			}
		}
		k2.add(hashes[row-2], row)
	}
	if len(repeats) != 3 || repeats[0] != 4 || repeats[1] != 7 || repeats[2] != 9 {
		t.Fatalf("second pass repeats = %v, want [4 7 9]", repeats)
	}
	got, err = k2.finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("after the second pass the spill still finds %v; the collision (row 8) is no repeat", got)
	}
}

// Below its limit the check finds repeats as rows pass, in memory; past it,
// the keys it held go to the spill and a later repeat of one of them is
// found at the end against the right first row.
func TestKeyCheckSpillsPastItsLimit(t *testing.T) {
	keys := memKeys
	memKeys = 3
	t.Cleanup(func() { memKeys = keys })
	k := newKeyCheck(t.TempDir(), nil)
	if _, dup := k.add(11, 1); dup {
		t.Fatal("first key a repeat")
	}
	k.add(12, 2)
	if first, dup := k.add(11, 3); !dup || first != 1 {
		t.Fatalf("in memory: row 3 repeats (%d, %v), want row 1", first, dup)
	}
	k.add(13, 4)
	k.add(14, 5) // spills
	if !k.spilled {
		t.Fatal("the check did not spill past its limit")
	}
	k.add(12, 6)
	k.add(15, 7)
	got, err := k.finish()
	if err != nil {
		t.Fatal(err)
	}
	if want := (Repeats{6: 2}); !maps.Equal(got, want) {
		t.Fatalf("repeats = %v, want %v", got, want)
	}
}
