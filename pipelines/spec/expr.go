package spec

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expr is a cross-column check written in SQL expression syntax and evaluated
// row by row as the data streams, so that a failing row can be quarantined with
// its raw values and row number. The dialect is the part of SQL a check needs:
//
//	literals      12  3.5  'text'  TRUE  FALSE  NULL
//	columns       urban_resident_pop  "quoted name"
//	arithmetic    + - * /  (unary -)
//	comparison    =  <>  !=  <  <=  >  >=
//	              x IS [NOT] NULL   x [NOT] IN (a, b)   x [NOT] BETWEEN a AND b
//	logic         AND  OR  NOT  (three-valued, as SQL)
//	functions     coalesce(a, b, …)  abs(x)  length(s)  lower(s)  upper(s)
//
// As in a CHECK constraint, a row fails only when the expression is false; a
// NULL result passes. Dates compare as dates.
type Expr struct {
	src  string
	root node
	cols []string
}

// Value is one SQL value: NULL, a number, a string or a boolean.
type Value struct {
	Kind Kind
	Num  float64
	Str  string
	Bool bool
}

// Kind is a Value's type.
type Kind uint8

// Value kinds.
const (
	Null Kind = iota
	Num
	Str
	Bool
)

// Columns lists the columns the expression reads, in order of first use.
func (e Expr) Columns() []string { return e.cols }

func (e Expr) String() string { return e.src }

// Fails evaluates the expression on one row: true when the result is false.
func (e Expr) Fails(col func(name string) Value) bool {
	v := e.root.eval(col)
	return v.Kind == Bool && !v.Bool
}

// ColumnComparison reports whether e is one comparison of two columns,
// a op b (op one of = <> != < <= > >=), so that a caller holding the
// columns as numbers can evaluate it without Fails: NULL on either side
// passes, and numbers compare as Fails compares them.
func (e Expr) ColumnComparison() (a, op, b string, ok bool) {
	c, isCmp := e.root.(*compare)
	if !isCmp {
		return "", "", "", false
	}
	l, lok := c.l.(colRef)
	r, rok := c.r.(colRef)
	if !lok || !rok {
		return "", "", "", false
	}
	return string(l), c.op, string(r), true
}

// Eval evaluates the expression on one row.
func (e Expr) Eval(col func(name string) Value) Value { return e.root.eval(col) }

// ParseExpr parses a check.
func ParseExpr(src string) (Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return Expr{}, err
	}
	p := &parser{toks: toks}
	n, err := p.or()
	if err != nil {
		return Expr{}, err
	}
	if p.peek().kind != tEOF {
		return Expr{}, fmt.Errorf("unexpected %q at column %d", p.peek().text, p.peek().pos+1)
	}
	e := Expr{src: src, root: n}
	seen := map[string]bool{}
	for _, t := range toks {
		if t.kind == tIdent && !seen[t.text] && !t.fn {
			seen[t.text] = true
			e.cols = append(e.cols, t.text)
		}
	}
	return e, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tIdent
	tKeyword
	tOp
)

type token struct {
	kind tokKind
	text string
	num  float64
	pos  int
	fn   bool // identifier used as a function name
}

var keywords = map[string]bool{"AND": true, "OR": true, "NOT": true, "IS": true, "NULL": true, "IN": true,
	"BETWEEN": true, "TRUE": true, "FALSE": true}

func lex(s string) ([]*token, error) {
	var toks []*token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case r >= '0' && r <= '9' || r == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E') {
				j++
			}
			v, err := strconv.ParseFloat(s[i:j], 64)
			if err != nil {
				return nil, fmt.Errorf("%q at column %d is not a number", s[i:j], i+1)
			}
			toks = append(toks, &token{kind: tNum, text: s[i:j], num: v, pos: i})
			i = j
		case r == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated string starting at column %d", i+1)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, &token{kind: tStr, text: b.String(), pos: i})
			i = j + 1
		case r == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quoted name starting at column %d", i+1)
			}
			toks = append(toks, &token{kind: tIdent, text: s[i+1 : i+1+j], pos: i})
			i += j + 2
		case r == '_' || unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r, w := utf8.DecodeRuneInString(s[j:])
				if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				j += w
			}
			word := s[i:j]
			if keywords[strings.ToUpper(word)] {
				toks = append(toks, &token{kind: tKeyword, text: strings.ToUpper(word), pos: i})
			} else {
				toks = append(toks, &token{kind: tIdent, text: word, pos: i})
			}
			i = j
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch two {
			case "<=", ">=", "<>", "!=":
				toks = append(toks, &token{kind: tOp, text: two, pos: i})
				i += 2
				continue
			}
			if strings.ContainsRune("=<>+-*/(),", r) {
				toks = append(toks, &token{kind: tOp, text: string(r), pos: i})
				i += w
				continue
			}
			return nil, fmt.Errorf("unexpected %q at column %d", string(r), i+1)
		}
	}
	return append(toks, &token{kind: tEOF, pos: len(s)}), nil
}

type parser struct {
	toks []*token
	i    int
}

func (p *parser) peek() *token { return p.toks[p.i] }
func (p *parser) next() *token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) is(kind tokKind, text string) bool {
	t := p.peek()
	return t.kind == kind && t.text == text
}

func (p *parser) expect(kind tokKind, text string) error {
	if !p.is(kind, text) {
		t := p.peek()
		if t.kind == tEOF {
			return fmt.Errorf("expected %q at the end", text)
		}
		return fmt.Errorf("expected %q at column %d, found %q", text, t.pos+1, t.text)
	}
	p.i++
	return nil
}

func (p *parser) or() (node, error) {
	l, err := p.and()
	for err == nil && p.is(tKeyword, "OR") {
		p.i++
		var r node
		if r, err = p.and(); err == nil {
			l = &logic{op: "OR", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) and() (node, error) {
	l, err := p.not()
	for err == nil && p.is(tKeyword, "AND") {
		p.i++
		var r node
		if r, err = p.not(); err == nil {
			l = &logic{op: "AND", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) not() (node, error) {
	if p.is(tKeyword, "NOT") {
		p.i++
		n, err := p.not()
		return &notNode{n}, err
	}
	return p.cmp()
}

func (p *parser) cmp() (node, error) {
	l, err := p.add()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.kind == tOp && compareOps[t.text]:
		p.i++
		r, err := p.add()
		if err != nil {
			return nil, err
		}
		return &compare{op: t.text, l: l, r: r}, nil
	case t.kind == tKeyword && t.text == "IS":
		p.i++
		neg := false
		if p.is(tKeyword, "NOT") {
			p.i++
			neg = true
		}
		if err := p.expect(tKeyword, "NULL"); err != nil {
			return nil, err
		}
		return &isNull{x: l, neg: neg}, nil
	}
	neg := false
	if p.is(tKeyword, "NOT") && (p.toks[p.i+1].text == "IN" || p.toks[p.i+1].text == "BETWEEN") {
		p.i++
		neg = true
	}
	switch {
	case p.is(tKeyword, "IN"):
		p.i++
		if err := p.expect(tOp, "("); err != nil {
			return nil, err
		}
		in := &inList{x: l, neg: neg}
		for {
			v, err := p.add()
			if err != nil {
				return nil, err
			}
			in.list = append(in.list, v)
			if p.is(tOp, ",") {
				p.i++
				continue
			}
			break
		}
		return in, p.expect(tOp, ")")
	case p.is(tKeyword, "BETWEEN"):
		p.i++
		lo, err := p.add()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tKeyword, "AND"); err != nil {
			return nil, err
		}
		hi, err := p.add()
		if err != nil {
			return nil, err
		}
		var n node = &logic{op: "AND", l: &compare{op: ">=", l: l, r: lo}, r: &compare{op: "<=", l: l, r: hi}}
		if neg {
			n = &notNode{n}
		}
		return n, nil
	}
	return l, nil
}

func (p *parser) add() (node, error) {
	l, err := p.mul()
	for err == nil && (p.is(tOp, "+") || p.is(tOp, "-")) {
		op := p.next().text
		var r node
		if r, err = p.mul(); err == nil {
			l = &arith{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) mul() (node, error) {
	l, err := p.unary()
	for err == nil && (p.is(tOp, "*") || p.is(tOp, "/")) {
		op := p.next().text
		var r node
		if r, err = p.unary(); err == nil {
			l = &arith{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) unary() (node, error) {
	if p.is(tOp, "-") {
		p.i++
		n, err := p.unary()
		return &arith{op: "-", l: lit{Value{Kind: Num}}, r: n}, err
	}
	return p.primary()
}

var compareOps = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

var functions = map[string]int{"coalesce": -1, "abs": 1, "length": 1, "lower": 1, "upper": 1}

func (p *parser) primary() (node, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		return lit{Value{Kind: Num, Num: t.num}}, nil
	case tStr:
		return lit{Value{Kind: Str, Str: t.text}}, nil
	case tKeyword:
		switch t.text {
		case "NULL":
			return lit{}, nil
		case "TRUE", "FALSE":
			return lit{Value{Kind: Bool, Bool: t.text == "TRUE"}}, nil
		}
	case tIdent:
		if p.is(tOp, "(") {
			name := strings.ToLower(t.text)
			arity, ok := functions[name]
			if !ok {
				return nil, fmt.Errorf("unknown function %s at column %d (have coalesce, abs, length, lower, upper)", t.text, t.pos+1)
			}
			t.fn = true
			p.i++
			f := &call{name: name}
			for !p.is(tOp, ")") {
				a, err := p.or()
				if err != nil {
					return nil, err
				}
				f.args = append(f.args, a)
				if !p.is(tOp, ",") {
					break
				}
				p.i++
			}
			if err := p.expect(tOp, ")"); err != nil {
				return nil, err
			}
			if arity >= 0 && len(f.args) != arity || len(f.args) == 0 {
				return nil, fmt.Errorf("%s takes %d argument(s), got %d", name, max(arity, 1), len(f.args))
			}
			return f, nil
		}
		return colRef(t.text), nil
	case tOp:
		if t.text == "(" {
			n, err := p.or()
			if err != nil {
				return nil, err
			}
			return n, p.expect(tOp, ")")
		}
	case tEOF:
		return nil, errors.New("unexpected end of expression")
	}
	return nil, fmt.Errorf("unexpected %q at column %d", t.text, t.pos+1)
}

type node interface {
	eval(col func(string) Value) Value
}

type lit struct{ v Value }

func (l lit) eval(func(string) Value) Value { return l.v }

type colRef string

func (c colRef) eval(col func(string) Value) Value { return col(string(c)) }

type logic struct {
	op   string
	l, r node
}

func truth(v Value) (val, known bool) {
	switch v.Kind {
	case Bool:
		return v.Bool, true
	case Num:
		return v.Num != 0, true
	}
	return false, false
}

func (n *logic) eval(col func(string) Value) Value {
	l, lk := truth(n.l.eval(col))
	r, rk := truth(n.r.eval(col))
	if n.op == "AND" {
		if lk && !l || rk && !r {
			return Value{Kind: Bool}
		}
		if lk && rk {
			return Value{Kind: Bool, Bool: true}
		}
		return Value{}
	}
	if lk && l || rk && r {
		return Value{Kind: Bool, Bool: true}
	}
	if lk && rk {
		return Value{Kind: Bool}
	}
	return Value{}
}

type notNode struct{ x node }

func (n *notNode) eval(col func(string) Value) Value {
	v, k := truth(n.x.eval(col))
	if !k {
		return Value{}
	}
	return Value{Kind: Bool, Bool: !v}
}

type isNull struct {
	x   node
	neg bool
}

func (n *isNull) eval(col func(string) Value) Value {
	null := n.x.eval(col).Kind == Null
	return Value{Kind: Bool, Bool: null != n.neg}
}

// cmpValues compares a and b: -1, 0, 1, or ok=false when either is NULL.
func cmpValues(a, b Value) (int, bool) {
	if a.Kind == Null || b.Kind == Null {
		return 0, false
	}
	if a.Kind == Num && b.Kind == Num || a.Kind == Bool || b.Kind == Bool {
		x, y := num(a), num(b)
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	}
	return strings.Compare(str(a), str(b)), true
}

func num(v Value) float64 {
	switch v.Kind {
	case Num:
		return v.Num
	case Bool:
		if v.Bool {
			return 1
		}
		return 0
	case Str:
		f, err := strconv.ParseFloat(v.Str, 64)
		if err == nil {
			return f
		}
	}
	return math.NaN()
}

func str(v Value) string {
	switch v.Kind {
	case Num:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case Bool:
		return strconv.FormatBool(v.Bool)
	}
	return v.Str
}

type compare struct {
	op   string
	l, r node
}

func (n *compare) eval(col func(string) Value) Value {
	c, ok := cmpValues(n.l.eval(col), n.r.eval(col))
	if !ok {
		return Value{}
	}
	return Value{Kind: Bool, Bool: Holds(n.op, c)}
}

// Holds reports whether comparison op holds between two values that compare
// as c (-1, 0, 1), as checks evaluate it.
func Holds(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "<>", "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

type inList struct {
	x    node
	list []node
	neg  bool
}

func (n *inList) eval(col func(string) Value) Value {
	x := n.x.eval(col)
	if x.Kind == Null {
		return Value{}
	}
	sawNull := false
	for _, e := range n.list {
		c, ok := cmpValues(x, e.eval(col))
		if !ok {
			sawNull = true
			continue
		}
		if c == 0 {
			return Value{Kind: Bool, Bool: !n.neg}
		}
	}
	if sawNull {
		return Value{}
	}
	return Value{Kind: Bool, Bool: n.neg}
}

type arith struct {
	op   string
	l, r node
}

func (n *arith) eval(col func(string) Value) Value {
	a, b := n.l.eval(col), n.r.eval(col)
	if a.Kind == Null || b.Kind == Null {
		return Value{}
	}
	x, y := num(a), num(b)
	var v float64
	switch n.op {
	case "+":
		v = x + y
	case "-":
		v = x - y
	case "*":
		v = x * y
	case "/":
		if y == 0 {
			return Value{}
		}
		v = x / y
	}
	if math.IsNaN(v) {
		return Value{}
	}
	return Value{Kind: Num, Num: v}
}

type call struct {
	name string
	args []node
}

func (n *call) eval(col func(string) Value) Value {
	if n.name == "coalesce" {
		for _, a := range n.args {
			if v := a.eval(col); v.Kind != Null {
				return v
			}
		}
		return Value{}
	}
	v := n.args[0].eval(col)
	if v.Kind == Null {
		return v
	}
	switch n.name {
	case "abs":
		return Value{Kind: Num, Num: math.Abs(num(v))}
	case "length":
		return Value{Kind: Num, Num: float64(utf8.RuneCountInString(str(v)))}
	case "lower":
		return Value{Kind: Str, Str: strings.ToLower(str(v))}
	case "upper":
		return Value{Kind: Str, Str: strings.ToUpper(str(v))}
	}
	return Value{}
}
