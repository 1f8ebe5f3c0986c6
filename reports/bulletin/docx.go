package bulletin

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Document is a bulletin as a Word document: its title, sections, the
// figures they cite and the charts.
type Document struct {
	Title    string
	Subtitle string // the region's code, and 示例数据 where it has synthetic figures
	Sections []Section
	Figures  []Figure
	Images   []Image
}

// Figure is a row of the figures table: an indicator value as published.
type Figure struct {
	Name, Value, Unit, Status, Change, Period string
}

// Image is a chart: a PNG and its caption (the chart's words, as Word text).
type Image struct {
	PNG     []byte
	W, H    int // pixels
	Caption string
}

// NewDocument builds the document of the region's bulletin: sections as
// written, the figures they used, a trend chart of the first figure with a
// series (and its target) and ranked bars of the regions below for the first
// figure that has at least two of them. hidden leaves out what small cells
// hide (nil: nothing).
func NewDocument(ctx context.Context, db *sql.DB, f *Facts, year int, sections []Section, hidden func(region, indicator, period string) bool) (*Document, error) {
	d := &Document{Title: Title(f.Name, year, sections), Sections: sections}
	d.Subtitle = "区划代码 " + f.Region
	if f.Synthetic() {
		d.Subtitle += " · 文中标注【示例数据】的数字为演示用的示例数据，不是真实统计"
	}
	var used []*Fact
	seen := map[*Fact]bool{}
	for _, s := range sections {
		for _, x := range s.Facts {
			if !seen[x] {
				seen[x] = true
				used = append(used, x)
			}
		}
	}
	for _, x := range used {
		d.Figures = append(d.Figures, figureOf(x))
	}
	n := 0
	for _, x := range used {
		if len(x.Series) < 2 {
			continue
		}
		target := math.NaN()
		if x.Target != nil {
			target = x.Target.Value
		}
		b, err := TrendPNG(x.Series, target, x.Precision, x.Unit, 960, 400)
		if err != nil {
			return nil, err
		}
		n++
		d.Images = append(d.Images, Image{PNG: b, W: 960, H: 400, Caption: trendCaption(n, f, x)})
		break
	}
	for _, x := range used {
		kids, err := Children(ctx, db, f.Region, x.Indicator, x.Period, hidden)
		if err != nil {
			return nil, err
		}
		if len(kids) < 2 {
			continue
		}
		if len(kids) > 40 {
			kids = kids[:40]
		}
		vals := make([]float64, len(kids))
		var names []string
		synthetic := ""
		for i, k := range kids {
			if k.Synthetic {
				synthetic = "（示例数据）"
			}
			vals[i] = k.Value
			names = append(names, fmt.Sprintf("%d %s %s%s", i+1, k.Name, Fixed(k.Value, x.Precision), UnitZh(x.Unit)))
		}
		b, err := BarsPNG(vals, -1, 960)
		if err != nil {
			return nil, err
		}
		n++
		d.Images = append(d.Images, Image{PNG: b, W: 960, H: 40 + 24*len(vals),
			Caption: fmt.Sprintf("图%d %s下辖地区%s（%s，从高到低）：%s%s", n, f.Name, x.Name, When(x), strings.Join(names, "、"), synthetic)})
		break
	}
	return d, nil
}

// Title is the bulletin's title from the sections written: 城镇化与党建 where
// a section on party members or organisations is among them, 城镇化与人口
// where none is, 党建 where only those are.
func Title(name string, year int, sections []Section) string {
	party, other := false, false
	for _, s := range sections {
		if partySection(s) {
			party = true
		} else {
			other = true
		}
	}
	topic := "城镇化与人口"
	switch {
	case party && other:
		topic = "城镇化与党建"
	case party:
		topic = "党建"
	}
	return fmt.Sprintf("%s%d年%s统计公报", name, year, topic)
}

// partyCodes are the prefixes of the indicators of party members and
// organisations.
var partyCodes = []string{"member.", "org.", "party_org."}

// partySection reports whether s speaks of party members or organisations:
// the bundled 党员队伍 or 组织覆盖, or a section whose figures or warnings
// are of their indicators.
func partySection(s Section) bool {
	if s.Name == "03_members" || s.Name == "04_organisations" {
		return true
	}
	var codes []string
	for _, x := range s.Facts {
		codes = append(codes, x.Indicator)
	}
	for _, a := range s.Alerts {
		codes = append(codes, a.Indicator)
	}
	for _, c := range codes {
		for _, p := range partyCodes {
			if strings.HasPrefix(c, p) {
				return true
			}
		}
	}
	return false
}

func figureOf(x *Fact) Figure {
	fg := Figure{Name: x.Name, Value: x.Shown(), Unit: UnitZh(x.Unit), Status: "最终数", Period: When(x), Change: "—"}
	if x.StatusZh != "" {
		fg.Status = x.StatusZh
		if x.Symbol != "" {
			fg.Status += "（" + x.Symbol + "）"
		}
	}
	if d := x.Diff(); !math.IsNaN(d) {
		sign := ""
		if d > 0 {
			sign = "+"
		}
		fg.Change = sign + Fixed(d, x.Precision)
		if Points(x.Unit) {
			fg.Change += " 个百分点"
		} else {
			fg.Change += " " + UnitZh(x.Unit)
		}
		if since(x) != "比上年" {
			fg.Change += fmt.Sprintf("（比%d年）", x.Change.PrevYear)
		}
	}
	return fg
}

func trendCaption(n int, f *Facts, x *Fact) string {
	first, last := x.Series[0], x.Series[len(x.Series)-1]
	s := fmt.Sprintf("图%d %s%s，%s至%s（单位：%s）：由%s变为%s", n, f.Name, x.Name, whenPeriod(first.Period), whenPeriod(last.Period),
		UnitZh(x.Unit), Fixed(first.Value, x.Precision), Fixed(last.Value, x.Precision))
	if x.Target != nil {
		s += "；红色虚线为目标值" + Fixed(x.Target.Value, x.Precision)
		if x.Target.Year > 0 {
			s += fmt.Sprintf("（%d年）", x.Target.Year)
		}
	}
	if x.Synthetic {
		s += "（示例数据）"
	}
	return s
}

// WriteFile writes the document to path, replacing it whole.
func (d *Document) WriteFile(path string) error {
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("bulletin: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("bulletin: %w", err)
	}
	return nil
}

// The parts of a WordprocessingML package (ECMA-376 part 1): the content
// types, the package relationships, the main document with its
// relationships (styles, images) and the styles.
const (
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	relStyles = nsRel + "/styles"
	relImage  = nsRel + "/image"
)

// Write writes the document as a .docx.
func (d *Document) Write(w io.Writer) error {
	z := zip.NewWriter(w)
	// A fixed time: the same document gives the same bytes.
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	put := func(name, body string) error {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		_, err = io.WriteString(fw, body)
		return err
	}
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rIdStyles" Type="` + relStyles + `" Target="styles.xml"/>`
	for i := range d.Images {
		rels += fmt.Sprintf(`<Relationship Id="rIdImage%d" Type="%s" Target="media/image%d.png"/>`, i+1, relImage, i+1)
	}
	rels += `</Relationships>`
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", packageRels},
		{"word/document.xml", d.documentXML()},
		{"word/styles.xml", stylesXML},
		{"word/_rels/document.xml.rels", rels},
	}
	for _, p := range parts {
		if err := put(p.name, p.body); err != nil {
			return fmt.Errorf("bulletin: docx: %w", err)
		}
	}
	for i, img := range d.Images {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("word/media/image%d.png", i+1), Method: zip.Store, Modified: stamp})
		if err != nil {
			return fmt.Errorf("bulletin: docx: %w", err)
		}
		if _, err := fw.Write(img.PNG); err != nil {
			return fmt.Errorf("bulletin: docx: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("bulletin: docx: %w", err)
	}
	return nil
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Default Extension="png" ContentType="image/png"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`</Types>`

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

// Body text: 宋体 (SimSun) 12 pt with a first-line indent of two
// characters; headings and the title in 黑体 (SimHei).
const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/>` +
	`<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:ind w:firstLineChars="200" w:firstLine="480"/><w:jc w:val="both"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:before="240" w:after="120"/><w:jc w:val="center"/></w:pPr>` +
	`<w:rPr><w:rFonts w:ascii="黑体" w:hAnsi="黑体" w:eastAsia="黑体"/><w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="60"/><w:outlineLvl w:val="0"/></w:pPr>` +
	`<w:rPr><w:rFonts w:ascii="黑体" w:hAnsi="黑体" w:eastAsia="黑体"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:after="200"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
	`</w:styles>`

// esc escapes text for an XML element.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func para(style, text string) string {
	return `<w:p><w:pPr><w:pStyle w:val="` + style + `"/></w:pPr><w:r><w:t xml:space="preserve">` + esc(text) + `</w:t></w:r></w:p>`
}

// A4 with 2.5 cm margins leaves 16 cm of text width: 9,071 twips,
// 5,760,720 EMU.
const textEMU = 5760720

func (d *Document) documentXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"` +
		` xmlns:r="` + nsRel + `"` +
		` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"` +
		` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"` +
		` xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`)
	b.WriteString(para("Title", d.Title))
	b.WriteString(para("Subtitle", d.Subtitle))
	for _, s := range d.Sections {
		b.WriteString(para("Heading1", s.Title))
		for _, p := range s.Paragraphs {
			b.WriteString(para("BodyText", p))
		}
	}
	if len(d.Figures) > 0 {
		b.WriteString(para("Heading1", "主要指标"))
		b.WriteString(figuresTable(d.Figures))
	}
	if len(d.Images) > 0 {
		b.WriteString(para("Heading1", "附图"))
	}
	for i, img := range d.Images {
		cx := int64(textEMU)
		cy := cx * int64(img.H) / int64(max(img.W, 1))
		fmt.Fprintf(&b, `<w:p><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr><w:r><w:drawing>`+
			`<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/>`+
			`<wp:docPr id="%d" name="图%d"/>`+
			`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">`+
			`<pic:pic><pic:nvPicPr><pic:cNvPr id="%d" name="image%d.png"/><pic:cNvPicPr/></pic:nvPicPr>`+
			`<pic:blipFill><a:blip r:embed="rIdImage%d"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
			`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`+
			`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`,
			cx, cy, i+1, i+1, i+1, i+1, i+1, cx, cy)
		b.WriteString(para("Caption", img.Caption))
	}
	b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>` +
		`<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`)
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

// figuresTable is the table of the figures the text cites.
func figuresTable(rows []Figure) string {
	widths := []int{2900, 1500, 1100, 1400, 2171}
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="9071" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="808080"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, header bool) {
		b.WriteString(`<w:tr>`)
		if header {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for i, c := range cells {
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>`, widths[i])
			if i == 1 {
				b.WriteString(`<w:jc w:val="right"/>`)
			}
			b.WriteString(`</w:pPr><w:r>`)
			if header {
				b.WriteString(`<w:rPr><w:rFonts w:ascii="黑体" w:hAnsi="黑体" w:eastAsia="黑体"/></w:rPr>`)
			}
			b.WriteString(`<w:t xml:space="preserve">` + esc(c) + `</w:t></w:r></w:p></w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	row([]string{"指标", "数值", "单位", "状态", "比上年"}, true)
	for _, f := range rows {
		row([]string{f.Name + "（" + f.Period + "）", f.Value, f.Unit, f.Status, f.Change}, false)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}
