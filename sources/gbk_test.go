package sources

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// gb2312 lists every character of GB2312 as GBK encodes it: hanzi of level
// 1 (the 3,755 common ones) and level 2, and the symbols Chinese tables use
// (rows 1–3: punctuation, numerals such as ① and Ⅳ, full-width ASCII; not
// kana, Greek, Cyrillic or box drawing).
func gb2312(t *testing.T) (level1, level2, symbols [][]byte) {
	t.Helper()
	dec := simplifiedchinese.GBK.NewDecoder()
	for lead := 0xA1; lead <= 0xF7; lead++ {
		for trail := 0xA1; trail <= 0xFE; trail++ {
			b := []byte{byte(lead), byte(trail)}
			s, err := dec.Bytes(b)
			if err != nil || bytes.ContainsRune(s, '\uFFFD') || lead >= 0xAA && lead <= 0xAF {
				continue
			}
			switch {
			case lead >= 0xB0 && lead <= 0xD7:
				level1 = append(level1, b)
			case lead >= 0xD8:
				level2 = append(level2, b)
			case lead <= 0xA3:
				symbols = append(symbols, b)
			}
		}
	}
	if len(level1) != 3755 || len(level2) != 3008 {
		t.Fatalf("GB2312: %d level-1 and %d level-2 hanzi, want 3755 and 3008", len(level1), len(level2))
	}
	return level1, level2, symbols
}

// tableLines returns n CSV-shaped lines of GBK text: codes, numbers and
// words of one to eight characters, mostly level-1 hanzi as real text is,
// with level-2 hanzi and GB2312 punctuation mixed in.
func tableLines(t *testing.T, n int) [][]byte {
	level1, level2, symbols := gb2312(t)
	rng := rand.New(rand.NewPCG(1, 2))
	lines := make([][]byte, n)
	for i := range lines {
		var b []byte
		for f := range 1 + rng.IntN(6) {
			if f > 0 {
				b = append(b, ',')
			}
			if rng.IntN(3) == 0 {
				b = strconv.AppendInt(b, rng.Int64N(1e9), 10)
				continue
			}
			for range 1 + rng.IntN(8) {
				switch k := rng.IntN(20); {
				case k == 0:
					b = append(b, symbols[rng.IntN(len(symbols))]...)
				case k <= 3:
					b = append(b, level2[rng.IntN(len(level2))]...)
				default:
					b = append(b, level1[rng.IntN(len(level1))]...)
				}
			}
		}
		lines[i] = append(b, '\n')
	}
	return lines
}

// readGBK reads text through Decode as enc.
func readGBK(text []byte, enc string) (string, error) {
	d, err := Decode(bytes.NewReader(text), enc)
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(d)
	return string(out), err
}

// TestGBKIsNotTakenForUTF8: genuine GBK text reads whole, with no line taken
// for UTF-8 — a false alarm would stop a good load. The files are the
// package's GBK fixtures and 200,000 lines of GB2312 characters drawn at
// random, some of which are valid UTF-8 by chance.
func TestGBKIsNotTakenForUTF8(t *testing.T) {
	for _, path := range []string{"testdata/townships_gbk.csv", "csv/testdata/pop_gbk.csv"} {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, enc := range []string{"auto", "gbk"} {
			if _, err := readGBK(text, enc); err != nil {
				t.Errorf("%s as %s: %v", path, enc, err)
			}
		}
	}
	lines := tableLines(t, 200000)
	valid := 0
	for _, l := range lines {
		if bytes.ContainsFunc(l, func(r rune) bool { return r > 0x7F }) && bytes.Equal(bytes.ToValidUTF8(l, nil), l) {
			valid++
		}
	}
	t.Logf("%d of %d lines are valid UTF-8 by chance", valid, len(lines))
	if valid < 100 {
		t.Errorf("only %d lines are valid UTF-8 by chance: the test does not test the rule", valid)
	}
	if _, err := readGBK(bytes.Join(lines, nil), "gb18030"); err != nil {
		t.Errorf("random GB2312 text: %v", err)
	}
}

// TestUTF8LinesInGBK: the same lines in UTF-8, in a file read as GBK, are
// nearly all recognised; the first stops the read at its line.
func TestUTF8LinesInGBK(t *testing.T) {
	lines := tableLines(t, 20000)
	dec := simplifiedchinese.GBK.NewDecoder()
	found, chinese := 0, 0
	for _, l := range lines {
		u, err := dec.Bytes(l)
		if err != nil {
			t.Fatal(err)
		}
		if nonASCII(u) < 0 {
			continue
		}
		chinese++
		gb, err := simplifiedchinese.GB18030.NewDecoder().Bytes(u)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.ContainsRune(gb, '\uFFFD') || looksUTF8(bytes.TrimSpace(u), bytes.TrimSpace(gb)) {
			found++
		}
	}
	if rate := float64(found) / float64(chinese); rate < 0.99 {
		t.Errorf("%d of %d UTF-8 lines recognised (%.2f%%), want 99%% or more", found, chinese, 100*rate)
	}

	text := []byte(strings.Repeat("310112001,\xbd\xad\xb4\xa8\xc2\xb7\xbd\xd6\xb5\xc0,68244\n", 3) + "310112002,古美路街道,91385\n")
	_, err := readGBK(text, "auto")
	var ee *EncodingError
	if !errors.As(err, &ee) || ee.Line != 4 || !ee.UTF8 || ee.Text != "310112002,古美路街道,91385" {
		t.Errorf("err = %#v", err)
	}
}

// FuzzGBKReader: decoding a run of lines at a time reads what decoding the
// whole input does, or stops with an *EncodingError at a line that
// decodes to U+FFFD or is UTF-8, after every line before it.
func FuzzGBKReader(f *testing.F) {
	for _, s := range []string{"地区,人口\n", "a\r\nb", "caf\xe9\n", "\x81\x30\n\x81", "甲乙\n", "\xd6\xd0\n\xce\xc4"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(in)
		d := &Decoded{Reader: newGBKReader(bufio.NewReaderSize(bytes.NewReader(in), 16), "gb18030")}
		got, err := io.ReadAll(d)
		var ee *EncodingError
		switch {
		case err == nil:
			if !bytes.Equal(got, want) {
				t.Fatalf("read %q, want %q", got, want)
			}
		case errors.As(err, &ee):
			if int64(bytes.Count(got, []byte{'\n'})) != ee.Line-1 || !bytes.HasPrefix(want, got) {
				t.Fatalf("read %q before %v; whole %q", got, err, want)
			}
		default:
			t.Fatal(err)
		}
	})
}
