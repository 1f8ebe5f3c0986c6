package sources

import (
	"fmt"
	"strconv"
	"strings"

	"grassroots/sources/value"
)

// Excel serial day numbers (45291 for 2023-12-31) are dates only where the
// cell says it holds a number: a workbook's stored value, which the xlsx
// reader passes as raw. In text — CSV, JSON — a bare five-digit number in a
// date, month or timestamp column is refused, not read as a day of 2173.
const serialNote = "(a bare number: Excel serial day numbers are dates only in workbooks)"

var (
	errSerialDate  = fmt.Errorf("%w %s", value.ErrNotDate, serialNote)
	errSerialMonth = fmt.Errorf("%w %s", value.ErrNotMonth, serialNote)
	errSerialTime  = fmt.Errorf("%w %s", value.ErrNotTime, serialNote)
)

// day parses a date or month column's cell into days since 1970-01-01 (the
// first of the month for a month column).
func (f *field) day(text, raw string) (int32, error) {
	if serial, ok := storedNumber(raw); ok {
		d, err := value.ExcelSerial(serial)
		if err != nil {
			return 0, err
		}
		if f.typ == Month {
			y, m, _ := value.Civil(d)
			d = value.Days(y, m, 1)
		}
		return d, nil
	}
	// A dash rules out a serial number (digits, perhaps a fraction) without
	// the closer look: most dates as text are 2023-12-31.
	serial := strings.IndexByte(text, '-') < 0 && value.LooksSerial(text)
	if f.typ == Month {
		if serial {
			return 0, errSerialMonth
		}
		return value.Month(text)
	}
	if serial {
		return 0, errSerialDate
	}
	return value.Date(text)
}

// timestamp parses a timestamp column's cell into microseconds of the wall
// clock since 1970-01-01 00:00.
func (f *field) timestamp(text, raw string) (int64, error) {
	if serial, ok := storedNumber(raw); ok {
		if t, err := value.Timestamp(strconv.FormatFloat(serial, 'f', -1, 64), f.loc); err == nil {
			return t, nil
		}
	}
	if value.LooksSerial(text) {
		return 0, errSerialTime
	}
	return value.Timestamp(text, f.loc)
}
