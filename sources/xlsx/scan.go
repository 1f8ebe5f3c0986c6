package xlsx

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// scanner is a pull tokenizer over a part's XML read as a stream: a tag or a
// text at a time, from a buffer refilled from r. It knows only what
// worksheets and shared-string tables use: elements, attributes, character
// and entity references, CDATA; comments, processing instructions and the
// document type are skipped. It does not check that the document is well
// formed. A token's bytes are valid until the next call.
type scanner struct {
	r   io.Reader
	buf []byte
	pos int // next unread byte
	end int // end of the read bytes
	eof bool
	err error
}

// token kinds
const (
	tokEOF = iota
	tokStart
	tokEnd
	tokText
)

// token is what scanner.next returns.
type token struct {
	kind int
	// local is the element's name without its prefix (start and end tags).
	local []byte
	// tag is the start tag from after its '<' to before its '>', attributes
	// included (start tags); raw is the undecoded text (texts), CDATA
	// sections' contents marked by cdata.
	tag, raw    []byte
	selfClosing bool
	cdata       bool
}

// scanBufferSize is the scanner's first buffer size (tests make it small,
// to cut tokens at every place).
var scanBufferSize = 256 << 10

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: make([]byte, scanBufferSize)}
}

// fill reads more bytes, keeping buf[keep:end], which moves to the front;
// it returns how far the kept bytes moved. The buffer doubles when full.
func (s *scanner) fill(keep int) (int, bool) {
	if s.eof {
		return 0, false
	}
	shift := keep
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.end -= keep
		s.pos -= keep
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	n, err := s.r.Read(s.buf[s.end:])
	s.end += n
	if err != nil {
		s.eof = true
		if err != io.EOF {
			s.err = err
		}
	}
	return shift, n > 0 || !s.eof
}

// indexFrom finds c in the buffer at or after i, reading more as needed;
// start is the first byte to keep. It returns the index and the (moved)
// start, or -1 at the end of input.
func (s *scanner) indexFrom(start, i int, c byte) (int, int) {
	for {
		if j := bytes.IndexByte(s.buf[i:s.end], c); j >= 0 {
			return i + j, start
		}
		i = s.end
		shift, ok := s.fill(start)
		if !ok {
			return -1, start - shift
		}
		start -= shift
		i -= shift
	}
}

// next returns the next token.
func (s *scanner) next() token {
	for {
		if s.pos >= s.end {
			if _, ok := s.fill(s.pos); !ok && s.pos >= s.end {
				return token{kind: tokEOF}
			}
			continue
		}
		if s.buf[s.pos] != '<' {
			start := s.pos
			lt, start := s.indexFrom(start, start, '<')
			if lt < 0 {
				lt = s.end
			}
			s.pos = lt
			return token{kind: tokText, raw: s.buf[start:lt]}
		}
		// A tag: find its '>' outside quoted attribute values.
		start := s.pos
		if !s.ensure(start, 2) {
			s.pos = s.end
			return token{kind: tokEOF}
		}
		start = s.pos
		switch s.buf[start+1] {
		case '!':
			if t, ok := s.special(start); ok {
				return t
			}
			continue
		case '?':
			if _, ok := s.skipPast(start, []byte("?>")); !ok {
				return token{kind: tokEOF}
			}
			continue
		}
		i := start + 1
		var quote byte
		for {
			if i >= s.end {
				shift, ok := s.fill(start)
				start -= shift
				i -= shift
				if !ok {
					s.pos = s.end
					return token{kind: tokEOF}
				}
				continue
			}
			c := s.buf[i]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
			i++
		}
		tag := s.buf[start+1 : i]
		s.pos = i + 1
		t := token{kind: tokStart, tag: tag}
		if len(tag) > 0 && tag[0] == '/' {
			t.kind = tokEnd
			tag = tag[1:]
		} else if len(tag) > 0 && tag[len(tag)-1] == '/' {
			t.selfClosing = true
		}
		name := tag
		for k, c := range tag {
			if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' {
				name = tag[:k]
				break
			}
		}
		if c := bytes.IndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		t.local = name
		return t
	}
}

// ensure makes n bytes from start available, moving start to s.pos.
func (s *scanner) ensure(start, n int) bool {
	s.pos = start
	for s.end-s.pos < n {
		if _, ok := s.fill(s.pos); !ok && s.end-s.pos < n {
			return false
		}
	}
	return true
}

// skipPast moves past the next end marker from start; it returns where
// start moved to when the buffer moved.
func (s *scanner) skipPast(start int, end []byte) (int, bool) {
	s.pos = start
	i := start
	for {
		if j := bytes.Index(s.buf[i:s.end], end); j >= 0 {
			s.pos = i + j + len(end)
			return start, true
		}
		i = max(start, s.end-len(end)+1)
		shift, ok := s.fill(start)
		i -= shift
		start -= shift
		if !ok {
			s.pos = s.end
			return start, false
		}
	}
}

var cdataOpen, cdataClose = []byte("<![CDATA["), []byte("]]>")

// special handles a tag starting "<!": a CDATA section is a text; a
// comment or declaration is skipped (false).
func (s *scanner) special(start int) (token, bool) {
	if !s.ensure(start, len(cdataOpen)) {
		s.pos = s.end
		return token{}, false
	}
	start = s.pos
	switch {
	case bytes.HasPrefix(s.buf[start:s.end], cdataOpen):
		start, ok := s.skipPast(start, cdataClose)
		if !ok {
			return token{}, false
		}
		return token{kind: tokText, raw: s.buf[start+len(cdataOpen) : s.pos-len(cdataClose)], cdata: true}, true
	case bytes.HasPrefix(s.buf[start:s.end], []byte("<!--")):
		s.skipPast(start, []byte("-->"))
	default:
		s.skipPast(start, []byte(">"))
	}
	return token{}, false
}

// skipElement skips to the end of the element whose start tag was just read.
func (s *scanner) skipElement() {
	depth := 1
	for depth > 0 {
		t := s.next()
		switch t.kind {
		case tokEOF:
			return
		case tokStart:
			if !t.selfClosing {
				depth++
			}
		case tokEnd:
			depth--
		}
	}
}

// appendText appends raw XML text decoded as encoding/xml decodes it: line
// ends normalised to \n, character and the five named entity references
// replaced (not in CDATA). An unknown reference is kept as written.
func appendText(dst, raw []byte, cdata bool) []byte {
	special := "&\r"
	if cdata {
		special = "\r"
	}
	for len(raw) > 0 {
		i := bytes.IndexAny(raw, special)
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if raw[0] == '\r' {
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 {
			return append(dst, raw...)
		}
		name := raw[1:semi]
		switch string(name) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(name)
			if !ok {
				dst = append(dst, raw[:semi+1]...)
			} else {
				dst = utf8.AppendRune(dst, r)
			}
		}
		raw = raw[semi+1:]
	}
	return dst
}

func charRef(name []byte) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if name[1] == 'x' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

var errMaxRows = errors.New("row number exceeds maximum limit")
