package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// init creates the salt file once, says so in one line, and never prints it.
func TestInitCreatesTheSalt(t *testing.T) {
	w := filepath.Join(t.TempDir(), "w.duckdb")
	salt := w + ".salt"
	out := mustRun(t, "", "init", "--warehouse", w)
	saltLines := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "salt") {
			saltLines++
		}
	}
	if saltLines != 1 || !strings.Contains(out, "created salt file "+salt) {
		t.Fatalf("first init printed:\n%s", out)
	}
	st, err := os.Stat(salt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("salt file mode %v, want 0600", st.Mode().Perm())
	}
	b, err := os.ReadFile(salt)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(b))
	if len(secret) < 32 || strings.Contains(out, secret) {
		t.Fatalf("salt %d hex digits; printed: %v", len(secret), strings.Contains(out, secret))
	}
	out = mustRun(t, "", "init", "--warehouse", w)
	if strings.Contains(out, "salt") {
		t.Fatalf("second init mentions the salt:\n%s", out)
	}
	if b2, _ := os.ReadFile(salt); string(b2) != string(b) {
		t.Fatal("second init changed the salt")
	}
	// A warehouse from before salts were made at init gets one.
	if err := os.Remove(salt); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "", "init", "--warehouse", w)
	if !strings.Contains(out, "is up to date") || !strings.Contains(out, "created salt file") {
		t.Fatalf("init of a warehouse without salt printed:\n%s", out)
	}
}
