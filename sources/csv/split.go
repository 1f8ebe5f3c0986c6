package csv

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unsafe"
)

// Errors of the splitter, worded like encoding/csv's.
var (
	errBareQuote  = errors.New(`bare " in non-quoted field`)
	errQuote      = errors.New(`extraneous or missing " in quoted field`)
	errUnfinished = errors.New(`quoted field not closed before the end of the file`)
)

// splitter reads RFC 4180 records. Lines without quotes — nearly all of a
// machine export — are split in place: the returned cells point into the read
// buffer and stay valid only until the next call (the sources.Rows contract),
// so a record costs no allocation. Quoted fields, embedded line breaks and
// over-long lines take a slower path that copies.
type splitter struct {
	br    *bufio.Reader
	comma byte
	lazy  bool
	line  int64 // lines consumed so far
	cells []string
	buf   []byte // slow path: the record's unquoted bytes
	ends  []int
	// ascii: the last record was split in place and is all ASCII.
	ascii bool
}

func newSplitter(br *bufio.Reader, comma byte, lazy bool) *splitter {
	return &splitter{br: br, comma: comma, lazy: lazy}
}

// readLine returns the next line without its line break.
func (s *splitter) readLine() ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = s.br.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if len(line) == 0 && err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	s.line++
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
		if n > 0 && line[n-1] == '\r' {
			n--
		}
	}
	return line[:n], nil
}

// next returns the cells of the next non-empty record and its first line.
func (s *splitter) next() ([]string, int64, error) {
	var line []byte
	var err error
	for {
		line, err = s.readLine()
		if err != nil {
			return nil, 0, err
		}
		if len(line) > 0 {
			break
		}
	}
	start := s.line
	if s.split(line) {
		return s.cells, start, nil
	}
	s.cells = s.cells[:0]
	if err := s.quoted(line); err != nil {
		return nil, start, err
	}
	str := string(s.buf)
	prev := 0
	for _, e := range s.ends {
		s.cells = append(s.cells, str[prev:e])
		prev = e
	}
	return s.cells, start, nil
}

// SWAR constants: a byte-wise search for the separator and the quote eight
// bytes at a time.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	quote = '"' * ones
)

// split cuts a line without quotes at its separators in one pass (a word of
// eight bytes at a time), leaving the cells pointing into the line. It returns
// false, with s.cells in an unspecified state, as soon as it meets a quote.
func (s *splitter) split(line []byte) bool {
	cells := s.cells[:0]
	sep := s.comma
	seps := uint64(sep) * ones
	from, i, n := 0, 0, len(line)
	var all uint64 // every word or'ed: its high bits tell of non-ASCII bytes
	s.ascii = false
	for ; i+8 <= n; i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		all |= w
		x, q := w^seps, w^quote
		// A high bit for every byte of x or q that is zero, and possibly for
		// a byte just above one (a borrow): each candidate is checked.
		m := ((x-ones)&^x | (q-ones)&^q) & highs
		for ; m != 0; m &= m - 1 {
			j := i + bits.TrailingZeros64(m)>>3
			switch line[j] {
			case sep:
				cells = append(cells, unsafe.String(unsafe.SliceData(line[from:]), j-from))
				from = j + 1
			case '"':
				s.cells = cells
				return false
			}
		}
	}
	for ; i < n; i++ {
		all |= uint64(line[i])
		switch line[i] {
		case sep:
			cells = append(cells, unsafe.String(unsafe.SliceData(line[from:]), i-from))
			from = i + 1
		case '"':
			s.cells = cells
			return false
		}
	}
	s.cells = append(cells, unsafe.String(unsafe.SliceData(line[from:]), n-from))
	s.ascii = all&highs == 0
	return true
}

// quoted parses a record with quotes into s.buf / s.ends, reading further
// lines while a quoted field spans line breaks.
func (s *splitter) quoted(line []byte) error {
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	for {
		// At the start of a field.
		if len(line) > 0 && line[0] == '"' {
			line = line[1:]
			for {
				i := bytes.IndexByte(line, '"')
				if i < 0 {
					// The field goes on past the line break.
					s.buf = append(s.buf, line...)
					s.buf = append(s.buf, '\n')
					next, err := s.readLine()
					if err == io.EOF {
						if s.lazy {
							s.ends = append(s.ends, len(s.buf)-1)
							s.buf = s.buf[:len(s.buf)-1]
							return nil
						}
						return errUnfinished
					}
					if err != nil {
						return err
					}
					line = next
					continue
				}
				s.buf = append(s.buf, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"': // "" is one quote
					s.buf = append(s.buf, '"')
					line = line[1:]
					continue
				case len(line) == 0:
					s.ends = append(s.ends, len(s.buf))
					return nil
				case line[0] == s.comma:
					s.ends = append(s.ends, len(s.buf))
					line = line[1:]
				default:
					if !s.lazy {
						return errQuote
					}
					s.buf = append(s.buf, '"')
					continue
				}
				break
			}
			continue
		}
		i := bytes.IndexByte(line, s.comma)
		field := line
		if i >= 0 {
			field = line[:i]
		}
		if !s.lazy && bytes.IndexByte(field, '"') >= 0 {
			return errBareQuote
		}
		s.buf = append(s.buf, field...)
		s.ends = append(s.ends, len(s.buf))
		if i < 0 {
			return nil
		}
		line = line[i+1:]
	}
}

func (s *splitter) String() string { return fmt.Sprintf("splitter at line %d", s.line) }
