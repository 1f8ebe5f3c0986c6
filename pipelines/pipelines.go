// Package pipelines holds the project's own pipeline specs: the reference-data
// loads (refdata_*.yaml, reading pipelines/refdata/*.csv; this repository is
// itself a project `grassroots lint` and `grassroots run --project .` accept)
// and, under demo/, the demo district's pipelines, which `grassroots demo`
// writes into the demo project next to the inputs it generates.
package pipelines

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed *.yaml demo/*.yaml
var files embed.FS

// Spec is one embedded pipeline file.
type Spec struct {
	Name string // file stem: the pipeline's name
	File string // file name
	Data []byte
}

// Refdata lists the reference-data pipelines, in load order: regions first
// (other pipelines validate codes against them).
func Refdata() []Spec { return list(".") }

// Demo lists the demo district's pipelines.
func Demo() []Spec { return list("demo") }

func list(dir string) []Spec {
	ents, err := fs.ReadDir(files, dir)
	if err != nil {
		panic("pipelines: embedded specs: " + err.Error())
	}
	var out []Spec
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		b, err := files.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			panic("pipelines: embedded specs: " + err.Error())
		}
		out = append(out, Spec{Name: strings.TrimSuffix(e.Name(), ".yaml"), File: e.Name(), Data: b})
	}
	// Regions first, so that later specs can check codes against them.
	rank := func(s Spec) int {
		if strings.HasPrefix(s.Name, "refdata_region") {
			return 0
		}
		return 1
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && rank(out[j]) < rank(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
