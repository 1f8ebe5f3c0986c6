package demodata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// orgPool is how many organisations, at scale 1, ever appear in the 两新组织
// register (founded from 1990 on, some closed again): about 1,600 are alive at
// the end of 2004 and 5,000 at the end of 2024.
const orgPool = 9_600

// Org kinds as registries write them, with their share of the register and
// the first two characters of their unified social credit code.
var orgKinds = []struct {
	Label, Noun, Prefix string
	Share               float64
}{
	{"非公有制企业", "科技有限公司", "91", 0.82},
	{"社会团体", "协会", "51", 0.08},
	{"民办非企业单位", "服务中心", "52", 0.08},
	{"基金会", "基金会", "53", 0.02},
}

var industries = []string{"制造业", "批发和零售业", "信息传输、软件和信息技术服务业", "租赁和商务服务业",
	"科学研究和技术服务业", "建筑业", "交通运输、仓储和邮政业", "住宿和餐饮业", "房地产业"}

// Curves of the register: foundings per year (relative), and the share of
// organisations that have set up a party organisation by each year, for
// enterprises and for social organisations — low in 2004, rising since.
var (
	curveFounding       = [][2]float64{{1990, 0.2}, {1995, 0.6}, {2000, 1.0}, {2008, 1.6}, {2015, 2.4}, {2024, 2.2}}
	curveCoverageEcon   = [][2]float64{{2004, 0.13}, {2008, 0.25}, {2012, 0.42}, {2016, 0.62}, {2020, 0.76}, {2024, 0.86}}
	curveCoverageSocial = [][2]float64{{2004, 0.06}, {2008, 0.14}, {2012, 0.3}, {2018, 0.66}, {2024, 0.8}}
	curveInstructor     = [][2]float64{{2006, 0}, {2010, 0.2}, {2016, 0.5}, {2024, 0.72}}
)

// Organisation is one organisation's row in the register at a year-end.
type Organisation struct {
	Index int64
	Town  int
	// TownCode is the code of the township the organisation is in.
	TownCode    string
	Kind        int // index into orgKinds
	Industry    string
	Employees   int
	Members     int // formal party members
	Mode        string
	Instructor  bool
	InScope     bool
	founded     int
	closes      int
	size        float64
	density     float64
	z, uMode    float64
	uInstructor float64
	uScope      float64
}

// CreditCode is the organisation's unified social credit code (synthetic,
// 18 characters).
func (o *Organisation) CreditCode() string {
	return fmt.Sprintf("%s%sMA%08d", orgKinds[o.Kind].Prefix, o.TownCode[:6], o.Index)
}

// Name is the organisation's (synthetic) name.
func (o *Organisation) Name() string {
	return "示例" + strconv.FormatInt(o.Index+1, 10) + "号" + orgKinds[o.Kind].Noun
}

// Organisations calls yield with each organisation of the register at the end
// of year, until yield returns false. The Organisation is reused between
// calls.
func (g *Generator) Organisations(year int, yield func(*Organisation) bool) {
	var wTotal float64
	for i := range g.towns {
		wTotal += float64(g.pop[LastYear][i].resident)
	}
	var founding []float64
	var s float64
	for y := 1990; y <= LastYear; y++ {
		s += interp(curveFounding, float64(y))
		founding = append(founding, s)
	}
	pcg := rand.NewPCG(0, 0)
	r := rand.New(pcg)
	var o Organisation
	var next int64
	for t := range g.towns {
		n := int64(math.Round(orgPool * g.scale * float64(g.pop[LastYear][t].resident) / wTotal))
		for k := int64(0); k < n; k++ {
			idx := next + k
			pcg.Seed(g.seed^0x4f524753, uint64(idx))
			g.drawOrg(r, &o, idx, t, founding)
			if !o.at(year) {
				continue
			}
			if !yield(&o) {
				return
			}
		}
		next += n
	}
}

func (g *Generator) drawOrg(r *rand.Rand, o *Organisation, idx int64, town int, founding []float64) {
	*o = Organisation{Index: idx, Town: town, TownCode: g.towns[town].Code}
	x := r.Float64()
	for i, k := range orgKinds {
		if x < k.Share || i == len(orgKinds)-1 {
			o.Kind = i
			break
		}
		x -= k.Share
	}
	o.founded = 1990 + pick(founding, r.Float64())
	o.closes = o.founded + 1 + int(r.ExpFloat64()*16)
	o.size = math.Exp(2.2 + 1.1*r.NormFloat64())
	if r.Float64() < 0.6 {
		o.density = r.ExpFloat64() * 0.045
		if o.Kind != 0 {
			o.density *= 2
		}
		// Never more formal members than employees (the register's
		// check): a tail draw above 1 would say so.
		o.density = min(o.density, 0.8)
	}
	o.Industry = "社会服务业"
	if o.Kind == 0 {
		o.Industry = industries[r.IntN(len(industries))]
	}
	o.z, o.uMode, o.uInstructor, o.uScope = r.Float64(), r.Float64(), r.Float64(), r.Float64()
}

// at sets the organisation's figures at the end of year and reports whether
// it is in the register then.
func (o *Organisation) at(year int) bool {
	if o.founded > year || o.closes <= year {
		return false
	}
	age := float64(year - o.founded)
	o.Employees = 3 + int(o.size*(1+0.04*age))
	o.Members = int(float64(o.Employees) * o.density * min(1, (age+1)/4))
	o.InScope = !(o.Employees < 6 && o.uScope < 0.3)
	cov := curveCoverageEcon
	if o.Kind != 0 {
		cov = curveCoverageSocial
	}
	boost := 0.7
	if o.Members >= 3 {
		boost = 1.5
	}
	o.Mode = "未建"
	// Some organisations with three or more formal members still have none
	// (应建未建): the share that has one never reaches all of them.
	if year >= OrgFirstYear && o.z < min(interp(cov, float64(year))*boost, 0.96) {
		switch {
		case o.Members >= 3 && o.uMode < 0.9:
			o.Mode = "单独组建"
		case o.uMode < 0.6:
			o.Mode = "联合组建"
		default:
			o.Mode = "挂靠"
		}
	}
	o.Instructor = o.uInstructor < 0.05 ||
		o.Mode == "未建" && o.uInstructor < interp(curveInstructor, float64(year))
	return true
}
