package bulletin

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// Contents is what a .docx holds, read back as Word would find it: the
// paragraphs' text in order (a table cell is a paragraph) with their
// styles, and the images the document embeds, by the order they appear.
type Contents struct {
	Paragraphs []string
	Styles     []string // the style of each paragraph ("" for none)
	Images     [][]byte // the parts the document's drawings embed
	Parts      []string // every part of the package
}

// ReadDocx reads a .docx the way a consumer resolves it: [Content_Types].xml,
// the package relationships to the main document, its relationships to the
// images it embeds. A part that is named but missing, or an XML part that is
// not well-formed, is an error.
func ReadDocx(b []byte) (*Contents, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	parts := map[string][]byte{}
	c := &Contents{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("docx: %s: %w", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("docx: %s: %w", f.Name, err)
		}
		parts[f.Name] = data
		c.Parts = append(c.Parts, f.Name)
	}
	if _, ok := parts["[Content_Types].xml"]; !ok {
		return nil, fmt.Errorf("docx: no [Content_Types].xml")
	}
	for name, data := range parts {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			if err := wellFormed(data); err != nil {
				return nil, fmt.Errorf("docx: %s: %w", name, err)
			}
		}
	}
	main, err := relTarget(parts, "_rels/.rels", "", "/officeDocument")
	if err != nil {
		return nil, err
	}
	doc, ok := parts[main]
	if !ok {
		return nil, fmt.Errorf("docx: main document %s is missing", main)
	}
	rels := path.Join(path.Dir(main), "_rels", path.Base(main)+".rels")
	d := xml.NewDecoder(bytes.NewReader(doc))
	var text strings.Builder
	style := ""
	inPara := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("docx: %s: %w", main, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				inPara, style = true, ""
				text.Reset()
			case "pStyle":
				style = attr(t, "val")
			case "blip":
				id := attr(t, "embed")
				target, err := relTarget(parts, rels, id, "/image")
				if err != nil {
					return nil, err
				}
				img, ok := parts[target]
				if !ok {
					return nil, fmt.Errorf("docx: image %s (%s) is missing", target, id)
				}
				c.Images = append(c.Images, img)
			}
		case xml.CharData:
			if inPara {
				text.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local == "p" {
				c.Paragraphs = append(c.Paragraphs, text.String())
				c.Styles = append(c.Styles, style)
				inPara = false
			}
		}
	}
	return c, nil
}

// wellFormed reads every token of an XML part.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// relTarget finds in the relationships part rels the target of id (or, with
// id "", of the first relationship whose type ends in typ), as a part name.
func relTarget(parts map[string][]byte, rels, id, typ string) (string, error) {
	b, ok := parts[rels]
	if !ok {
		return "", fmt.Errorf("docx: %s is missing", rels)
	}
	var r struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(b, &r); err != nil {
		return "", fmt.Errorf("docx: %s: %w", rels, err)
	}
	base := path.Dir(path.Dir(rels)) // the folder of the part the rels belong to
	for _, x := range r.Rel {
		if (id != "" && x.ID == id) || (id == "" && strings.HasSuffix(x.Type, typ)) {
			if !strings.HasSuffix(x.Type, typ) {
				return "", fmt.Errorf("docx: %s: %s is a %s, not %s", rels, x.ID, x.Type, typ)
			}
			if base == "." {
				return strings.TrimPrefix(x.Target, "/"), nil
			}
			return path.Join(base, x.Target), nil
		}
	}
	return "", fmt.Errorf("docx: %s: no relationship %q of type %s", rels, id, typ)
}
