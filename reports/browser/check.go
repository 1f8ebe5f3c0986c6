package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Request is one network request a page or one of its frames issued, as the
// DevTools protocol reported it on the page's target.
type Request struct {
	URL       string
	Type      string // Document, Script, Image, Fetch, …
	Initiator string // parser, script, …, with the initiating URL where known
	Frame     string
}

func (r Request) String() string {
	return fmt.Sprintf("%s %s (from %s)", r.Type, r.URL, r.Initiator)
}

// Chart is what one chart container (div.chart) of the page holds after the
// page has drawn.
type Chart struct {
	ID      string `json:"id"`
	Canvas  bool   `json:"canvas"`
	Painted int    `json:"painted"` // sampled pixels that are not transparent
}

// Drawn reports whether ECharts painted into the container.
func (c Chart) Drawn() bool { return c.Canvas && c.Painted >= minPainted }

// minPainted is the number of sampled non-transparent pixels below which a
// canvas counts as blank: an axis and a title alone paint more than this.
const minPainted = 200

// Page is what a reader's browser saw of one page.
type Page struct {
	URL      string
	Requests []Request // every request, in the order issued
	Outside  []Request // the requests for anything but a file under the site
	Errors   []string  // console errors, uncaught exceptions, failed loads
	Targets  []string  // targets the page opened (workers, popups, frames in other processes)
	ECharts  bool      // the ECharts script ran
	Charts   []Chart
}

// Problems lists, one line each, what makes the page fail the offline check:
// requests outside the site, targets it opened, errors, charts not drawn.
func (p *Page) Problems() []string {
	var out []string
	for _, r := range p.Outside {
		out = append(out, "request outside the site: "+r.String())
	}
	for _, t := range p.Targets {
		out = append(out, "opened another target: "+t)
	}
	for _, e := range p.Errors {
		out = append(out, "error: "+e)
	}
	for _, c := range p.Charts {
		if !c.Drawn() {
			out = append(out, fmt.Sprintf("chart %s not drawn (canvas %v, %d painted samples)", c.ID, c.Canvas, c.Painted))
		}
	}
	return out
}

// chartsJS reports, for every chart container, whether it holds a canvas
// with painted (non-transparent) pixels, sampling every seventh pixel.
const chartsJS = `(function () {
  var out = { echarts: typeof echarts !== "undefined", charts: [] };
  document.querySelectorAll("div.chart").forEach(function (el) {
    var c = el.querySelector("canvas"), painted = 0;
    if (c && c.width > 0 && c.height > 0) {
      var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      for (var i = 3; i < d.length; i += 4 * 7) { if (d[i] > 0) painted++; }
    }
    out.charts.push({ id: el.id, canvas: !!c, painted: painted });
  });
  return out;
})()`

type chartsResult struct {
	ECharts bool    `json:"echarts"`
	Charts  []Chart `json:"charts"`
}

// Check opens pageURL in a tab of its own, lets it draw, and reports what it
// requested, what went wrong and what it drew. site is the folder the page
// may read from: a request for anything but a file: URL under it is Outside.
// Check waits until every chart is drawn (at most timeout) and then a short
// quiet spell, so that requests made by timers after the load are seen too.
func (b *Browser) Check(ctx context.Context, pageURL, site string, timeout time.Duration) (*Page, error) {
	site, err := filepath.Abs(site)
	if err != nil {
		return nil, fmt.Errorf("browser: %w", err)
	}
	p := &Page{URL: pageURL}
	var mu sync.Mutex
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			r := Request{URL: ev.Request.URL, Type: string(ev.Type), Frame: string(ev.FrameID)}
			if in := ev.Initiator; in != nil {
				r.Initiator = string(in.Type)
				if in.URL != "" {
					r.Initiator += " " + in.URL
				}
			}
			p.Requests = append(p.Requests, r)
			if !inside(r.URL, site) {
				p.Outside = append(p.Outside, r)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					var str string
					switch {
					case a.Description != "":
						parts = append(parts, a.Description)
					case json.Unmarshal(a.Value, &str) == nil:
						parts = append(parts, str)
					default:
						parts = append(parts, string(a.Value))
					}
				}
				p.Errors = append(p.Errors, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			p.Errors = append(p.Errors, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				p.Errors = append(p.Errors, fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *target.EventAttachedToTarget:
			p.Targets = append(p.Targets, ev.TargetInfo.Type+" "+ev.TargetInfo.URL)
		}
	}
	tctx, cancel := b.tab(ctx, timeout+30*time.Second, chromedp.WithListener(listen))
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(pageURL)); err != nil {
		return nil, fmt.Errorf("browser: opening %s: %w", pageURL, err)
	}
	res, err := waitDrawn(tctx, pageURL, timeout)
	if err != nil {
		return nil, err
	}
	// The quiet spell runs on the page's own clock: a timer of the page's
	// that was due before it has fired when it ends, however slowly a busy
	// machine runs the page; then a moment for its requests to be told.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`new Promise(r => setTimeout(() => r(true), 500))`,
		chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("browser: %s: %w", pageURL, err)
	}
	if err := sleep(tctx, 150*time.Millisecond); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	p.ECharts, p.Charts = res.ECharts, res.Charts
	return p, nil
}

// inside reports whether u names a file under site. data: and blob: URLs
// are the page's own bytes, not requests to anywhere.
func inside(u, site string) bool {
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch pu.Scheme {
	case "data", "blob":
		return true
	case "file":
		rel, err := filepath.Rel(site, filepath.Clean(pu.Path))
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Screenshot opens pageURL in a tab of the given width and returns a PNG of
// the whole page once its charts are drawn (or after timeout).
func (b *Browser) Screenshot(ctx context.Context, pageURL string, width int, timeout time.Duration) ([]byte, error) {
	tctx, cancel := b.tab(ctx, timeout+30*time.Second)
	defer cancel()
	if err := b.openDrawn(tctx, pageURL, width, timeout); err != nil {
		return nil, err
	}
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("browser: screenshot of %s: %w", pageURL, err)
	}
	return png, nil
}

// PrintA4 opens pageURL and prints it as the print dialog would on A4 paper,
// portrait, with backgrounds, returning the PDF.
func (b *Browser) PrintA4(ctx context.Context, pageURL string, timeout time.Duration) ([]byte, error) {
	tctx, cancel := b.tab(ctx, timeout+30*time.Second)
	defer cancel()
	if err := b.openDrawn(tctx, pageURL, 1100, timeout); err != nil {
		return nil, err
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
	if err != nil {
		return nil, fmt.Errorf("browser: printing %s: %w", pageURL, err)
	}
	return pdf, nil
}

// openDrawn sizes the tab, opens the page and waits for its charts.
func (b *Browser) openDrawn(tctx context.Context, pageURL string, width int, timeout time.Duration) error {
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(int64(width), 900), chromedp.Navigate(pageURL)); err != nil {
		return fmt.Errorf("browser: opening %s: %w", pageURL, err)
	}
	if _, err := waitDrawn(tctx, pageURL, timeout); err != nil {
		return err
	}
	// ECharts animates for about a second after the first paint.
	return sleep(tctx, 1200*time.Millisecond)
}

// waitDrawn reads the page's chart containers until every one is drawn, or
// until timeout, and returns the last reading.
func waitDrawn(tctx context.Context, pageURL string, timeout time.Duration) (chartsResult, error) {
	for deadline := time.Now().Add(timeout); ; {
		res, err := chromedp.Run(tctx, chromedp.Evaluate[chartsResult](chartsJS))
		if err != nil {
			return res, fmt.Errorf("browser: %s: reading the charts: %w", pageURL, err)
		}
		drawn := true
		for _, c := range res.Charts {
			drawn = drawn && c.Drawn()
		}
		if drawn || time.Now().After(deadline) {
			return res, nil
		}
		if err := sleep(tctx, 200*time.Millisecond); err != nil {
			return res, err
		}
	}
}
