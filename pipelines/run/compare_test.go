package run

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"grassroots/pipelines/spec"
)

// A check comparing two numeric columns fails the same rows whether it is
// evaluated a column at a time (markComparison) or row by row (Fails): for
// every operator, integers, floats with NaN, dates cut to the month, and
// NULLs on either side.
func TestColumnComparisonAgreesWithFails(t *testing.T) {
	const n = 2000
	rnd := rand.New(rand.NewPCG(1, 2))
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ib := array.NewInt64Builder(mem)
	fb := array.NewFloat64Builder(mem)
	db := array.NewDate32Builder(mem)
	for i := 0; i < n; i++ {
		if rnd.IntN(10) == 0 {
			ib.AppendNull()
		} else {
			ib.Append(int64(rnd.IntN(7)))
		}
		switch rnd.IntN(12) {
		case 0:
			fb.AppendNull()
		case 1:
			fb.Append(math.NaN())
		default:
			fb.Append(float64(rnd.IntN(7)) + []float64{0, 0.5}[rnd.IntN(2)])
		}
		if rnd.IntN(10) == 0 {
			db.AppendNull()
		} else {
			db.Append(arrow.Date32(19000 + rnd.IntN(90)))
		}
	}
	cols := []arrow.Array{ib.NewArray(), fb.NewArray(), db.NewArray(), nil}
	ib.Release()
	fb.Release()
	db.Release()
	cols[3] = cols[2]
	defer func() {
		for _, c := range cols[:3] {
			c.Release()
		}
	}()
	names := []string{"i", "f", "d", "m"}
	v := &validator{cells: make([]cellReader, len(cols)), byName: map[string]int{}}
	for i, c := range cols {
		v.byName[names[i]] = i
		v.cells[i].set(c)
	}
	v.cells[3].month = true
	v.get = func(name string) spec.Value { return v.cells[v.byName[name]].value(v.row) }
	for _, a := range names {
		for _, b := range names {
			for _, op := range []string{"=", "<>", "!=", "<", "<=", ">", ">="} {
				e, err := spec.ParseExpr(a + " " + op + " " + b)
				if err != nil {
					t.Fatal(err)
				}
				v.comparisons = []*comparison{{a: v.byName[a], b: v.byName[b], op: op}}
				fast := make([]bool, n)
				if !v.markComparison(0, fast) {
					t.Fatalf("%s: not taken as a comparison of numeric columns", e)
				}
				for r := 0; r < n; r++ {
					v.row = r
					if want := e.Fails(v.get); fast[r] != want {
						t.Fatalf("%s, row %d (%v vs %v): column at a time fails=%v, Fails=%v",
							e, r, v.cells[v.byName[a]].value(r), v.cells[v.byName[b]].value(r), fast[r], want)
					}
				}
			}
		}
	}
}
