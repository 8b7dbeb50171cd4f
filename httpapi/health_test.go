package httpapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trailguide/trailguide/httpapi"
)

// TestHealthEndpoints: /healthz, /readyz and /metrics answer what they
// name in every role, never the dashboard's HTML.
func TestHealthEndpoints(t *testing.T) {
	for _, role := range []string{httpapi.RoleAll, httpapi.RoleIngest, httpapi.RoleAPI} {
		t.Run(role, func(t *testing.T) {
			e := newTestEnv(t, httpapi.Config{Role: role})
			rec := e.do(request{method: "GET", path: "/healthz"})
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("healthz: %d %s %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			checkJSON(t, rec, map[string]any{"status": "ok"})
			if rec := e.do(request{method: "GET", path: "/readyz"}); rec.Code != 200 {
				t.Fatalf("readyz without checks: %d", rec.Code)
			}
			// No metrics handler configured: 404 JSON, not the dashboard.
			if rec := e.do(request{method: "GET", path: "/metrics"}); rec.Code != 404 || strings.Contains(rec.Body.String(), "<!doctype") {
				t.Fatalf("metrics without handler: %d %q", rec.Code, rec.Body)
			}
		})
	}
}

func TestReadyz(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	broken := errors.New("disk on fire")
	tests := []struct {
		name   string
		checks []httpapi.ReadyCheck
		status int
		json   map[string]any
	}{
		{"all ok", []httpapi.ReadyCheck{
			{Name: "store", Check: e.db.Ping},
			{Name: "blobs", Check: func(context.Context) error { return nil }},
		}, 200, map[string]any{"status": "ok"}},
		{"blob store failing", []httpapi.ReadyCheck{
			{Name: "store", Check: e.db.Ping},
			{Name: "blobs", Check: func(context.Context) error { return broken }},
		}, 503, map[string]any{"status": "unavailable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httpapi.NewServer(httpapi.Config{}, httpapi.Deps{Ingest: e.ingest, Projects: e.projects, Sessions: e.sessions,
				Users: e.users, Blobs: e.blobs, Dist: testDist(), Ready: tt.checks}, discardLogger())
			rec := doHandler(t, srv.Handler(), "GET", "/readyz", nil)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			checkJSON(t, rec, tt.json)
			if tt.status == 503 {
				if !strings.Contains(rec.Body.String(), `"blobs":"failed"`) || strings.Contains(rec.Body.String(), "fire") {
					t.Errorf("body %s: want the failing check named and its error text hidden", rec.Body)
				}
				if rec.Header().Get("Retry-After") == "" {
					t.Errorf("503 without Retry-After")
				}
			}
		})
	}
	// A closed database is not ready.
	e.db.Close()
	if err := e.db.Ping(context.Background()); err == nil {
		t.Fatalf("Ping on a closed database: nil error")
	}
}

func TestMetricsToken(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	metricsBody := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("# metrics\n")) })
	srv := httpapi.NewServer(httpapi.Config{MetricsToken: "s3cret"}, httpapi.Deps{Ingest: e.ingest, Projects: e.projects,
		Sessions: e.sessions, Users: e.users, Blobs: e.blobs, Dist: testDist(), MetricsHandler: metricsBody}, discardLogger())
	tests := []struct {
		auth   string
		status int
	}{
		{"", 401},
		{"Bearer wrong", 401},
		{"Basic s3cret", 401},
		{"Bearer s3cret", 200},
	}
	for _, tt := range tests {
		h := map[string]string{}
		if tt.auth != "" {
			h["Authorization"] = tt.auth
		}
		rec := doHandler(t, srv.Handler(), "GET", "/metrics", h)
		if rec.Code != tt.status {
			t.Errorf("Authorization %q: status %d, want %d", tt.auth, rec.Code, tt.status)
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func doHandler(t *testing.T, h http.Handler, method, path string, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
