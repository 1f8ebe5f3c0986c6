package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Publishing for a cluster engine: the grassroots binary loads the member
// register at -scale with the demo's pipeline (not timed), then `grassroots
// publish parquet` writes the warehouse's fact tables as Hive-partitioned
// Parquet — timed from a fresh directory, then again with nothing changed,
// which should write nothing and cost little more than the checksum scan.

func init() {
	register("publish", runPublish)
}

func runPublish(ctx context.Context, b *Bench) error {
	out := b.Out
	if _, err := os.Stat(b.Bin); err != nil {
		return fmt.Errorf("the grassroots binary %s is not there: run make build (make bench does)", b.Bin)
	}
	project, err := b.userProject()
	if err != nil {
		return err
	}
	db := filepath.Join(b.Dir, "publish.duckdb")
	dir := filepath.Join(b.Dir, "publish-parquet")
	defer func() {
		if !b.Keep {
			removeWarehouse(db)
			os.RemoveAll(dir)
		}
	}()
	fmt.Fprintf(out, "publish: loading the scale-%s member register with %s run demo_party_members (not timed)…\n", scaleName(b.Scale), b.Bin)
	if _, err := b.Child(ctx, "users-prepare", db); err != nil {
		return err
	}
	if _, err := b.runBinary(ctx, "run", "demo_party_members", "--project", project, "--warehouse", db, "--force", "--progress", "never"); err != nil {
		return err
	}
	publish := func() (Result, publishManifest, error) {
		r, err := b.runBinary(ctx, "publish", "parquet", dir, "--warehouse", db)
		if err != nil {
			return r, publishManifest{}, err
		}
		m, err := readPublishManifest(dir)
		r.Rows = m.rows
		return r, m, err
	}
	var full Result
	var m publishManifest
	for i := 0; i < b.Repeat; i++ {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		r, mm, err := publish()
		if err != nil {
			return err
		}
		full, m = best(full, r), mm
	}
	fmt.Fprintf(out, "publish: %s rows in %d partitions of %d tables, %s of Parquet\n", group(m.rows), m.partitions, m.tables, mb(m.bytes))
	line(out, "grassroots publish parquet, into an empty directory", full)

	before, err := os.ReadFile(filepath.Join(dir, "_manifest.json"))
	if err != nil {
		return err
	}
	var again Result
	for i := 0; i < b.Repeat; i++ {
		r, _, err := publish()
		if err != nil {
			return err
		}
		again = best(again, r)
	}
	after, err := os.ReadFile(filepath.Join(dir, "_manifest.json"))
	if err != nil {
		return err
	}
	if !bytes.Equal(before, after) {
		return fmt.Errorf("a publish with nothing changed rewrote the manifest")
	}
	line(out, "grassroots publish parquet, nothing changed", again)
	return nil
}

type publishManifest struct {
	rows, bytes        int64
	tables, partitions int
}

// readPublishManifest totals what a publish's manifest says it wrote.
func readPublishManifest(dir string) (publishManifest, error) {
	var m struct {
		Tables []struct {
			Rows       int64      `json:"rows"`
			Bytes      int64      `json:"bytes"`
			Partitions []struct{} `json:"partitions"`
		} `json:"tables"`
	}
	var pm publishManifest
	b, err := os.ReadFile(filepath.Join(dir, "_manifest.json"))
	if err != nil {
		return pm, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return pm, fmt.Errorf("_manifest.json: %w", err)
	}
	pm.tables = len(m.Tables)
	for _, t := range m.Tables {
		pm.rows += t.Rows
		pm.bytes += t.Bytes
		pm.partitions += len(t.Partitions)
	}
	return pm, nil
}
