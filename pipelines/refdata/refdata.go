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

// Townships are the codes of the townships (街道, 镇, 乡) under the county
// parent, from region_codes_township.csv, in code order.
func Townships(parent string) ([]string, error) {
	f, err := FS.Open("region_codes_township.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("refdata: region_codes_township.csv: %w", err)
	}
	var codes []string
	for _, r := range rows[1:] {
		if len(r) >= 5 && r[4] == parent {
			codes = append(codes, r[0])
		}
	}
	if len(codes) == 0 {
		return nil, fmt.Errorf("refdata: no townships under %s", parent)
	}
	return codes, nil
}
