package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// What a file that excelize cannot open is, in words that say what to do:
// excelize itself says "zip: not a valid zip file" for all of them.
var (
	errEmpty     = errors.New("the file is empty")
	errEncrypted = errors.New("the workbook is encrypted (password-protected); save it without a password")
	errTruncated = errors.New("the workbook is truncated or damaged (the zip archive is incomplete)")
	errLegacy    = errors.New("the file is an Excel 97–2003 workbook (.xls), which cannot be read; open it in Excel and save it as .xlsx")
	errCSV       = errors.New("the file is not an Excel workbook (it looks like CSV text; set kind: csv)")
	errWebPage   = errors.New("the file is not an Excel workbook (it looks like a web page; open it in Excel and save it as .xlsx)")
)

// oleMagic starts a compound file (OLE2): an Excel 97–2003 workbook, or an
// .xlsx encrypted with a password, which Excel wraps in one.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// identify says what data is, given that it does not open as a workbook;
// nil if it cannot tell.
func identify(data []byte) error {
	switch {
	case len(data) == 0:
		return errEmpty
	case bytes.HasPrefix(data, oleMagic):
		// ECMA-376 encryption keeps the key in a stream of this name;
		// an Excel 97–2003 workbook has a "Workbook" stream instead.
		if oleStream(data, "EncryptionInfo") {
			return errEncrypted
		}
		return errLegacy
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
			return errTruncated
		}
		return nil
	}
	head := data[:min(len(data), 4096)]
	if !text(head) {
		return nil
	}
	lower := bytes.ToLower(bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"))
	if bytes.HasPrefix(lower, []byte("<")) && (bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<table"))) {
		return errWebPage
	}
	if bytes.ContainsAny(head, ",\t") {
		return errCSV
	}
	return nil
}

// oleStream reports whether a compound file has a stream called name. The
// directory's entries are 128 bytes, 128-aligned in the file: the name in
// UTF-16LE with its terminating NUL, its byte length at offset 64 and the
// entry's type (2 for a stream) at 66. A scan of every aligned entry spares
// following the sector chains.
func oleStream(data []byte, name string) bool {
	var want []byte
	for _, r := range name {
		want = append(want, byte(r), byte(r>>8))
	}
	want = append(want, 0, 0)
	for off := 512; off+128 <= len(data); off += 128 {
		e := data[off : off+128]
		if e[66] == 2 && int(binary.LittleEndian.Uint16(e[64:66])) == len(want) && bytes.Equal(e[:len(want)], want) {
			return true
		}
	}
	return false
}

// text reports whether head reads as text: UTF-8 or GB18030 without control
// characters other than tab and line breaks.
func text(head []byte) bool {
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	// Up to the last line break, which never falls inside a character.
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
		head = head[:i+1]
	}
	if utf8.Valid(head) {
		return true
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(head)
	return err == nil && !bytes.Contains(dec, []byte("\uFFFD"))
}
