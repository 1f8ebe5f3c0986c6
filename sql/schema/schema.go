// Package schema embeds the warehouse's versioned migrations: files named
// NNNN_name.sql, applied once each, in order, by the warehouse package.
package schema

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
