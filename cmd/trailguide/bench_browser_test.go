package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/demo"
	"github.com/trailguide/trailguide/internal/browsertest"
)

// mainThreadVariant is one way of loading a page for
// BenchmarkBrowserMainThread.
type mainThreadVariant struct {
	name string
	head string // inserted into <head>; {{endpoint}} is the Trailguide server, {{site}} the page's origin
}

// benchRrwebOptions are the rrweb options of the baseline: the SDK's own
// (client.ts recordOptions: sampling, slimDOM, no canvas, fonts or inlined
// images), with rrweb's built-in input masking standing in for the SDK's
// masking callbacks, so that rrweb does the same work in both and what
// the SDK adds (its masking included) is what the ratio measures.
// client_test.ts pins recordOptions; keep the two in step.
const benchRrwebOptions = `maskAllInputs: true, slimDOMOptions: 'all', sampling: { mousemove: 50, scroll: 150, media: 800, input: 'last' },
recordCanvas: false, collectFonts: false, inlineImages: false, recordCrossOriginIframes: false, checkoutEveryNms: 600000`

// sdkHead is the SDK's snippet with init options opts; window.__tgReady is
// set once it records (ready) and its first batch is acknowledged (ack).
func sdkHead(src, opts string) string {
	return `<script>window.trailguide = {q: [['init', [{key: '` + demo.PublicKey + `', endpoint: '{{endpoint}}'` + opts + `}]],
['on', ['ready', function () { window.__tgRec = 1; }]], ['on', ['ack', function () { window.__tgReady = window.__tgRec; }]]]};</script>
<script src="` + src + `" async></script>`
}

var mainThreadVariants = []mainThreadVariant{
	// The page alone: what the scripted interaction costs without recording.
	{"page", ``},
	// Bare @rrweb/record (the budget's anchor, DESIGN §6) emitting into an
	// array, with the SDK's rrweb options.
	{"rrweb", `<script src="{{site}}/bench/rrweb-record.js"></script><script>
window.__ev = []; rrwebRecord.record({ emit: function (e) { window.__ev.push(e); }, ` + benchRrwebOptions + ` });
</script>`},
	// The SDK without its live friction detector.
	{"sdk", sdkHead("{{endpoint}}/sdk/trailguide.js", ", friction: false")},
	// The SDK with it (the default).
	{"sdk+friction", sdkHead("{{endpoint}}/sdk/trailguide.js", "")},
}

// oldSDKVariants are the two SDK variants with another build of the SDK,
// served by the page's site from the directory TG_BENCH_OLD_SDK (e.g. the
// bundles of an earlier commit: git show REV:web/dist/sdk/recorder.js ...),
// to compare two builds in one run.
var oldSDKVariants = []mainThreadVariant{
	{"old-sdk", sdkHead("{{site}}/old/sdk/trailguide.js", ", friction: false")},
	{"old-sdk+friction", sdkHead("{{site}}/old/sdk/trailguide.js", "")},
}

// benchPage is a page the scripted visitor plays on.
type benchPage struct {
	name string
	html string
	base string // <base href>, "" for none
}

// BenchmarkBrowserMainThread measures the main-thread cost of recording in
// headless Chromium, on two pages: the demo landing page (static, the
// pointer crossing many elements) and testdata/bench/dashboard.html, a
// monitoring dashboard with live DOM churn (text, attribute and
// child-list mutations several times a second). The same scripted visitor
// moves, clicks and scrolls on a page for a fixed time, once per page,
// variant and round, pages and variants interleaved so that the noisy
// shared machine affects them alike. Each run starts once the recorder
// records (for the SDK: its first batch is acknowledged, so that its
// one-off start-up, like rrweb's first full snapshot, is outside the
// measured window) and a second more has passed.
// The cost of a recorder is the time of the CPU profile samples (V8 sampling
// profiler, 200 µs, each sample counting at most 200 µs) whose call stack
// holds a frame of its code: inclusive, so
// the DOM work it calls is counted (its garbage collection is not), and
// exclusive of the page's own work and of the renderer's style, layout and
// paint, whose run-to-run noise (the renderer main thread's CPU time,
// logged, varies by ±30 % between rounds of the bare page) is far larger
// than what a recorder costs: the extra script time a recorder puts on
// the main thread. Figures are ms per minute of interaction, medians over
// the rounds, per page (metric units end in -landing or -dashboard):
//
//	rrweb_ms/min     bare @rrweb/record, emitting into an array
//	rec_ms/min       the SDK without its live friction detector
//	sdk+fric_ms/min  the SDK with it (the default)
//	friction_ms/min  friction.js's own share of the last
//	sdk/rrweb        rec ÷ rrweb (DESIGN §6 budget: ≤ 1.1)
//	sdk+fric/rrweb   sdk+fric ÷ rrweb
//	friction/rec     sdk+fric ÷ rec: what the live detector adds to recording
//
// The per-round ratios (same round, same machine load) are logged.
// TG_BENCH_SECONDS sets the interaction length per run (default 15);
// TG_BENCH_ROUNDS the number of rounds (default 3, or b.N when larger);
// TG_BENCH_VARIANTS a comma-separated subset of the variants (the ratios
// need rrweb, sdk and sdk+friction); TG_BENCH_PAGES a subset of the pages
// (landing, dashboard); TG_BENCH_TOP=1 prints each run's
// hottest recorder functions to stderr, and the SDK's time by source module
// and by function (inclusive) when the bundles are built unminified
// (TG_SDK_NOMINIFY=1 make dist, not to be committed).
func BenchmarkBrowserMainThread(b *testing.B) {
	execPath := browsertest.Require(b)
	// The baseline is built from the rrweb the SDK bundles, the way the
	// recorder chunk is (web/sdk/bench-rrweb.mjs): the same code on both
	// sides. (It was rrweb's own record.umd.min.cjs until 2026-12-04.)
	rrwebOut := filepath.Join(b.TempDir(), "rrweb-record.js")
	if out, err := exec.Command("node", filepath.Join("..", "..", "web", "sdk", "bench-rrweb.mjs"), rrwebOut).CombinedOutput(); err != nil {
		b.Fatalf("bare rrweb for the baseline (needs node and npm ci in web/): %v\n%s", err, out)
	}
	rrwebJS, err := os.ReadFile(rrwebOut)
	if err != nil {
		b.Fatal(err)
	}
	seconds := 15
	if v := os.Getenv("TG_BENCH_SECONDS"); v != "" {
		fmt.Sscanf(v, "%d", &seconds)
	}
	endpoint := startInProcessServer(b)

	landing, err := fetchDemoLanding(endpoint)
	if err != nil {
		b.Fatal(err)
	}
	dashboard, err := os.ReadFile(filepath.Join("testdata", "bench", "dashboard.html"))
	if err != nil {
		b.Fatal(err)
	}
	pages := []benchPage{{"landing", landing, endpoint + "/demo/"}, {"dashboard", string(dashboard), ""}}
	if v := os.Getenv("TG_BENCH_PAGES"); v != "" {
		names := strings.Split(v, ",")
		pages = slices.DeleteFunc(pages, func(p benchPage) bool { return !slices.Contains(names, p.name) })
	}
	allVariants := mainThreadVariants
	oldSDK := os.Getenv("TG_BENCH_OLD_SDK")
	if oldSDK != "" {
		allVariants = append(slices.Clone(allVariants), oldSDKVariants...)
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case oldSDK != "" && strings.HasPrefix(r.URL.Path, "/old/sdk/"):
			w.Header().Set("Content-Type", "text/javascript")
			http.ServeFile(w, r, filepath.Join(oldSDK, filepath.Base(r.URL.Path)))
		case r.URL.Path == "/bench/rrweb-record.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(rrwebJS)
		case strings.HasPrefix(r.URL.Path, "/v/"):
			// /v/{page}/{variant}
			pageName, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v/"), "/")
			i := slices.IndexFunc(allVariants, func(v mainThreadVariant) bool { return v.name == name })
			j := slices.IndexFunc(pages, func(p benchPage) bool { return p.name == pageName })
			if i < 0 || j < 0 {
				http.NotFound(w, r)
				return
			}
			head := strings.NewReplacer("{{endpoint}}", endpoint, "{{site}}", "http://"+r.Host).Replace(allVariants[i].head)
			if pages[j].base != "" {
				head = "<base href=\"" + pages[j].base + "\">\n" + head
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, strings.Replace(pages[j].html, "<head>", "<head>\n"+head, 1))
		default:
			http.NotFound(w, r)
		}
	}))
	b.Cleanup(site.Close)

	rounds := 3
	if v := os.Getenv("TG_BENCH_ROUNDS"); v != "" {
		fmt.Sscanf(v, "%d", &rounds)
	}
	rounds = max(b.N, rounds)
	variants := allVariants
	if v := os.Getenv("TG_BENCH_VARIANTS"); v != "" {
		names := strings.Split(v, ",")
		variants = slices.DeleteFunc(slices.Clone(variants), func(v mainThreadVariant) bool { return !slices.Contains(names, v.name) })
	}
	var modules *bundleModules
	if os.Getenv("TG_BENCH_TOP") != "" {
		modules = loadBundleModules(endpoint)
	}
	type series struct{ renderer, sdk, friction, rrweb []float64 }
	runs := map[string]*series{} // by page + " " + variant
	b.ResetTimer()
	for round := range rounds {
		for _, pg := range pages {
			for _, v := range variants {
				c, err := mainThreadRun(execPath, b.TempDir(), site.URL+"/v/"+pg.name+"/"+v.name, time.Duration(seconds)*time.Second, int64(round), modules)
				if err != nil {
					b.Fatalf("%s %s, round %d: %v", pg.name, v.name, round, err)
				}
				perMin := 60 / float64(seconds)
				label := pg.name + " " + v.name
				if os.Getenv("TG_BENCH_TOP") != "" {
					type kv struct {
						k string
						v float64
					}
					var top []kv
					for k, v := range c.Top {
						top = append(top, kv{k, v})
					}
					slices.SortFunc(top, func(a, b kv) int { return int(b.v*1000 - a.v*1000) })
					for _, e := range top[:min(len(top), 25)] {
						fmt.Fprintf(os.Stderr, "%s round %d: %7.1f ms  %s\n", label, round, e.v, e.k)
					}
					printBreakdown(label, round, "module", c.ByModule, perMin)
					printBreakdown(label, round, "function", c.ByFunc, perMin)
				}
				sr := runs[label]
				if sr == nil {
					sr = &series{}
					runs[label] = sr
				}
				sr.renderer = append(sr.renderer, c.Renderer*perMin)
				sr.sdk = append(sr.sdk, c.SDK*perMin)
				sr.friction = append(sr.friction, c.Friction*perMin)
				sr.rrweb = append(sr.rrweb, c.Rrweb*perMin)
			}
		}
	}
	b.StopTimer()
	med := func(xs []float64) float64 {
		xs = slices.Clone(xs)
		slices.Sort(xs)
		if n := len(xs); n%2 == 0 {
			return (xs[n/2-1] + xs[n/2]) / 2
		}
		return xs[len(xs)/2]
	}
	div := func(a, b []float64) []float64 {
		out := make([]float64, len(a))
		for i := range a {
			out[i] = math.Round(a[i]/b[i]*100) / 100
		}
		return out
	}
	for _, pg := range pages {
		for _, v := range variants {
			sr := runs[pg.name+" "+v.name]
			b.Logf("%-9s %-13s renderer main thread %5.0f ms/min %v; rrweb %4.0f %v; sdk %4.0f %v; friction.js %4.0f %v", pg.name, v.name,
				med(sr.renderer), roundAll(sr.renderer), med(sr.rrweb), roundAll(sr.rrweb), med(sr.sdk), roundAll(sr.sdk),
				med(sr.friction), roundAll(sr.friction))
		}
		get := func(name string) *series { return runs[pg.name+" "+name] }
		if get("rrweb") == nil || get("sdk") == nil || get("sdk+friction") == nil {
			continue // a subset without the ratios
		}
		rrs, recs, fulls := get("rrweb").rrweb, get("sdk").sdk, get("sdk+friction").sdk
		rr, rec := med(rrs), med(recs)
		full, fric := med(fulls), med(get("sdk+friction").friction)
		b.Logf("%-9s per round: sdk/rrweb %v; sdk+fric/rrweb %v; friction/rec %v", pg.name, div(recs, rrs), div(fulls, rrs), div(fulls, recs))
		sfx := "-" + pg.name
		if old := get("old-sdk"); old != nil {
			b.ReportMetric(med(old.sdk)/rr, "old-sdk/rrweb"+sfx)
		}
		b.ReportMetric(rr, "rrweb_ms/min"+sfx)
		b.ReportMetric(rec, "rec_ms/min"+sfx)
		b.ReportMetric(full, "sdk+fric_ms/min"+sfx)
		b.ReportMetric(fric, "friction_ms/min"+sfx)
		b.ReportMetric(rec/rr, "sdk/rrweb"+sfx)
		b.ReportMetric(full/rr, "sdk+fric/rrweb"+sfx)
		b.ReportMetric(full/rec, "friction/rec"+sfx)
	}
}

func roundAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Round(x)
	}
	return out
}

// mainThreadRun opens url in a fresh browser, waits for the page (and the
// recorder, when there is one) to settle, then plays the scripted visitor
// for d and returns the main-thread task time it took, in ms.
func mainThreadRun(execPath, profile, url string, d time.Duration, seed int64, modules *bundleModules) (mainThreadCost, error) {
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browsertest.Options(execPath, profile, 1280, 800)...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, d+60*time.Second)
	defer cancelT()
	var before, after float64
	cpu := func(out *float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(context.Context, *chromedp.Target) error {
			ns, err := rendererMainCPU(profile)
			*out = float64(ns) / 1e6
			return err
		})
	}
	var prof *profiler.Profile
	move := func(x, y float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y})
			return err
		})
	}
	click := func(x, y float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			p := input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMousePressed, X: x, Y: y, Button: input.MouseButtonLeft, Buttons: 1, ClickCount: 1}
			if _, err := cdp.Call(ctx, t, input.DispatchMouseEvent, p); err != nil {
				return err
			}
			p.Type, p.Buttons = input.DispatchMouseEventTypeMouseReleased, 0
			_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, p)
			return err
		})
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	)
	if err != nil {
		return mainThreadCost{}, err
	}
	// Until the recorder records: rrweb's first full snapshot is taken;
	// the SDK records and its first batch is acknowledged (and with live
	// friction, its chunk has started).
	ready := ""
	switch {
	case strings.HasSuffix(url, "/rrweb"):
		ready = `window.__ev.some(function (e) { return e.type === 2; })`
	case strings.HasSuffix(url, "+friction"):
		ready = `!!window.__tgReady && !!window.__trailguide_friction`
	case strings.Contains(url, "sdk"):
		ready = `!!window.__tgReady`
	}
	if ready != "" {
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](ready, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			return mainThreadCost{}, fmt.Errorf("recorder not ready: %w", err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(time.Second), cpu(&before), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, profiler.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: benchSampleUS}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, profiler.Start, cdp.Empty{})
		return err
	})); err != nil {
		return mainThreadCost{}, err
	}
	// The visitor: a smooth figure-of-eight at ~60 moves/s, a click every
	// 2 s (alternating between a button that does nothing, which makes dead
	// and rage clicks, and plain text), a wheel scroll of 400 px every 3 s,
	// down then up. The same for every variant of a round.
	start := time.Now()
	step := 0
	for time.Since(start) < d {
		el := time.Since(start).Seconds()
		x := 640 + 420*math.Sin(el*1.3+float64(seed))
		y := 400 + 260*math.Sin(el*2.6)
		acts := []chromedp.Action[chromedp.Void]{move(x, y)}
		if step%120 == 60 {
			if (step/120)%2 == 0 {
				acts = append(acts, click(x, y), click(x+2, y+1), click(x+1, y+2))
			} else {
				acts = append(acts, click(x, y))
			}
		}
		if step%180 == 90 {
			dy := 400.0
			if (step/180)%4 >= 2 {
				dy = -400
			}
			acts = append(acts, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, dispatchBenchWheel, benchWheel{Type: "mouseWheel", X: x, Y: y, DeltaY: dy})
				return err
			}))
		}
		acts = append(acts, chromedp.Sleep(16*time.Millisecond))
		if err := chromedp.Do(ctx, acts...); err != nil {
			return mainThreadCost{}, err
		}
		step++
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(500*time.Millisecond), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, profiler.Stop, cdp.Empty{})
		if err == nil {
			prof = res.Profile
		}
		return err
	}), cpu(&after)); err != nil {
		return mainThreadCost{}, err
	}
	c := attribute(prof, modules)
	c.Renderer = after - before
	return c, nil
}

// benchSampleUS is the CPU profile's sampling interval (µs), and the most
// time one sample stands for.
const benchSampleUS = 200

// mainThreadCost is one run's main-thread time in ms: Renderer is the CPU
// time of the renderers' main threads; the others are the sampled time of
// call stacks with a frame of that code (inclusive: the DOM work it calls
// is counted, the garbage collector is not).
type mainThreadCost struct {
	// Top is the self time (ms) by function of the samples that count
	// for SDK or Rrweb, "name url:line".
	Top      map[string]float64
	Renderer float64
	SDK      float64 // trailguide.js, recorder.js or friction.js
	Friction float64 // friction.js
	Rrweb    float64 // the bare @rrweb/record bundle
	// With TG_BENCH_TOP and unminified bundles: the SDK's time by the
	// innermost source module of the SDK's own code on the stack ("rrweb"
	// when only rrweb's code is), and by function, inclusive.
	ByModule, ByFunc map[string]float64
}

// attribute sums the profile's sample time by the code on each sample's
// stack.
func attribute(p *profiler.Profile, modules *bundleModules) mainThreadCost {
	c := mainThreadCost{Top: map[string]float64{}, ByModule: map[string]float64{}, ByFunc: map[string]float64{}}
	if p == nil {
		return c
	}
	parent := map[int64]int64{}
	byID := map[int64]*profiler.ProfileNode{}
	for _, n := range p.Nodes {
		byID[n.ID] = n
		for _, ch := range n.Children {
			parent[ch] = n.ID
		}
	}
	for i, id := range p.Samples {
		if i+1 >= len(p.TimeDeltas) {
			break
		}
		// timeDeltas[i+1] is the time from sample i to the next: the time
		// sample i stands for, up to the sampling interval. A longer gap is
		// the renderer waiting for a CPU (this shared machine's load
		// average reaches 20-30), not running the code on top of the stack
		// (the sampler's signal waits for the thread to run again): counted
		// as wall time, it made one sample stand for tens of ms and the
		// per-round ratios swing by 2x.
		us := min(float64(p.TimeDeltas[i+1]), benchSampleUS)
		var sdk, fric, rr bool
		module := ""
		funcs := map[string]bool{}
		for n := byID[id]; n != nil; n = byID[parent[n.ID]] {
			u := ""
			if n.CallFrame != nil {
				u = n.CallFrame.URL
				if m := modules.of(u, n.CallFrame.LineNumber); m != "" {
					if module == "" && !strings.Contains(m, "node_modules") {
						module = m
					}
					if !strings.Contains(m, "node_modules") {
						funcs[m+" "+n.CallFrame.FunctionName] = true
					}
				}
			}
			switch {
			case strings.HasSuffix(u, "/sdk/friction.js"):
				sdk, fric = true, true
			case strings.HasSuffix(u, "/sdk/recorder.js"), strings.HasSuffix(u, "/sdk/trailguide.js"):
				sdk = true
			case strings.HasSuffix(u, "/bench/rrweb-record.js"):
				rr = true
			}
			if n.ID == p.Nodes[0].ID {
				break
			}
		}
		if sdk || rr {
			if f := byID[id].CallFrame; f != nil {
				c.Top[fmt.Sprintf("%s %s:%d", f.FunctionName, f.URL[strings.LastIndex(f.URL, "/")+1:], f.LineNumber+1)] += us / 1000
			}
		}
		if sdk {
			c.SDK += us / 1000
			if modules != nil {
				if module == "" {
					module = "rrweb and other libraries"
				}
				c.ByModule[module] += us / 1000
				for f := range funcs {
					c.ByFunc[f] += us / 1000
				}
			}
		}
		if fric {
			c.Friction += us / 1000
		}
		if rr {
			c.Rrweb += us / 1000
		}
	}
	return c
}

// bundleModules maps the lines of the unminified SDK bundles to the source
// module they come from (esbuild's "// path" comments), for TG_BENCH_TOP.
type bundleModules struct {
	// by bundle file name: the first line of each module, in order
	starts map[string][]moduleStart
}

type moduleStart struct {
	line int64 // 0-based, like the profile's
	name string
}

func loadBundleModules(endpoint string) *bundleModules {
	m := &bundleModules{starts: map[string][]moduleStart{}}
	for _, f := range []string{"trailguide.js", "recorder.js", "friction.js"} {
		res, err := http.Get(endpoint + "/sdk/" + f)
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for i, l := range strings.Split(string(body), "\n") {
			t := strings.TrimSpace(l)
			if name, ok := strings.CutPrefix(t, "// "); ok && (strings.HasSuffix(name, ".ts") || strings.HasSuffix(name, ".js")) && !strings.Contains(name, " ") {
				m.starts[f] = append(m.starts[f], moduleStart{int64(i), name})
			}
		}
	}
	return m
}

// of returns the module of line (0-based) of the bundle at url, or "".
func (m *bundleModules) of(url string, line int64) string {
	if m == nil {
		return ""
	}
	st := m.starts[url[strings.LastIndex(url, "/")+1:]]
	i, _ := slices.BinarySearchFunc(st, line, func(s moduleStart, l int64) int { return int(s.line - l) })
	if i < len(st) && st[i].line == line {
		return st[i].name
	}
	if i == 0 {
		return ""
	}
	return st[i-1].name
}

func printBreakdown(variant string, round int, what string, m map[string]float64, perMin float64) {
	type kv struct {
		k string
		v float64
	}
	var all []kv
	for k, v := range m {
		all = append(all, kv{k, v})
	}
	slices.SortFunc(all, func(a, b kv) int { return int(b.v*1000 - a.v*1000) })
	for _, e := range all[:min(len(all), 30)] {
		fmt.Fprintf(os.Stderr, "%s round %d by %s: %7.1f ms/min  %s\n", variant, round, what, e.v*perMin, e.k)
	}
}

// rendererMainCPU sums the CPU time, in ns, of the main thread of every
// renderer process of the browser whose profile is dir (Linux only).
func rendererMainCPU(dir string) (int64, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	var total int64
	found := false
	for _, e := range ents {
		pid := e.Name()
		if pid[0] < '0' || pid[0] > '9' {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + pid + "/cmdline")
		if err != nil {
			continue // gone
		}
		// Chromium rewrites its argv into one space-separated string.
		c := strings.ReplaceAll(string(cmd), "\x00", " ") + " "
		if !strings.Contains(c, " --type=renderer ") || !strings.Contains(c, " --user-data-dir="+dir+" ") {
			continue
		}
		st, err := os.ReadFile("/proc/" + pid + "/task/" + pid + "/schedstat")
		if err != nil {
			continue
		}
		var ns int64
		if _, err := fmt.Sscanf(string(st), "%d", &ns); err != nil {
			return 0, fmt.Errorf("schedstat of %s: %w", pid, err)
		}
		total += ns
		found = true
	}
	if !found {
		return 0, fmt.Errorf("no renderer process of %s", dir)
	}
	return total, nil
}

// benchWheel is Input.dispatchMouseEvent for a wheel event: cdproto's
// params omit a zero deltaX, which Chromium then refuses.
type benchWheel struct {
	Type   string  `json:"type"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	DeltaX float64 `json:"deltaX"`
	DeltaY float64 `json:"deltaY"`
}

var dispatchBenchWheel = cdp.Command[benchWheel, cdp.Empty]{Method: "Input.dispatchMouseEvent"}

// startInProcessServer runs `serve --demo` in this process on a free port
// and returns its base URL; it stops when the benchmark ends.
func startInProcessServer(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ServeConfig{Addr: "127.0.0.1:0", DataDir: tb.TempDir(), Demo: true, Role: "all", LogLevel: slog.LevelWarn}, pw, io.Discard)
		pw.Close()
	}()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "Trailguide listening on "); ok {
				urlc <- strings.TrimSpace(v)
			}
		}
		io.Copy(io.Discard, pr)
	}()
	tb.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case u := <-urlc:
		return u
	case err := <-done:
		tb.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		tb.Fatal("serve did not start in 60 s")
	}
	return ""
}

// fetchDemoLanding returns the demo landing page without its SDK tag.
func fetchDemoLanding(endpoint string) (string, error) {
	res, err := http.Get(endpoint + "/demo/")
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		return "", fmt.Errorf("demo page: %d %v", res.StatusCode, err)
	}
	lines := strings.Split(string(body), "\n")
	lines = slices.DeleteFunc(lines, func(l string) bool { return strings.Contains(l, "/sdk/trailguide.js") })
	return strings.Join(lines, "\n"), nil
}
