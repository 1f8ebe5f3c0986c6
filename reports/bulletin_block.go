package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"grassroots/reports/bulletin"
	defs "grassroots/sql/indicators"
)

// The 概述 block: every page opens with the bulletin paragraphs of its
// region (package bulletin), above the charts — the region's latest figures,
// their change, rank, target status and warnings, in words. Small cells are
// left out of it as they are of the charts.

// bulletinFacts are the bulletin facts of region, gathered with those of
// every region of the cache at once.
func (c *Cache) bulletinFacts(ctx context.Context, region string) (*bulletin.Facts, error) {
	return cached(ctx, c, "bulletin", region, func(ctx context.Context, codes []string) (map[string]*bulletin.Facts, error) {
		hidden, err := c.hiddenValues(ctx)
		if err != nil {
			return nil, err
		}
		small := anyVintage(hidden)
		codes, err = c.known(ctx, codes)
		if err != nil {
			return nil, err
		}
		return bulletin.Gather(ctx, c.db, codes, bulletin.Options{Hidden: func(r, ind, period string) bool {
			return small[[3]string{r, ind, period}]
		}, DefaultPrecision: defs.DefaultPrecision})
	})
}

// known keeps the codes of the region table.
func (c *Cache) known(ctx context.Context, codes []string) ([]string, error) {
	t, err := c.tree(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, code := range codes {
		if t.node(code) != nil {
			out = append(out, code)
		}
	}
	return out, nil
}

// BulletinFacts gathers the bulletin facts of one region up to year (0: the
// latest), leaving out the values that small cells hide, as report pages do.
func BulletinFacts(ctx context.Context, db *sql.DB, region string, year int) (*bulletin.Facts, error) {
	hidden, err := HiddenValue(ctx, db)
	if err != nil {
		return nil, err
	}
	facts, err := bulletin.Gather(ctx, db, []string{region}, bulletin.Options{Year: year, Hidden: hidden, DefaultPrecision: defs.DefaultPrecision})
	if err != nil {
		return nil, err
	}
	return facts[region], nil
}

// HiddenValue reports, for the warehouse db, which indicator values small
// cells hide (region, indicator, period; any vintage).
func HiddenValue(ctx context.Context, db *sql.DB) (func(region, indicator, period string) bool, error) {
	hidden, err := NewCache(db).hiddenValues(ctx)
	if err != nil {
		return nil, err
	}
	small := anyVintage(hidden)
	return func(r, ind, period string) bool { return small[[3]string{r, ind, period}] }, nil
}

// pageBulletin writes the bulletin of region for a page; nil where it has
// nothing to say.
func pageBulletin(ctx context.Context, c *Cache, region string, tmpl *bulletin.Templates) ([]bulletin.Section, error) {
	if tmpl == nil {
		var err error
		if tmpl, err = bulletinTemplates(); err != nil {
			return nil, err
		}
	}
	f, err := c.bulletinFacts(ctx, region)
	if err != nil || f == nil {
		return nil, err
	}
	return tmpl.Write(f)
}

// bulletinTemplates are the bundled templates, read once.
var bulletinTemplates = sync.OnceValues(func() (*bulletin.Templates, error) { return bulletin.Load("") })

// addBulletin opens page p with the bulletin of its region: on Chinese
// pages (the templates write Chinese), where it has something to say.
func addBulletin(ctx context.Context, c *Cache, p *Page, l Lang, tmpl *bulletin.Templates) error {
	if l == En {
		return nil
	}
	s, err := pageBulletin(ctx, c, p.Region.Code, tmpl)
	if err != nil {
		return fmt.Errorf("page %s: %w", p.File, err)
	}
	p.Bulletin = s
	return nil
}
