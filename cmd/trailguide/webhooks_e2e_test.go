package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/webhook"
)

// TestWebhooksInDashboard: an admin adds a webhook on the Settings page,
// is shown its secret once, sends a test event; a loopback receiver gets a
// signed ping, and the delivery log says it was delivered.
func TestWebhooksInDashboard(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, b)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()

	ctx := newBrowser(t, 2*time.Minute, 1280, 1000)
	srv, api := startAdminServer(t)
	p := api.addProject("Shop")
	setupUI(t, ctx, srv)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+p.ID+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`.webhook-add input[type=url]`)),
		chromedp.SendKeys(chromedp.CSS(`.webhook-add input[type=url]`), rcv.URL+"/hooks/tg"),
		chromedp.Click(chromedp.CSS(`.webhook-add button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.webhook-secret code`))); err != nil {
		shot(t, ctx, "webhook-add")
		t.Fatalf("add webhook: %v", err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.webhook-secret code').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.webhook-actions button:nth-child(2)`))); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the ping delivered", func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(got) == 0 {
			return errStatus(http.StatusNotFound)
		}
		return nil
	})
	mu.Lock()
	r, body := got[0], bodies[0]
	mu.Unlock()
	if r.URL.Path != "/hooks/tg" || r.Header.Get(webhook.HeaderEvent) != "ping" ||
		!webhook.Verify(secret, r.Header.Get(webhook.HeaderSignature), body, time.Now(), 5*time.Minute) {
		t.Errorf("delivery %s %v does not verify with the secret shown", r.URL.Path, r.Header)
	}
	var env webhook.Envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Event != "ping" || env.ProjectID != p.ID {
		t.Errorf("body %s", body)
	}
	// The log, reopened, shows the delivery.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const b = document.querySelector('.webhook-actions button'); b.click(); b.click(); return !!document.querySelector('.webhook-log .delivery.delivered'); })()`,
		chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(time.Second))); err != nil {
		shot(t, ctx, "webhook-log")
		t.Fatalf("delivery log: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(`#webhooks-h`)), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "webhooks-settings")
}
