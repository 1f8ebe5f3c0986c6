package run

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
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
	if got != "备注 ****************** 末尾" {
		t.Fatalf("redact = %q", got)
	}
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
	// hashTo, the load's reusable form, gives the same hashes.
	hs := hasher{salt: a}
	for _, id := range []string{"DY10000007", "", "DY10000008", "DY10000007"} {
		if got, want := string(hs.hashTo(nil, id)), (hasher{salt: a}).hash(id); got != want {
			t.Fatalf("hashTo(%q) = %s, hash = %s", id, got, want)
		}
	}
}
