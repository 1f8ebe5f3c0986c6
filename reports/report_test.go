package reports

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"grassroots/sql/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureDB is a fresh warehouse holding testdata/fixture.sql and the
// census figures of testdata/regions.sql.
func fixtureDB(t testing.TB) *sql.DB {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := w.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"testdata/fixture.sql", "testdata/regions.sql"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.DB().ExecContext(ctx, string(b)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return w.DB()
}

func readSpec(t testing.TB, path string) *Spec {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(path, b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -tags duckdb_arrow ./reports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

// blockJSON is what a golden file holds for one block: the option ECharts
// gets (as embedded in the page) and what the page prints around it.
func blockJSON(t *testing.T, b *Block) []byte {
	t.Helper()
	v := map[string]any{"id": b.ID, "title": b.Title, "note": b.Note, "data_date": b.DataDate,
		"synthetic": b.Synthetic, "sources": b.Sources, "empty": b.Empty}
	if b.Option != nil {
		raw, err := OptionJSON(b)
		if err != nil {
			t.Fatal(err)
		}
		v["option"] = json.RawMessage(raw)
	}
	if b.Table != nil {
		v["table"] = b.Table
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden renders every chart kind over the fixture and compares the
// option JSON of each chart with its golden file.
func TestGolden(t *testing.T) {
	db := fixtureDB(t)
	s := readSpec(t, "testdata/all.yaml")
	for _, l := range []Lang{Zh, En} {
		p, err := Build(context.Background(), db, s, s.Region, l)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Blocks) != len(s.Charts) {
			t.Fatalf("%d blocks for %d charts", len(p.Blocks), len(s.Charts))
		}
		for _, b := range p.Blocks {
			if l == En && b.Kind != "urbanisation" && b.Kind != "gauge" {
				continue // English is checked on a few kinds; the labels come from one table
			}
			golden(t, b.ID+"."+string(l)+".json", blockJSON(t, b))
		}
	}
	// Every kind is covered.
	seen := map[string]bool{}
	for _, c := range s.Charts {
		seen[c.Kind] = true
	}
	for _, k := range KindNames() {
		if !seen[k] {
			t.Errorf("testdata/all.yaml has no chart of kind %s", k)
		}
	}
}

func TestBlockIDsAreDeterministic(t *testing.T) {
	if got := blockID("Members & Orgs", 2, "must_establish"); got != "c-members-orgs-3-must-establish" {
		t.Errorf("blockID = %q", got)
	}
}

func TestEmptyChartSaysSo(t *testing.T) {
	db := fixtureDB(t)
	s := readSpec(t, "testdata/all.yaml")
	p, err := Build(context.Background(), db, s, s.Region, Zh)
	if err != nil {
		t.Fatal(err)
	}
	last := p.Blocks[4]
	if last.Option != nil || !strings.Contains(last.Empty, "暂无数据") || !strings.Contains(last.Empty, "闵行区") {
		t.Errorf("block without data: option %v, empty %q", last.Option != nil, last.Empty)
	}
}
