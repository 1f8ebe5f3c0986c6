package demodata

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
)

var educations = []string{"小学及以下", "初中", "高中（中专）", "大专", "本科", "研究生"}

// memberCategory is a category of the register with its share and profile.
type memberCategory struct {
	label     string
	share     float64
	setting   string  // party org setting members of this category belong to
	birthMean float64 // mean birth year
	birthSD   float64
	eduShift  float64 // added to a uniform 0..1 draw before picking education
	inService bool
}

var memberCategories = []memberCategory{
	{"农村", 0.20, "village", 1963, 13, -0.45, false},
	{"社区", 0.16, "community", 1970, 14, -0.05, true},
	{"机关", 0.09, "agency", 1978, 9, 0.45, true},
	{"企业", 0.20, "enterprise", 1984, 9, 0.25, true},
	{"社会组织", 0.04, "enterprise", 1986, 9, 0.2, true},
	{"事业单位", 0.09, "public_institution", 1980, 10, 0.4, true},
	{"离退休", 0.22, "community", 1950, 7, -0.15, false},
}

// writeMembers writes the member register: UTF-8 with a byte-order mark, full
// birth dates (the pipeline cuts them to the month) and an opaque register
// number (the pipeline hashes it). No names, no ID numbers.
func writeMembers(dir string) (File, error) {
	f := File{Name: "party_members.csv", About: "member register, UTF-8 with BOM; ids hashed and births cut to the month on load"}
	r := rng(4)
	_, orgs := registers()
	bySetting := map[string][]string{} // township|setting -> org codes
	for _, o := range orgs {
		k := o.Region + "|" + o.Setting
		bySetting[k] = append(bySetting[k], o.Code)
	}
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	if _, err := out.WriteString("\ufeff"); err != nil {
		return f, err
	}
	w := csv.NewWriter(out)
	if err := w.Write([]string{"党员编号", "出生年月", "性别", "学历", "入党时间", "人员类别", "是否流动党员",
		"是否在职", "是否到社区报到", "所在街镇代码", "所在党组织编号"}); err != nil {
		return f, err
	}
	yesNo := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	n := 0
	for _, t := range Townships {
		count := int(2600 * t.scale)
		for i := 0; i < count; i++ {
			n++
			c := pickCategory(r.Float64(), t.urban)
			by := int(c.birthMean + r.NormFloat64()*c.birthSD)
			by = min(max(by, 1925), 2005)
			bm, bd := 1+r.IntN(12), 1+r.IntN(28)
			joinAge := 20 + int(r.ExpFloat64()*8)
			jy := min(by+joinAge, 2024)
			edu := educations[min(max(int((r.Float64()+c.eduShift)*float64(len(educations))), 0), len(educations)-1)]
			gender := "男"
			if r.Float64() < 0.31 {
				gender = "女"
			}
			floating := r.Float64() < 0.04
			reported := ""
			if c.inService {
				reported = yesNo(r.Float64() < 0.78)
			}
			org := ""
			if codes := bySetting[t.Code+"|"+c.setting]; len(codes) > 0 {
				org = codes[r.IntN(len(codes))]
			} else if codes := bySetting[t.Code+"|community"]; len(codes) > 0 {
				org = codes[r.IntN(len(codes))]
			}
			row := []string{
				fmt.Sprintf("DY%08d", 10000000+n*7),
				fmt.Sprintf("%04d-%02d-%02d", by, bm, bd),
				gender, edu,
				fmt.Sprintf("%04d-%02d", jy, 1+r.IntN(12)),
				c.label, yesNo(floating), yesNo(c.inService), reported, t.Code, org,
			}
			if err := w.Write(row); err != nil {
				return f, err
			}
			f.Rows++
		}
	}
	w.Flush()
	return f, w.Error()
}

// pickCategory draws a category; rural members are fewer where the township
// is more urban.
func pickCategory(x, urban float64) memberCategory {
	total := 0.0
	weights := make([]float64, len(memberCategories))
	for i, c := range memberCategories {
		w := c.share
		if c.label == "农村" {
			w *= 2.2 * (1 - urban)
		}
		weights[i] = w
		total += w
	}
	x *= total
	for i, w := range weights {
		if x < w {
			return memberCategories[i]
		}
		x -= w
	}
	return memberCategories[0]
}
