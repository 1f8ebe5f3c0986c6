package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestSharedCache: rendering several regions through one cache (each table
// read once for all of them) writes the same pages, byte for byte, as
// rendering each region on its own. The regions have code prefixes of every
// length (the country, a province, a county, a township), and one region is
// not in the cache's set, so it is fetched when first asked for.
func TestSharedCache(t *testing.T) {
	db := fixtureDB(t)
	ctx := context.Background()
	specs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	specs = append(specs, readSpec(t, "testdata/all.yaml"))
	regions := []string{"310112", "000000", "310000", "310112001", "440000"}
	shared := NewCache(db, regions[:4]...)
	for _, r := range regions {
		alone := filepath.Join(t.TempDir(), r)
		together := filepath.Join(t.TempDir(), r)
		if _, err := Render(ctx, db, specs, Options{Out: alone, Region: r}); err != nil {
			t.Fatalf("%s alone: %v", r, err)
		}
		site, err := Render(ctx, db, specs, Options{Out: together, Region: r, Cache: shared})
		if err != nil {
			t.Fatalf("%s with a shared cache: %v", r, err)
		}
		for _, p := range append([]string{"index.html"}, pageFiles(site)...) {
			a, err := os.ReadFile(filepath.Join(alone, p))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(together, p))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s: %s differs when rendered with a shared cache", r, p)
			}
		}
	}
	// The county's pages show its own data, not a neighbour's in the batch.
	site, err := Render(ctx, db, specs, Options{Out: t.TempDir(), Region: "310112", Cache: shared})
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for _, p := range site.Pages {
		if p.Region.Name != "闵行区" {
			t.Errorf("%s: region %q, want 闵行区", p.File, p.Region.Name)
		}
		for _, b := range p.Blocks {
			if b.Empty == "" {
				blocks++
			}
		}
	}
	if blocks == 0 {
		t.Error("no chart of 闵行区 has data: the comparison above proves nothing")
	}
}

func pageFiles(s *Site) []string {
	var fs []string
	for _, p := range s.Pages {
		fs = append(fs, p.File)
	}
	return fs
}

// TestCacheUnknownRegion: a region the warehouse does not know is an error
// that names it, with or without a shared cache.
func TestCacheUnknownRegion(t *testing.T) {
	db := fixtureDB(t)
	s := readSpec(t, "testdata/all.yaml")
	for _, c := range []*Cache{nil, NewCache(db, "310112", "999999")} {
		_, err := Render(context.Background(), db, []*Spec{s}, Options{Out: t.TempDir(), Region: "999999", Cache: c})
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte("region 999999 is not in the region table")) {
			t.Errorf("error = %v, want one naming region 999999", err)
		}
	}
}
