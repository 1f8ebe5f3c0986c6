package demodata

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// MemberHeader is the header of the member register CSV.
var MemberHeader = []string{"党员编号", "出生年月", "性别", "学历", "入党时间", "人员类别", "是否流动党员",
	"是否在职", "是否到社区报到", "所在街镇代码", "所在党组织编号"}

// badBirths are written, in this order, over the birth dates of the
// register's rows at badBirthRows: dates no calendar has, as typed by hand.
var (
	badBirthRows = []int{1_000, 5_000}
	badBirths    = []string{"1963-02-30", "1975-13-02"}
)

// WriteMembersCSV writes the member register at the end of year as CSV (UTF-8
// with a byte-order mark, as Excel saves it, comma-separated, LF) and returns
// the number of data rows. With bad, two rows carry a malformed birth date.
func (g *Generator) WriteMembersCSV(out io.Writer, year int, bad bool) (rows int, err error) {
	return g.writeMembersCSV(out, year, bad, nil, "")
}

// WriteMembersCSVAs writes the register as WriteMembersCSV does, as if the
// district were another one: the members of the demo's township i live in
// towns[i % len(towns)], and every register number begins with prefix, so
// that the registers of several such districts, each from its own seed, can
// be loaded into one warehouse together (for simulations of reporting up).
func (g *Generator) WriteMembersCSVAs(out io.Writer, year int, towns []string, prefix string) (rows int, err error) {
	if len(towns) == 0 {
		return 0, fmt.Errorf("demodata: no townships to place the members in")
	}
	return g.writeMembersCSV(out, year, false, towns, prefix)
}

func (g *Generator) writeMembersCSV(out io.Writer, year int, bad bool, towns []string, prefix string) (rows int, err error) {
	w := bufio.NewWriterSize(out, 1<<16)
	w.WriteString("\ufeff")
	for i, h := range MemberHeader {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(h)
	}
	w.WriteByte('\n')
	var b []byte
	g.Members(year, func(m *Member) bool {
		rows++
		b = append(b[:0], prefix...)
		b = append(b, m.RegisterNumber()...)
		b = append(b, ',')
		birth := len(b)
		b = appendDate(b, m.BirthY, m.BirthM, m.BirthD)
		if bad {
			for i, at := range badBirthRows {
				if rows == at {
					b = append(b[:birth], badBirths[i]...)
				}
			}
		}
		b = append(b, ',')
		b = append(b, gender(m)...)
		b = append(b, ',')
		b = append(b, Educations[m.Education]...)
		b = append(b, ',')
		b = appendDate(b, m.JoinY, m.JoinM, 0)
		b = append(b, ',')
		b = append(b, m.Category...)
		b = append(b, ',')
		b = append(b, yesNo(m.Floating)...)
		b = append(b, ',')
		b = append(b, yesNo(m.InService)...)
		b = append(b, ',')
		if m.InService {
			b = append(b, yesNo(m.Reported)...)
		}
		b = append(b, ',')
		if towns != nil {
			b = append(b, towns[m.Town%len(towns)]...)
		} else {
			b = append(b, g.towns[m.Town].Code...)
		}
		b = append(b, ',')
		b = append(b, m.Org...)
		b = append(b, '\n')
		_, err = w.Write(b)
		return err == nil
	})
	if err != nil {
		return rows, err
	}
	return rows, w.Flush()
}

// appendDate appends YYYY-MM-DD, or YYYY-MM when day is 0.
func appendDate(b []byte, y, m, d int) []byte {
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10))
	if d > 0 {
		b = append(b, '-', byte('0'+d/10), byte('0'+d%10))
	}
	return b
}

func gender(m *Member) string {
	if m.Female {
		return "女"
	}
	return "男"
}

func yesNo(v bool) string {
	if v {
		return "是"
	}
	return "否"
}

// writeMembers writes the current register (the LastYear snapshot).
func (g *Generator) writeMembers(dir string) (File, error) {
	f := File{Name: "party_members.csv", Bad: len(badBirths),
		About: "member register at the end of 2024, CSV; ids hashed and births cut to the month on load"}
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	if f.Rows, err = g.WriteMembersCSV(out, LastYear, true); err != nil {
		return f, err
	}
	return f, out.Close()
}

// archiveSchema is the member archive's schema: the earlier system's export,
// typed, with the snapshot date as a column.
var archiveSchema = arrow.NewSchema([]arrow.Field{
	{Name: "统计时点", Type: arrow.FixedWidthTypes.Date32},
	{Name: "党员编号", Type: arrow.BinaryTypes.String},
	{Name: "出生日期", Type: arrow.FixedWidthTypes.Date32},
	{Name: "性别", Type: arrow.BinaryTypes.String},
	{Name: "学历", Type: arrow.BinaryTypes.String},
	{Name: "入党年月", Type: arrow.BinaryTypes.String},
	{Name: "人员类别", Type: arrow.BinaryTypes.String},
	{Name: "流动党员", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "在职", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "到社区报到", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "街镇代码", Type: arrow.BinaryTypes.String},
	{Name: "党组织编号", Type: arrow.BinaryTypes.String},
}, func() *arrow.Metadata { m := arrow.NewMetadata([]string{"note"}, []string{Notice}); return &m }())

// writeMemberArchive writes the year-end snapshots of MemberArchiveYears as
// one Parquet file, a row group per snapshot.
func (g *Generator) writeMemberArchive(dir string) (File, error) {
	f := File{Name: "party_members_archive.parquet",
		About: "member snapshots 2000-2020 from the earlier system, Parquet"}
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	pw, err := pqarrow.NewFileWriter(archiveSchema, out,
		parquet.NewWriterProperties(parquet.WithCreatedBy("grassroots demo data generator")),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return f, err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, archiveSchema)
	defer b.Release()
	flush := func() error {
		rec := b.NewRecordBatch()
		defer rec.Release()
		return pw.Write(rec)
	}
	for _, y := range MemberArchiveYears {
		day := arrow.Date32FromTime(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC))
		g.Members(y, func(m *Member) bool {
			b.Field(0).(*array.Date32Builder).Append(day)
			b.Field(1).(*array.StringBuilder).Append(m.RegisterNumber())
			b.Field(2).(*array.Date32Builder).Append(arrow.Date32FromTime(time.Date(m.BirthY, time.Month(m.BirthM), m.BirthD, 0, 0, 0, 0, time.UTC)))
			b.Field(3).(*array.StringBuilder).Append(gender(m))
			b.Field(4).(*array.StringBuilder).Append(Educations[m.Education])
			b.Field(5).(*array.StringBuilder).Append(string(appendDate(nil, m.JoinY, m.JoinM, 0)))
			b.Field(6).(*array.StringBuilder).Append(m.Category)
			b.Field(7).(*array.BooleanBuilder).Append(m.Floating)
			b.Field(8).(*array.BooleanBuilder).Append(m.InService)
			if m.InService {
				b.Field(9).(*array.BooleanBuilder).Append(m.Reported)
			} else {
				b.Field(9).AppendNull()
			}
			b.Field(10).(*array.StringBuilder).Append(g.towns[m.Town].Code)
			b.Field(11).(*array.StringBuilder).Append(m.Org)
			f.Rows++
			return true
		})
		if err := flush(); err != nil {
			pw.Close()
			return f, err
		}
	}
	return f, pw.Close() // closes out too
}
