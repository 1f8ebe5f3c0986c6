package csv

import "io"

// Lines end in LF or CR LF; a file saved as Excel for Mac's "CSV
// (Macintosh)" ends them in a carriage return alone, which would read as one
// long line. Such a file is recognised by its first line break outside
// quotes (a CR not followed by LF) and read through crReader, which turns
// every line ending into LF — in quoted cells too, as CR LF in a quoted cell
// of an ordinary file reads as LF. Elsewhere a lone CR is text.

// sniffLen is how much of the input the line-ending check looks at.
const sniffLen = 64 << 10

// crLines reports whether head, the start of the input (all of it if atEOF),
// breaks its first line with a carriage return alone.
func crLines(head []byte, atEOF bool) bool {
	quoted := false
	for i, c := range head {
		switch c {
		case '"':
			quoted = !quoted // "" inside quotes toggles twice
		case '\n':
			if !quoted {
				return false
			}
		case '\r':
			if quoted {
				continue
			}
			if i+1 < len(head) {
				return head[i+1] != '\n'
			}
			return atEOF
		}
	}
	return false
}

// crReader reads r with every line ending — CR LF, CR or LF — as LF.
type crReader struct {
	r  io.Reader
	cr bool // the last byte read was a CR
}

func (c *crReader) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		out := 0
		for _, b := range p[:n] {
			if b == '\n' && c.cr {
				c.cr = false // the LF of a CR LF, already written
				continue
			}
			c.cr = b == '\r'
			if c.cr {
				b = '\n'
			}
			p[out] = b
			out++
		}
		if out > 0 || err != nil || n == 0 {
			return out, err
		}
	}
}

var _ io.Reader = (*crReader)(nil)
