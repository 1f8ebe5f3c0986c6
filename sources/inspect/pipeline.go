package inspect

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"grassroots/sources"
)

// Table is a warehouse table a pipeline may load, with its columns.
type Table struct {
	Name    string
	Columns []string
}

func (t Table) has(c string) bool { return slices.Contains(t.Columns, c) }

// PipelineOptions say how a suggestion becomes a whole pipeline file.
type PipelineOptions struct {
	// Name is the pipeline's name (the file stem); it also names the vintage.
	Name string
	// Path is the input as the spec names it: relative to the project
	// folder, or a URL. Outside marks a local input outside the project.
	Path    string
	Outside bool
	// Tables are the warehouse's tables, to choose the target from, in order
	// of preference where the columns fit several equally.
	Tables []Table
}

// Plan is what Pipeline chose, for the command to say.
type Plan struct {
	Table    string
	Loaded   []string // warehouse columns read from the file
	Skipped  []string // headers kept as comments, not loaded
	Checks   int      // notes marked 请核对
	RegionOK bool     // a region code column was found
}

// Target chooses the table that the guessed column names fill best: the
// one with most of them, the earlier in tables on a tie. ok is false when
// no measure of the file is a column of any table.
func (r *Report) Target(tables []Table) (t Table, ok bool) {
	best := -1
	for _, tb := range tables {
		n, measures := 0, 0
		for i, c := range r.Columns {
			if !tb.has(c.Name) {
				continue
			}
			n++
			if i < len(r.Guesses) && (r.Guesses[i].Role == RoleMeasure || r.Guesses[i].Role == RoleRate) {
				measures++
			}
		}
		if measures == 0 {
			n = 0
		}
		if n > best {
			best, t = n, tb
		}
	}
	return t, best > 0
}

// checkPairs are the parts that cannot exceed their whole.
var checkPairs = []struct{ part, whole, message string }{
	{"urban_resident_pop", "resident_pop", "城镇常住人口大于常住人口"},
	{"rural_resident_pop", "resident_pop", "乡村常住人口大于常住人口"},
	{"urban_hukou_pop", "hukou_pop", "城镇户籍人口大于户籍人口"},
	{"formal_members", "employees", "正式党员多于从业人员"},
	{"fulltime_social_workers", "staff", "专职社工多于社区工作人员"},
	{"compounds_with_branch", "compounds", "建立党支部的小区多于小区数"},
}

// Pipeline renders a whole pipeline file from the suggestion: the source
// with the columns the chosen table has (the others kept as comments with
// their header), constant vintage, status and source columns where the table
// has them, the target and its partition, and the rules existing pipelines
// use — region check, min 0 on counts, 0–100 on percentages, a unique key,
// parts not above their whole. Every guess to check carries a comment
// (# 请核对：…, in Chinese with the English short).
func (r *Report) Pipeline(o PipelineOptions) (string, Plan) {
	t, fits := r.Target(o.Tables)
	plan := Plan{Table: t.Name}
	loaded := map[string]bool{}
	var regionGuess *Guess
	yearCol := false
	skip := func(i int) string {
		c := r.Columns[i]
		g := Guess{}
		if i < len(r.Guesses) {
			g = r.Guesses[i]
		}
		if r.Years != nil && i >= len(r.Columns)-2 {
			return "" // the unpivot's key and value
		}
		switch {
		case g.Role == RoleRegionName:
			return "地区名称不入库，地区以区划代码为准 (region names are not loaded: region_code identifies the region)"
		case !t.has(c.Name):
			return fmt.Sprintf("%s 表没有 %s 列，未入库：改名或删去 (table %s has no column %s: not loaded)", t.Name, c.Name, t.Name, c.Name)
		}
		return ""
	}
	for i, c := range r.Columns {
		if skip(i) != "" {
			plan.Skipped = append(plan.Skipped, c.From.String())
			continue
		}
		loaded[c.Name] = true
		plan.Loaded = append(plan.Loaded, c.Name)
		if i < len(r.Guesses) {
			switch r.Guesses[i].Role {
			case RoleRegion:
				g := r.Guesses[i]
				regionGuess = &g
			case RoleYear:
				yearCol = true
			}
		}
	}
	plan.RegionOK = regionGuess != nil

	so := sourceOptions{path: o.Path, outside: o.Outside, skip: skip}
	add := func(c sources.Column, note string) {
		if loaded[c.Name] {
			return // the file has it
		}
		so.constants = append(so.constants, constant{c, note})
		loaded[c.Name] = true
	}
	var title []string
	for _, p := range r.Preamble {
		title = append(title, cells(p.Cells, true))
	}
	if t.has("year") && !loaded["year"] {
		if r.TitleYear != "" {
			add(sources.Column{Name: "year", Type: sources.Int, Value: r.TitleYear},
				"年份取自标题，文件中没有年份列 (the year, from the title)")
		} else {
			so.notes = append(so.notes, "文件中没有年份，请加一列 {name: year, type: int, value: \"年份\"} (no year in the file: add it as a constant)")
		}
	}
	if t.has("region_code") && regionGuess == nil {
		so.notes = append(so.notes, "未找到区划代码列：region_code 须由文件给出 (no region code column found: the table needs region_code)")
	}
	if t.has("vintage") {
		add(sources.Column{Name: "vintage", Value: o.Name},
			"数据版本，区分快报、年鉴、普查等不同发布 (vintage: which release the figures are)")
	}
	if t.has("status") {
		add(sources.Column{Name: "status", Value: "final"},
			"数据状态：final 最终数；快报填 preliminary，修订数 revised，推算数 estimated (observation status)")
	}
	if t.has("source") {
		src := path.Base(strings.ReplaceAll(o.Path, "\\", "/"))
		if r.Sheet != "" && (len(title) == 0 || !strings.Contains(title[0], r.Sheet)) {
			src += " " + r.Sheet
		}
		if len(title) > 0 {
			src += " " + title[0]
		}
		add(sources.Column{Name: "source", Value: src}, "资料来源 (where the figures come from)")
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# %s: written by grassroots new pipeline from %s.\n", o.Name, comment(path.Base(o.Path)))
	b.WriteString("# 请逐条核对标有「请核对」的猜测 (check every guess marked 请核对), then: grassroots lint\n")
	desc := path.Base(o.Path)
	if len(title) > 0 {
		desc = title[0]
	}
	fmt.Fprintf(&b, "description: %s\n", strconv.Quote(comment(desc)))
	r.writeSource(&b, so)

	b.WriteString("target:\n")
	note := "入库表按列名判断 (the target table, from the column names)"
	if !fits {
		note = "没有一列对上入库表的列，入库表待定 (no column matches a table: choose the target)"
	}
	fmt.Fprintf(&b, "  table: %s%s\n", t.Name, checkNote([]string{note}))
	var part, unique []string
	for _, k := range []string{"region_code", "year", "snapshot_date", "month", "vintage"} {
		if loaded[k] && t.has(k) {
			part = append(part, k)
			if k == "vintage" || k == "year" && !yearCol {
				continue // one value in every row
			}
			unique = append(unique, k)
		}
	}
	fmt.Fprintf(&b, "  partition_by: [%s]  # 重跑时替换的范围 (what a re-run replaces)\n", strings.Join(part, ", "))

	b.WriteString("validate:\n  columns:\n")
	if yearCol {
		b.WriteString("    year: {min: 1949, max: 2100}\n")
	}
	if g := regionGuess; g != nil {
		if g.Level >= 0 {
			fmt.Fprintf(&b, "    region_code: {region_level: %d}%s\n", g.Level, checkNote([]string{
				fmt.Sprintf("代码均为第%d级，须已在 region 表中 (codes of level %d, checked against the region table; %s)", g.Level, g.Level, refdataFor(g.Level))}))
		} else {
			var alts []string
			for _, n := range g.CodeLengths {
				alts = append(alts, fmt.Sprintf("[0-9]{%d}", n))
			}
			if alts == nil {
				alts = []string{"[0-9]{6}", "[0-9]{9}", "[0-9]{12}"}
			}
			fmt.Fprintf(&b, "    region_code: {pattern: '^(%s)$'}%s\n", strings.Join(alts, "|"), checkNote([]string{
				"代码层级不一，只查格式 (codes of several levels: their form is checked, not the region table)"}))
		}
	}
	// A total that a part is checked against must be there: with it
	// empty, part <= total is unknown and the row would pass.
	wholes := map[string]bool{}
	for _, p := range checkPairs {
		if loaded[p.part] && loaded[p.whole] {
			wholes[p.whole] = true
		}
	}
	for i, c := range r.Columns {
		if !loaded[c.Name] || skip(i) != "" || i >= len(r.Guesses) {
			continue
		}
		numeric := c.Type == sources.Int || c.Type == sources.Float
		switch {
		case r.Guesses[i].Role == RoleRate && c.Percent == "pct":
			fmt.Fprintf(&b, "    %s: {min: 0, max: 100}\n", c.Name)
		case r.Guesses[i].Role == RoleMeasure && numeric && wholes[c.Name]:
			fmt.Fprintf(&b, "    %s: {required: true, min: 0}%s\n", c.Name, checkNote([]string{
				"总数必填：空着则「部分不大于总数」无从检查 (a total must be given: empty, the part <= total check cannot fail)"}))
		case r.Guesses[i].Role == RoleMeasure && numeric:
			fmt.Fprintf(&b, "    %s: {min: 0}\n", c.Name)
		}
	}
	if len(unique) > 0 {
		fmt.Fprintf(&b, "  unique: [%s]%s\n", strings.Join(unique, ", "), checkNote([]string{"每行的键 (the key of a row)"}))
	}
	var checks []string
	for _, p := range checkPairs {
		if loaded[p.part] && loaded[p.whole] {
			checks = append(checks, fmt.Sprintf("    - {sql: %s <= %s, message: %s}\n", p.part, p.whole, p.message))
		}
	}
	if checks != nil {
		b.WriteString("  checks:\n" + strings.Join(checks, ""))
	}
	b.WriteString("refresh:\n  indicators: [auto]\n")

	out := b.String()
	plan.Checks = strings.Count(out, "请核对：")
	return out, plan
}

// refdataFor names the reference pipeline that loads regions of a level.
func refdataFor(level int) string {
	switch {
	case level == 5:
		return "村级代码须先载入 region 表 (village codes: load them into region first)"
	case level == 4:
		return "grassroots run refdata_region_township"
	}
	return "grassroots run refdata_region"
}
