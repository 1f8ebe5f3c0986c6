package demodata

import (
	"fmt"
	"math"
)

// villagesIn1992 is the number of villages (村委会) the district starts with.
const villagesIn1992 = 260

// residentsPerCommunity is how many urban residents a community (居委会)
// serves: new communities are set up as the urban population grows.
const residentsPerCommunity = 5500

// Curves of the registers: the share of villages paired with an urban party
// organisation (城乡结对共建 reaches every village, as in the southern Jiangsu
// study), the share of communities with a full-time social worker, the share of
// residential compounds with a party branch, and the venue area per 100
// households (the standard is 30 m²).
var (
	curvePairing      = [][2]float64{{2002, 0}, {2003, 0.2}, {2004, 0.45}, {2005, 0.65}, {2006, 0.8}, {2007, 0.92}, {2008, 1}}
	curveSocialWorker = [][2]float64{{2000, 0.03}, {2004, 0.1}, {2008, 0.3}, {2012, 0.6}, {2016, 0.85}, {2019, 0.95}, {2020, 0.985}, {2022, 1}}
	curveCompound     = [][2]float64{{2000, 0.1}, {2008, 0.3}, {2016, 0.65}, {2024, 0.9}}
	curveVenuePer100  = [][2]float64{{2000, 9}, {2010, 22}, {2015, 31}, {2024, 38}}
)

// village is a village (村) of the district, until it becomes a community.
type village struct {
	town      int
	code      string // 12-digit code, 2xx after the township's
	name      string
	converted int    // year it became a community (村改居); 0: still a village
	community int    // index of the community it became
	paired    int    // year it was paired with an urban party organisation; 0: never
	partner   string // org code of that partner
	size      float64
}

// community is a community (居委会), set up new or converted from a village.
type community struct {
	town        int
	code        string // 12-digit code, 0xx after the township's
	name        string
	founded     int
	fromVillage int // index of the village it was, or -1
	size        float64
	staff       int // 3-6
	workerYear  int // first year with a full-time social worker
	venueFactor float64
	compounds   float64
	fundingBase float64
}

// registers is the district's geography of villages, communities and the
// party organisations attached to them.
type registers struct {
	villages    []village
	communities []community
	townOrgs    [][]string // per township: agency, enterprise, public-institution branches
}

var townOrgSettings = []string{"agency", "enterprise", "public_institution"}

func (g *Generator) registers() *registers {
	r := g.rng(3, 0)
	reg := &registers{townOrgs: make([][]string, len(g.towns))}

	// Villages in 1992, by township rural population.
	rural := make([]float64, len(g.towns))
	var sum float64
	for i := range g.towns {
		p := g.pop[FirstYear][i]
		rural[i] = float64(p.resident - p.urbanResident)
		sum += rural[i]
	}
	counts := split(villagesIn1992, rural, sum)
	for i, t := range g.towns {
		for n := 1; n <= int(counts[i]); n++ {
			// A village converts when its township's urbanisation passes a
			// threshold of its own; some never do.
			theta := g.urbanRate(i, FirstYear) + 0.03 + r.Float64()*(1.3-g.urbanRate(i, FirstYear))
			v := village{town: i, code: fmt.Sprintf("%s2%02d", t.Code, n), size: 0.6 + 0.8*r.Float64(),
				name: fmt.Sprintf("示例%s第%d村", t.Name, n), community: -1}
			for y := FirstYear + 1; y <= LastYear; y++ {
				if g.urbanRate(i, y) >= theta {
					v.converted = y
					break
				}
			}
			q := r.Float64()
			for y := 2003; y <= LastYear; y++ {
				if interp(curvePairing, float64(y)) >= q {
					v.paired = y
					break
				}
			}
			reg.villages = append(reg.villages, v)
		}
	}

	// Communities: year by year, converted villages become communities and new
	// ones are set up until each serves about residentsPerCommunity.
	next := make([]int, len(g.towns))
	have := make([]int, len(g.towns))
	found := func(town, year, fromVillage int) {
		next[town]++
		have[town]++
		t := g.towns[town]
		name := fmt.Sprintf("示例%s第%d居委会", t.Name, next[town])
		if fromVillage >= 0 {
			name = fmt.Sprintf("示例%s第%d社区（原%s）", t.Name, next[town], reg.villages[fromVillage].name[len("示例"+t.Name):])
		}
		q := r.Float64()
		worker := LastYear + 1
		for y := RegisterFirstYear; y <= LastYear; y++ {
			if interp(curveSocialWorker, float64(y)) >= q {
				worker = max(y, year)
				break
			}
		}
		size := 0.6 + 0.8*r.Float64()
		reg.communities = append(reg.communities, community{
			town: town, code: fmt.Sprintf("%s%03d", t.Code, next[town]), name: name, founded: year,
			fromVillage: fromVillage, size: size, staff: 3 + min(3, int(size*2.5*r.Float64()+0.5)),
			workerYear: worker, venueFactor: 0.7 + 0.6*r.Float64(), compounds: 1 + 4*r.Float64(),
			fundingBase: 0.8 + 0.4*r.Float64(),
		})
	}
	for y := FirstYear; y <= LastYear; y++ {
		for vi := range reg.villages {
			if v := &reg.villages[vi]; v.converted == y {
				v.community = len(reg.communities)
				found(v.town, y, vi)
			}
		}
		for i := range g.towns {
			want := int(math.Ceil(float64(g.pop[y][i].urbanResident) / residentsPerCommunity))
			for have[i] < want {
				found(i, y, -1)
			}
		}
	}

	// Township party branches of agencies, enterprises and public institutions.
	for i, t := range g.towns {
		for n := range townOrgSettings {
			reg.townOrgs[i] = append(reg.townOrgs[i], fmt.Sprintf("P%sE%02d", t.Code, n+1))
		}
	}

	// Pairing partners: a community of the same township existing in the
	// pairing year, else the township's agency branch.
	for vi := range reg.villages {
		v := &reg.villages[vi]
		if v.paired == 0 || (v.converted != 0 && v.converted <= v.paired) {
			v.paired = 0
			continue
		}
		var cands []string
		for _, c := range reg.communities {
			if c.town == v.town && c.founded <= v.paired {
				cands = append(cands, "P"+c.code)
			}
		}
		if len(cands) == 0 {
			v.partner = reg.townOrgs[v.town][0]
		} else {
			v.partner = cands[r.IntN(len(cands))]
		}
	}
	return reg
}

// villageAt reports whether village vi is still a village at the end of year.
func (reg *registers) villageAt(vi, year int) bool {
	c := reg.villages[vi].converted
	return c == 0 || c > year
}

// communitiesAt returns the communities of town existing at the end of year.
func (reg *registers) communitiesAt(town, year int) []int {
	var out []int
	for ci, c := range reg.communities {
		if c.town == town && c.founded <= year {
			out = append(out, ci)
		}
	}
	return out
}
