package run

import "regexp/syntax"

// fastPattern matches the patterns validation rules mostly use — a run of
// ASCII character classes and literals anchored at both ends, such as
// ^[0-9A-Z]{18}$ or ^3101\d{5}$ — a byte at a time, several times faster than
// the regexp engine. compileFastPattern returns nil for anything else, which
// then goes to package regexp; both give the same answer.
type fastPattern struct{ items []patItem }

// patItem is one character class repeated min to max times (max -1: any).
type patItem struct {
	set      [2]uint64 // ASCII bitmap
	min, max int
}

func (it *patItem) has(c byte) bool { return c < 128 && it.set[c>>6]&(1<<(c&63)) != 0 }

func compileFastPattern(p string) *fastPattern {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) < 3 {
		return nil
	}
	subs := re.Sub
	if subs[0].Op != syntax.OpBeginText || subs[len(subs)-1].Op != syntax.OpEndText {
		return nil
	}
	fp := &fastPattern{}
	for _, s := range subs[1 : len(subs)-1] {
		min, max := 1, 1
		one := s
		switch s.Op {
		case syntax.OpRepeat:
			min, max, one = s.Min, s.Max, s.Sub[0]
		case syntax.OpStar:
			min, max, one = 0, -1, s.Sub[0]
		case syntax.OpPlus:
			min, max, one = 1, -1, s.Sub[0]
		case syntax.OpQuest:
			min, max, one = 0, 1, s.Sub[0]
		case syntax.OpLiteral:
			if s.Flags&syntax.FoldCase != 0 {
				return nil
			}
			for _, r := range s.Rune {
				if r >= 128 {
					return nil
				}
				var it patItem
				it.set[r>>6] |= 1 << (r & 63)
				it.min, it.max = 1, 1
				fp.items = append(fp.items, it)
			}
			continue
		}
		it, ok := classItem(one)
		if !ok {
			return nil
		}
		it.min, it.max = min, max
		fp.items = append(fp.items, it)
	}
	// Greedy matching is exact only if every item but the last has a fixed
	// count.
	for i, it := range fp.items {
		if it.min != it.max && i != len(fp.items)-1 {
			return nil
		}
	}
	return fp
}

// classItem is a one-character class or literal of ASCII characters.
func classItem(re *syntax.Regexp) (patItem, bool) {
	var it patItem
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Flags&syntax.FoldCase != 0 || re.Rune[0] >= 128 {
			return it, false
		}
		r := re.Rune[0]
		it.set[r>>6] |= 1 << (r & 63)
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= 128 {
				return it, false
			}
			for r := lo; r <= hi; r++ {
				it.set[r>>6] |= 1 << (r & 63)
			}
		}
	default:
		return it, false
	}
	return it, true
}

func (fp *fastPattern) match(s string) bool {
	pos := 0
	for k := range fp.items {
		it := &fp.items[k]
		if it.min == it.max {
			if len(s)-pos < it.min {
				return false
			}
			for j := 0; j < it.min; j++ {
				if !it.has(s[pos+j]) {
					return false
				}
			}
			pos += it.min
			continue
		}
		// The last item takes the rest.
		rest := len(s) - pos
		if rest < it.min || it.max >= 0 && rest > it.max {
			return false
		}
		for ; pos < len(s); pos++ {
			if !it.has(s[pos]) {
				return false
			}
		}
	}
	return pos == len(s)
}
