package value

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// monthStart[(y-1900)*12+m-1] is Days(y, m, 1) for 1900–2099: a table lookup
// instead of divisions on the hot path of a 10-million-row load.
var monthStart = func() []int32 {
	t := make([]int32, 200*12)
	for i := range t {
		t[i] = daysCivil(1900+i/12, i%12+1, 1)
	}
	return t
}()

// Days counts days since 1970-01-01 (Arrow's Date32) for a proleptic Gregorian
// date. It does not check the day against the month; use ValidDate for that.
func Days(y, m, d int) int32 {
	if y >= 1900 && y < 2100 && m >= 1 && m <= 12 {
		return monthStart[(y-1900)*12+m-1] + int32(d-1)
	}
	return daysCivil(y, m, d)
}

func daysCivil(y, m, d int) int32 {
	// Howard Hinnant's days_from_civil.
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// Civil is the inverse of Days.
func Civil(days int32) (y, m, d int) {
	z := int(days) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// ValidDate reports whether y-m-d is a real calendar date in years 1000–9999.
func ValidDate(y, m, d int) bool {
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= monthDays(y, m)
}

func monthDays(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// excelEpoch is 1899-12-30, day 0 of Excel's 1900 date system once its fictitious
// 1900-02-29 is accounted for.
var excelEpoch = Days(1899, 12, 30)

// ExcelSerial converts an Excel serial day number (1900 date system) to Date32
// days. Serials 1–59 fall before Excel's fictitious 1900-02-29 (serial 60).
func ExcelSerial(serial float64) (int32, error) {
	if !(serial >= 1 && serial < 2958466) || serial >= 60 && serial < 61 {
		return 0, ErrNotDate
	}
	n := int32(serial)
	if n < 60 {
		n++
	}
	return excelEpoch + n, nil
}

// LooksSerial reports whether s is written as an Excel serial day number, the
// form Date, Month and Timestamp read as one: five digits, with or without a
// fraction of a day (45291, 45291.75). A reader of text that must not take a
// bare number for a date tests it first.
func LooksSerial(s string) bool {
	t := Trim(s)
	for i := 0; i < len(t); i++ {
		if t[i] == 0xEF { // full-width digits, as in civil
			t = Fold(t)
			break
		}
	}
	return len(t) == 5 && digits(t) || len(t) > 6 && t[5] == '.' && digits(t[:5]) && digits(t[6:])
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func d2(s string) int {
	return int(s[0]-'0')*10 + int(s[1]-'0')
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Date parses a calendar date: 2023-12-31, 2023/12/31, 2023.12.31,
// 2023年12月31日, 20231231, with an optional time of day after a space (ignored),
// or a five-digit Excel serial number such as 45291 (with an optional fraction).
// It returns days since 1970-01-01.
func Date(s string) (int32, error) {
	// Fast path: yyyy-mm-dd in ASCII.
	if len(s) == 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] && digits(s[:4]) && digits(s[5:7]) && digits(s[8:]) {
		y, _ := atoi(s[:4])
		m, d := d2(s[5:7]), d2(s[8:])
		if !ValidDate(y, m, d) {
			return 0, fmt.Errorf("%w (no such day)", ErrNotDate)
		}
		return Days(y, m, d), nil
	}
	y, m, d, ok, err := civil(s)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, ErrNotDate
	}
	if d == 0 {
		return 0, fmt.Errorf("%w (no day; declare the column as month)", ErrNotDate)
	}
	return Days(y, m, d), nil
}

// Month parses a year and month (2023年12月, 2023-12, 2023/12, 2023.12, 202312) or
// any form Date accepts, and returns the first day of that month.
func Month(s string) (int32, error) {
	if len(s) >= 7 && s[4] == '-' && digits(s[:4]) && digits(s[5:7]) && (len(s) == 7 || len(s) == 10 && s[7] == '-' && digits(s[8:])) {
		y, _ := atoi(s[:4])
		m := d2(s[5:7])
		d := 1
		if len(s) == 10 {
			d = d2(s[8:])
		}
		if !ValidDate(y, m, d) {
			return 0, ErrNotMonth
		}
		return Days(y, m, 1), nil
	}
	y, m, _, ok, err := civil(s)
	if err != nil || !ok {
		return 0, ErrNotMonth
	}
	return Days(y, m, 1), nil
}

// civil splits a date in any accepted form. d is 0 when the text has no day.
// It scans once and allocates only for full-width text.
func civil(s string) (y, m, d int, ok bool, err error) {
	t := Trim(s)
	for i := 0; i < len(t); i++ {
		if t[i] == 0xEF { // full-width forms start with EF BC / EF BD
			t = Fold(t)
			break
		}
	}
	if t == "" {
		return 0, 0, 0, false, nil
	}
	if digits(t) {
		switch len(t) {
		case 8:
			y, _ = atoi(t[:4])
			m, d = d2(t[4:6]), d2(t[6:])
			return y, m, d, ValidDate(y, m, d), nil
		case 6:
			y, _ = atoi(t[:4])
			m = d2(t[4:])
			return y, m, 0, ValidDate(y, m, 1), nil
		case 5:
			n, _ := atoi(t)
			days, err := ExcelSerial(float64(n))
			if err != nil {
				return 0, 0, 0, false, nil
			}
			y, m, d = Civil(days)
			return y, m, d, true, nil
		}
		return 0, 0, 0, false, nil
	}
	if len(t) > 6 && t[5] == '.' && digits(t[:5]) && digits(t[6:]) {
		// Excel serial with a time fraction: 45291.5
		f, err := strconv.ParseFloat(t, 64)
		if err == nil {
			if days, err := ExcelSerial(f); err == nil {
				y, m, d = Civil(days)
				return y, m, d, true, nil
			}
		}
		return 0, 0, 0, false, nil
	}
	// Up to three numbers: year (4 digits), month, day (1–2 digits), separated
	// by one of - / . used consistently, or by 年 月 (日/号 after the day).
	var num [3]int
	k, i := 0, 0
	var sep byte
	chinese := false
	for k < 3 {
		j := i
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		if j == i || (k == 0 && j-i != 4) || (k > 0 && j-i > 2) {
			return 0, 0, 0, false, nil
		}
		num[k], _ = atoi(t[i:j])
		k++
		i = j
		if i == len(t) {
			break
		}
		c := t[i]
		switch {
		case c == '-' || c == '/' || c == '.':
			if chinese || sep != 0 && c != sep || k == 3 {
				return 0, 0, 0, false, nil
			}
			sep = c
			i++
		case strings.HasPrefix(t[i:], "年") && k == 1 && sep == 0:
			chinese = true
			i += len("年")
		case strings.HasPrefix(t[i:], "月") && k == 2 && chinese:
			i += len("月")
		case (strings.HasPrefix(t[i:], "日") || strings.HasPrefix(t[i:], "号")) && k == 3 && chinese:
			i += len("日")
		case c == ' ' || c == 'T':
			// handled below
		default:
			return 0, 0, 0, false, nil
		}
		for i < len(t) && t[i] == ' ' && chinese {
			i++
		}
		if i == len(t) || t[i] == ' ' || t[i] == 'T' {
			break
		}
	}
	if i < len(t) {
		// A time of day after the date: checked, then ignored.
		rest := t[i:]
		if rest[0] != ' ' && rest[0] != 'T' {
			return 0, 0, 0, false, nil
		}
		if _, _, ok := clock(Trim(rest[1:])); !ok {
			return 0, 0, 0, false, nil
		}
	}
	switch {
	case k == 2:
		if !chinese && t[len(t)-1] < '0' {
			return 0, 0, 0, false, nil
		}
		y, m = num[0], num[1]
		return y, m, 0, ValidDate(y, m, 1), nil
	case k == 3:
		y, m, d = num[0], num[1], num[2]
		return y, m, d, ValidDate(y, m, d), nil
	}
	return 0, 0, 0, false, nil
}

// clock parses H:MM[:SS[.fff]] and returns seconds and nanoseconds of the day.
func clock(s string) (sec int64, nsec int64, ok bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, false
	}
	h, ok1 := atoi(parts[0])
	mi, ok2 := atoi(parts[1])
	if !ok1 || !ok2 || h > 23 || mi > 59 || len(parts[1]) != 2 {
		return 0, 0, false
	}
	sec = int64(h*3600 + mi*60)
	if len(parts) == 3 {
		ss, frac, _ := strings.Cut(parts[2], ".")
		se, ok := atoi(ss)
		if !ok || len(ss) != 2 || se > 59 {
			return 0, 0, false
		}
		sec += int64(se)
		if frac != "" {
			if len(frac) > 9 || !digits(frac) {
				return 0, 0, false
			}
			n, _ := atoi(frac)
			for i := len(frac); i < 9; i++ {
				n *= 10
			}
			nsec = int64(n)
		}
	}
	return sec, nsec, true
}

// Timestamp parses a date and time of day and returns microseconds since
// 1970-01-01 00:00 of the same wall clock (no time zone is applied). Text with a
// UTC offset (RFC 3339) is converted to the wall clock of loc. A date alone means
// midnight; an Excel serial with a fraction carries the time of day.
func Timestamp(s string, loc *time.Location) (int64, error) {
	t := Fold(Trim(s))
	if strings.HasSuffix(t, "Z") || strings.LastIndexAny(t, "+") > 0 || strings.Count(t, "-") == 3 {
		if tm, err := time.Parse(time.RFC3339Nano, t); err == nil {
			if loc != nil {
				tm = tm.In(loc)
			}
			y, mo, d := tm.Date()
			return int64(Days(y, int(mo), d))*86400e6 + int64(tm.Hour()*3600+tm.Minute()*60+tm.Second())*1e6 + int64(tm.Nanosecond()/1000), nil
		}
	}
	if len(t) > 6 && t[5] == '.' && digits(t[:5]) && digits(t[6:]) {
		f, err := strconv.ParseFloat(t, 64)
		if err == nil {
			if days, err := ExcelSerial(f); err == nil {
				frac := f - float64(int64(f))
				return int64(days)*86400e6 + int64(frac*86400e6+0.5), nil
			}
		}
		return 0, ErrNotTime
	}
	datePart, clockPart := t, ""
	if i := strings.IndexAny(t, " T"); i > 0 {
		datePart, clockPart = t[:i], Trim(t[i+1:])
	}
	days, err := Date(datePart)
	if err != nil {
		return 0, ErrNotTime
	}
	us := int64(days) * 86400e6
	if clockPart != "" {
		sec, nsec, ok := clock(clockPart)
		if !ok {
			return 0, ErrNotTime
		}
		us += sec*1e6 + nsec/1000
	}
	return us, nil
}
