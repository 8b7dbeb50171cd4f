package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/internal/browsertest"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/sqlite"
)

// TestSDKOfflineRetryAfterNavigation drives the real SDK in headless
// Chromium against the real binary through a proxy that can fail requests:
//
//  1. the network is down for a while (5 s; 30 s under make soak): the
//     SDK keeps recording and delivers everything when it comes back;
//  2. the server answers 503 with Retry-After: 3: no batch request comes
//     before it elapses, and everything is delivered after recovery;
//  3. the visitor navigates away at random moments, partly while the
//     server is down, so batches are handed over on pagehide and resent by
//     the next page from localStorage.
//
// Afterwards every window's seqs are stored without a gap, every resend of
// a seq carried the same events, and each window's stored recording is,
// event by event, the union of its distinct batches in seq order: nothing
// lost, nothing doubled.
func TestSDKOfflineRetryAfterNavigation(t *testing.T) {
	browserCtx := browsertest.New(t, 5*time.Minute)
	data := t.TempDir()
	srv := startE2EServer(t, data, "--demo")
	proxy := newCaptureProxy(t, srv.URL)
	offline := 5 * time.Second
	if os.Getenv("TG_SOAK") != "" {
		offline = 30 * time.Second
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	interact := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); {
			x, y := float64(100+rng.IntN(900)), float64(120+rng.IntN(500))
			if err := chromedp.Do(browserCtx, chromedp.MouseEvent("mouseMoved", x, y), chromedp.Sleep(150*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[any](`window.scrollBy(0, 40 - Math.random() * 80)`)); err != nil {
				t.Fatal(err)
			}
		}
	}
	open := func(page string) {
		navCtx, cancel := context.WithTimeout(browserCtx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(navCtx, chromedp.Navigate(proxy.URL+"/demo/"+page), chromedp.WaitVisible(chromedp.CSS("body"))); err != nil {
			shot(t, browserCtx, "sdk-open-failed")
			t.Fatalf("open /demo/%s: %v", page, err)
		}
		if err := waitSDK(browserCtx); err != nil {
			t.Fatal(err)
		}
	}

	open("")
	interact(3 * time.Second)

	// 1. Offline.
	proxy.SetFault("down", 0)
	interact(offline)
	proxy.SetFault("", 0)
	interact(2 * time.Second)
	// Cut the open batch now, so what was recorded offline leaves.
	if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[any](`window.trailguide.flush()`)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 40*time.Second, "delivery after the network came back", func() error { return allAcked(t, proxy) })

	// 2. 503 + Retry-After: 3.
	proxy.SetFault("503", 3)
	interact(6 * time.Second)
	proxy.SetFault("", 0)
	interact(time.Second)
	if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[any](`window.trailguide.flush()`)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 40*time.Second, "delivery after the 503s", func() error { return allAcked(t, proxy) })
	reqs := proxy.Requests()
	n503 := 0
	for i, r := range reqs {
		if r.Path != "/ingest/v1/batch" || r.Status != http.StatusServiceUnavailable {
			continue
		}
		n503++
		for _, next := range reqs[i+1:] {
			if next.Path == "/ingest/v1/batch" {
				// The proxy stamps At when it answers; the next request's
				// At is when that one was answered, so compare with 3 s
				// minus the time to answer it (a few ms).
				if gap := next.At.Sub(r.At); gap < 2900*time.Millisecond {
					t.Errorf("a batch request %v after a 503 with Retry-After: 3", gap)
				}
				break
			}
		}
	}
	if n503 == 0 {
		t.Fatal("no 503 answered: the Retry-After phase tested nothing")
	}

	// 3. Navigation at random moments, the server sometimes down.
	pages := []string{"pricing.html", "signup.html", "settings.html", "onboarding.html", ""}
	for i := 0; i < 6; i++ {
		if i == 2 || i == 3 {
			proxy.SetFault("down", 0)
		} else {
			proxy.SetFault("", 0)
		}
		interact(time.Duration(200+rng.IntN(2500)) * time.Millisecond)
		open(pages[rng.IntN(len(pages))])
	}
	proxy.SetFault("", 0)
	interact(2 * time.Second)
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	// What was handed over while down is resent by the next page load of
	// the origin: open one more page and leave it.
	open("pricing.html")
	interact(time.Second)
	leaveMarked(t, browserCtx, "test-end")
	eventually(t, 60*time.Second, "every batch acknowledged", func() error {
		if !proxy.AckedTrack(t, "test-end") {
			return fmt.Errorf("the last page's page-hide batch has not arrived")
		}
		if !proxy.QuietFor("/ingest/v1/batch", 2*time.Second) {
			return fmt.Errorf("batches still arriving")
		}
		return allAcked(t, proxy)
	})
	srv.Stop()
	verifySDKStreams(t, data, proxy)
}

// allAcked reports an error while some (session, window, seq) that left
// the browser has not been acknowledged yet.
func allAcked(t *testing.T, proxy *captureProxy) error {
	sent, acked := proxy.Batches(t)
	want := map[string]bool{}
	for _, b := range sent {
		want[fmt.Sprintf("%s/%s/%d", b.Session, b.Window, b.Seq)] = true
	}
	for _, b := range acked {
		delete(want, fmt.Sprintf("%s/%s/%d", b.Session, b.Window, b.Seq))
	}
	if len(want) > 0 {
		return fmt.Errorf("%d batches not acknowledged yet", len(want))
	}
	return nil
}

func verifySDKStreams(t *testing.T, data string, proxy *captureProxy) {
	t.Helper()
	ctx := context.Background()
	type key struct{ session, window string }
	bySeq := map[key]map[int64]json.RawMessage{} // the events array of each seq
	resends := 0
	for _, r := range proxy.Requests() {
		if r.Path != "/ingest/v1/batch" {
			continue
		}
		var b struct {
			Session string          `json:"session"`
			Window  string          `json:"window"`
			Seq     int64           `json:"seq"`
			Events  json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal(r.Body, &b); err != nil {
			t.Fatal(err)
		}
		k := key{b.Session, b.Window}
		if bySeq[k] == nil {
			bySeq[k] = map[int64]json.RawMessage{}
		}
		if prev, ok := bySeq[k][b.Seq]; ok {
			resends++
			if !bytes.Equal(prev, b.Events) {
				t.Errorf("window %s seq %d was resent with different events", b.Window[:8], b.Seq)
			}
			continue
		}
		bySeq[k][b.Seq] = b.Events
	}
	db, err := sqlite.Open(filepath.Join(data, "trailguide.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	project, err := sqlite.NewProjectStore(db).ProjectByKey(ctx, e2eDemoKey)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := fileblob.New(filepath.Join(data, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	sessions := sqlite.NewSessionStore(db)
	total := 0
	for k, seqs := range bySeq {
		var order []int64
		for s := range seqs {
			order = append(order, s)
		}
		sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
		var want []json.RawMessage
		for i, s := range order {
			if s != order[0]+int64(i) {
				t.Errorf("window %s: seqs %v have a gap", k.window[:8], order)
				break
			}
			var evs []json.RawMessage
			if err := json.Unmarshal(seqs[s], &evs); err != nil {
				t.Fatal(err)
			}
			want = append(want, evs...)
		}
		if len(want) == 0 {
			continue
		}
		// The same event under two seqs would be a doubled event that
		// deduplication by seq cannot catch.
		seen := map[string]bool{}
		for _, ev := range want {
			if seen[string(ev)] {
				t.Errorf("window %s: event sent under two seqs: %.120s", k.window[:8], ev)
				break
			}
			seen[string(ev)] = true
		}
		got, err := recording.Read(ctx, sessions, blobs, project.ID, k.session, k.window)
		if err != nil {
			t.Fatalf("window %s: %v", k.window[:8], err)
		}
		recording.SortEvents(want)
		if len(got) != len(want) {
			t.Errorf("window %s: %d events stored, %d sent (distinct seqs %d..%d)", k.window[:8], len(got), len(want), order[0], order[len(order)-1])
			// Which seqs: what was sent under each, and what each stored
			// chunk holds.
			var sentPer, storedPer []string
			for _, s := range order {
				var evs []json.RawMessage
				_ = json.Unmarshal(seqs[s], &evs)
				sentPer = append(sentPer, fmt.Sprintf("%d:%d", s, len(evs)))
			}
			if chunks, err := sessions.Chunks(ctx, project.ID, k.session); err == nil {
				for _, c := range recording.WindowChunks(chunks, k.window) {
					storedPer = append(storedPer, fmt.Sprintf("%d-%d:%d", c.SeqFrom, c.SeqTo, c.EventCount))
				}
			}
			t.Logf("sent per seq %v; stored chunks %v", sentPer, storedPer)
			continue
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("window %s: event %d differs", k.window[:8], i)
				break
			}
		}
		total += len(got)
	}
	t.Logf("%d windows, %d events stored once each, %d resent batches deduplicated", len(bySeq), total, resends)
	if resends == 0 {
		t.Error("no batch was ever resent: the outages tested nothing")
	}
}

// TestSDKWorkerAndCSPFallback checks where the SDK's batch requests are made
// in real Chromium: from its Worker on a page that allows blob: workers, and
// from the page itself (the fallback) on one whose CSP forbids them, with
// the batches acknowledged either way. The page counts the SDK's ordinary
// (not page-hide) batch POSTs that go through its own fetch.
func TestSDKWorkerAndCSPFallback(t *testing.T) {
	browserCtx := browsertest.New(t, 3*time.Minute)
	srv := startE2EServer(t, t.TempDir(), "--demo")
	proxy := newCaptureProxy(t, srv.URL)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/csp" {
			w.Header().Set("Content-Security-Policy", "worker-src 'self'")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><script>
window.__posts = 0;
const f = window.fetch;
window.fetch = function (u, o) {
  if (String(u).includes('/ingest/v1/batch') && !(o && o.keepalive)) window.__posts++;
  return f.apply(this, arguments);
};
</script><script src="%s/sdk/trailguide.js" data-key="%s" async></script></head>
<body><h1>Worker test %s</h1><button id="b">Press</button><p>%s</p></body></html>`, proxy.URL, e2eDemoKey, r.URL.Path, strings.Repeat("Some text to record. ", 200))
	}))
	t.Cleanup(site.Close)

	for _, tc := range []struct {
		path       string
		mainThread bool
	}{{"/plain", false}, {"/csp", true}} {
		if err := chromedp.Do(browserCtx, chromedp.Navigate(site.URL+tc.path), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatal(err)
		}
		if err := waitSDK(browserCtx); err != nil {
			t.Fatal(err)
		}
		before := len(proxy.Requests())
		for i := 0; i < 3; i++ {
			if err := chromedp.Do(browserCtx, chromedp.MouseClickXY(float64(40+i*10), 60), chromedp.Sleep(200*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
		}
		// flush until a batch of this page (its pageview) is acknowledged
		eventually(t, 40*time.Second, tc.path+": an acknowledged batch", func() error {
			if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[any](`window.trailguide.flush()`)); err != nil {
				return err
			}
			for _, r := range proxy.Requests()[before:] {
				if r.Path == "/ingest/v1/batch" && r.Status == http.StatusOK && bytes.Contains(r.Body, []byte(`"url":"`+site.URL+tc.path)) {
					return nil
				}
			}
			return fmt.Errorf("none yet")
		})
		posts, err := chromedp.Run(browserCtx, chromedp.Evaluate[float64](`window.__posts`))
		if err != nil {
			t.Fatal(err)
		}
		if tc.mainThread && posts == 0 {
			t.Errorf("%s: the CSP forbids blob: workers, yet no batch was POSTed from the page", tc.path)
		}
		if !tc.mainThread && posts != 0 {
			t.Errorf("%s: %v batch POSTs from the page's main thread; want them all in the Worker", tc.path, posts)
		}
	}
}
