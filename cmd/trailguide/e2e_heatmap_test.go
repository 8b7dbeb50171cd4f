package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// heatReport is the part of GET /heatmaps the test reads.
type heatReport struct {
	Views  int `json:"views"`
	FoldPX int `json:"fold_px"`
	DocH   int `json:"doc_h"`
	Depth  []struct {
		Depth int     `json:"depth"`
		Views int     `json:"views"`
		Share float64 `json:"share"`
	} `json:"depth"`
	Attention []struct {
		MS int64 `json:"ms"`
	} `json:"attention"`
	Clicks []struct {
		Selector string `json:"selector"`
		CX       int    `json:"cx"`
		CY       int    `json:"cy"`
		N        int    `json:"n"`
	} `json:"clicks"`
	Elements []struct {
		Selector string  `json:"selector"`
		Clicks   int     `json:"clicks"`
		Views    int     `json:"views"`
		Share    float64 `json:"share"`
	} `json:"elements"`
	Moves []struct {
		X, Y, N int
	} `json:"moves"`
	Blocks []struct {
		Selector string `json:"selector"`
		Seen     int    `json:"seen"`
	} `json:"blocks"`
}

func (r *heatReport) element(sel string) (clicks, views int) {
	for _, e := range r.Elements {
		if e.Selector == sel {
			return e.Clicks, e.Views
		}
	}
	return 0, 0
}

// heatVisit is one visitor of the pricing page: a fresh browser at a
// width, clicks on two known elements, a scroll to a known depth.
func heatVisit(t *testing.T, base, user string, width, height int64, depth float64) {
	t.Helper()
	ctx := newBrowser(t, 2*time.Minute, width, height)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/demo/pricing.html"), chromedp.WaitVisible(chromedp.CSS("#seats-plus"))); err != nil {
		t.Fatalf("open pricing at %d: %v", width, err)
	}
	if err := waitSDK(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](fmt.Sprintf(`window.trailguide.identify(%q)`, user))); err != nil {
		t.Fatal(err)
	}
	// The pointer sweeps across the top of the page.
	for x := 100.0; x < float64(width)-100; x += 80 {
		if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, 120), chromedp.Sleep(120*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	// Real pointer clicks at each element's centre, far enough apart in
	// time not to be a rage click.
	for _, sel := range []string{"#seats-plus", "#bill-yearly", "#seats-plus"} {
		if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.Sleep(300*time.Millisecond),
			chromedp.Click(chromedp.CSS(sel)), chromedp.Sleep(1200*time.Millisecond)); err != nil {
			t.Fatalf("click %s at %d: %v", sel, width, err)
		}
	}
	// Scroll so that the bottom of the viewport is at depth of the page,
	// and stay there a moment.
	js := fmt.Sprintf(`(() => { const h = document.documentElement.scrollHeight; window.scrollTo(0, Math.max(0, h * %f - innerHeight)); return h; })()`, depth)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(1500*time.Millisecond), chromedp.Navigate("about:blank"), chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}

// TestE2EHeatmap is issue 9's acceptance: scripted clicks on known elements
// of a demo page at two viewport widths and scrolls to known depths; the
// heatmap API returns those counts on those elements (anchored to the
// element, so both widths' clicks share one cell) and the scroll-depth
// shares; the Heatmaps page draws the hot spots on those elements of the
// rebuilt snapshot.
func TestE2EHeatmap(t *testing.T) {
	srv, api := startAdminServer(t, "--demo", "--worker-idle-after", "8s")
	project := api.projectByKey(e2eDemoKey)
	user := fmt.Sprintf("heat-e2e-%d", time.Now().UnixNano()%1e9)
	base := "/api/v1/projects/" + project.ID + "/heatmaps"
	page := url.Values{"page": {"/demo/pricing.html"}, "device": {"desktop"}}
	mine := url.Values{"page": {"/demo/pricing.html"}, "device": {"desktop"}, "user": {user + "*"}}
	moves := url.Values{"page": {"/demo/pricing.html"}, "device": {"desktop"}, "user": {user + "*"}, "maps": {"moves"}}
	get := func(q url.Values) heatReport {
		t.Helper()
		var r heatReport
		if code := api.do("GET", base+"?"+q.Encode(), nil, &r); code != http.StatusOK {
			t.Fatalf("heatmap: status %d", code)
		}
		return r
	}
	// The seeded demo sessions are analysed first; they are the baseline.
	var before heatReport
	eventually(t, 3*time.Minute, "demo sessions in the heatmap", func() error {
		before = get(page)
		var open struct {
			Total int `json:"total"`
		}
		api.do("GET", "/api/v1/projects/"+project.ID+"/sessions?limit=1", nil, &open)
		if before.Views == 0 {
			return fmt.Errorf("no views yet")
		}
		return nil
	})
	time.Sleep(3 * time.Second) // a last worker pass over the seeded sessions
	before = get(page)

	heatVisit(t, srv.URL, user+"-wide", 1440, 700, 1.0)
	heatVisit(t, srv.URL, user+"-narrow", 1100, 700, 0.55)

	var r heatReport
	// A session closes 8 s after its last batch and is analysed again if a
	// late batch reopens it: wait for both visits' last clicks.
	eventually(t, 2*time.Minute, "both visits in the heatmap", func() error {
		r = get(mine)
		if c, _ := r.element("#seats-plus"); r.Views != 2 || c < 4 {
			return fmt.Errorf("%d views of the test's sessions, %d clicks on #seats-plus", r.Views, c)
		}
		return nil
	})
	// Counts on the elements: 2 + 2 on the stepper, 1 + 1 on the toggle.
	if c, v := r.element("#seats-plus"); c != 4 || v != 2 {
		t.Errorf("#seats-plus: %d clicks in %d views, want 4 in 2", c, v)
	}
	if c, v := r.element("#bill-yearly"); c != 2 || v != 2 {
		t.Errorf("#bill-yearly: %d clicks in %d views, want 2 in 2", c, v)
	}
	// Anchored to the element: clicks at its centre at both widths share
	// the centre cells, whatever the element's page position.
	for _, c := range r.Clicks {
		if c.Selector == "#seats-plus" && (c.CX < 4 || c.CX > 5 || c.CY < 4 || c.CY > 5) {
			t.Errorf("#seats-plus click cell (%d, %d), want the centre", c.CX, c.CY)
		}
	}
	// Scroll depth: both views reached 55 %, one the bottom.
	share := func(d int) float64 {
		for _, s := range r.Depth {
			if s.Depth == d {
				return s.Share
			}
		}
		return -1
	}
	if share(0) != 1 || share(50) != 1 || share(60) != 0.5 || share(100) != 0.5 {
		t.Errorf("depth shares 0/50/60/100 = %v %v %v %v, want 1 1 0.5 0.5 (%+v)", share(0), share(50), share(60), share(100), r.Depth)
	}
	if r.FoldPX != 700 {
		t.Errorf("fold = %d, want 700", r.FoldPX)
	}
	// The SDK's view summaries: document height, attention, blocks.
	var attention int64
	for _, b := range r.Attention {
		attention += b.MS
	}
	seen := 0
	for _, b := range r.Blocks {
		seen += b.Seen
	}
	if r.DocH < 1400 || attention <= 0 || seen == 0 {
		t.Errorf("doc_h %d, attention %d ms, blocks seen %d: want the SDK's view summaries (%+v)", r.DocH, attention, seen, r.Blocks)
	}
	// Pointer moves; a report of one map has only that map (and the elements).
	if len(r.Moves) == 0 {
		t.Errorf("no pointer moves in the report")
	}
	if m := get(moves); len(m.Moves) == 0 || len(m.Clicks) != 0 {
		t.Errorf("moves map: %d move cells, %d click cells; want moves only", len(m.Moves), len(m.Clicks))
	}
	// The unfiltered (pre-aggregated) map counts the same clicks on top of
	// the demo's.
	after := get(page)
	if after.Views != before.Views+2 {
		t.Errorf("views %d → %d, want +2", before.Views, after.Views)
	}
	bc, _ := before.element("#seats-plus")
	ac, _ := after.element("#seats-plus")
	if ac-bc != 4 {
		t.Errorf("#seats-plus unfiltered %d → %d, want +4", bc, ac)
	}

	// The dashboard draws them on the element in the rebuilt page.
	ctx := newBrowser(t, 2*time.Minute, 1600, 1000)
	setupUI(t, ctx, srv)
	q := url.Values{"page": {"/demo/pricing.html"}, "user": {user + "*"}}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/heatmaps?"+q.Encode())); err != nil {
		t.Fatal(err)
	}
	type drawn struct {
		Selector string  `json:"selector"`
		X        float64 `json:"x"`
		Y        float64 `json:"y"`
		N        int     `json:"n"`
		Anchored bool    `json:"anchored"`
	}
	type rect struct{ X, Y, W, H float64 }
	var pts []drawn
	var box rect
	eventually(t, 60*time.Second, "hot spots drawn on the snapshot", func() error {
		raw, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('canvas.heat-layer') || {dataset: {}}).dataset.points || ''`))
		if raw == "" {
			return fmt.Errorf("no points yet")
		}
		pts = nil
		if err := json.Unmarshal([]byte(raw), &pts); err != nil {
			return err
		}
		b, err := chromedp.Run(ctx, chromedp.Evaluate[*rect](`(() => {
			const f = document.querySelector('.heat-replay iframe');
			const el = f && f.contentDocument && f.contentDocument.querySelector('#seats-plus');
			if (!el) return null;
			const r = el.getBoundingClientRect();
			return {X: r.left, Y: r.top, W: r.width, H: r.height};
		})()`))
		if err != nil || b == nil {
			return fmt.Errorf("no #seats-plus in the snapshot (%v)", err)
		}
		box = *b
		for _, p := range pts {
			if p.Selector == "#seats-plus" && p.Anchored {
				return nil
			}
		}
		return fmt.Errorf("#seats-plus not drawn anchored: %+v", pts)
	})
	var n int
	for _, p := range pts {
		if p.Selector != "#seats-plus" {
			continue
		}
		n += p.N
		if p.X < box.X || p.X > box.X+box.W || p.Y < box.Y || p.Y > box.Y+box.H {
			t.Errorf("#seats-plus hot spot at (%.0f, %.0f), outside the element %+v", p.X, p.Y, box)
		}
	}
	if n != 4 {
		t.Errorf("drawn #seats-plus clicks = %d, want 4", n)
	}
	// The pixel under the hot spot is coloured (red end of the palette).
	var px []float64
	for _, p := range pts {
		if p.Selector == "#seats-plus" {
			px, _ = chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`Array.from(document.querySelector('canvas.heat-layer').getContext('2d').getImageData(%d, %d, 1, 1).data)`, int(math.Round(p.X)), int(math.Round(p.Y)))))
			break
		}
	}
	if len(px) != 4 || px[3] < 100 || px[0] < 150 {
		t.Errorf("pixel under the #seats-plus hot spot = %v, want an opaque warm colour", px)
	}
	// Export as PNG: the rebuilt page with the layer over it.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".heat-export"))); err != nil {
		t.Fatal(err)
	}
	var exported string
	eventually(t, 30*time.Second, "PNG exported", func() error {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const b = document.querySelector('.heat-export'); return b.dataset.bytes ? b.dataset.bytes + ' ' + b.dataset.page : ''; })()`))
		if err != nil || v == "" {
			return fmt.Errorf("not yet (%v)", err)
		}
		exported = v
		return nil
	})
	var bytes int
	var withPage bool
	fmt.Sscanf(exported, "%d %t", &bytes, &withPage)
	if bytes < 5000 {
		t.Errorf("exported PNG of %d bytes", bytes)
	}
	t.Logf("exported PNG: %d bytes, page image in it: %v", bytes, withPage)
	if dir := os.Getenv("TG_HEATMAP_SHOT"); dir != "" {
		b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(ok => { const f = new FileReader(); f.onload = () => ok(f.result.split(',')[1]); f.readAsDataURL(document.querySelector('.heat-export').png); })`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Logf("read the exported PNG back: %v", err)
		} else {
			raw, _ := base64.StdEncoding.DecodeString(b64)
			_ = os.WriteFile(filepath.Join(dir, "heatmap-export.png"), raw, 0o644)
		}
	}

	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "heatmap.png")
	if dir := os.Getenv("TG_HEATMAP_SHOT"); dir != "" {
		out = filepath.Join(dir, "heatmap-e2e.png")
	}
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)
	// For a human to look at: every layer.
	if dir := os.Getenv("TG_HEATMAP_SHOT"); dir != "" {
		for _, layer := range []string{"moves", "depth", "attention", "dead"} {
			q.Set("layer", layer)
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/heatmaps?"+q.Encode()), chromedp.Sleep(4*time.Second)); err != nil {
				t.Fatal(err)
			}
			buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			_ = os.WriteFile(filepath.Join(dir, "heatmap-"+layer+".png"), buf, 0o644)
		}
	}
}
