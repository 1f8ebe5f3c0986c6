// Package refdata bundles the published reference figures (region codes, the NBS
// national urbanisation series, the CPC intra-party statistical bulletins, World
// Bank series) and reads each file as Arrow record batches shaped for its
// warehouse table. README.md beside this file gives every file's source.
package refdata

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FS holds the bundled CSV files.
//
//go:embed *.csv README.md
var FS embed.FS

// Column maps one CSV column (or a constant) to a warehouse column.
type Column struct {
	Name  string         // warehouse column
	From  string         // CSV header; empty for a constant
	Type  arrow.DataType // String, Int32, Float64, Date32 or Boolean
	Scale float64        // multiply numbers by this (万人 → persons: 10000); 0 means 1
	Const string         // value when From is empty
}

// Dataset is one bundled file and how it loads.
type Dataset struct {
	Name        string // run name, e.g. refdata.region
	File        string
	Table       string
	PartitionBy []string
	Columns     []Column
	About       string
}

const (
	modood   = "NBS 2023 统计用区划代码 via github:modood/Administrative-divisions-of-China@57a0aa9cef47169a2eb74cf057b0245052a34e8c"
	wbUrban  = "World Bank WDI SP.URB.TOTL.IN.ZS (Last Updated 2025-07-01) via github:NSAPH-Projects/causal-inference-co2@268fd4d4dfcca39bed14ee49ba57e31dba15359f"
	wbPop    = "World Bank SP.POP.TOTL via github:datasets/population@425fc447a53a26c767a15a7de60c4cc2478a0595"
	country  = "000000"
	tenThous = 10000
)

var (
	str  = arrow.BinaryTypes.String
	i32  = arrow.PrimitiveTypes.Int32
	f64  = arrow.PrimitiveTypes.Float64
	date = arrow.FixedWidthTypes.Date32
	yn   = arrow.FixedWidthTypes.Boolean
)

func regionColumns(special bool) []Column {
	cols := []Column{
		{Name: "code", From: "code", Type: str},
		{Name: "name", From: "name", Type: str},
		{Name: "level", From: "level", Type: arrow.PrimitiveTypes.Int8},
		{Name: "level_name", From: "level_name", Type: str},
		{Name: "parent_code", From: "parent_code", Type: str},
		{Name: "source", Type: str, Const: modood},
	}
	if special {
		cols = append(cols, Column{Name: "nbs_special_unit", From: "nbs_special_unit", Type: yn})
	}
	return cols
}

// Datasets lists the bundled files in load order.
var Datasets = []Dataset{
	{
		Name: "refdata.region", File: "region_codes.csv", Table: "region", PartitionBy: []string{"level"},
		Columns: regionColumns(true), About: "country, provinces, prefectures, counties",
	},
	{
		Name: "refdata.region_township", File: "region_codes_township.csv", Table: "region", PartitionBy: []string{"level"},
		Columns: regionColumns(false), About: "townships (街道/镇/乡)",
	},
	{
		Name: "refdata.national_urbanisation", File: "national_urbanisation.csv", Table: "population",
		PartitionBy: []string{"region_code", "year", "vintage"},
		Columns: []Column{
			{Name: "region_code", Type: str, Const: country},
			{Name: "year", From: "year", Type: i32},
			{Name: "reference_date", From: "reference_date", Type: date},
			{Name: "vintage", From: "vintage", Type: str},
			{Name: "resident_pop", From: "total_pop_10k", Type: f64, Scale: tenThous},
			{Name: "urban_resident_pop", From: "urban_pop_10k", Type: f64, Scale: tenThous},
			{Name: "rural_resident_pop", From: "rural_pop_10k", Type: f64, Scale: tenThous},
			{Name: "published_urban_rate_pct", From: "urban_rate_pct_published", Type: f64},
			{Name: "published_hukou_urban_rate_pct", From: "hukou_urban_rate_pct", Type: f64},
			{Name: "source", From: "source", Type: str},
			{Name: "note", From: "note", Type: str},
		},
		About: "NBS national urbanisation series, 1952-2024, by vintage",
	},
	{
		Name: "refdata.cpc_bulletin", File: "cpc_bulletin_long.csv", Table: "party_bulletin",
		PartitionBy: []string{"as_of_date", "subject", "figure"},
		Columns: []Column{
			{Name: "as_of_date", From: "as_of_date", Type: date},
			{Name: "year", From: "year", Type: i32},
			{Name: "subject", From: "table", Type: str},
			{Name: "figure", From: "indicator", Type: str},
			{Name: "value", From: "value", Type: f64},
			{Name: "unit", From: "unit", Type: str},
			{Name: "value_as_published", From: "value_as_published", Type: str},
			{Name: "source", From: "source", Type: str},
			{Name: "note", From: "note", Type: str},
		},
		About: "CPC intra-party statistical bulletin figures, 2010-2024",
	},
	{
		Name: "refdata.worldbank_urban_pct", File: "worldbank_urban_pct.csv", Table: "intl_series",
		PartitionBy: []string{"series_code"},
		Columns: []Column{
			{Name: "iso3", From: "iso3", Type: str},
			{Name: "country", From: "country", Type: str},
			{Name: "year", From: "year", Type: i32},
			{Name: "series_code", Type: str, Const: "SP.URB.TOTL.IN.ZS"},
			{Name: "value", From: "urban_pop_pct_of_total", Type: f64},
			{Name: "is_aggregate", From: "is_aggregate", Type: yn},
			{Name: "source", Type: str, Const: wbUrban},
		},
		About: "World Bank urban population, % of total",
	},
	{
		Name: "refdata.worldbank_total_pop", File: "worldbank_total_pop.csv", Table: "intl_series",
		PartitionBy: []string{"series_code"},
		Columns: []Column{
			{Name: "iso3", From: "iso3", Type: str},
			{Name: "country", From: "country", Type: str},
			{Name: "year", From: "year", Type: i32},
			{Name: "series_code", Type: str, Const: "SP.POP.TOTL"},
			{Name: "value", From: "total_pop_persons", Type: f64},
			{Name: "is_aggregate", From: "is_aggregate", Type: yn},
			{Name: "source", Type: str, Const: wbPop},
		},
		About: "World Bank total population",
	},
}

// BatchRows is the number of rows per record batch (a DuckDB row group).
const BatchRows = 122880

// Open reads the dataset's file as Arrow record batches. The caller releases
// the reader.
func (d Dataset) Open(mem memory.Allocator) (array.RecordReader, error) {
	f, err := FS.Open(d.File)
	if err != nil {
		return nil, fmt.Errorf("refdata: %w", err)
	}
	return newReader(mem, d, f)
}

// reader is a concrete record reader over one CSV file (not an iterator-based
// reader: DuckDB pulls batches from a cgo callback).
type reader struct {
	d      Dataset
	mem    memory.Allocator
	schema *arrow.Schema
	f      fs.File
	r      *csv.Reader
	idx    []int // CSV column index per output column, -1 for constants
	line   int
	cur    arrow.RecordBatch
	err    error
	refs   int
	done   bool
}

func newReader(mem memory.Allocator, d Dataset, f fs.File) (*reader, error) {
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("refdata: %s: header: %w", d.File, err)
	}
	pos := map[string]int{}
	for i, h := range header {
		pos[h] = i
	}
	rd := &reader{d: d, mem: mem, f: f, r: r, line: 1, refs: 1}
	var fields []arrow.Field
	for _, c := range d.Columns {
		fields = append(fields, arrow.Field{Name: c.Name, Type: c.Type, Nullable: true})
		if c.From == "" {
			rd.idx = append(rd.idx, -1)
			continue
		}
		i, ok := pos[c.From]
		if !ok {
			f.Close()
			return nil, fmt.Errorf("refdata: %s: column %q not in header", d.File, c.From)
		}
		rd.idx = append(rd.idx, i)
	}
	rd.schema = arrow.NewSchema(fields, nil)
	return rd, nil
}

func (r *reader) Schema() *arrow.Schema          { return r.schema }
func (r *reader) Record() arrow.RecordBatch      { return r.cur }
func (r *reader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *reader) Err() error                     { return r.err }
func (r *reader) Retain()                        { r.refs++ }

func (r *reader) Release() {
	r.refs--
	if r.refs > 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
}

func (r *reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done || r.err != nil {
		return false
	}
	b := array.NewRecordBuilder(r.mem, r.schema)
	defer b.Release()
	n := 0
	for n < BatchRows {
		rec, err := r.r.Read()
		if errors.Is(err, io.EOF) {
			r.done = true
			break
		}
		r.line++
		if err != nil {
			r.err = fmt.Errorf("refdata: %s: %w", r.d.File, err)
			return false
		}
		for i, c := range r.d.Columns {
			v := c.Const
			if r.idx[i] >= 0 {
				v = rec[r.idx[i]]
			}
			if err := appendValue(b.Field(i), c, v); err != nil {
				r.err = fmt.Errorf("refdata: %s: line %d, column %q: %q %w", r.d.File, r.line, c.From, v, err)
				return false
			}
		}
		n++
	}
	if n == 0 {
		return false
	}
	r.cur = b.NewRecordBatch()
	return true
}

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func appendValue(b array.Builder, c Column, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		b.AppendNull()
		return nil
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(v)
	case *array.Int8Builder:
		n, err := strconv.ParseInt(v, 10, 8)
		if err != nil {
			return errors.New("is not a small integer")
		}
		b.Append(int8(n))
	case *array.Int32Builder:
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return errors.New("is not an integer")
		}
		b.Append(int32(n))
	case *array.Float64Builder:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return errors.New("is not a number")
		}
		if c.Scale != 0 {
			x *= c.Scale
		}
		b.Append(x)
	case *array.Date32Builder:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return errors.New("is not a date (YYYY-MM-DD)")
		}
		b.Append(arrow.Date32(t.Sub(epoch).Hours() / 24))
	case *array.BooleanBuilder:
		switch v {
		case "Y", "y", "true":
			b.Append(true)
		case "N", "n", "false":
			b.Append(false)
		default:
			return errors.New("is not Y or N")
		}
	default:
		return fmt.Errorf("has unsupported type %s", c.Type)
	}
	return nil
}
