package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestFunnelEndToEnd: scripted visitors go through the demo app's sign-up
// in headless Chromium with known drop-offs (one leaves the form, one is
// stopped by the workspace rule, two sign up); the funnel over their
// sessions has exactly those counts, in the API and on the Funnels page,
// and the drop-off list opens the replay of the right session a few
// seconds before its last step.
func TestFunnelEndToEnd(t *testing.T) {
	ctx := newBrowser(t, 5*time.Minute, 1280, 900)
	srv, api := startAdminServer(t, "--demo")
	project := api.projectByKey(e2eDemoKey)
	since := time.Now().UTC()

	type visitor struct {
		name      string
		workspace string // "" leaves before submitting
	}
	visitors := []visitor{{"leaves", ""}, {"signs-up-1", "acme"}, {"bad-workspace", "acme-design"}, {"signs-up-2", "globex"}}
	ready := func(what string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.trailguide && window.trailguide.track)`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("%s: SDK not ready: %v", what, err)
		}
		if err := chromedp.Do(ctx, chromedp.Sleep(1200*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](js)); err != nil {
			t.Fatalf("%s: %v", js, err)
		}
	}
	for i, v := range visitors {
		// A new visitor each time: no SDK ids left in the origin's storage
		// (cleared on a page of the origin without the SDK, its stylesheet).
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo/style.css")); err != nil {
			t.Fatal(err)
		}
		eval(`localStorage.clear(); sessionStorage.clear(); 0`)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo/signup.html"), chromedp.WaitVisible(chromedp.CSS("#signup-form"))); err != nil {
			t.Fatalf("visitor %s: %v", v.name, err)
		}
		ready(v.name)
		if v.workspace != "" {
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#name"), "Visitor "+strconv.Itoa(i)),
				chromedp.SendKeys(chromedp.CSS("#email"), fmt.Sprintf("v%d@example.com", i)),
				chromedp.SendKeys(chromedp.CSS("#password"), "secret123"),
				chromedp.SendKeys(chromedp.CSS("#workspace"), v.workspace)); err != nil {
				t.Fatalf("visitor %s: %v", v.name, err)
			}
			eval(`document.querySelector('#company-size').selectedIndex = 1; document.querySelector('#role').selectedIndex = 1; 0`)
			if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond), chromedp.Click(chromedp.CSS("#signup-submit")),
				chromedp.Sleep(2500*time.Millisecond)); err != nil {
				t.Fatalf("visitor %s: %v", v.name, err)
			}
		}
		path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
		if err != nil {
			t.Fatal(err)
		}
		signedUp := strings.HasSuffix(path, "onboarding.html")
		if want := strings.HasPrefix(v.name, "signs-up"); signedUp != want {
			t.Fatalf("visitor %s ended on %s", v.name, path)
		}
		if signedUp {
			ready(v.name + " onboarding")
		}
		leaveMarked(t, ctx, "done-"+v.name)
	}

	funnel := map[string]any{"steps": []map[string]any{
		{"kind": "pageview", "url": "/demo/signup.html"},
		{"kind": "submit", "selector": "#signup-form"},
		{"kind": "event", "name": "signup_completed"},
		{"kind": "pageview", "url": "/demo/onboarding.html"},
	}}
	fq := map[string]any{"funnel": funnel, "from": since.Format(time.RFC3339Nano)}
	q := func(extra map[string]any) string {
		m := map[string]any{}
		for k, v := range fq {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return url.QueryEscape(string(b))
	}
	base := "/api/v1/projects/" + project.ID
	var res struct {
		Steps []struct {
			Entered    int `json:"entered"`
			DroppedOff int `json:"dropped_off"`
		} `json:"steps"`
	}
	want := []int{4, 3, 2, 2}
	eventually(t, time.Minute, "the funnel of the scripted visitors", func() error {
		if code := api.do("GET", base+"/funnel?q="+q(nil), nil, &res); code != http.StatusOK {
			return fmt.Errorf("funnel: %d", code)
		}
		var got []int
		for _, s := range res.Steps {
			got = append(got, s.Entered)
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("entered per step %v, want %v", got, want)
		}
		return nil
	})

	type unit struct {
		SessionID string    `json:"session_id"`
		WindowID  string    `json:"window_id"`
		At        time.Time `json:"at"`
		Reached   int       `json:"reached"`
	}
	drill := func(step int, outcome string) []unit {
		var page struct {
			Total int    `json:"total"`
			Units []unit `json:"units"`
		}
		if code := api.do("GET", base+"/funnel/sessions?q="+q(map[string]any{"step": step, "outcome": outcome}), nil, &page); code != http.StatusOK {
			t.Fatalf("drill-down %d %s: %d", step, outcome, code)
		}
		return page.Units
	}
	if got := drill(0, "dropped"); len(got) != 1 || got[0].Reached != 1 {
		t.Fatalf("dropped after viewing the form: %+v", got)
	}
	stopped := drill(1, "dropped")
	if len(stopped) != 1 || stopped[0].Reached != 2 {
		t.Fatalf("dropped after submitting: %+v", stopped)
	}
	if got := drill(3, "converted"); len(got) != 2 {
		t.Fatalf("completed: %+v", got)
	}
	// The stopped visitor's last step is their (rejected) submit.
	var detail struct {
		Windows []struct {
			ID      string `json:"id"`
			FirstTS int64  `json:"first_ts"`
		} `json:"windows"`
		Events []struct {
			Type     string    `json:"type"`
			Selector string    `json:"selector"`
			Time     time.Time `json:"time"`
		} `json:"events"`
	}
	if code := api.do("GET", base+"/sessions/"+stopped[0].SessionID, nil, &detail); code != http.StatusOK {
		t.Fatalf("session: %d", code)
	}
	var submitAt time.Time
	for _, e := range detail.Events {
		if e.Type == "submit" && e.Selector == "#signup-form" {
			submitAt = e.Time
		}
	}
	if submitAt.IsZero() || !stopped[0].At.Equal(submitAt) {
		t.Fatalf("stopped visitor's last step at %v, submit at %v", stopped[0].At, submitAt)
	}
	var windowStart int64
	for _, w := range detail.Windows {
		if w.ID == stopped[0].WindowID {
			windowStart = w.FirstTS
		}
	}

	// The Funnels page shows the same counts; the drop-off list opens the replay.
	setupUI(t, ctx, srv)
	st, _ := json.Marshal(fq)
	page := srv.URL + "/projects/" + project.ID + "/funnels?range=since&f=" + url.QueryEscape(string(st))
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(".funnel-step strong.entered"))); err != nil {
		shot(t, ctx, "funnel-page")
		t.Fatal(err)
	}
	// The figures settle once the query for this funnel has answered.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll('.funnel-step strong.entered')].map(e => e.textContent).join(' ') === '4 3 2 2'`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		shown, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.funnel-step strong.entered')].map(e => e.textContent)`))
		shot(t, ctx, "funnel-page")
		t.Fatalf("funnel page shows %v, want 4 3 2 2 (%v)", shown, err)
	}
	shot(t, ctx, "funnel-page")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.funnel-step[data-step="1"] .fs-fig.drop`)), chromedp.WaitVisible(chromedp.CSS(".drill-row"))); err != nil {
		shot(t, ctx, "funnel-drill")
		t.Fatal(err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.drill-row').length`))
	if err != nil || rows != 1 {
		t.Fatalf("drop-off list after step 2: %d rows (%v), want 1", rows, err)
	}
	shot(t, ctx, "funnel-drill")
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(".drill-row a.watch"), "href"))
	if err != nil {
		t.Fatal(err)
	}
	href := attr.Value
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".drill-row a.watch")), chromedp.WaitVisible(chromedp.CSS("iframe")),
		chromedp.Sleep(1500*time.Millisecond)); err != nil {
		shot(t, ctx, "funnel-replay")
		t.Fatal(err)
	}
	shot(t, ctx, "funnel-replay")
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := strconv.ParseInt(u.Query().Get("at"), 10, 64)
	if !strings.HasSuffix(u.Path, "/sessions/"+stopped[0].SessionID) || u.Query().Get("window") != stopped[0].WindowID ||
		at != submitAt.UnixMilli()-3000 {
		t.Fatalf("watch link %s: want session %s, window %s, at %d", href, stopped[0].SessionID, stopped[0].WindowID, submitAt.UnixMilli()-3000)
	}
	// The replay starts there: its clock (the share button's "at m:ss")
	// reads the seconds from the window's start to 3 s before the submit,
	// give or take the autoplay since.
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Share at (\d+):(\d\d)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no replay clock on the page")
	}
	mins, _ := strconv.Atoi(m[1])
	secs, _ := strconv.Atoi(m[2])
	clock := int64(mins*60+secs) * 1000
	wantClock := at - windowStart
	if clock < wantClock-1000 || clock > wantClock+10000 {
		t.Fatalf("replay clock %d ms into the window, want about %d (3 s before the submit)", clock, wantClock)
	}
}
