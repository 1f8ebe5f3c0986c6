package sources

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestRecyclerReusesAndGivesBack(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	p := newRecycler(mem)

	a := p.Allocate(1000)
	p.Free(a)
	if got := mem.CurrentAlloc(); got != 1000 {
		t.Errorf("after a free the buffer is kept: allocator holds %d bytes, want 1000", got)
	}
	b := p.Allocate(900) // fits the kept buffer
	if &b[0] != &a[0] || len(b) != 900 {
		t.Errorf("Allocate(900) did not reuse the kept 1000-byte buffer")
	}
	c := p.Allocate(100) // far smaller: a buffer of its own
	if &c[0] == &a[0] {
		t.Errorf("Allocate(100) took a buffer ten times its size")
	}
	b = p.Reallocate(1000, b) // within the buffer as allocated
	if &b[0] != &a[0] || len(b) != 1000 {
		t.Errorf("Reallocate within the allocated size moved the buffer")
	}
	b = p.Reallocate(5000, b)
	if len(b) != 5000 {
		t.Fatalf("Reallocate(5000) gave %d bytes", len(b))
	}
	p.Free(b) // kept
	p.close() // gives the kept buffers back
	if got := mem.CurrentAlloc(); got != 100 {
		t.Errorf("after close the allocator holds %d bytes, want 100 (the buffer still out)", got)
	}
	p.Free(c) // after close: straight back
	mem.AssertSize(t, 0)
}
