package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/trailguide/trailguide/internal/drive"
)

// device is what a visitor's browser pretends to be.
type device struct {
	Name          string // desktop, tablet, mobile
	Width, Height int64
	Scale         float64
	Mobile, Touch bool
	UserAgent     string
	Language      string
	TimeZone      string
}

// visitor drives one tab like a person: the mouse travels to what it clicks,
// keys are typed one at a time, the page is scrolled in wheel steps or touch
// swipes, and there are pauses for reading. Methods keep the first error and
// do nothing after it, so journeys read as plain scripts; run returns it.
type visitor struct {
	drive.Tab
	base   string // http://127.0.0.1:PORT/demo/
	dev    device
	rnd    *rand.Rand
	logger *slog.Logger
	x, y   float64 // where the mouse is
	clicks int     // for clickCount of quick repeated clicks
}

// sleep pauses for a random time in [lo, hi].
func (v *visitor) sleep(lo, hi time.Duration) {
	if v.Err != nil {
		return
	}
	d := lo
	if hi > lo {
		d += time.Duration(v.rnd.Int64N(int64(hi - lo)))
	}
	select {
	case <-v.Ctx.Done():
		v.Fail(v.Ctx.Err())
	case <-time.After(d):
	}
}

// read is a reading pause of about secs seconds.
func (v *visitor) read(secs float64) {
	d := time.Duration(secs * float64(time.Second))
	v.sleep(d*8/10, d*12/10)
}

// emulate applies the device before the first page loads.
func (v *visitor) emulate() {
	d := v.dev
	v.Call(func(ctx context.Context, t *chromedp.Target) error {
		// console output and failed requests reach the -v log (main.go)
		if _, err := cdp.Call(ctx, t, runtime.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: d.Width, Height: d.Height, DeviceScaleFactor: d.Scale, Mobile: d.Mobile,
			ScreenWidth: d.Width, ScreenHeight: d.Height,
		}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: d.Touch, MaxTouchPoints: touchPoints(d.Touch)}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: d.UserAgent, AcceptLanguage: d.Language}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: d.Language}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: d.TimeZone})
		return err
	})
	v.x, v.y = float64(d.Width)*0.6, float64(d.Height)*0.3
}

// dispatchWheel is Input.dispatchMouseEvent for wheel events, whose
// parameters must include deltaX even when it is 0 (the generated params
// type omits zero values).
var dispatchWheel = cdp.Command[wheelParams, cdp.Empty]{Method: "Input.dispatchMouseEvent"}

type wheelParams struct {
	Type   string  `json:"type"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	DeltaX float64 `json:"deltaX"`
	DeltaY float64 `json:"deltaY"`
}

func touchPoints(on bool) int64 {
	if on {
		return 5
	}
	return 0
}

// open loads a page of the demo (path relative to /demo/) as if arriving
// from referrer, and waits until the SDK is running.
func (v *visitor) open(path, referrer string) {
	// The file server answers /demo/index.html with a redirect to /demo/,
	// as the real server does; start where people land.
	url := v.base + strings.TrimPrefix(path, "index.html")
	v.Call(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: url, Referrer: referrer})
		if err != nil {
			return err
		}
		if res.ErrorText != "" {
			return fmt.Errorf("navigate %s: %s", url, res.ErrorText)
		}
		return nil
	})
	v.waitPage(path)
}

// waitPage waits until the page whose URL contains part has loaded and the
// SDK has replaced its stub with the real API.
func (v *visitor) waitPage(part string) {
	if i := strings.IndexAny(part, "?#"); i >= 0 {
		part = part[:i]
	}
	onPage := fmt.Sprintf(`location.pathname.endsWith(%q)`, part)
	if part == "index.html" {
		onPage = `(location.pathname.endsWith('/') || location.pathname.endsWith('/index.html'))`
	}
	deadline := time.Now().Add(15 * time.Second)
	for v.Err == nil {
		var ready bool
		v.Eval(onPage+` && document.readyState === 'complete' && !!(window.trailguide && typeof window.trailguide.version === 'string')`, &ready)
		if ready {
			break
		}
		if time.Now().After(deadline) {
			var state string
			v.Eval(`JSON.stringify({href: location.href, ready: document.readyState, sdk: !!(window.trailguide && window.trailguide.version),
				invalid: Array.from(document.querySelectorAll('.invalid'), e => e.dataset.field), status: (document.querySelector('[role=status]') || {}).textContent})`, &state)
			v.Fail(fmt.Errorf("page %s did not load with the SDK: %s", part, state))
			return
		}
		v.sleep(100*time.Millisecond, 100*time.Millisecond)
	}
	v.sleep(400*time.Millisecond, 700*time.Millisecond) // first paint, config, full snapshot
	v.clicks = 0
}

// box is an element's rectangle in viewport coordinates.
type box struct {
	X, Y, W, H float64
	VH         float64
	Found      bool
}

func (v *visitor) measure(sel string) box {
	var b box
	v.Eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return {Found: false};
		const r = el.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height, VH: innerHeight, Found: r.width > 0 && r.height > 0}; })()`, sel), &b)
	if v.Err == nil && !b.Found {
		v.Fail(fmt.Errorf("element %s not found or hidden", sel))
	}
	return b
}

// reveal scrolls (like a person would) until sel is comfortably in view and
// returns its box.
func (v *visitor) reveal(sel string) box {
	b := v.measure(sel)
	for i := 0; i < 40 && v.Err == nil; i++ {
		top, bottom := b.VH*0.12, b.VH*0.85
		if b.Y >= top && b.Y+math.Min(b.H, b.VH*0.5) <= bottom {
			return b
		}
		want := b.Y - b.VH*0.4 // bring it to about 40 % from the top
		step := math.Max(-b.VH*0.7, math.Min(b.VH*0.7, want))
		if math.Abs(step) < 20 {
			return b
		}
		v.scroll(step)
		nb := v.measure(sel)
		if math.Abs(nb.Y-b.Y) < 2 { // cannot scroll further
			return nb
		}
		b = nb
	}
	return b
}

// scroll moves the page by dy CSS pixels with wheel notches (mouse) or a
// swipe (touch).
func (v *visitor) scroll(dy float64) {
	if v.Err != nil || dy == 0 {
		return
	}
	if v.dev.Touch {
		// A swipe: the page moves in quick, decelerating steps. (CDP's
		// synthesized touch scroll gestures do not move the page in
		// headless mobile emulation, so the steps are scrolled directly;
		// the page sees the same scroll events.)
		steps := 8 + v.rnd.IntN(5)
		done := 0.0
		for i := 1; i <= steps && v.Err == nil; i++ {
			t := float64(i) / float64(steps)
			to := dy * (1 - (1-t)*(1-t))
			step := math.Round(to - done)
			done += step
			v.Eval(fmt.Sprintf(`window.scrollBy(0, %g), true`, step), nil)
			v.sleep(16*time.Millisecond, 34*time.Millisecond)
		}
		v.sleep(150*time.Millisecond, 350*time.Millisecond)
		return
	}
	// The wheel moves by the clock: a leg of n 100 px notches takes about
	// n × 35-90 ms, however slowly the browser answers each event. When it
	// falls behind (on a busy machine every CDP call waits), a turn sends
	// several notches at once, as a fast-spun wheel does. A fixed count of
	// notches made the scroll hunt's 1 s legs take 3-5 s on a loaded
	// machine, and its four reversals no longer fitted scroll_window_ms.
	notch := 100.0
	n := math.Ceil(math.Abs(dy) / notch)
	budget := time.Duration(n * float64(35+v.rnd.Int64N(56)) * float64(time.Millisecond))
	start := time.Now()
	done := 0.0
	for math.Abs(dy-done) > 0.5 && v.Err == nil {
		f := math.Min(1, float64(time.Since(start))/float64(budget))
		behind := math.Abs(dy)*f - math.Abs(done) // px the wheel is late by
		k := math.Max(1, math.Round(behind/notch))
		d := math.Copysign(math.Min(k*notch, math.Abs(dy-done)), dy)
		done += d
		x, y := v.x, v.y
		v.Call(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, dispatchWheel, wheelParams{Type: "mouseWheel", X: x, Y: y, DeltaX: 0, DeltaY: d})
			return err
		})
		v.sleep(35*time.Millisecond, 90*time.Millisecond)
	}
	v.sleep(120*time.Millisecond, 250*time.Millisecond)
}

// scrollTo scrolls to a fraction (0..1) of the document height.
func (v *visitor) scrollTo(frac float64) {
	var s struct{ Y, Max float64 }
	v.Eval(`({Y: scrollY, Max: document.documentElement.scrollHeight - innerHeight})`, &s)
	v.scroll(frac*s.Max - s.Y)
}

// moveTo glides the mouse to (x, y) on a slightly curved, eased path.
func (v *visitor) moveTo(x, y float64) {
	if v.Err != nil || v.dev.Touch {
		v.x, v.y = x, y
		return
	}
	dist := math.Hypot(x-v.x, y-v.y)
	steps := int(math.Max(6, math.Min(35, dist/22)))
	// a control point off the straight line makes the path an arc
	cx := (v.x+x)/2 + (v.rnd.Float64()-0.5)*dist*0.3
	cy := (v.y+y)/2 + (v.rnd.Float64()-0.5)*dist*0.3
	x0, y0 := v.x, v.y
	for i := 1; i <= steps && v.Err == nil; i++ {
		t := float64(i) / float64(steps)
		t = t * t * (3 - 2*t) // ease in and out
		px := (1-t)*(1-t)*x0 + 2*(1-t)*t*cx + t*t*x
		py := (1-t)*(1-t)*y0 + 2*(1-t)*t*cy + t*t*y
		v.Call(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: px, Y: py})
			return err
		})
		v.sleep(10*time.Millisecond, 24*time.Millisecond)
	}
	v.x, v.y = x, y
}

// point picks a spot inside b, near its middle.
func (v *visitor) point(b box) (float64, float64) {
	return b.X + b.W*(0.5+(v.rnd.Float64()-0.5)*0.5), b.Y + b.H*(0.5+(v.rnd.Float64()-0.5)*0.5)
}

// hover moves to sel and lingers there, drifting a little.
func (v *visitor) hover(sel string, secs float64) {
	b := v.reveal(sel)
	x, y := v.point(b)
	v.moveTo(x, y)
	end := time.Now().Add(time.Duration(secs * float64(time.Second)))
	for v.Err == nil && time.Now().Before(end) {
		v.moveTo(x+(v.rnd.Float64()-0.5)*b.W*0.4, y+(v.rnd.Float64()-0.5)*b.H*0.4)
		v.sleep(200*time.Millisecond, 600*time.Millisecond)
	}
}

// click moves to sel and clicks (or taps) it.
func (v *visitor) click(sel string) {
	b := v.reveal(sel)
	x, y := v.point(b)
	v.moveTo(x, y)
	v.sleep(60*time.Millisecond, 220*time.Millisecond)
	v.press(x, y, 1)
	v.clicks = 0
}

// press is one click or tap at (x, y); n is the click count the browser
// reports (2 for the second of a quick pair...).
func (v *visitor) press(x, y float64, n int64) {
	if v.dev.Touch {
		v.Call(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{
				Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: x, Y: y}},
			}); err != nil {
				return err
			}
			time.Sleep(time.Duration(50+v.rnd.IntN(60)) * time.Millisecond)
			_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
			return err
		})
		return
	}
	v.Call(func(ctx context.Context, t *chromedp.Target) error {
		p := input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMousePressed, X: x, Y: y, Button: input.MouseButtonLeft, Buttons: 1, ClickCount: n}
		if _, err := cdp.Call(ctx, t, input.DispatchMouseEvent, p); err != nil {
			return err
		}
		time.Sleep(time.Duration(40+v.rnd.IntN(70)) * time.Millisecond)
		p.Type, p.Buttons = input.DispatchMouseEventTypeMouseReleased, 0
		_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, p)
		return err
	})
}

// rage clicks sel n times in quick succession, the pointer jittering a few
// pixels, as people do when something does not respond.
func (v *visitor) rage(sel string, n int) {
	b := v.reveal(sel)
	x, y := v.point(b)
	v.moveTo(x, y)
	for i := 0; i < n && v.Err == nil; i++ {
		jx, jy := x+(v.rnd.Float64()-0.5)*8, y+(v.rnd.Float64()-0.5)*8
		if !v.dev.Touch {
			v.Call(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: jx, Y: jy})
				return err
			})
		}
		v.press(jx, jy, int64(min(i+1, 3)))
		v.sleep(90*time.Millisecond, 200*time.Millisecond)
	}
}

// clickQuick clicks sel n times at a brisk but deliberate pace (steppers).
func (v *visitor) clickQuick(sel string, n int) {
	b := v.reveal(sel)
	x, y := v.point(b)
	v.moveTo(x, y)
	for i := 0; i < n && v.Err == nil; i++ {
		v.press(x, y, 1)
		v.sleep(180*time.Millisecond, 380*time.Millisecond)
	}
}

// typeText types s into the focused element, one key at a time.
func (v *visitor) typeText(s string) {
	for _, r := range s {
		if v.Err != nil {
			return
		}
		v.Keys(string(r))
		if r == ' ' || v.rnd.IntN(12) == 0 {
			v.sleep(120*time.Millisecond, 320*time.Millisecond)
		} else {
			v.sleep(45*time.Millisecond, 140*time.Millisecond)
		}
	}
}

// fill clicks into a field and types s.
func (v *visitor) fill(sel, s string) {
	v.click(sel)
	v.sleep(150*time.Millisecond, 400*time.Millisecond)
	var st struct {
		Active string
		Y      float64
	}
	v.Eval(`({Active: document.activeElement && document.activeElement.id, Y: scrollY})`, &st)
	v.logger.Debug("fill", "sel", sel, "active", st.Active, "scrollY", st.Y, "x", v.x, "y", v.y)
	v.typeText(s)
}

// clear deletes the focused field's text with backspace, key by key.
func (v *visitor) clear(sel string) {
	var n int
	v.Eval(fmt.Sprintf(`(document.querySelector(%q).value || document.querySelector(%q).textContent || '').length`, sel, sel), &n)
	for i := 0; i < n && v.Err == nil; i++ {
		v.Keys(kb.Backspace)
		v.sleep(25*time.Millisecond, 70*time.Millisecond)
	}
}

// choose picks an option of a <select> with the keyboard, as people do
// with a focused select: type the first letters of the option's label.
func (v *visitor) choose(sel, label string) {
	b := v.reveal(sel)
	x, y := v.point(b)
	v.moveTo(x, y)
	v.sleep(100*time.Millisecond, 250*time.Millisecond)
	v.Eval(fmt.Sprintf(`document.querySelector(%q).focus(), true`, sel), nil)
	var already bool
	v.Eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q); return s.options[s.selectedIndex].text.toLowerCase().startsWith(%q); })()`, sel, strings.ToLower(label)), &already)
	if already {
		return // leaving the field is all that happens
	}
	v.typeText(label)
	v.sleep(200*time.Millisecond, 500*time.Millisecond)
	// Typeahead depends on timing; when it lands elsewhere, step there with
	// the arrow keys, as a person would.
	var st struct{ Cur, Want int }
	v.Eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q);
		const want = Array.from(s.options).findIndex(o => o.text.toLowerCase().startsWith(%q));
		return {Cur: s.selectedIndex, Want: want}; })()`, sel, strings.ToLower(label)), &st)
	if v.Err == nil && st.Want < 0 {
		v.Fail(fmt.Errorf("select %s has no option %q", sel, label))
	}
	for i := st.Cur; i < st.Want && v.Err == nil; i++ {
		v.Keys(kb.ArrowDown)
		v.sleep(150*time.Millisecond, 300*time.Millisecond)
	}
	for i := st.Cur; i > st.Want && v.Err == nil; i-- {
		v.Keys(kb.ArrowUp)
		v.sleep(150*time.Millisecond, 300*time.Millisecond)
	}
	var got string
	v.Eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q); return s.options[s.selectedIndex].text; })()`, sel), &got)
	if v.Err == nil && !strings.HasPrefix(strings.ToLower(got), strings.ToLower(label)) {
		v.Fail(fmt.Errorf("select %s: got %q, want %q", sel, got, label))
	}
}

// idle spends d on the page without doing much: small drifts of the
// mouse, the occasional short scroll.
func (v *visitor) idle(d time.Duration) {
	end := time.Now().Add(d)
	for v.Err == nil && time.Now().Before(end) {
		switch {
		case v.dev.Touch: // no pointer to move: reading means nudging the page
			dy := float64(60 + v.rnd.IntN(160))
			if v.rnd.IntN(3) == 0 {
				dy = -dy
			}
			v.scroll(dy)
		case v.rnd.IntN(4) == 0:
			v.scroll(float64(80 + v.rnd.IntN(200)))
		default:
			v.moveTo(math.Max(5, math.Min(float64(v.dev.Width)-5, v.x+(v.rnd.Float64()-0.5)*300)),
				math.Max(5, math.Min(float64(v.dev.Height)-5, v.y+(v.rnd.Float64()-0.5)*200)))
		}
		v.sleep(700*time.Millisecond, 1800*time.Millisecond)
	}
}

// follow clicks a link or button that navigates and waits for the new page.
func (v *visitor) follow(sel, path string) {
	v.click(sel)
	v.waitPage(path)
}

// back goes back in history and waits for the page. It does not wait for
// a load event: a page restored from the back/forward cache fires none.
func (v *visitor) back(path string) {
	v.Call(func(ctx context.Context, t *chromedp.Target) error {
		h, err := cdp.Call(ctx, t, page.GetNavigationHistory, cdp.Empty{})
		if err != nil {
			return err
		}
		if h.CurrentIndex < 1 {
			return fmt.Errorf("no page to go back to")
		}
		_, err = cdp.Call(ctx, t, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID})
		return err
	})
	v.sleep(300*time.Millisecond, 300*time.Millisecond)
	v.waitPage(path)
}

// leave ends the visit: navigating away fires pagehide, and the SDK sends
// what it still holds.
func (v *visitor) leave() {
	v.sleep(300*time.Millisecond, 900*time.Millisecond)
	v.Do(chromedp.Navigate("about:blank"))
}

// text reads an element's text, for checks.
func (v *visitor) text(sel string) string {
	var s string
	v.Eval(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, sel), &s)
	return s
}

// expect fails the journey when the page does not show what it should.
func (v *visitor) expect(sel, contains string) {
	if got := v.text(sel); v.Err == nil && !strings.Contains(got, contains) {
		v.Fail(fmt.Errorf("%s shows %q, want %q", sel, got, contains))
	}
}

// expectClass fails the journey when sel does not have class c.
func (v *visitor) expectClass(sel, c string) {
	var ok bool
	v.Eval(fmt.Sprintf(`!!(document.querySelector(%q) || {classList: {contains() { return false; }}}).classList.contains(%q)`, sel, c), &ok)
	if v.Err == nil && !ok {
		v.Fail(fmt.Errorf("%s lacks class %q", sel, c))
	}
}
