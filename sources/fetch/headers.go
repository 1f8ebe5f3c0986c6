package fetch

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Headers are HTTP headers by name. In YAML they are a mapping, decoded in
// time linear in its size (yaml.v3 compares every key of a map with every
// other to find duplicates).
type Headers map[string]string

// UnmarshalYAML reads a mapping of header names to values. Problems are
// reported as a *yaml.TypeError, "line L, column C: message" each, so that
// decoding goes on and every problem is told.
func (h *Headers) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d, column %d: cannot unmarshal %s into map[string]string", n.Line, n.Column, n.ShortTag())}}
	}
	var errs []string
	m := make(Headers, len(n.Content)/2)
	at := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var name, val string
		if err := k.Decode(&name); err != nil {
			errs = append(errs, typeErrors(err)...)
			continue
		}
		if prev, dup := at[name]; dup {
			errs = append(errs, fmt.Sprintf("line %d, column %d: mapping key %q already defined at line %d", k.Line, k.Column, name, prev))
			continue
		}
		at[name] = k.Line
		if err := v.Decode(&val); err != nil {
			errs = append(errs, typeErrors(err)...)
			continue
		}
		m[name] = val
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	*h = m
	return nil
}

func typeErrors(err error) []string {
	if te, ok := err.(*yaml.TypeError); ok {
		return te.Errors
	}
	return []string{err.Error()}
}
