// Package browser opens rendered report pages in headless Chromium through the
// DevTools protocol and says what a reader's browser would see: every request
// the page or one of its frames issued, console errors and uncaught
// exceptions, whether ECharts drew into each chart container; and it takes
// screenshots and prints to A4 PDF.
//
// The offline promise of a report is about the page, not about the browser
// that shows it: Chromium starts traffic of its own (its component updater
// calls its update service even when told not to), and a check that counts
// every request the browser makes cannot tell that from a page reaching out.
// So requests are attributed by the protocol: each page is opened in a tab of
// its own, and only the network events of that tab's target — its main frame
// and every frame inside it, all kept in the tab's process — count against it.
// A page that opens another target (a worker, a popup, an out-of-process
// frame) fails the check too, since its traffic would not be the tab's.
//
// The package is for tests; the grassroots binary does not link it.
package browser

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// ErrNoChromium is returned by Find when no Chromium is installed.
var ErrNoChromium = errors.New("browser: no chromium on PATH (Debian: apt-get install chromium fonts-noto-cjk)")

// Find returns the path of the installed Chromium, or ErrNoChromium.
func Find() (string, error) {
	if p := os.Getenv("GRASSROOTS_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Browser is one headless Chromium. Its own network traffic goes to a proxy
// on the loopback interface that answers nothing and counts it: nothing the
// browser does can leave the machine, and what it tried is reported by
// Background. Close it when done.
type Browser struct {
	ctx    context.Context // a chromedp browser context
	cancel context.CancelFunc
	proxy  *http.Server
	rec    *recorder
}

// Start launches the Chromium at path, headless, with a fresh, empty profile.
func Start(ctx context.Context, path string) (*Browser, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("browser: %w", err)
	}
	rec := &recorder{}
	proxy := &http.Server{Handler: rec, ReadHeaderTimeout: 5 * time.Second}
	go proxy.Serve(ln)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-pings", true),
		// Every frame of a page in the page's own process, so that all its
		// requests are reported on the page's target.
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.Flag("disable-features", "Translate,IsolateOrigins,site-per-process"),
		chromedp.ProxyServer("http://"+ln.Addr().String()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1100, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	cancel := func() { bcancel(); acancel() }
	// The first Run starts the browser and opens a blank tab.
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		proxy.Close()
		return nil, fmt.Errorf("browser: starting %s: %w", path, err)
	}
	return &Browser{ctx: bctx, cancel: cancel, proxy: proxy, rec: rec}, nil
}

// Close ends the browser and its proxy.
func (b *Browser) Close() {
	b.cancel()
	b.proxy.Close()
}

// Background returns the requests the browser sent through its proxy so far:
// its own traffic and the pages' attempts alike. The page checks do not use
// it; it shows that traffic the pages are not blamed for did happen.
func (b *Browser) Background() []string {
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	return append([]string(nil), b.rec.reqs...)
}

// tab opens a new tab of the browser; cancel closes it.
func (b *Browser) tab(ctx context.Context, timeout time.Duration, opts ...chromedp.ContextOption) (context.Context, context.CancelFunc) {
	tctx, tcancel := chromedp.NewContext(b.ctx, opts...)
	tctx, cancel := context.WithTimeout(tctx, timeout)
	stop := context.AfterFunc(ctx, cancel)
	return tctx, func() { stop(); cancel(); tcancel() }
}

// recorder answers every proxied request with 403 and remembers it.
type recorder struct {
	mu   sync.Mutex
	reqs []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Method+" "+req.Host+req.URL.Path)
	r.mu.Unlock()
	http.Error(w, "offline", http.StatusForbidden)
}

// navigate opens pageURL in the tab of tctx and returns once it has loaded.
func navigate(tctx context.Context, pageURL string) error {
	return chromedp.Do(tctx, chromedp.Navigate(pageURL))
}
