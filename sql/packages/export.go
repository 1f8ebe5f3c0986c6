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
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"grassroots/sql/indicators"
	"grassroots/sql/suppress"
	"grassroots/sql/warehouse"
)

// ExportOptions say what to export.
type ExportOptions struct {
	Region string
	Years  []int
	// Producer names who made the package (default: the warehouse's file
	// name and home region).
	Producer string
	// Now is the creation time (default time.Now).
	Now time.Time
	// Suppress withholds small cells by the warehouse's rule
	// (small_cell_threshold): person counts from 1 to below the threshold,
	// and those that would give them back, become NULL, flagged
	// SuppressedFlag. Without it the package is exact, so that the level
	// above sums to what one warehouse holding all the data computes.
	Suppress bool
}

// Export writes the package of o.Region for o.Years to out (a file written
// to a temporary name beside it and renamed when complete) and returns its
// manifest.
func Export(ctx context.Context, w *warehouse.Warehouse, o ExportOptions, out string) (*Manifest, error) {
	if err := CheckCode(o.Region); err != nil {
		return nil, fmt.Errorf("package: %w", err)
	}
	if len(o.Years) == 0 {
		return nil, errors.New("package: no year to export (--period 2024, 2020..2024 or 2020,2024)")
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	db := w.DB()
	m := &Manifest{Format: Format, FormatVersion: FormatVersion, Region: o.Region, Years: slices.Sorted(slices.Values(o.Years)),
		CreatedAt: o.Now.UTC().Truncate(time.Second), Vintages: map[string][]string{}}
	if err := db.QueryRowContext(ctx, `SELECT name FROM region WHERE code = ?`, o.Region).Scan(&m.RegionName); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("package: region %s is not in the warehouse's region table (load the region codes: grassroots run refdata_region)", o.Region)
		}
		return nil, fmt.Errorf("package: %w", err)
	}
	home, err := w.Home(ctx)
	if err != nil {
		return nil, err
	}
	if o.Region != home && !Below(o.Region, home) {
		return nil, fmt.Errorf("package: region %s (%s) is not this warehouse's home region %s or below it", o.Region, m.RegionName, home)
	}
	m.ProducerHome = home
	m.Producer = o.Producer
	if m.Producer == "" {
		homeName := "全国"
		if home != warehouse.Country {
			_ = db.QueryRowContext(ctx, `SELECT name FROM region WHERE code = ?`, home).Scan(&homeName)
		}
		m.Producer = fmt.Sprintf("%s（%s）grassroots %s", homeName, home, filepath.Base(w.Path()))
	}
	var applied sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM _migration`).Scan(&applied); err == nil {
		m.SchemaVersion = applied.String
	}

	// What the package holds, as queries over the warehouse: R and the
	// regions below it, the years asked for.
	pre := prefix(o.Region)
	inR := fmt.Sprintf("starts_with(region_code, '%s')", pre)
	years := yearList(m.Years)
	derived, err := derivedList()
	if err != nil {
		return nil, err
	}
	wh := &withheld{}
	if o.Suppress {
		t, err := warehouse.SmallCellThreshold(ctx, db)
		if err != nil {
			return nil, fmt.Errorf("package: %w", err)
		}
		if wh, err = plan(ctx, db, suppress.Rule{Threshold: t}, pre, inR, years); err != nil {
			return nil, fmt.Errorf("package: small cells: %w", err)
		}
		m.Suppressed = &Suppression{Threshold: t, Cells: wh.cells}
	}
	// Withheld figures (none without Suppress) join as NULL, flagged.
	queries := []struct{ name, query string }{
		{"indicator_value", `WITH h AS (` + wh.valuesSQL() + `)
			SELECT iv.indicator, iv.region_code, iv.period, iv.year, iv.vintage,
			       CASE WHEN h.hide_num THEN NULL ELSE iv.numerator END AS numerator,
			       CASE WHEN h.hide_den THEN NULL ELSE iv.denominator END AS denominator,
			       CASE WHEN h.indicator IS NULL THEN iv.value END AS value, iv.unit,
			       CASE WHEN h.indicator IS NULL THEN iv.flags ELSE concat_ws('; ', nullif(iv.flags, ''), '` + SuppressedFlag + `') END AS flags,
			       iv.is_rollup, iv.indicator IN (` + derived + `) AS is_derived, iv.is_synthetic, iv.reported, iv.expected,
			       coalesce(iv.status, 'final') AS status
			FROM indicator_value iv LEFT JOIN h ON h.indicator = iv.indicator AND h.region_code = iv.region_code
			     AND h.period = iv.period AND h.vintage = iv.vintage
			WHERE ` + strings.ReplaceAll(inR, "region_code", "iv.region_code") + ` AND iv.year IN (` + years + `) AND NOT iv.beside_own
			ORDER BY iv.indicator, iv.region_code, iv.period, iv.vintage`},
		{"count", `WITH h AS (` + wh.countsSQL() + `)
			SELECT c.aggregate, c.region_code, c.period, c.year, c.breakdown, c.measure,
			       CASE WHEN h.measure IS NULL THEN c.value END AS value, c.is_synthetic,
			       CASE WHEN h.measure IS NULL THEN '' ELSE '` + SuppressedFlag + `' END AS flags
			FROM (` + countQuery(inR, years) + `) c LEFT JOIN h ON h.aggregate = c.aggregate AND h.region_code = c.region_code
			     AND h.period = c.period AND h.breakdown = coalesce(c.breakdown, '') AND h.measure = c.measure
			ORDER BY 1, 2, 3, 5, 6`},
		{"region", fmt.Sprintf(`SELECT code, name, level, level_name, parent_code FROM region
			WHERE starts_with(code, '%s') ORDER BY code`, pre)},
	}

	dir, err := os.MkdirTemp(filepath.Dir(out), ".grassroots-package-*")
	if err != nil {
		return nil, fmt.Errorf("package: %w", err)
	}
	defer os.RemoveAll(dir)
	for _, q := range queries {
		t, err := writeParquet(ctx, w, q.query, filepath.Join(dir, q.name+".parquet"))
		if err != nil {
			return nil, fmt.Errorf("package: table %s: %w", q.name, err)
		}
		t.Name, t.File, t.About = q.name, q.name+".parquet", tables[q.name]
		m.Tables = append(m.Tables, t)
	}
	rows, err := db.QueryContext(ctx, `SELECT indicator, list(DISTINCT vintage ORDER BY vintage), bool_or(is_synthetic)
		FROM indicator_value WHERE `+inR+` AND year IN (`+years+`) GROUP BY indicator ORDER BY indicator`)
	if err != nil {
		return nil, fmt.Errorf("package: %w", err)
	}
	for rows.Next() {
		var code string
		var vs []any
		var synth bool
		if err := rows.Scan(&code, &vs, &synth); err != nil {
			rows.Close()
			return nil, fmt.Errorf("package: %w", err)
		}
		for _, v := range vs {
			m.Vintages[code] = append(m.Vintages[code], fmt.Sprint(v))
		}
		m.Synthetic = m.Synthetic || synth
	}
	rows.Close()
	if m.Tables[0].Rows == 0 {
		var have sql.NullString
		_ = db.QueryRowContext(ctx, `SELECT string_agg(DISTINCT CAST(year AS VARCHAR), ', ' ORDER BY CAST(year AS VARCHAR))
			FROM indicator_value WHERE `+inR+` AND year IS NOT NULL`).Scan(&have)
		if have.String == "" {
			return nil, fmt.Errorf("package: the warehouse has no indicator values for %s (%s): load its data and compute them first (grassroots indicators compute)",
				o.Region, m.RegionName)
		}
		return nil, fmt.Errorf("package: the warehouse has no indicator values for %s (%s) in %s; it has them for %s",
			o.Region, m.RegionName, years, have.String)
	}
	return m, writeZip(out, dir, m)
}

// derivedList is the SQL list of indicators computed from other indicators.
func derivedList() (string, error) {
	cat, err := indicators.Catalogue()
	if err != nil {
		return "", err
	}
	codes := []string{"''"}
	for _, ind := range cat {
		if len(ind.DependsOn) > 0 {
			codes = append(codes, "'"+ind.Code+"'")
		}
	}
	return strings.Join(codes, ", "), nil
}

// countQuery is the aggregate counts of the regions where inR holds, in
// the years: members by category and age band at each snapshot,
// organisations by kind and party organisation mode, communities with their
// staff and full-time social workers.
func countQuery(inR, years string) string {
	return `WITH m AS (
	SELECT region_code, snapshot_date, coalesce(category, 'unknown') AS category,
	       -- completed years at the snapshot, the birth month taken as its first day
	       CASE WHEN birth_month IS NULL THEN 'unknown'
	            WHEN date_diff('month', birth_month, snapshot_date) // 12 <= 35 THEN '35_or_under'
	            WHEN date_diff('month', birth_month, snapshot_date) // 12 < 55 THEN '36_54'
	            WHEN date_diff('month', birth_month, snapshot_date) // 12 < 61 THEN '55_60'
	            ELSE '61_or_over' END AS age_band, is_synthetic
	FROM party_member WHERE ` + inR + ` AND year(snapshot_date) IN (` + years + `)
)
SELECT 'members' AS aggregate, region_code, CAST(snapshot_date AS VARCHAR) AS period, year(snapshot_date) AS year,
       'category=' || category || ';age_band=' || age_band AS breakdown, 'members' AS measure,
       CAST(count(*) AS DOUBLE) AS value, bool_or(is_synthetic) AS is_synthetic
FROM m GROUP BY ALL
UNION ALL
SELECT 'organisations', region_code, CAST(snapshot_date AS VARCHAR), year(snapshot_date),
       'kind=' || kind || ';party_org_mode=' || party_org_mode, unnest(['organisations', 'employees', 'formal_members']),
       unnest([CAST(count(*) AS DOUBLE), CAST(sum(employees) AS DOUBLE), CAST(sum(formal_members) AS DOUBLE)]), bool_or(is_synthetic)
FROM organisation WHERE ` + inR + ` AND in_scope AND year(snapshot_date) IN (` + years + `) GROUP BY ALL
UNION ALL
SELECT 'communities', region_code, CAST(snapshot_date AS VARCHAR), year(snapshot_date), '',
       unnest(['communities', 'staff', 'fulltime_social_workers', 'residents']),
       unnest([CAST(count(*) AS DOUBLE), CAST(sum(staff) AS DOUBLE), CAST(sum(fulltime_social_workers) AS DOUBLE), CAST(sum(residents) AS DOUBLE)]),
       bool_or(is_synthetic)
FROM community WHERE ` + inR + ` AND year(snapshot_date) IN (` + years + `) GROUP BY ALL
ORDER BY 1, 2, 3, 5, 6`
}

// writeParquet writes the rows of query to path and returns the table's
// rows, size and SHA-256.
func writeParquet(ctx context.Context, w *warehouse.Warehouse, query, path string) (Table, error) {
	var t Table
	rdr, done, err := w.QueryArrow(ctx, query)
	if err != nil {
		return t, err
	}
	defer done()
	defer rdr.Release()
	f, err := os.Create(path)
	if err != nil {
		return t, err
	}
	defer f.Close()
	// Hashed and counted as it is written, not read back.
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	pw, err := pqarrow.NewFileWriter(rdr.Schema(), cw,
		parquet.NewWriterProperties(parquet.WithCreatedBy("grassroots"), parquet.WithCompression(compress.Codecs.Zstd)),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return t, err
	}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		t.Rows += rec.NumRows()
		if err := pw.WriteBuffered(rec); err != nil {
			pw.Close()
			return t, err
		}
	}
	if err := rdr.Err(); err != nil {
		pw.Close()
		return t, err
	}
	if err := pw.Close(); err != nil {
		return t, err
	}
	t.SHA256, t.Bytes = hex.EncodeToString(h.Sum(nil)), cw.n
	return t, f.Close()
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeZip writes the package: the manifest first, then the tables, stored
// (Parquet is compressed already); to a temporary file renamed into place.
func writeZip(out, dir string, m *Manifest) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".grassroots-package-*.zip")
	if err != nil {
		return fmt.Errorf("package: %w", err)
	}
	defer os.Remove(tmp.Name())
	zw := zip.NewWriter(tmp)
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	hdr := &zip.FileHeader{Name: manifestName, Method: zip.Deflate, Modified: m.CreatedAt}
	mw, err := zw.CreateHeader(hdr)
	if err == nil {
		_, err = mw.Write(append(body, '\n'))
	}
	for _, t := range m.Tables {
		if err != nil {
			break
		}
		var tw io.Writer
		tw, err = zw.CreateHeader(&zip.FileHeader{Name: t.File, Method: zip.Store, Modified: m.CreatedAt})
		if err != nil {
			break
		}
		var f *os.File
		if f, err = os.Open(filepath.Join(dir, t.File)); err == nil {
			_, err = io.Copy(tw, f)
			f.Close()
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(0o644) // a file to send, not a secret
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		return fmt.Errorf("package: write %s: %w", out, err)
	}
	return nil
}
