package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"grassroots/pipelines"
	"grassroots/reports"
	"grassroots/sql/indicators"
	"grassroots/sql/warehouse"
)

func init() {
	register("regions", runRegions)
}

// regionsBudget is the target for rendering the page of every region of the
// country: the country, its provinces, prefectures and counties.
const regionsBudget = 10 * time.Second

// runRegions builds a warehouse with the real region codes and census
// figures for every region of the country, then times `grassroots report
// --all` (--region 000000 --all): Render with the built-in region template
// over the whole country, as the command runs it, into a new folder, and
// reports the site's size.
func runRegions(ctx context.Context, b *Bench) error {
	path := filepath.Join(b.Dir, "regions.duckdb")
	w, err := freshWarehouse(ctx, path)
	if err != nil {
		return err
	}
	defer w.Close()
	start := time.Now()
	how, err := fillRegionsWarehouse(ctx, w)
	if err != nil {
		return err
	}
	db := w.DB()
	var regions, values int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM region WHERE level <= 3), (SELECT count(*) FROM indicator_value)`).Scan(&regions, &values); err != nil {
		return err
	}
	fmt.Fprintf(b.Out, "regions: warehouse of %d regions down to the counties, %d indicator values (%s), built in %.1fs\n",
		regions, values, how, time.Since(start).Seconds())

	out := filepath.Join(b.Dir, "regions-site")
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	defer func() {
		if !b.Keep {
			os.RemoveAll(out)
		}
	}()
	runtime.GC()
	start = time.Now()
	site, err := reports.Render(ctx, db, nil, reports.Options{Out: out, Lang: reports.Zh,
		Regions: []reports.Subtree{{Code: reports.CountryCode, Depth: reports.AllLevels}}})
	if err != nil {
		return err
	}
	took := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	levels := map[int]int{}
	for _, r := range site.Regions {
		levels[r.Level]++
	}
	pages, pageBytes, assetBytes, largest, largestName, err := siteSize(out)
	if err != nil {
		return err
	}
	verdict := "within"
	if took > regionsBudget {
		verdict = "OVER"
	}
	fmt.Fprintf(b.Out, "regions: %d pages (%d country, %d provinces, %d prefectures, %d counties) in %.2fs, %.2f ms a page on %d cores — %s the %.0f s budget\n",
		len(site.Regions), levels[0], levels[1], levels[2], levels[3], took.Seconds(),
		float64(took.Microseconds())/1000/float64(max(1, len(site.Regions))), runtime.GOMAXPROCS(0), verdict, regionsBudget.Seconds())
	fmt.Fprintf(b.Out, "regions: site %.1f MB: %d pages %.1f MB (largest %s, %.0f kB), assets %.1f MB; Go heap peak %.0f MB\n",
		float64(pageBytes+assetBytes)/1e6, pages, float64(pageBytes)/1e6, largestName, float64(largest)/1e3,
		float64(assetBytes)/1e6, float64(ms.HeapSys)/1e6)
	return nil
}

// siteSize sums the files of a rendered site: its pages and its assets.
func siteSize(dir string) (pages int, pageBytes, assetBytes, largest int64, largestName string, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if strings.HasPrefix(p, filepath.Join(dir, "assets")+string(filepath.Separator)) {
			assetBytes += fi.Size()
			return nil
		}
		pages++
		pageBytes += fi.Size()
		if fi.Size() > largest {
			largest, largestName = fi.Size(), d.Name()
		}
		return nil
	})
	return
}

// fillRegionsWarehouse loads the region codes and the 2010 and 2020
// censuses through the reference pipelines, and computes the census
// indicators the region pages show, as `grassroots demo` does.
func fillRegionsWarehouse(ctx context.Context, w *warehouse.Warehouse) (string, error) {
	if err := pipelines.LoadReference(ctx, w, "refdata_region", "refdata_region_crosswalk", "refdata_national_urbanisation",
		"refdata_census_2010", "refdata_census_2010_age", "refdata_census_2020", "refdata_census_2020_age"); err != nil {
		return "", err
	}
	if _, err := indicators.ComputeWith(ctx, w, indicators.Options{Trigger: "bench"},
		"urban.rate_census", "urban.census_change_pp", "population.share_60_plus", "population.share_65_plus"); err != nil {
		return "", err
	}
	return "the 2010 and 2020 censuses", nil
}
