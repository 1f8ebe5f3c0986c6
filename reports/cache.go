package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Cache holds what the charts read from the warehouse, fetched for a set of
// regions at once: one query per table (or per chart query) for all of them,
// not one per chart per region. Render makes one for the regions it renders;
// a caller rendering many regions in turn (every county of a province) makes
// one for all of them with NewCache and passes it in Options.Cache, so that
// each table is read once for the whole site.
//
// A region the cache was not made for is still answered: it is fetched on
// first use, together with any regions of the set not yet fetched. A Cache
// reads the warehouse as it is when first asked; it is safe for concurrent
// use.
type Cache struct {
	db *sql.DB

	mu      sync.Mutex
	regions []string
	sets    map[string]*cacheSet // by loader key
}

// cacheSet holds what one loader read, by region code ("" for none); its
// lock is held while the loader runs, so that loaders of different keys run
// side by side and a key is loaded once.
type cacheSet struct {
	mu     sync.Mutex
	values map[string]any
}

// NewCache returns a cache for the given region codes.
func NewCache(db *sql.DB, regions ...string) *Cache {
	c := &Cache{db: db, sets: map[string]*cacheSet{}}
	c.addRegions(regions...)
	return c
}

// add adds regions to those the cache fetches at once.
func (c *Cache) add(codes ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addRegions(codes...)
}

func (c *Cache) addRegions(codes ...string) {
	seen := map[string]bool{}
	for _, r := range c.regions {
		seen[r] = true
	}
	for _, r := range codes {
		if !seen[r] {
			seen[r] = true
			c.regions = append(c.regions, r)
		}
	}
}

// cached returns the value of key for region, running load (for region and
// every region of the cache not yet loaded under key) when it is missing.
// Regions load leaves out get the zero value. load runs with key locked and
// must not ask for key itself.
func cached[T any](ctx context.Context, c *Cache, key, region string, load func(ctx context.Context, regions []string) (map[string]T, error)) (T, error) {
	c.mu.Lock()
	set := c.sets[key]
	if set == nil {
		set = &cacheSet{values: map[string]any{}}
		c.sets[key] = set
	}
	c.mu.Unlock()
	set.mu.Lock()
	defer set.mu.Unlock()
	if v, ok := set.values[region]; ok {
		return v.(T), nil
	}
	todo := []string{region}
	if region != "" {
		c.mu.Lock()
		for _, r := range c.regions {
			if _, ok := set.values[r]; !ok && r != region {
				todo = append(todo, r)
			}
		}
		c.mu.Unlock()
	}
	got, err := load(ctx, todo)
	if err != nil {
		var zero T
		return zero, err
	}
	for _, r := range todo {
		set.values[r] = got[r]
	}
	return set.values[region].(T), nil
}

// prefixQuery runs query once per length of the regions' code prefixes, with
// {n} replaced by the length and the prefixes of that length as the query's
// only argument. Rows inside a region are those whose code starts with its
// prefix; for one length that is a hash join on left(region_code, n) rather
// than a starts_with test of every row against every region. The first
// column of query must be left(region_code, {n}): scan reads each row (the
// prefix into *prefix) and gets the region it belongs to from owner.
func prefixQuery(ctx context.Context, db *sql.DB, what string, regions []string, query string, scan func(rows *sql.Rows, owner map[string]string) error) error {
	owner := map[string]string{}
	lengths := map[int][]string{}
	for _, r := range regions {
		p := Region{Code: r}.Prefix()
		if _, dup := owner[p]; dup {
			continue
		}
		owner[p] = r
		lengths[len(p)] = append(lengths[len(p)], p)
	}
	ns := make([]int, 0, len(lengths))
	for n := range lengths {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	for _, n := range ns {
		err := func() error {
			rows, err := db.QueryContext(ctx, strings.ReplaceAll(query, "{n}", fmt.Sprint(n)), lengths[n])
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			defer rows.Close()
			for rows.Next() {
				if err := scan(rows, owner); err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	return nil
}
