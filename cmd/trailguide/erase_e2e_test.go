package main

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDeleteSessionInDashboard: an admin deletes one session from its
// replay page; the dashboard returns to the list and the session, its
// events and its recording are gone, the other session stays.
func TestDeleteSessionInDashboard(t *testing.T) {
	ctx := newBrowser(t, 2*time.Minute, 1280, 800)
	srv, api := startAdminServer(t)
	p := api.addProject("Shop")
	postBatch(t, srv.URL, p.PublicKey, "session-to-delete", 0, "user-1")
	postBatch(t, srv.URL, p.PublicKey, "session-to-keep", 0, "user-2")
	setupUI(t, ctx, srv)

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+p.ID+"/sessions/session-to-delete"),
		chromedp.WaitVisible(chromedp.CSS(`.head-actions .btn.danger-outline`)), chromedp.Sleep(500*time.Millisecond)); err != nil {
		shot(t, ctx, "delete-session-page")
		t.Fatalf("replay page: %v", err)
	}
	if dir := os.Getenv("TG_SCREENSHOTS"); dir != "" {
		shot(t, ctx, "delete-session-button")
		t.Logf("screenshot in %s", filepath.Join(dir, "delete-session-button.png"))
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.head-actions .btn.danger-outline`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.pathname.endsWith('/sessions')`, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		shot(t, ctx, "delete-session-stuck")
		t.Fatalf("did not return to the list: %v", err)
	}
	eventually(t, 15*time.Second, "session deleted", func() error {
		if code := api.do("GET", "/api/v1/projects/"+p.ID+"/sessions/session-to-delete", nil, nil); code != http.StatusNotFound {
			return errStatus(code)
		}
		return nil
	})
	if code := api.do("GET", "/api/v1/projects/"+p.ID+"/sessions/session-to-keep", nil, nil); code != http.StatusOK {
		t.Errorf("other session: %d", code)
	}
}

type errStatus int

func (e errStatus) Error() string { return http.StatusText(int(e)) }
