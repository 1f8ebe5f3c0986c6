package bulletin

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// district is a region's facts as Gather gives them, by hand.
func district(synthetic bool) *Facts {
	rate := &Fact{Indicator: "urban.rate_resident", Name: "常住人口城镇化率", Unit: "%", Region: "310112", Period: "2024", Year: 2024,
		Value: 80.4987, Precision: 1, Numerator: 2023456, Denominator: 2513700, Synthetic: synthetic,
		Change: &Change{PrevPeriod: "2023", PrevYear: 2023, Years: 1, Prev: 79.8864, Diff: 0.6123, Growth: math.NaN()},
		Rank:   &Rank{N: 3, Of: 16, ParentName: "上海市", Kind: "区县"},
		Target: &Target{Value: 85, Year: 2025, Status: "behind", Distance: 4.5013, ProjectedYear: 2032}}
	if synthetic {
		rate.Status, rate.Symbol, rate.StatusZh = "synthetic", "s", "示例数据"
	}
	census := &Fact{Indicator: "urban.rate_census", Name: "常住人口城镇化率（普查）", Unit: "%", Region: "310112", Period: "2020-11-01",
		Year: 2020, Value: 98.5213, Precision: 2, Numerator: math.NaN(), Denominator: math.NaN(),
		Change: &Change{PrevPeriod: "2010-11-01", PrevYear: 2010, Years: 10, Prev: 100.0025, Diff: -1.4812, Growth: math.NaN()}}
	return &Facts{Region: "310112", Name: "闵行区", Level: 3, Facts: map[string]*Fact{rate.Indicator: rate, census.Indicator: census}}
}

func TestWriteBundled(t *testing.T) {
	tm, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	secs, err := tm.Write(district(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 1 || secs[0].Title != "城镇化" {
		t.Fatalf("sections: %+v (want 城镇化 only: the other sections have no facts)", secs)
	}
	want := []string{
		"2024年末，全区常住人口251.37万人，其中城镇常住人口202.35万人；常住人口城镇化率为80.5%，比上年提高0.6个百分点，" +
			"在上海市16个区县中居第3位，距2025年85.0%的目标还差4.5个百分点，按近年速度预计2032年达标。",
		"据人口普查，2020年11月1日，全区常住人口城镇化率为98.52%，比2010年下降1.48个百分点。",
	}
	if strings.Join(secs[0].Paragraphs, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs:\n%s\nwant\n%s", strings.Join(secs[0].Paragraphs, "\n"), strings.Join(want, "\n"))
	}
	if secs[0].Synthetic {
		t.Error("a section of real figures is marked synthetic")
	}
}

// A paragraph that prints a synthetic figure says so, whatever the
// template; the one beside it, of real figures, does not.
func TestWriteSyntheticParagraph(t *testing.T) {
	tm, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	secs, err := tm.Write(district(true))
	if err != nil {
		t.Fatal(err)
	}
	p := secs[0].Paragraphs
	if !strings.HasPrefix(p[0], "【示例数据】2024年末") || strings.Contains(p[0], "（示例数据）") {
		t.Errorf("synthetic paragraph: %s", p[0])
	}
	if strings.Contains(p[1], "示例数据") || strings.ContainsRune(p[1], '\uE000') || strings.ContainsRune(p[0], '\uE000') {
		t.Errorf("real paragraph marked, or a mark left: %q", p[1])
	}
}

func TestChangeWords(t *testing.T) {
	f := func(unit string, prec int, value, prev, growth, years float64, period, prevPeriod string) *Fact {
		return &Fact{Unit: unit, Precision: prec, Period: period, Value: value,
			Change: &Change{PrevPeriod: prevPeriod, PrevYear: yearOf(prevPeriod), Prev: prev, Diff: value - prev, Growth: growth, Years: years}}
	}
	for _, c := range []struct {
		x            *Fact
		change, grow string
	}{
		{f("%", 1, 80.54, 79.9, math.NaN(), 1, "2024", "2023"), "比上年提高0.6个百分点", ""},
		// Published 80.5 beside a published 79.9: the change is 0.6, though
		// the full values differ by 0.68.
		{f("%", 1, 80.54, 79.86, math.NaN(), 1, "2024", "2023"), "比上年提高0.6个百分点", ""},
		{f("%", 1, 80.51, 80.49, math.NaN(), 1, "2024", "2023"), "与上年持平", ""},
		{f("%", 1, 60.0, 62.25, math.NaN(), 4, "2024-12-31", "2020-12-31"), "比2020年下降2.3个百分点", ""},
		{f("家", 0, 9, 8, 12.5, 1, "2024-12-31", "2023-12-31"), "比上年增加1家", "比上年增长12.5%"},
		{f("km²", 2, 229, 232, -1.23, 10, "2024", "2014"), "比2014年减少3.00平方公里", "比2014年年均下降1.2%"},
	} {
		if got := ChangeText(c.x); got != c.change {
			t.Errorf("ChangeText(%s %v − %v) = %q, want %q", c.x.Unit, c.x.Value, c.x.Change.Prev, got, c.change)
		}
		if got := GrowthText(c.x); got != c.grow {
			t.Errorf("GrowthText(%s %v) = %q, want %q", c.x.Unit, c.x.Change.Growth, got, c.grow)
		}
	}
	if got := ChangeText(&Fact{Unit: "%"}); got != "" {
		t.Errorf("no previous value: %q", got)
	}
}

func TestTargetWords(t *testing.T) {
	for _, c := range []struct {
		value float64
		t     Target
		want  string
	}{
		{61, Target{Value: 60, Year: 2020, Status: "reached", Reached: true}, "已达到2020年60.0%的目标"},
		{100, Target{Value: 100, Status: "reached", Reached: true}, "已达到100.0%的目标"},
		{57.66, Target{Value: 60, Year: 2020, Status: "missed", Distance: 2.34}, "未达到2020年60.0%的目标（差2.3个百分点）"},
		{57.66, Target{Value: 60, Year: 2030, Status: "behind", Distance: 2.34, ProjectedYear: 2027}, "距2030年60.0%的目标还差2.3个百分点，按近年速度预计2027年达标"},
		{57.66, Target{Value: 60, Year: 2030, Status: "not_reached", Distance: 2.34}, "距2030年60.0%的目标还差2.3个百分点"},
		// Published 57.6 against a published 60.0: 2.4 short, though the
		// full values are 2.32 apart.
		{57.64, Target{Value: 59.96, Year: 2030, Status: "not_reached", Distance: 2.32}, "距2030年60.0%的目标还差2.4个百分点"},
	} {
		x := &Fact{Unit: "%", Precision: 1, Value: c.value, Target: &c.t}
		if got := TargetText(x); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.t.Status, c.value, got, c.want)
		}
	}
}

// Persons in 万: whole 万 for the country's and a province's counts, two
// decimals for a city's or a district's; both counts of a fact alike.
func TestWan(t *testing.T) {
	for _, c := range []struct {
		num, den float64
		n, d     string
	}{
		{943500000, 1408280000, "94350", "140828"},
		{9000000, 12000000, "900", "1200"},
		{2497500, 2700000, "249.75", "270.00"},
		{math.NaN(), 25300, "", "2.53"},
	} {
		x := &Fact{Numerator: c.num, Denominator: c.den}
		n, _ := Wan(x, "numerator")
		d, _ := Wan(x, "denominator")
		if n != c.n || d != c.d {
			t.Errorf("Wan(%v, %v) = %q, %q; want %q, %q", c.num, c.den, n, d, c.n, c.d)
		}
	}
	if _, err := Wan(&Fact{}, "value"); err == nil {
		t.Error("Wan of neither part: no error")
	}
}

// A project's template replaces the bundled one of the same name; a new
// name adds a section, in the order of the file names.
func TestTemplateOverride(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("01_urbanisation.tmpl", `{{define "title"}}城镇化水平{{end}}{{with fact "urban.rate_resident"}}{{when .}}，{{$.Scope}}城镇化率{{val .}}。{{end}}`)
	write("00_lead.tmpl", `{{define "title"}}说明{{end}}本概述依据{{.Name}}的统计数据编写。`)
	tm, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	secs, err := tm.Write(district(false))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range secs {
		got = append(got, s.Title+"："+strings.Join(s.Paragraphs, "|"))
	}
	want := "说明：本概述依据闵行区的统计数据编写。\n城镇化水平：2024年末，全区城镇化率80.5%。"
	if strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

func TestTemplateErrors(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
		msg  string
	}{
		{"{{define \"title\"}}x{{end}}\n\n{{with fact \"a\"}}{{val .}\n", 3, "bad character"},
		{"{{define \"title\"}}x{{end}}\n{{nosuch .}}\n", 2, `function "nosuch" not defined`},
		{"{{with fact \"a\"}}{{val .}}{{end}}\n", 1, "no title"},
		{"{{define \"title\"}}x{{end}}\n{{with fact \"a\"}}\n由于政策推动，{{val .}}{{end}}\n", 3, `"由于" explains a figure`},
		{"{{define \"title\"}}x{{end}}\n{{with fact \"a\"}}\n常住人口城镇化率高于户籍人口城镇化率{{val .}}。{{end}}\n", 3, `"高于" before {{val}}`},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "07_x.tmpl"), []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		errs := Check(dir)
		var te *TemplateError
		if len(errs) != 1 || !errors.As(errs[0], &te) {
			t.Errorf("%q: errors %v, want one TemplateError", c.src, errs)
			continue
		}
		if te.Path != filepath.Join(dir, "07_x.tmpl") || te.Line != c.line || !strings.Contains(te.Msg, c.msg) {
			t.Errorf("%q: %v, want line %d: %s", c.src, te, c.line, c.msg)
		}
	}
	if errs := Check(""); errs != nil {
		t.Errorf("bundled templates: %v", errs)
	}
}

func TestScope(t *testing.T) {
	for name, want := range map[string]string{"闵行区": "全区", "上海市": "全市", "江苏省": "全省", "广西壮族自治区": "全区",
		"崇明县": "全县", "江川路街道": "全街道", "七宝镇": "全镇"} {
		if got := (&Facts{Region: "1", Name: name}).Scope(); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	for name, want := range map[string]string{"莘庄工业区": "莘庄工业区", "江川路街道": "全街道", "七宝镇": "全镇", "某某乡": "全乡",
		"某某经济开发区": "某某经济开发区"} {
		if got := (&Facts{Region: "310112", Name: name, Level: 4}).Scope(); got != want {
			t.Errorf("level 4 %s: %s, want %s", name, got, want)
		}
	}
	f := district(false)
	f.Region, f.Name, f.Level = "310112103", "莘庄工业区", 4
	tm, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	secs, err := tm.Write(f)
	if err != nil {
		t.Fatal(err)
	}
	if p := secs[0].Paragraphs[0]; !strings.HasPrefix(p, "2024年末，莘庄工业区常住人口251.37万人") {
		t.Errorf("a township named …区: %s", p)
	}
	if got := (&Facts{Region: "000000", Name: "全国"}).Scope(); got != "全国" {
		t.Errorf("country: %s", got)
	}
}

// A difference is worded by its sign as published: 高于, 低于, and 持平
// where it rounds to nothing, never 高于…0.0个百分点.
func TestVersusWords(t *testing.T) {
	for _, c := range []struct {
		value float64
		want  string
	}{
		{8.4987, "常住人口城镇化率高于户籍人口城镇化率8.5个百分点"},
		{0.0213, "常住人口城镇化率与户籍人口城镇化率持平"},
		{-0.04, "常住人口城镇化率与户籍人口城镇化率持平"},
		{-2.26, "常住人口城镇化率低于户籍人口城镇化率2.3个百分点"},
	} {
		f := district(false)
		f.Facts["urban.hukou_gap_pp"] = &Fact{Indicator: "urban.hukou_gap_pp", Unit: "pp", Precision: 1, Value: c.value,
			Region: "310112", Period: "2024", Year: 2024, Numerator: math.NaN(), Denominator: math.NaN()}
		tm, err := Load("")
		if err != nil {
			t.Fatal(err)
		}
		secs, err := tm.Write(f)
		if err != nil {
			t.Fatal(err)
		}
		if p := secs[0].Paragraphs[0]; !strings.HasSuffix(p, "。"+c.want+"。") {
			t.Errorf("gap %v: %s\nwant it to end 。%s。", c.value, p, c.want)
		}
	}
	x := &Fact{Unit: "人", Precision: 0, Value: -3}
	if got := Versus(x, "男性党员", "女性党员"); got != "男性党员少于女性党员3人" {
		t.Errorf("count: %s", got)
	}
}

// A paragraph whose figures are all 快报数 says so once, at its end; one
// that mixes final and preliminary figures marks each preliminary one; a
// paragraph of one figure marks it.
func TestStatusOncePerParagraph(t *testing.T) {
	prelim := func(x *Fact) { x.Status, x.Symbol, x.StatusZh = "preliminary", "p", "快报数" }
	f := district(false)
	f.Facts["urban.rate_resident"].Change, f.Facts["urban.rate_resident"].Rank, f.Facts["urban.rate_resident"].Target = nil, nil, nil
	f.Facts["urban.rate_hukou"] = &Fact{Indicator: "urban.rate_hukou", Unit: "%", Precision: 1, Value: 72.04, Region: "310112",
		Period: "2024", Year: 2024, Numerator: math.NaN(), Denominator: math.NaN()}
	f.Facts["urban.hukou_gap_pp"] = &Fact{Indicator: "urban.hukou_gap_pp", Unit: "pp", Precision: 1, Value: 8.46, Region: "310112",
		Period: "2024", Year: 2024, Numerator: math.NaN(), Denominator: math.NaN()}
	tm, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	write := func() []string {
		secs, err := tm.Write(f)
		if err != nil {
			t.Fatal(err)
		}
		return secs[0].Paragraphs
	}
	for _, x := range f.Facts {
		prelim(x)
	}
	p := write()
	if want := "常住人口城镇化率为80.5%。户籍人口城镇化率为72.0%。常住人口城镇化率高于户籍人口城镇化率8.5个百分点。以上为快报数。"; !strings.HasSuffix(p[0], want) {
		t.Errorf("all preliminary:\n%s\nwant it to end\n%s", p[0], want)
	}
	if want := "全区常住人口城镇化率为98.52%（快报数），比2010年"; !strings.Contains(p[1], want) {
		t.Errorf("one preliminary figure:\n%s\nwant %s", p[1], want)
	}
	f.Facts["urban.rate_hukou"].Status, f.Facts["urban.rate_hukou"].StatusZh = "final", ""
	p = write()
	if want := "常住人口城镇化率为80.5%（快报数）。户籍人口城镇化率为72.0%。常住人口城镇化率高于户籍人口城镇化率8.5个百分点（快报数）。"; !strings.HasSuffix(p[0], want) {
		t.Errorf("mixed:\n%s\nwant it to end\n%s", p[0], want)
	}
	for _, s := range p {
		if strings.ContainsAny(s, "\uE001\uE002") {
			t.Errorf("a mark left: %q", s)
		}
	}
}
