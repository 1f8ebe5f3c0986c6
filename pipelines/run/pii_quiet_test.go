package run

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"grassroots/pipelines/demodata"
)

// textColumn is one column of an input, every value as text.
type textColumn struct {
	where  string
	values []string
}

// guard runs the detector over the column's values and returns it.
func (c textColumn) guard() *detector {
	d := &detector{col: c.where}
	for i, v := range c.values {
		if v != "" {
			d.see(v, int64(i+2))
		}
	}
	return d
}

// The guard flags no column of the inputs it is built for: every column of
// every demo input (organisations workbook, member CSV and Parquet archive,
// party-organisation NDJSON, community JSON, population CSV), every column
// of the reference data, and columns of the categories such inputs carry.
// Run with -v for the measurements the names rule in pii.go rests on.
func TestPIIGuardQuietOnRealColumns(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the demo district")
	}
	var cols []textColumn
	refdata, err := filepath.Glob("../refdata/*.csv")
	if err != nil || len(refdata) < 6 {
		t.Fatalf("reference data: %v (%d files)", err, len(refdata))
	}
	for _, p := range refdata {
		cols = append(cols, csvColumns(t, p)...)
	}
	dir := t.TempDir()
	files, err := demodata.New(demodata.Options{}).Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, "inputs", f.Name)
		switch filepath.Ext(f.Name) {
		case ".csv":
			cols = append(cols, csvColumns(t, p)...)
		case ".xlsx":
			cols = append(cols, xlsxColumns(t, p)...)
		case ".json":
			cols = append(cols, jsonColumns(t, p)...)
		case ".parquet":
			cols = append(cols, parquetColumns(t, p)...)
		default:
			t.Fatalf("demo input %s: no reader for it here", f.Name)
		}
	}
	if len(cols) < 100 {
		t.Fatalf("only %d columns read: an input was not found", len(cols))
	}
	measure(t, "demo inputs and reference data", cols)
	measure(t, "columns of categories", categoryColumns())
}

// measure runs the guard over cols, fails the test for a column it refuses,
// and logs how much of each column looks like names.
func measure(t *testing.T, what string, cols []textColumn) {
	t.Helper()
	var values int
	maxShare, maxAt, maxDistinct := 0.0, "", 0
	for _, c := range cols {
		d := c.guard()
		values += len(c.values)
		f := d.found[kindName]
		share := float64(f.whole) / float64(max(1, d.values-d.blank))
		distinct := map[string]bool{}
		for _, v := range c.values {
			if h, ok := wholeName(strings.TrimSpace(v)); ok {
				distinct[strings.TrimSpace(v)[:h.end]] = true
			}
		}
		if share > maxShare {
			maxShare, maxAt = share, c.where
		}
		maxDistinct = max(maxDistinct, len(distinct))
		if f.whole > 0 || f.text > 0 {
			t.Logf("%-44s %7d values, %5.2f%% look like names (%d different), %d names after a cue",
				c.where, d.values-d.blank, 100*share, len(distinct), f.text)
		}
		if kinds := d.refused(true); len(kinds) > 0 {
			t.Errorf("%s is refused: %v", c.where, d.verdict("", "", nil))
		}
	}
	t.Logf("%s: %d columns, %d values, none refused; the highest share of names %.2f%% (%s), at most %d different names in a column",
		what, len(cols), values, 100*maxShare, maxAt, maxDistinct)
}

// The names columns of the issue and their kin are refused; the measured
// shares are what the rule's threshold sits between.
func TestPIINamesColumnRule(t *testing.T) {
	f := newFakes(8)
	names := func(n int, other func(i int) string, every int) textColumn {
		var c textColumn
		for i := 0; i < n; i++ {
			if other != nil && i%every != 0 {
				c.values = append(c.values, other(i))
			} else {
				c.values = append(c.values, f.name())
			}
		}
		return c
	}
	placeholders := []string{"无", "暂无", "-", "/", "不详"}
	for _, c := range []struct {
		name string
		col  textColumn
	}{
		{"names", names(2000, nil, 1)},
		{"half names, placeholders elsewhere", names(2000, func(i int) string { return placeholders[i%5] }, 2)},
		{"a third names, the rest placeholders", names(3000, func(i int) string { return "无" }, 3)},
		{"names and names with a remark", names(2000, func(i int) string { return f.name() + "（已调离）" }, 3)},
		{"a short column", textColumn{values: []string{"张伟", "王芳", "无"}}},
		{"names, some not Han", names(2000, func(i int) string {
			return []string{"阿依古丽·买买提", "扎西多吉", "Zhang Wei", f.name(), f.name(), f.name()}[i%6]
		}, 2)},
	} {
		d := c.col.guard()
		fd := d.found[kindName]
		t.Logf("%-40s %5.1f%% of %d values besides placeholders look like names", c.name,
			100*float64(fd.whole)/float64(max(1, d.values-d.blank)), d.values-d.blank)
		want := true
		if got := len(d.refused(true)) > 0; got != want {
			t.Errorf("%s: refused %t, want %t (%d of %d values besides %d placeholders are names)", c.name, got, want,
				fd.whole, d.values, d.blank)
		}
	}
}

// categoryColumns are columns of the categories real inputs carry, in
// proportions like theirs: short words, some of which look like names.
func categoryColumns() []textColumn {
	spread := func(where string, words []string, weights []int) textColumn {
		c := textColumn{where: where}
		for i, w := range words {
			n := 1
			if i < len(weights) {
				n = weights[i]
			}
			for k := 0; k < n; k++ {
				c.values = append(c.values, w)
			}
		}
		return c
	}
	return []textColumn{
		spread("category: 学历", []string{"高中", "初中", "大专", "本科", "研究生", "小学", "文盲", "中专", "博士"},
			[]int{300, 250, 200, 150, 40, 30, 10, 20, 5}),
		spread("category: 行业 (GB/T 4754 门类)", []string{"农、林、牧、渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业",
			"建筑业", "批发和零售业", "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业", "金融业", "房地产业",
			"租赁和商务服务业", "科学研究和技术服务业", "水利、环境和公共设施管理业", "居民服务、修理和其他服务业", "教育",
			"卫生和社会工作", "文化、体育和娱乐业", "公共管理、社会保障和社会组织", "国际组织", "农业", "林业", "商业", "工业"}, nil),
		spread("category: 民族", []string{"汉族", "回族", "满族", "苗族", "蒙古族", "白族", "黎族", "高山族", "景颇族", "毛南族", "壮族", "藏族"},
			[]int{900, 20, 15, 10, 10, 5, 5, 1, 1, 1, 20, 5}),
		spread("category: 政治面貌", []string{"中共党员", "中共预备党员", "共青团员", "群众", "民主党派"}, []int{600, 50, 100, 200, 10}),
		spread("category: 人员类别", []string{"农牧渔民", "工人", "离退休人员", "学生", "社区", "机关", "企业", "事业单位"}, nil),
		spread("category: 性别", []string{"男", "女", "未知"}, []int{500, 480, 2}),
		spread("category: 组织类型", []string{"非公有制企业", "社会团体", "民办非企业单位", "基金会", "党委", "党总支", "党支部", "联合党支部"}, nil),
		spread("category: 组建方式", []string{"单独组建", "联合组建", "挂靠组建", "未组建"}, nil),
		spread("category: 是否", []string{"是", "否", "是否"}, nil),
		spread("names of bodies", []string{"中共上海市闵行区江川路街道工作委员会", "闵行区七宝镇党委", "华漕镇社区党委", "上海示例科技有限公司",
			"闵行区社会组织服务中心", "七宝镇第一居民委员会", "虹桥镇联合党支部", "梅陇镇城管中队", "吴泾镇卫生服务中心", "马桥镇文化站"}, nil),
	}
}

func csvColumns(t *testing.T, path string) []textColumn {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !isUTF8(data) {
		if data, err = simplifiedchinese.GBK.NewDecoder().Bytes(data); err != nil {
			t.Fatal(err)
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return gridColumns(filepath.Base(path), recs)
}

func isUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

// gridColumns makes a column of each position in rows (headers and titles
// included: they are text a column may hold as well).
func gridColumns(where string, rows [][]string) []textColumn {
	var cols []textColumn
	for _, row := range rows {
		for i, v := range row {
			for len(cols) <= i {
				cols = append(cols, textColumn{where: fmt.Sprintf("%s column %d", where, len(cols)+1)})
			}
			cols[i].values = append(cols[i].values, v)
		}
	}
	return cols
}

func xlsxColumns(t *testing.T, path string) []textColumn {
	t.Helper()
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var rows [][]string
	for _, sheet := range x.GetSheetList() {
		rs, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rs...)
	}
	return gridColumns(filepath.Base(path), rows)
}

// jsonColumns reads a JSON document or NDJSON records; a column is the
// values at one path (records.staffing.staff), every scalar as text.
func jsonColumns(t *testing.T, path string) []textColumn {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*textColumn{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(p+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(p+"[]", x)
			}
		case nil:
		default:
			c := byPath[p]
			if c == nil {
				c = &textColumn{where: filepath.Base(path) + " " + p}
				byPath[p] = c
			}
			c.values = append(c.values, fmt.Sprint(v))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		walk("", v)
	}
	var cols []textColumn
	for _, c := range byPath {
		cols = append(cols, *c)
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].where < cols[j].where })
	return cols
}

func parquetColumns(t *testing.T, path string) []textColumn {
	t.Helper()
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fr, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var cols []textColumn
	for rr.Next() {
		rec := rr.RecordBatch()
		for i, a := range rec.Columns() {
			for len(cols) <= i {
				cols = append(cols, textColumn{where: filepath.Base(path) + " " + rec.Schema().Field(len(cols)).Name})
			}
			for r := 0; r < a.Len(); r++ {
				if !a.IsNull(r) {
					cols[i].values = append(cols[i].values, a.ValueStr(r))
				}
			}
		}
	}
	var _ array.RecordReader = rr
	return cols
}
