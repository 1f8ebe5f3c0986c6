package demodata

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Educations as member registers write them, lowest first.
var Educations = []string{"小学及以下", "初中", "高中（中专）", "大专", "本科", "研究生"}

// Categories as member registers write them (人员类别).
const (
	CatRural      = "农村"
	CatCommunity  = "社区"
	CatAgency     = "机关"
	CatEnterprise = "企业"
	CatSocialOrg  = "社会组织"
	CatPublic     = "事业单位"
	CatRetired    = "离退休"
)

// Pool sizes at scale 1: everyone who was a member of the district's party
// organisations at some year-end from 2000 on, by origin. Tuned so that the
// rural membership at the end of 2004 is about 7,700 and the current register
// holds about 25,000 (see CALIBRATION.md).
const (
	ruralPool = 24_000
	urbanPool = 10_500
)

// Recruitment by year (relative weights): rural recruitment peaked in the
// 1960s-70s and slowed, then was stepped up after 2005 (发展年轻党员);
// urban recruitment grows with the district.
var (
	curveRuralRecruit = [][2]float64{{1940, 0.2}, {1950, 0.8}, {1958, 1.0}, {1966, 1.1}, {1976, 1.1},
		{1985, 0.95}, {1995, 0.9}, {2004, 0.9}, {2006, 1.5}, {2024, 1.5}}
	curveUrbanRecruit = [][2]float64{{1945, 0.15}, {1960, 0.4}, {1980, 0.7}, {1995, 1.0}, {2004, 1.6},
		{2024, 2.0}}
	curveReported = [][2]float64{{2006, 0}, {2008, 0.15}, {2012, 0.4}, {2016, 0.7}, {2020, 0.82}, {2024, 0.86}}
)

// Member is one member's record at a year-end snapshot. Index identifies the
// member across snapshots (the register number is derived from it).
type Member struct {
	Index                  int64
	BirthY, BirthM, BirthD int
	Female                 bool
	Education              int // index into Educations
	JoinY, JoinM           int
	Category               string
	Floating               bool
	InService              bool
	Reported               bool // reported to the residential community (in service only)
	Town                   int  // index into Townships
	Org                    string
	joinAge, deathAge      float64
	rural                  bool
	village                int
	urbanCat               string
	retireAge              int
	orgPick, floatU, eduU  float64
	reportU                float64
}

// RegisterNumber is the member's number in the source register (an opaque
// code, not an ID number: the pipeline hashes it with the warehouse's salt).
func (m *Member) RegisterNumber() string {
	return "DY" + strconv.FormatInt(m.Index+100_000_000, 10)
}

// memberPool is the pool layout: per township, a rural and an urban range of
// indexes.
type memberPool struct {
	town, start, rural, urban []int64
	ruralCDF, urbanCDF        []float64 // by year from 1940
	villages                  [][]int   // per township, indexes of its villages
	villageCDF                [][]float64
}

const recruitFrom = 1940

func (g *Generator) pool() *memberPool {
	p := &memberPool{villages: make([][]int, len(g.towns)), villageCDF: make([][]float64, len(g.towns))}
	for vi, v := range g.reg.villages {
		p.villages[v.town] = append(p.villages[v.town], vi)
	}
	var vTotal float64
	for _, v := range g.reg.villages {
		vTotal += v.size
	}
	var uTotal float64
	for i := range g.towns {
		uTotal += float64(g.pop[LastYear][i].resident)
	}
	var next int64
	for i := range g.towns {
		var vs float64
		for _, vi := range p.villages[i] {
			vs += g.reg.villages[vi].size
			p.villageCDF[i] = append(p.villageCDF[i], vs)
		}
		rural := int64(math.Round(ruralPool * g.scale * vs / vTotal))
		urban := int64(math.Round(urbanPool * g.scale * float64(g.pop[LastYear][i].resident) / uTotal))
		p.start = append(p.start, next)
		p.rural = append(p.rural, rural)
		p.urban = append(p.urban, urban)
		next += rural + urban
	}
	cdf := func(curve [][2]float64) []float64 {
		var out []float64
		var s float64
		for y := recruitFrom; y <= LastYear; y++ {
			s += interp(curve, float64(y))
			out = append(out, s)
		}
		return out
	}
	p.ruralCDF, p.urbanCDF = cdf(curveRuralRecruit), cdf(curveUrbanRecruit)
	return p
}

func pick(cdf []float64, u float64) int {
	i, _ := slices.BinarySearch(cdf, u*cdf[len(cdf)-1])
	return min(i, len(cdf)-1)
}

// Members calls yield with each member of the register at the end of year, in
// register order, until yield returns false. The Member is reused between
// calls.
func (g *Generator) Members(year int, yield func(*Member) bool) {
	g.eachMember([]int{year}, func(_ int, m *Member) bool { return yield(m) })
}

// eachMember draws each member of the pool once and calls yield for every
// year of years in which they are in the register.
func (g *Generator) eachMember(years []int, yield func(year int, m *Member) bool) {
	p := g.pool()
	pcg := rand.NewPCG(0, 0)
	r := rand.New(pcg)
	var m Member
	for t := range g.towns {
		comms := make([][]int, len(years))
		for i, y := range years {
			comms[i] = g.reg.communitiesAt(t, y)
		}
		for k := int64(0); k < p.rural[t]+p.urban[t]; k++ {
			idx := p.start[t] + k
			pcg.Seed(g.seed^0x4d454d42, uint64(idx))
			g.drawMember(r, p, &m, idx, t, k < p.rural[t])
			for i, y := range years {
				if g.memberAt(&m, y, comms[i]) && !yield(y, &m) {
					return
				}
			}
		}
	}
}

// drawMember draws what does not change between snapshots.
func (g *Generator) drawMember(r *rand.Rand, p *memberPool, m *Member, idx int64, town int, rural bool) {
	*m = Member{Index: idx, Town: town, rural: rural, village: -1}
	cdf := p.urbanCDF
	if rural {
		cdf = p.ruralCDF
		if vs := p.villageCDF[town]; len(vs) > 0 {
			i, _ := slices.BinarySearch(vs, r.Float64()*vs[len(vs)-1])
			m.village = p.villages[town][min(i, len(vs)-1)]
		} else {
			m.rural = false
		}
	}
	m.JoinY = recruitFrom + pick(cdf, r.Float64())
	m.JoinM = 1 + r.IntN(12)
	switch {
	case m.rural && m.JoinY > 2005:
		m.joinAge = 20 + r.ExpFloat64()*5
	case m.rural:
		m.joinAge = 21 + r.ExpFloat64()*7
	default:
		m.joinAge = 22 + r.ExpFloat64()*6
	}
	m.joinAge = min(m.joinAge, 55)
	m.BirthY = m.JoinY - int(m.joinAge)
	m.BirthM, m.BirthD = 1+r.IntN(12), 1+r.IntN(28)
	m.Female = r.Float64() < 0.22+0.2*clamp(float64(m.JoinY-1970)/50, 0, 1)
	m.deathAge = 80 + 7*r.NormFloat64()
	m.retireAge = 60
	if m.Female {
		m.retireAge = 55
	}
	if !m.rural {
		x := r.Float64()
		ent := clamp(float64(m.JoinY-1985)/25, 0.05, 1)
		weights := [...]struct {
			cat string
			w   float64
		}{{CatCommunity, 0.18}, {CatAgency, 0.16}, {CatEnterprise, 0.45 * ent}, {CatSocialOrg, 0.08 * ent}, {CatPublic, 0.16}}
		var s float64
		for _, c := range weights {
			s += c.w
		}
		x *= s
		m.urbanCat = CatPublic
		for _, c := range weights {
			if x < c.w {
				m.urbanCat = c.cat
				break
			}
			x -= c.w
		}
	}
	m.eduU, m.orgPick, m.floatU, m.reportU = r.Float64(), r.Float64(), r.Float64(), r.Float64()
	m.Education = education(m.BirthY, m.rural, m.urbanCat, m.eduU)
}

// education draws the highest education from the birth year: members born
// before 1950 mostly left school after junior high, the young mostly hold a
// degree; rural members less, agency and public-institution members more.
func education(birthY int, rural bool, cat string, u float64) int {
	low := interp([][2]float64{{1930, 0.97}, {1945, 0.92}, {1955, 0.8}, {1965, 0.58}, {1975, 0.3},
		{1985, 0.12}, {1995, 0.04}}, float64(birthY))
	switch {
	case rural:
	case cat == CatAgency || cat == CatPublic:
		low *= 0.25
	case cat == CatCommunity:
		low *= 0.8
	default:
		low *= 0.45
	}
	if u < low {
		primary := interp([][2]float64{{1930, 0.7}, {1950, 0.35}, {1970, 0.1}, {1990, 0.02}}, float64(birthY))
		if u < low*primary {
			return 0
		}
		return 1
	}
	// Above junior high: senior high, college, bachelor, postgraduate; the
	// young and agency members reach further.
	v := (u - low) / (1 - low)
	reach := clamp(float64(birthY-1940)/60, 0, 1)
	switch {
	case rural:
		reach *= 0.6 // few rural members hold a degree, fewer a postgraduate one
	case cat == CatAgency || cat == CatPublic:
		reach = clamp(reach+0.3, 0, 1)
	}
	switch {
	case v < 0.75-0.55*reach:
		return 2
	case v < 0.92-0.45*reach:
		return 3
	case v < 0.985-0.12*reach:
		return 4
	}
	return 5
}

// memberAt sets what the member is at the end of year and reports whether
// they are in the register then.
func (g *Generator) memberAt(m *Member, year int, comms []int) bool {
	if m.JoinY > year || float64(year-m.BirthY) >= m.deathAge {
		return false
	}
	age := year - m.BirthY
	m.InService, m.Reported, m.Floating = false, false, false
	community := func() string {
		if len(comms) == 0 {
			return g.reg.townOrgs[m.Town][0]
		}
		return "P" + g.reg.communities[comms[int(m.orgPick*float64(len(comms)))]].code
	}
	switch {
	case m.rural && g.reg.villageAt(m.village, year):
		m.Category = CatRural
		m.Org = "P" + g.reg.villages[m.village].code
		m.Floating = m.floatU < 0.015+0.1*clamp(float64(45-age)/25, 0, 1)*clamp(float64(year-1995)/15, 0, 1)
	case m.rural:
		m.Category = CatCommunity
		m.Org = "P" + g.reg.communities[g.reg.villages[m.village].community].code
		m.Floating = m.floatU < 0.02
	case m.urbanCat == CatCommunity:
		m.Category = CatCommunity
		m.Org = community()
		m.Floating = m.floatU < 0.02
	case age >= m.retireAge:
		m.Category = CatRetired
		m.Org = community()
		m.Floating = m.floatU < 0.01
	default:
		m.Category = m.urbanCat
		m.InService = true
		m.Reported = m.reportU < interp(curveReported, float64(year))
		setting := 1 // enterprises and social organisations
		switch m.urbanCat {
		case CatAgency:
			setting = 0
		case CatPublic:
			setting = 2
		}
		m.Org = g.reg.townOrgs[m.Town][setting]
		if m.urbanCat == CatEnterprise || m.urbanCat == CatSocialOrg {
			m.Floating = m.floatU < 0.06
		} else {
			m.Floating = m.floatU < 0.012
		}
	}
	return true
}
