package run

import (
	"strings"
	"time"
	"unicode/utf8"
)

// This file recognises personal data in one value: resident ID numbers, phone
// numbers and Chinese personal names, whole or inside free text, and masks
// them. pii.go decides what a column's findings mean for the run.

// piiKind is a kind of personal data.
type piiKind uint8

const (
	kindID       piiKind = iota // 18-character resident ID number
	kindOldID                   // 15-digit, first-generation ID number
	kindMobile                  // mobile phone number
	kindLandline                // fixed-line phone number with its area code
	kindName                    // personal name
	numKinds
)

var kindNames = [numKinds]string{"resident ID numbers", "15-digit resident ID numbers", "mobile phone numbers",
	"fixed-line phone numbers", "personal names"}

func (k piiKind) String() string { return kindNames[k] }

// piiHit is personal data found at s[start:end].
type piiHit struct {
	kind       piiKind
	start, end int
	// keep is how many bytes at start a mask leaves readable (an area code,
	// a surname); tail how many at the end.
	keep, tail int
}

// ResidentID reports whether s is an 18-character resident identity number
// (GB 11643-1999): a province-level area code in use, a real birth date from
// 1890 to today, and a valid check character.
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
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if last != "10X98765432"[sum%11] {
		return false
	}
	return province(s) && birthDate(atoi(s[6:10]), s[10:14])
}

// OldResidentID reports whether s is a 15-digit first-generation resident
// identity number (issued until 2004): an area code in use and a real birth
// date 19yymmdd. It has no check digit; to tell it from a business
// registration number of the same length (GS15419: area code, sequence, ISO
// 7064 check digit), a number whose check digit is right for one is not
// taken for an ID number, which misses one old ID number in ten.
func OldResidentID(s string) bool {
	if len(s) != 15 {
		return false
	}
	for i := 0; i < 15; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return province(s) && birthDate(1900+atoi(s[6:8]), s[8:12]) && !registrationNumber(s)
}

// registrationNumber reports whether the 15 digits of s carry a valid ISO
// 7064 MOD 11,10 check digit, as business registration numbers do.
func registrationNumber(s string) bool {
	p := 10
	for i := 0; i < 14; i++ {
		p = (p + int(s[i]-'0')) % 10
		if p == 0 {
			p = 10
		}
		p = p * 2 % 11
	}
	return (p+int(s[14]-'0'))%10 == 1
}

// province reports whether s begins with a province-level area code (GB/T
// 2260, with 71 Taiwan, 81 Hong Kong, 82 Macao and 83 for residence permits).
func province(s string) bool {
	switch atoi(s[:2]) {
	case 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
		50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83:
		return true
	}
	return false
}

// birthDate reports whether y and md (mmdd) are a date from 1890 to today.
func birthDate(y int, md string) bool {
	m, d := atoi(md[:2]), atoi(md[2:])
	if y < 1890 || m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d && !t.After(time.Now())
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }

// digitsAt is the length of the run of digits at s[i:].
func digitsAt(s string, i int) int {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j - i
}

// numberEnd reports whether a number may end before s[j]: not inside a longer
// code or a decimal.
func numberEnd(s string, j int) bool {
	return j >= len(s) || !isAlnum(s[j]) && !(s[j] == '.' && j+1 < len(s) && isDigit(s[j+1]))
}

// numberStart reports whether a number may start at s[i].
func numberStart(s string, i int) bool {
	return i == 0 || !isAlnum(s[i-1]) && !(s[i-1] == '.' && i > 1 && isDigit(s[i-2]))
}

// mobile reports whether the 11 digits of s are a mobile number, 1[3-9]….
func mobile(s string) bool { return s[0] == '1' && s[1] >= '3' }

// numberLen reports whether a run of n digits may begin an ID or phone
// number.
func numberLen(n int) bool {
	switch n {
	case 3, 4, 11, 13, 15, 17, 18:
		return true
	}
	return false
}

// numberHit recognises the number whose digits start at s[i] (a number may
// start there) and run for n digits.
func numberHit(s string, i, n int) (piiHit, bool) {
	j := i + n
	switch {
	case n == 17 && j < len(s) && s[j]|0x20 == 'x' && numberEnd(s, j+1) && ResidentID(s[i:j+1]):
		return piiHit{kind: kindID, start: i, end: j + 1, keep: 6, tail: 4}, true
	case !numberEnd(s, j):
		return piiHit{}, false
	case n == 18 && ResidentID(s[i:j]):
		return piiHit{kind: kindID, start: i, end: j, keep: 6, tail: 4}, true
	case n == 15 && OldResidentID(s[i:j]):
		return piiHit{kind: kindOldID, start: i, end: j, keep: 6, tail: 4}, true
	case n == 11 && mobile(s[i:j]):
		return piiHit{kind: kindMobile, start: i, end: j, keep: 3, tail: 4}, true
	case n == 13 && s[i:i+2] == "86" && mobile(s[i+2:j]):
		return piiHit{kind: kindMobile, start: i + 2, end: j, keep: 3, tail: 4}, true
	case n == 15 && s[i:i+4] == "0086" && mobile(s[i+4:j]):
		return piiHit{kind: kindMobile, start: i + 4, end: j, keep: 3, tail: 4}, true
	case n == 3 && s[i] == '1' && s[i+1] >= '3':
		// 138 1234 5678, 138-1234-5678
		if j+10 <= len(s) && (s[j] == ' ' || s[j] == '-') && digitsAt(s, j+1) == 4 && s[j+5] == s[j] &&
			digitsAt(s, j+6) == 4 && numberEnd(s, j+10) {
			return piiHit{kind: kindMobile, start: i, end: j + 10, keep: 3, tail: 4}, true
		}
	case s[i] == '0' && (n == 3 && (s[i+1] == '1' && s[i+2] == '0' || s[i+1] == '2') || n == 4 && s[i+1] >= '3'):
		// An area code (010, 02x, 0[3-9]xx), then - or a space, or in
		// brackets, then a local number of 7 or 8 digits.
		k := j
		switch {
		case k < len(s) && (s[k] == '-' || s[k] == ' '):
			k++
		case i > 0 && s[i-1] == '(' && k < len(s) && s[k] == ')':
			k++
		case strings.HasSuffix(s[:i], "（") && strings.HasPrefix(s[k:], "）"):
			k += len("）")
		default:
			return piiHit{}, false
		}
		if m := digitsAt(s, k); (m == 7 || m == 8) && s[k] != '0' && numberEnd(s, k+m) {
			return piiHit{kind: kindLandline, start: i, end: k + m, keep: k - i, tail: 4}, true
		}
	}
	return piiHit{}, false
}

// findPII appends to dst what s carries: ID numbers and phone numbers
// anywhere, names after a word that introduces one (联系人张伟). A 15-digit
// number counts when it is the whole of s or follows 身份证 or 证件: alone,
// too many other numbers of that length look like one.
func findPII(dst []piiHit, s string) []piiHit {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < '0' || c > '9' && c < 0xE0:
			i++
		case c <= '9':
			n := digitsAt(s, i)
			if numberLen(n) && numberStart(s, i) {
				if h, ok := numberHit(s, i, n); ok {
					if h.kind != kindOldID || h.end-h.start == len(s) || idCue(s[:i]) {
						dst = append(dst, h)
					}
					i = h.end
					continue
				}
			}
			i += n
		case c >= 0xE0:
			r, size := utf8.DecodeRuneInString(s[i:])
			if cueEnd(r) {
				if h, ok := cuedName(s, i+size); ok {
					dst = append(dst, h)
					i = h.end
					continue
				}
			}
			i += size
		}
	}
	return dst
}

// idCue reports whether text ends with a word that introduces an ID number
// (身份证, 身份证号：, 证件号码 …), give or take a colon or space.
func idCue(text string) bool {
	text = strings.TrimRight(text, " :：")
	if len(text) > 18 {
		text = text[len(text)-18:]
	}
	return strings.Contains(text, "身份") || strings.Contains(text, "证件")
}

// Words that introduce a person's name in free text: roles (联系人张伟) and
// titles (书记张伟). Each ends in a character cueEnd knows.
var nameCues = []string{"联系人", "负责人", "姓名", "户主", "申请人", "经办人", "填报人", "填表人", "法定代表人",
	"法人代表", "介绍人", "监护人", "收件人", "当事人", "签字人", "审核人", "登记人",
	"书记", "主任", "委员", "组长", "村长", "社长", "站长", "会长", "队长", "校长", "院长", "所长", "局长", "部长",
	"经理", "董事长"}

func cueEnd(r rune) bool {
	switch r {
	case '人', '名', '主', '表', '记', '任', '员', '长', '理':
		return true
	}
	return false
}

// Words after which a name in text ends (张伟同志, 张伟身份证…).
var nameFollowers = []string{"身份证", "电话", "手机", "联系", "同志", "先生", "女士", "性别", "住址", "家住", "签字", "签名",
	"负责", "男", "女", "等", "和", "及", "与", "为", "是", "的", "在", "任", "兼"}

// cuedName recognises a name right after a cue that ends at s[i:] (the cue
// itself is checked here): a surname, one or two common given-name
// characters, then the end of the name (not a Han character, or a word of
// nameFollowers). Between the cue and the name may be a colon, a space, 为
// or 是.
func cuedName(s string, i int) (piiHit, bool) {
	cued := false
	for _, c := range nameCues {
		if strings.HasSuffix(s[:i], c) {
			cued = true
			break
		}
	}
	if !cued {
		return piiHit{}, false
	}
	for k := 0; k < 2 && i < len(s); k++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != ':' && r != ' ' && r != '：' && r != '为' && r != '是' {
			break
		}
		i += size
	}
	start := i
	sn := surnameAt(s[i:])
	if sn == 0 {
		return piiHit{}, false
	}
	i += sn
	var given [2]int // ends of the first and second given-name character
	n := 0
	for n < 2 && i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !givenName(r) {
			break
		}
		i += size
		given[n] = i
		n++
	}
	for ; n > 0; n-- {
		end := given[n-1]
		if nameEnds(s[end:]) {
			return piiHit{kind: kindName, start: start, end: end, keep: sn}, true
		}
	}
	return piiHit{}, false
}

// nameEnds reports whether a name may end before rest.
func nameEnds(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	if rest == "" || !isHan(r) {
		return true
	}
	for _, f := range nameFollowers {
		if strings.HasPrefix(rest, f) {
			return true
		}
	}
	return false
}

// surnameAt is the length in bytes of the surname s starts with, or 0.
func surnameAt(s string) int {
	for _, c := range compoundSurnames {
		if strings.HasPrefix(s, c) {
			return len(c)
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	if surname(r) {
		return size
	}
	return 0
}

// Common Chinese surnames (the three hundred most frequent) and the usual
// compound ones.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"

var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐"}

// Characters common in given names, and 某 (王某, 李某某: a name withheld the
// usual way, still a name). Words that follow a cue and are not names (户主关系,
// 书记任期, 组长单位) use other characters.
const givenNames = "伟芳娜敏静丽琴强磊军洋勇艳杰娟涛明超秀英霞平刚桂华玉兰建文红国志海林宇鹏飞斌婷雪梅琳晶晨浩亮俊峰辉波宁健萍燕玲鑫欣佳颖慧倩莉洁蕾丹云凤荣春秋冬金银宝福贵祥瑞德才永忠义礼智信仁东成新立正光兵武全利清淑珍芬芝香翠莲菊花彩虹霖雨阳晓嘉庆喜乐安康泰昌盛兴旺豪彬博睿思哲涵轩逸凯旭昊然航宏鸿远诚毅坚锋锐铭铮钧淼森垚焱晖曦昭熙琪瑶璐瑾瑜璇琦珊珂玥彤妍婉娴嫣媛怡悦欢笑微薇蓉莹萱蔚菲芸茜蓓苗苹荷竹松柏桐楠枫桦杨柳梓彦衡骏驰腾跃振奋龙虎鹤鹰鸣胜卫厚勤俭朴实某"

func givenName(r rune) bool { return r >= 0x3400 && strings.ContainsRune(givenNames, r) }

func surname(r rune) bool { return r >= 0x3400 && strings.ContainsRune(surnames, r) }

// Places and bodies end in these characters; names rarely do.
const placeSuffixes = "镇乡村区县市路街道委会组站所队社厂店部局处院校园苑城湾里弄港桥寺庙山河湖岛州省旗场圃办族"

func isHan(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF }

// PersonalName reports whether s, the whole of it, looks like a Chinese
// personal name: a common surname and one or two more Han characters (a
// compound surname and one or two), not ending like a place or a body
// (七宝镇, 江川路街道).
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
	return n <= 3 && surname(first)
}

// wholeName recognises s as a name: the whole of it, or a name followed by
// a remark in brackets (张伟（已调离）).
func wholeName(s string) (piiHit, bool) {
	if len(s) < 6 || s[0] < 0xE0 {
		return piiHit{}, false // not a Han character first
	}
	end := len(s)
	if len(s) > 12 {
		i := strings.Index(s[:min(len(s), 15)], "（")
		if i < 0 {
			i = strings.IndexByte(s[:13], '(')
		}
		if i < 6 || !strings.ContainsAny(s[i:], "）)") {
			return piiHit{}, false
		}
		end = i
	}
	if !PersonalName(s[:end]) {
		return piiHit{}, false
	}
	return piiHit{kind: kindName, start: 0, end: end, keep: surnameAt(s)}, true
}

// mask writes h's text with every character but the first keep bytes and the
// last tail digits replaced by *: 110105********0021, 138****5678,
// 021-****3456, 张*.
func (h piiHit) mask(s string) string {
	t := s[h.start:h.end]
	var b strings.Builder
	b.WriteString(t[:h.keep])
	body := t[h.keep:]
	tailFrom := len(body)
	for k, seen := len(body)-1, 0; k >= 0 && seen < h.tail; k-- {
		if isDigit(body[k]) || body[k]|0x20 == 'x' {
			seen++
			tailFrom = k
		}
	}
	for k, r := range body {
		switch {
		case k >= tailFrom:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == ')' || r == '）':
			b.WriteRune(r) // keep the shape of a phone number
		default:
			b.WriteByte('*')
		}
	}
	return b.String()
}

// redact masks the ID numbers, phone numbers and names that findPII finds in
// v. Hashed values (hash:…) are left as they are.
func redact(v string) string {
	if len(v) < 6 || strings.HasPrefix(v, "hash:") {
		return v
	}
	var buf [4]piiHit
	hits := findPII(buf[:0], v)
	if len(hits) == 0 {
		return v
	}
	var b strings.Builder
	last := 0
	for _, h := range hits {
		b.WriteString(v[last:h.start])
		b.WriteString(h.mask(v))
		last = h.end
	}
	b.WriteString(v[last:])
	return b.String()
}

// Redact masks resident ID numbers, phone numbers and the names that follow
// a word such as 联系人 in v, as the quarantine keeps them:
// 110105********0021, 138****5678, 联系人张*.
func Redact(v string) string { return redact(v) }

// MaskName masks v but the surname if v is a personal name (张*, 欧阳**,
// 张*（已调离）), and returns it unchanged otherwise.
func MaskName(v string) string {
	h, ok := wholeName(v)
	if !ok {
		return v
	}
	return h.mask(v) + v[h.end:]
}
