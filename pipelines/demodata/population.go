package demodata

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// The district's curves, anchored at the Minhang study's figures: resident
// urbanisation 39.2% in 1992 and 80.5% in 2004, urbanised area 20 km² in 1992
// and 146 km² in 2004. The other points shape a plausible path and are not
// published figures (see CALIBRATION.md).
var (
	curveResident = [][2]float64{{1992, 700_000}, {1996, 880_000}, {2000, 1_217_000}, {2004, 1_650_000},
		{2010, 2_430_000}, {2015, 2_540_000}, {2020, 2_650_000}, {2024, 2_700_000}}
	curveUrbanRate = [][2]float64{{1992, 0.392}, {1996, 0.52}, {2000, 0.68}, {2004, 0.805},
		{2010, 0.87}, {2015, 0.893}, {2020, 0.912}, {2024, 0.925}}
	curveHukou = [][2]float64{{1992, 550_000}, {2000, 640_000}, {2004, 740_000}, {2010, 900_000},
		{2015, 1_050_000}, {2020, 1_150_000}, {2024, 1_210_000}}
	curveHukouUrbanRate = [][2]float64{{1992, 0.30}, {1996, 0.40}, {2000, 0.52}, {2004, 0.62},
		{2010, 0.72}, {2015, 0.78}, {2020, 0.82}, {2024, 0.84}}
	curveAreaKm2 = [][2]float64{{1992, 20}, {1996, 52}, {2000, 104}, {2004, 146}, {2010, 190},
		{2015, 210}, {2020, 225}, {2024, 232}}
)

// popRow is one township-year, in persons and km².
type popRow struct {
	resident, urbanResident, hukou, urbanHukou, floating int64
	areaKm2                                              float64
}

// urbanRate returns the rate of township i in year y (cached by population).
func (g *Generator) urbanRate(i, y int) float64 {
	p := g.pop[y][i]
	return float64(p.urbanResident) / float64(p.resident)
}

// population generates every township-year. Each year the district's totals
// come from the curves; township shares drift by their growth, and township
// rates sit at a fixed logit offset from a common level solved so that the
// district's rate is the curve's exactly (a roll-up by Σurban/Σresident, as
// the indicator layer computes it).
func (g *Generator) population() map[int][]popRow {
	out := map[int][]popRow{}
	r := g.rng(1, 0)
	noise := make([]float64, len(g.towns))
	for i := range noise {
		noise[i] = 0.9 + 0.2*r.Float64()
	}
	for y := FirstYear; y <= LastYear; y++ {
		k := float64(y - FirstYear)
		wRes := make([]float64, len(g.towns))
		wHuk := make([]float64, len(g.towns))
		var sRes, sHuk float64
		for i, t := range g.towns {
			wRes[i] = t.size * noise[i] * math.Exp(t.growth*k)
			wHuk[i] = t.size * noise[i] * math.Exp(t.growth*k/3)
			sRes += wRes[i]
			sHuk += wHuk[i]
		}
		res := split(interp(curveResident, float64(y)), wRes, sRes)
		huk := split(interp(curveHukou, float64(y)), wHuk, sHuk)
		ures := urbanSplit(res, interp(curveUrbanRate, float64(y)))
		uhuk := urbanSplit(huk, interp(curveHukouUrbanRate, float64(y)))
		area := interp(curveAreaKm2, float64(y))
		areaW := make([]float64, len(g.towns))
		var sArea float64
		for i := range g.towns {
			areaW[i] = float64(ures[i]) * (0.8 + 0.4*noise[len(noise)-1-i])
			sArea += areaW[i]
		}
		// Tenths of a km², summing exactly to the district's area.
		tenths := split(area*10, areaW, sArea)
		rows := make([]popRow, len(g.towns))
		for i := range g.towns {
			rows[i] = popRow{
				resident: res[i], urbanResident: ures[i], hukou: huk[i], urbanHukou: uhuk[i],
				floating: max(res[i]-huk[i]*96/100, res[i]/50),
				areaKm2:  float64(tenths[i]) / 10,
			}
		}
		out[y] = rows
	}
	return out
}

// split divides total into integer parts by weight, largest remainders first,
// so that the parts sum to round(total).
func split(total float64, w []float64, sum float64) []int64 {
	parts := make([]int64, len(w))
	rest := make([]float64, len(w))
	left := int64(math.Round(total))
	for i := range w {
		x := total * w[i] / sum
		parts[i] = int64(math.Floor(x))
		rest[i] = x - math.Floor(x)
		left -= parts[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rest {
			if rest[i] > rest[best] {
				best = i
			}
		}
		parts[best]++
		rest[best] = -1
	}
	return parts
}

// urbanSplit gives each township its urban count: rates at the townships'
// logit offsets from a common level c, c solved by bisection so that the
// district's rate is rate.
func urbanSplit(pop []int64, rate float64) []int64 {
	var total float64
	for _, p := range pop {
		total += float64(p)
	}
	share := func(c float64) float64 {
		var u float64
		for i, p := range pop {
			u += float64(p) * logistic(c+Townships[i].offset)
		}
		return u / total
	}
	lo, hi := -12.0, 12.0
	for range 100 {
		mid := (lo + hi) / 2
		if share(mid) < rate {
			lo = mid
		} else {
			hi = mid
		}
	}
	w := make([]float64, len(pop))
	var s float64
	for i, p := range pop {
		w[i] = float64(p) * logistic(lo+Townships[i].offset)
		s += w[i]
	}
	return split(total*rate, w, s)
}

// popBadYear and popBadTownship locate the row written with more urban than
// resident population (the digits of the urban figure typed twice), which the
// pipeline quarantines: the district's roll-up for that year is then partial.
const (
	popBadYear     = 2009
	popBadTownship = 11 // 马桥镇
)

// Mistakes that pass row validation and that only the audit (sql/audit)
// finds: in auditRuralYear the rural population of the township with most
// rural residents is written with two digits swapped (urban + rural is then
// not the resident population: population.urban_rural_sum), and in
// auditHukouYear the urban hukou population of the township with most hukou
// residents is written with its last digit dropped (its hukou urbanisation
// rate falls by tens of points and rises back the year after:
// urban.rate_change).
const (
	auditRuralYear = 2016
	auditHukouYear = 2018
)

// mostRural is the township with most rural residents in year y.
func (g *Generator) mostRural(y int) int {
	best := 0
	for i, p := range g.pop[y] {
		if p.resident-p.urbanResident > g.pop[y][best].resident-g.pop[y][best].urbanResident {
			best = i
		}
	}
	return best
}

// mostHukou is the township with most hukou residents in year y.
func (g *Generator) mostHukou(y int) int {
	best := 0
	for i, p := range g.pop[y] {
		if p.hukou > g.pop[y][best].hukou {
			best = i
		}
	}
	return best
}

// swapDigits swaps the first two adjacent differing digits of s after its
// first digit (a typing slip that keeps the number's length).
func swapDigits(s string) string {
	b := []byte(s)
	for k := 1; k+1 < len(b); k++ {
		if b[k] != b[k+1] {
			b[k], b[k+1] = b[k+1], b[k]
			return string(b)
		}
	}
	return s
}

// writePopulation writes the township population table as a statistics
// system exports it: GBK, CRLF, a title line, Chinese headers with units, one
// row per township and year, a footnote.
func (g *Generator) writePopulation(dir string) (File, error) {
	f := File{Name: "population_townships.csv",
		About: fmt.Sprintf("population by township and year %d-%d, GBK CSV", FirstYear, LastYear)}
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	enc := transform.NewWriter(out, simplifiedchinese.GBK.NewEncoder())
	w := csv.NewWriter(enc)
	w.UseCRLF = true
	lines := [][]string{
		{fmt.Sprintf("%s各街镇人口与城市化情况（%d—%d年）（示例数据）", g.districtName, FirstYear, LastYear)},
		{"统计年度", "区划代码", "街镇名称", "常住人口（人）", "城镇常住人口（人）", "户籍人口（人）",
			"城镇户籍人口（人）", "流动人口（人）", "城市化面积（平方公里）", "乡村常住人口（人）"},
	}
	ruralSlip, hukouSlip := g.mostRural(auditRuralYear), g.mostHukou(auditHukouYear)
	for y := FirstYear; y <= LastYear; y++ {
		for i, t := range g.towns {
			p := g.pop[y][i]
			urban := strconv.FormatInt(p.urbanResident, 10)
			if y == popBadYear && i == popBadTownship {
				urban += urban[len(urban)-2:]
				f.Bad++
			}
			rural := strconv.FormatInt(p.resident-p.urbanResident, 10)
			if y == auditRuralYear && i == ruralSlip {
				rural = swapDigits(rural)
			}
			urbanHukou := strconv.FormatInt(p.urbanHukou, 10)
			if y == auditHukouYear && i == hukouSlip {
				urbanHukou = urbanHukou[:len(urbanHukou)-1]
			}
			lines = append(lines, []string{strconv.Itoa(y), t.Code, t.Name,
				strconv.FormatInt(p.resident, 10), urban, strconv.FormatInt(p.hukou, 10),
				urbanHukou, strconv.FormatInt(p.floating, 10),
				strconv.FormatFloat(p.areaKm2, 'f', 1, 64), rural})
			f.Rows++
		}
	}
	lines = append(lines, []string{"注：" + Notice})
	if err := w.WriteAll(lines); err != nil {
		return f, err
	}
	if err := enc.Close(); err != nil {
		return f, err
	}
	return f, out.Close()
}

// TownshipFigures are a township's population figures of one year, as the
// generator makes them (the audit's deliberate slips left out).
type TownshipFigures struct {
	Code, Name                                           string
	Resident, UrbanResident, Hukou, UrbanHukou, Floating int64
	AreaKm2                                              float64
}

// Population returns every township's figures of year y (FirstYear to
// LastYear), in the generator's township order; nil for another year.
func (g *Generator) Population(y int) []TownshipFigures {
	rows, ok := g.pop[y]
	if !ok {
		return nil
	}
	out := make([]TownshipFigures, len(rows))
	for i, p := range rows {
		out[i] = TownshipFigures{Code: g.towns[i].Code, Name: g.towns[i].Name, Resident: p.resident,
			UrbanResident: p.urbanResident, Hukou: p.hukou, UrbanHukou: p.urbanHukou, Floating: p.floating, AreaKm2: p.areaKm2}
	}
	return out
}
