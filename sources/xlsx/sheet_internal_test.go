package xlsx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// writeYearbook writes a workbook of three sheets, 2022年 to 2024年, each a header
// and 1,998 rows naming its year.
func writeYearbook(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "年鉴.xlsx")
	f := excelize.NewFile()
	for i, y := range []string{"2022年", "2023年", "2024年"} {
		if i == 0 {
			f.SetSheetName("Sheet1", y)
		} else if _, err := f.NewSheet(y); err != nil {
			t.Fatal(err)
		}
		f.SetSheetRow(y, "A1", &[]any{"街镇", "常住人口"})
		for r := 2; r < 2000; r++ {
			f.SetSheetRow(y, fmt.Sprintf("A%d", r), &[]any{"莘庄镇" + y, r})
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// What excelize opens for the workbook's metadata holds no rows: every
// sheet is emptied, the sheet list kept (the rows are streamed from the file
// itself).
func TestMetadataEmptiesTheSheets(t *testing.T) {
	data, err := os.ReadFile(writeYearbook(t))
	if err != nil {
		t.Fatal(err)
	}
	slim := metadata(data)
	if len(slim)*2 > len(data) {
		t.Errorf("the sheets are still there: %d bytes of %d", len(slim), len(data))
	}
	x, err := excelize.OpenReader(bytes.NewReader(slim))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, sheet := range []string{"2022年", "2023年", "2024年"} {
		rows, err := x.GetRows(sheet)
		if err != nil || len(rows) != 0 {
			t.Errorf("%s: %d rows (%v), want 0", sheet, len(rows), err)
		}
	}
}

// WriteYearbook is writeYearbook for the package's external tests.
var WriteYearbook = writeYearbook
