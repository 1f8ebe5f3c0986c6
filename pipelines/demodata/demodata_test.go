package demodata

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// written is the default district, written once for the tests that read it.
var written = struct {
	dir   string
	files []File
}{}

func inputs(t *testing.T) (string, []File) {
	t.Helper()
	if written.dir == "" {
		dir, err := os.MkdirTemp("", "demodata")
		if err != nil {
			t.Fatal(err)
		}
		files, err := New(Options{}).Write(dir)
		if err != nil {
			t.Fatal(err)
		}
		written.dir, written.files = dir, files
	}
	return filepath.Join(written.dir, "inputs"), written.files
}

func TestMain(m *testing.M) {
	code := m.Run()
	if written.dir != "" {
		os.RemoveAll(written.dir)
	}
	os.Exit(code)
}

// The same seed writes the same bytes; another seed writes another district.
func TestDeterministic(t *testing.T) {
	dir, files := inputs(t)
	if len(files) != 6 {
		t.Fatalf("wrote %d files, want 6", len(files))
	}
	again := t.TempDir()
	if _, err := New(Options{Seed: DefaultSeed}).Write(again); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		a, _ := os.ReadFile(filepath.Join(dir, f.Name))
		b, _ := os.ReadFile(filepath.Join(again, "inputs", f.Name))
		if len(a) == 0 || f.Rows == 0 {
			t.Errorf("%s: %d bytes, %d rows", f.Name, len(a), f.Rows)
		}
		if f.Name == "organisations.xlsx" {
			// A workbook's zip entries carry times; compare their contents.
			a, b = zipContents(t, a), zipContents(t, b)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same seed", f.Name)
		}
	}

	var one, other bytes.Buffer
	if _, err := New(Options{Seed: 1}).WriteMembersCSV(&one, 2024, false); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Seed: 2}).WriteMembersCSV(&other, 2024, false); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(one.Bytes(), other.Bytes()) {
		t.Error("seeds 1 and 2 wrote the same member register")
	}
}

func zipContents(t *testing.T, data []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	// excelize writes the parts in map order: compare them by name.
	files := slices.SortedFunc(slices.Values(zr.File), func(x, y *zip.File) int { return strings.Compare(x.Name, y.Name) })
	var b bytes.Buffer
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(f.Name + "\n")
		if _, err := io.Copy(&b, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	return b.Bytes()
}

// Scale multiplies members and organisations, not the district's geography.
func TestScale(t *testing.T) {
	count := func(g *Generator) (members, orgs int) {
		g.Members(2024, func(*Member) bool { members++; return true })
		g.Organisations(2024, func(*Organisation) bool { orgs++; return true })
		return
	}
	m1, o1 := count(New(Options{}))
	m3, o3 := count(New(Options{Scale: 3}))
	if m1 < 20_000 || m1 > 30_000 || o1 < 4_000 || o1 > 6_000 {
		t.Errorf("scale 1: %d members, %d organisations; want about 25,000 and 5,000", m1, o1)
	}
	if r := float64(m3) / float64(m1); r < 2.9 || r > 3.1 {
		t.Errorf("scale 3: %d members, %.2f times scale 1's", m3, r)
	}
	if r := float64(o3) / float64(o1); r < 2.9 || r > 3.1 {
		t.Errorf("scale 3: %d organisations, %.2f times scale 1's", o3, r)
	}
	if a, b := len(New(Options{}).reg.communities), len(New(Options{Scale: 3}).reg.communities); a != b {
		t.Errorf("scale 3 has %d communities, scale 1 %d", b, a)
	}
}

// The population file is what a statistics system exports on a Chinese PC:
// GBK, a title line, the header, one row per township and year, a footnote,
// and exactly one row with more urban than resident population.
func TestPopulationCSV(t *testing.T) {
	dir, _ := inputs(t)
	raw, _ := os.ReadFile(filepath.Join(dir, "population_townships.csv"))
	if bytes.Contains(raw, []byte("统计年度")) {
		t.Fatal("population_townships.csv is UTF-8, want GBK")
	}
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(dec))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(recs[0][0], "示例数据") || recs[1][0] != "统计年度" || !strings.HasPrefix(recs[len(recs)-1][0], "注：") {
		t.Fatalf("layout: title %q, header %q, last %q", recs[0][0], recs[1][0], recs[len(recs)-1][0])
	}
	data := recs[2 : len(recs)-1]
	if want := (LastYear - FirstYear + 1) * len(Townships); len(data) != want {
		t.Fatalf("%d data rows, want %d", len(data), want)
	}
	var bad []string
	for _, row := range data {
		if len(row[4]) > len(row[3]) || (len(row[4]) == len(row[3]) && row[4] > row[3]) {
			bad = append(bad, row[0]+" "+row[2])
		}
	}
	if len(bad) != 1 || bad[0] != "2009 马桥镇" {
		t.Errorf("rows with urban > resident: %q, want [2009 马桥镇]", bad)
	}
}

func TestMembersCarryNoPersonalData(t *testing.T) {
	dir, _ := inputs(t)
	for _, name := range []string{"party_members.csv", "party_members_archive.parquet", "party_orgs.json"} {
		raw, _ := os.ReadFile(filepath.Join(dir, name))
		if regexp.MustCompile(`\d{17}[\dX]`).Match(raw) {
			t.Errorf("%s holds something shaped like a resident ID number", name)
		}
		if bytes.Contains(raw, []byte("姓名")) || bytes.Contains(raw, []byte("身份证")) {
			t.Errorf("%s has a name or ID-number column", name)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "party_members.csv"))
	if !bytes.HasPrefix(raw, []byte("\ufeff")) {
		t.Error("party_members.csv has no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var malformed []string
	for _, r := range recs[1:] {
		if !regexp.MustCompile(`^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])$`).MatchString(r[1]) {
			malformed = append(malformed, r[1])
		}
	}
	if strings.Join(malformed, " ") != "1963-02-30 1975-13-02" {
		t.Errorf("malformed birth dates %q, want the two written on purpose", malformed)
	}
}

// The organisation workbook has a sheet per year-end with a yearbook-style
// header: title, reporting line, two header rows under merged cells.
func TestOrganisationWorkbook(t *testing.T) {
	dir, _ := inputs(t)
	x, err := excelize.OpenFile(filepath.Join(dir, "organisations.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) != LastYear-OrgFirstYear+1 || sheets[0] != "2004年" || sheets[len(sheets)-1] != "2024年" {
		t.Fatalf("sheets %q", sheets)
	}
	rows, _ := x.GetRows("2015年")
	if !strings.Contains(rows[0][0], "示例数据") || rows[2][6] != "党建情况" || rows[3][7] != "党组织组建方式" {
		t.Fatalf("header rows: %q", rows[:4])
	}
	merged, _ := x.GetMergeCells("2015年")
	if len(merged) != 9 {
		t.Errorf("%d merged ranges, want 9 (title, reporting line, six headers down, 党建情况 across)", len(merged))
	}
	unknown := 0
	for _, r := range rows[4:] {
		if len(r) > 2 && r[2] == DistrictCode+orgBadCode {
			unknown++
		}
	}
	if unknown != 1 {
		t.Errorf("2015年 has %d rows with township %s, want 1", unknown, DistrictCode+orgBadCode)
	}
}

// The community register is one API page with the records under
// data.records; communities have 3 to 6 staff.
func TestCommunityPage(t *testing.T) {
	dir, _ := inputs(t)
	raw, _ := os.ReadFile(filepath.Join(dir, "communities.json"))
	var page struct {
		Data struct {
			Total   int               `json:"total"`
			Records []communityRecord `json:"records"`
		} `json:"data"`
		Note string `json:"note"`
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	if page.Note != Notice || page.Data.Total != len(page.Data.Records) || page.Data.Total == 0 {
		t.Fatalf("note %q, total %d, %d records", page.Note, page.Data.Total, len(page.Data.Records))
	}
	for _, c := range page.Data.Records {
		if c.Staffing.Staff < 3 || c.Staffing.Staff > 6 || c.Staffing.FulltimeSocialWorkers > c.Staffing.Staff {
			t.Fatalf("%s %s: staff %d, social workers %d", c.SnapshotDate, c.Name, c.Staffing.Staff, c.Staffing.FulltimeSocialWorkers)
		}
	}
}

// The register's own check holds at any scale: no organisation has more
// formal members than employees (scale 20: about 100,000 organisations).
func TestNoMoreMembersThanEmployees(t *testing.T) {
	n, bad := 0, 0
	New(Options{Scale: 20}).Organisations(LastYear, func(o *Organisation) bool {
		n++
		if o.Members > o.Employees {
			bad++
		}
		return true
	})
	if n < 90_000 || bad > 0 {
		t.Errorf("%d of %d organisations have more formal members than employees", bad, n)
	}
}
