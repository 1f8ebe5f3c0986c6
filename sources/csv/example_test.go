package csv_test

import (
	"context"
	"fmt"

	"grassroots/sources"
	_ "grassroots/sources/csv"
)

func Example() {
	src, err := sources.New("csv", sources.Config{
		Path: "testdata/pop_gbk.csv", // GBK, as Excel saves it on a Chinese PC
		Options: sources.Options{
			Columns: []sources.Column{
				{Name: "region_name", From: sources.Header("地区")},
				{Name: "urban", From: sources.Header("城镇人口（万人）"), Type: sources.Float, Unit: "万人"},
				{Name: "urban_rate", From: sources.Header("城镇化率（%）"), Type: sources.Float, Percent: "pct"},
			},
			DropRows: []sources.DropRule{{Equals: []string{"合计"}}, {StartsWith: []string{"注"}}},
		},
		OnReject: func(r sources.Reject) { fmt.Println("rejected:", r.Error()) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rdr.Release()
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Println(rec.Column(0).ValueStr(i), rec.Column(1).ValueStr(i), rec.Column(2).ValueStr(i), "row", rec.Column(3).ValueStr(i))
		}
	}
	st := rdr.(sources.StatsReader).Stats()
	fmt.Printf("%s: read %d, rejected %d, dropped %d\n", st.Encoding, st.RowsRead, st.RowsRejected, st.RowsDropped)
	// Output:
	// rejected: csv: testdata/pop_gbk.csv: line 6 column "城镇人口（万人）": "12,3x" is not a number
	// 闵行区 197000 39.2 row 2
	// 闵行区 8.151e+06 80.5 row 3
	// 苏州市 6.9e+06 65 row 4
	// 无锡市 (null) 67 row 5
	// gb18030: read 5, rejected 1, dropped 2
}
