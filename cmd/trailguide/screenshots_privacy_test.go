package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPrivacyScreenshot refreshes docs/img/privacy.png: a project whose
// browser masking let a few things through, as the server caught them. It
// runs with TG_DOC_SCREENSHOTS like TestDocScreenshots.
func TestPrivacyScreenshot(t *testing.T) {
	needDocScreenshots(t)
	ctx := newBrowser(t, 3*time.Minute, 1440, 900)
	srv, api := startAdminServer(t)
	p := api.addProject("Shop")
	leaks := []struct{ url, text string }{
		{"https://shop.test/account/reset?token=8f2c1e&lang=en", "Signed in as ada.lovelace@example.com"},
		{"https://shop.test/account/reset?token=77aa01", "Reset link sent to grace@example.org"},
		{"https://shop.test/checkout/4471/pay", "Card 4242 4242 4242 4242 declined"},
		{"https://shop.test/orders/1093", "Order for linus@example.net"},
		{"https://shop.test/settings/api", "Authorization: Bearer sk_live_51HxYzAbCdEf"},
		{"https://shop.test/callback?code=xyz&state=abc#id_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", "Welcome back"},
	}
	for i, l := range leaks {
		now := time.Now().Add(-time.Duration(len(leaks)-i) * 37 * time.Minute).UnixMilli()
		body, _ := json.Marshal(map[string]any{
			"key": p.PublicKey, "visitor": "visitor-shot", "session": fmt.Sprintf("session-shot-%02d", i), "window": "window-1",
			"seq": 0, "sent_at": time.Now().UnixMilli(), "sdk": "screenshot",
			"context": map[string]any{"url": l.url, "viewport_w": 1280, "viewport_h": 800, "user_agent": "Mozilla/5.0"},
			"events": []any{
				map[string]any{"type": 4, "data": map[string]any{"href": l.url, "width": 1280, "height": 800}, "timestamp": now},
				map[string]any{"type": 2, "data": map[string]any{"node": map[string]any{"type": 0, "id": 1, "childNodes": []any{
					map[string]any{"type": 3, "textContent": l.text, "id": 2}}}, "initialOffset": map[string]int{"left": 0, "top": 0}}, "timestamp": now},
			},
			"signals": []any{map[string]any{"type": "pageview", "ts": now, "url": l.url}},
		})
		resp, err := http.Post(srv.URL+"/ingest/v1/batch", "text/plain", bytes.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("ingest %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	setupUI(t, ctx, srv)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+p.ID+"/privacy"),
		chromedp.WaitVisible(chromedp.CSS("table tbody tr")), chromedp.Sleep(time.Second)); err != nil {
		shot(t, ctx, "privacy-failed")
		t.Fatal(err)
	}
	docShot(t, ctx, "privacy.png")
}
