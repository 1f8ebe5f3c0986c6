// Package refdata bundles the published reference figures — region codes, the
// NBS national urbanisation series, the CPC intra-party statistical bulletins
// and World Bank series — as the CSV files the reference-data pipelines
// (pipelines/refdata_*.yaml) read. README.md beside this file gives every
// file's source and what was changed when copying it.
package refdata

import "embed"

// FS holds the bundled CSV files and their README.
//
//go:embed *.csv README.md census
var FS embed.FS
