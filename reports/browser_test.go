package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// checkHead collects script errors from the very start of the page.
const checkHead = `<script>window.__errors = []; window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });</script>`

// checkScript runs after the page has drawn and writes what it found into the
// DOM, which the test reads back with --dump-dom: for every chart container,
// whether it holds a canvas with painted (non-transparent) pixels.
const checkScript = `<script>
window.addEventListener("load", function () { setTimeout(function () {
  var out = { charts: [], errors: window.__errors, echarts: typeof echarts !== "undefined" };
  document.querySelectorAll("div.chart").forEach(function (el) {
    var c = el.querySelector("canvas"), painted = 0;
    if (c && c.width > 0 && c.height > 0) {
      var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      for (var i = 3; i < d.length; i += 4 * 7) { if (d[i] > 0) painted++; }
    }
    out.charts.push({ id: el.id, canvas: !!c, painted: painted });
  });
  var pre = document.createElement("pre");
  pre.id = "check-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}, 500); });
</script>`

var checkRE = regexp.MustCompile(`(?s)<pre id="check-result">(.*?)</pre>`)

// recorder is a proxy that answers nothing and remembers every request sent
// to it: the browser's only way out.
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

func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test skipped: no chromium on PATH (CI installs Debian's chromium and fonts-noto-cjk; apt-get install chromium fonts-noto-cjk to run it here)")
	return ""
}

// TestBrowser opens every page of a rendered site in headless Chromium with
// the network cut off, and checks that every chart is painted and that no
// request left the machine. Screenshots of the index and one report go to
// artefacts/.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	db := fixtureDB(t)
	ctx := context.Background()
	specs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	specs = append(specs, readSpec(t, "testdata/all.yaml"))
	out := t.TempDir()
	site, err := Render(ctx, db, specs, Options{Out: out, Region: "310112"})
	if err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	srv := &http.Server{Handler: rec}
	go srv.Serve(ln)
	defer srv.Close()
	profile := t.TempDir()
	run := func(extra ...string) []byte {
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-default-apps", "--disable-extensions", "--no-default-browser-check", "--no-pings",
			"--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-breakpad",
			"--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,SignInProfileCreation,DialMediaRouteProvider,PreconnectToSearch,NetworkPrediction,ChromeWhatsNewUI,PrivacySandboxSettings4",
			"--dns-prefetch-disable", "--disable-search-engine-choice-screen", "--variations-server-url=http://127.0.0.1:9",
			"--google-base-url=http://127.0.0.1:9", "--gaia-url=http://127.0.0.1:9", "--lso-url=http://127.0.0.1:9",
			"--proxy-server=http://" + ln.Addr().String(), "--proxy-bypass-list=<-loopback>",
			"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
			"--user-data-dir=" + profile, "--hide-scrollbars"}, extra...)
		// Headless Chromium now and then dies of a signal when the machine
		// is busy (seen once in CI with every test package running): that is
		// the browser, not the page, so it gets one more try.
		for try := 1; ; try++ {
			cctx, cancel := context.WithTimeout(ctx, 90*time.Second)
			cmd := exec.CommandContext(cctx, bin, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			cancel()
			var exit *exec.ExitError
			if err != nil && try == 1 && cctx.Err() == nil && errors.As(err, &exit) && exit.ExitCode() == -1 {
				t.Logf("chromium %v: %v; trying once more", extra, err)
				continue
			}
			if err != nil {
				t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
			}
			return stdout.Bytes()
		}
	}

	// The net must catch: a canary page that does reach out is recorded.
	canary := filepath.Join(out, "canary.html")
	os.WriteFile(canary, []byte(`<!DOCTYPE html><img src="http://tiles.example.org/x.png">`), 0o644)
	run("--virtual-time-budget=3000", "--dump-dom", "file://"+canary)
	rec.mu.Lock()
	caught := strings.Join(rec.reqs, " ")
	rec.reqs = nil
	rec.mu.Unlock()
	if !strings.Contains(caught, "tiles.example.org") {
		t.Fatalf("the proxy did not see the canary page's request (saw %q): the offline check would prove nothing", caught)
	}

	pages := 0
	for _, p := range site.Pages {
		src, err := os.ReadFile(filepath.Join(out, p.File))
		if err != nil {
			t.Fatal(err)
		}
		// Test-only copy of the page with the check injected, next to the
		// original so that assets/ resolves the same way.
		html := strings.Replace(string(src), "<head>", "<head>\n"+checkHead, 1)
		html = strings.Replace(html, "</body>", checkScript+"\n</body>", 1)
		probe := filepath.Join(out, "check-"+p.File)
		if err := os.WriteFile(probe, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		dom := run("--virtual-time-budget=10000", "--dump-dom", "file://"+probe)
		m := checkRE.FindSubmatch(dom)
		if m == nil {
			t.Errorf("%s: the check script left no result (page did not load?)", p.File)
			continue
		}
		var res struct {
			Charts []struct {
				ID      string
				Canvas  bool
				Painted int
			}
			Errors  []string
			ECharts bool
		}
		if err := json.Unmarshal([]byte(strings.ReplaceAll(string(m[1]), "&quot;", `"`)), &res); err != nil {
			t.Fatalf("%s: %v: %s", p.File, err, m[1])
		}
		if !res.ECharts {
			t.Errorf("%s: ECharts did not load", p.File)
		}
		if len(res.Errors) > 0 {
			t.Errorf("%s: script errors: %v", p.File, res.Errors)
		}
		want := 0
		for _, b := range p.Blocks {
			if b.Option != nil && b.Empty == "" {
				want++
			}
		}
		if len(res.Charts) != want {
			t.Errorf("%s: %d chart containers in the page, want %d", p.File, len(res.Charts), want)
		}
		for _, c := range res.Charts {
			if !c.Canvas || c.Painted < 200 {
				t.Errorf("%s: chart %s is not painted (canvas %v, %d painted samples)", p.File, c.ID, c.Canvas, c.Painted)
			}
		}
		pages++
	}
	if pages != len(specs) {
		t.Errorf("checked %d pages of %d", pages, len(specs))
	}

	arte := filepath.Join("..", "artefacts")
	if err := os.MkdirAll(arte, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, shot := range []struct{ page, file, size string }{
		{"index.html", "reports-index.png", "1100,700"},
		{"all.html", "reports-page.png", "1100,3000"},
	} {
		png, _ := filepath.Abs(filepath.Join(arte, shot.file))
		run("--virtual-time-budget=10000", "--window-size="+shot.size, "--screenshot="+png, "file://"+filepath.Join(out, shot.page))
		if st, err := os.Stat(png); err != nil || st.Size() < 10_000 {
			t.Errorf("screenshot %s missing or blank: %v", png, err)
		}
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) > 0 {
		t.Errorf("pages sent %d requests off the machine: %v", len(rec.reqs), rec.reqs)
	}
}
