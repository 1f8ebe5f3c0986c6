package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// settings lists every setting with its meaning, reads one, sets one after
// checking it, and refuses what is not a setting or not a value of it.
func TestSettings(t *testing.T) {
	w := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "", "init", "--no-reference", "--warehouse", w)
	out := mustRun(t, "", "settings", "--warehouse", w)
	for _, want := range []string{"home_region              000000 全国 (default)", "history_retention_days   400 (default)",
		"small_cell_threshold     3 (default)", "person counts below it are shown as <N"} {
		if !strings.Contains(out, want) {
			t.Errorf("settings printed:\n%s\nwant a line with %q", out, want)
		}
	}
	if out := mustRun(t, "", "settings", "small_cell_threshold", "--warehouse", w); out != "3\n" {
		t.Errorf("settings small_cell_threshold = %q, want 3", out)
	}
	if out := mustRun(t, "", "settings", "small_cell_threshold", "5", "--warehouse", w); out != "small_cell_threshold 5 (was 3)\n" {
		t.Errorf("set printed %q", out)
	}
	if out := mustRun(t, "", "settings", "--warehouse", w); !strings.Contains(out, "small_cell_threshold     5\n") {
		t.Errorf("after setting 5, settings printed:\n%s", out)
	}
	if out := mustRun(t, "", "settings", "home_region", "310112", "--warehouse", w); !strings.Contains(out, "home region 310112") {
		t.Errorf("setting the home region printed %q", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"small_cell_threshold", "0"}, `small_cell_threshold "0": want a whole number of persons from 1`},
		{[]string{"small_cell_threshold", "three"}, `small_cell_threshold "three"`},
		{[]string{"history_retention_days", "1.5"}, `history_retention_days "1.5": want a whole number of days`},
		{[]string{"home_region", "31011"}, `home_region "31011": want a six-digit region code`},
		{[]string{"colour"}, `no setting "colour" (settings: home_region, history_retention_days, small_cell_threshold)`},
		{[]string{"small_cell_threshold", "3", "4"}, "at most a key and a value"},
	} {
		code, _, errs := run(t, "", append([]string{"settings", "--warehouse", w}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("settings %v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	if out := mustRun(t, "", "settings", "small_cell_threshold", "--warehouse", w); out != "5\n" {
		t.Errorf("a refused value changed the setting: %q", out)
	}
}
