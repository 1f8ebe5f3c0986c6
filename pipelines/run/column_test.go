package run

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The hashed column written in place holds, for each kept row, the hash of
// its value (NULL for NULL), and frees all it allocates.
func TestHashColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	in := []*string{ptr("DY1"), nil, ptr("DY2"), ptr(""), nil, ptr("DY3")}
	keep := []bool{true, true, false, true, true, true}
	for _, withNull := range []bool{true, false} {
		b := array.NewStringBuilder(mem)
		for i, s := range in {
			switch {
			case s == nil && withNull:
				b.AppendNull()
			case s == nil:
				b.Append("x" + string(rune('0'+i)))
			default:
				b.Append(*s)
			}
		}
		a := b.NewArray()
		b.Release()
		v := &validator{mem: mem, hash: hasher{salt: []byte("salt")}}
		var c cellReader
		c.set(a)
		out := v.hashColumn(&c, keep, 5).(*array.String)
		k := 0
		for r, s := range in {
			if !keep[r] {
				continue
			}
			switch {
			case s == nil && withNull:
				if !out.IsNull(k) {
					t.Errorf("row %d: NULL hashed to %q", r, out.Value(k))
				}
			default:
				want := a.(*array.String).Value(r)
				if got := out.Value(k); out.IsNull(k) || got != v.hash.hash(want) {
					t.Errorf("row %d: %q hashed to %q, want %q", r, want, got, v.hash.hash(want))
				}
			}
			k++
		}
		if out.Len() != 5 {
			t.Fatalf("%d rows out, want 5", out.Len())
		}
		out.Release()
		a.Release()
	}
}

// A recoded column goes to the load as a dictionary of its codes: the kept
// rows decode to their codes, NULL stays NULL.
func TestRecodeDict(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	d := newRecodeDict(map[string]string{"男": "M", "女": "F", "m": "M"}, mem)
	defer d.release()
	b := array.NewStringBuilder(mem)
	b.AppendValues([]string{"男", "女", "", "m"}, []bool{true, true, false, true})
	a := b.NewArray()
	b.Release()
	defer a.Release()
	var c cellReader
	c.set(a)
	c.recoded = []string{"M", "F", "", "M"}
	out := d.encode(&c, []bool{true, false, true, true}, 3).(*array.Dictionary)
	defer out.Release()
	if !arrow.TypeEqual(out.DataType(), d.typ) {
		t.Fatalf("type %s, want %s", out.DataType(), d.typ)
	}
	dict := out.Dictionary().(*array.String)
	if got := dict.Len(); got != 2 {
		t.Fatalf("%d codes, want 2 (M, F once each)", got)
	}
	want := []string{"M", "", "M"}
	for i, w := range want {
		if w == "" {
			if !out.IsNull(i) {
				t.Errorf("row %d: want NULL", i)
			}
			continue
		}
		if got := dict.Value(out.GetValueIndex(i)); got != w {
			t.Errorf("row %d: %q, want %q", i, got, w)
		}
	}
}

func ptr(s string) *string { return &s }
