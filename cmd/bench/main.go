// Command bench measures grassroots against DuckDB's own readers on the same
// input in the same run, and prints ratios and absolute figures. `make bench`
// runs it; BENCH_FLAGS pass flags (-scale 10 for a quick check, -only NAME).
//
// The inputs are the demo district's registers from the demo generator
// (pipelines/demodata) at -scale: at 400, the default, the 2024 member
// register has about 10.3M rows and the organisation register 2.0M, spread
// over the 14 townships of 闵行区 as the demo calibrates them. They are
// written once into -dir and reused by later runs at the same scale.
//
// Each section registers itself from its own file (register("ingest", …)).
// Measurements that need their own peak RSS run in a child process: the
// binary re-executes itself with -child NAME and reports a JSON line on
// stdout, with its own peak resident set (VmHWM). The child's rusage is only
// the fallback: on Linux its maximum RSS starts at the parent's at exec, so
// a parent that grew in one section would inflate every later child's figure.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"grassroots/pipelines/demodata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Bench carries the flags and output of one run to the sections.
type Bench struct {
	// Scale multiplies the demo district's members and organisations.
	Scale float64
	Dir   string
	Out   io.Writer
	// Keep leaves generated warehouses in Dir for inspection.
	Keep bool
	// Alloc is the Arrow allocator of the Go side: malloc or go.
	Alloc string
	// Repeat runs each side of a comparison this many times, alternating.
	Repeat int
	// Bin is the grassroots binary the headline runs.
	Bin string
	// RSSScales are the scales at which the headline measures the member
	// run's peak RSS.
	RSSScales []float64
	// Breakdown samples where the memory is during the ingest load.
	Breakdown bool

	gen *demodata.Generator
}

type section struct {
	name string
	run  func(ctx context.Context, b *Bench) error
}

var sections []section

// register adds a section; sections run in name order.
func register(name string, run func(ctx context.Context, b *Bench) error) {
	sections = append(sections, section{name, run})
	sort.Slice(sections, func(i, j int) bool { return sections[i].name < sections[j].name })
}

// A child measurement: reads args, does the work, returns what to report.
type childFunc func(ctx context.Context, args []string) (Result, error)

var children = map[string]childFunc{}

func registerChild(name string, f childFunc) { children[name] = f }

// Result is what a child reports.
type Result struct {
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
	Note    string  `json:"note,omitempty"`
	// PeakRSS is the child's own peak resident set, in bytes, where /proc
	// tells it.
	PeakRSS int64 `json:"peak_rss,omitempty"`
	// MaxRSS is filled in by the parent, in bytes.
	MaxRSS int64 `json:"-"`
	// Others is the share of the machine's CPU time that other processes
	// took while the child ran, filled in by the parent where /proc tells
	// it: a figure measured beside a busy neighbour is not one to keep.
	Others float64 `json:"-"`
}

// RowsPerSec is the throughput.
func (r Result) RowsPerSec() float64 {
	if r.Seconds == 0 {
		return 0
	}
	return float64(r.Rows) / r.Seconds
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	b := &Bench{Out: stdout}
	var only, child, cpuprofile string
	fs.Float64Var(&b.Scale, "scale", 400, "scale of the demo district the inputs come from (400: about 10.3M members and 2.0M organisations)")
	fs.StringVar(&b.Dir, "dir", filepath.Join(os.TempDir(), "grassroots-bench"), "folder for generated inputs and warehouses (inputs are reused)")
	fs.BoolVar(&b.Keep, "keep", false, "keep generated warehouses in -dir")
	fs.IntVar(&b.Repeat, "repeat", 2, "runs of each side of a comparison (fastest counts, highest RSS counts)")
	fs.StringVar(&b.Alloc, "alloc", "malloc", "Arrow allocator for the sources side: malloc (C) or go")
	fs.BoolVar(&b.Breakdown, "breakdown", false, "ingest: sample Go heap, Arrow and DuckDB memory during the load and show them at the peak")
	fs.StringVar(&b.Bin, "bin", "bin/grassroots", "the grassroots binary the headline runs (make bench builds it)")
	rssScales := fs.String("rss-scales", "40,400,1200", "headline: scales at which to measure the member run's peak RSS")
	fs.StringVar(&only, "only", "", "run only the sections whose name contains this")
	fs.StringVar(&child, "child", "", "internal: run one measurement in this process")
	fs.StringVar(&cpuprofile, "cpuprofile", "", "with -child: write the measurement's CPU profile to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if child != "" {
		f, ok := children[child]
		if !ok {
			fmt.Fprintf(stderr, "bench: unknown child %q\n", child)
			return 2
		}
		if cpuprofile != "" {
			pf, err := os.Create(cpuprofile)
			if err != nil {
				fmt.Fprintln(stderr, "bench:", err)
				return 1
			}
			defer pf.Close()
			if err := pprof.StartCPUProfile(pf); err != nil {
				fmt.Fprintln(stderr, "bench:", err)
				return 1
			}
			defer pprof.StopCPUProfile()
		}
		res, err := f(ctx, fs.Args())
		if err != nil {
			fmt.Fprintf(stderr, "bench: %s: %v\n", child, err)
			return 1
		}
		res.PeakRSS = vmHWM() // after the measurement's deferred closes
		json.NewEncoder(stdout).Encode(res)
		return 0
	}
	for _, f := range strings.Split(*rssScales, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || v <= 0 {
			fmt.Fprintf(stderr, "bench: -rss-scales: %q is not a scale above 0\n", f)
			return 2
		}
		b.RSSScales = append(b.RSSScales, v)
	}
	if b.Scale <= 0 {
		fmt.Fprintln(stderr, "bench: -scale must be above 0")
		return 2
	}
	if err := os.MkdirAll(b.Dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	failed := false
	for _, s := range sections {
		if only != "" && !strings.Contains(s.name, only) {
			continue
		}
		if err := s.run(ctx, b); err != nil {
			fmt.Fprintf(stderr, "bench: %s: %v\n", s.name, err)
			failed = true
		}
	}
	if failed {
		return 1
	}
	return 0
}

// Child runs a measurement in a fresh process and returns its result with the
// process's peak RSS.
func (b *Bench) Child(ctx context.Context, name string, args ...string) (Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return Result{}, err
	}
	cmd := exec.CommandContext(ctx, exe, append([]string{"-child", name}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	nb := watchNeighbours()
	err = cmd.Run()
	if err != nil {
		return Result{}, fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(errb.String()))
	}
	var res Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return Result{}, fmt.Errorf("%s: bad report %q: %v", name, out.String(), err)
	}
	if res.Seconds == 0 {
		res.Seconds = time.Since(start).Seconds()
	}
	res.MaxRSS = res.PeakRSS
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if res.MaxRSS == 0 {
			res.MaxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
		}
		res.Others = nb.share(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()))
	}
	return res, nil
}

// neighbours watches what other processes take of the machine: the busy
// and total CPU time of all CPUs from /proc/stat (zeros elsewhere), in
// USER_HZ ticks.
type neighbours struct{ busy, total int64 }

const tick = 10 * time.Millisecond // USER_HZ, 100 on Linux

func watchNeighbours() neighbours {
	var n neighbours
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return n
	}
	first, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(first)
	if len(f) < 9 || f[0] != "cpu" {
		return n
	}
	// user nice system idle iowait irq softirq steal
	for i, s := range f[1:9] {
		v, _ := strconv.ParseInt(s, 10, 64)
		n.total += v
		if i != 3 && i != 4 {
			n.busy += v
		}
	}
	return n
}

// share is the part of the machine's CPU time since n that processes other
// than ours took, given the CPU time ours used meanwhile.
func (n neighbours) share(own time.Duration) float64 {
	now := watchNeighbours()
	if now.total <= n.total {
		return 0
	}
	others := time.Duration(now.busy-n.busy)*tick - own
	return max(0, others.Seconds()/(time.Duration(now.total-n.total)*tick).Seconds())
}

// selfCPU is the CPU time this process has used, all threads.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// busyNote warns of a measurement taken while other processes took a tenth
// or more of the machine.
func busyNote(others float64) string {
	if others < 0.1 {
		return ""
	}
	return fmt.Sprintf("  (busy machine: other processes took %.0f%% of the CPU)", 100*others)
}

// mb formats bytes as megabytes.
func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// rate formats rows per second.
func rate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2fM rows/s", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.0fk rows/s", r/1e3)
	}
	return fmt.Sprintf("%.0f rows/s", r)
}
