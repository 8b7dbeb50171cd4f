package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/trailguide/trailguide/guide"
)

// TestE2EGuides drives the demo app in headless Chromium against the real
// binary: a friction-triggered tooltip on the fake "Watch demo" button
// shows, anchored under it, when a visitor rage-clicks it; its content's
// script never runs; it works by keyboard alone; a holdout visitor doing
// the same sees nothing; the guide events arrive and the impact report
// counts both arms. A modal and a two-page walkthrough (resumed after the
// navigation) follow. Screenshots go to TG_GUIDE_SHOTS when set.
func TestE2EGuides(t *testing.T) {
	srv, api := startAdminServer(t, "--demo")
	p := api.projectByKey(e2eDemoKey)
	base := "/api/v1/projects/" + p.ID + "/guides"
	create := func(g map[string]any) string {
		t.Helper()
		var out struct {
			ID string `json:"id"`
		}
		if code := api.do("POST", base, g, &out); code != http.StatusCreated {
			t.Fatalf("create guide: %d", code)
		}
		if code := api.do("POST", base+"/"+out.ID+"/publish", nil, nil); code != http.StatusOK {
			t.Fatalf("publish: %d", code)
		}
		return out.ID
	}
	tip := create(map[string]any{
		"name": "Watch demo help", "type": "tooltip", "url_scope": []string{"/demo/", "/demo/index.html"},
		"steps": []map[string]any{{"title": "The demo video is coming soon",
			"body":     `<b>Meanwhile</b>, try the <a href="https://example.com/tour">interactive tour</a>.<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`,
			"selector": "#watch-demo", "placement": "bottom"}},
		"trigger": map[string]any{"type": "friction", "selector": "#watch-demo", "friction": []string{"rage_click"}},
		"goal":    map[string]any{"event": "signup_completed"},
	})

	zero := 0
	walk := create(map[string]any{
		"name": "Plans tour", "type": "walkthrough", "holdout_percent": zero, "url_scope": []string{"/demo/onboarding.html", "/demo/pricing.html"},
		"steps": []map[string]any{
			{"title": "Start here", "body": "Every plan starts with a <i>free</i> trial.", "selector": "#welcome", "page": "/demo/onboarding.html"},
			{"title": "Pick Team", "body": "<ul><li>Unlimited boards</li><li>Weekly digest</li></ul>", "selector": "#plan-team", "page": "/demo/pricing.html", "placement": "top"},
		},
		"trigger": map[string]any{"type": "page_load"},
	})
	modal := create(map[string]any{
		"name": "Settings help", "type": "modal", "holdout_percent": zero, "url_scope": []string{"/demo/settings.html"},
		"steps": []map[string]any{{"title": "Your settings moved", "body": "<p>Billing now has its own tab.</p><p>Notifications are per project.</p>",
			"buttons": []map[string]any{{"label": "Open billing", "action": "action", "name": "openBilling"}, {"label": "Later", "action": "done"}}}},
		"trigger": map[string]any{"type": "event", "event": "open_help"},
	})
	hot := create(map[string]any{
		"name": "Signup hint", "type": "hotspot", "holdout_percent": zero, "url_scope": []string{"/demo/signup.html"},
		"steps":   []map[string]any{{"title": "Use your work email", "body": "We will find your team.", "text": "Create your workspace", "placement": "right"}}, // the text fallback
		"trigger": map[string]any{"type": "page_load"},
	})
	_, _, _ = walk, modal, hot

	ctx := newBrowser(t, 3*time.Minute, 1280, 800)
	eval := func(js string, out any) {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js))
		if err != nil {
			t.Fatalf("eval %s: %v", js, err)
		}
		if out != nil {
			if err := json.Unmarshal(v, out); err != nil {
				t.Fatalf("eval %s: %v (%s)", js, err, v)
			}
		}
	}
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("TG_GUIDE_SHOTS")
		if dir == "" {
			return
		}
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// visit opens page as a new visitor with the given id (a fresh
	// localStorage: new visitor, new session) and waits for the SDK.
	visit := func(visitor, page string) string {
		t.Helper()
		// A page of the origin without the SDK, so that no session
		// outlives the storage reset (the SDK saves its ids on pagehide).
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo/style.css")); err != nil {
			t.Fatal(err)
		}
		eval(fmt.Sprintf(`localStorage.clear(); sessionStorage.clear(); localStorage.setItem('tg_vid', %q); true`, visitor), nil)
		return reload(t, ctx, srv.URL+"/demo/"+page)
	}
	rage := func() {
		t.Helper()
		// The guides runtime loads once the server has answered (an
		// eligible or a held-out guide): the visitor is assigned.
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!window.__trailguide_guides`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("guides runtime not loaded: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		var r struct{ X, Y float64 }
		eval(`(() => { const r = document.querySelector('#watch-demo').getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()`, &r)
		eval(`window.__friction = 0; document.addEventListener('trailguide:friction', () => window.__friction++); true`, nil)
		for i := 0; i < 4; i++ {
			if err := chromedp.Do(ctx, chromedp.MouseClickXY(r.X, r.Y), chromedp.Sleep(120*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.__friction > 0`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("no live rage click detected: %v", err)
		}
	}
	const dialog = `document.querySelector('[data-tg-guide]') && document.querySelector('[data-tg-guide]').shadowRoot.querySelector('[role=dialog]')`

	// Exposed and holdout visitors, chosen by the same hash as the server.
	var exposed, held string
	for i := 0; exposed == "" || held == ""; i++ {
		v := fmt.Sprintf("%032x", 0xe2e0000+i) // the SDK's id format: 32 hex digits
		if guide.InHoldout(tip, v, 10) {
			if held == "" {
				held = v
			}
		} else if exposed == "" {
			exposed = v
		}
	}

	t.Run("tooltip on rage click, anchored, keyboard, no script", func(t *testing.T) {
		session := visit(exposed, "index.html")
		rage()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(`+dialog+`)`, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("tooltip not shown after the rage click: %v", err)
		}
		var pos struct {
			BoxTop, BoxLeft, BoxW, ElBottom, ElLeft, ElW float64
			Label, Title                                 string
			Scripts, Imgs                                int
			Pwned                                        any
			Focus                                        string
		}
		eval(`(() => { const d = `+dialog+`, b = d.getBoundingClientRect(), e = document.querySelector('#watch-demo').getBoundingClientRect();
			const root = d.getRootNode();
			return {boxTop: b.top, boxLeft: b.left, boxW: b.width, elBottom: e.bottom, elLeft: e.left, elW: e.width,
				label: d.getAttribute('aria-labelledby'), title: root.getElementById(d.getAttribute('aria-labelledby')).textContent,
				scripts: root.querySelectorAll('script').length, imgs: root.querySelectorAll('img').length, pwned: window.__pwned || null,
				focus: root.activeElement ? root.activeElement.textContent : ''}; })()`, &pos)
		// Placement bottom with a 10 px offset, centred on the button
		// (shift keeps it in the viewport; the button is far from the edges).
		if math.Abs(pos.BoxTop-(pos.ElBottom+10)) > 1.5 {
			t.Errorf("tooltip top %.1f, want 10 px under the button's bottom %.1f", pos.BoxTop, pos.ElBottom)
		}
		if c, e := pos.BoxLeft+pos.BoxW/2, pos.ElLeft+pos.ElW/2; math.Abs(c-e) > 1.5 {
			t.Errorf("tooltip centre %.1f, want the button's centre %.1f", c, e)
		}
		if pos.Title != "The demo video is coming soon" || pos.Scripts != 0 || pos.Imgs != 0 || pos.Pwned != nil {
			t.Errorf("content: %+v", pos)
		}
		if pos.Focus != "Got it" {
			t.Errorf("focus in the dialog: got %q, want the Got it button", pos.Focus)
		}
		shot("guide-tooltip.png")
		// Keyboard only: Tab cycles inside the dialog (Got it → close → link → Got it), Enter completes.
		var seq []string
		for i := 0; i < 3; i++ {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
			var f string
			eval(`(() => { const a = document.querySelector('[data-tg-guide]').shadowRoot.activeElement; return a ? (a.getAttribute('aria-label') || a.textContent) : ''; })()`, &f)
			seq = append(seq, f)
		}
		if strings.Join(seq, "|") != "Close|interactive tour|Got it" {
			t.Errorf("tab order: got %v", seq)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector('[data-tg-guide]')`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("Enter on Got it did not close the tooltip: %v", err)
		}
		eval(`window.trailguide.flush(); true`, nil)
		waitGuideEvents(t, api, p.ID, session, "guide_eligible", "guide_shown", "step_shown", "step_completed", "guide_completed")
	})

	t.Run("holdout sees nothing", func(t *testing.T) {
		session := visit(held, "index.html")
		rage()
		time.Sleep(2 * time.Second)
		var shown bool
		eval(`!!document.querySelector('[data-tg-guide]')`, &shown)
		if shown {
			t.Fatal("a holdout visitor was shown the guide")
		}
		eval(`window.trailguide.flush(); true`, nil)
		waitGuideEvents(t, api, p.ID, session, "guide_held_out")
	})

	t.Run("walkthrough resumes after navigation", func(t *testing.T) {
		session := visit(fmt.Sprintf("%032x", 0xa11a), "onboarding.html")
		title := `(() => { const d = ` + dialog + `; return d ? d.querySelector('h2').textContent + ' ' + (d.querySelector('.n') || {}).textContent : ''; })()`
		got, err := chromedp.Run(ctx, chromedp.Poll[string](title, chromedp.WithPollingTimeout(15*time.Second)))
		if err != nil || got != "Start here 1 / 2" {
			t.Fatalf("first step: got %q, %v", got, err)
		}
		shot("guide-walkthrough.png")
		eval(`document.querySelector('[data-tg-guide]').shadowRoot.querySelector('.pri').click(); true`, nil)
		if session2 := reload(t, ctx, srv.URL+"/demo/pricing.html"); session2 != session {
			t.Fatalf("new session %s after navigation", session2)
		}
		got, err = chromedp.Run(ctx, chromedp.Poll[string](title, chromedp.WithPollingTimeout(15*time.Second)))
		if err != nil || got != "Pick Team 2 / 2" {
			t.Fatalf("second step after navigation: got %q, %v", got, err)
		}
		// Placement top; hidden while #plan-team is below the fold (hide middleware), shown once it scrolls in.
		eval(`document.querySelector('#plan-team').scrollIntoView({block: 'center'}); true`, nil)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](dialog+`.style.visibility !== 'hidden'`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("step not visible with its anchor in view: %v", err)
		}
		var above bool
		eval(`(() => { const b = `+dialog+`.getBoundingClientRect(), e = document.querySelector('#plan-team').getBoundingClientRect(); return Math.abs(b.bottom + 10 - e.top) < 1.5; })()`, &above)
		if !above {
			t.Error("second step not 10 px above #plan-team")
		}
		shot("guide-walkthrough-2.png")
		eval(`document.querySelector('[data-tg-guide]').shadowRoot.querySelector('.bar .pri').click(); true`, nil)
		eval(`window.trailguide.flush(); true`, nil)
		waitGuideEvents(t, api, p.ID, session, "guide_shown", "step_shown", "step_completed", "guide_completed")
	})

	t.Run("modal on a custom event, Esc closes, host action", func(t *testing.T) {
		session := visit(fmt.Sprintf("%032x", 0xb22b), "settings.html")
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!window.__trailguide_guides`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatal(err)
		}
		eval(`document.activeElement && document.activeElement.blur(); window.dispatchEvent(new Event('open_help')); true`, nil)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(`+dialog+`)`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("modal not shown: %v", err)
		}
		var modal bool
		eval(dialog+`.getAttribute('aria-modal') === 'true'`, &modal)
		if !modal {
			t.Error("modal without aria-modal")
		}
		shot("guide-modal.png")
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector('[data-tg-guide]')`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("Esc did not close the modal: %v", err)
		}
		eval(`window.trailguide.flush(); true`, nil)
		waitGuideEvents(t, api, p.ID, session, "guide_shown", "guide_dismissed")
	})

	t.Run("hotspot opens its tooltip", func(t *testing.T) {
		visit(fmt.Sprintf("%032x", 0xc33c), "signup.html")
		beacon := `document.querySelector('[data-tg-guide]') && document.querySelector('[data-tg-guide]').shadowRoot.querySelector('.beacon')`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(`+beacon+`)`, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("no beacon: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		shot("guide-hotspot.png")
		eval(beacon+`.click(); true`, nil)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(`+dialog+`)`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("beacon did not open the tooltip: %v", err)
		}
		shot("guide-hotspot-open.png")
	})

	t.Run("impact report", func(t *testing.T) {
		var im guide.Impact
		eventually(t, 30*time.Second, "impact counts both arms", func() error {
			if code := api.do("GET", base+"/"+tip+"/impact", nil, &im); code != http.StatusOK {
				return fmt.Errorf("status %d", code)
			}
			f := im.Friction
			if f.Exposed != 1 || f.Holdout != 1 || f.ExposedHit != 1 || f.HoldoutHit != 1 || im.Shown != 1 {
				return fmt.Errorf("got %+v shown %d", f, im.Shown)
			}
			return nil
		})
		if im.Goal == nil || im.Goal.Exposed != 1 || im.Goal.ExposedHit != 0 {
			t.Fatalf("goal: %+v", im.Goal)
		}
	})

	t.Run("dashboard: list, impact, add guidance here", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/login")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`fetch('/api/v1/login', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-TG-CSRF': '1'},
			body: JSON.stringify({email: %q, password: %q})}).then(r => r.ok)`, e2eAdminEmail, e2eAdminPassword), chromedp.EvalAsValue, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+p.ID+"/guides")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('.gd-list tbody tr').length === 4`, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("guides list: %v", err)
		}
		eval(`[...document.querySelectorAll('.gd-list tbody tr')].find(r => r.textContent.includes('Watch demo help')).querySelector('.gd-row-actions .ghost').click(); true`, nil)
		got, err := chromedp.Run(ctx, chromedp.Poll[string](`(document.querySelector('.gd-impact tbody tr') || {}).textContent || ''`, chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil || !strings.Contains(got, "1 / 1") {
			t.Fatalf("impact row: %q %v", got, err)
		}
		shot("dashboard-guides.png")
		// From a friction row: the editor opens pre-filled. The demo
		// sessions' friction appears once the worker has analysed them.
		found := false
		for deadline := time.Now().Add(2 * time.Minute); !found && time.Now().Before(deadline); {
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+p.ID+"/friction")); err != nil {
				t.Fatal(err)
			}
			_, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll('a')].some(a => a.getAttribute('aria-label') === 'Add guidance here')`, chromedp.WithPollingTimeout(5*time.Second)))
			found = err == nil
		}
		if !found {
			shot("dashboard-friction-failed.png")
			t.Fatal("no Add guidance here on the Friction page")
		}
		shot("dashboard-friction-add-guidance.png")
		eval(`[...document.querySelectorAll('a')].find(a => a.getAttribute('aria-label') === 'Add guidance here').click(); true`, nil)
		sel, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => { const i = document.querySelector('.gd-form input[placeholder="#plan"]'); return i && i.value; })()`, chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil || sel == "" {
			t.Fatalf("editor not pre-filled with a selector: %q %v", sel, err)
		}
		var trig string
		eval(`[...document.querySelectorAll('.gd-form select')][1].value`, &trig)
		if !strings.HasPrefix(trig, "friction:") {
			t.Errorf("trigger: got %q, want a friction trigger", trig)
		}
		shot("dashboard-guide-editor.png")
	})
}

// reload loads page again and waits for the SDK to run; it returns the
// session id.
func reload(t *testing.T, ctx context.Context, page string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	var s string
	var err error
	// A poll that straddles a navigation the page makes itself loses its
	// execution context: poll again.
	for try := 0; try < 3; try++ {
		s, err = chromedp.Run(ctx, chromedp.Poll[string](`(window.trailguide && window.trailguide.client && window.trailguide.client() && window.trailguide.client().debugState().running && window.__trailguide_friction) ? window.trailguide.client().debugState().session : ''`,
			chromedp.WithPollingTimeout(20*time.Second)))
		if err == nil || !strings.Contains(err.Error(), "context") {
			break
		}
	}
	if err != nil {
		t.Fatalf("SDK not running on %s: %v", page, err)
	}
	return s
}

// waitGuideEvents waits until the session's stored events hold guide
// signals with every one of names.
func waitGuideEvents(t *testing.T, api *apiClient, projectID, session string, names ...string) {
	t.Helper()
	eventually(t, 30*time.Second, "guide events of "+session, func() error {
		var out struct {
			Events []struct {
				Type     string          `json:"type"`
				Name     string          `json:"name"`
				Time     string          `json:"time"`
				Selector string          `json:"selector"`
				Data     json.RawMessage `json:"data"`
			} `json:"events"`
		}
		if code := api.do("GET", "/api/v1/projects/"+projectID+"/sessions/"+session, nil, &out); code != http.StatusOK {
			return fmt.Errorf("session: %d", code)
		}
		have := map[string]bool{}
		for _, e := range out.Events {
			if e.Type == "guide" {
				have[e.Name] = true
			}
		}
		for _, n := range names {
			if !have[n] {
				return fmt.Errorf("no %s (have %v)", n, have)
			}
		}
		return nil
	})
}
