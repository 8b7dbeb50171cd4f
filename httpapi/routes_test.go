package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trailguide/trailguide/httpapi"
)

// TestRoutes checks the route table as data: method, path, headers and body
// in; status, JSON fields and headers out.
func TestRoutes(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{SetupToken: testSetupToken})
	admin := e.adminCookie()
	e.ingestBatch(batchSpec{Session: "session-routes", Start: testNow().Add(-time10m), Duration: time10s})

	tests := []struct {
		name       string
		req        request
		status     int
		json       map[string]any
		header     map[string]string
		bodyPrefix string
	}{
		{name: "unknown api path", req: request{method: "GET", path: "/api/v1/nope"}, status: 404,
			json: map[string]any{"error": "not_found"}},
		{name: "unknown api method", req: request{method: "DELETE", path: "/api/v1/me", csrf: true, cookie: admin}, status: 404,
			json: map[string]any{"error": "not_found"}},
		{name: "unknown ingest path", req: request{method: "GET", path: "/ingest/v2/batch"}, status: 404,
			json: map[string]any{"error": "not_found"}, header: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{name: "setup status", req: request{method: "GET", path: "/api/v1/setup"}, status: 200,
			json: map[string]any{"needed": false}},
		{name: "me without cookie", req: request{method: "GET", path: "/api/v1/me"}, status: 401,
			json: map[string]any{"error": "unauthorized"}},
		{name: "me with garbage cookie", req: request{method: "GET", path: "/api/v1/me", cookie: &http.Cookie{Name: "tg_session", Value: "garbage"}}, status: 401},
		{name: "me", req: request{method: "GET", path: "/api/v1/me", cookie: admin}, status: 200,
			header: map[string]string{"Cache-Control": "no-store"}},
		{name: "post without csrf header", req: request{method: "POST", path: "/api/v1/projects", body: `{"name":"X"}`, cookie: admin}, status: 403,
			json: map[string]any{"error": "forbidden"}},
		{name: "login without csrf header", req: request{method: "POST", path: "/api/v1/login", body: `{}`}, status: 403},
		{name: "csrf header wrong value", req: request{method: "POST", path: "/api/v1/logout", headers: map[string]string{"X-TG-CSRF": "yes"}}, status: 403},
		{name: "projects unauthenticated", req: request{method: "GET", path: "/api/v1/projects"}, status: 401},
		{name: "project", req: request{method: "GET", path: "/api/v1/projects/proj0001", cookie: admin}, status: 200},
		{name: "project unknown", req: request{method: "GET", path: "/api/v1/projects/nope", cookie: admin}, status: 404,
			json: map[string]any{"error": "not_found", "message": "Project not found."}},
		{name: "settings", req: request{method: "GET", path: "/api/v1/projects/proj0001/settings", cookie: admin}, status: 200},
		{name: "settings of unknown project", req: request{method: "GET", path: "/api/v1/projects/nope/settings", cookie: admin}, status: 404,
			json: map[string]any{"error": "not_found", "message": "Project not found."}},
		{name: "put settings without csrf header", req: request{method: "PUT", path: "/api/v1/projects/proj0001/settings", body: `{"friction":{}}`, cookie: admin}, status: 403,
			json: map[string]any{"error": "forbidden"}},
		{name: "put settings bad threshold", req: request{method: "PUT", path: "/api/v1/projects/proj0001/settings", body: `{"friction":{"rage_window_ms":0}}`, cookie: admin, csrf: true}, status: 400,
			json: map[string]any{"error": "invalid", "reason": "friction.rage_window_ms"}},
		{name: "put settings of unknown project", req: request{method: "PUT", path: "/api/v1/projects/nope/settings", body: `{"friction":{}}`, cookie: admin, csrf: true}, status: 404},
		{name: "settings unknown method", req: request{method: "POST", path: "/api/v1/projects/proj0001/settings", body: `{}`, cookie: admin, csrf: true}, status: 404},
		{name: "sessions of unknown project", req: request{method: "GET", path: "/api/v1/projects/nope/sessions", cookie: admin}, status: 404},
		{name: "facets of unknown project", req: request{method: "GET", path: "/api/v1/projects/nope/sessions/facets", cookie: admin}, status: 404},
		{name: "sessions bad limit", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions?limit=500", cookie: admin}, status: 400,
			json: map[string]any{"error": "invalid", "reason": "limit"}},
		{name: "sessions", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions", cookie: admin}, status: 200,
			json: map[string]any{"total": 1}},
		{name: "session unknown", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions/nope-nope", cookie: admin}, status: 404,
			json: map[string]any{"message": "Session not found."}},
		{name: "recording of unknown session", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions/nope-nope/recording", cookie: admin}, status: 404},
		{name: "recording unknown window", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions/session-routes/recording?window=other-window", cookie: admin}, status: 404},
		{name: "events export", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions/session-routes/events", cookie: admin}, status: 200,
			bodyPrefix: `[{"data":{"height":800,"href":"https://shop.example/"`, header: map[string]string{"Content-Type": "application/json", "Content-Disposition": `attachment; filename="session-routes.rrweb.json"`}},
		{name: "events export unknown window", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions/session-routes/events?window=other-window", cookie: admin}, status: 404},
		{name: "events export unknown session", req: request{method: "GET", path: "/api/v1/projects/proj0001/sessions/nope-nope/events", cookie: admin}, status: 404},
		{name: "config", req: request{method: "GET", path: "/ingest/v1/config?key=" + testKey}, status: 200,
			json: map[string]any{"sample_rate": 1}, header: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{name: "config unknown key", req: request{method: "GET", path: "/ingest/v1/config?key=nope"}, status: 401,
			json: map[string]any{"error": "unauthorized", "message": "Unauthorized."}},
		{name: "config without key", req: request{method: "GET", path: "/ingest/v1/config"}, status: 401},
		{name: "sdk", req: request{method: "GET", path: "/sdk/trailguide.js"}, status: 200, bodyPrefix: testSDKJS,
			header: map[string]string{"Content-Type": "text/javascript; charset=utf-8", "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}},
		{name: "sdk missing file", req: request{method: "GET", path: "/sdk/nope.js"}, status: 404},
		{name: "sdk traversal", req: request{method: "GET", path: "/sdk/../dashboard/index.html"}, status: 307},
		{name: "assets", req: request{method: "GET", path: "/assets/app-1.css"}, status: 200,
			header: map[string]string{"Content-Type": "text/css; charset=utf-8"}},
		{name: "dashboard root", req: request{method: "GET", path: "/"}, status: 200, bodyPrefix: testIndexHTML,
			header: map[string]string{"Content-Security-Policy": cspWant, "Referrer-Policy": "no-referrer", "Content-Type": "text/html; charset=utf-8"}},
		{name: "spa fallback", req: request{method: "GET", path: "/projects/proj0001/sessions/abc?t=3"}, status: 200, bodyPrefix: testIndexHTML,
			header: map[string]string{"Content-Security-Policy": cspWant}},
		{name: "spa setup route", req: request{method: "GET", path: "/setup?token=x"}, status: 200, bodyPrefix: testIndexHTML},
		{name: "dashboard root file", req: request{method: "GET", path: "/favicon.svg"}, status: 200, bodyPrefix: "<svg/>"},
		{name: "demo disabled", req: request{method: "GET", path: "/demo/"}, status: 200, bodyPrefix: testIndexHTML},
		{name: "post to spa", req: request{method: "POST", path: "/projects"}, status: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(tt.req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			checkJSON(t, rec, tt.json)
			for k, want := range tt.header {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if !strings.HasPrefix(rec.Body.String(), tt.bodyPrefix) {
				t.Errorf("body = %.80q, want prefix %q", rec.Body.String(), tt.bodyPrefix)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
		})
	}
}

const cspWant = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; media-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func TestDemoRoutes(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{Demo: true})
	tests := []struct {
		path   string
		status int
		prefix string
	}{
		{"/demo/", 200, testDemoIndexHTML},
		{"/demo/index.html", 200, testDemoIndexHTML},
		{"/demo/missing.js", 404, ""},
		{"/demo", 307, ""}, // the mux redirects to /demo/
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := e.do(request{method: "GET", path: tt.path})
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if !strings.HasPrefix(rec.Body.String(), tt.prefix) {
				t.Errorf("body = %.80q, want prefix %q", rec.Body.String(), tt.prefix)
			}
			if rec.Header().Get("Content-Security-Policy") != "" {
				t.Errorf("demo page has the dashboard CSP")
			}
		})
	}
}

// TestDistMissing: without built bundles the server explains instead of
// panicking.
func TestDistMissing(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	e.build(httpapi.Config{}, fstestEmpty())
	for _, path := range []string{"/", "/projects/x", "/sdk/trailguide.js", "/assets/app.js"} {
		rec := e.do(request{method: "GET", path: path})
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("GET %s: status %d, want 503", path, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), "make dist") {
			t.Errorf("GET %s: body %q does not mention make dist", path, rec.Body)
		}
	}
	// The API still works.
	if rec := e.do(request{method: "GET", path: "/api/v1/setup"}); rec.Code != 200 {
		t.Errorf("GET /api/v1/setup without bundles: status %d", rec.Code)
	}
}

// TestRoleIngest mounts ingest without the dashboard API.
func TestRoleIngest(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{Role: httpapi.RoleIngest})
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/ingest/v1/config?key=" + testKey, 200},
		{"GET", "/sdk/trailguide.js", 200},
		{"GET", "/api/v1/setup", 404},
		{"GET", "/", 404},
	}
	for _, tt := range tests {
		if rec := e.do(request{method: tt.method, path: tt.path}); rec.Code != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, rec.Code, tt.status)
		}
	}
}
