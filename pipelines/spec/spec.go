// Package spec reads pipeline specifications: one YAML file per pipeline, the
// file stem being the pipeline's name. A spec says where the data comes from
// (a sources.Config under `source:`), where it goes (target table and the
// partition a re-run replaces), how rows are checked (validate), what share of
// bad rows fails the run (reject_threshold), how personal data is treated (pii),
// when it runs (schedule) and what to refresh after it (refresh).
//
// Decoding is strict: an unknown key is an error, and so is a second YAML
// document in the file. Load reports every problem of a file at once, each
// with its file, line and column. A file may be at most MaxSize (1 MiB) and
// is parsed in time linear in its size.
//
// A local input must be a regular file inside the project folder, symbolic
// links followed, unless the spec sets source.allow_outside_project: true
// (CheckLocal); Load and LoadAll check it, and so does a run before it opens
// the input.
package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"grassroots/sources"
)

// DefaultThreshold is the share of rejected rows above which a run fails.
const DefaultThreshold = 0.01

// DefaultTimeZone is the zone schedules are read in unless they say otherwise.
const DefaultTimeZone = "Asia/Shanghai"

// Spec is one pipeline.
type Spec struct {
	// Name is the file stem; File the path the spec was read from.
	Name string `yaml:"-"`
	File string `yaml:"-"`
	// Raw is the file's content (its hash is part of a run's input hash, so a
	// changed spec reloads an unchanged input).
	Raw []byte `yaml:"-"`

	Description string         `yaml:"description"`
	Source      sources.Config `yaml:"source"`
	// AllowOutsideProject is source.allow_outside_project: a local input may
	// lie outside the project folder (by path or by symbolic link). Without
	// it such an input is refused, as is any input that is not a regular file.
	AllowOutsideProject bool   `yaml:"-"`
	Target              Target `yaml:"target"`
	// Periods lists the periods a run covers when none are asked for, for specs
	// whose source names {year}: "2015..2024", "2020" or "2015, 2018, 2020".
	Periods string `yaml:"periods"`
	// Recode maps source values to warehouse codes, per column: 单独组建 → single.
	// A value with no mapping rejects its row.
	Recode          Recode     `yaml:"recode"`
	Validate        Validate   `yaml:"validate"`
	RejectThreshold *Threshold `yaml:"reject_threshold"`
	PII             PII        `yaml:"pii"`
	Schedule        Schedule   `yaml:"schedule"`
	Refresh         Refresh    `yaml:"refresh"`

	root   *yaml.Node
	checks []Expr
	// Position indexes, built when first needed (see yaml.go).
	lines map[int][]onLine
	keys  map[*yaml.Node]map[string]int
}

// Target is where rows are loaded.
type Target struct {
	Table string `yaml:"table"`
	// PartitionBy lists the columns whose value combinations a run replaces.
	PartitionBy []string `yaml:"partition_by"`
	// ReplaceAll replaces the whole table on every run (reference tables).
	ReplaceAll bool `yaml:"replace_all"`
	// AllowEmpty lets a run with no rows to load replace the whole table
	// (replace_all) with nothing; without it such a run fails, so that a
	// header-only or truncated input never empties a table.
	AllowEmpty bool `yaml:"allow_empty"`
}

// Validate holds the row rules.
type Validate struct {
	// Columns holds per-column rules, keyed by output column.
	Columns ColumnRules `yaml:"columns"`
	// Unique names the columns that together identify a row within one load.
	Unique []string `yaml:"unique"`
	// Checks are cross-column rules written as SQL expressions; a row fails a
	// check when the expression is false (NULL passes, as in a CHECK constraint).
	Checks []Check `yaml:"checks"`
}

// ColumnRule checks one column's values. Types are checked by the source
// (source.columns[].type): a value that does not parse rejects its row.
type ColumnRule struct {
	Required bool     `yaml:"required"`
	Min      *float64 `yaml:"min"`
	Max      *float64 `yaml:"max"`
	Allowed  []string `yaml:"allowed"`
	Pattern  string   `yaml:"pattern"`
	// RegionLevel requires the value to be a code in table region at this level
	// (1 province … 5 village/community).
	RegionLevel *int `yaml:"region_level"`
}

// Check is one cross-column rule.
type Check struct {
	SQL     string `yaml:"sql"`
	Message string `yaml:"message"`
}

// PII says how personal data is treated.
type PII struct {
	// Hash replaces each value of these columns with a salted hash (per
	// warehouse salt): ids that must stay linkable but not readable.
	Hash []string `yaml:"hash"`
	// Drop reads these columns (e.g. to validate them) but never loads them.
	Drop []string `yaml:"drop"`
	// Month cuts these date columns to the first day of their month.
	Month []string `yaml:"month"`
}

// Schedule is when the daemon runs the pipeline.
type Schedule struct {
	// Cron is a five-field cron expression or a descriptor (@daily, @every 1h),
	// optionally prefixed with CRON_TZ=Zone. Empty: never scheduled.
	Cron string `yaml:"cron"`
	// TimeZone the expression is read in (default Asia/Shanghai); a CRON_TZ=
	// prefix wins.
	TimeZone string `yaml:"time_zone"`
	// Retries after a failed run (default 0) with Backoff before the first,
	// doubled for each further one (default 1m).
	Retries int           `yaml:"retries"`
	Backoff time.Duration `yaml:"backoff"`
}

// Refresh names what depends on the pipeline's table.
type Refresh struct {
	Indicators []string `yaml:"indicators"`
	Reports    []string `yaml:"reports"`
}

// Threshold is a share: written 1% or 0.01.
type Threshold float64

// UnmarshalYAML reads "1%", "0.5 %" or 0.01.
func (t *Threshold) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("line %d: reject_threshold %q is not a share (write 1%% or 0.01)", n.Line, n.Value)
	}
	if pct {
		v /= 100
	}
	if v < 0 || v > 1 {
		return fmt.Errorf("line %d: reject_threshold %q must be between 0%% and 100%%", n.Line, n.Value)
	}
	*t = Threshold(v)
	return nil
}

// Threshold returns the reject threshold, the default if unset.
func (s *Spec) Threshold() float64 {
	if s.RejectThreshold == nil {
		return DefaultThreshold
	}
	return float64(*s.RejectThreshold)
}

// Checks returns the parsed cross-column checks, in order.
func (s *Spec) Checks() []Expr { return s.checks }

// Problem is one thing wrong with a spec, with its position.
type Problem struct {
	File    string
	Line    int
	Col     int
	Message string
}

func (p Problem) Error() string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is every problem of one or more files.
type Problems []Problem

func (ps Problems) Error() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Error()
	}
	return strings.Join(s, "\n")
}

// ProblemsOf returns the problems in err (nil if it holds none).
func ProblemsOf(err error) Problems {
	var ps Problems
	if errors.As(err, &ps) {
		return ps
	}
	var p Problem
	if errors.As(err, &p) {
		return Problems{p}
	}
	return nil
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_.]*$`)

// ReadFile reads and checks one spec. The error, if any, is Problems.
func ReadFile(path string) (*Spec, error) {
	fail := func(msg string) (*Spec, error) { return nil, Problems{{File: path, Message: msg}} }
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return fail(err.Error())
	case !st.Mode().IsRegular(): // a named pipe would block the open
		return fail("not a regular file")
	case st.Size() > MaxSize:
		return fail(tooLarge(fmt.Sprintf("%d bytes", st.Size())))
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(err.Error())
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return fail(err.Error())
	}
	if len(b) > MaxSize {
		return fail(tooLarge("more than 1 MiB"))
	}
	return Parse(path, b)
}

func tooLarge(size string) string {
	return fmt.Sprintf("the file is %s; a pipeline file may be at most 1 MiB (%d bytes)", size, MaxSize)
}

// Parse decodes and checks a spec read from file. It takes time linear in
// the size of b, which may be at most MaxSize.
func Parse(file string, b []byte) (*Spec, error) {
	s := &Spec{File: file, Raw: b, Name: strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))}
	var ps Problems
	add := func(line, col int, format string, a ...any) {
		ps = append(ps, Problem{File: file, Line: line, Col: col, Message: fmt.Sprintf(format, a...)})
	}
	if len(b) > MaxSize {
		add(0, 0, "%s", tooLarge(fmt.Sprintf("%d bytes", len(b))))
		return nil, ps
	}
	root, second, err := documents(b)
	if err != nil {
		line := 0
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[3]
		}
		add(line, 0, "%s", msg)
		return nil, ps
	}
	if root == nil || len(root.Content) == 0 {
		add(1, 1, "empty pipeline file")
		return nil, ps
	}
	if second != nil {
		add(second.Line, second.Column, "a pipeline file holds one YAML document; a second one starts here "+
			"(remove the --- line, or put the second pipeline in a file of its own)")
		return nil, ps
	}
	s.root = root.Content[0]
	if !nameRE.MatchString(s.Name) {
		add(0, 0, "file name %q: a pipeline name is lower-case letters, digits, _ and .", s.Name)
	}
	if big := append(s.checkAliases(), s.checkSizes()...); len(big) > 0 {
		return nil, append(ps, big...)
	}
	allowLines, aps := s.readAllowKey()
	decoded := len(aps) == 0
	ps = append(ps, aps...)
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil {
		var te *yaml.TypeError
		msgs := []string{err.Error()}
		if errors.As(err, &te) {
			msgs = te.Errors
		}
		for _, m := range msgs {
			line, col, msg := s.decodePos(m)
			if allowLines[line] && msg == fmt.Sprintf("unknown key %q", allowKey) && strings.HasSuffix(m, " in type sources.Config") {
				continue // source.allow_outside_project is the spec's own
			}
			decoded = false
			add(line, col, "%s", msg)
		}
	}
	if decoded {
		ps = append(ps, s.check()...)
		s.defaultStatusRule()
	}
	if len(ps) > 0 {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
		return nil, ps
	}
	return s, nil
}

var fieldPathRE = regexp.MustCompile(`^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.*)$`)

// check reports every semantic problem, positioned.
func (s *Spec) check() Problems {
	var ps Problems
	at := func(path string, format string, a ...any) {
		line, col := s.Pos(path)
		ps = append(ps, Problem{File: s.File, Line: line, Col: col, Message: path + ": " + fmt.Sprintf(format, a...)})
	}
	atKey := func(path, key string, format string, a ...any) {
		line, col := s.mapKeyPos(path, key)
		ps = append(ps, Problem{File: s.File, Line: line, Col: col, Message: fmt.Sprintf(format, a...)})
	}

	// Source: the sources layer's own checks, positioned under source.
	if s.Source.Kind == "" {
		at("source", "source.kind is required (%s)", strings.Join(sources.Kinds(), ", "))
	} else if !contains(sources.Kinds(), s.Source.Kind) && len(sources.Kinds()) > 0 {
		at("source.kind", "unknown source kind %q (have: %s)", s.Source.Kind, strings.Join(sources.Kinds(), ", "))
	}
	srcCfg := s.Source
	if s.usesPeriod() {
		srcCfg = s.ForPeriod("2000") // a sample period, so that "{year}" values parse
	}
	if err := srcCfg.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if m := fieldPathRE.FindStringSubmatch(line); m != nil {
				l, c := s.Pos("source." + m[1])
				ps = append(ps, Problem{File: s.File, Line: l, Col: c, Message: "source." + line})
			} else {
				at("source", "%s", line)
			}
		}
	}
	placeholders := s.usesPeriod()
	if placeholders && s.Periods == "" {
		at("source", "the source names {year} but the spec declares no periods (e.g. periods: 2015..2024)")
	}
	if s.Periods != "" {
		if _, err := ParsePeriods(s.Periods); err != nil {
			at("periods", "%v", err)
		} else if !placeholders {
			at("periods", "periods are only for sources that name {year} in path, url, sheet or a column value")
		}
	}

	// Columns known after the source.
	cols := map[string]sources.Type{}
	for _, c := range s.Source.Columns {
		t := c.Type
		if t == "" {
			t = sources.String
		}
		cols[c.Name] = t
	}
	known := func(path, key, c string) bool {
		if _, ok := cols[c]; !ok {
			if key != "" {
				atKey(path, key, "%s: %q is not a column of source.columns", path, c)
			} else {
				at(path, "%q is not a column of source.columns", c)
			}
			return false
		}
		return true
	}

	// Target.
	switch {
	case s.Target.Table == "":
		at("target", "target.table is required")
	case !identRE.MatchString(s.Target.Table):
		at("target.table", "%q is not a snake_case table name", s.Target.Table)
	}
	for i, c := range s.Target.PartitionBy {
		known(fmt.Sprintf("target.partition_by[%d]", i), "", c)
	}
	if s.Target.ReplaceAll && len(s.Target.PartitionBy) > 0 {
		at("target.replace_all", "give partition_by or replace_all, not both")
	}
	if !s.Target.ReplaceAll && len(s.Target.PartitionBy) == 0 {
		at("target", "target.partition_by is required (the columns a re-run replaces), or replace_all: true")
	}
	for i, c := range s.Source.Columns {
		if c.Name == "run_id" {
			at(fmt.Sprintf("source.columns[%d].name", i), "run_id is set by the load, not read")
		}
	}

	// Observation status: a constant or recoded value must be a known code.
	s.checkStatus(at)

	// Recode.
	for _, c := range sortedKeys(s.Recode) {
		if known("recode", c, c) && cols[c] != sources.String {
			atKey("recode", c, "recode: %q has type %s; only string columns are recoded", c, cols[c])
		}
	}

	// Validation rules.
	for _, c := range sortedKeys(s.Validate.Columns) {
		r := s.Validate.Columns[c]
		p := "validate.columns." + c
		if !known("validate.columns", c, c) {
			continue
		}
		t := cols[c]
		numeric := t == sources.Int || t == sources.Float
		if (r.Min != nil || r.Max != nil) && !numeric {
			at(p, "min and max apply to int and float columns; %q is %s", c, t)
		}
		if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
			at(p+".min", "min %v is greater than max %v", *r.Min, *r.Max)
		}
		if r.Pattern != "" {
			if _, err := regexp.Compile(r.Pattern); err != nil {
				at(p+".pattern", "%v", err)
			}
			if t != sources.String {
				at(p+".pattern", "patterns apply to string columns; %q is %s", c, t)
			}
		}
		if r.RegionLevel != nil {
			if *r.RegionLevel < 0 || *r.RegionLevel > 5 {
				at(p+".region_level", "level %d: want 0 (country) to 5 (village/community)", *r.RegionLevel)
			}
			if t != sources.String {
				at(p+".region_level", "region codes are strings; %q is %s", c, t)
			}
		}
	}
	for i, c := range s.Validate.Unique {
		known(fmt.Sprintf("validate.unique[%d]", i), "", c)
	}
	s.checks = nil
	for i, ch := range s.Validate.Checks {
		p := fmt.Sprintf("validate.checks[%d]", i)
		if ch.SQL == "" {
			at(p, "sql is required")
			continue
		}
		e, err := ParseExpr(ch.SQL)
		if err != nil {
			at(p+".sql", "%v", err)
			continue
		}
		for _, c := range e.Columns() {
			if _, ok := cols[c]; !ok {
				at(p+".sql", "%q is not a column of source.columns", c)
			}
		}
		s.checks = append(s.checks, e)
	}

	// PII.
	seen := map[string]string{}
	for _, list := range []struct {
		key  string
		cols []string
	}{{"hash", s.PII.Hash}, {"drop", s.PII.Drop}, {"month", s.PII.Month}} {
		for i, c := range list.cols {
			p := fmt.Sprintf("pii.%s[%d]", list.key, i)
			if !known(p, "", c) {
				continue
			}
			if prev, ok := seen[c]; ok {
				at(p, "%q is already under pii.%s", c, prev)
			}
			seen[c] = list.key
			if list.key == "month" && cols[c] != sources.Date && cols[c] != sources.Month {
				at(p, "%q is %s; pii.month cuts date columns", c, cols[c])
			}
			if list.key == "hash" && cols[c] != sources.String {
				at(p, "%q is %s; only string columns are hashed", c, cols[c])
			}
		}
	}
	month, drop := set(s.PII.Month), set(s.PII.Drop)
	for i, c := range s.Source.Columns {
		if strings.Contains(c.Name, "birth") && c.Type == sources.Date && !month[c.Name] && !drop[c.Name] {
			at(fmt.Sprintf("source.columns[%d].type", i), "birth dates are kept to the month only: declare type month or list %q under pii.month", c.Name)
		}
	}
	for i, c := range s.Target.PartitionBy {
		if drop[c] {
			at(fmt.Sprintf("target.partition_by[%d]", i), "%q is dropped by pii.drop", c)
		}
	}

	// Schedule.
	if s.Schedule.TimeZone != "" {
		if _, err := time.LoadLocation(s.Schedule.TimeZone); err != nil {
			at("schedule.time_zone", "unknown time zone %q", s.Schedule.TimeZone)
		}
	}
	if s.Schedule.Cron != "" {
		if _, err := s.CronSchedule(); err != nil {
			at("schedule.cron", "%v", err)
		}
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"timeout", s.Source.Fetch.Timeout}, {"idle_timeout", s.Source.Fetch.IdleTimeout}, {"total_timeout", s.Source.Fetch.TotalTimeout}} {
		if d.v < 0 {
			at("source.fetch."+d.key, "must not be negative")
		}
	}
	if s.Schedule.Retries < 0 {
		at("schedule.retries", "must not be negative")
	}
	if s.Schedule.Backoff < 0 {
		at("schedule.backoff", "must not be negative")
	}
	for i, c := range s.Refresh.Indicators {
		if strings.TrimSpace(c) == "" {
			at(fmt.Sprintf("refresh.indicators[%d]", i), "empty indicator code")
		}
	}
	return ps
}

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// CronParser reads five-field expressions and descriptors, with CRON_TZ=.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// CronSchedule parses the schedule in its time zone (CRON_TZ= wins over
// time_zone, which defaults to Asia/Shanghai).
func (s *Spec) CronSchedule() (cron.Schedule, error) {
	expr := strings.TrimSpace(s.Schedule.Cron)
	if !strings.HasPrefix(expr, "CRON_TZ=") && !strings.HasPrefix(expr, "TZ=") && !strings.HasPrefix(expr, "@every") {
		tz := s.Schedule.TimeZone
		if tz == "" {
			tz = DefaultTimeZone
		}
		expr = "CRON_TZ=" + tz + " " + expr
	}
	sch, err := CronParser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("%q: %v", s.Schedule.Cron, err)
	}
	return sch, nil
}

// Backoff returns the wait before retry n (1-based).
func (s *Spec) Backoff(n int) time.Duration {
	b := s.Schedule.Backoff
	if b == 0 {
		b = time.Minute
	}
	for i := 1; i < n && b < time.Hour; i++ {
		b *= 2
	}
	return b
}

// Placeholder is the period placeholder in paths, sheets and column values.
const Placeholder = "{year}"

func (s *Spec) usesPeriod() bool {
	c := s.Source
	if strings.Contains(c.Path, Placeholder) || strings.Contains(c.URL, Placeholder) ||
		strings.Contains(c.Sheet.Name, Placeholder) || strings.Contains(c.Range, Placeholder) {
		return true
	}
	for _, col := range c.Columns {
		if strings.Contains(col.Value, Placeholder) || strings.Contains(col.Default, Placeholder) {
			return true
		}
	}
	return false
}

// UsesPeriod reports whether the source names {year}: such a pipeline runs once
// per period.
func (s *Spec) UsesPeriod() bool { return s.usesPeriod() }

// ForPeriod returns the source configuration with {year} replaced by period
// ("" leaves it unchanged). Relative paths are not resolved here.
func (s *Spec) ForPeriod(period string) sources.Config {
	c := s.Source
	if period == "" {
		return c
	}
	r := strings.NewReplacer(Placeholder, period)
	c.Path = r.Replace(c.Path)
	c.URL = r.Replace(c.URL)
	c.Sheet.Name = r.Replace(c.Sheet.Name)
	c.Range = r.Replace(c.Range)
	c.Columns = append([]sources.Column(nil), c.Columns...)
	for i := range c.Columns {
		c.Columns[i].Value = r.Replace(c.Columns[i].Value)
		c.Columns[i].Default = r.Replace(c.Columns[i].Default)
	}
	return c
}

// ParsePeriods reads "2015..2020", "2020" or "2015, 2018, 2020" into years.
func ParsePeriods(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, b, ok := strings.Cut(part, ".."); ok {
			from, err1 := strconv.Atoi(strings.TrimSpace(a))
			to, err2 := strconv.Atoi(strings.TrimSpace(b))
			if err1 != nil || err2 != nil || from < 1900 || to > 2100 || from > to {
				return nil, fmt.Errorf("period range %q: want FROM..TO, years 1900-2100, FROM not after TO", part)
			}
			for y := from; y <= to; y++ {
				out = append(out, strconv.Itoa(y))
			}
			continue
		}
		y, err := strconv.Atoi(part)
		if err != nil || y < 1900 || y > 2100 {
			return nil, fmt.Errorf("period %q: want a year such as 2020 or a range 2015..2020", part)
		}
		out = append(out, part)
	}
	if len(out) == 0 {
		return nil, errors.New("no period given")
	}
	return out, nil
}

// Dir is where a project keeps its pipeline specs.
const Dir = "pipelines"

// Find returns the spec files of a project folder, sorted.
func Find(project string) ([]string, error) {
	var out []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(project, Dir, pat))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	return out, nil
}

// LoadAll reads every spec of a project; the error, if any, is Problems with
// every problem of every file. Local inputs are checked as a run in project
// would open them (CheckInputs).
func LoadAll(project string) ([]*Spec, error) {
	files, err := Find(project)
	if err != nil {
		return nil, err
	}
	var specs []*Spec
	var ps Problems
	names := map[string]string{}
	for _, f := range files {
		s, err := ReadFile(f)
		if err != nil {
			ps = append(ps, ProblemsOf(err)...)
			continue
		}
		if prev, dup := names[s.Name]; dup {
			ps = append(ps, Problem{File: f, Message: fmt.Sprintf("pipeline %q is also defined in %s", s.Name, prev)})
			continue
		}
		names[s.Name] = f
		if ips := s.CheckInputs(project); len(ips) > 0 {
			ps = append(ps, ips...)
			continue
		}
		specs = append(specs, s)
	}
	if len(ps) > 0 {
		return specs, ps
	}
	return specs, nil
}

// Load reads the spec of pipeline name from a project folder, and checks its
// local inputs as a run in project would open them (CheckInputs).
func Load(project, name string) (*Spec, error) {
	for _, ext := range []string{".yaml", ".yml"} {
		p := filepath.Join(project, Dir, name+ext)
		if _, err := os.Stat(p); err == nil {
			s, err := ReadFile(p)
			if err != nil {
				return nil, err
			}
			if ps := s.CheckInputs(project); len(ps) > 0 {
				return nil, ps
			}
			return s, nil
		}
	}
	files, _ := Find(project)
	var have []string
	for _, f := range files {
		have = append(have, strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)))
	}
	if len(have) == 0 {
		return nil, fmt.Errorf("no pipeline %q: %s has no *.yaml files", name, filepath.Join(project, Dir))
	}
	return nil, fmt.Errorf("no pipeline %q in %s (have: %s)", name, filepath.Join(project, Dir), strings.Join(have, ", "))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, x := range list {
		m[x] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
