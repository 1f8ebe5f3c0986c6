package parquet_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"grassroots/sources"
	"grassroots/sources/internal/sourcetest"
	_ "grassroots/sources/parquet"
)

// write makes a Parquet file the way an upstream system might export one:
// a text region name, counts in 万人 as doubles, a date column.
func write(t *testing.T) string {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "地区", Type: arrow.BinaryTypes.String},
		{Name: "常住人口_万人", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "日期", Type: arrow.FixedWidthTypes.Date32},
		{Name: "城镇化率", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"闵行区", "宝山区", "嘉定区"}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{265.4, 0, 184.3}, []bool{true, false, true})
	b.Field(2).(*array.Date32Builder).AppendValues([]arrow.Date32{19722, 19722, 19722}, nil)
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"92.7%", "90.2%", "八成"}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "pop.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(schema, f, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParquet(t *testing.T) {
	path := write(t)
	var rejects []sources.Reject
	cfg := sources.Config{Path: path, Allocator: sourcetest.Checked(t),
		OnReject: func(r sources.Reject) { rejects = append(rejects, r) },
		Options: sources.Options{Columns: []sources.Column{
			{Name: "region_name", From: sources.Header("地区")},
			{Name: "resident", From: sources.Header("常住人口_万人"), Type: sources.Int, Unit: "万人"},
			{Name: "as_of", From: sources.Pos(3), Type: sources.Date},
			{Name: "urban_rate", From: sources.Header("城镇化率"), Type: sources.Float, Percent: "fraction"},
		}}}
	src, err := sources.New("parquet", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	got := sourcetest.Dump(rdr, &rejects)
	want := `schema: region_name:utf8 resident:int64 as_of:date32 urban_rate:float64 _row:int64
batch 1: 2 rows
  "闵行区" | "2654000" | "2023-12-31" | "0.927" | "1"
  "宝山区" | NULL | "2023-12-31" | "0.902" | "2"
reject: parquet: ` + path + `: row 3 column "城镇化率": "八成" is not a number
  raw "地区" = "嘉定区"
  raw "城镇化率" = "八成"
  raw "常住人口_万人" = "184.3"
  raw "日期" = "2023-12-31"
stats: encoding= bom=false read=3 rejected=1 dropped=0 out=2
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
