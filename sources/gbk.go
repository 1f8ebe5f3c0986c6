package sources

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// A file read as GB18030 or GBK is decoded line by line (a line break is
// never part of a multi-byte character in either), and a line that does not
// belong stops the read with an *EncodingError naming it:
//
//   - a line that does not decode (a byte sequence GB18030 or GBK does not
//     have), which would otherwise load with U+FFFD in place of its text;
//   - a line that is UTF-8, in a file that mixes encodings, which would load
//     as mojibake: 甲乙 as 鐢蹭箼.
//
// GBK bytes are sometimes valid UTF-8 by chance, so a valid UTF-8 line is
// taken for UTF-8 only when, read as UTF-8, it has a Chinese character, all
// its non-ASCII characters are of the kinds Chinese tables use (CJK
// ideographs and punctuation, full-width forms, general punctuation, a few
// symbols), and its characters are more common read as UTF-8 than read as
// GBK. Commonness counts 2 for each of the 3,755 level-1 hanzi of GB2312, 1
// for any other GB2312 character, 0 for anything else, averaged over the
// non-ASCII characters. Mojibake is rare characters (鐢, 箼); real text is
// mostly level-1 ones. Measured on 2 million CSV-shaped lines each of
// classical Chinese prose (simplified and traditional) and of uniformly
// random GB2312 characters, encoded as GBK: no line was taken for UTF-8;
// the same lines in UTF-8 were recognised 99.8–99.9% of the time (the rest,
// lines of rare characters only, load as they did before).

// EncodingError is a line of text input that is not in the encoding the
// file is read as. UTF8 says it is UTF-8 in a file read as GB18030 or GBK:
// the file mixes encodings.
type EncodingError struct {
	Line int64
	// Encoding is what the file is read as: gb18030 or gbk.
	Encoding string
	// Text is the line as UTF-8 if it is UTF-8, else decoded with U+FFFD
	// for the bytes that do not decode.
	Text string
	UTF8 bool
}

func (e *EncodingError) Error() string {
	if e.UTF8 {
		return fmt.Sprintf("line %d: the file mixes encodings: this line is UTF-8 but the file reads as %s: %q; save the whole file in one encoding", e.Line, encodingName(e.Encoding), e.Text)
	}
	return fmt.Sprintf("line %d is not %s text: %q; the file is damaged or in another encoding", e.Line, encodingName(e.Encoding), e.Text)
}

func encodingName(enc string) string {
	if enc == "gbk" {
		return "GBK"
	}
	return "GB18030 (GBK)"
}

// gbkReader decodes GB18030 or GBK from br, a run of whole lines at a time,
// checking each line with a non-ASCII byte as described above.
type gbkReader struct {
	br   *bufio.Reader
	dec  *encoding.Decoder
	enc  string
	line int64  // lines decoded so far
	raw  []byte // the lines being decoded
	buf  []byte // raw, decoded
	out  []byte // what is left of buf to read
	err  error
}

func newGBKReader(br *bufio.Reader, enc string) *gbkReader {
	g := &gbkReader{br: br, enc: enc}
	if enc == "gbk" {
		g.dec = simplifiedchinese.GBK.NewDecoder()
	} else {
		g.dec = simplifiedchinese.GB18030.NewDecoder()
	}
	return g
}

func (g *gbkReader) Read(p []byte) (int, error) {
	for len(g.out) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		g.next()
	}
	n := copy(p, g.out)
	g.out = g.out[n:]
	return n, nil
}

// next decodes the next run of whole lines — what br holds up to its last
// line break, at least one line — into g.out, or sets g.err.
func (g *gbkReader) next() {
	line, err := g.br.ReadSlice('\n')
	g.raw = append(g.raw[:0], line...)
	for err == bufio.ErrBufferFull {
		line, err = g.br.ReadSlice('\n')
		g.raw = append(g.raw, line...)
	}
	if err == nil {
		more, _ := g.br.Peek(g.br.Buffered())
		if k := bytes.LastIndexByte(more, '\n'); k >= 0 {
			g.raw = append(g.raw, more[:k+1]...)
			g.br.Discard(k + 1)
		}
	}
	if err != nil {
		g.err = err // once the lines read are read
		if len(g.raw) == 0 {
			return
		}
	}
	if g.buf, err = decode(g.dec, g.buf[:0], g.raw); err != nil {
		g.err = err
		return
	}
	if off, e := g.check(); e != nil {
		// The lines before the one that does not belong are read first.
		g.raw, g.buf, g.err = g.raw[:off], g.buf[:g.decodedAt(off)], e
	}
	g.line += int64(bytes.Count(g.raw, []byte{'\n'}))
	g.out = g.buf
}

// check looks at the lines of g.raw, side by side with their decodings in
// g.buf (a line break decodes to itself and ends any character before it),
// and returns the offset in g.raw of the first line that does not belong,
// and why.
func (g *gbkReader) check() (int, error) {
	// Most runs of lines have no bad byte: their lines need looking at only
	// where they are valid UTF-8.
	bad := bytes.Contains(g.buf, replacement) && !bytes.Contains(g.raw, gb18030Replacement)
	raw, dec := g.raw, g.buf
	for n := g.line + 1; len(raw) > 0; n++ {
		line, asGBK := cutLine(raw), cutLine(dec)
		raw, dec = raw[len(line):], dec[len(asGBK):]
		i := nonASCII(line)
		if i < 0 {
			continue
		}
		text := trimEOL(line)
		isUTF8 := utf8.Valid(line[i:])
		switch {
		case bad && bytes.Contains(asGBK, replacement) && !bytes.Contains(line, gb18030Replacement):
			e := &EncodingError{Line: n, Encoding: g.enc, Text: string(trimEOL(asGBK)), UTF8: isUTF8}
			if isUTF8 {
				e.Text = string(text)
			}
			return len(g.raw) - len(raw) - len(line), e
		case isUTF8 && looksUTF8(text, trimEOL(asGBK)):
			return len(g.raw) - len(raw) - len(line), &EncodingError{Line: n, Encoding: g.enc, Text: string(text), UTF8: true}
		}
	}
	return 0, nil
}

// decodedAt is the offset in g.buf of the line that starts at off in g.raw.
func (g *gbkReader) decodedAt(off int) int {
	k := bytes.Count(g.raw[:off], []byte{'\n'})
	at := 0
	for ; k > 0; k-- {
		at += bytes.IndexByte(g.buf[at:], '\n') + 1
	}
	return at
}

// cutLine returns b up to and including its first line break.
func cutLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// nonASCII returns the index of the first byte of b that is not ASCII, or -1.
func nonASCII(b []byte) int {
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// A bad byte sequence decodes to U+FFFD (replacement); so does U+FFFD
// itself in GB18030 (gb18030Replacement), which is not a bad byte.
var (
	replacement        = []byte("\uFFFD")
	gb18030Replacement = []byte{0x84, 0x31, 0xA4, 0x37}
)

// decode appends src decoded by dec to dst.
func decode(dec *encoding.Decoder, dst, src []byte) ([]byte, error) {
	dec.Reset()
	for {
		n, m, err := dec.Transform(dst[len(dst):cap(dst)], src, true)
		dst, src = dst[:len(dst)+n], src[m:]
		if err != transform.ErrShortDst {
			return dst, err
		}
		dst = append(dst, make([]byte, max(len(src)*2, 64))...)[:len(dst)]
	}
}

// looksUTF8 reports whether line, which decoded as GBK or GB18030 to
// asGBK, is UTF-8 after all (see the rule above).
func looksUTF8(line, asGBK []byte) bool {
	if !utf8.Valid(line) {
		return false
	}
	hanzi := false
	for _, r := range string(line) {
		if r < utf8.RuneSelf {
			continue
		}
		if !tableRune(r) {
			return false
		}
		hanzi = hanzi || r >= 0x3400 && r <= 0x9FFF
	}
	if !hanzi {
		return false
	}
	enc := simplifiedchinese.GBK.NewEncoder()
	su, nu := commonness(enc, line)
	sg, ng := commonness(enc, asGBK)
	return nu > 0 && (ng == 0 || su*ng > sg*nu)
}

// tableRune reports whether r is of a kind Chinese tables use.
func tableRune(r rune) bool {
	switch {
	case r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs
	case r >= 0x3000 && r <= 0x303F: // CJK punctuation: 、。《》
	case r >= 0xFF00 && r <= 0xFFEF: // full-width forms: （），％１
	case r >= 0x2000 && r <= 0x206F: // general punctuation: — … “”
	case r >= 0x2100 && r <= 0x22FF: // ℃, Ⅳ, arrows, ≤ ≥
	case r >= 0x2460 && r <= 0x24FF, r >= 0x25A0 && r <= 0x25FF: // ①, ■△○
	case r == 0xB0, r == 0xB1, r == 0xB7, r == 0xD7, r == 0xF7: // ° ± · × ÷
	default:
		return false
	}
	return true
}

// commonness sums the commonness of the non-ASCII characters of s (2 for a
// GB2312 level-1 hanzi, 1 for another GB2312 character, 0 otherwise) and
// counts them.
func commonness(enc *encoding.Encoder, s []byte) (sum, n int) {
	var gb [4]byte
	for _, r := range string(s) {
		if r < utf8.RuneSelf {
			continue
		}
		n++
		var u [utf8.UTFMax]byte
		enc.Reset()
		k, _, err := enc.Transform(gb[:], u[:utf8.EncodeRune(u[:], r)], true)
		if err != nil || k != 2 || gb[1] < 0xA1 || gb[1] > 0xFE {
			continue
		}
		switch lead := gb[0]; {
		case lead >= 0xB0 && lead <= 0xD7:
			sum += 2
		case lead >= 0xA1 && lead <= 0xA9, lead >= 0xD8 && lead <= 0xF7:
			sum++
		}
	}
	return sum, n
}

var _ io.Reader = (*gbkReader)(nil)
