package run

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// The fast matcher agrees with package regexp on every pattern it takes, and
// declines the ones it cannot do exactly.
func TestFastPatternAgreesWithRegexp(t *testing.T) {
	patterns := []struct {
		p    string
		fast bool
	}{
		{`^[0-9A-Z]{18}$`, true},
		{`^\d{6}$`, true},
		{`^3101\d{5}$`, true},
		{`^[0-9]{9}([0-9]{3})?$`, false},
		{`^[A-Z]{2}[0-9]{1,4}$`, true},
		{`^[a-z]+$`, true},
		{`^x?$`, true},
		{`^[0-9]+[A-Z]$`, false},
		{`[0-9]{6}`, false},
		{`^[0-9]{6}`, false},
		{`^(?i)ab$`, false},
		{`^[^,]{3}$`, false},
		{`^\w{1,3}$`, true},
		{`^..$`, false},
		{`^镇\d$`, false},
	}
	values := []string{"", "0", "310112", "310112001", "3101120", "31011200", "91310112AB00000001", "91310112ab00000001",
		"AB1", "AB12345", "AB", "ab", "abc", "x", "xx", "镇1", "a,b", "_a9", "310112001000", "123456789X"}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789ABCXYZabxyz_,镇 "
	for i := 0; i < 2000; i++ {
		n := r.IntN(20)
		b := make([]rune, n)
		ar := []rune(alphabet)
		for j := range b {
			b[j] = ar[r.IntN(len(ar))]
		}
		values = append(values, string(b))
	}
	for _, c := range patterns {
		fp := compileFastPattern(c.p)
		if (fp != nil) != c.fast {
			t.Errorf("%s: fast matcher %v, want %v", c.p, fp != nil, c.fast)
			continue
		}
		if fp == nil {
			continue
		}
		re := regexp.MustCompile(c.p)
		for _, v := range values {
			if got, want := fp.match(v), re.MatchString(v); got != want {
				t.Errorf("%s on %q: fast %v, regexp %v", c.p, v, got, want)
			}
		}
	}
}
