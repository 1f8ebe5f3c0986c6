package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSourcesInspect(t *testing.T) {
	out := mustRun(t, "", "sources", "inspect", "../../../sources/csv/testdata/wb_urban.csv")
	for _, want := range []string{
		"encoding:  utf-8 (no BOM)",
		"preamble:  4 lines before the header (skip_rows: 4)",
		"  line 1: Data Source | World Development Indicators",
		"unpivot:   yes: 6 columns look like years (1960 … 1965)",
		"  line 6: China | CHN |",
		"  unpivot: {match: years, key: year, value: value}",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	out = mustRun(t, "", "sources", "inspect", "--sheet", "3-3", "../../../sources/xlsx/testdata/年鉴.xlsx")
	for _, want := range []string{
		"sheet:     3-3 (sheets: 3-1, 3-3)",
		"header:    2 row(s), 6 columns",
		"    3  人口/城镇人口",
		"  row 2: 单位：万人",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	out = mustRun(t, "", "sources", "inspect", "../../../sources/csv/testdata/pop_gbk.csv", "--encoding", "gbk")
	if !strings.Contains(out, "encoding:  gbk") || !strings.Contains(out, "    1  地区") {
		t.Errorf("GBK file read with --encoding gbk:\n%s", out)
	}
}

func TestSourcesInspectErrors(t *testing.T) {
	code, _, errs := run(t, "", "sources", "inspect", "--encoding", "big5", "x.csv")
	if code != 2 || !strings.Contains(errs, `--encoding: unknown encoding "big5"`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, _, errs = run(t, "", "sources", "inspect", "--sheet", "3-9", "../../../sources/xlsx/testdata/年鉴.xlsx")
	if code != 1 || !strings.Contains(errs, `sheet "3-9" not found (have: 3-1, 3-3)`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, _, _ = run(t, "", "sources", "inspect")
	if code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}

// A header that carries terminal escapes is shown escaped, not obeyed.
func TestSourcesInspectEscapesControls(t *testing.T) {
	p := filepath.Join(t.TempDir(), "evil.csv")
	if err := os.WriteFile(p, []byte("区划代码,\x1b]0;pwned\a名称\n310112,闵行区\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "sources", "inspect", p)
	if strings.ContainsAny(out, "\x1b\a") {
		t.Fatalf("inspect printed raw control characters:\n%q", out)
	}
	if !strings.Contains(out, `\x1b]0;pwned\a名称`) {
		t.Fatalf("inspect does not show the header escaped:\n%s", out)
	}
}
