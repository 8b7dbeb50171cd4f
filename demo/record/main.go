// Command record re-records the demo sessions that package demo embeds. It
// serves web/dist (the demo app and the real SDK bundle) and a stand-in
// ingest endpoint on loopback listeners, drives headless Chromium through
// scripted visitor journeys (each in a fresh browser context, so every
// visitor has its own storage and ids), and writes what the SDK sent, batch
// by batch, to demo/fixtures:
//
//	go run ./demo/record -out demo/fixtures     (make demo-record)
//
// Run it from the repository root after building the SDK and the demo app
// (cd web && node build.mjs). It takes a few minutes: the journeys run in
// real time, several at once.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/klauspost/compress/zstd"

	"github.com/trailguide/trailguide/internal/drive"
)

// canonicalOrigin replaces the recorder's random loopback origin in the
// fixtures, so that URLs are stable from one recording to the next.
const (
	canonicalOrigin = "https://pathway.example"
	canonicalHost   = "pathway.example"
)

// minSession is the shortest a recorded session may be.
const minSession = 25 * time.Second

// archiveName is the fixture file; package demo loads every *.ndjson.zst.
const archiveName = "sessions.ndjson.zst"

type options struct {
	out, dist, chromium string
	parallel            int
	only                *regexp.Regexp
	timeout             time.Duration
}

func main() {
	var (
		opts    options
		only    string
		verbose bool
	)
	flag.StringVar(&opts.out, "out", "demo/fixtures", "directory to write the fixtures to")
	flag.StringVar(&opts.dist, "dist", "web/dist", "built bundles to serve (sdk/ and demo/)")
	flag.StringVar(&opts.chromium, "chromium", "/usr/bin/chromium", "Chromium binary")
	flag.IntVar(&opts.parallel, "parallel", 4, "journeys recorded at the same time")
	flag.StringVar(&only, "only", "", "record only journeys whose name matches this regexp (for trying a journey out)")
	flag.DurationVar(&opts.timeout, "journey-timeout", 3*time.Minute, "give up on a journey after this long")
	flag.BoolVar(&verbose, "v", false, "log every batch")
	flag.Parse()

	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			logger.Error("bad -only", "err", err)
			os.Exit(2)
		}
		opts.only = re
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opts, logger); err != nil {
		logger.Error("record", "err", err)
		os.Exit(1)
	}
}

// result is one recorded journey.
type result struct {
	j        *journey
	bodies   [][]byte
	addr     string
	duration time.Duration
	err      error
}

func run(ctx context.Context, opts options, logger *slog.Logger) error {
	for _, f := range []string{"sdk/trailguide.js", "sdk/recorder.js", "demo/index.html", "demo/app.js"} {
		if _, err := os.Stat(filepath.Join(opts.dist, f)); err != nil {
			return fmt.Errorf("%s missing; build the bundles first (cd web && node build.mjs): %w", f, err)
		}
	}
	if _, err := os.Stat(opts.chromium); err != nil {
		return fmt.Errorf("chromium: %w", err)
	}

	capt := newCapture(os.DirFS(opts.dist), logger.WithGroup("capture"))
	srv := &http.Server{Handler: capt.routes(), ReadHeaderTimeout: 10 * time.Second}
	defer srv.Close()

	userData, err := os.MkdirTemp("", "trailguide-record-")
	if err != nil {
		return fmt.Errorf("user data dir: %w", err)
	}
	defer os.RemoveAll(userData)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(opts.chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(userData),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("hide-scrollbars", false),
	)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil {
		return fmt.Errorf("start chromium: %w", err)
	}

	var todo []*journey
	for _, j := range journeys() {
		if opts.only == nil || opts.only.MatchString(j.Name) {
			todo = append(todo, j)
		}
	}
	logger.Info("recording", "journeys", len(todo), "parallel", opts.parallel)
	started := time.Now()

	results := make([]*result, len(todo))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(opts.parallel, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := record(browserCtx, capt, srv, todo[i], i, opts.timeout, logger)
				if r.err != nil && ctx.Err() == nil {
					logger.Warn("journey failed, retrying once", "journey", r.j.Name, "err", r.err)
					r = record(browserCtx, capt, srv, todo[i], i+1000, opts.timeout, logger)
				}
				results[i] = r
			}
		}()
	}
	for i := range todo {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	logger.Info("recorded", "elapsed", time.Since(started).Round(time.Second))
	return writeFixtures(opts.out, results, logger)
}

// record runs one journey in a fresh browser context on its own listener.
func record(browserCtx context.Context, capt *capture, srv *http.Server, j *journey, seed int, timeout time.Duration, logger *slog.Logger) *result {
	r := &result{j: j}
	ln, sink, err := capt.listen()
	if err != nil {
		r.err = err
		return r
	}
	defer ln.Close()
	go func() { _ = srv.Serve(ln) }()
	r.addr = ln.Addr().String()

	tabCtx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext(), chromedp.WithListener(consoleLogger(logger.With("journey", j.Name))))
	defer cancelTab()
	ctx, cancel := context.WithTimeout(tabCtx, timeout)
	defer cancel()
	v := &visitor{
		Tab:    drive.Tab{Ctx: ctx},
		base:   "http://" + r.addr + "/demo/",
		dev:    j.Device,
		rnd:    rand.New(rand.NewPCG(uint64(seed), 0x7261696c)),
		logger: logger.With("journey", j.Name),
	}
	start := time.Now()
	v.emulate()
	j.Run(v, j)
	// Every session lasts at least minSession: a short journey lingers on
	// its last page before leaving.
	if d := time.Since(start); d < minSession {
		v.idle(minSession - d + time.Duration(v.rnd.Int64N(int64(6*time.Second))))
	}
	v.leave()
	r.err = v.Err
	sink.quiet(time.Now(), 2*time.Second, 15*time.Second)
	r.duration = time.Since(start)
	r.bodies = sink.snapshot()
	if r.err == nil && len(r.bodies) == 0 {
		r.err = errors.New("the SDK sent nothing")
	}
	logger.Info("journey", "name", j.Name, "took", r.duration.Round(100*time.Millisecond), "batches", len(r.bodies), "err", r.err)
	return r
}

// consoleLogger logs the page's console output and uncaught exceptions at
// debug level (-v), which is where SDK trouble shows first.
func consoleLogger(logger *slog.Logger) func(ev any) {
	return func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			logger.Debug("console", "type", e.Type, "text", strings.Join(parts, " "))
		case *cdplog.EventEntryAdded:
			logger.Debug("browser log", "level", e.Entry.Level, "text", e.Entry.Text, "url", e.Entry.URL)
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			logger.Debug("page exception", "text", text)
		}
	}
}

// manifestEntry describes one recorded session in journeys.json.
type manifestEntry struct {
	Journey    string `json:"journey"`
	Source     string `json:"utm_source"`
	Device     string `json:"device"`
	Role       string `json:"role,omitempty"`
	Session    string `json:"session"`
	Windows    int    `json:"windows"`
	Batches    int    `json:"batches"`
	DurationMS int64  `json:"duration_ms"`
	RawBytes   int    `json:"raw_bytes"`
}

func writeFixtures(out string, results []*result, logger *slog.Logger) error {
	var (
		all      bytes.Buffer
		manifest []manifestEntry
		perFile  int // what one zstd file per session would take
		failed   []string
	)
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		return err
	}
	for _, r := range results {
		if r == nil {
			continue
		}
		if r.err != nil {
			failed = append(failed, r.j.Name)
			continue
		}
		var one bytes.Buffer
		sessions := map[string]bool{}
		windows := map[string]bool{}
		for _, b := range r.bodies {
			line := bytes.ReplaceAll(b, []byte("http://"+r.addr), []byte(canonicalOrigin))
			line = bytes.ReplaceAll(line, []byte(r.addr), []byte(canonicalHost))
			var h struct{ Session, Window string }
			if err := json.Unmarshal(line, &h); err != nil {
				return fmt.Errorf("%s: %w", r.j.Name, err)
			}
			sessions[h.Session] = true
			windows[h.Window] = true
			one.Write(line)
			one.WriteByte('\n')
		}
		if len(sessions) != 1 {
			logger.Warn("journey spans several SDK sessions", "journey", r.j.Name, "sessions", len(sessions))
		}
		perFile += len(enc.EncodeAll(one.Bytes(), nil))
		ids := slices.Sorted(func(yield func(string) bool) {
			for s := range sessions {
				if !yield(s) {
					return
				}
			}
		})
		manifest = append(manifest, manifestEntry{
			Journey: r.j.Name, Source: r.j.Source.Name, Device: r.j.Device.Name, Role: strings.ToLower(r.j.Role),
			Session: strings.Join(ids, ","), Windows: len(windows), Batches: len(r.bodies),
			DurationMS: r.duration.Milliseconds(), RawBytes: one.Len(),
		})
		all.Write(one.Bytes())
	}
	if len(manifest) == 0 {
		return fmt.Errorf("no journey recorded; %s left as it was", out)
	}
	if bytes.Contains(all.Bytes(), []byte("127.0.0.1")) {
		logger.Warn("a loopback address is left in the fixtures")
	}

	// One archive: the pages' snapshots and inlined CSS repeat across
	// sessions, and a window as large as the input lets zstd share them.
	window := zstd.MinWindowSize
	for window < all.Len() && window < 1<<27 {
		window <<= 1
	}
	big, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithWindowSize(window))
	if err != nil {
		return err
	}
	archive := big.EncodeAll(all.Bytes(), nil)

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(out, "*.ndjson.zst"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(out, archiveName), archive, 0o644); err != nil {
		return err
	}
	mj, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "journeys.json"), append(mj, '\n'), 0o644); err != nil {
		return err
	}
	logger.Info("fixtures written", "dir", out, "sessions", len(manifest), "failed", len(failed),
		"raw_bytes", all.Len(), "archive_bytes", len(archive),
		"ratio", fmt.Sprintf("%.1fx", float64(all.Len())/float64(max(len(archive), 1))),
		"one_file_per_session_bytes", perFile)
	if len(failed) > 0 {
		return fmt.Errorf("journeys failed twice and were left out: %s", strings.Join(failed, ", "))
	}
	return nil
}
