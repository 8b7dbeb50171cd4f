package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
	"github.com/trailguide/trailguide/password"
)

func TestSetupTokenSingleUse(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{SetupToken: testSetupToken})
	body := func(token, email string) string {
		return `{"token":"` + token + `","email":"` + email + `","name":"Ada","password":"` + adminPassword + `"}`
	}
	steps := []struct {
		name   string
		req    request
		status int
		json   map[string]any
	}{
		{"needed before", request{method: "GET", path: "/api/v1/setup"}, 200, map[string]any{"needed": true}},
		{"wrong token", request{method: "POST", path: "/api/v1/setup", body: body("wrong", adminEmail), csrf: true}, 403, map[string]any{"error": "forbidden"}},
		{"bad email keeps token", request{method: "POST", path: "/api/v1/setup", body: body(testSetupToken, "not-an-email"), csrf: true}, 400, map[string]any{"reason": "email"}},
		{"short password", request{method: "POST", path: "/api/v1/setup", body: `{"token":"` + testSetupToken + `","email":"a@b.example","password":"short"}`, csrf: true}, 400, map[string]any{"reason": "password"}},
		{"right token", request{method: "POST", path: "/api/v1/setup", body: body(testSetupToken, adminEmail), csrf: true}, 201, nil},
		{"token used", request{method: "POST", path: "/api/v1/setup", body: body(testSetupToken, "other@example.com"), csrf: true}, 403, nil},
		{"needed after", request{method: "GET", path: "/api/v1/setup"}, 200, map[string]any{"needed": false}},
	}
	var cookie *http.Cookie
	for _, st := range steps {
		rec := e.do(st.req)
		if rec.Code != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.name, rec.Code, st.status, rec.Body)
		}
		checkJSON(t, rec, st.json)
		if st.status == 201 {
			cookie = sessionCookie(t, rec)
			u := decode(t, rec)["user"].(map[string]any)
			if u["role"] != "admin" || u["email"] != adminEmail || u["org_id"] != trailguide.DefaultOrgID {
				t.Errorf("%s: user = %v, want admin %s", st.name, u, adminEmail)
			}
			if _, ok := u["password_hash"]; ok {
				t.Errorf("%s: response carries the password hash", st.name)
			}
		}
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/me", cookie: cookie}); rec.Code != 200 {
		t.Fatalf("me after setup: status %d", rec.Code)
	}
	if n, _ := e.users.CountUsers(t.Context()); n != 1 {
		t.Errorf("users = %d, want 1", n)
	}
}

// TestSetupConflict: a user made by `trailguide user create` while the
// token was still live ends setup with 409.
func TestSetupConflict(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{SetupToken: testSetupToken})
	e.createUser("cli@example.com", adminPassword, trailguide.RoleAdmin)
	body := `{"token":"` + testSetupToken + `","email":"web@example.com","password":"` + adminPassword + `"}`
	if rec := e.do(request{method: "POST", path: "/api/v1/setup", body: body, csrf: true}); rec.Code != http.StatusConflict {
		t.Fatalf("status %d, want 409", rec.Code)
	}
}

func TestSetupDisabledWithoutToken(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	body := `{"token":"","email":"web@example.com","password":"` + adminPassword + `"}`
	if rec := e.do(request{method: "POST", path: "/api/v1/setup", body: body, csrf: true}); rec.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", rec.Code)
	}
}

func TestLoginLogoutMe(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	e.createUser(adminEmail, adminPassword, trailguide.RoleAdmin)
	login := func(email, pw string) *httptestRecorder {
		return e.do(request{method: "POST", path: "/api/v1/login", body: `{"email":"` + email + `","password":"` + pw + `"}`, csrf: true})
	}
	bad := []struct{ name, email, pw string }{
		{"wrong password", adminEmail, "wrong password"},
		{"unknown email", "nobody@example.com", adminPassword},
		{"empty", "", ""},
	}
	for _, tt := range bad {
		rec := login(tt.email, tt.pw)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tt.name, rec.Code)
		}
		checkJSON(t, rec, map[string]any{"error": "unauthorized", "message": "Invalid email or password."})
	}

	rec := login("ADMIN@example.com", adminPassword) // emails match case-insensitively
	if rec.Code != http.StatusOK {
		t.Fatalf("login: status %d: %s", rec.Code, rec.Body)
	}
	c := sessionCookie(t, rec)
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || len(c.Value) != 43 {
		t.Errorf("cookie = %+v, want HttpOnly SameSite=Lax Path=/ not Secure (no TLS), 43-char token", c)
	}
	if c.MaxAge != int((30 * 24 * time.Hour).Seconds()) {
		t.Errorf("cookie MaxAge = %d, want 30 days", c.MaxAge)
	}
	rec = e.do(request{method: "GET", path: "/api/v1/me", cookie: c})
	if rec.Code != http.StatusOK {
		t.Fatalf("me: status %d", rec.Code)
	}
	if u := decode(t, rec)["user"].(map[string]any); u["email"] != adminEmail {
		t.Errorf("me = %v", u)
	}
	// The store holds the token's hash, not the token.
	if _, err := e.users.AuthSession(t.Context(), c.Value); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("AuthSession(raw token) err = %v, want ENOTFOUND", err)
	}

	rec = e.do(request{method: "POST", path: "/api/v1/logout", cookie: c, csrf: true})
	if rec.Code != http.StatusNoContent {
		t.Fatalf("logout: status %d", rec.Code)
	}
	if cleared := sessionCookie(t, rec); cleared.MaxAge >= 0 && cleared.Value != "" {
		t.Errorf("logout cookie = %+v, want cleared", cleared)
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/me", cookie: c}); rec.Code != http.StatusUnauthorized {
		t.Errorf("me after logout: status %d, want 401", rec.Code)
	}
	if rec := e.do(request{method: "POST", path: "/api/v1/logout", csrf: true}); rec.Code != http.StatusNoContent {
		t.Errorf("logout without session: status %d, want 204", rec.Code)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{LoginPerMinute: 3})
	body := `{"email":"x@example.com","password":"whatever1"}`
	for i := range 3 {
		if rec := e.do(request{method: "POST", path: "/api/v1/login", body: body, csrf: true}); rec.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, rec.Code)
		}
	}
	rec := e.do(request{method: "POST", path: "/api/v1/login", body: body, csrf: true})
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("attempt 4: status %d, want 429", rec.Code)
	}
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After = %q, want 1..60 seconds", rec.Header().Get("Retry-After"))
	}
	// Another client is not affected.
	if rec := e.do(request{method: "POST", path: "/api/v1/login", body: body, csrf: true, remote: "198.51.100.7:5555"}); rec.Code != http.StatusUnauthorized {
		t.Errorf("other IP: status %d, want 401", rec.Code)
	}
}

func TestProjectsAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	e.createUser("viewer@example.com", adminPassword, trailguide.RoleViewer)
	viewer := e.login("viewer@example.com", adminPassword)

	rec := e.do(request{method: "POST", path: "/api/v1/projects", body: `{"name":" Blog "}`, cookie: admin, csrf: true})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: status %d: %s", rec.Code, rec.Body)
	}
	p := decode(t, rec)["project"].(map[string]any)
	if p["name"] != "Blog" || p["public_key"] == "" || p["id"] == "" || p["retention_days"] != float64(30) || p["org_id"] != trailguide.DefaultOrgID {
		t.Errorf("created project = %v", p)
	}
	tests := []struct {
		name   string
		req    request
		status int
		json   map[string]any
	}{
		{"viewer cannot create", request{method: "POST", path: "/api/v1/projects", body: `{"name":"X"}`, cookie: viewer, csrf: true}, 403, map[string]any{"error": "forbidden"}},
		{"empty name", request{method: "POST", path: "/api/v1/projects", body: `{"name":"  "}`, cookie: admin, csrf: true}, 400, map[string]any{"reason": "name"}},
		{"not json", request{method: "POST", path: "/api/v1/projects", body: `name=x`, cookie: admin, csrf: true}, 400, map[string]any{"reason": "body"}},
		{"viewer can read", request{method: "GET", path: "/api/v1/projects/" + p["id"].(string), cookie: viewer}, 200, nil},
	}
	for _, tt := range tests {
		rec := e.do(tt.req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		checkJSON(t, rec, tt.json)
	}
	rec = e.do(request{method: "GET", path: "/api/v1/projects", cookie: viewer})
	if n := len(decode(t, rec)["projects"].([]any)); n != 2 {
		t.Errorf("projects = %d, want 2", n)
	}
	// The new key is usable for ingest at once.
	if rec := e.do(request{method: "GET", path: "/ingest/v1/config?key=" + p["public_key"].(string)}); rec.Code != 200 {
		t.Errorf("config with new key: status %d", rec.Code)
	}
}

// TestLoginRehash: a hash made with older parameters is upgraded at login.
func TestLoginRehash(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	u := e.createUser(adminEmail, adminPassword, trailguide.RoleAdmin) // password.TestParams
	stronger := password.TestParams
	stronger.Time = 2
	e.build(httpapi.Config{Password: stronger}, testDist())
	e.login(adminEmail, adminPassword)
	got, err := e.users.User(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if password.NeedsRehash(got.PasswordHash, stronger) {
		t.Errorf("hash %q not upgraded to t=2", got.PasswordHash)
	}
	e.login(adminEmail, adminPassword) // the new hash verifies
}
