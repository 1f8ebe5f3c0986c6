package reports

import (
	"context"
	"database/sql"
	"sort"
	"strings"
)

// The region tree the region pages navigate: each region with the regions
// directly below it, read once per Cache from the region table.
//
// Placeholder prefectures are not regions a reader looks for: the 市辖区 and
// 县 of the municipalities (110100, 310100, 500200 …) and the
// 省直辖县级行政区划 of some provinces (419000, 659000 …) only group the
// counties under them. Navigation goes through them: they get no page, no
// breadcrumb, and their counties are listed as the children of the province.

// regionNode is a region of the tree.
type regionNode struct {
	Region
	Parent   string
	children []string // codes directly below, as the region table has them
}

// Placeholder reports whether the region only groups the counties below it.
func (n *regionNode) Placeholder() bool { return isPlaceholder(n.Level, n.Name) }

func isPlaceholder(level int, name string) bool {
	return level == 2 && (name == "市辖区" || name == "县" || strings.HasSuffix(name, "直辖县级行政区划"))
}

// regionTree is every region of the warehouse.
type regionTree struct {
	nodes map[string]*regionNode
}

// tree reads the region table (its current rows) once per cache.
func (c *Cache) tree(ctx context.Context) (*regionTree, error) {
	return cached(ctx, c, "tree", "", func(ctx context.Context, _ []string) (map[string]*regionTree, error) {
		t := &regionTree{nodes: map[string]*regionNode{}}
		err := query(ctx, c.db, "region", `SELECT code, name, level, coalesce(parent_code, '') FROM region
			QUALIFY row_number() OVER (PARTITION BY code ORDER BY valid_to DESC NULLS FIRST) = 1
			ORDER BY code`,
			func(rows *sql.Rows) error {
				n := &regionNode{}
				if err := rows.Scan(&n.Code, &n.Name, &n.Level, &n.Parent); err != nil {
					return err
				}
				t.nodes[n.Code] = n
				return nil
			})
		if err != nil {
			return nil, err
		}
		if t.nodes[CountryCode] == nil {
			t.nodes[CountryCode] = &regionNode{Region: Region{Code: CountryCode, Name: "全国", Level: 0}}
		}
		for _, n := range t.nodes { // codes come in order: children stay sorted
			if p := t.nodes[n.Parent]; p != nil && n.Parent != n.Code {
				p.children = append(p.children, n.Code)
			}
		}
		for _, n := range t.nodes {
			sort.Strings(n.children)
		}
		return map[string]*regionTree{"": t}, nil
	})
}

func (t *regionTree) node(code string) *regionNode { return t.nodes[code] }

// children are the regions a reader finds directly below code: its
// children, each placeholder replaced by the regions below it; by code.
func (t *regionTree) children(code string) []*regionNode {
	n := t.nodes[code]
	if n == nil {
		return nil
	}
	var out []*regionNode
	for _, c := range n.children {
		cn := t.nodes[c]
		if cn.Placeholder() {
			out = append(out, t.children(c)...)
			continue
		}
		out = append(out, cn)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// within are the regions of level inside code (at any depth, through
// placeholders), by code.
func (t *regionTree) within(code string, level int) []*regionNode {
	var out []*regionNode
	var walk func(string)
	walk = func(c string) {
		for _, k := range t.children(c) {
			switch {
			case k.Level == level:
				out = append(out, k)
			case k.Level < level:
				walk(k.Code)
			}
		}
	}
	walk(code)
	return out
}

// up are the regions above code, the country first, placeholders left out.
// A region whose chain stops short of the country (a province without a
// parent) still has the country above it.
func (t *regionTree) up(code string) []*regionNode {
	var out []*regionNode
	seen := map[string]bool{code: true}
	for n := t.nodes[code]; n != nil; {
		p := t.nodes[n.Parent]
		if p == nil || seen[p.Code] {
			break
		}
		seen[p.Code] = true
		if !p.Placeholder() {
			out = append([]*regionNode{p}, out...)
		}
		n = p
	}
	if code != CountryCode && !seen[CountryCode] {
		out = append([]*regionNode{t.nodes[CountryCode]}, out...)
	}
	return out
}
