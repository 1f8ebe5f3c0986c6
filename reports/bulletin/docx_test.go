package bulletin

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestDocxReadBack(t *testing.T) {
	tm, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	f := district(true)
	secs, err := tm.Write(f)
	if err != nil {
		t.Fatal(err)
	}
	x := f.Facts["urban.rate_resident"]
	x.Series = []Point{{"2022", 2022, 79.2}, {"2023", 2023, 79.9}, {"2024", 2024, 80.4987}}
	trend, err := TrendPNG(x.Series, 85, 1, "%", 960, 400)
	if err != nil {
		t.Fatal(err)
	}
	bars, err := BarsPNG([]float64{95.1, 80.2, 61.7}, -1, 960)
	if err != nil {
		t.Fatal(err)
	}
	d := &Document{Title: "闵行区2024年城镇化与党建统计公报", Subtitle: "区划代码 310112 <&>", Sections: secs,
		Figures: []Figure{figureOf(x)},
		Images:  []Image{{PNG: trend, W: 960, H: 400, Caption: trendCaption(1, f, x)}, {PNG: bars, W: 960, H: 112, Caption: "图2"}}}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	c, err := ReadDocx(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/_rels/document.xml.rels", "word/media/image1.png", "word/media/image2.png"} {
		if !strings.Contains(strings.Join(c.Parts, " "), p) {
			t.Errorf("part %s missing: %v", p, c.Parts)
		}
	}
	text := strings.Join(c.Paragraphs, "\n")
	for _, want := range append([]string{d.Title, "区划代码 310112 <&>", "城镇化", "指标", "比上年",
		"常住人口城镇化率（2024年末）", "80.5", "示例数据（s）", "+0.6 个百分点",
		"图1 闵行区常住人口城镇化率，2022年末至2024年末（单位：%）：由79.2变为80.5；红色虚线为目标值85.0（2025年）（示例数据）"}, secs[0].Paragraphs...) {
		if !strings.Contains(text, want) {
			t.Errorf("document lacks %q:\n%s", want, text)
		}
	}
	if c.Styles[0] != "Title" {
		t.Errorf("first paragraph style %q, want Title", c.Styles[0])
	}
	if len(c.Images) != 2 {
		t.Fatalf("%d images, want 2", len(c.Images))
	}
	for i, img := range c.Images {
		m, err := png.Decode(bytes.NewReader(img))
		if err != nil {
			t.Fatalf("image %d: %v", i+1, err)
		}
		if m.Bounds().Dx() != 960 {
			t.Errorf("image %d is %v wide", i+1, m.Bounds())
		}
	}
	// The same document, the same bytes.
	var again bytes.Buffer
	if err := d.Write(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("writing the document twice gives different bytes")
	}
}

// The trend chart draws the series in blue and the target as a red line at
// its height.
func TestTrendPNG(t *testing.T) {
	b, err := TrendPNG([]Point{{"2020", 2020, 50}, {"2024", 2024, 70}}, 80, 1, "%", 400, 200)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := newCanvas(400, 200, 50, 80)
	lo, hi, _ := trendAxis([]float64{50, 70, 80}, 1, "%")
	c.lo, c.hi = lo, hi
	y := c.y(80)
	found := false
	for x := 40; x < 380; x++ {
		if r, g, bl, _ := m.At(x, y).RGBA(); r>>8 == 178 && g>>8 == 34 && bl>>8 == 34 {
			found = true
			break
		}
	}
	if !found {
		t.Errorf("no red target line at y=%d", y)
	}
	if _, err := TrendPNG([]Point{{"2024", 2024, 70}}, math.NaN(), 1, "%", 400, 200); err != nil {
		t.Errorf("one point: %v", err)
	}
}

// ReadDocx refuses what a consumer could not open: an embedded image that
// is missing, a part that is not XML.
func TestReadDocxRefuses(t *testing.T) {
	img, err := BarsPNG([]float64{1, 2}, -1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := (&Document{Title: "t", Images: []Image{{PNG: img, W: 100, H: 88, Caption: "图1"}}}).Write(&b); err != nil {
		t.Fatal(err)
	}
	rewrite := func(change func(name string, data []byte) ([]byte, bool)) []byte {
		z, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, f := range z.File {
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			data, keep := change(f.Name, data)
			if !keep {
				continue
			}
			w, _ := zw.Create(f.Name)
			w.Write(data)
		}
		zw.Close()
		return out.Bytes()
	}
	if _, err := ReadDocx(rewrite(func(string, []byte) ([]byte, bool) { return nil, true })); err == nil {
		t.Error("empty parts read without error")
	}
	noImage := rewrite(func(n string, d []byte) ([]byte, bool) { return d, n != "word/media/image1.png" })
	if _, err := ReadDocx(noImage); err == nil || !strings.Contains(err.Error(), "image word/media/image1.png (rIdImage1) is missing") {
		t.Errorf("missing image: %v", err)
	}
	broken := rewrite(func(n string, d []byte) ([]byte, bool) {
		if n == "word/styles.xml" {
			return d[:len(d)-5], true
		}
		return d, true
	})
	if _, err := ReadDocx(broken); err == nil || !strings.Contains(err.Error(), "word/styles.xml") {
		t.Errorf("truncated styles: %v", err)
	}
	if _, err := ReadDocx(b.Bytes()); err != nil {
		t.Errorf("the document itself: %v", err)
	}
}

// The children of w:pPr, w:rPr and w:tblPr come in the order of the schema's
// sequence (ECMA-376 part 1, CT_PPrBase, EG_RPrBase, CT_TblPr), which Word
// enforces: a w:jc before a w:spacing makes a file Word calls corrupt.
// The sequences below are those of the standard, cut to the elements
// before, between and around the ones this writer uses.
var (
	pPrOrder = []string{"pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
		"suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
		"topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
		"contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
		"textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"}
	rPrOrder = []string{"rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
		"shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
		"position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
		"lang", "eastAsianLayout", "specVanish", "oMath"}
	// CT_TblPr, for the figures table.
	tblPrOrder = []string{"tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
		"tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
		"tblDescription", "tblPrChange"}
)

func TestDocxPropertyOrder(t *testing.T) {
	tm, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	f := district(true)
	secs, err := tm.Write(f)
	if err != nil {
		t.Fatal(err)
	}
	x := f.Facts["urban.rate_resident"]
	bars, err := BarsPNG([]float64{95.1, 80.2}, -1, 960)
	if err != nil {
		t.Fatal(err)
	}
	d := &Document{Title: "t", Subtitle: "s", Sections: secs, Figures: []Figure{figureOf(x)},
		Images: []Image{{PNG: bars, W: 960, H: 88, Caption: "图1"}}}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, part := range []string{"word/styles.xml", "word/document.xml"} {
		fr, err := z.Open(part)
		if err != nil {
			t.Fatal(err)
		}
		checkOrder(t, part, xml.NewDecoder(fr), seen)
		fr.Close()
	}
	// Every property the styles set is checked: the title's and captions'
	// jc beside their spacing, the headings' rPr.
	if seen["pPr"] < 8 || seen["rPr"] < 6 || seen["tblPr"] != 1 {
		t.Errorf("checked %d pPr, %d rPr and %d tblPr only", seen["pPr"], seen["rPr"], seen["tblPr"])
	}
}

// checkOrder reads an XML part and reports every w:pPr, w:rPr or w:tblPr whose
// children are out of the schema's order or unknown to it.
func checkOrder(t *testing.T, part string, dec *xml.Decoder, seen map[string]int) {
	t.Helper()
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	order := map[string][]string{"pPr": pPrOrder, "rPr": rPrOrder, "tblPr": tblPrOrder}
	type open struct {
		name string
		last int // index in the sequence of the last child read; -1 before any
		kids []string
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if n := len(stack); n > 0 && stack[n-1] != nil && e.Name.Space == w {
				p := stack[n-1]
				i := slices.Index(order[p.name], e.Name.Local)
				p.kids = append(p.kids, e.Name.Local)
				switch {
				case i < 0:
					t.Errorf("%s: w:%s in w:%s is not in the schema's sequence %v", part, e.Name.Local, p.name, order[p.name])
				case i <= p.last:
					t.Errorf("%s: w:%s after %v: out of the schema's order of w:%s", part, e.Name.Local, p.kids[:len(p.kids)-1], p.name)
				default:
					p.last = i
				}
			}
			if e.Name.Space == w && order[e.Name.Local] != nil {
				seen[e.Name.Local]++
				stack = append(stack, &open{name: e.Name.Local, last: -1})
			} else {
				stack = append(stack, nil)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

// The figures table gives units as the text does: 个百分点, 人, 个.
func TestFigureUnits(t *testing.T) {
	for unit, want := range map[string]string{"%": "%", "pp": "个百分点", "persons": "人", "units": "个", "km²": "平方公里", "岁": "岁"} {
		if got := figureOf(&Fact{Unit: unit, Precision: 1}).Unit; got != want {
			t.Errorf("unit %s: %q, want %q", unit, got, want)
		}
	}
}

// The title says what the sections written speak of: no 党建 without a
// section on party members or organisations.
func TestTitle(t *testing.T) {
	urban := Section{Name: "01_urbanisation", Facts: []*Fact{{Indicator: "urban.rate_resident"}}}
	members := Section{Name: "03_members", Facts: []*Fact{{Indicator: "member.share_35_under"}}}
	own := Section{Name: "07_own", Facts: []*Fact{{Indicator: "org.coverage_social"}}}
	alerts := Section{Name: "05_alerts", Alerts: []*Alert{{Indicator: "org.coverage_economic"}}}
	for _, c := range []struct {
		secs []Section
		want string
	}{
		{[]Section{urban}, "闵行区2024年城镇化与人口统计公报"},
		{[]Section{urban, members}, "闵行区2024年城镇化与党建统计公报"},
		{[]Section{urban, own}, "闵行区2024年城镇化与党建统计公报"},
		{[]Section{members, alerts}, "闵行区2024年党建统计公报"},
	} {
		if got := Title("闵行区", 2024, c.secs); got != c.want {
			t.Errorf("%v: %s, want %s", c.secs, got, c.want)
		}
	}
	d := &Document{Title: "x", Images: []Image{{PNG: []byte{0}, W: 1, H: 1, Caption: "图1"}}}
	if xml := d.documentXML(); !strings.Contains(xml, ">附图<") {
		t.Error("no 附图 heading above the charts")
	}
}

// The trend's axis: a change in the last decimals is not drawn as a
// collapse, a share near 100% does not run past 100, a count starts at 0;
// the ticks are round.
func TestTrendAxis(t *testing.T) {
	for _, c := range []struct {
		values    []float64
		precision int
		unit      string
		want      string
	}{
		{[]float64{89.295, 89.299}, 3, "%", "87 88 89 90 91 92"},
		{[]float64{98.5, 100}, 2, "%", "95 96 97 98 99 100"},
		{[]float64{50, 70, 80}, 1, "%", "50 60 70 80"},
		{[]float64{8.46, 8.5}, 1, "pp", "7.8 8.0 8.2 8.4 8.6 8.8 9.0"},
		{[]float64{8, 9}, 0, "家", "0 2 4 6 8 10"},
		{[]float64{2497500, 2513700}, 0, "人", "0 1000000 2000000 3000000"},
		{[]float64{49.3, 49.7}, 1, "岁", "0 10 20 30 40 50"},
	} {
		lo, hi, step := trendAxis(c.values, c.precision, c.unit)
		var got []string
		for _, v := range ticks(lo, hi, step) {
			got = append(got, tick(v, step))
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%v %s: ticks %s, want %s", c.values, c.unit, g, c.want)
		}
	}
}
