// Package packages moves figures up the region hierarchy (上报). A lower
// level's warehouse exports a package for one of its regions and some years:
// indicator numerators and denominators for that region and every region
// below it, aggregate counts (members by category and age band, organisations
// by kind and party organisation mode, communities and their staff) and the
// regions' codes and names — never rows of people or organisations, hashed
// ids or names of persons. The upper level imports it in one run, replacing
// what an earlier package of the same region and years brought.
//
// A package is one zip file that other tools can open: manifest.json (region,
// years, vintages, schema version, producer, creation time, and for every
// table its row count and SHA-256) and a Parquet file per table. Because the
// indicator computation sums numerators and denominators up the hierarchy,
// the upper level's figures from packages equal what one warehouse holding
// all the microdata computes.
package packages

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Format and FormatVersion identify a package; Import reads this version
// only.
const (
	Format        = "grassroots-package"
	FormatVersion = 1
)

// Manifest describes a package.
type Manifest struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	Region        string `json:"region"`
	RegionName    string `json:"region_name"`
	Years         []int  `json:"years"`
	// Vintages lists, by indicator, the vintages the package holds.
	Vintages map[string][]string `json:"vintages"`
	// SchemaVersion is the producing warehouse's last migration.
	SchemaVersion string    `json:"schema_version"`
	Producer      string    `json:"producer"`
	ProducerHome  string    `json:"producer_home"`
	CreatedAt     time.Time `json:"created_at"`
	// Synthetic says some of the figures come from synthetic (demo) data.
	Synthetic bool `json:"synthetic"`
	// Suppressed is set when small cells were withheld (export package
	// --suppress): its figures are NULL in the tables, flagged
	// SuppressedFlag, and sums above them are partial.
	Suppressed *Suppression `json:"suppressed,omitempty"`
	Tables     []Table      `json:"tables"`
}

// Table is one table of a package.
type Table struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	About  string `json:"about"`
}

// The tables a package may hold, and what each is.
var tables = map[string]string{
	"indicator_value": "indicator numerators, denominators and values for the region and every region below it (roll-ups included; sums beside a region's own figure left out)",
	"count":           "aggregate counts, long: aggregate, region, period, breakdown, measure, value (NULL where withheld as a small cell, flags saying so)",
	"region":          "the codes, names, levels and parents of the region and the regions below it",
}

// microdata are tables of the warehouse that hold rows of people or
// organisations: a package never carries them, and Import refuses one that
// does.
var microdata = []string{"party_member", "organisation", "party_org", "community", "member_profile", "_quarantine"}

const manifestName = "manifest.json"

// regionCode is a GB/T 2260 or NBS statistical code: 6, 9 or 12 digits.
var regionCode = regexp.MustCompile(`^([0-9]{6}|[0-9]{9}|[0-9]{12})$`)

// CheckCode reports whether code looks like a region code.
func CheckCode(code string) error {
	if !regionCode.MatchString(code) {
		return fmt.Errorf("region %q is not a region code (6 digits such as 310112, 9 for a township, 12 for a village)", code)
	}
	return nil
}

// prefix is what the codes of code's region and the regions below it begin
// with: 310000 → 31, 310100 → 3101, 310112 → 310112, a township's or
// village's whole code; the country has no prefix.
func prefix(code string) string {
	if len(code) != 6 {
		return code
	}
	p := code
	for len(p) > 2 && strings.HasSuffix(p, "00") {
		p = p[:len(p)-2]
	}
	if p == "00" {
		return ""
	}
	return p
}

// PrefixSQL is SQL for the prefix of a column of region codes, as prefix
// computes it (the country's is empty).
func PrefixSQL(col string) string {
	return "CASE WHEN length(" + col + ") = 6 THEN regexp_replace(" + col + ", '(00)+$', '') ELSE " + col + " END"
}

// Below reports whether region code lies below (not at) home.
func Below(code, home string) bool {
	if code == home {
		return false
	}
	return strings.HasPrefix(code, prefix(home))
}

func yearList(years []int) string {
	var b strings.Builder
	for i, y := range years {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, y)
	}
	return b.String()
}
