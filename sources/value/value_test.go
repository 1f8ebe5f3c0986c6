package value

import (
	"errors"
	"testing"
	"time"
)

func TestNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		percent bool
		err     error
	}{
		{"1234", 1234, false, nil},
		{" 1,234,567.5 ", 1234567.5, false, nil},
		{"１２３．５", 123.5, false, nil},
		{"１，２３４", 1234, false, nil},
		{"－12", -12, false, nil},
		{"(1,200)", -1200, false, nil},
		{"12.3%", 12.3, true, nil},
		{"１２.３％", 12.3, true, nil},
		{"1.5e3", 1500, false, nil},
		{"+7", 7, false, nil},
		{"12,3x", 0, false, ErrNotNumber},
		{"12,3", 0, false, ErrNotNumber},
		{"1,2345", 0, false, ErrNotNumber},
		{"", 0, false, ErrNotNumber},
		{"Inf", 0, false, ErrNotNumber},
		{"NaN", 0, false, ErrNotNumber},
		{"0x10", 0, false, ErrNotNumber},
		{"1_000", 0, false, ErrNotNumber},
		{"%", 0, false, ErrNotNumber},
		{"1e", 0, false, ErrNotNumber},
		{"1e400", 0, false, ErrNotNumber},
		{"三", 0, false, ErrNotNumber},
	}
	for _, tt := range tests {
		got, pct, err := Number(tt.in)
		if !errors.Is(err, tt.err) || err == nil && (got != tt.want || pct != tt.percent) {
			t.Errorf("Number(%q) = %v, %v, %v; want %v, %v, %v", tt.in, got, pct, err, tt.want, tt.percent, tt.err)
		}
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"42", 42, nil},
		{"-42", -42, nil},
		{"1,024", 1024, nil},
		{"12.0", 12, nil},
		{"12.5", 0, ErrNotInteger},
		{"5%", 0, ErrPercent},
		{"-", 0, ErrNotNumber},
		{"1e30", 0, ErrNotInteger},
	}
	for _, tt := range tests {
		got, err := Int(tt.in)
		if !errors.Is(err, tt.err) || err == nil && got != tt.want {
			t.Errorf("Int(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestDateAndMonth(t *testing.T) {
	tests := []struct {
		in    string
		date  string // "" = error
		month string // "" = error
	}{
		{"2023-12-31", "2023-12-31", "2023-12-01"},
		{"2023/12/31", "2023-12-31", "2023-12-01"},
		{"2023/1/5", "2023-01-05", "2023-01-01"},
		{"2023.12.31", "2023-12-31", "2023-12-01"},
		{"2023年12月31日", "2023-12-31", "2023-12-01"},
		{"２０２３年１２月", "", "2023-12-01"},
		{"2023年12月", "", "2023-12-01"},
		{"2023-12", "", "2023-12-01"},
		{"202312", "", "2023-12-01"},
		{"20231231", "2023-12-31", "2023-12-01"},
		{"45291", "2023-12-31", "2023-12-01"},
		{"45291.75", "2023-12-31", "2023-12-01"},
		{"2023/12/31 0:00", "2023-12-31", "2023-12-01"},
		{"2023年1月5日", "2023-01-05", "2023-01-01"},
		{"2023年12月31号", "2023-12-31", "2023-12-01"},
		{"2023-1-5", "2023-01-05", "2023-01-01"},
		{"2023-12/31", "", ""},
		{"2023年12-31", "", ""},
		{"2023-12-", "", ""},
		{"2023.12", "", "2023-12-01"},
		{"2023-02-29", "", ""},
		{"2024-02-29", "2024-02-29", "2024-02-01"},
		{"2023-13-01", "", ""},
		{"2023", "", ""},
		{"12/31/2023", "", ""},
		{"abc", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		d, err := Date(tt.in)
		got := ""
		if err == nil {
			got = iso(d)
		} else if !errors.Is(err, ErrNotDate) {
			t.Errorf("Date(%q) error %v does not wrap ErrNotDate", tt.in, err)
		}
		if got != tt.date {
			t.Errorf("Date(%q) = %q, %v; want %q", tt.in, got, err, tt.date)
		}
		m, err := Month(tt.in)
		got = ""
		if err == nil {
			got = iso(m)
		}
		if got != tt.month {
			t.Errorf("Month(%q) = %q, %v; want %q", tt.in, got, err, tt.month)
		}
	}
}

func iso(d int32) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

func TestExcelSerial(t *testing.T) {
	for serial, want := range map[float64]string{1: "1900-01-01", 59: "1900-02-28", 61: "1900-03-01", 45291: "2023-12-31", 25569: "1970-01-01"} {
		d, err := ExcelSerial(serial)
		if err != nil || iso(d) != want {
			t.Errorf("ExcelSerial(%v) = %s, %v; want %s", serial, iso(d), err, want)
		}
	}
	if _, err := ExcelSerial(60); err == nil {
		t.Error("ExcelSerial(60) (the fictitious 1900-02-29) should fail")
	}
}

func TestDaysRoundTrip(t *testing.T) {
	for d := int32(-800000); d < 3000000; d += 997 {
		y, m, dd := Civil(d)
		if Days(y, m, dd) != d {
			t.Fatalf("Days(Civil(%d)) = %d", d, Days(y, m, dd))
		}
		if want := time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02"); y > 0 && y < 10000 && want != time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC).Format("2006-01-02") {
			t.Fatalf("Civil(%d) = %d-%d-%d, want %s", d, y, m, dd, want)
		}
	}
}

func TestTimestamp(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	tests := []struct{ in, want string }{
		{"2023-12-31 08:30:15", "2023-12-31T08:30:15Z"},
		{"2023/12/31 8:30", "2023-12-31T08:30:00Z"},
		{"2023-12-31", "2023-12-31T00:00:00Z"},
		{"2023-12-31T00:30:00Z", "2023-12-31T08:30:00Z"},
		{"45291.5", "2023-12-31T12:00:00Z"},
		{"2023-12-31 25:00", ""},
		{"yesterday", ""},
	}
	for _, tt := range tests {
		us, err := Timestamp(tt.in, sh)
		got := ""
		if err == nil {
			got = time.UnixMicro(us).UTC().Format(time.RFC3339)
		}
		if got != tt.want {
			t.Errorf("Timestamp(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestBoolAndUnits(t *testing.T) {
	for in, want := range map[string]bool{"是": true, "否": false, "√": true, "×": false, "Yes": true, "N": false, "1": true, "０": false} {
		if got, err := Bool(in); err != nil || got != want {
			t.Errorf("Bool(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := Bool("也许"); !errors.Is(err, ErrNotBool) {
		t.Errorf("Bool(也许) error = %v", err)
	}
	for in, want := range map[string]float64{"万人": 1e4, "亿元": 1e8, " 万 元 ": 1e4, "人": 1} {
		if got, ok := UnitScale(in); !ok || got != want {
			t.Errorf("UnitScale(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := UnitScale("斤"); ok {
		t.Error("UnitScale(斤) should be unknown")
	}
}
