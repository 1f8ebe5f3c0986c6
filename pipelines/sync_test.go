package pipelines

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// SyncReference writes what is missing, replaces an older bundled version,
// and keeps a file the analyst changed.
func TestSyncReference(t *testing.T) {
	dir := t.TempDir()
	specs, kept, err := SyncReference(dir)
	if err != nil || len(kept) > 0 || len(specs) != len(Refdata()) {
		t.Fatalf("first sync: %d specs, kept %v, %v", len(specs), kept, err)
	}
	pdir := filepath.Join(dir, "pipelines")
	region := filepath.Join(pdir, "refdata_region.yaml")
	census := filepath.Join(pdir, "refdata_census_2020.yaml")
	bundled, _ := os.ReadFile(region)

	// refdata_region.yaml as an older binary wrote it.
	old := []byte("# an older version\n")
	if err := os.WriteFile(region, old, 0o644); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(pdir, "refdata", BundledList)
	b, _ := os.ReadFile(list)
	sum := sha256.Sum256(bundled)
	oldSum := sha256.Sum256(old)
	b = []byte(strings.Replace(string(b), hex.EncodeToString(sum[:]), hex.EncodeToString(oldSum[:]), 1))
	if err := os.WriteFile(list, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// refdata_census_2020.yaml as the analyst changed it.
	edited, _ := os.ReadFile(census)
	edited = append(edited, []byte("# 本地说明\n")...)
	if err := os.WriteFile(census, edited, 0o644); err != nil {
		t.Fatal(err)
	}

	specs, kept, err = SyncReference(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(region); string(got) != string(bundled) {
		t.Error("an older bundled refdata_region.yaml was not replaced")
	}
	if got, _ := os.ReadFile(census); string(got) != string(edited) {
		t.Error("the analyst's refdata_census_2020.yaml was overwritten")
	}
	if !slices.Equal(kept, []string{"pipelines/refdata_census_2020.yaml"}) {
		t.Errorf("kept %v, want the edited census spec only", kept)
	}
	for _, s := range specs {
		if s.Name == "refdata_census_2020" && string(s.Data) != string(edited) {
			t.Error("the spec returned is not the project's own")
		}
	}
	// Still kept the next time: the edit is not forgotten.
	if _, kept, _ = SyncReference(dir); len(kept) != 1 {
		t.Errorf("third sync kept %v", kept)
	}
}
