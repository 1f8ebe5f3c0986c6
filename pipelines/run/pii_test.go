package run

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkChar computes the GB 11643 check character, so the test can build
// numbers of the right shape at run time: no ID number is stored in the tree.
func checkChar(body string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

func TestResidentID(t *testing.T) {
	// Area 110101, born 1900-01-01 (an impossible register), sequences 000-099.
	valid := 0
	for seq := 0; seq < 100; seq++ {
		body := "11010119000101" + strconv.Itoa(1000 + seq)[1:]
		id := body + string(checkChar(body))
		if !ResidentID(id) {
			t.Fatalf("a checksum-valid number of the right shape is not recognised (sequence %d)", seq)
		}
		wrong := body + string("10X98765432"[(len(body)+seq)%11])
		if wrong != id && ResidentID(wrong) {
			t.Fatalf("a number with a wrong check character is accepted (sequence %d)", seq)
		}
		valid++
	}
	for _, s := range []string{"", "12345", "913101127000799819", "DY10000007", "11010119001301001X"} {
		if ResidentID(s) {
			t.Errorf("%q taken for a resident ID number", s)
		}
	}
	if valid != 100 {
		t.Fatal("not every sequence checked")
	}
}

func TestPersonalName(t *testing.T) {
	// Placeholders in the 王某 form, the usual way to write a withheld name.
	for _, s := range []string{"王某", "李某某", "欧阳某某"} {
		if !PersonalName(s) {
			t.Errorf("%q not taken for a name", s)
		}
	}
	for _, s := range []string{"华漕镇", "七宝镇", "江川路街道", "示例科技有限公司0101号", "虹桥", "单独组建", "M", "男", "本科"} {
		if PersonalName(s) {
			t.Errorf("%q taken for a personal name", s)
		}
	}
}

func TestRedactMasksIDsInRawValues(t *testing.T) {
	body := "11010119000101007"
	id := body + string(checkChar(body))
	got := redact("备注 " + id + " 末尾")
	if got != "备注 110101********"+id[14:]+" 末尾" {
		t.Fatalf("redact = %q", got)
	}
}

func TestOldResidentID(t *testing.T) {
	f := newFakes(10)
	for i := 0; i < 200; i++ {
		if id := f.id15(); !OldResidentID(id) {
			t.Fatalf("%s (area, 19yymmdd, sequence) not recognised", id)
		}
	}
	for _, s := range []string{
		"119901195313320",              // month 13
		"119901190002300",              // 30 February
		"999901195301010",              // no such province
		registration("31011500012345"), // a business registration number (its check digit is right)
		"11990119530101",               // 14 digits
	} {
		if OldResidentID(s) {
			t.Errorf("%s taken for a 15-digit ID number", s)
		}
	}
}

// registration completes body (14 digits) with the check digit of a
// business registration number.
func registration(body string) string {
	for d := '0'; d <= '9'; d++ {
		if registrationNumber(body + string(d)) {
			return body + string(d)
		}
	}
	panic("no check digit for " + body)
}

// findPII on what people write; the expected column is the value with
// every hit masked, as the quarantine shows it.
func TestFindPII(t *testing.T) {
	f := newFakes(11)
	id, old, m := f.id18(), f.id15(), f.mobile()
	mm := m[:3] + "****" + m[7:]
	idm := id[:6] + "********" + id[14:]
	for _, c := range []struct{ in, want, kinds string }{
		{m, mm, "mobile"},
		{"+86 " + m, "+86 " + mm, "mobile"},
		{"+86" + m, "+86" + mm, "mobile"},
		{"0086" + m, "0086" + mm, "mobile"},
		{m[:3] + " " + m[3:7] + " " + m[7:], m[:3] + " **** " + m[7:], "mobile"},
		{m[:3] + "-" + m[3:7] + "-" + m[7:], m[:3] + "-****-" + m[7:], "mobile"},
		{"电话：" + m + "，", "电话：" + mm + "，", "mobile"},
		{"021-64123456", "021-****3456", "landline"},
		{"(0755)12345678", "(0755)****5678", "landline"},
		{"（0755）12345678", "（0755）****5678", "landline"},
		{"010 6512345", "010 ***2345", "landline"},
		{"0571-88812345转8001", "0571-****2345转8001", "landline"},
		{id, idm, "id"},
		{strings.ToLower(id), strings.ToLower(idm), "id"},
		{"身份证" + id + "。", "身份证" + idm + "。", "id"},
		{old, old[:6] + "*****" + old[11:], "oldid"},
		{"身份证号：" + old, "身份证号：" + old[:6] + "*****" + old[11:], "oldid"},
		{"编号" + old, "编号" + old, ""}, // 15 digits in text, no word for an ID number
		{"联系人张伟 身份证" + id, "联系人张* 身份证" + idm, "name id"},
		{"联系人：王芳芳，电话" + m, "联系人：王**，电话" + mm, "name mobile"},
		{"书记欧阳娜娜同志", "书记欧阳**同志", "name"},
		{"负责人为李强", "负责人为李*", "name"},
		{"户主王某某", "户主王**", "name"},
		// Not personal data.
		{"统一社会信用代码91310112MA1FL8XY3K", "", ""},
		{"913101127000799819", "", ""},
		{"组织机构代码13220225-9", "", ""},
		{"区划代码310112102001", "", ""},
		{"经费13812345678.50元", "", ""},
		{"增长0.13812345678", "", ""},
		{"2024-06-30 13:45", "", ""},
		{"400-820-8820", "", ""},
		{"账号6222021001123456789", "", ""},
		{"第1381234567812号", "", ""},
		{"13812345678A", "", ""},
		{"DY10000007", "", ""},
		{"电话021-6412", "", ""},
		{"户主关系：子", "", ""},
		{"书记任期三年", "", ""},
		{"联系人民群众", "", ""},
		{"负责人员到位", "", ""},
		{"组长单位", "", ""},
		{"书记向大家介绍", "", ""},
		{"姓名和身份证号", "", ""},
		{"党委书记高度重视", "", ""},
		{"示例江川路街道第1居委会", "", ""},
	} {
		want := c.want
		if want == "" {
			want = c.in
		}
		if got := redact(c.in); got != want {
			t.Errorf("redact(%q) = %q, want %q", c.in, got, want)
		}
		var kinds []string
		for _, h := range findPII(nil, c.in) {
			kinds = append(kinds, map[piiKind]string{kindID: "id", kindOldID: "oldid", kindMobile: "mobile",
				kindLandline: "landline", kindName: "name"}[h.kind])
		}
		if got := strings.Join(kinds, " "); got != c.kinds {
			t.Errorf("findPII(%q) found %q, want %q", c.in, got, c.kinds)
		}
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张伟": "张*", "王芳芳": "王**", "欧阳娜娜": "欧阳**", "李某": "李*",
		"张伟（已调离）": "张*（已调离）", "七宝镇": "七宝镇", "示例科技有限公司": "示例科技有限公司", "高": "高"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRedact: findPII's hits are in order and inside the value, and a masked
// value keeps its length in characters.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"联系人张伟 身份证110101190001010078", "+86 138 1234 5678", "(0755)12345678",
		"021-64123456", "书记：欧阳娜娜", "13812345678.5", "身份证号：110101500101001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		for _, h := range findPII(nil, s) {
			if h.start < last || h.end <= h.start || h.end > len(s) || h.keep > h.end-h.start {
				t.Fatalf("findPII(%q): hit %+v after %d", s, h, last)
			}
			last = h.end
		}
		if r := redact(s); utf8.ValidString(s) && utf8.RuneCountInString(r) != utf8.RuneCountInString(s) {
			t.Fatalf("redact(%q) = %q: not as long", s, r)
		}
	})
}

func TestSaltCreatedOnceWithMode0600(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	a, err := Salt(wh)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Salt(wh)
	if err != nil || string(a) != string(b) || len(a) != 32 {
		t.Fatalf("salt changed between uses or is short (%d bytes, %v)", len(a), err)
	}
	st, err := os.Stat(SaltFile(wh))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("salt file mode %v, want 0600", st.Mode().Perm())
	}
	if h := (hasher{salt: a}).hash("DY10000007"); len(h) != 32 || h == (hasher{salt: []byte("other")}).hash("DY10000007") {
		t.Fatalf("hash %q does not depend on the salt", h)
	}
	// hashInto, the load's reusable form, gives the same hashes.
	hs := hasher{salt: a}
	for _, id := range []string{"DY10000007", "", "DY10000008", "DY10000007"} {
		var buf [hashLen]byte
		if hs.hashInto(buf[:], id); string(buf[:]) != (hasher{salt: a}).hash(id) {
			t.Fatalf("hashInto(%q) = %s, hash = %s", id, buf, (hasher{salt: a}).hash(id))
		}
	}
}
