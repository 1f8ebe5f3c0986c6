package reports

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
)

// Observation status in reports: a figure that is not final (快报 p, 修订 r,
// 推算 e …) is shown with its symbol, and the block says under the chart
// what each symbol it uses means. Synthetic figures are marked by the
// block's synthetic banner instead of a symbol on every point.

// statusInfo is a row of observation_status.
type statusInfo struct {
	Code, Symbol, LabelZh, LabelEn string
	Rank                           int
}

// statuses reads observation_status once per cache.
func (c *Cache) statuses(ctx context.Context) (map[string]statusInfo, error) {
	return cached(ctx, c, "statuses", "", func(ctx context.Context, _ []string) (map[string]map[string]statusInfo, error) {
		out := map[string]statusInfo{}
		err := query(ctx, c.db, "observation_status", `SELECT code, symbol, label_zh, label_en, rank FROM observation_status`,
			func(rows *sql.Rows) error {
				var s statusInfo
				if err := rows.Scan(&s.Code, &s.Symbol, &s.LabelZh, &s.LabelEn, &s.Rank); err != nil {
					return err
				}
				out[s.Code] = s
				return nil
			})
		return map[string]map[string]statusInfo{"": out}, err
	})
}

// statusMarks collects the symbols one block shows, for its legend.
type statusMarks struct {
	all  map[string]statusInfo
	used map[string]statusInfo
}

func newStatusMarks(ctx context.Context, c *Cache) (*statusMarks, error) {
	all, err := c.statuses(ctx)
	if err != nil {
		return nil, err
	}
	return &statusMarks{all: all, used: map[string]statusInfo{}}, nil
}

// symbol returns the symbol of status ("" for final, synthetic and
// unknown codes) and remembers it for the legend.
func (m *statusMarks) symbol(status string) string {
	s, ok := m.all[status]
	if !ok || s.Symbol == "" || s.Code == "synthetic" {
		return ""
	}
	m.used[s.Code] = s
	return s.Symbol
}

// legend is the line under a chart that says what its symbols mean:
// 注：p 快报数；r 修订数。
func (m *statusMarks) legend(l Lang) string {
	if len(m.used) == 0 {
		return ""
	}
	us := make([]statusInfo, 0, len(m.used))
	for _, s := range m.used {
		us = append(us, s)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].Rank < us[j].Rank })
	parts := make([]string, len(us))
	for i, s := range us {
		if l == En {
			parts[i] = s.Symbol + " " + s.LabelEn
		} else {
			parts[i] = s.Symbol + " " + s.LabelZh
		}
	}
	if l == En {
		return "Symbols: " + strings.Join(parts, "; ") + "."
	}
	return "注：" + strings.Join(parts, "；") + "。"
}

// withSymbol appends a status symbol to a value's text: 67.0% p.
func withSymbol(text, sym string) string {
	if sym == "" {
		return text
	}
	return text + " " + sym
}

// footnoteRow is a row of footnote: empty Region, Period or Vintage apply to all.
type footnoteRow struct {
	Indicator, Region, Period, Vintage, NoteZh, NoteEn string
}

// footnotes reads the footnote table once per cache (none in a warehouse
// made before it existed).
func (c *Cache) footnotes(ctx context.Context) ([]footnoteRow, error) {
	cols, err := c.columns(ctx, "footnote")
	if err != nil || len(cols) == 0 {
		return nil, err
	}
	return cached(ctx, c, "footnotes", "", func(ctx context.Context, _ []string) (map[string][]footnoteRow, error) {
		var out []footnoteRow
		err := query(ctx, c.db, "footnote", `SELECT indicator, coalesce(region_code, ''), coalesce(period, ''),
			coalesce(vintage, ''), note_zh, coalesce(note_en, '') FROM footnote ORDER BY ALL`,
			func(rows *sql.Rows) error {
				var f footnoteRow
				if err := rows.Scan(&f.Indicator, &f.Region, &f.Period, &f.Vintage, &f.NoteZh, &f.NoteEn); err != nil {
					return err
				}
				out = append(out, f)
				return nil
			})
		return map[string][]footnoteRow{"": out}, err
	})
}

// shownNotes are the notes on what a block shows of a region: for each
// (indicator, vintage, period) shown, the notes that apply to it, each once,
// in the order of the table.
func shownNotes(ctx context.Context, c *Cache, l Lang, region string, shown func(indicator, vintage, period string) bool) ([]string, error) {
	fs, err := c.footnotes(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range fs {
		if f.Region != "" && f.Region != region {
			continue
		}
		if !shown(f.Indicator, f.Vintage, f.Period) {
			continue
		}
		n := f.NoteZh
		if l == En && f.NoteEn != "" {
			n = f.NoteEn
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}
