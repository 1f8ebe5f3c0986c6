package run

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// SaltFile is where a warehouse's salt lives: beside the warehouse file, mode
// 0600, never inside the database. Keeping it out of the file means that the
// warehouse, its published snapshot and anything `grassroots sql` shows carry
// only hashes that nobody can recompute from a member id without the salt.
// Back it up with the warehouse: a new salt makes new hashes.
func SaltFile(warehousePath string) string { return warehousePath + ".salt" }

// Salt returns the warehouse's salt, creating it on first use.
func Salt(warehousePath string) ([]byte, error) {
	p := SaltFile(warehousePath)
	b, err := os.ReadFile(p)
	if err == nil {
		s, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(s) < 16 {
			return nil, fmt.Errorf("pii: salt file %s is damaged; restore it from the warehouse's backup", p)
		}
		return s, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("pii: %w", err)
	}
	s := make([]byte, 32)
	if _, err := rand.Read(s); err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return Salt(warehousePath) // created meanwhile by another run
	}
	if err != nil {
		return nil, fmt.Errorf("pii: create salt: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(s) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("pii: write salt: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("pii: write salt: %w", err)
	}
	return s, nil
}

// hasher hashes ids with the salt: HMAC-SHA-256, first 128 bits in hex.
type hasher struct {
	salt []byte
	m    hash.Hash // reused by hashTo
	sum  []byte
}

func (h hasher) hash(v string) string {
	m := hmac.New(sha256.New, h.salt)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// hashTo appends the hash of v, as hash returns it, to dst.
func (h *hasher) hashTo(dst []byte, v string) []byte {
	if h.m == nil {
		h.m = hmac.New(sha256.New, h.salt)
	}
	h.m.Reset()
	io.WriteString(h.m, v)
	h.sum = h.m.Sum(h.sum[:0])
	return hex.AppendEncode(dst, h.sum[:16])
}

// ResidentID reports whether s is an 18-character resident identity number
// (GB 11643-1999) with a valid check character, a plausible birth date and
// a province-level area code.
func ResidentID(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * weights[i]
	}
	check := "10X98765432"[sum%11]
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if last != check {
		return false
	}
	prov := int(s[0]-'0')*10 + int(s[1]-'0')
	if prov < 11 || prov > 91 {
		return false
	}
	y := atoi(s[6:10])
	m := atoi(s[10:12])
	d := atoi(s[12:14])
	return y >= 1880 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Common Chinese surnames (the hundred most frequent, and the usual compound
// ones). A value of two to four Han characters starting with one of them
// looks like a personal name.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"

var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐"}

// Places and bodies end in these characters; names rarely do.
const placeSuffixes = "镇乡村区县市路街道委会组站所队社厂店部局处院校园苑城湾里弄港桥寺庙山河湖港岛州省"

func isHan(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF }

// PersonalName reports whether s looks like a Chinese personal name.
func PersonalName(s string) bool {
	s = strings.TrimSpace(s)
	// Two to four Han characters are 6 to 12 bytes, the first not ASCII.
	if len(s) < 6 || len(s) > 12 || s[0] < utf8.RuneSelf {
		return false
	}
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 4 {
		return false
	}
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(placeSuffixes, last) {
		return false
	}
	for _, c := range compoundSurnames {
		if strings.HasPrefix(s, c) {
			return n >= 3
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	return n <= 3 && strings.ContainsRune(surnames, first)
}

// detector counts, for one string column, values that look like personal data.
type detector struct {
	col      string
	from     string
	nonNull  int64
	ids      int64
	names    int64
	checkIDs bool
}

func (d *detector) see(v string) {
	d.nonNull++
	if d.checkIDs && len(v) == 18 && ResidentID(v) {
		d.ids++
	}
	if PersonalName(v) {
		d.names++
	}
}

// verdict returns an error when the column looks like resident ID numbers or
// personal names. Values are never quoted in it.
func (d *detector) verdict() error {
	if d.nonNull == 0 {
		return nil
	}
	what := ""
	n := int64(0)
	switch {
	case d.ids > 0 && (d.ids*2 >= d.nonNull || d.ids >= 3 && d.ids*10 >= d.nonNull):
		what, n = "18-digit resident ID numbers (checksum-valid)", d.ids
	case d.names*10 >= d.nonNull*6 && (d.names >= 5 || d.names == d.nonNull):
		what, n = "personal names", d.names
	default:
		return nil
	}
	src := ""
	if d.from != "" && d.from != d.col {
		src = fmt.Sprintf(" (source column %q)", d.from)
	}
	return &PIIError{Column: d.col, Message: fmt.Sprintf("column %q%s looks like %s (%d of %d values): "+
		"hash it (pii.hash) or drop it (pii.drop); nothing was loaded", d.col, src, what, n, d.nonNull)}
}

// PIIError fails a run whose data carries personal names or ID numbers the
// pipeline does not hash or drop.
type PIIError struct {
	Column  string
	Message string
}

func (e *PIIError) Error() string { return "pii: " + e.Message }

// redact masks resident ID numbers anywhere in a raw value kept for quarantine.
func redact(v string) string {
	if len(v) < 18 {
		return v
	}
	b := []byte(v)
	for i := 0; i+18 <= len(b); i++ {
		if ResidentID(string(b[i : i+18])) {
			copy(b[i:i+18], "******************")
			i += 17
		}
	}
	return string(b)
}
