// Package schema embeds the warehouse's versioned migrations (files named
// NNNN_name.sql, applied once each, in order, by the warehouse package) and the
// label catalogue.
package schema

import "embed"

// FS holds the migration files and labels.csv, the Chinese and English labels
// of tables and columns that Migrate writes to catalog_label.
//
//go:embed *.sql labels.csv
var FS embed.FS
