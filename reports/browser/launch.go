package browser

import (
	"context"
	"errors"
	"os"
	"testing"
)

// Launch starts a browser for test t and closes it when t ends. Where no
// Chromium is installed the test is skipped with a message saying how to
// install one — except under CI=true, where a missing browser fails the test:
// CI installs it, and a browser check that quietly skips proves nothing.
func Launch(t testing.TB) *Browser {
	t.Helper()
	path, err := Find()
	if errors.Is(err, ErrNoChromium) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI must run the browser checks (.ci/run installs chromium)", err)
		}
		t.Skipf("browser check skipped: %v", err)
	}
	b, err := Start(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}
