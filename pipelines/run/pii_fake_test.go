package run

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// fakes makes personal data of the right shape at run time, so that no ID
// number, phone number or name of anyone is stored in the tree: ID numbers
// have a valid check character but a made-up area (xx99yy: no such
// prefecture), birth date and sequence; phone numbers and names are drawn at
// random from a seeded generator.
type fakes struct{ r *rand.Rand }

func newFakes(seed uint64) *fakes { return &fakes{rand.New(rand.NewPCG(seed, 0x5eed))} }

// The provinces the fake areas are in.
var fakeProvinces = []int{11, 31, 32, 44, 51, 65}

func (f *fakes) area() string {
	return fmt.Sprintf("%02d99%02d", fakeProvinces[f.r.IntN(len(fakeProvinces))], 1+f.r.IntN(98))
}

func (f *fakes) birth(from, to int) (y, m, d int) {
	return from + f.r.IntN(to-from+1), 1 + f.r.IntN(12), 1 + f.r.IntN(28)
}

// id18 is an 18-character resident ID number with a valid check character.
func (f *fakes) id18() string {
	y, m, d := f.birth(1930, 2005)
	body := fmt.Sprintf("%s%04d%02d%02d%03d", f.area(), y, m, d, f.r.IntN(1000))
	return body + string(checkChar(body))
}

// id15 is a first-generation, 15-digit resident ID number (born 19yy).
func (f *fakes) id15() string {
	for {
		y, m, d := f.birth(1920, 1984)
		s := fmt.Sprintf("%s%02d%02d%02d%03d", f.area(), y%100, m, d, f.r.IntN(1000))
		if !registrationNumber(s) { // one in ten would read as a business registration number
			return s
		}
	}
}

// mobile is an 11-digit mobile number, 1[3-9]x xxxx xxxx.
func (f *fakes) mobile() string {
	return fmt.Sprintf("1%d%09d", 3+f.r.IntN(7), f.r.IntN(1_000_000_000))
}

// mobileStyled writes a mobile number the ways people do.
func (f *fakes) mobileStyled() string {
	m := f.mobile()
	switch f.r.IntN(5) {
	case 0:
		return "+86 " + m
	case 1:
		return m[:3] + " " + m[3:7] + " " + m[7:]
	case 2:
		return m[:3] + "-" + m[3:7] + "-" + m[7:]
	case 3:
		return "+86-" + m
	}
	return m
}

// landline is a fixed-line number with its area code, as 021-64123456 or
// (0755)12345678.
func (f *fakes) landline() string {
	sub := fmt.Sprintf("%d%07d", 2+f.r.IntN(8), f.r.IntN(10_000_000))
	switch f.r.IntN(3) {
	case 0:
		return "021-" + sub
	case 1:
		return "(0755)" + sub
	}
	return "0571 " + sub[:7]
}

var (
	fakeSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金")
	fakeGiven    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂华玉兰建文红国志海林宇鹏飞斌婷雪梅琳晶晨浩亮俊峰辉波宁健萍燕玲鑫欣佳颖慧倩莉洁蕾丹琴云凤荣春")
)

// name is a personal name: a common surname and one or two given-name
// characters (now and then a compound surname).
func (f *fakes) name() string {
	var b strings.Builder
	if f.r.IntN(50) == 0 {
		b.WriteString([]string{"欧阳", "司马", "诸葛", "上官"}[f.r.IntN(4)])
	} else {
		b.WriteRune(fakeSurnames[f.r.IntN(len(fakeSurnames))])
	}
	for n := 1 + f.r.IntN(2); n > 0; n-- {
		b.WriteRune(fakeGiven[f.r.IntN(len(fakeGiven))])
	}
	return b.String()
}
