package main

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"grassroots/pipelines"
	"grassroots/pipelines/demodata"
	"grassroots/pipelines/spec"
	"grassroots/sources"
	"grassroots/sql/warehouse"
)

// The benchmark's inputs are the demo district's (pipelines/demodata): the
// 2024 member and organisation registers at -scale, in the files analysts
// receive, with Chinese headers and values. At scale 400 that is about 10.3M
// members and 2.0M organisations over the 14 townships of 闵行区.

// registerYear is the year-end of the registers the benchmark reads.
const registerYear = demodata.LastYear

// field is one column of a generated register CSV, in file order: its
// header, the warehouse column it loads into and its type; or, without a
// header, a constant column. Both sides of every comparison are built from
// the same list: the sources config (or pipeline spec) on one side, and
// read_csv with the SQL DuckDB needs for what its reader cannot type on the
// other.
type field struct {
	header, name string
	typ          sources.Type
	value        string // constant columns only
}

// memberFields and orgFields are the columns of the member and organisation
// registers as the demo district's own pipelines map them.
var (
	memberFields = demoFields("demo_party_members")
	orgFields    = demoFields("demo_organisations")
)

// demoFields are the columns of one of the demo district's pipelines, for
// the registerYear period. The embedded specs are checked by the project's
// tests and lint, so one that does not parse is a broken build.
func demoFields(name string) []field {
	s, err := demoSpec(name)
	if err != nil {
		panic(err)
	}
	var fields []field
	for _, c := range s.ForPeriod(strconv.Itoa(registerYear)).Columns {
		fields = append(fields, field{header: c.From.Name, name: c.Name, typ: c.Type, value: c.Value})
	}
	return fields
}

// checkHeader reports whether fields name the generator's header in its
// order: read_csv takes columns by position, so a reordered header would
// load the wrong values without an error.
func checkHeader(fields []field, header []string) error {
	var got []string
	for _, f := range fields {
		if f.header != "" {
			got = append(got, f.header)
		}
	}
	if !slices.Equal(got, header) {
		return fmt.Errorf("the generator's header is %s, the benchmark expects %s", strings.Join(header, ","), strings.Join(got, ","))
	}
	return nil
}

func names(fields []field) []string {
	var out []string
	for _, f := range fields {
		out = append(out, f.name)
	}
	return out
}

// duckType is the DuckDB type of a declared column type.
func duckType(t sources.Type) string {
	switch t {
	case sources.Int:
		return "BIGINT"
	case sources.Float:
		return "DOUBLE"
	case sources.Date, sources.Month:
		return "DATE"
	case sources.Bool:
		return "BOOLEAN"
	}
	return "VARCHAR"
}

// readCSV is DuckDB's own reader over a generated register, as a query whose
// columns are fields' warehouse names and types: read_csv with every type
// given, plus SQL for what read_csv cannot type itself (是/否, a year-month).
func readCSV(path string, fields []field) string {
	var cols, sel []string
	for _, f := range fields {
		if f.header == "" {
			sel = append(sel, fmt.Sprintf("CAST('%s' AS %s) AS %s", f.value, duckType(f.typ), f.name))
			continue
		}
		read, expr := duckType(f.typ), f.name
		switch f.typ {
		case sources.Month:
			read, expr = "VARCHAR", fmt.Sprintf("CAST(%s || '-01' AS DATE)", f.name)
		case sources.Bool:
			read, expr = "VARCHAR", fmt.Sprintf("CASE %s WHEN '是' THEN true WHEN '否' THEN false END", f.name)
		}
		cols = append(cols, fmt.Sprintf("'%s': '%s'", f.name, read))
		sel = append(sel, expr+" AS "+f.name)
	}
	return fmt.Sprintf(`SELECT %s FROM read_csv('%s', header = true, delim = ',', quote = '"', columns = {%s})`,
		strings.Join(sel, ", "), strings.ReplaceAll(path, "'", "''"), strings.Join(cols, ", "))
}

// readCSVInsert times DuckDB's own reader: one INSERT into table from
// readCSV.
func readCSVInsert(ctx context.Context, w *warehouse.Warehouse, table, path string, fields []field) (Result, error) {
	// Into the table's history, where a run's rows go (the table is a view).
	q := fmt.Sprintf("INSERT INTO %s (%s) %s", table+warehouse.HistorySuffix, strings.Join(names(fields), ", "), readCSV(path, fields))
	start := time.Now()
	res, err := w.DB().ExecContext(ctx, q)
	if err != nil {
		return Result{}, err
	}
	n, _ := res.RowsAffected()
	return Result{Rows: n, Seconds: time.Since(start).Seconds()}, nil
}

// sourcesConfig declares fields for the sources side.
func sourcesConfig(kind, path string, fields []field) sources.Config {
	cfg := sources.Config{Kind: kind, Path: path}
	for _, f := range fields {
		c := sources.Column{Name: f.name, Type: f.typ, Value: f.value}
		if f.header != "" {
			c.From = sources.Header(f.header)
		}
		cfg.Columns = append(cfg.Columns, c)
	}
	return cfg
}

// specColumns writes fields as the columns of a pipeline spec.
func specColumns(fields []field) string {
	var b strings.Builder
	for _, f := range fields {
		if f.header == "" {
			fmt.Fprintf(&b, "    - {name: %s, type: %s, value: %q}\n", f.name, f.typ, f.value)
		} else {
			fmt.Fprintf(&b, "    - {name: %s, from: %q, type: %s}\n", f.name, f.header, f.typ)
		}
	}
	return b.String()
}

// demoSpec is one of the demo district's pipelines.
func demoSpec(name string) (*spec.Spec, error) {
	for _, ps := range pipelines.Demo() {
		if ps.Name == name {
			return spec.Parse(ps.File, ps.Data)
		}
	}
	return nil, fmt.Errorf("no demo pipeline %s", name)
}

// demoRecode is the recode section of one of the demo district's pipelines:
// the warehouse codes of the register's Chinese values.
func demoRecode(name string) (map[string]map[string]string, error) {
	s, err := demoSpec(name)
	if err != nil {
		return nil, err
	}
	return s.Recode, nil
}

// recodeSQL maps col's values to codes as the pipeline's recode does (a
// value without a code becomes NULL, where the pipeline would reject the row).
func recodeSQL(col string, codes map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE %s", col)
	for _, k := range slices.Sorted(maps.Keys(codes)) {
		fmt.Fprintf(&b, " WHEN '%s' THEN '%s'", k, codes[k])
	}
	b.WriteString(" END")
	return b.String()
}

// scaleName is the scale in file names: 400, 0.5.
func scaleName(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) }

// generator is the demo district at b.Scale.
func (b *Bench) generator() *demodata.Generator {
	if b.gen == nil {
		b.gen = demodata.New(demodata.Options{Scale: b.Scale})
	}
	return b.gen
}

// input is the path of a generated input in b.Dir; the name carries the
// scale, so that another scale never reuses the file.
func (b *Bench) input(what, ext string) string {
	return filepath.Join(b.Dir, fmt.Sprintf("demo_v%d_%d_scale%s_%s.%s", demodata.Version, registerYear, scaleName(b.Scale), what, ext))
}

// membersCSV writes the member register (the generator's own CSV: UTF-8 with
// a BOM, Chinese headers and values) once and returns its path.
func (b *Bench) membersCSV() (string, error) {
	if err := checkHeader(memberFields, demodata.MemberHeader); err != nil {
		return "", err
	}
	path := b.input("members", "csv")
	err := generated(path, func(w *bufio.Writer) error {
		_, err := b.generator().WriteMembersCSV(w, registerYear, false)
		return err
	})
	return path, err
}

// orgsCSV writes the organisation register (the generator's own CSV) once
// and returns its path.
func (b *Bench) orgsCSV() (string, error) {
	if err := checkHeader(orgFields, demodata.OrgHeader); err != nil {
		return "", err
	}
	path := b.input("organisations", "csv")
	err := generated(path, func(w *bufio.Writer) error {
		_, err := b.generator().WriteOrganisationsCSV(w, registerYear)
		return err
	})
	return path, err
}

// generated writes a generated input at path once; later runs reuse it (the
// generator is deterministic). write gets a buffered writer on a temporary
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

// memberRecord is a member's row as the register CSV writes it, for the GBK
// and xlsx variants of the same rows.
func memberRecord(m *demodata.Member) []string {
	yn := func(v bool) string {
		if v {
			return "是"
		}
		return "否"
	}
	gender, reported := "男", ""
	if m.Female {
		gender = "女"
	}
	if m.InService {
		reported = yn(m.Reported)
	}
	return []string{m.RegisterNumber(), fmt.Sprintf("%04d-%02d-%02d", m.BirthY, m.BirthM, m.BirthD), gender,
		demodata.Educations[m.Education], fmt.Sprintf("%04d-%02d", m.JoinY, m.JoinM), m.Category, yn(m.Floating),
		yn(m.InService), reported, demodata.Townships[m.Town].Code, m.Org}
}

// fileSize is the size of path, formatted.
func fileSize(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return "?"
	}
	return mb(st.Size())
}
