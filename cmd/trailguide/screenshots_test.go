package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDocScreenshots refreshes the screenshots in docs/img from the real
// binary with the demo data: `make screenshots`. It only runs when
// TG_DOC_SCREENSHOTS names the output directory.
func TestDocScreenshots(t *testing.T) {
	needDocScreenshots(t)
	ctx := newBrowser(t, 3*time.Minute, 1440, 900)
	srv, api := startAdminServer(t, "--demo")
	project := api.projectByKey(e2eDemoKey)
	type sessionJSON struct {
		ID               string `json:"id"`
		ClickCount       int    `json:"click_count"`
		PageCount        int    `json:"page_count"`
		FrustrationScore int    `json:"frustration_score"`
		ExitClass        string `json:"exit_class"`
	}
	var page struct {
		Sessions []sessionJSON `json:"sessions"`
	}
	// The worker closes and analyses the seeded sessions on its first pass.
	eventually(t, 2*time.Minute, "demo sessions analysed", func() error {
		if code := api.do("GET", "/api/v1/projects/"+project.ID+"/sessions?limit=200", nil, &page); code != http.StatusOK || len(page.Sessions) == 0 {
			return fmt.Errorf("sessions: %d, %d", code, len(page.Sessions))
		}
		for _, s := range page.Sessions[1:] { // the newest may still be open
			if s.ExitClass == "" {
				return fmt.Errorf("session %s not analysed yet", s.ID)
			}
		}
		return nil
	})
	// The most frustrating session makes the most telling replay.
	best := page.Sessions[0]
	for _, s := range page.Sessions {
		if s.FrustrationScore > best.FrustrationScore {
			best = s
		}
	}
	setupUI(t, ctx, srv)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/sessions"),
		chromedp.WaitVisible(chromedp.CSS("table tbody tr")), chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "sessions.png")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/friction?range=7d"),
		chromedp.WaitVisible(chromedp.CSS("table tbody tr")), chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "friction.png")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/heatmaps?page=%2Fdemo%2Fpricing.html"),
		chromedp.WaitVisible(chromedp.CSS(".heat-replay iframe")), chromedp.Sleep(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "heatmaps.png")
	// The demo's saved sign-up funnel, and why people dropped after submitting the form.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/funnels"),
		chromedp.WaitVisible(chromedp.CSS(".funnel-step strong.entered")), chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "funnels.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.funnel-step[data-step="0"] .fs-fig.drop`)),
		chromedp.WaitVisible(chromedp.CSS(".why")), chromedp.Sleep(1500*time.Millisecond),
		chromedp.ScrollIntoView(chromedp.CSS(".why")), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "funnel-why.png")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/sessions/"+best.ID+"?t=12"),
		chromedp.WaitVisible(chromedp.CSS("iframe")), chromedp.Sleep(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "replay.png")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/settings"),
		chromedp.WaitVisible(chromedp.CSS("#p-mask_selectors")), chromedp.ScrollIntoView(chromedp.CSS(".privacy-card")), chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "privacy-settings.png")
}
