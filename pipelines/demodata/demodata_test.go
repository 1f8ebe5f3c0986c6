package demodata

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	files, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 5 {
		t.Fatalf("wrote %d files, want 5", len(files))
	}
	for _, f := range files {
		st, err := os.Stat(filepath.Join(dir, "inputs", f.Name))
		if err != nil || st.Size() == 0 || f.Rows == 0 {
			t.Errorf("%s: %v, %d rows", f.Name, err, f.Rows)
		}
	}

	// Deterministic: a second run writes the same bytes.
	dir2 := t.TempDir()
	if _, err := Write(dir2); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"organisations.csv", "party_members.csv", "party_orgs.json"} {
		a, _ := os.ReadFile(filepath.Join(dir, "inputs", name))
		b, _ := os.ReadFile(filepath.Join(dir2, "inputs", name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestOrganisationsAreGBKWithSomeBadRows(t *testing.T) {
	dir := t.TempDir()
	f, err := writeOrganisations(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, f.Name))
	if bytes.Contains(raw, []byte("统一社会信用代码")) {
		t.Fatal("organisations.csv is UTF-8, want GBK")
	}
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(dec)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "统一社会信用代码" || len(recs)-1 != f.Rows {
		t.Fatalf("header %q, %d rows, want %d", recs[0][0], len(recs)-1, f.Rows)
	}
	if f.Bad == 0 || f.Bad*100 > f.Rows {
		t.Fatalf("%d bad rows of %d: want some, under 1%%", f.Bad, f.Rows)
	}
}

func TestMembersCarryNoPersonalData(t *testing.T) {
	dir := t.TempDir()
	f, err := writeMembers(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, f.Name))
	if !bytes.HasPrefix(raw, []byte("\ufeff")) {
		t.Error("party_members.csv has no byte-order mark")
	}
	idNumber := regexp.MustCompile(`\b\d{17}[\dX]\b`)
	if idNumber.Match(raw) {
		t.Error("party_members.csv holds something shaped like a resident ID number")
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range recs[0] {
		if strings.Contains(h, "姓名") || strings.Contains(h, "身份证") {
			t.Errorf("column %q would carry personal data", h)
		}
	}
	// Rural members are older, as in the studies the demo imitates.
	old, rural := 0, 0
	for _, r := range recs[1:] {
		if r[5] == "农村" {
			rural++
			if r[1] <= "1969-12-31" {
				old++
			}
		}
	}
	if rural == 0 || float64(old)/float64(rural) < 0.4 {
		t.Errorf("%d of %d rural members born 1969 or earlier; want a clearly older rural membership", old, rural)
	}
}

func TestPopulationWorkbookShape(t *testing.T) {
	dir := t.TempDir()
	f, err := writePopulation(dir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(filepath.Join(dir, f.Name))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if n := len(x.GetSheetList()); n != LastYear-FirstYear+1 {
		t.Fatalf("%d sheets, want one per year", n)
	}
	rows, _ := x.GetRows("2020")
	if rows[1][0] != "单位：万人" || rows[2][2] != "常住人口" || rows[3][3] != "城镇" || rows[4][1] != "合计" {
		t.Fatalf("unexpected layout: %q", rows[:5])
	}
	merged, _ := x.GetMergeCells("2020")
	if len(merged) < 6 {
		t.Fatalf("%d merged ranges, want title, unit and header merges", len(merged))
	}
	if last := rows[len(rows)-2][0]; !strings.HasPrefix(last, "注：") {
		t.Fatalf("footnote row reads %q", last)
	}
}
