package csv_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"grassroots/sources"
)

// BenchmarkMembers reads a party_member-shaped CSV (dates, codes, booleans).
func BenchmarkMembers(b *testing.B) {
	path := filepath.Join(b.TempDir(), "m.csv")
	f, _ := os.Create(path)
	w := bufio.NewWriter(f)
	w.WriteString("snapshot_date,region_code,member_hash,birth_month,gender,education,joined_month,category,in_service,floating,reported_to_community,party_org_code,is_synthetic\n")
	const n = 200000
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "2024-12-31,310112%03d%03d,%016x,19%02d-%02d-01,M,junior_high,2001-07-01,rural,true,false,,310112001001P01,true\n", i%14, i%40, uint64(i)*0x9E3779B97F4A7C15, 40+i%60, 1+i%12)
	}
	w.Flush()
	f.Close()
	st, _ := os.Stat(path)
	cols := []sources.Column{
		{Name: "snapshot_date", From: sources.Pos(1), Type: sources.Date},
		{Name: "region_code", From: sources.Pos(2)},
		{Name: "member_hash", From: sources.Pos(3)},
		{Name: "birth_month", From: sources.Pos(4), Type: sources.Date},
		{Name: "gender", From: sources.Pos(5)},
		{Name: "education", From: sources.Pos(6)},
		{Name: "joined_month", From: sources.Pos(7), Type: sources.Date},
		{Name: "category", From: sources.Pos(8)},
		{Name: "in_service", From: sources.Pos(9), Type: sources.Bool},
		{Name: "floating", From: sources.Pos(10), Type: sources.Bool},
		{Name: "reported_to_community", From: sources.Pos(11), Type: sources.Bool},
		{Name: "party_org_code", From: sources.Pos(12)},
		{Name: "is_synthetic", From: sources.Pos(13), Type: sources.Bool},
	}
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := sources.New("csv", sources.Config{Path: path, Options: sources.Options{Columns: cols}})
		if err != nil {
			b.Fatal(err)
		}
		rdr, err := src.Open(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		rows := int64(0)
		for rdr.Next() {
			rows += rdr.RecordBatch().NumRows()
		}
		if rdr.Err() != nil || rows != n {
			b.Fatal(rdr.Err(), rows)
		}
		rdr.Release()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
