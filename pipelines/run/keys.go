package run

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"os"
	"runtime"
	"sync"
)

// keyCheck finds the rows whose unique key an earlier row of the run already
// had, in memory that does not grow with the input.
//
// Up to memKeys keys it is a table of key hashes in memory (keySet), and a
// repeated key is found as its row passes, with the row it repeats. Past that
// it spills: every key hash goes with its row number to one of spillBuckets
// temporary files, chosen by the hash's top bits, and the repeats are found
// when the input ends, a bucket at a time (a bucket's table fits in the
// processor's cache, which makes the pass faster than the big table's random
// probes). The rows that repeat a key have gone to the load by then, so the
// run rolls back and reads its input a second time with those rows named in
// advance (Repeats): that pass quarantines them as they pass, after comparing
// the keys themselves, so two different keys with the same 64-bit hash are no
// repeat. A large input without repeated keys, the common case, is read once.
//
// Measured on the 10.3M-row member register: the in-memory table grew to 2^25
// slots of 16 bytes (512 MB, and 768 MB while it doubled); spilled, the check
// holds 4 MB of write buffers and, at the end, one bucket's table per
// processor (2–8 MB each at 31M keys).
type keyCheck struct {
	mem     keySet
	limit   int
	dir     string
	spilled bool
	buckets []*spillBucket
	err     error

	// repeats known from an earlier pass (nil on the first): row → the
	// row it repeats; keys of those first rows as they pass; repeats whose
	// key turned out different from their first row's.
	known   Repeats
	firsts  map[int64][]byte
	cleared map[int64]bool
}

// Repeats are the rows whose unique key hash an earlier row had: row number
// → the first row with that hash.
type Repeats map[int64]int64

// memKeys is the number of keys held in memory before the check spills;
// spillBuckets the number of files it spills to. Variables for tests.
var (
	memKeys      = 1<<20 - 1 // a table of 2^21 slots, 32 MB
	spillBuckets = 256
)

const spillBuffer = 16 << 10

type spillBucket struct {
	f   *os.File
	buf []byte // pairs not written yet
	n   int64
}

// flush writes the bucket's buffered pairs to its file.
func (b *spillBucket) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.f.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

func newKeyCheck(dir string, known Repeats) *keyCheck {
	k := &keyCheck{limit: memKeys, dir: dir, known: known}
	if known != nil {
		k.firsts, k.cleared = map[int64][]byte{}, map[int64]bool{}
		for _, first := range known {
			k.firsts[first] = nil
		}
	}
	return k
}

// watched reports whether row's key must be given to repeat: a row named
// by an earlier pass, or the first row of one.
func (k *keyCheck) watched(row int64) bool {
	if k.known == nil {
		return false
	}
	if _, ok := k.known[row]; ok {
		return true
	}
	_, ok := k.firsts[row]
	return ok
}

// repeat tells, for a watched row with its key, whether it repeats an
// earlier row's key, and which. A first row's key is remembered.
func (k *keyCheck) repeat(row int64, key []byte) (int64, bool) {
	if _, ok := k.firsts[row]; ok {
		k.firsts[row] = append([]byte(nil), key...)
	}
	first, ok := k.known[row]
	if !ok {
		return 0, false
	}
	if fk := k.firsts[first]; fk != nil && string(fk) == string(key) {
		return first, true
	}
	k.cleared[row] = true
	return 0, false
}

// add records row under hash h. Before the check spills it returns the row
// that had h first and true when one did; after, repeats are found by finish.
func (k *keyCheck) add(h uint64, row int64) (int64, bool) {
	if !k.spilled {
		if k.mem.n < k.limit {
			return k.mem.add(h, row)
		}
		if first, dup := k.mem.find(h); dup {
			return first, true
		}
		k.spill()
	}
	k.put(h, row)
	return 0, false
}

// spill moves the table to the bucket files.
func (k *keyCheck) spill() {
	k.spilled = true
	k.buckets = make([]*spillBucket, spillBuckets)
	for i := range k.buckets {
		f, err := os.CreateTemp(k.dir, ".grassroots-keys-*")
		if err != nil {
			k.err = fmt.Errorf("run: unique key check: spill to disk: %w", err)
			k.close()
			return
		}
		// Unlinked at once: a killed run leaves no file behind.
		os.Remove(f.Name())
		k.buckets[i] = &spillBucket{f: f, buf: make([]byte, 0, spillBuffer)}
	}
	for _, sl := range k.mem.slots {
		if sl.h != 0 {
			k.put(sl.h, sl.row)
		}
	}
	k.mem = keySet{}
}

func (k *keyCheck) put(h uint64, row int64) {
	if k.err != nil {
		return
	}
	if h == 0 {
		h = 1 // as keySet stores it
	}
	// The bucket from the hash's high bits; a bucket's table probes with
	// its low ones.
	b := k.buckets[(h>>32)%uint64(len(k.buckets))]
	b.buf = binary.LittleEndian.AppendUint64(b.buf, h)
	b.buf = binary.LittleEndian.AppendUint64(b.buf, uint64(row))
	b.n++
	if len(b.buf)+16 > cap(b.buf) {
		if err := b.flush(); err != nil {
			k.err = fmt.Errorf("run: unique key check: spill to disk: %w", err)
		}
	}
}

// finish ends the check: the repeats found in the spilled buckets (none if
// the check never spilled), less the rows whose key a second pass found
// different from their first row's. The buckets are read back by as many
// workers as there are processors: DuckDB waits for the end of the input
// meanwhile.
func (k *keyCheck) finish() (Repeats, error) {
	defer k.close()
	if k.err != nil || !k.spilled {
		return nil, k.err
	}
	for _, b := range k.buckets {
		if err := b.flush(); err != nil {
			return nil, fmt.Errorf("run: unique key check: spill to disk: %w", err)
		}
	}
	next := make(chan *spillBucket, len(k.buckets))
	for _, b := range k.buckets {
		next <- b
	}
	close(next)
	workers := min(runtime.GOMAXPROCS(0), len(k.buckets))
	found := make([]Repeats, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var set keySet
			var buf []byte
			for b := range next {
				if errs[w] != nil {
					continue
				}
				n := int(b.n) * 16
				if cap(buf) < n {
					buf = make([]byte, n)
				}
				buf = buf[:n]
				if _, err := b.f.ReadAt(buf, 0); err != nil {
					errs[w] = fmt.Errorf("run: unique key check: read back the spilled keys: %w", err)
					continue
				}
				set.reset(int(b.n))
				for i := 0; i < n; i += 16 {
					h, row := binary.LittleEndian.Uint64(buf[i:]), int64(binary.LittleEndian.Uint64(buf[i+8:]))
					if first, dup := set.add(h, row); dup && !k.cleared[row] {
						if found[w] == nil {
							found[w] = Repeats{}
						}
						found[w][row] = first
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var all Repeats
	for _, f := range found {
		if all == nil {
			all = f
			continue
		}
		maps.Copy(all, f)
	}
	return all, nil
}

// close removes the bucket files.
func (k *keyCheck) close() {
	for _, b := range k.buckets {
		if b != nil {
			b.f.Close()
		}
	}
	k.buckets = nil
}

// errRepeats ends a first pass that found repeated keys only at the end of
// the input; the run reads the input again (see keyCheck).
var errRepeats = errors.New("run: repeated unique keys found at the end of the input; reading it again")
