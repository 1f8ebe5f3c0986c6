package demodata

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Organisation kinds as registries write them, with their share of the register.
var orgKinds = []struct {
	label string
	share float64
}{
	{"非公有制企业", 0.82},
	{"社会团体", 0.08},
	{"民办非企业单位", 0.08},
	{"基金会", 0.02},
}

// writeOrganisations writes the 两新组织 register as a GBK CSV, as Excel saves
// it on a Chinese Windows PC (CRLF line ends). A few rows are deliberately
// invalid so the demo shows quarantine at work.
func writeOrganisations(dir string) (File, error) {
	f := File{Name: "organisations.csv", About: "两新组织 register, GBK CSV as saved by Excel"}
	r := rng(2)
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	w := csv.NewWriter(simplifiedchinese.GBK.NewEncoder().Writer(out))
	w.UseCRLF = true
	header := []string{"统一社会信用代码", "单位名称", "所属街镇代码", "组织类型", "从业人员数", "正式党员数",
		"党组织组建方式", "是否派驻党建指导员", "统计范围", "统计日期"}
	if err := w.Write(header); err != nil {
		return f, err
	}
	n := 0
	for ti, t := range Townships {
		count := int(420 * t.scale)
		// Coverage differs by township, so the ranked chart has something to say.
		coverage := 0.55 + 0.4*float64((ti*7)%11)/10
		for i := 0; i < count; i++ {
			n++
			kind := pickKind(r.Float64())
			employees := 3 + int(r.ExpFloat64()*40)
			members := 0
			if r.Float64() < 0.55 {
				members = int(r.ExpFloat64() * float64(employees) * 0.06)
			}
			mode := "未建"
			if x := r.Float64(); x < coverage {
				switch {
				case members >= 3 && x < coverage*0.6:
					mode = "单独组建"
				case x < coverage*0.85:
					mode = "联合组建"
				default:
					mode = "挂靠"
				}
			}
			instructor := "否"
			if mode == "未建" && r.Float64() < 0.35 || r.Float64() < 0.1 {
				instructor = "是"
			}
			inScope := "是"
			if employees < 5 && r.Float64() < 0.3 {
				inScope = "否"
			}
			code := fmt.Sprintf("91%s%010d", t.Code[:6], 7000000000+n*7919%999999)
			name := fmt.Sprintf("示例%s%04d号", kindNoun(kind), n)
			row := []string{code, name, t.Code, kind, strconv.Itoa(employees), strconv.Itoa(members),
				mode, instructor, inScope, SnapshotDate}
			// Deliberately bad rows: roughly 1 in 500.
			switch n % 997 {
			case 101:
				row[2] = "310112999" // no such township
				f.Bad++
			case 503:
				row[4] = "-12" // negative head count
				f.Bad++
			case 907:
				row[5] = strconv.Itoa(employees + 5) // more members than employees
				f.Bad++
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

func pickKind(x float64) string {
	for _, k := range orgKinds {
		if x < k.share {
			return k.label
		}
		x -= k.share
	}
	return orgKinds[0].label
}

func kindNoun(kind string) string {
	switch kind {
	case "社会团体":
		return "协会"
	case "民办非企业单位":
		return "服务中心"
	case "基金会":
		return "基金会"
	}
	return "科技有限公司"
}
