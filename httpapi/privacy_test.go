package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

// TestPrivacySettingsAPI checks GET and PUT
// /api/v1/projects/{pid}/settings/privacy as data, then that the saved
// rules reach the SDK through /ingest/v1/config.
func TestPrivacySettingsAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	e.createUser("viewer@example.com", adminPassword, trailguide.RoleViewer)
	viewer := e.login("viewer@example.com", adminPassword)
	e.createUser("member@example.com", adminPassword, trailguide.RoleMember)
	member := e.login("member@example.com", adminPassword)
	const path = "/api/v1/projects/proj0001/settings/privacy"
	put := func(body string, cookie *http.Cookie) request {
		return request{method: "PUT", path: path, body: body, cookie: cookie, csrf: true}
	}
	const def = `{"block_selectors":[],"mask_selectors":[],"mode":"balanced","unmask_selectors":[]}`
	const saved = `{"block_selectors":["#map"],"mask_selectors":[".pii"],"mode":"strict","unmask_selectors":["[data-plan]"]}` // keys sorted by compactJSON

	tests := []struct {
		name   string
		req    request
		status int
		json   map[string]any
		body   string // the whole answer, compact; also what a GET returns after a PUT
	}{
		{name: "defaults", req: request{method: "GET", path: path, cookie: admin}, status: 200, body: def},
		{name: "viewer can read", req: request{method: "GET", path: path, cookie: viewer}, status: 200, body: def},
		{name: "unauthenticated read", req: request{method: "GET", path: path}, status: 401},
		{name: "unknown project", req: request{method: "GET", path: "/api/v1/projects/nope/settings/privacy", cookie: admin}, status: 404,
			json: map[string]any{"error": "not_found", "message": "Project not found."}},
		{name: "viewer cannot write", req: put(`{"mode":"relaxed"}`, viewer), status: 403, json: map[string]any{"error": "forbidden"}},
		{name: "member cannot write", req: put(`{"mode":"relaxed"}`, member), status: 403, json: map[string]any{"error": "forbidden"}},
		{name: "without csrf header", req: request{method: "PUT", path: path, body: `{"mode":"relaxed"}`, cookie: admin}, status: 403},
		{name: "unknown project write", req: request{method: "PUT", path: "/api/v1/projects/nope/settings/privacy", body: `{}`, cookie: admin, csrf: true}, status: 404},
		{name: "invalid selector", req: put(`{"mask_selectors":[".ok","p::before"]}`, admin), status: 400,
			json: map[string]any{"error": "invalid", "reason": "privacy.mask_selectors.1",
				"message": `Invalid selector "p::before": pseudo-elements (::name) never match an element (at character 3).`}},
		{name: "unbalanced selector", req: put(`{"block_selectors":["div:not(.a"]}`, admin), status: 400,
			json: map[string]any{"reason": "privacy.block_selectors.0"}},
		{name: "unknown mode", req: put(`{"mode":"off"}`, admin), status: 400, json: map[string]any{"reason": "privacy.mode"}},
		{name: "unknown field", req: put(`{"mode":"strict","allow":["*"]}`, admin), status: 400, json: map[string]any{"reason": "privacy.allow"}},
		{name: "wrong type", req: put(`{"unmask_selectors":"#a"}`, admin), status: 400, json: map[string]any{"reason": "privacy.unmask_selectors"}},
		{name: "not an object", req: put(`["#a"]`, admin), status: 400, json: map[string]any{"reason": "privacy"}},
		{name: "not json", req: put(`mode=strict`, admin), status: 400, json: map[string]any{"reason": "body"}},
		{name: "save, normalised", req: put(`{"mode":"strict","mask_selectors":[" .pii",".pii",""],"block_selectors":["#map"],"unmask_selectors":["[data-plan]"]}`, admin),
			status: 200, body: saved},
		{name: "a failed write changes nothing", req: put(`{"mode":"relaxed","mask_selectors":["::x"]}`, admin), status: 400},
		{name: "read back", req: request{method: "GET", path: path, cookie: viewer}, status: 200, body: saved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(tt.req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			checkJSON(t, rec, tt.json)
			if tt.body == "" {
				return
			}
			if got := compactJSON(t, rec.Body.Bytes()); got != tt.body {
				t.Fatalf("answer = %s\nwant %s", got, tt.body)
			}
			if tt.req.method == "PUT" {
				if got := compactJSON(t, e.do(request{method: "GET", path: path, cookie: admin}).Body.Bytes()); got != tt.body {
					t.Fatalf("GET after PUT = %s\nwant %s", got, tt.body)
				}
			}
		})
	}

	rec := e.do(request{method: "GET", path: "/ingest/v1/config?key=" + testKey})
	var cfg struct {
		Mask json.RawMessage `json:"mask"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &cfg); err != nil || rec.Code != 200 {
		t.Fatalf("config: %d %s", rec.Code, rec.Body)
	}
	if got := compactJSON(t, cfg.Mask); got != saved {
		t.Errorf("SDK config mask = %s, want %s", got, saved)
	}
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
