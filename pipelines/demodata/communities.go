package demodata

import (
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

var communityNote = arrow.NewMetadata([]string{"note"}, []string{Notice})

var communitySchema = arrow.NewSchema([]arrow.Field{
	{Name: "snapshot_date", Type: arrow.FixedWidthTypes.Date32},
	{Name: "region_code", Type: arrow.BinaryTypes.String},
	{Name: "community_code", Type: arrow.BinaryTypes.String},
	{Name: "name", Type: arrow.BinaryTypes.String},
	{Name: "staff", Type: arrow.PrimitiveTypes.Int32},
	{Name: "fulltime_social_workers", Type: arrow.PrimitiveTypes.Int32},
	{Name: "venue_m2", Type: arrow.PrimitiveTypes.Float64},
	{Name: "funding_yuan", Type: arrow.PrimitiveTypes.Float64},
	{Name: "residents", Type: arrow.PrimitiveTypes.Int32},
	{Name: "households", Type: arrow.PrimitiveTypes.Int32},
	{Name: "compounds", Type: arrow.PrimitiveTypes.Int32},
	{Name: "compounds_with_branch", Type: arrow.PrimitiveTypes.Int32},
}, &communityNote)

// writeCommunities writes the community register as Parquet.
func writeCommunities(dir string) (File, error) {
	f := File{Name: "communities.parquet", About: "community register, Parquet"}
	comms, _ := registers()
	day, _ := time.Parse(time.DateOnly, SnapshotDate)
	b := array.NewRecordBuilder(memory.DefaultAllocator, communitySchema)
	defer b.Release()
	for _, c := range comms {
		b.Field(0).(*array.Date32Builder).Append(arrow.Date32FromTime(day))
		b.Field(1).(*array.StringBuilder).Append(c.Region)
		b.Field(2).(*array.StringBuilder).Append(c.Code)
		b.Field(3).(*array.StringBuilder).Append(c.Name)
		for i, v := range []int{c.Staff, c.SocialWorkers} {
			b.Field(4 + i).(*array.Int32Builder).Append(int32(v))
		}
		b.Field(6).(*array.Float64Builder).Append(c.VenueM2)
		b.Field(7).(*array.Float64Builder).Append(c.FundingYuan)
		for i, v := range []int{c.Residents, c.Households, c.Compounds, c.CompoundsWithBranch} {
			b.Field(8 + i).(*array.Int32Builder).Append(int32(v))
		}
		f.Rows++
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	w, err := pqarrow.NewFileWriter(communitySchema, out, parquet.NewWriterProperties(),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		out.Close()
		return f, err
	}
	if err := w.Write(rec); err != nil {
		w.Close()
		return f, err
	}
	return f, w.Close()
}
