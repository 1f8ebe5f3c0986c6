package reports

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"grassroots/reports/assets"
)

// A region site is one template (templates/region.yaml) drawn for many
// regions, a page each, region-CODE.html: the parameterised page of a static
// site generator, with the region code as its parameter. Every page links up
// to the country through its breadcrumbs and down to the pages of the regions
// below it; the report pages rendered for a region are linked from its page.

// Subtree selects region pages: the region Code and the regions below it,
// down to Depth levels below it (0: the region alone; AllLevels: down to the
// lowest level that has data). Placeholder prefectures (市辖区) are passed
// through, not counted.
type Subtree struct {
	Code  string
	Depth int
}

// AllLevels is the Depth of a subtree down to the lowest level with data.
const AllLevels = -1

// RegionFile is the file name of a region's page.
func RegionFile(code string) string { return "region-" + code + ".html" }

// RegionPage is what Render wrote for one region.
type RegionPage struct {
	Region
	File      string
	DataDate  string
	Synthetic bool
	Blocks    int // charts and tables on the page
}

// Crumb is one step of a page's breadcrumbs, or a link to a region below.
type Crumb struct {
	Name string
	Href string // "" where the site has no page for it
}

// siteLinks are the pages of the site being rendered, for links between
// them: a link is only ever drawn to a page the same render writes.
type siteLinks struct {
	regions map[string]bool    // region codes with a page
	reports map[string][]Crumb // report pages by the region they show
}

// regionHref is the link to the page of region code ("" for none).
func (s *siteLinks) regionHref(code string) string {
	if s == nil || !s.regions[code] {
		return ""
	}
	return RegionFile(code)
}

// selectRegions lists the regions the subtrees select that have a page: a
// subtree's region always, the regions below it where the warehouse has any
// indicator value for them. The order is the tree's, each region before the
// regions below it.
func selectRegions(ctx context.Context, cache *Cache, subtrees []Subtree) ([]string, error) {
	t, err := cache.tree(ctx)
	if err != nil {
		return nil, err
	}
	figs, err := cache.regionFigures(ctx)
	if err != nil {
		return nil, err
	}
	depth := map[string]int{} // deepest reach asked below each region
	var roots []string
	for _, s := range subtrees {
		if t.node(s.Code) == nil {
			return nil, fmt.Errorf("region %s is not in the region table", s.Code)
		}
		d := s.Depth
		if d < 0 {
			d = 1 << 30
		}
		if old, ok := depth[s.Code]; !ok || d > old {
			if !ok {
				roots = append(roots, s.Code)
			}
			depth[s.Code] = d
		}
	}
	var out []string
	seen := map[string]bool{}
	var walk func(code string, left int)
	walk = func(code string, left int) {
		if d, ok := depth[code]; ok && d > left {
			left = d
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
		if left == 0 {
			return
		}
		for _, k := range t.children(code) {
			if figs[k.Code] != nil || depth[k.Code] > 0 || isRoot(k.Code, subtrees) {
				walk(k.Code, left-1)
			}
		}
	}
	// Roots in tree order: a root inside another is reached from it.
	sort.SliceStable(roots, func(i, j int) bool { return len(t.up(roots[i])) < len(t.up(roots[j])) })
	for _, r := range roots {
		walk(r, depth[r])
	}
	return out, nil
}

func isRoot(code string, subtrees []Subtree) bool {
	for _, s := range subtrees {
		if s.Code == code {
			return true
		}
	}
	return false
}

// buildRegion builds the page of one region from the template.
func buildRegion(ctx context.Context, cache *Cache, tmpl *Spec, code string, site *siteLinks, l Lang) (*Page, error) {
	t, err := cache.tree(ctx)
	if err != nil {
		return nil, err
	}
	n := t.node(code)
	if n == nil {
		return nil, fmt.Errorf("region %s is not in the region table", code)
	}
	p := &Page{Spec: tmpl, File: RegionFile(code), Region: n.Region, Title: tmpl.Title.In(l), IsRegion: true}
	for _, a := range t.up(code) {
		p.Crumbs = append(p.Crumbs, Crumb{Name: a.Name, Href: site.regionHref(a.Code)})
	}
	p.Crumbs = append(p.Crumbs, Crumb{Name: n.Name})
	for _, k := range t.children(code) {
		if h := site.regionHref(k.Code); h != "" {
			p.Below = append(p.Below, Crumb{Name: k.Name, Href: h})
		}
	}
	if site != nil {
		p.Details = site.reports[code]
	}
	for i, c := range tmpl.Charts {
		if !c.On(n.Level) {
			continue
		}
		b, err := buildBlock(ctx, cache, tmpl, i, c, n.Region, l, site)
		if err != nil {
			return nil, err
		}
		if c.Optional && (b.Empty != "" || (b.Option == nil && b.Table == nil)) {
			continue
		}
		p.Blocks = append(p.Blocks, b)
		p.DataDate = maxDate(p.DataDate, b.DataDate)
		p.Synthetic = p.Synthetic || b.Synthetic
	}
	return p, nil
}

// renderRegions builds and writes the page of every region in codes, side by
// side on every core, and returns what it wrote, in the order of codes, and
// the scripts of assets/ the pages need.
func renderRegions(ctx context.Context, cache *Cache, tmpl *Spec, codes []string, site *siteLinks, o Options) ([]RegionPage, []string, error) {
	if err := prefetch(ctx, cache, codes); err != nil {
		return nil, nil, err
	}
	out := make([]RegionPage, len(codes))
	// More workers than cores: a worker creating its page's file waits on
	// the file system, and the others keep the cores busy meanwhile.
	workers := 4 * runtime.GOMAXPROCS(0)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		need     = map[string]bool{}
		wg       sync.WaitGroup
		next     = make(chan int)
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p, err := buildRegion(ctx, cache, tmpl, codes[i], site, o.Lang)
				if err == nil {
					err = addBulletin(ctx, cache, p, o.Lang, o.Bulletin)
				}
				if err != nil {
					fail(fmt.Errorf("region page %s: %w", codes[i], err))
					continue
				}
				b, err := PageHTML(p, o)
				if err != nil {
					fail(err)
					continue
				}
				if err := writeFile(filepath.Join(o.Out, p.File), b); err != nil {
					fail(err)
					continue
				}
				out[i] = RegionPage{Region: p.Region, File: p.File, DataDate: p.DataDate, Synthetic: p.Synthetic, Blocks: len(p.Blocks)}
				mu.Lock()
				for _, blk := range p.Blocks {
					for _, a := range blk.Assets {
						need[a] = true
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range codes {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return out, sortedKeys(need), nil
}

// prefetch reads, side by side, every table the region pages read, for all
// of them, before the workers start: they then only look up.
func prefetch(ctx context.Context, cache *Cache, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	loads := []func() error{
		func() error { _, err := cache.tree(ctx); return err },
		func() error { _, err := cache.regionFigures(ctx); return err },
		func() error { _, err := cache.census(ctx, codes[0]); return err },
		func() error { _, err := cache.censusAges(ctx, codes[0]); return err },
		func() error { _, err := cache.catalogue(ctx); return err },
		func() error { _, err := cache.bulletinFacts(ctx, codes[0]); return err },
	}
	errs := make([]error, len(loads))
	var wg sync.WaitGroup
	for i, load := range loads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = load()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writeScripts writes the named embedded files into dir (assets/), each
// once: all of them for a site, or the province maps a render needs.
func writeScripts(dir string, names []string) error {
	written := map[string]bool{}
	for _, n := range names {
		if written[n] {
			continue
		}
		written[n] = true
		b, err := assets.Read(n)
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, n), b); err != nil {
			return err
		}
	}
	return nil
}
