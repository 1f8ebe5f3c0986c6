// Package demodata writes the demo project's input files: a synthetic district
// (the real township codes and names of 闵行区, 310112, with generated figures)
// in the shapes analysts receive — a yearbook-style workbook, a GBK CSV saved by
// Excel, a member register, an NDJSON API dump and a Parquet file.
//
// Every figure is synthetic (示例数据) and every file says so; nothing here is a
// published statistic. No names or ID numbers appear: members carry an opaque
// register number only, which the member pipeline hashes on the way in.
// Generation is deterministic, so the demo is the same on every machine.
package demodata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// DistrictCode and DistrictName identify the demo district.
const (
	DistrictCode = "310112"
	DistrictName = "闵行区"
)

// Township is one of the district's townships (real NBS codes and names).
type Township struct {
	Code  string
	Name  string
	Kind  string  // 街道, 镇 or 工业区
	scale float64 // relative size
	urban float64 // urbanisation rate in the first year (0..1)
}

// Townships are the district's townships as listed by the NBS 2023 statistical
// division codes (pipelines/refdata/region_codes_township.csv).
var Townships = []Township{
	{"310112001", "江川路街道", "街道", 1.0, 0.97},
	{"310112006", "古美街道", "街道", 1.1, 0.99},
	{"310112008", "新虹街道", "街道", 0.6, 0.90},
	{"310112009", "浦锦街道", "街道", 0.9, 0.88},
	{"310112101", "莘庄镇", "镇", 1.8, 0.92},
	{"310112102", "七宝镇", "镇", 1.9, 0.86},
	{"310112103", "颛桥镇", "镇", 1.4, 0.80},
	{"310112106", "华漕镇", "镇", 1.1, 0.66},
	{"310112107", "虹桥镇", "镇", 1.6, 0.90},
	{"310112108", "梅陇镇", "镇", 1.7, 0.84},
	{"310112110", "吴泾镇", "镇", 0.9, 0.72},
	{"310112112", "马桥镇", "镇", 0.8, 0.55},
	{"310112114", "浦江镇", "镇", 2.0, 0.62},
	{"310112501", "莘庄工业区", "工业区", 0.7, 0.70},
}

// Years covered by the population workbook.
const (
	FirstYear = 2015
	LastYear  = 2024
)

// SnapshotDate is the date of the register snapshots.
const SnapshotDate = "2024-12-31"

// File is one written input.
type File struct {
	Name  string // file name under inputs/
	Rows  int    // data rows written (bad rows included)
	Bad   int    // rows written deliberately invalid, to show quarantine
	About string
}

// Notice is printed on every file that has room for a note.
const Notice = "示例数据（synthetic）：由 grassroots 演示数据生成器生成，仅用于演示，不是统计数据。"

// Write writes every input file into dir/inputs and returns what it wrote.
func Write(dir string) ([]File, error) {
	in := filepath.Join(dir, "inputs")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return nil, err
	}
	writers := []func(string) (File, error){
		writePopulation, writeOrganisations, writeMembers, writePartyOrgs, writeCommunities,
	}
	var files []File
	for _, w := range writers {
		f, err := w(in)
		if err != nil {
			return nil, fmt.Errorf("demodata: %s: %w", f.Name, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// rng returns a deterministic generator for one file.
func rng(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(20241231, stream)) }

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
