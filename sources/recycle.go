package sources

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// recycler is the allocator of a table reader's batch buffers. Batches are
// built from buffers of the same few sizes again and again, and released by
// the consumer (DuckDB, on a thread of its own) while the next are built: a
// released buffer is kept for the next batch instead of going back to the
// allocator. Over a 10M-row load this keeps C malloc from spreading the
// buffers over per-thread arenas that it does not give back (~40 MB of
// resident memory), and spares zeroing fresh pages for every batch.
//
// Reused memory is not zeroed: the columns write every byte a batch shows.
// Once closed (the reader released), freed buffers go straight back.
type recycler struct {
	mem memory.Allocator

	mu     sync.Mutex
	out    map[*byte][]byte // handed out: first byte → buffer as allocated
	free   [][]byte         // released, kept for reuse
	kept   int              // bytes in free
	closed bool
}

// recycleMax bounds the bytes kept for reuse: about one batch of a wide table
// (member rows: ~14 MB a batch of 122,880 rows).
const recycleMax = 16 << 20

func newRecycler(mem memory.Allocator) *recycler {
	return &recycler{mem: mem, out: map[*byte][]byte{}}
}

func (p *recycler) Allocate(size int) []byte {
	if size <= 0 {
		return p.mem.Allocate(size)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	best := -1
	for i, b := range p.free {
		// Fits, without wasting more than half again the size.
		if len(b) >= size && len(b) <= size+size/2+64 && (best < 0 || len(b) < len(p.free[best])) {
			best = i
		}
	}
	var b []byte
	if best >= 0 {
		b = p.free[best]
		p.kept -= len(b)
		last := len(p.free) - 1
		p.free[best], p.free[last] = p.free[last], nil
		p.free = p.free[:last]
	} else {
		b = p.mem.Allocate(size)
	}
	p.out[&b[0]] = b
	return b[:size]
}

func (p *recycler) Reallocate(size int, b []byte) []byte {
	if len(b) == 0 {
		if b != nil {
			p.Free(b)
		}
		return p.Allocate(size)
	}
	p.mu.Lock()
	orig, ok := p.out[&b[0]]
	p.mu.Unlock()
	if !ok {
		return p.mem.Reallocate(size, b)
	}
	if size <= len(orig) {
		return orig[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *recycler) Free(b []byte) {
	if len(b) == 0 {
		p.mem.Free(b)
		return
	}
	p.mu.Lock()
	orig, ok := p.out[&b[0]]
	if !ok {
		p.mu.Unlock()
		p.mem.Free(b)
		return
	}
	delete(p.out, &b[0])
	if !p.closed && p.kept+len(orig) <= recycleMax {
		p.free = append(p.free, orig)
		p.kept += len(orig)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.mem.Free(orig)
}

// close gives the kept buffers back; buffers still out go back when freed.
func (p *recycler) close() {
	p.mu.Lock()
	free := p.free
	p.free, p.kept, p.closed = nil, 0, true
	p.mu.Unlock()
	for _, b := range free {
		p.mem.Free(b)
	}
}
