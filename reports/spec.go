package reports

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Spec is one report definition: a file reports/NAME.yaml.
type Spec struct {
	Name        string `yaml:"-"` // the file name without .yaml
	Path        string `yaml:"-"` // the file it was read from
	Title       Text   `yaml:"title"`
	Description Text   `yaml:"description"`
	// Region is the region the report is about: a code, or empty for the
	// focus region (the county most of the warehouse's registers describe);
	// `grassroots report --region` overrides it.
	Region string      `yaml:"region"`
	Charts []ChartSpec `yaml:"charts"`
}

// Text is a label in Chinese and English.
type Text struct {
	Zh string `yaml:"zh"`
	En string `yaml:"en"`
}

// In returns the text in l, falling back to the other language.
func (t Text) In(l Lang) string {
	if l == En && t.En != "" {
		return t.En
	}
	if t.Zh != "" {
		return t.Zh
	}
	return t.En
}

// ChartSpec is one chart of a report.
type ChartSpec struct {
	Kind  string `yaml:"kind"`
	Title Text   `yaml:"title"`
	// Indicators are indicator codes from the catalogue (sql/indicators).
	Indicators []string `yaml:"indicators"`
	// Region overrides the report's region for this chart ("000000" for the
	// whole country).
	Region string `yaml:"region"`
	// From and To bound the years shown (0: no bound).
	From int `yaml:"from"`
	To   int `yaml:"to"`
	// Period picks one period (a year or a snapshot date); empty for the latest.
	Period string `yaml:"period"`
	// Periods pick several periods, for kinds that compare them (census
	// years side by side); empty for every period there is, or the latest.
	Periods []string `yaml:"periods"`
	// Levels are the region levels the chart is drawn for (0 the country,
	// 1 province, 2 prefecture, 3 county, 4 township); empty for every
	// level. A region template draws a chart only on the pages it fits.
	Levels []int `yaml:"levels"`
	// Optional leaves the chart out of a page whose region has no data for
	// it, rather than showing an empty box saying so.
	Optional bool `yaml:"optional"`
	// SubLevel, for kind children, lists the regions of that level inside
	// the chart's region (every county of a province) instead of the
	// regions directly below it.
	SubLevel int `yaml:"sub_level"`
	// Economies are ISO3 codes of World Bank economies and aggregates.
	Economies []string `yaml:"economies"`

	line, col int
}

// On reports whether the chart is drawn for a region of level.
func (c ChartSpec) On(level int) bool {
	return len(c.Levels) == 0 || slices.Contains(c.Levels, level)
}

// Pos is where the chart stands in its file.
func (c ChartSpec) Pos() (line, col int) { return c.line, c.col }

// SpecError is a problem in a report definition, with its position.
type SpecError struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *SpecError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

//go:embed *.yaml
var builtin embed.FS

// Builtin returns the report definitions embedded in the binary, sorted by
// name.
func Builtin() ([]*Spec, error) { return LoadFS(builtin, ".", "reports") }

// LoadFS reads every *.yaml file in dir of fsys. Paths in errors are shown as
// display/NAME.yaml. All problems are returned at once (errors.Join of
// *SpecError).
func LoadFS(fsys fs.FS, dir, display string) ([]*Spec, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var specs []*Spec
	var errs []error
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s, err := Parse(path.Join(display, path.Base(n)), b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		specs = append(specs, s)
	}
	return specs, errors.Join(errs...)
}

//go:embed templates/*.yaml
var templates embed.FS

// RegionTemplate returns the built-in template of the region pages,
// reports/templates/region.yaml: one page per region, the same definition
// drawn for each, every chart on the levels it names.
func RegionTemplate() (*Spec, error) {
	specs, err := LoadTemplates(templates, "templates", "reports/templates")
	if err != nil {
		return nil, err
	}
	for _, s := range specs {
		if s.Name == "region" {
			return s, nil
		}
	}
	return nil, errors.New("reports: no built-in region template")
}

// LoadTemplates reads every *.yaml file in dir of fsys as a region page
// template: a report definition with no region of its own, since it is
// drawn for every region. Errors are as LoadFS's.
func LoadTemplates(fsys fs.FS, dir, display string) ([]*Spec, error) {
	specs, err := LoadFS(fsys, dir, display)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	var out []*Spec
	for _, s := range specs {
		if s.Region != "" {
			errs = append(errs, &SpecError{Path: s.Path, Msg: fmt.Sprintf("region %q: a template is drawn for every region and names none", s.Region)})
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse reads one report definition strictly (unknown keys are errors) and
// checks it; file names the report (its base name without .yaml) and appears
// in errors.
func Parse(file string, b []byte) (*Spec, error) {
	s := &Spec{Name: strings.TrimSuffix(path.Base(file), ".yaml"), Path: file}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SpecError{Path: file, Msg: "empty report definition"}
		}
		return nil, yamlErrors(file, b, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, yamlErrors(file, b, err)
	}
	if charts := lookup(&root, "charts"); charts != nil && charts.Kind == yaml.SequenceNode {
		for i, n := range charts.Content {
			if i < len(s.Charts) {
				s.Charts[i].line, s.Charts[i].col = n.Line, n.Column
				if k := lookup(n, "kind"); k != nil {
					s.Charts[i].line, s.Charts[i].col = k.Line, k.Column
				}
			}
		}
	}
	if errs := s.check(&root); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// unknownFieldRE is yaml.v3's message for a key strict decoding rejects.
var unknownFieldRE = regexp.MustCompile(`^field (\S+) not found in type (?:reports\.)?(\w+)$`)

// yamlErrors turns yaml.v3's "line N: message" errors into SpecErrors; an
// unknown key is named as such, at its column in src.
func yamlErrors(file string, src []byte, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var errs []error
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		if sub := lineRE.FindStringSubmatch(m); sub != nil {
			line, _ := strconv.Atoi(sub[1])
			e := &SpecError{Path: file, Line: line, Msg: strings.ReplaceAll(sub[2], "reports.", "")}
			if f := unknownFieldRE.FindStringSubmatch(sub[2]); f != nil {
				e.Msg = fmt.Sprintf("unknown key %q", f[1])
				if lines := strings.Split(string(src), "\n"); line >= 1 && line <= len(lines) {
					if i := strings.Index(lines[line-1], f[1]+":"); i >= 0 {
						e.Col = utf8.RuneCountInString(lines[line-1][:i]) + 1
					}
				}
			}
			errs = append(errs, e)
			continue
		}
		errs = append(errs, &SpecError{Path: file, Msg: m})
	}
	return errors.Join(errs...)
}

// lookup finds the value node of key in a mapping (or a document holding one).
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var (
	regionRE    = regexp.MustCompile(`^(\d{6}|\d{9}|\d{12})$`)
	indicatorRE = regexp.MustCompile(`^[a-z][a-z0-9_]*\.[a-z0-9_]+$`)
	iso3RE      = regexp.MustCompile(`^[A-Z0-9]{3}$`)
)

// check reports every problem of a decoded spec at once.
func (s *Spec) check(root *yaml.Node) []error {
	var errs []error
	at := func(n *yaml.Node, format string, args ...any) {
		e := &SpecError{Path: s.Path, Msg: fmt.Sprintf(format, args...)}
		if n != nil {
			e.Line, e.Col = n.Line, n.Column
		}
		errs = append(errs, e)
	}
	if s.Title.Zh == "" {
		at(lookup(root, "title"), "title: zh is required (the page title)")
	}
	if s.Region != "" && !regionRE.MatchString(s.Region) {
		at(lookup(root, "region"), "region %q is not a 6-, 9- or 12-digit region code", s.Region)
	}
	if len(s.Charts) == 0 {
		at(lookup(root, "charts"), "charts: at least one chart is required")
	}
	var chartNodes []*yaml.Node
	if n := lookup(root, "charts"); n != nil {
		chartNodes = n.Content
	}
	for i, c := range s.Charts {
		var cn *yaml.Node
		if i < len(chartNodes) {
			cn = chartNodes[i]
		}
		field := func(name string) *yaml.Node {
			if cn == nil {
				return nil
			}
			if f := lookup(cn, name); f != nil {
				return f
			}
			return cn
		}
		k, ok := kinds[c.Kind]
		if !ok {
			at(field("kind"), "charts[%d]: unknown chart kind %q (kinds: %s)", i, c.Kind, strings.Join(KindNames(), ", "))
			continue
		}
		if n := len(c.Indicators); n < k.MinIndicators || (k.MaxIndicators >= 0 && n > k.MaxIndicators) {
			at(field("indicators"), "charts[%d]: kind %s takes %s", i, c.Kind, k.indicatorRule())
		}
		for j, code := range c.Indicators {
			if !indicatorRE.MatchString(code) {
				at(field("indicators"), "charts[%d]: indicators[%d] %q is not an indicator code like urban.rate_resident", i, j, code)
			}
		}
		if c.Region != "" && !regionRE.MatchString(c.Region) {
			at(field("region"), "charts[%d]: region %q is not a 6-, 9- or 12-digit region code", i, c.Region)
		}
		if c.Period != "" && len(c.Periods) > 0 {
			at(field("periods"), "charts[%d]: period and periods both given: keep one", i)
		}
		for _, lv := range c.Levels {
			if lv < 0 || lv > 5 {
				at(field("levels"), "charts[%d]: level %d is not a region level (0 the country … 5 village)", i, lv)
			}
		}
		if c.SubLevel != 0 && (c.SubLevel < 1 || c.SubLevel > 5) {
			at(field("sub_level"), "charts[%d]: sub_level %d is not a region level below the country (1 province … 5 village)", i, c.SubLevel)
		}
		if c.SubLevel != 0 && c.Kind != "children" {
			at(field("sub_level"), "charts[%d]: sub_level applies to kind children only", i)
		}
		if c.From != 0 && c.To != 0 && c.From > c.To {
			at(field("from"), "charts[%d]: from %d is after to %d", i, c.From, c.To)
		}
		for _, e := range c.Economies {
			if !iso3RE.MatchString(e) {
				at(field("economies"), "charts[%d]: economy %q is not a three-letter World Bank code", i, e)
			}
		}
	}
	return errs
}
