// Command grassroots loads urbanisation and party-coverage statistics into a
// DuckDB warehouse, computes indicators and renders offline chart reports.
package main

import (
	"os"

	"grassroots/cmd/grassroots/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
