package xlsx_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"grassroots/sources"
)

// workbook returns the bytes of a small valid workbook, saved with opts
// (a password, say).
func workbook(t *testing.T, opts ...excelize.Options) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"地区", "常住人口"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"黄浦区", 66.2}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf, opts...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// utf16 is s in UTF-16LE, as compound-file directory entries name streams.
func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// legacyXLS turns an encrypted workbook (a compound file holding the streams
// EncryptionInfo and EncryptedPackage) into one shaped like an Excel 97–2003
// workbook: the EncryptionInfo stream renamed Workbook.
func legacyXLS(t *testing.T, encrypted []byte) []byte {
	t.Helper()
	b := bytes.Clone(encrypted)
	i := bytes.Index(b, utf16("EncryptionInfo"))
	if i < 0 || i%128 != 0 {
		t.Fatalf("no EncryptionInfo directory entry (at %d)", i)
	}
	name := append(utf16("Workbook"), 0, 0)
	clear(b[i : i+64])
	copy(b[i:], name)
	b[i+64], b[i+65] = byte(len(name)), 0
	return b
}

// TestNotAWorkbook: a file that excelize cannot open is named for what it
// is, with what to do about it, instead of "zip: not a valid zip file".
func TestNotAWorkbook(t *testing.T) {
	good := workbook(t)
	encrypted := workbook(t, excelize.Options{Password: "示例口令"})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"加密.xlsx", encrypted, "the workbook is encrypted (password-protected); save it without a password"},
		{"截断.xlsx", good[:len(good)*2/3], "the workbook is truncated or damaged (the zip archive is incomplete)"},
		{"人口.xlsx", []byte("地区,常住人口\n黄浦区,66.2\n"), "the file is not an Excel workbook (it looks like CSV text; set kind: csv)"},
		{"人口2.xlsx", []byte{0xb5, 0xd8, 0xc7, 0xf8, '\t', 0xc8, 0xcb, 0xbf, 0xda, '\r', '\n'}, "the file is not an Excel workbook (it looks like CSV text; set kind: csv)"},
		{"旧版.xls", legacyXLS(t, encrypted), "the file is an Excel 97–2003 workbook (.xls), which cannot be read; open it in Excel and save it as .xlsx"},
		{"网页.xls", []byte("<html><body><table><tr><td>地区</td></tr></table></body></html>"), "the file is not an Excel workbook (it looks like a web page; open it in Excel and save it as .xlsx)"},
		{"空.xlsx", nil, "the file is empty"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), tt.name)
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := sources.New("xlsx", config(t, "path: "+path+"\ncolumns: [{from: 1, name: a}]\n"))
		if err != nil {
			t.Fatal(err)
		}
		rdr, err := src.Open(context.Background())
		if err == nil {
			rdr.Release()
			t.Errorf("%s: Open succeeded", tt.name)
			continue
		}
		want := "xlsx: " + path + ": " + tt.want
		if err.Error() != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, strings.ReplaceAll(err.Error(), path, tt.name), strings.ReplaceAll(want, path, tt.name))
		}
	}
}
