package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"grassroots/sources"
	_ "grassroots/sources/csv"
	_ "grassroots/sources/xlsx"
	"grassroots/sql/warehouse"
)

func init() {
	register("ingest", runIngest)
	registerChild("ingest-duckdb", childDuckDB)
	registerChild("ingest-sources", childSources)
	registerChild("read", childRead)
}

// memberColumns are party_member's loaded columns with their DuckDB types.
// column is one column of a generated CSV: its warehouse name and the DuckDB
// type read_csv is told.
type column struct{ name, duck string }

var memberColumns = []column{
	{"snapshot_date", "DATE"}, {"region_code", "VARCHAR"}, {"member_hash", "VARCHAR"},
	{"birth_month", "DATE"}, {"gender", "VARCHAR"}, {"education", "VARCHAR"},
	{"joined_month", "DATE"}, {"category", "VARCHAR"}, {"in_service", "BOOLEAN"},
	{"floating", "BOOLEAN"}, {"reported_to_community", "BOOLEAN"},
	{"party_org_code", "VARCHAR"}, {"is_synthetic", "BOOLEAN"},
}

var (
	educations = []string{"primary_or_below", "junior_high", "senior_high", "college", "bachelor", "postgraduate"}
	categories = []string{"rural", "community", "agency", "enterprise", "social_org", "public_institution", "retired", "student", "other"}
	eduZH      = []string{"小学及以下", "初中", "高中", "大专", "本科", "研究生"}
	catZH      = []string{"农村", "社区", "机关", "企业", "社会组织", "事业单位", "离退休", "学生", "其他"}
)

// member is one synthetic party-member record. The id is a random 64-bit
// value shown as hex, as a salted hash would be; no names or ID numbers.
type member struct {
	region, org                 string
	hash                        uint64
	by, bm, jy, jm              int
	male, inService, float, rep bool
	edu, cat                    int
	repNull                     bool
}

func newMember(r *rand.Rand) member {
	town, comm := 1+r.IntN(14), 1+r.IntN(40)
	m := member{
		region: fmt.Sprintf("310112%03d%03d", town, comm),
		hash:   r.Uint64(),
		by:     1935 + r.IntN(69), bm: 1 + r.IntN(12),
		male: r.IntN(10) < 7, edu: r.IntN(len(educations)), cat: r.IntN(len(categories)),
		inService: r.IntN(2) == 0, float: r.IntN(20) == 0,
	}
	m.org = fmt.Sprintf("%sP%02d", m.region, 1+r.IntN(5))
	m.jy, m.jm = min(m.by+18+r.IntN(33), 2024), 1+r.IntN(12)
	m.repNull = !m.inService
	m.rep = r.IntN(4) != 0
	return m
}

func appendDate(b []byte, y, m int) []byte {
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10))
	return append(b, "-01"...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// generated writes a generated input at path once; later runs reuse it (the
// generators are deterministic). write gets a buffered writer on a temporary
// file that replaces path only when write succeeds, so an interrupted run
// never leaves half a file for the next run to reuse.
func generated(path string, write func(w *bufio.Writer) error) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return nil
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // after a failure; gone already after the rename
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// genMembers writes n members as the warehouse's party_member CSV.
func genMembers(path string, n int) error {
	return generated(path, func(w *bufio.Writer) error {
		var hdr []string
		for _, c := range memberColumns {
			hdr = append(hdr, c.name)
		}
		w.WriteString(strings.Join(hdr, ",") + "\n")
		r := rand.New(rand.NewPCG(2024, 12))
		b := make([]byte, 0, 256)
		for i := 0; i < n; i++ {
			m := newMember(r)
			b = append(b[:0], "2024-12-31,"...)
			b = append(b, m.region...)
			b = append(b, ',')
			b = fmt.Appendf(b, "%016x,", m.hash)
			b = appendDate(b, m.by, m.bm)
			if m.male {
				b = append(b, ",M,"...)
			} else {
				b = append(b, ",F,"...)
			}
			b = append(b, educations[m.edu]...)
			b = append(b, ',')
			b = appendDate(b, m.jy, m.jm)
			b = append(b, ',')
			b = append(b, categories[m.cat]...)
			b = append(b, ',')
			b = appendBool(b, m.inService)
			b = append(b, ',')
			b = appendBool(b, m.float)
			b = append(b, ',')
			if !m.repNull {
				b = appendBool(b, m.rep)
			}
			b = append(b, ',')
			b = append(b, m.org...)
			b = append(b, ",true\n"...)
			w.Write(b)
		}
		return nil
	})
}

// genMembersGBK writes n members the way a Chinese Windows export looks: GBK,
// CRLF, Chinese headers and values, 是/否, 1968年05月.
func genMembersGBK(path string, n int) error {
	return generated(path, func(out *bufio.Writer) error {
		enc := simplifiedchinese.GBK.NewEncoder().Writer(out)
		w := bufio.NewWriterSize(enc, 1<<20)
		w.WriteString("统计日期,地区代码,党员编号,出生年月,性别,学历,入党时间,党员类别,在职,流动党员\r\n")
		r := rand.New(rand.NewPCG(2024, 13))
		yn := func(v bool) string {
			if v {
				return "是"
			}
			return "否"
		}
		for i := 0; i < n; i++ {
			m := newMember(r)
			g := "女"
			if m.male {
				g = "男"
			}
			fmt.Fprintf(w, "2024/12/31,%s,%016x,%d年%02d月,%s,%s,%d年%d月,%s,%s,%s\r\n",
				m.region, m.hash, m.by, m.bm, g, eduZH[m.edu], m.jy, m.jm, catZH[m.cat], yn(m.inService), yn(m.float))
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if c, ok := enc.(interface{ Close() error }); ok {
			return c.Close() // flushes the encoder
		}
		return nil
	})
}

// genMembersXLSX writes n members to a workbook with a title row.
func genMembersXLSX(path string, n int) error {
	return generated(path, func(w *bufio.Writer) error { return writeMembersXLSX(w, n) })
}

func writeMembersXLSX(w io.Writer, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	sw.SetRow("A1", []any{"党员基本信息（合成示例数据）"})
	sw.SetRow("A2", []any{"统计日期", "地区代码", "党员编号", "出生年月", "性别", "学历", "党员类别", "在职"})
	r := rand.New(rand.NewPCG(2024, 14))
	for i := 0; i < n; i++ {
		m := newMember(r)
		g := "女"
		if m.male {
			g = "男"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		row := []any{"2024-12-31", m.region, fmt.Sprintf("%016x", m.hash), fmt.Sprintf("%d-%02d", m.by, m.bm), g, eduZH[m.edu], catZH[m.cat], m.inService}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// memberSource declares the member CSV's columns for the csv source.
func memberConfig(path string) sources.Config {
	types := map[string]sources.Type{"DATE": sources.Date, "VARCHAR": sources.String, "BOOLEAN": sources.Bool}
	cfg := sources.Config{Path: path, Options: sources.Options{Encoding: "utf-8"}}
	for _, c := range memberColumns {
		cfg.Columns = append(cfg.Columns, sources.Column{Name: c.name, From: sources.Header(c.name), Type: types[c.duck]})
	}
	return cfg
}

func freshWarehouse(ctx context.Context, path string) (*warehouse.Warehouse, error) {
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	w, err := warehouse.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := w.Migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// childDuckDB: DuckDB's own read_csv with explicit types, one INSERT.
func childDuckDB(ctx context.Context, args []string) (Result, error) {
	csvPath, dbPath := args[0], args[1]
	w, err := freshWarehouse(ctx, dbPath)
	if err != nil {
		return Result{}, err
	}
	defer w.Close()
	return readCSVInsert(ctx, w, "party_member", csvPath, memberColumns, nil)
}

// readCSVInsert times DuckDB's own reader: one INSERT into table from
// read_csv with the columns' types given explicitly, plus constant columns.
func readCSVInsert(ctx context.Context, w *warehouse.Warehouse, table, csvPath string, cols []column, consts map[string]string) (Result, error) {
	var names, types []string
	for _, c := range cols {
		names = append(names, c.name)
		types = append(types, fmt.Sprintf("'%s': '%s'", c.name, c.duck))
	}
	sel := "*"
	for _, k := range slices.Sorted(maps.Keys(consts)) {
		names = append(names, k)
		sel += ", " + consts[k]
	}
	q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM read_csv('%s', header = true, delim = ',', quote = '"', columns = {%s})`,
		table, strings.Join(names, ", "), sel, strings.ReplaceAll(csvPath, "'", "''"), strings.Join(types, ", "))
	start := time.Now()
	res, err := w.DB().ExecContext(ctx, q)
	if err != nil {
		return Result{}, err
	}
	n, _ := res.RowsAffected()
	return Result{Rows: n, Seconds: time.Since(start).Seconds()}, nil
}

// childSources: the csv source → Arrow batches → one streaming view → one INSERT.
func childSources(ctx context.Context, args []string) (Result, error) {
	csvPath, dbPath := args[0], args[1]
	w, err := freshWarehouse(ctx, dbPath)
	if err != nil {
		return Result{}, err
	}
	closed := false
	defer func() {
		if !closed {
			w.Close()
		}
	}()
	start := time.Now()
	cfg := memberConfig(csvPath)
	var arrowBytes func() int64
	if len(args) > 2 && args[2] == "malloc" {
		// C malloc: a released batch goes back at once instead of waiting
		// for the Go collector, which keeps peak RSS down by ~50 MB.
		m := mallocator.NewMallocator()
		cfg.Allocator, arrowBytes = m, m.AllocatedBytes
	}
	var probe *memProbe
	if len(args) > 3 && args[3] == "breakdown" {
		probe = startProbe(w.DB(), arrowBytes, 50*time.Millisecond)
	}
	src, err := sources.New("csv", cfg)
	if err != nil {
		return Result{}, err
	}
	rdr, err := src.Open(ctx)
	if err != nil {
		return Result{}, err
	}
	defer rdr.Release()
	st, err := w.Load(ctx, "party_member", rdr, warehouse.LoadOptions{Pipeline: "bench-ingest", Trigger: "bench"})
	if err != nil {
		return Result{}, err
	}
	if err := rdr.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Rows: st.Rows, Seconds: time.Since(start).Seconds()}
	if probe != nil {
		// Closing the warehouse checkpoints it: part of the peak to watch.
		probe.Phase("close (checkpoint)")
		closed = true
		if err := w.Close(); err != nil {
			return Result{}, err
		}
		res.Note = probe.Stop()
	}
	return res, nil
}

// childRead drains a source without a database: kind, path, then spec flags.
func childRead(ctx context.Context, args []string) (Result, error) {
	kind, path := args[0], args[1]
	var cfg sources.Config
	switch kind {
	case "gbk":
		cfg = sources.Config{Kind: "csv", Path: path, Options: sources.Options{Encoding: "gbk", Columns: []sources.Column{
			{Name: "snapshot_date", From: sources.Header("统计日期"), Type: sources.Date},
			{Name: "region_code", From: sources.Header("地区代码")},
			{Name: "member_hash", From: sources.Header("党员编号")},
			{Name: "birth_month", From: sources.Header("出生年月"), Type: sources.Month},
			{Name: "gender", From: sources.Header("性别")},
			{Name: "education", From: sources.Header("学历")},
			{Name: "joined_month", From: sources.Header("入党时间"), Type: sources.Month},
			{Name: "category", From: sources.Header("党员类别")},
			{Name: "in_service", From: sources.Header("在职"), Type: sources.Bool},
			{Name: "floating", From: sources.Header("流动党员"), Type: sources.Bool},
		}}}
	case "xlsx":
		cfg = sources.Config{Kind: "xlsx", Path: path, Options: sources.Options{SkipRows: 1, Columns: []sources.Column{
			{Name: "snapshot_date", From: sources.Header("统计日期"), Type: sources.Date},
			{Name: "region_code", From: sources.Header("地区代码")},
			{Name: "member_hash", From: sources.Header("党员编号")},
			{Name: "birth_month", From: sources.Header("出生年月"), Type: sources.Month},
			{Name: "gender", From: sources.Header("性别")},
			{Name: "education", From: sources.Header("学历")},
			{Name: "category", From: sources.Header("党员类别")},
			{Name: "in_service", From: sources.Header("在职"), Type: sources.Bool},
		}}}
	case "csv":
		cfg = memberConfig(path)
		cfg.Kind = "csv"
	default:
		return Result{}, fmt.Errorf("unknown kind %q", kind)
	}
	start := time.Now()
	src, err := sources.New(cfg.Kind, cfg)
	if err != nil {
		return Result{}, err
	}
	rdr, err := src.Open(ctx)
	if err != nil {
		return Result{}, err
	}
	defer rdr.Release()
	var n int64
	for rdr.Next() {
		n += rdr.RecordBatch().NumRows()
	}
	if err := rdr.Err(); err != nil {
		return Result{}, err
	}
	st := rdr.(sources.StatsReader).Stats()
	return Result{Rows: n, Seconds: time.Since(start).Seconds(), Note: "encoding " + st.Encoding}, nil
}

func runIngest(ctx context.Context, b *Bench) error {
	out := b.Out
	csvPath := filepath.Join(b.Dir, fmt.Sprintf("party_member_%d.csv", b.Rows))
	fmt.Fprintf(out, "ingest: generating %d synthetic party-member rows…\n", b.Rows)
	if err := genMembers(csvPath, b.Rows); err != nil {
		return err
	}
	st, err := os.Stat(csvPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "ingest: %s party_member CSV, %s (%s)\n", group(int64(b.Rows)), mb(st.Size()), csvPath)
	dbPath := filepath.Join(b.Dir, "bench.duckdb")
	defer os.Remove(dbPath)
	defer os.Remove(dbPath + ".wal")

	// The two sides alternate -repeat times; each keeps its fastest run and
	// its highest peak RSS, so a neighbour's load burst does not decide the ratio.
	var duck, ours Result
	for i := 0; i < max(b.Repeat, 1); i++ {
		d, err := b.Child(ctx, "ingest-duckdb", csvPath, dbPath)
		if err != nil {
			return err
		}
		o, err := b.Child(ctx, "ingest-sources", csvPath, dbPath, b.Alloc, breakdownArg(b))
		if err != nil {
			return err
		}
		duck, ours = best(duck, d), best(ours, o)
	}
	// The parse alone, without DuckDB: what the sources side costs of the
	// load above (it runs beside DuckDB's insert, one batch ahead).
	parse, err := b.Child(ctx, "read", "csv", csvPath)
	if err != nil {
		return err
	}
	line(out, "duckdb read_csv, explicit types → INSERT", duck)
	line(out, "sources/csv → Arrow → 1 view → 1 INSERT ("+b.Alloc+")", ours)
	line(out, "  of which sources/csv → Arrow alone (read only)", parse)
	if ours.Note != "" {
		fmt.Fprintf(out, "    %s\n", ours.Note)
	}
	if duck.Rows != ours.Rows {
		return fmt.Errorf("row counts differ: duckdb %d, sources %d", duck.Rows, ours.Rows)
	}
	ratio := ours.RowsPerSec() / duck.RowsPerSec()
	verdict := "meets"
	if ratio < 1.0 || ours.MaxRSS > 400<<20 {
		verdict = "MISSES"
	}
	fmt.Fprintf(out, "  %-50s %.2f×   (target ≥ 1.00× with peak RSS ≤ 400 MB: %s)\n", "ratio sources / duckdb", ratio, verdict)

	small := max(b.Rows/10, 1000)
	gbkPath := filepath.Join(b.Dir, fmt.Sprintf("party_member_gbk_%d.csv", small))
	if err := genMembersGBK(gbkPath, small); err != nil {
		return err
	}
	gbk, err := b.Child(ctx, "read", "gbk", gbkPath)
	if err != nil {
		return err
	}
	line(out, fmt.Sprintf("GBK CSV → Arrow (%s rows, read only)", group(int64(small))), gbk)

	tiny := max(b.Rows/100, 1000)
	xlsxPath := filepath.Join(b.Dir, fmt.Sprintf("party_member_%d.xlsx", tiny))
	if err := genMembersXLSX(xlsxPath, tiny); err != nil {
		return err
	}
	xl, err := b.Child(ctx, "read", "xlsx", xlsxPath)
	if err != nil {
		return err
	}
	line(out, fmt.Sprintf("xlsx → Arrow (%s rows, read only)", group(int64(tiny))), xl)
	return nil
}

// best keeps the faster run and the higher peak RSS of two.
func best(a, b Result) Result {
	if a.Rows == 0 {
		return b
	}
	rss := max(a.MaxRSS, b.MaxRSS)
	if b.Seconds < a.Seconds {
		a = b
	}
	a.MaxRSS = rss
	return a
}

func line(out interface{ Write([]byte) (int, error) }, what string, r Result) {
	fmt.Fprintf(out, "  %-50s %6.2f s  %14s  peak RSS %s\n", what, r.Seconds, rate(r.RowsPerSec()), mb(r.MaxRSS))
}

// group writes 10000000 as 10,000,000.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func breakdownArg(b *Bench) string {
	if b.Breakdown {
		return "breakdown"
	}
	return "-"
}

// memProbe samples, while a load runs, where the process's memory is: the
// resident set, the Go heap, the Arrow allocator's live bytes and DuckDB's
// buffer-managed memory by tag (duckdb_memory(), read on a second
// connection). It keeps the sample taken at the highest resident set.
type memProbe struct {
	db    *sql.DB
	arrow func() int64 // live bytes of the Arrow allocator, nil if unknown
	stop  chan struct{}
	wg    sync.WaitGroup

	base int64 // resident set before the load

	mu    sync.Mutex
	phase string
	peak  memSample
}

type memSample struct {
	phase                           string
	rss, goHeap, goSys, arrow, duck int64
	duckTags                        []tagBytes
}

type tagBytes struct {
	tag string
	n   int64
}

func startProbe(db *sql.DB, arrow func() int64, every time.Duration) *memProbe {
	p := &memProbe{db: db, arrow: arrow, stop: make(chan struct{}), base: vmRSS(), phase: "load"}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.sample()
			}
		}
	}()
	return p
}

func (p *memProbe) sample() {
	s := memSample{rss: vmRSS()}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.goHeap = int64(ms.HeapInuse)
	s.goSys = int64(ms.Sys - ms.HeapReleased)
	if p.arrow != nil {
		s.arrow = p.arrow()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	rows, err := p.db.QueryContext(ctx, `SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0`)
	if err == nil {
		for rows.Next() {
			var tb tagBytes
			if rows.Scan(&tb.tag, &tb.n) == nil {
				s.duck += tb.n
				s.duckTags = append(s.duckTags, tb)
			}
		}
		rows.Close()
	}
	p.mu.Lock()
	s.phase = p.phase
	if s.rss >= p.peak.rss {
		p.peak = s
	}
	p.mu.Unlock()
}

// Phase names what the process does from now on.
func (p *memProbe) Phase(name string) {
	p.mu.Lock()
	p.phase = name
	p.mu.Unlock()
}

// Stop ends sampling and describes the sample at the peak.
func (p *memProbe) Stop() string {
	close(p.stop)
	p.wg.Wait()
	s := p.peak
	sort.Slice(s.duckTags, func(i, j int) bool { return s.duckTags[i].n > s.duckTags[j].n })
	var tags []string
	for _, t := range s.duckTags {
		tags = append(tags, fmt.Sprintf("%s %s", strings.ToLower(t.tag), mb(t.n)))
	}
	other := s.rss - p.base - s.goSys - s.arrow - s.duck
	return fmt.Sprintf("at peak RSS %s, during %s: before the load %s; Go %s (heap in use %s), Arrow %s, DuckDB buffers %s [%s], other %s",
		mb(s.rss), s.phase, mb(p.base), mb(s.goSys), mb(s.goHeap), mb(s.arrow), mb(s.duck), strings.Join(tags, ", "), mb(other))
}

// vmRSS reads the current resident set size from /proc (0 elsewhere).
func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n << 10
		}
	}
	return 0
}
