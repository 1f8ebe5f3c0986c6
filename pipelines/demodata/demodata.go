// Package demodata generates the demo project's synthetic district and writes
// it as the files analysts receive: the real township codes and names of 闵行区
// (310112) with generated figures for 1992–2024, calibrated to the Minhang study
// (see CALIBRATION.md):
//
//   - population by township and year: a GBK CSV with Chinese headers, as a
//     statistics system exports it;
//   - the 两新组织 register, one snapshot per year: a workbook with a
//     yearbook-style merged header, one sheet per year;
//   - party-member records: the current register as a CSV, earlier snapshots as
//     a Parquet archive (register numbers only; the pipelines hash them);
//   - the party-organisation register (NDJSON) and the community register (a
//     JSON API page), one snapshot per year.
//
// Every figure is synthetic (示例数据) and every file says so; nothing here is a
// published statistic. No names or ID numbers appear. Generation is a pure
// function of the seed and scale: the same options write the same rows on every
// machine. Members and organisations are generated one at a time from their
// index, so a scaled-up district (the benchmark's 10M members) streams in
// constant memory.
package demodata

import (
	"fmt"
	"grassroots/pipelines/refdata"
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

// The years the district is generated for.
const (
	FirstYear = 1992
	LastYear  = 2024
	// RegisterFirstYear is the first year of the register snapshots (party
	// organisations and communities).
	RegisterFirstYear = 2000
	// OrgFirstYear is the first snapshot of the 两新组织 register.
	OrgFirstYear = 2004
)

// MemberArchiveYears are the year-end snapshots of the member archive; the
// current register is the LastYear snapshot.
var MemberArchiveYears = []int{2000, 2004, 2008, 2012, 2016, 2020}

// Version changes whenever the same options start to generate different
// rows, so that files generated and kept by an earlier version (the
// benchmark's cached inputs) are not taken for current ones.
const Version = 2

// DefaultSeed is the seed of the demo district.
const DefaultSeed = 1992_2004

// Notice is printed on every file that has room for a note.
const Notice = "示例数据（synthetic）：由 grassroots 演示数据生成器生成，仅用于演示，不是统计数据。"

// Options choose the district generated.
type Options struct {
	// Seed drives every random draw; zero means DefaultSeed.
	Seed uint64
	// Scale multiplies the number of members and organisations (not
	// townships, villages or communities); zero means 1. At scale 1 the
	// current register holds about 25,000 members and 5,000 organisations;
	// at 400 about 10M and 2M.
	Scale float64
	// District places the demo district's townships in another real
	// county-level region (its first townships by code, real codes and
	// names); empty means 闵行区 (DistrictCode). It needs at least as many
	// townships as the demo has.
	District string
}

// Township is one of the district's townships (real NBS codes and names).
type Township struct {
	Code string
	Name string
	Kind string // 街道, 镇 or 工业区

	size   float64 // relative population in 1992
	growth float64 // yearly growth of its share of the district's residents
	offset float64 // urbanisation: logit offset from the district's rate
}

// Townships are the district's townships as listed by the NBS 2023 statistical
// division codes (pipelines/refdata/region_codes_township.csv).
var Townships = []Township{
	{"310112001", "江川路街道", "街道", 1.3, 0.000, 2.6},
	{"310112006", "古美街道", "街道", 0.7, 0.030, 2.2},
	{"310112008", "新虹街道", "街道", 0.4, 0.045, 1.2},
	{"310112009", "浦锦街道", "街道", 0.6, 0.040, 0.6},
	{"310112101", "莘庄镇", "镇", 1.4, 0.025, 1.5},
	{"310112102", "七宝镇", "镇", 1.3, 0.030, 1.1},
	{"310112103", "颛桥镇", "镇", 1.0, 0.030, 0.4},
	{"310112106", "华漕镇", "镇", 0.9, 0.020, -0.5},
	{"310112107", "虹桥镇", "镇", 1.1, 0.025, 1.0},
	{"310112108", "梅陇镇", "镇", 1.2, 0.030, 0.7},
	{"310112110", "吴泾镇", "镇", 0.9, 0.015, 0.2},
	{"310112112", "马桥镇", "镇", 0.9, 0.010, -1.0},
	{"310112114", "浦江镇", "镇", 1.5, 0.030, -0.9},
	{"310112501", "莘庄工业区", "工业区", 0.5, 0.035, -0.3},
}

// File is one written input.
type File struct {
	Name  string // file name under inputs/
	Rows  int    // data rows written (bad rows included)
	Bad   int    // rows written deliberately invalid, to show quarantine
	About string
}

// Generator generates one district. It is safe for concurrent use once made.
type Generator struct {
	seed  uint64
	scale float64
	// towns are the district's townships (Townships, or another
	// district's codes and names in their places); districtCode and
	// districtName name the district.
	towns                      []Township
	districtCode, districtName string
	pop                        map[int][]popRow // year → one row per township, in Townships order
	reg                        *registers
}

// New returns the generator of the district opts describe.
func New(opts Options) *Generator {
	g, err := NewDistrict(opts)
	if err != nil {
		panic(err)
	}
	return g
}

// NewDistrict is New for a district that may not exist (Options.District).
func NewDistrict(opts Options) (*Generator, error) {
	g := &Generator{seed: opts.Seed, scale: opts.Scale, towns: Townships, districtCode: DistrictCode, districtName: DistrictName}
	if opts.District != "" && opts.District != DistrictCode {
		name, err := refdata.RegionName(opts.District)
		if err != nil {
			return nil, fmt.Errorf("demodata: district %s: %w", opts.District, err)
		}
		real, err := refdata.TownshipList(opts.District)
		if err != nil {
			return nil, fmt.Errorf("demodata: district %s %s: %w", opts.District, name, err)
		}
		if len(real) < len(Townships) {
			return nil, fmt.Errorf("demodata: district %s %s has %d townships; the demo district has %d, so it needs a district with at least as many (310104 徐汇区 and 310106 静安区 have 14; a larger one, such as 310117 松江区, gets data for its first 14 and its own figures are partial sums)",
				opts.District, name, len(real), len(Townships))
		}
		g.towns = make([]Township, len(Townships))
		for i, t := range Townships {
			t.Code, t.Name = real[i].Code, real[i].Name
			g.towns[i] = t
		}
		g.districtCode, g.districtName = opts.District, name
	}
	if g.seed == 0 {
		g.seed = DefaultSeed
	}
	if g.scale <= 0 {
		g.scale = 1
	}
	g.pop = g.population()
	g.reg = g.registers()
	return g, nil
}

// District is the code and name of the generator's district.
func (g *Generator) District() (code, name string) { return g.districtCode, g.districtName }

// Towns are the district's townships, in the generator's order.
func (g *Generator) Towns() []Township { return g.towns }

// Write writes every input file of the district into dir/inputs and returns
// what it wrote.
func (g *Generator) Write(dir string) ([]File, error) {
	in := filepath.Join(dir, "inputs")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return nil, err
	}
	writers := []func(string) (File, error){
		g.writePopulation, g.writeOrganisations, g.writeMembers, g.writeMemberArchive,
		g.writePartyOrgs, g.writeCommunities,
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

// rng returns a generator for one stream of draws; equal arguments give equal
// draws.
func (g *Generator) rng(stream, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed^(stream*0x9e3779b97f4a7c15), index))
}

// interp reads a piecewise-linear curve through points (year, value).
func interp(points [][2]float64, year float64) float64 {
	if year <= points[0][0] {
		return points[0][1]
	}
	for i := 1; i < len(points); i++ {
		if year <= points[i][0] {
			a, b := points[i-1], points[i]
			return a[1] + (b[1]-a[1])*(year-a[0])/(b[0]-a[0])
		}
	}
	return points[len(points)-1][1]
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
func logit(p float64) float64    { return math.Log(p / (1 - p)) }

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func clamp(x, lo, hi float64) float64 { return max(lo, min(hi, x)) }
