package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestE2EAccess drives the Team and API keys pages in headless Chromium
// against the real binary: an admin adds a user, creates a secret key that
// is shown once and works as a bearer token on the API, and sets a
// project's allowed origins. With TG_DOC_SCREENSHOTS set it also saves
// team.png, api-keys.png and origins.png there.
func TestE2EAccess(t *testing.T) {
	ctx := newBrowser(t, 2*time.Minute, 1440, 900)
	srv, api := startAdminServer(t)
	project := api.addProject("Web app")
	for _, u := range []map[string]string{
		{"email": "maria@example.com", "name": "Maria Lopez", "role": "member", "password": "maria initial pw"},
		{"email": "sam@example.com", "name": "Sam Chen", "role": "viewer", "password": "sam initial pw"},
	} {
		if code := api.do("POST", "/api/v1/users", u, nil); code != http.StatusCreated {
			t.Fatalf("create user %s: %d", u["email"], code)
		}
	}
	if code := api.do("POST", "/api/v1/keys", map[string]string{"name": "Nightly export", "scope": "read"}, nil); code != http.StatusCreated {
		t.Fatalf("create key: %d", code)
	}
	setupUI(t, ctx, srv)

	// Team: add a user through the form; the table shows them.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/team"),
		chromedp.WaitVisible(chromedp.CSS(`table tbody tr`)),
		chromedp.Click(chromedp.Search(`//button[contains(., "Add user")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-user-h`)),
		chromedp.SendKeys(chromedp.CSS(`.access-form input[type="email"]`), "lee@example.com"),
		chromedp.SendKeys(chromedp.CSS(`.access-form input[placeholder="Optional"]`), "Lee Park"),
		chromedp.SendKeys(chromedp.CSS(`.access-form input[type="password"]`), "lee initial password"),
		chromedp.Click(chromedp.CSS(`.access-form button[type="submit"]`)),
	); err != nil {
		shot(t, ctx, "team-failed")
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('table tbody tr').length === 4 && document.body.innerText.includes('lee@example.com')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		shot(t, ctx, "team-add-failed")
		t.Fatalf("added user not listed: %v", err)
	}
	lee := newAPIClient(t, srv.URL)
	lee.login("lee@example.com", "lee initial password")
	docShot(t, ctx, "team.png")

	// API keys: create one; the secret is shown once and works.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/api-keys"),
		chromedp.WaitVisible(chromedp.CSS(`table tbody tr`)),
		chromedp.SendKeys(chromedp.CSS(`.key-form input`), "CI dashboard sync"),
		chromedp.Click(chromedp.CSS(`.key-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.secret-value`)),
	); err != nil {
		shot(t, ctx, "keys-failed")
		t.Fatal(err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.secret-value`)))
	if err != nil {
		t.Fatal(err)
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "tg_sk_") {
		t.Fatalf("shown secret = %q", secret)
	}
	docShot(t, ctx, "api-keys.png")
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/projects/"+project.ID, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET project with the new key: %d", resp.StatusCode)
	}
	// Reloading shows the key by prefix only.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`table tbody tr`))); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, secret) || !strings.Contains(body, secret[:12]) {
		t.Fatalf("after reload the page shows the secret or lacks its prefix")
	}

	// Allowed origins on the project's Settings page.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`.origins-input`)),
		chromedp.SendKeys(chromedp.CSS(`.origins-input`), "https://app.example.com\nhttp://localhost:3000"),
		chromedp.Click(chromedp.Search(`//button[contains(., "Save origins")]`)),
	); err != nil {
		shot(t, ctx, "origins-failed")
		t.Fatal(err)
	}
	var p struct {
		Project struct {
			AllowedOrigins []string `json:"allowed_origins"`
		} `json:"project"`
	}
	eventually(t, 10*time.Second, "origins saved", func() error {
		if code := api.do("GET", "/api/v1/projects/"+project.ID, nil, &p); code != 200 || len(p.Project.AllowedOrigins) != 2 {
			return fmt.Errorf("origins: %d %v", code, p.Project.AllowedOrigins)
		}
		return nil
	})
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(`#origins-h`)), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	docShot(t, ctx, "origins.png")

	// Account: change the password in the UI; the API client's older
	// session of the same user is signed out, the new password works.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a.me`)),
		chromedp.WaitVisible(chromedp.CSS(`#pw-h`)),
		chromedp.SendKeys(chromedp.CSS(`.access-form input[autocomplete="current-password"]`), "correct horse battery staple"),
		chromedp.SendKeys(chromedp.CSS(`.access-form label:nth-of-type(2) input`), "a new horse battery"),
		chromedp.SendKeys(chromedp.CSS(`.access-form label:nth-of-type(3) input`), "a new horse battery"),
		chromedp.Click(chromedp.CSS(`.access-form button[type="submit"]`)),
	); err != nil {
		shot(t, ctx, "account-failed")
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.body.innerText.includes('Password changed')`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		shot(t, ctx, "account-stuck")
		t.Fatalf("password change not confirmed: %v", err)
	}
	docShot(t, ctx, "account.png")
	if code := api.do("GET", "/api/v1/me", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("other session after the password change: %d, want 401", code)
	}
	// The browser's own session survives (it got a fresh cookie).
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/team"), chromedp.WaitVisible(chromedp.CSS(`table tbody tr`))); err != nil {
		shot(t, ctx, "after-password")
		t.Fatalf("browser session after the password change: %v", err)
	}
	again := newAPIClient(t, srv.URL)
	again.login("admin@example.com", "a new horse battery")
}
