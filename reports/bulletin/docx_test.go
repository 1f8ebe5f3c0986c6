package bulletin

import (
	"archive/zip"
	"bytes"
	"image/png"
	"io"
	"math"
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
	trend, err := TrendPNG(x.Series, 85, 960, 400)
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
	b, err := TrendPNG([]Point{{"2020", 2020, 50}, {"2024", 2024, 70}}, 80, 400, 200)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := newCanvas(400, 200, 50, 80)
	lo, hi, _ := niceRange(50, 80)
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
	if _, err := TrendPNG([]Point{{"2024", 2024, 70}}, math.NaN(), 400, 200); err != nil {
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
