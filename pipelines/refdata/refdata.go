// Package refdata bundles the published reference figures — region codes, the
// NBS national urbanisation series, the CPC intra-party statistical bulletins
// and World Bank series — as the CSV files the reference-data pipelines
// (pipelines/refdata_*.yaml) read. README.md beside this file gives every
// file's source and what was changed when copying it.
package refdata

import (
	"embed"
	"encoding/csv"
	"fmt"
)

// FS holds the bundled CSV files and their README.
//
//go:embed *.csv README.md census
var FS embed.FS

// Place is a region's code and name.
type Place struct{ Code, Name string }

// Townships are the codes of the townships (街道, 镇, 乡) under the county
// parent, from region_codes_township.csv, in code order.
func Townships(parent string) ([]string, error) {
	list, err := TownshipList(parent)
	var codes []string
	for _, p := range list {
		codes = append(codes, p.Code)
	}
	return codes, err
}

// TownshipList are the townships under the county parent, codes and names.
func TownshipList(parent string) ([]Place, error) {
	f, err := FS.Open("region_codes_township.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("refdata: region_codes_township.csv: %w", err)
	}
	var places []Place
	for _, r := range rows[1:] {
		if len(r) >= 5 && r[4] == parent {
			places = append(places, Place{r[0], r[1]})
		}
	}
	if len(places) == 0 {
		return nil, fmt.Errorf("refdata: no townships under %s", parent)
	}
	return places, nil
}

// RegionName is the name of a region down to the counties, from
// region_codes.csv.
func RegionName(code string) (string, error) {
	f, err := FS.Open("region_codes.csv")
	if err != nil {
		return "", err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return "", fmt.Errorf("refdata: region_codes.csv: %w", err)
	}
	for _, r := range rows[1:] {
		if len(r) >= 2 && r[0] == code {
			return r[1], nil
		}
	}
	return "", fmt.Errorf("no region %s in the GB/T 2260 codes", code)
}

// PlaceName is the name of a region in the bundled GB/T 2260 codes (down to
// the counties) or NBS township codes.
func PlaceName(code string) (string, error) {
	if len(code) == 9 {
		ts, err := TownshipList(code[:6])
		if err == nil {
			for _, t := range ts {
				if t.Code == code {
					return t.Name, nil
				}
			}
		}
		return "", fmt.Errorf("no township %s in the NBS statistical division codes", code)
	}
	return RegionName(code)
}
