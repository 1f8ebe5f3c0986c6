package sources

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// errBadUTF8 is a cell of a file read as UTF-8 that is not UTF-8. It stops
// the read: the file's encoding is wrong, not the row.
var errBadUTF8 = errors.New("is not valid UTF-8 (read as utf-8; set encoding: gb18030 if the file is GBK)")

// gbkCell is errBadUTF8 for a cell that reads cleanly as GBK: the file is
// GBK, or mixes GBK lines into UTF-8 ones past what detection looked at.
type gbkCell struct{ text string }

func (e gbkCell) Error() string {
	return fmt.Sprintf("is not valid UTF-8 but reads as GBK: %q (if the whole file is GBK, set encoding: gb18030; if only some lines are, save it again in one encoding)", e.text)
}

func (e gbkCell) Is(target error) bool { return target == errBadUTF8 }

// notUTF8 is the error for a cell of text, not valid UTF-8, in a file read
// as UTF-8; the value shows the bad bytes as U+FFFD.
func (r *TableReader) notUTF8(f *field, text string) *ParseError {
	var err error = errBadUTF8
	if s, e := simplifiedchinese.GB18030.NewDecoder().String(text); e == nil && !strings.ContainsRune(s, utf8.RuneError) {
		err = gbkCell{s}
	}
	return &ParseError{Column: f.srcName, Value: strings.ToValidUTF8(text, "\uFFFD"), Err: err}
}

// cellError is the error for a cell that did not parse. When check is set
// (the file is read as UTF-8 and the cell may not be), text that is not
// UTF-8 is reported as such rather than as, say, not a number.
func (r *TableReader) cellError(f *field, text string, err error, check bool) *ParseError {
	if check && !utf8.ValidString(text) {
		return r.notUTF8(f, text)
	}
	return &ParseError{Column: f.srcName, Value: text, Err: err}
}
