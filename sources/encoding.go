package sources

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// sniffSize is how much of the input auto detection looks at.
const sniffSize = 64 << 10

// Decoded is text input converted to UTF-8.
type Decoded struct {
	io.Reader
	// Encoding used: utf-8, gb18030 or gbk.
	Encoding string
	// BOM reports a UTF-8 byte order mark, which has been removed.
	BOM bool
}

// Decode converts r from enc (auto, utf-8, gb18030, gbk; "" means auto) to UTF-8.
// auto takes UTF-8 (with or without BOM) if the first 64 KiB are valid UTF-8 and
// GB18030 (a superset of GBK) otherwise. UTF-16 input is refused: Excel's
// "Unicode text" must be saved again as CSV. GB18030 and GBK are decoded a
// line at a time, and a line that does not decode, or that is UTF-8 in a file
// that mixes encodings, ends the input with an *EncodingError (see gbk.go).
// Text read as UTF-8 is not checked here: the table reader checks the cells
// it reads.
func Decode(r io.Reader, enc string) (*Decoded, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	d := &Decoded{Reader: br}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		d.BOM = true
		br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, fmt.Errorf("the file is UTF-16; save it again as CSV (UTF-8 or GBK)")
	}
	switch enc {
	case "", "auto":
		if d.BOM || validPrefix(head) {
			d.Encoding = "utf-8"
		} else {
			d.Encoding = "gb18030"
		}
	case "utf-8", "utf8":
		d.Encoding = "utf-8"
	case "gb18030", "gbk":
		d.Encoding = enc
	default:
		return nil, fmt.Errorf("unknown encoding %q", enc)
	}
	if d.Encoding != "utf-8" {
		d.Reader = newGBKReader(br, d.Encoding)
	}
	return d, nil
}

// validPrefix is utf8.Valid allowing a rune cut at the end of the sample.
func validPrefix(b []byte) bool {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	return utf8.Valid(b)
}
