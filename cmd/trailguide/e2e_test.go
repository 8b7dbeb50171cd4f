package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/internal/browsertest"
)

const e2eDemoKey = "pk_demo_trailguide"

func randomCanary(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "cnry" + hex.EncodeToString(b)
}

// waitSDK waits until the SDK loader has installed its API on the page.
func waitSDK(ctx context.Context) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.trailguide && typeof window.trailguide.identify === 'function')`,
		chromedp.WithPollingTimeout(20*time.Second)))
	return err
}

// TestE2ERecordReplay is the foundation issue's end-to-end acceptance: a real
// browser visits the demo app through the real binary, clicks, types a canary
// into a form and moves to a second page; the session then shows up through
// the API with its pageviews and clicks, the dashboard's replay shows the demo
// page's text, and the canary never left the browser nor reached the disk.
func TestE2ERecordReplay(t *testing.T) {
	browserCtx := browsertest.New(t, 4*time.Minute)
	data := t.TempDir()
	srv := startE2EServer(t, data, "--demo")
	proxy := newCaptureProxy(t, srv.URL)
	canary := randomCanary(t)
	userID := "e2e-" + canary[4:12]

	// 1. Browse the demo app like a visitor.
	var landingHeading string
	err := chromedp.Do(browserCtx,
		chromedp.Navigate(proxy.URL+"/demo/"),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	)
	if err != nil {
		t.Fatalf("open demo: %v", err)
	}
	if err := waitSDK(browserCtx); err != nil {
		t.Fatalf("SDK did not load on the demo page: %v", err)
	}
	landingHeading, err = chromedp.Run(browserCtx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[any](fmt.Sprintf(`window.trailguide.identify(%q, {role: "tester"})`, userID))); err != nil {
		t.Fatalf("identify: %v", err)
	}
	// Clicks on the page body (anywhere visible) and on a heading.
	for i := 0; i < 3; i++ {
		if err := chromedp.Do(browserCtx, chromedp.MouseClickXY(float64(200+40*i), 300), chromedp.Sleep(150*time.Millisecond)); err != nil {
			t.Fatalf("click: %v", err)
		}
	}
	if err := chromedp.Do(browserCtx, chromedp.Click(chromedp.CSS("h1"))); err != nil {
		t.Fatalf("click h1: %v", err)
	}

	// 2. The sign-up form: type the canary into every text field.
	if err := chromedp.Do(browserCtx,
		chromedp.Navigate(proxy.URL+"/demo/signup.html"),
		chromedp.WaitVisible(chromedp.CSS("form")),
	); err != nil {
		t.Fatalf("open signup: %v", err)
	}
	if err := waitSDK(browserCtx); err != nil {
		t.Fatal(err)
	}
	fields, err := chromedp.Run(browserCtx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('form input, form textarea')).filter(e => !['hidden','checkbox','radio','submit','button'].includes(e.type) && e.offsetParent !== null).map((e, i) => { e.setAttribute('data-e2e', String(i)); return '[data-e2e="' + i + '"]'; })`))
	if err != nil || len(fields) == 0 {
		t.Fatalf("no form fields on the signup page (%v)", err)
	}
	for _, sel := range fields {
		if err := chromedp.Do(browserCtx, chromedp.Click(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), canary+"@example.com")); err != nil {
			t.Fatalf("type into %s: %v", sel, err)
		}
	}
	// 3. Move to a second page by clicking a link, as a person would.
	if err := chromedp.Do(browserCtx, chromedp.Click(chromedp.CSS(`a[href*="pricing"]`)), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatalf("go to pricing: %v", err)
	}
	if err := waitSDK(browserCtx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(browserCtx, chromedp.MouseClickXY(300, 250), chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	// Leave the page so that the SDK flushes on pagehide.
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}

	// 4. The session shows up through the API.
	api := adminClient(t, srv)
	project := api.projectByKey(e2eDemoKey)
	type sessionJSON struct {
		ID         string `json:"id"`
		PageCount  int    `json:"page_count"`
		ClickCount int    `json:"click_count"`
		UserID     string `json:"user_id"`
	}
	var sess sessionJSON
	eventually(t, 30*time.Second, "session with 3 pageviews and the clicks", func() error {
		var page struct {
			Sessions []sessionJSON `json:"sessions"`
		}
		if code := api.do("GET", "/api/v1/projects/"+project.ID+"/sessions?user="+userID, nil, &page); code != http.StatusOK {
			return fmt.Errorf("status %d", code)
		}
		if len(page.Sessions) != 1 {
			return fmt.Errorf("%d sessions for user %s", len(page.Sessions), userID)
		}
		sess = page.Sessions[0]
		if sess.PageCount < 2 || sess.ClickCount < 4 {
			return fmt.Errorf("session %+v", sess)
		}
		return nil
	})
	var detail struct {
		Events []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"events"`
		Windows []struct {
			ID string `json:"id"`
		} `json:"windows"`
	}
	if code := api.do("GET", "/api/v1/projects/"+project.ID+"/sessions/"+sess.ID, nil, &detail); code != http.StatusOK {
		t.Fatalf("session detail: %d", code)
	}
	pages := map[string]bool{}
	clicks := 0
	for _, e := range detail.Events {
		switch e.Type {
		case "pageview":
			pages[e.URL] = true
		case "click":
			clicks++
		}
	}
	if len(pages) < 2 || clicks < 4 || len(detail.Windows) == 0 {
		t.Fatalf("detail: %d distinct pageview URLs, %d clicks, %d windows", len(pages), clicks, len(detail.Windows))
	}

	// 5. A person logs in through the UI and watches the replay.
	uiCtx := browsertest.New(t, 3*time.Minute)
	setupUI(t, uiCtx, srv)
	if err := chromedp.Do(uiCtx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/sessions/"+sess.ID+"?t=0")); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(landingHeading)
	_, err = chromedp.Run(uiCtx, chromedp.Poll[bool](fmt.Sprintf(`(() => { const f = document.querySelector('iframe'); try { return !!f && f.contentDocument.body.innerText.includes(%q); } catch (e) { return false; } })()`, want),
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		shot(t, uiCtx, "replay-failed")
		t.Fatalf("replay iframe never showed %q: %v", want, err)
	}
	sandbox, err := chromedp.Run(uiCtx, chromedp.Evaluate[string](`document.querySelector('iframe').getAttribute('sandbox') || ''`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sandbox, "allow-scripts") || !strings.Contains(sandbox, "allow-same-origin") {
		t.Errorf("replay iframe sandbox = %q, want allow-same-origin without allow-scripts", sandbox)
	}
	shot(t, uiCtx, "replay")

	// 6. The canary never left the browser...
	sent, _ := proxy.Batches(t)
	if len(sent) == 0 {
		t.Fatal("no batch left the browser")
	}
	for _, r := range proxy.Requests() {
		if bytes.Contains(r.Body, []byte(canary)) || strings.Contains(r.Path, canary) {
			t.Fatalf("canary left the browser in %s %s", r.Method, r.Path)
		}
	}
	// ...nor reached any stored byte (every blob decompressed).
	srv.Stop()
	assertCanaryNotStored(t, data, canary)
}

// setupUI creates the first admin account through the dashboard's setup page,
// which logs the user in.
func setupUI(t *testing.T, ctx context.Context, srv *e2eServer) {
	t.Helper()
	if srv.SetupURL == "" {
		t.Fatal("server printed no setup link")
	}
	// The API client may already have used the link; in that case log in.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[type="password"]`))); err != nil {
		shot(t, ctx, "login-failed")
		t.Fatalf("login page: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[type="email"]`), e2eAdminEmail),
		chromedp.SendKeys(chromedp.CSS(`input[type="password"]`), e2eAdminPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!location.pathname.startsWith('/login')`, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		shot(t, ctx, "login-stuck")
		t.Fatalf("login did not leave the login page: %v", err)
	}
}

// shot saves a screenshot next to the test's temp files for a human to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := os.Getenv("TG_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name+".png")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	t.Logf("screenshot: %s", p)
}

// assertCanaryNotStored searches every file under dir, decompressing zstd
// blobs, for the canary.
func assertCanaryNotStored(t *testing.T, dir, canary string) {
	t.Helper()
	files := 0
	eachStoredFile(t, dir, func(path string, raw, plain []byte, zerr error) {
		files++
		if bytes.Contains(raw, []byte(canary)) {
			t.Errorf("canary found in stored file %s", path)
		}
		if zerr != nil {
			t.Errorf("%v", zerr)
		} else if plain != nil && bytes.Contains(plain, []byte(canary)) {
			t.Errorf("canary found in decompressed blob %s", path)
		}
	})
	if files < 1 {
		t.Fatalf("no files under the data dir")
	}

	// Chunks staged in the database are zstd too: decompress every one.
	chunks := eachStoredEvent(t, dir, func(sid string, e []byte) {
		if bytes.Contains(e, []byte(canary)) {
			t.Errorf("canary found in a recorded event of session %s", sid)
		}
	})
	if chunks == 0 {
		t.Fatal("no recording chunk stored")
	}
}
