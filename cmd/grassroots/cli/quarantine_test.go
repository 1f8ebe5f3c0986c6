package cli

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// fakeID is an 18-character resident ID number with a valid check
// character, a made-up area (xx99yy: no such prefecture) and a random birth
// date and sequence: no one's number.
func fakeID(r *rand.Rand) string {
	body := fmt.Sprintf("3199%02d%04d%02d%02d%03d", 1+r.IntN(98), 1930+r.IntN(70), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

func fakeMobile(r *rand.Rand) string {
	return fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
}

func fakeName(r *rand.Rand) string {
	sur, given := []rune("王李张刘陈杨黄赵吴周"), []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚")
	return string(sur[r.IntN(len(sur))]) + string(given[r.IntN(len(given))]) + string(given[r.IntN(len(given))])
}

// Quarantined rows recorded before personal data was masked on the way in
// (or by any other way) are masked on the way out: in the table, CSV, JSON
// and the workbook handed back, no ID number, phone number or name appears
// in clear.
func TestQuarantineExportMasksPersonalData(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 0))
	wh := fixture(t)
	var clear []string
	var values []string
	for i := 0; i < 8; i++ {
		id, phone, contact, head := fakeID(r), fakeMobile(r), fakeName(r), fakeName(r)
		clear = append(clear, id, phone, contact, head)
		raw, _ := json.Marshal(map[string]string{"备注": "联系人" + contact + " 身份证" + id, "电话": phone, "负责人": head,
			"党员编号": "hash:0c499cb7e4a77d64eff1cd9dea0c8610"})
		reasons := fmt.Sprintf(`电话: "%s" does not match the pattern ^0; 负责人: "%s" is not one of 无`, phone, head)
		values = append(values, fmt.Sprintf("(1, 'members.csv', %d, '%s', '%s')", i+2, raw, reasons))
	}
	mustRun(t, "", "sql", "--write", "--warehouse", wh, `INSERT INTO _run (run_id, pipeline, started_at, status)
		VALUES (1, 'members', now(), 'succeeded')`)
	mustRun(t, "", "sql", "--write", "--warehouse", wh,
		"INSERT INTO _quarantine (run_id, file, row_number, raw, reasons) VALUES "+strings.Join(values, ", "))

	check := func(format, out string) {
		t.Helper()
		for _, c := range clear {
			if strings.Contains(out, c) {
				t.Errorf("quarantine --format %s shows %q in clear:\n%s", format, c, out)
			}
		}
		for _, want := range []string{"联系人", "身份证3199", "********", "****", "hash:0c499cb7e4a77d64eff1cd9dea0c8610",
			"does not match the pattern"} {
			if !strings.Contains(out, want) {
				t.Errorf("quarantine --format %s lacks %q:\n%s", format, want, out)
			}
		}
	}
	for _, format := range []string{"table", "csv", "json", "markdown"} {
		check(format, mustRun(t, "", "quarantine", "1", "--warehouse", wh, "--format", format))
	}
	x := filepath.Join(t.TempDir(), "q.xlsx")
	mustRun(t, "", "quarantine", "1", "--warehouse", wh, "--format", "xlsx", "--out", x)
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("隔离行")
	f.Close()
	if err != nil || len(rows) != 9 {
		t.Fatalf("workbook: %d rows (%v)", len(rows), err)
	}
	var cells []string
	for _, row := range rows {
		cells = append(cells, strings.Join(row, "\t"))
	}
	check("xlsx", strings.Join(cells, "\n"))
}
