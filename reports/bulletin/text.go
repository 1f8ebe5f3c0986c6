package bulletin

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var bundled embed.FS

// Dir is where a project keeps its own bulletin templates: a file there
// replaces the bundled file of the same name, and a new name adds a section.
const Dir = "reports/bulletin"

// Section is one section of a bulletin as written: its title and
// paragraphs, and the facts its template used.
type Section struct {
	Name       string // the template's file name, without .tmpl
	Title      string // 城镇化
	Paragraphs []string
	// Synthetic: a figure it prints is synthetic; each paragraph that
	// prints one says so (【示例数据】) at its start, whatever the template.
	Synthetic bool
	Facts     []*Fact
	Alerts    []*Alert
}

// Templates are the sections' templates, in the order of their file names.
type Templates struct {
	files []templateFile
}

type templateFile struct {
	name, path string // name: file name without .tmpl; path: as shown in errors
	src        string
	tmpl       *template.Template
}

// Load reads the bundled templates and, from dir when it is not empty, the
// project's own (*.tmpl), which replace the bundled ones of the same name.
// A missing dir is no error. Every template that does not parse is reported,
// each error naming the file and line.
func Load(dir string) (*Templates, error) {
	byName := map[string]templateFile{}
	bfs, _ := fs.Sub(bundled, "templates")
	if err := readTemplates(bfs, "reports/bulletin/templates", byName); err != nil {
		return nil, err
	}
	if dir != "" {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			if err := readTemplates(os.DirFS(dir), dir, byName); err != nil {
				return nil, err
			}
		} else if err == nil {
			return nil, fmt.Errorf("bulletin: %s is not a folder", dir)
		}
	}
	t := &Templates{}
	var errs []error
	for _, f := range byName {
		tm, err := parse(f.path, f.src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f.tmpl = tm
		t.files = append(t.files, f)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(t.files, func(i, j int) bool { return t.files[i].name < t.files[j].name })
	return t, nil
}

func readTemplates(fsys fs.FS, shownDir string, into map[string]templateFile) error {
	names, err := fs.Glob(fsys, "*.tmpl")
	if err != nil {
		return err
	}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return fmt.Errorf("bulletin: %w", err)
		}
		name := strings.TrimSuffix(n, ".tmpl")
		into[name] = templateFile{name: name, path: filepath.Join(shownDir, n), src: string(b)}
	}
	return nil
}

// WriteBundled writes the bundled templates into dir (made if missing), for
// a department to edit: a file there replaces the bundled one of the same
// name. It writes nothing if any of the files is there already, and says
// which: a department's wording is never overwritten. It returns the paths
// written.
func WriteBundled(dir string) ([]string, error) {
	names, err := fs.Glob(bundled, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("bulletin: %w", err)
	}
	var paths, there []string
	for _, n := range names {
		p := filepath.Join(dir, filepath.Base(n))
		paths = append(paths, p)
		if _, err := os.Lstat(p); err == nil {
			there = append(there, p)
		}
	}
	if len(there) > 0 {
		return nil, fmt.Errorf("bulletin: %s already there: not overwritten (move it away, or edit it)", strings.Join(there, ", "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bulletin: %w", err)
	}
	for i, n := range names {
		b, err := fs.ReadFile(bundled, n)
		if err != nil {
			return nil, fmt.Errorf("bulletin: %w", err)
		}
		// O_EXCL: a file made since the check above is not overwritten either.
		f, err := os.OpenFile(paths[i], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return paths[:i], fmt.Errorf("bulletin: %w", err)
		}
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return paths[:i+1], fmt.Errorf("bulletin: %s: %w", paths[i], err)
		}
	}
	return paths, nil
}

// TemplateError is a template that does not parse, or gives no cause it
// should not: where (file, line) and what.
type TemplateError struct {
	Path string
	Line int
	Msg  string
}

func (e *TemplateError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

var parseLine = regexp.MustCompile(`^template: [^:]*:(\d+):(?:\d+:)? ?(.*)$`)

// causeWords are what explains a figure: a bulletin states figures, and a
// template has no way of knowing why one moved.
var causeWords = []string{"由于", "因为", "原因", "导致", "得益于"}

// signWords before a value the template prints: the template cannot know
// the sign of the figure (高于…0.0个百分点); versus and change word it.
var signWords = regexp.MustCompile(`(高于|低于|提高|下降|增加|减少)[^{}。，；]*\{\{-?\s*(val|num)\b`)

// parse parses one section's template: a define "title" and the body.
func parse(path, src string) (*template.Template, error) {
	tm, err := template.New(filepath.Base(path)).Funcs(dummyFuncs()).Option("missingkey=error").Parse(src)
	if err != nil {
		te := &TemplateError{Path: path, Msg: err.Error()}
		if m := parseLine.FindStringSubmatch(err.Error()); m != nil {
			te.Line, _ = strconv.Atoi(m[1])
			te.Msg = m[2]
		}
		return nil, te
	}
	if tm.Lookup("title") == nil {
		return nil, &TemplateError{Path: path, Line: 1, Msg: `no title: define one, as {{define "title"}}城镇化{{end}}`}
	}
	for i, line := range strings.Split(src, "\n") {
		if m := signWords.FindStringSubmatch(line); m != nil {
			return nil, &TemplateError{Path: path, Line: i + 1,
				Msg: fmt.Sprintf("%q before {{%s}}: the template does not know the figure's sign; use versus (a difference) or change", m[1], m[2])}
		}
		for _, w := range causeWords {
			if strings.Contains(line, w) {
				return nil, &TemplateError{Path: path, Line: i + 1,
					Msg: fmt.Sprintf("%q explains a figure: a bulletin states figures and gives no causes", w)}
			}
		}
	}
	return tm, nil
}

// Check parses the templates of dir (a project's reports/bulletin) with
// the bundled ones and returns every problem.
func Check(dir string) []error {
	_, err := Load(dir)
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Write writes the bulletin of f: every section whose template writes
// something, in order.
func (t *Templates) Write(f *Facts) ([]Section, error) {
	var out []Section
	for _, tf := range t.files {
		s, err := t.section(tf, f)
		if err != nil {
			return nil, err
		}
		if len(s.Paragraphs) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

func (t *Templates) section(tf templateFile, f *Facts) (Section, error) {
	s := Section{Name: tf.name}
	used := map[*Fact]bool{}
	fns := funcs()
	fns["fact"] = func(code string) *Fact {
		x := f.Fact(code)
		if x != nil && !used[x] {
			used[x] = true
			s.Facts = append(s.Facts, x)
		}
		return x
	}
	fns["alerts"] = func() []*Alert {
		s.Alerts = f.Alerts
		return f.Alerts
	}
	tm, err := tf.tmpl.Clone()
	if err != nil {
		return s, err
	}
	tm.Funcs(fns)
	var title, body bytes.Buffer
	if err := tm.ExecuteTemplate(&title, "title", f); err != nil {
		return s, fmt.Errorf("bulletin: %s: %w", tf.path, err)
	}
	if err := tm.Execute(&body, f); err != nil {
		return s, fmt.Errorf("bulletin: %s: %w", tf.path, err)
	}
	s.Title = strings.TrimSpace(title.String())
	for _, p := range paragraphs(body.String()) {
		p = statuses(p)
		if strings.Contains(p, synthMark) {
			s.Synthetic = true
			p = "【示例数据】" + strings.ReplaceAll(p, synthMark, "")
		}
		s.Paragraphs = append(s.Paragraphs, p)
	}
	return s, nil
}

var blankLine = regexp.MustCompile(`\n[ \t]*\n`)

// paragraphs splits a template's output at blank lines; the lines of a
// paragraph are joined without spaces (Chinese text has none).
func paragraphs(s string) []string {
	var out []string
	for _, block := range blankLine.Split(s, -1) {
		var b strings.Builder
		for _, l := range strings.Split(block, "\n") {
			b.WriteString(strings.TrimSpace(l))
		}
		if p := b.String(); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// synthMark is written by every function that prints a synthetic figure,
// and replaced by 【示例数据】 at the start of its paragraph: a paragraph says
// it is synthetic exactly when a figure in it is, whatever the template.
const synthMark = "\uE000"

// marked appends synthMark to what format prints of a synthetic fact.
func marked(format func(*Fact) string) func(*Fact) string {
	return func(x *Fact) string {
		s := format(x)
		if s != "" && x.Synthetic {
			s += synthMark
		}
		return s
	}
}

// dummyFuncs declare the functions that Write binds per section, for parsing.
func dummyFuncs() template.FuncMap {
	m := funcs()
	m["fact"] = func(string) *Fact { return nil }
	m["alerts"] = func() []*Alert { return nil }
	return m
}

// funcs format the facts' own numbers; none computes a figure.
func funcs() template.FuncMap {
	return template.FuncMap{
		"when":   When,
		"val":    marked(func(x *Fact) string { return x.Shown() + UnitZh(x.Unit) + statusMark(x) }),
		"num":    marked(func(x *Fact) string { return x.Shown() }),
		"unit":   func(x *Fact) string { return UnitZh(x.Unit) },
		"change": marked(ChangeText),
		"growth": marked(GrowthText),
		"rank": func(x *Fact) string {
			s := RankText(x)
			if s != "" && (x.Synthetic || x.Rank.Synthetic) {
				s += synthMark
			}
			return s
		},
		"target": marked(TargetText),
		"versus": func(x *Fact, a, b string) string {
			s := versus(x, a, b, statusMark(x))
			if x.Synthetic {
				s += synthMark
			}
			return s
		},
		"wan": func(x *Fact, part string) (string, error) {
			s, err := Wan(x, part)
			if s != "" && x.Synthetic {
				s += synthMark
			}
			return s, err
		},
		"alert": func(a *Alert, f *Facts) string {
			s := AlertText(a, f)
			if a.Synthetic {
				s += synthMark
			}
			return s
		},
	}
}

// When is the date of a fact as a bulletin gives it: 2024年末 for a year or
// a year's last day, 2020年11月1日 for another date.
func When(x *Fact) string { return whenPeriod(x.Period) }

func whenPeriod(p string) string {
	if len(p) == 4 {
		return p + "年末"
	}
	if len(p) == 10 {
		if p[5:] == "12-31" {
			return p[:4] + "年末"
		}
		m, _ := strconv.Atoi(p[5:7])
		d, _ := strconv.Atoi(p[8:10])
		return fmt.Sprintf("%s年%d月%d日", p[:4], m, d)
	}
	return p
}

// UnitZh is a unit as a bulletin writes it after a number.
func UnitZh(u string) string {
	switch u {
	case "pp":
		return "个百分点"
	case "km²":
		return "平方公里"
	case "persons":
		return "人"
	case "units":
		return "个"
	}
	return u
}

// Val is the value as published with its unit, and its status where it is
// not final (快报数, 修订数, 推算数; 示例数据 is said at the paragraph's
// start): 80.5%, 67.0%（快报数）.
func Val(x *Fact) string {
	return x.Shown() + UnitZh(x.Unit) + statusOf(x)
}

// Versus words a fact whose value is a signed difference a − b, as
// published: 常住人口城镇化率高于户籍人口城镇化率8.5个百分点, …低于… (多于,
// 少于 for a count), and
// 常住人口城镇化率与户籍人口城镇化率持平 where it rounds to nothing — so that
// a template never writes 高于 beside a difference that is nil or negative.
func Versus(x *Fact, a, b string) string { return versus(x, a, b, statusOf(x)) }

func versus(x *Fact, a, b, status string) string {
	v := Round(x.Value, x.Precision)
	if v == 0 {
		return a + "与" + b + "持平" + status
	}
	verb := map[bool]string{true: "高于", false: "低于"}
	if !Points(x.Unit) {
		verb = map[bool]string{true: "多于", false: "少于"} // a count
	}
	return a + verb[v > 0] + b + Fixed(math.Abs(v), x.Precision) + diffUnit(x.Unit) + status
}

// diffUnit is the unit of a difference: 个百分点 for rates.
func diffUnit(u string) string {
	if Points(u) {
		return "个百分点"
	}
	return UnitZh(u)
}

// statusOf is the status said after a figure that is not final:
// （快报数）; "" for a final or a synthetic figure (示例数据 is said at the
// paragraph's start).
func statusOf(x *Fact) string {
	if x.StatusZh != "" && !x.Synthetic {
		return "（" + x.StatusZh + "）"
	}
	return ""
}

// statusMark stands after a figure that val or versus prints for its
// status (the status word between two marks, nothing between them for a
// final or a synthetic figure), until statuses says the status per
// paragraph.
func statusMark(x *Fact) string {
	st := ""
	if x.StatusZh != "" && !x.Synthetic {
		st = x.StatusZh
	}
	return statusOpen + st + statusClose
}

const statusOpen, statusClose = "\uE001", "\uE002"

var statusMarks = regexp.MustCompile(statusOpen + "([^" + statusClose + "]*)" + statusClose)

// statuses says the statuses of a paragraph's figures once where all
// share one that is not final — 以上为快报数。 at its end, or （快报数）
// after its one figure — and after each figure that is not final where
// they differ.
func statuses(p string) string {
	marks := statusMarks.FindAllStringSubmatch(p, -1)
	same := len(marks) > 1 && marks[0][1] != ""
	for _, m := range marks {
		same = same && m[1] == marks[0][1]
	}
	if same {
		return strings.TrimSuffix(statusMarks.ReplaceAllString(p, ""), "。") + "。以上为" + marks[0][1] + "。"
	}
	return statusMarks.ReplaceAllStringFunc(p, func(m string) string {
		if st := statusMarks.FindStringSubmatch(m)[1]; st != "" {
			return "（" + st + "）"
		}
		return ""
	})
}

// since says what a change is measured against: 比上年 for the year
// before, else 比2010年.
func since(x *Fact) string {
	c := x.Change
	if math.Abs(c.Years-1) < 0.01 && len(whenPeriod(x.Period)) > 0 && strings.HasSuffix(whenPeriod(x.Period), "年末") &&
		strings.HasSuffix(whenPeriod(c.PrevPeriod), "年末") {
		return "比上年"
	}
	return fmt.Sprintf("比%d年", c.PrevYear)
}

// Diff is the change on the previous value as a bulletin gives it: the
// difference of the two published values (80.5 − 79.9 = 0.6), so that a
// reader who subtracts the figures finds the change printed — not the
// rounded difference of the full values, which can differ from it by one
// in the last place. NaN without a previous value.
func (x *Fact) Diff() float64 {
	if x.Change == nil || math.IsNaN(x.Change.Diff) || math.IsNaN(x.Change.Prev) {
		return math.NaN()
	}
	return Round(Round(x.Value, x.Precision)-Round(x.Change.Prev, x.Precision), x.Precision)
}

// Gap is target − value as a bulletin gives it: the difference of the
// published target and value (85.0 − 80.5 = 4.5). NaN without a target.
func (x *Fact) Gap() float64 {
	if x.Target == nil || math.IsNaN(x.Target.Value) {
		return math.NaN()
	}
	return Round(Round(x.Target.Value, x.Precision)-Round(x.Value, x.Precision), x.Precision)
}

// ChangeText is the change on the previous value (Diff): 比上年提高0.6个百分点
// for rates, 比上年增加3家 for counts, 与上年持平 when it rounds to nothing;
// "" without a previous value.
func ChangeText(x *Fact) string {
	diff := x.Diff()
	if math.IsNaN(diff) {
		return ""
	}
	d := Fixed(math.Abs(diff), x.Precision)
	if diff == 0 {
		return "与" + strings.TrimPrefix(since(x), "比") + "持平"
	}
	up := diff > 0
	if Points(x.Unit) {
		if up {
			return since(x) + "提高" + d + "个百分点"
		}
		return since(x) + "下降" + d + "个百分点"
	}
	if up {
		return since(x) + "增加" + d + UnitZh(x.Unit)
	}
	return since(x) + "减少" + d + UnitZh(x.Unit)
}

// GrowthText is the growth of a level on the previous value, compound per
// year where the gap is longer: 比上年增长3.2%, 比2010年年均增长1.5%; ""
// for rates and where the views give no growth.
func GrowthText(x *Fact) string {
	if x.Change == nil || math.IsNaN(x.Change.Growth) || Points(x.Unit) {
		return ""
	}
	g := Fixed(math.Abs(x.Change.Growth), 1)
	verb := "增长"
	if Round(x.Change.Growth, 1) < 0 {
		verb = "下降"
	}
	if math.Abs(x.Change.Years-1) < 0.01 {
		return since(x) + verb + g + "%"
	}
	return since(x) + "年均" + verb + g + "%"
}

// RankText is the place among the regions beside it: 在上海市16个区中居第3位,
// 在上海市16个区中并列第1位 where another has the same published value.
func RankText(x *Fact) string {
	if x.Rank == nil {
		return ""
	}
	kind := x.Rank.Kind
	if kind == "" {
		kind = "地区"
	}
	place := "居"
	if x.Rank.Tied {
		place = "并列"
	}
	return fmt.Sprintf("在%s%d个%s中%s第%d位", x.Rank.ParentName, x.Rank.Of, kind, place, x.Rank.N)
}

// TargetText is where the value stands against its target, as the views
// give it, the gap being that of the published figures (Gap): 已达到2020年60.0%的目标; 距2020年60.0%的目标还差2.3个百分点，
// 按近年速度预计2022年达标; 未达到2020年60.0%的目标（差2.3个百分点）.
func TargetText(x *Fact) string {
	t := x.Target
	if t == nil {
		return ""
	}
	goal := Fixed(t.Value, x.Precision) + UnitZh(x.Unit) + "的目标"
	if t.Year > 0 {
		goal = fmt.Sprintf("%d年%s", t.Year, goal)
	}
	gap := Fixed(math.Abs(x.Gap()), x.Precision)
	if Points(x.Unit) {
		gap += "个百分点"
	} else {
		gap += UnitZh(x.Unit)
	}
	switch {
	case t.Reached:
		return "已达到" + goal
	case t.Status == "missed":
		return "未达到" + goal + "（差" + gap + "）"
	case t.ProjectedYear > 0:
		return fmt.Sprintf("距%s还差%s，按近年速度预计%d年达标", goal, gap, t.ProjectedYear)
	}
	return "距" + goal + "还差" + gap
}

// Wan is the numerator or the denominator of a fact (part: "numerator" or
// "denominator"), a count of persons, in 万人 as statistical bulletins write
// it: whole 万 where the fact's larger count (its denominator, as a rule) is
// ten million or more — the country's and a province's 140828万人, 94350万人 —
// and two decimals below that, as cities and districts write it: 265.35万人.
// Both counts of a fact take the same decimals, so that a sentence giving
// the two reads alike. "" where the warehouse has none.
func Wan(x *Fact, part string) (string, error) {
	var n float64
	switch part {
	case "numerator":
		n = x.Numerator
	case "denominator":
		n = x.Denominator
	default:
		return "", fmt.Errorf("wan %q: want numerator or denominator", part)
	}
	if math.IsNaN(n) {
		return "", nil
	}
	return Fixed(n/10000, wanDecimals(x)), nil
}

// wanDecimals are the decimals of a fact's counts in 万 (see Wan).
func wanDecimals(x *Fact) int {
	big := 0.0
	for _, n := range []float64{x.Numerator, x.Denominator} {
		if !math.IsNaN(n) {
			big = max(big, math.Abs(n))
		}
	}
	if big >= 1e7 {
		return 0
	}
	return 2
}

// AlertText is a warning in its rule's words with the value that raised it,
// and how many regions below have it too.
func AlertText(a *Alert, f *Facts) string {
	rule := a.Rule
	if rule == "" {
		rule = a.Name
	}
	s := fmt.Sprintf("%s（%s为%s%s）", rule, whenPeriod(a.Period), Fixed(a.Value, a.Precision), UnitZh(a.Unit))
	if a.BelowOf > 0 && a.Below > 0 {
		kind := peerKinds[f.Level+1]
		if kind == "" {
			kind = "地区"
		}
		s += fmt.Sprintf("，所辖%d个%s中有%d个触发同一预警", a.BelowOf, kind, a.Below)
	}
	return s
}
