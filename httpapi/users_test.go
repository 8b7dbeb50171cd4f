package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

// TestUsersAPI: an admin lists, creates, re-roles and removes users of
// their organisation; a removed user's sessions stop working at once.
func TestUsersAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	e.createUser("member@example.com", adminPassword, trailguide.RoleMember)
	member := e.login("member@example.com", adminPassword)

	rec := e.do(request{method: "POST", path: "/api/v1/users", cookie: admin, csrf: true,
		body: `{"email":"new@example.com","name":"New","role":"viewer","password":"initial password"}`})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create user: %d %s", rec.Code, rec.Body)
	}
	u := decode(t, rec)["user"].(map[string]any)
	if u["org_id"] != trailguide.DefaultOrgID || u["role"] != "viewer" || u["email"] != "new@example.com" {
		t.Fatalf("created user = %v", u)
	}
	if strings.Contains(rec.Body.String(), "initial password") || strings.Contains(rec.Body.String(), "argon2") {
		t.Fatalf("create response carries the password or its hash: %s", rec.Body)
	}
	id := u["id"].(string)
	newUser := e.login("new@example.com", "initial password")

	tests := []struct {
		name   string
		req    request
		status int
		json   map[string]any
	}{
		{"duplicate email", request{method: "POST", path: "/api/v1/users", body: `{"email":"NEW@example.com","role":"viewer","password":"another password"}`}, 409, nil},
		{"bad role", request{method: "POST", path: "/api/v1/users", body: `{"email":"x@example.com","role":"owner","password":"another password"}`}, 400, map[string]any{"reason": "role"}},
		{"short password", request{method: "POST", path: "/api/v1/users", body: `{"email":"x@example.com","role":"viewer","password":"short"}`}, 400, map[string]any{"reason": "password"}},
		{"bad email", request{method: "POST", path: "/api/v1/users", body: `{"email":"x","role":"viewer","password":"another password"}`}, 400, map[string]any{"reason": "email"}},
		{"member cannot create", request{method: "POST", path: "/api/v1/users", cookie: member, body: `{"email":"y@example.com","role":"admin","password":"another password"}`}, 403, nil},
		{"member can list", request{method: "GET", path: "/api/v1/users", cookie: member}, 200, nil},
		{"change role", request{method: "PATCH", path: "/api/v1/users/" + id, body: `{"role":"member"}`}, 200, nil},
		{"change to bad role", request{method: "PATCH", path: "/api/v1/users/" + id, body: `{"role":"root"}`}, 400, map[string]any{"reason": "role"}},
		{"unknown user", request{method: "PATCH", path: "/api/v1/users/nobody", body: `{"role":"member"}`}, 404, nil},
		{"last admin keeps role", request{method: "PATCH", path: "/api/v1/users/" + e.admin.ID, body: `{"role":"viewer"}`}, 409, nil},
		{"cannot remove self", request{method: "DELETE", path: "/api/v1/users/" + e.admin.ID}, 409, nil},
		{"remove", request{method: "DELETE", path: "/api/v1/users/" + id}, 204, nil},
		{"remove again", request{method: "DELETE", path: "/api/v1/users/" + id}, 404, nil},
	}
	for _, tt := range tests {
		if tt.req.cookie == nil {
			tt.req.cookie = admin
		}
		tt.req.csrf = true
		rec := e.do(tt.req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		checkJSON(t, rec, tt.json)
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/me", cookie: newUser}); rec.Code != http.StatusUnauthorized {
		t.Errorf("removed user's session: status %d, want 401", rec.Code)
	}
	rec = e.do(request{method: "GET", path: "/api/v1/users", cookie: admin})
	var emails []string
	for _, u := range decode(t, rec)["users"].([]any) {
		emails = append(emails, u.(map[string]any)["email"].(string))
	}
	if strings.Join(emails, ",") != adminEmail+",member@example.com" {
		t.Errorf("users = %v", emails)
	}
}

// TestRoleChangeAppliesAtOnce: roles are read per request, so a demoted
// admin's open session loses admin rights on its next request.
func TestRoleChangeAppliesAtOnce(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	other := e.createUser("second@example.com", adminPassword, trailguide.RoleAdmin)
	second := e.login("second@example.com", adminPassword)
	if rec := e.do(request{method: "GET", path: "/api/v1/keys", cookie: second}); rec.Code != 200 {
		t.Fatalf("second admin lists keys: %d", rec.Code)
	}
	if rec := e.do(request{method: "PATCH", path: "/api/v1/users/" + other.ID, body: `{"role":"viewer"}`, cookie: admin, csrf: true}); rec.Code != 200 {
		t.Fatalf("demote: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/keys", cookie: second}); rec.Code != http.StatusForbidden {
		t.Fatalf("demoted admin lists keys: %d, want 403", rec.Code)
	}
}

// TestChangePassword: the current password is checked, the new one works,
// every other session of the user ends, and the caller gets a new one.
func TestChangePassword(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	phone := e.adminCookie()
	laptop := e.login(adminEmail, adminPassword)
	other := e.createUser("other@example.com", adminPassword, trailguide.RoleViewer)
	otherSession := e.login(other.Email, adminPassword)

	tests := []struct {
		name   string
		body   string
		status int
		reason string
	}{
		{"wrong current", `{"current_password":"nope nope nope","new_password":"brand new password"}`, 400, "current_password"},
		{"short new", `{"current_password":"` + adminPassword + `","new_password":"short"}`, 400, "new_password"},
		{"not json", `x`, 400, "body"},
	}
	for _, tt := range tests {
		rec := e.do(request{method: "POST", path: "/api/v1/me/password", body: tt.body, cookie: laptop, csrf: true})
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
		}
		checkJSON(t, rec, map[string]any{"reason": tt.reason})
	}
	if rec := e.do(request{method: "POST", path: "/api/v1/me/password", body: `{}`, csrf: true}); rec.Code != http.StatusUnauthorized {
		t.Errorf("without a session: status %d, want 401", rec.Code)
	}
	rec := e.do(request{method: "POST", path: "/api/v1/me/password", cookie: laptop, csrf: true,
		body: `{"current_password":"` + adminPassword + `","new_password":"brand new password"}`})
	if rec.Code != http.StatusNoContent {
		t.Fatalf("change: status %d: %s", rec.Code, rec.Body)
	}
	fresh := sessionCookie(t, rec)
	for name, c := range map[string]*http.Cookie{"other device": phone, "old cookie of this device": laptop} {
		if rec := e.do(request{method: "GET", path: "/api/v1/me", cookie: c}); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s after the change: status %d, want 401", name, rec.Code)
		}
	}
	for name, c := range map[string]*http.Cookie{"new cookie": fresh, "another user": otherSession} {
		if rec := e.do(request{method: "GET", path: "/api/v1/me", cookie: c}); rec.Code != http.StatusOK {
			t.Errorf("%s after the change: status %d, want 200", name, rec.Code)
		}
	}
	if rec := e.do(request{method: "POST", path: "/api/v1/login", csrf: true, body: `{"email":"` + adminEmail + `","password":"` + adminPassword + `"}`}); rec.Code != http.StatusUnauthorized {
		t.Errorf("login with the old password: status %d, want 401", rec.Code)
	}
	e.login(adminEmail, "brand new password")
}

// TestAllowedOrigins: an admin sets a project's allowed origins (validated
// and normalised); ingest from another origin is then refused with a
// reason, from a listed one accepted.
func TestAllowedOrigins(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	rec := e.do(request{method: "POST", path: "/api/v1/projects", body: `{"name":"Origins"}`, cookie: admin, csrf: true})
	p := decode(t, rec)["project"].(map[string]any)
	pid, key := p["id"].(string), p["public_key"].(string)
	put := func(body string) *httptestRecorder {
		return e.do(request{method: "PUT", path: "/api/v1/projects/" + pid + "/allowed-origins", body: body, cookie: admin, csrf: true})
	}
	bad := []struct{ body, reason string }{
		{`{"allowed_origins":["https://ok.example","shop.example"]}`, "allowed_origins[1]"},
		{`{"allowed_origins":["https://shop.example/path"]}`, "allowed_origins[0]"},
		{`{"allowed_origins":["*"]}`, "allowed_origins[0]"},
		{`{"allowed_origins":["ftp://shop.example"]}`, "allowed_origins[0]"},
		{`{"allowed_origins":["https://user@shop.example"]}`, "allowed_origins[0]"},
		{`{"allowed_origins":"https://shop.example"}`, "body"},
	}
	for _, tt := range bad {
		rec := put(tt.body)
		if rec.Code != 400 {
			t.Errorf("%s: status %d, want 400", tt.body, rec.Code)
		}
		checkJSON(t, rec, map[string]any{"reason": tt.reason})
	}
	rec = put(`{"allowed_origins":[" https://Shop.example/ ","http://localhost:3000","https://shop.example"]}`)
	if rec.Code != 200 {
		t.Fatalf("put: %d %s", rec.Code, rec.Body)
	}
	got := decode(t, rec)["project"].(map[string]any)["allowed_origins"]
	if s := strings.TrimSpace(strings.ReplaceAll(strings.Trim(fmtSprint(got), "[]"), " ", ",")); s != "https://shop.example,http://localhost:3000" {
		t.Errorf("stored origins = %v", got)
	}
	send := func(origin, session string) *httptestRecorder {
		return e.do(request{method: "POST", path: "/ingest/v1/batch", rawBody: batchJSON(batchSpec{Key: key, Session: session, Start: testNow().Add(-time10m), Duration: time10s}),
			headers: map[string]string{"Content-Type": "text/plain", "Origin": origin}})
	}
	if rec := send("https://evil.example", "session-evil"); rec.Code != http.StatusForbidden {
		t.Errorf("ingest from another origin: %d, want 403", rec.Code)
	} else {
		checkJSON(t, rec, map[string]any{"error": "forbidden", "reason": "origin"})
	}
	if rec := send("https://shop.example", "session-shop"); rec.Code != 200 {
		t.Errorf("ingest from an allowed origin: %d %s", rec.Code, rec.Body)
	}
	// The SDK's config request is refused for other origins too, so that it
	// stops before recording; same-origin GETs carry no Origin and pass.
	for _, tt := range []struct {
		origin string
		code   int
	}{{"https://evil.example", http.StatusForbidden}, {"https://shop.example", 200}, {"http://localhost:3000", 200}, {"", 200}} {
		h := map[string]string{}
		if tt.origin != "" {
			h["Origin"] = tt.origin
		}
		rec := e.do(request{method: "GET", path: "/ingest/v1/config?key=" + key, headers: h})
		if rec.Code != tt.code {
			t.Errorf("config from %q: %d, want %d", tt.origin, rec.Code, tt.code)
		}
		if tt.code == http.StatusForbidden {
			checkJSON(t, rec, map[string]any{"error": "forbidden", "reason": "origin"})
		}
		if v := rec.Header().Get("Vary"); !strings.Contains(v, "Origin") {
			t.Errorf("config from %q: Vary %q, want Origin (the answer depends on it)", tt.origin, v)
		}
	}
}
