package packages

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"grassroots/sources/fetch"
	"grassroots/sql/warehouse"
)

// ImportOptions say how to import.
type ImportOptions struct {
	// Trigger is recorded with the run: cli, schedule, demo.
	Trigger string
}

// Result is what an import did.
type Result struct {
	RunID    int64
	Manifest *Manifest
	// Skipped is set when the same package (same SHA-256) is already the
	// current one for its region and years: nothing changed.
	Skipped  string
	Values   int64 // indicator rows imported
	Counts   int64 // aggregate rows imported
	Replaced int64 // rows of earlier packages replaced
	// Withheld is how many indicator rows of a suppressed package hold a
	// figure withheld as a small cell (NULL, flagged SuppressedFlag): the
	// roll-ups above them are partial.
	Withheld int64
}

// Import checks the package file at path and loads it in one run: its
// indicator values and counts replace those an earlier package brought for
// the same region and years. It refuses, naming the check that failed, a
// file that is not a package or is truncated, a format version it does not
// read, a table whose checksum or row count differs from the manifest, a
// table of microdata, a region not below the warehouse's home region, rows
// of regions outside the package's region, and figures that clash with the
// warehouse's own for the same region, period and vintage.
//
// A package made with small-cell suppression (Manifest.Suppressed) is taken
// as it is: its withheld figures are NULL, never summed as zero — the
// indicator roll-ups skip them and mark the regions above partial.
func Import(ctx context.Context, w *warehouse.Warehouse, path string, o ImportOptions) (Result, error) {
	var res Result
	name := filepath.Base(path)
	fileSum, err := fetch.Hash(ctx, path, nil)
	if err != nil {
		return res, fmt.Errorf("package %s: %w", name, err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return res, fmt.Errorf("package %s: not a grassroots package, or truncated (%v): ask the sender to export it again", name, err)
	}
	defer zr.Close()
	m, err := readManifest(zr, name)
	if err != nil {
		return res, err
	}
	res.Manifest = m
	if err := checkTables(zr, m, name); err != nil {
		return res, err
	}
	home, err := w.Home(ctx)
	if err != nil {
		return res, err
	}
	if err := CheckCode(m.Region); err != nil {
		return res, fmt.Errorf("package %s: manifest: %w", name, err)
	}
	if !Below(m.Region, home) {
		return res, fmt.Errorf("package %s: region %s (%s) is not below this warehouse's home region %s; a warehouse takes packages from the regions below it only (grassroots init --region sets the home region)",
			name, m.Region, m.RegionName, home)
	}
	if len(m.Years) == 0 {
		return res, fmt.Errorf("package %s: manifest: no years", name)
	}

	// Same file already current for its region and years: nothing to do.
	var same int
	if err := w.DB().QueryRowContext(ctx, `SELECT count(DISTINCT year) FROM reported_package
		WHERE package_region = ? AND file_sha256 = ? AND year IN (`+yearList(m.Years)+`)`, m.Region, fileSum).Scan(&same); err != nil {
		return res, fmt.Errorf("package %s: %w", name, err)
	}

	dir, err := os.MkdirTemp(filepath.Dir(w.Path()), ".grassroots-import-*")
	if err != nil {
		return res, fmt.Errorf("package %s: %w", name, err)
	}
	defer os.RemoveAll(dir)
	files := map[string]string{}
	for _, t := range m.Tables {
		p, err := extract(zr, t, dir, name)
		if err != nil {
			return res, err
		}
		files[t.Name] = p
	}

	id, err := w.BeginRun(ctx, warehouse.RunInfo{Pipeline: "import package", Trigger: o.Trigger,
		Input: name + " [" + m.Region + " " + yearList(m.Years) + "]", InputHash: fileSum})
	if err != nil {
		return res, err
	}
	res.RunID = id
	bg := context.WithoutCancel(ctx)
	fail := func(err error) (Result, error) {
		status := warehouse.StatusFailed
		if ctx.Err() != nil {
			status = warehouse.StatusInterrupted
		}
		if ferr := w.FinishRun(bg, id, warehouse.RunResult{Status: status, Err: err}); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return res, err
	}
	if same == len(m.Years) {
		res.Skipped = "the same package (SHA-256 " + fileSum[:12] + "…) is already the current one for " + m.Region + " " + yearList(m.Years)
		if err := w.FinishRun(bg, id, warehouse.RunResult{Status: warehouse.StatusSkipped, Err: errors.New("skipped: " + res.Skipped)}); err != nil {
			return res, err
		}
		return res, nil
	}

	err = w.Update(ctx, func(ctx context.Context, tx *warehouse.Tx) error {
		for _, t := range m.Tables {
			var n int64
			if err := scanRow(ctx, tx, []any{&n}, `SELECT count(*) FROM read_parquet(?)`, files[t.Name]); err != nil {
				return fmt.Errorf("package %s: table %s: %w", name, t.Name, err)
			}
			if n != t.Rows {
				return fmt.Errorf("package %s: table %s holds %d rows, the manifest says %d", name, t.Name, n, t.Rows)
			}
			// Every row of the region's or of the regions below it.
			col := "region_code"
			if t.Name == "region" {
				col = "code"
			}
			var outside sql.NullString
			if err := scanRow(ctx, tx, []any{&outside}, `SELECT min(`+col+`) FROM read_parquet(?) WHERE NOT starts_with(`+col+`, ?)`,
				files[t.Name], prefix(m.Region)); err != nil {
				return fmt.Errorf("package %s: table %s: %w", name, t.Name, err)
			}
			if outside.Valid {
				return fmt.Errorf("package %s: table %s has rows of region %s, which is not %s or below it", name, t.Name, outside.String, m.Region)
			}
		}
		// Rows of years the manifest does not name would be left out:
		// refused instead.
		for _, t := range m.Tables {
			if t.Name == "region" {
				continue
			}
			var other sql.NullInt64
			if err := scanRow(ctx, tx, []any{&other}, `SELECT min(year) FROM read_parquet(?) WHERE year IS NULL OR year NOT IN (`+yearList(m.Years)+`)`,
				files[t.Name]); err != nil {
				return fmt.Errorf("package %s: table %s: %w", name, t.Name, err)
			}
			if other.Valid {
				return fmt.Errorf("package %s: table %s has rows of %d, a year its manifest does not name (%s)", name, t.Name, other.Int64, yearList(m.Years))
			}
		}
		// A package of a region above or below one already in for the
		// same years would report its figures twice.
		var overlap sql.NullString
		if err := scanRow(ctx, tx, []any{&overlap}, `SELECT min(package_region) FROM reported_package
			WHERE package_region <> ? AND year IN (`+yearList(m.Years)+`)
			  AND (starts_with(package_region, ?) OR starts_with(?, `+PrefixSQL("package_region")+`))`,
			m.Region, prefix(m.Region), m.Region); err != nil {
			return fmt.Errorf("package %s: %w", name, err)
		}
		if overlap.Valid {
			return fmt.Errorf("package %s: region %s overlaps the package of %s already imported for these years (one lies within the other), so their figures would count twice; import one level only, or revert the other's run (grassroots runs revert)",
				name, m.Region, overlap.String)
		}
		iv := files["indicator_value"]
		if err := checkClash(ctx, tx, iv, name); err != nil {
			return err
		}
		// Withheld figures are NULL and say so; a package whose manifest
		// does not record suppression has none.
		if err := scanRow(ctx, tx, []any{&res.Withheld}, `SELECT count(*) FROM read_parquet(?) WHERE contains(coalesce(flags, ''), ?)`,
			iv, SuppressedFlag); err != nil {
			return fmt.Errorf("package %s: table indicator_value: %w", name, err)
		}
		if res.Withheld > 0 && m.Suppressed == nil {
			return fmt.Errorf("package %s: table indicator_value has %d rows withheld as small cells (%s), but the manifest does not say the package was suppressed: ask the sender to export it again",
				name, res.Withheld, SuppressedFlag)
		}
		years := yearList(m.Years)
		where := "package_region = ? AND year IN (" + years + ")"
		for _, table := range []string{"reported_value", "reported_count", "reported_package"} {
			n, err := tx.Supersede(ctx, table, id, where, m.Region)
			if err != nil {
				return err
			}
			if table != "reported_package" {
				res.Replaced += n
			}
		}
		values, err := tx.Table(ctx, "reported_value", id)
		if err != nil {
			return err
		}
		// The observation status of each value (packages made before it
		// existed have none: final).
		status := "NULL"
		var hasStatus int
		if err := scanRow(ctx, tx, []any{&hasStatus}, `SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet(?)) WHERE column_name = 'status'`, iv); err != nil {
			return fmt.Errorf("package %s: table indicator_value: %w", name, err)
		}
		if hasStatus > 0 {
			status = "status"
			// A status this warehouse does not know would rank nowhere:
			// the level below adds its statuses here first.
			var unknown sql.NullString
			if err := scanRow(ctx, tx, []any{&unknown}, `SELECT min(p.status) FROM read_parquet(?) p
				WHERE p.status IS NOT NULL AND p.status NOT IN (SELECT code FROM observation_status)`, iv); err != nil {
				return fmt.Errorf("package %s: table indicator_value: %w", name, err)
			}
			if unknown.Valid {
				return fmt.Errorf("package %s: observation status %q is not one this warehouse knows (see table observation_status): add it, with its rank and symbol, before importing", name, unknown.String)
			}
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO `+values+` (package_region, indicator, region_code, period, year, vintage,
			numerator, denominator, value, unit, flags, is_rollup, is_derived, is_synthetic, reported, expected, status, run_id)
			SELECT ?, indicator, region_code, period, year, vintage, numerator, denominator, value, unit, coalesce(flags, ''),
			       is_rollup, is_derived, is_synthetic, reported, expected, `+status+`, ?
			FROM read_parquet(?) WHERE year IN (`+years+`)`, m.Region, id, iv)
		if err != nil {
			return fmt.Errorf("package %s: table indicator_value: %w", name, err)
		}
		res.Values, _ = r.RowsAffected()
		if p, ok := files["count"]; ok {
			counts, err := tx.Table(ctx, "reported_count", id)
			if err != nil {
				return err
			}
			r, err := tx.ExecContext(ctx, `INSERT INTO `+counts+` (package_region, aggregate, region_code, period, year,
				breakdown, measure, value, is_synthetic, run_id)
				SELECT ?, aggregate, region_code, period, year, coalesce(breakdown, ''), measure, value, is_synthetic, ?
				FROM read_parquet(?) WHERE year IN (`+years+`)`, m.Region, id, p)
			if err != nil {
				return fmt.Errorf("package %s: table count: %w", name, err)
			}
			res.Counts, _ = r.RowsAffected()
		}
		pkgs, err := tx.Table(ctx, "reported_package", id)
		if err != nil {
			return err
		}
		var vintages []string
		for code, vs := range m.Vintages {
			vintages = append(vintages, code+"="+strings.Join(vs, "|"))
		}
		slices.Sort(vintages)
		for _, y := range m.Years {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+pkgs+` (package_region, year, producer, producer_home, created_at,
				imported_at, file_name, file_sha256, format_version, schema_version, vintages, rows, is_synthetic, run_id)
				VALUES (?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?)`,
				m.Region, y, m.Producer, m.ProducerHome, m.CreatedAt, name, fileSum, m.FormatVersion, m.SchemaVersion,
				strings.Join(vintages, "; "), res.Values+res.Counts, m.Synthetic, id); err != nil {
				return fmt.Errorf("package %s: record: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if err := w.FinishRun(bg, id, warehouse.RunResult{Status: warehouse.StatusSucceeded, RowsRead: res.Values + res.Counts,
		RowsLoaded: res.Values + res.Counts}); err != nil {
		return res, err
	}
	return res, nil
}

// readManifest reads and checks the package's manifest.
func readManifest(zr *zip.ReadCloser, name string) (*Manifest, error) {
	var mf *zip.File
	for _, f := range zr.File {
		if f.Name == manifestName {
			mf = f
		}
	}
	if mf == nil {
		return nil, fmt.Errorf("package %s: no %s: not a grassroots package", name, manifestName)
	}
	rc, err := mf.Open()
	if err != nil {
		return nil, fmt.Errorf("package %s: %s: %w", name, manifestName, err)
	}
	defer rc.Close()
	var m Manifest
	dec := json.NewDecoder(io.LimitReader(rc, 16<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("package %s: %s is damaged (%v): ask the sender to export the package again", name, manifestName, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("package %s: format %q, not %q: not a grassroots package", name, m.Format, Format)
	}
	if m.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("package %s: package format version %d; this grassroots reads version %d (made by %s)",
			name, m.FormatVersion, FormatVersion, m.Producer)
	}
	return &m, nil
}

// checkTables refuses microdata, files the manifest does not name, and
// tables a package does not hold.
func checkTables(zr *zip.ReadCloser, m *Manifest, name string) error {
	named := map[string]bool{manifestName: true}
	for _, t := range m.Tables {
		base := strings.TrimSuffix(t.Name, filepath.Ext(t.Name))
		if slices.Contains(microdata, base) {
			return fmt.Errorf("package %s: holds table %s, microdata (rows of people or organisations), which packages never carry; refused", name, t.Name)
		}
		if _, ok := tables[t.Name]; !ok {
			return fmt.Errorf("package %s: holds table %q, which is not a table of a package (%s)", name, t.Name, tableNames())
		}
		if t.File != t.Name+".parquet" {
			return fmt.Errorf("package %s: table %s is in file %q, want %s.parquet", name, t.Name, t.File, t.Name)
		}
		named[t.File] = true
	}
	for _, f := range zr.File {
		if named[f.Name] {
			continue
		}
		base := strings.TrimSuffix(filepath.Base(f.Name), filepath.Ext(f.Name))
		if slices.Contains(microdata, base) {
			return fmt.Errorf("package %s: holds %s, microdata (rows of people or organisations), which packages never carry; refused", name, f.Name)
		}
		return fmt.Errorf("package %s: holds %s, which the manifest does not name", name, f.Name)
	}
	for _, need := range []string{"indicator_value", "region"} {
		if !slices.ContainsFunc(m.Tables, func(t Table) bool { return t.Name == need }) {
			return fmt.Errorf("package %s: the manifest names no table %s", name, need)
		}
	}
	return nil
}

func tableNames() string {
	var ns []string
	for n := range tables {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return strings.Join(ns, ", ")
}

// extract copies table t out of the package into dir, checking its size and
// SHA-256 against the manifest.
func extract(zr *zip.ReadCloser, t Table, dir, name string) (string, error) {
	var zf *zip.File
	for _, f := range zr.File {
		if f.Name == t.File {
			zf = f
		}
	}
	if zf == nil {
		return "", fmt.Errorf("package %s: table %s: no file %s in the package (truncated?)", name, t.Name, t.File)
	}
	rc, err := zf.Open()
	if err != nil {
		return "", fmt.Errorf("package %s: table %s: %w", name, t.Name, err)
	}
	defer rc.Close()
	p := filepath.Join(dir, t.File)
	f, err := os.Create(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(rc, t.Bytes+1))
	if err != nil {
		return "", fmt.Errorf("package %s: table %s: %v (truncated or damaged)", name, t.Name, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != t.Bytes || sum != t.SHA256 {
		return "", fmt.Errorf("package %s: table %s: checksum mismatch: the manifest says %d bytes, SHA-256 %s…; the file has %d bytes, SHA-256 %s…: the package was changed or damaged after it was made; ask the sender to export it again",
			name, t.Name, t.Bytes, short(t.SHA256), n, short(sum))
	}
	return p, f.Close()
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// checkClash refuses a package whose figures differ from the warehouse's
// own for the same indicator, region, period and vintage (figures it
// computed from its own data, not from an earlier package).
func checkClash(ctx context.Context, tx *warehouse.Tx, iv, name string) error {
	var ind, region, period, vintage sql.NullString
	var ours, theirs sql.NullFloat64
	err := scanRow(ctx, tx, []any{&ind, &region, &period, &vintage, &ours, &theirs}, `SELECT p.indicator, p.region_code, p.period, p.vintage, o.value, p.value
		FROM read_parquet(?) p JOIN indicator_value o
		  ON o.indicator = p.indicator AND o.region_code = p.region_code AND o.period = p.period AND o.vintage = p.vintage
		WHERE NOT o.is_rollup AND NOT o.beside_own AND o.flags NOT LIKE '%reported by %' AND NOT p.is_derived
		  AND (o.numerator IS DISTINCT FROM p.numerator AND abs(o.numerator - p.numerator) > 1e-9 * greatest(abs(o.numerator), 1)
		    OR o.denominator IS DISTINCT FROM p.denominator AND abs(o.denominator - p.denominator) > 1e-9 * greatest(abs(o.denominator), 1))
		ORDER BY ALL LIMIT 1`, iv)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("package %s: %w", name, err)
	}
	v := vintage.String
	if v == "" {
		v = "(default)"
	}
	return fmt.Errorf("package %s: %s for %s, %s, vintage %s clashes with this warehouse's own figure (%.4g here, %.4g in the package); nothing was imported",
		name, ind.String, region.String, period.String, v, ours.Float64, theirs.Float64)
}

// scanRow runs a query of one row in tx and scans it into dst.
func scanRow(ctx context.Context, tx *warehouse.Tx, dst []any, query string, args ...any) error {
	row, err := tx.QueryRowContext(ctx, query, args...)
	if err != nil {
		return err
	}
	return row.Scan(dst...)
}
