package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxSize is the largest pipeline file read, in bytes. A real spec is a few
// kilobytes; the largest recode tables a few hundred.
const MaxSize = 1 << 20

// documents parses b into its first YAML document, and returns the start of a
// second one if there is any (nil if not). root is nil for an empty file.
func documents(b []byte) (root, second *yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var first yaml.Node
	if err := dec.Decode(&first); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
		return &first, nil, nil
	case err != nil:
		return &first, nil, err
	}
	return &first, &next, nil
}

// maxKeys is the most keys a mapping of settings may have: the structs a spec
// decodes into have a few dozen keys at most. yaml.v3 checks a mapping's keys
// for duplicates by comparing each with every other, so that a mapping of
// 100,000 keys takes minutes; the mappings that are maps by nature (bigMaps)
// are decoded in linear time by their own types (Recode, ColumnRules,
// fetch.Headers), and every other mapping is held to maxKeys before yaml.v3
// sees it.
const maxKeys = 200

var bigMaps = map[string]bool{"recode": true, "recode.*": true, "validate.columns": true, "source.fetch.headers": true}

// checkSizes reports every mapping of settings with more than maxKeys keys.
func (s *Spec) checkSizes() Problems {
	var ps Problems
	// pattern is the path with the keys of big maps as "*"; path is as written.
	var visit func(n *yaml.Node, pattern, path string)
	visit = func(n *yaml.Node, pattern, path string) {
		switch n.Kind {
		case yaml.AliasNode:
			// The target was checked where it stands; here it is checked
			// for where it is used, without descending into it again.
			if t := n.Alias; t != nil && t.Kind == yaml.MappingNode && !bigMaps[pattern] && len(t.Content)/2 > maxKeys {
				ps = append(ps, s.tooManyKeys(n, path, len(t.Content)/2))
			}
		case yaml.MappingNode:
			if !bigMaps[pattern] && len(n.Content)/2 > maxKeys {
				ps = append(ps, s.tooManyKeys(n, path, len(n.Content)/2))
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i].Value
				p, pp := key, key
				if bigMaps[pattern] {
					p = "*"
				}
				if path != "" {
					p, pp = pattern+"."+p, path+"."+pp
				}
				visit(n.Content[i+1], p, pp)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				visit(c, pattern+"[]", fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	visit(s.root, "", "")
	return ps
}

// maxExpansion bounds how many nodes aliases may add to a document, beyond
// maxExpansionRatio times its own: the maps decoded by their own types
// (Recode, ColumnRules, fetch.Headers) would otherwise decode an aliased
// table once per alias, and a few lines of anchors can stand for billions of
// nodes. (yaml.v3 guards its own decoding the same way.)
const (
	maxExpansion      = 100_000
	maxExpansionRatio = 4
)

// checkAliases reports a document whose aliases expand it too far, or an
// alias that contains itself.
func (s *Spec) checkAliases() Problems {
	const busy = -1
	size := map[*yaml.Node]int{}
	nodes := 0
	var bad *yaml.Node
	var count func(n *yaml.Node, alias bool) int
	count = func(n *yaml.Node, alias bool) int {
		if !alias {
			nodes++
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			return 1 + count(n.Alias, true)
		}
		switch v, ok := size[n]; {
		case ok && v == busy:
			bad = n
			return 1
		case ok && alias:
			return v
		}
		size[n] = busy
		total := 1
		for _, c := range n.Content {
			total = min(total+count(c, alias), 1<<40)
		}
		size[n] = total
		return total
	}
	expanded := count(s.root, false)
	if bad != nil {
		return Problems{{File: s.File, Line: bad.Line, Col: bad.Column, Message: fmt.Sprintf("anchor &%s contains an alias to itself", bad.Anchor)}}
	}
	if expanded > maxExpansion+maxExpansionRatio*nodes {
		return Problems{{File: s.File, Message: fmt.Sprintf("the aliases (*name) expand %d nodes to %d; a pipeline file may expand to at most %d times its size", nodes, expanded, maxExpansionRatio)}}
	}
	return nil
}

func (s *Spec) tooManyKeys(n *yaml.Node, path string, keys int) Problem {
	if path == "" {
		path = "the pipeline"
	}
	return Problem{File: s.File, Line: n.Line, Col: n.Column, Message: fmt.Sprintf(
		"%s: a mapping of %d keys; a mapping of settings has at most %d (only recode, validate.columns and source.fetch.headers may be longer)",
		path, keys, maxKeys)}
}

// allowKey is source.allow_outside_project: a key of the pipeline under
// source:, which the sources layer does not know. It is read from the node
// tree, and the strict decoder's complaint about it dropped.
const allowKey = "allow_outside_project"

// readAllowKey sets AllowOutsideProject from the source mapping and returns
// the lines of its keys (whose "not found" errors are expected).
func (s *Spec) readAllowKey() (lines map[int]bool, ps Problems) {
	src, _, _ := s.lookup("source")
	if src == nil || src.Kind != yaml.MappingNode {
		return nil, nil
	}
	lines = map[int]bool{}
	for i := 0; i+1 < len(src.Content); i += 2 {
		k, v := src.Content[i], src.Content[i+1]
		if k.Value != allowKey {
			continue
		}
		if len(lines) > 0 {
			ps = append(ps, Problem{File: s.File, Line: k.Line, Col: k.Column,
				Message: fmt.Sprintf("mapping key %q already defined", "source."+allowKey)})
		}
		lines[k.Line] = true
		if err := v.Decode(&s.AllowOutsideProject); err != nil || v.Kind != yaml.ScalarNode {
			ps = append(ps, Problem{File: s.File, Line: v.Line, Col: v.Column,
				Message: fmt.Sprintf("source.%s: %q: want true or false", allowKey, v.Value)})
		}
	}
	return lines, ps
}

// Recode maps source values to warehouse codes, per column: recode[column]
// [source value] = code.
type Recode map[string]map[string]string

// UnmarshalYAML reads the tables in time linear in their size.
func (r *Recode) UnmarshalYAML(n *yaml.Node) error {
	out := Recode{}
	err := decodeMap(n, "map[string]map[string]string", func(col string, v *yaml.Node) error {
		table := map[string]string{}
		out[col] = table
		return decodeMap(v, "map[string]string", func(from string, v *yaml.Node) error {
			var to string
			if err := v.Decode(&to); err != nil {
				return err
			}
			table[from] = to
			return nil
		})
	})
	if err != nil {
		return err
	}
	*r = out
	return nil
}

// ColumnRules holds per-column rules, keyed by output column.
type ColumnRules map[string]ColumnRule

var ruleKeys = yamlKeys(reflect.TypeOf(ColumnRule{}))

// UnmarshalYAML reads the rules in time linear in their number, each strictly
// (an unknown key is an error).
func (c *ColumnRules) UnmarshalYAML(n *yaml.Node) error {
	out := ColumnRules{}
	err := decodeMap(n, "map[string]spec.ColumnRule", func(col string, v *yaml.Node) error {
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if v.Kind == yaml.MappingNode {
			var errs []string
			for i := 0; i+1 < len(v.Content); i += 2 {
				if k := v.Content[i]; !ruleKeys[k.Value] && k.ShortTag() != "!!merge" {
					errs = append(errs, fmt.Sprintf("line %d, column %d: field %s not found in type spec.ColumnRule", k.Line, k.Column, k.Value))
				}
			}
			if len(errs) > 0 {
				return &yaml.TypeError{Errors: errs}
			}
		}
		var r ColumnRule
		if err := v.Decode(&r); err != nil {
			return err
		}
		out[col] = r
		return nil
	})
	if err != nil {
		return err
	}
	*c = out
	return nil
}

// decodeMap calls value for each key of the mapping n, in order, after
// checking that it was not given before: time linear in the size of n (see
// maxKeys). Merge keys (<<) add the keys of the mappings they name that are
// not given. Every problem is gathered into one *yaml.TypeError, as
// "line L, column C: message", so that decoding goes on and all are told.
func decodeMap(n *yaml.Node, into string, value func(key string, v *yaml.Node) error) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.ShortTag() == "!!null" { // no entries, as yaml.v3 decodes it
		return nil
	}
	if n.Kind != yaml.MappingNode {
		val := ""
		if n.Kind == yaml.ScalarNode {
			val = n.Value
			if len(val) > 10 {
				val = val[:7] + "..."
			}
			val = " `" + val + "`"
		}
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d, column %d: cannot unmarshal %s%s into %s",
			n.Line, n.Column, n.ShortTag(), val, into)}}
	}
	var errs []string
	seen := make(map[string]int, len(n.Content)/2)
	var merges []*yaml.Node
	pair := func(k, v *yaml.Node, merged bool) {
		var key string
		if err := k.Decode(&key); err != nil {
			errs = append(errs, typeErrors(err)...)
			return
		}
		if prev, dup := seen[key]; dup {
			if !merged {
				errs = append(errs, fmt.Sprintf("line %d, column %d: mapping key %q already defined at line %d", k.Line, k.Column, key, prev))
			}
			return
		}
		seen[key] = k.Line
		if err := value(key, v); err != nil {
			errs = append(errs, typeErrors(err)...)
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.ShortTag() == "!!merge" {
			merges = append(merges, n.Content[i+1])
			continue
		}
		pair(n.Content[i], n.Content[i+1], false)
	}
	for _, m := range merges {
		if m.Kind == yaml.AliasNode && m.Alias != nil {
			m = m.Alias
		}
		list := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			list = m.Content
		}
		for _, mm := range list {
			if mm.Kind == yaml.AliasNode && mm.Alias != nil {
				mm = mm.Alias
			}
			if mm.Kind != yaml.MappingNode {
				errs = append(errs, fmt.Sprintf("line %d, column %d: map merge requires map or sequence of maps as the value", mm.Line, mm.Column))
				continue
			}
			for i := 0; i+1 < len(mm.Content); i += 2 {
				pair(mm.Content[i], mm.Content[i+1], true)
			}
		}
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

func typeErrors(err error) []string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return te.Errors
	}
	return []string{err.Error()}
}

// yamlKeys lists the keys a struct type takes in YAML.
func yamlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
		case strings.Contains(opts, "inline"):
			for k := range yamlKeys(f.Type) {
				keys[k] = true
			}
		case name == "":
			keys[strings.ToLower(f.Name)] = true
		default:
			keys[name] = true
		}
	}
	return keys
}

// Positions. Each is found through an index built once, so that telling
// 100,000 problems does not walk the tree 100,000 times.

// onLine is a node that starts on a line; key marks mapping keys.
type onLine struct {
	n   *yaml.Node
	key bool
}

// line returns the nodes that start on line l, in document order.
func (s *Spec) line(l int) []onLine {
	if s.lines == nil {
		s.lines = map[int][]onLine{}
		walk(s.root, func(n *yaml.Node, isKey bool) {
			s.lines[n.Line] = append(s.lines[n.Line], onLine{n, isKey})
		})
	}
	return s.lines[l]
}

// keyIndex returns where each key of mapping n stands in n.Content (the last
// of a key given twice).
func (s *Spec) keyIndex(n *yaml.Node) map[string]int {
	if s.keys == nil {
		s.keys = map[*yaml.Node]map[string]int{}
	}
	idx, ok := s.keys[n]
	if !ok {
		idx = make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			idx[n.Content[i].Value] = i
		}
		s.keys[n] = idx
	}
	return idx
}

var (
	lineRE     = regexp.MustCompile(`^line (\d+)(?:, column (\d+))?: (.*)$`)
	notFoundRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	unmarshRE  = regexp.MustCompile("^cannot unmarshal \\S+ `(.*)` into (\\S+)$")
)

// decodePos turns a yaml.v3 message ("line 7: field foo not found in type
// spec.Target") into a position and a message for an analyst.
func (s *Spec) decodePos(m string) (int, int, string) {
	lm := lineRE.FindStringSubmatch(strings.TrimPrefix(m, "yaml: "))
	if lm == nil {
		return 0, 0, m
	}
	line, _ := strconv.Atoi(lm[1])
	col, _ := strconv.Atoi(lm[2])
	msg := lm[3]
	first := func(match func(o onLine) bool) int {
		if col > 0 {
			return col
		}
		for _, o := range s.line(line) {
			if match(o) {
				return o.n.Column
			}
		}
		return 0
	}
	if f := notFoundRE.FindStringSubmatch(msg); f != nil {
		c := first(func(o onLine) bool { return o.key && o.n.Value == f[1] })
		return line, c, fmt.Sprintf("unknown key %q", f[1])
	}
	if f := unmarshRE.FindStringSubmatch(msg); f != nil {
		short, cut := strings.CutSuffix(f[1], "...") // yaml.v3 cuts long values
		c := first(func(o onLine) bool {
			return !o.key && (o.n.Value == f[1] || cut && strings.HasPrefix(o.n.Value, short))
		})
		want := map[string]string{"int": "an integer", "float64": "a number", "bool": "true or false",
			"time.Duration": "a duration such as 30s or 5m"}[f[2]]
		if want == "" {
			want = "a " + strings.TrimPrefix(strings.TrimPrefix(f[2], "[]"), "map[string]")
			if strings.HasPrefix(f[2], "[]") {
				want = "a list"
			} else if strings.HasPrefix(f[2], "map") || strings.Contains(f[2], ".") {
				want = "a mapping (key: value)"
			}
		}
		return line, c, fmt.Sprintf("%q: want %s", f[1], want)
	}
	if col == 0 { // the value on that line: the last node that starts there
		for _, o := range s.line(line) {
			col = max(col, o.n.Column)
		}
	}
	return line, col, msg
}

// walk visits every node; isKey marks mapping keys.
func walk(n *yaml.Node, fn func(n *yaml.Node, isKey bool)) {
	if n == nil {
		return
	}
	fn(n, false)
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			fn(c, true)
			for _, cc := range c.Content {
				walk(cc, fn)
			}
			continue
		}
		walk(c, fn)
	}
}

var pathSeg = regexp.MustCompile(`^([^.\[\]]+)(?:\[(\d+)\])?$`)

// lookup returns the node at path ("source.columns[2].type") and its
// position. A path that ends at an absent key gives a nil node and the
// position of the nearest present parent.
func (s *Spec) lookup(path string) (*yaml.Node, int, int) {
	n := s.root
	line, col := 1, 1
	if n != nil {
		line, col = n.Line, n.Column
	}
	for _, seg := range strings.Split(path, ".") {
		m := pathSeg.FindStringSubmatch(seg)
		if m == nil || n == nil || n.Kind != yaml.MappingNode {
			return nil, line, col
		}
		i, ok := s.keyIndex(n)[m[1]]
		if !ok {
			return nil, line, col
		}
		n = n.Content[i+1]
		line, col = n.Line, n.Column
		if m[2] != "" {
			idx, _ := strconv.Atoi(m[2])
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return nil, line, col
			}
			n = n.Content[idx]
			line, col = n.Line, n.Column
		}
	}
	return n, line, col
}

// Pos returns the line and column of the value at path ("source.columns[2].type").
// A path that ends at an absent key points at the nearest present parent.
func (s *Spec) Pos(path string) (int, int) {
	_, line, col := s.lookup(path)
	return line, col
}

// mapKeyPos returns the position of key k in the mapping at path.
func (s *Spec) mapKeyPos(path, k string) (int, int) {
	n, line, col := s.lookup(path)
	if n != nil && n.Kind == yaml.MappingNode {
		if i, ok := s.keyIndex(n)[k]; ok {
			return n.Content[i].Line, n.Content[i].Column
		}
	}
	return line, col
}
