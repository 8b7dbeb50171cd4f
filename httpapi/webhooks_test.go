package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

func TestWebhooksAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	e.createUser("member@example.com", "member-password-1", trailguide.RoleMember)
	member := e.login("member@example.com", "member-password-1")
	base := "/api/v1/projects/proj0001/webhooks"
	tests := []struct {
		name   string
		req    request
		status int
		reason string
	}{
		{"member lists", request{method: "GET", path: base, cookie: member}, 403, ""},
		{"member creates", request{method: "POST", path: base, body: `{"url":"https://h.example/","events":["session.error"]}`, cookie: member, csrf: true}, 403, ""},
		{"bad url", request{method: "POST", path: base, body: `{"url":"ftp://h.example/","events":["session.error"]}`, cookie: admin, csrf: true}, 400, "url"},
		{"no events", request{method: "POST", path: base, body: `{"url":"https://h.example/","events":[]}`, cookie: admin, csrf: true}, 400, "events"},
		{"unknown event", request{method: "POST", path: base, body: `{"url":"https://h.example/","events":["session.error","x"]}`, cookie: admin, csrf: true}, 400, "events[1]"},
		{"unknown project", request{method: "GET", path: "/api/v1/projects/nope/webhooks", cookie: admin}, 404, ""},
		{"unknown webhook log", request{method: "GET", path: base + "/nope/deliveries", cookie: admin}, 404, ""},
		{"delete unknown", request{method: "DELETE", path: base + "/nope", cookie: admin, csrf: true}, 404, ""},
		{"test without a dispatcher", request{method: "POST", path: base + "/nope/test", cookie: admin, csrf: true}, 503, ""},
	}
	for _, tt := range tests {
		rec := e.do(tt.req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
		}
		if tt.reason != "" {
			checkJSON(t, rec, map[string]any{"reason": tt.reason})
		}
	}

	rec := e.do(request{method: "POST", path: base, body: `{"url":" https://hooks.example/tg ","events":["session.error","friction.spike","session.error"]}`, cookie: admin, csrf: true})
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var created struct {
		Webhook trailguide.Webhook `json:"webhook"`
		Secret  string             `json:"secret"`
	}
	json.Unmarshal(rec.Body.Bytes(), &created)
	if created.Webhook.URL != "https://hooks.example/tg" || len(created.Webhook.Events) != 2 || !strings.HasPrefix(created.Secret, "whsec_") {
		t.Fatalf("created %+v", created)
	}
	rec = e.do(request{method: "GET", path: base, cookie: admin})
	if rec.Code != 200 || strings.Contains(rec.Body.String(), created.Secret) || !strings.Contains(rec.Body.String(), created.Webhook.ID) {
		t.Fatalf("list: %d %s (the secret must not be listed)", rec.Code, rec.Body)
	}
	rec = e.do(request{method: "GET", path: base + "/" + created.Webhook.ID + "/deliveries", cookie: admin})
	checkJSON(t, rec, map[string]any{"deliveries": []any{}})
	if rec := e.do(request{method: "DELETE", path: base + "/" + created.Webhook.ID, cookie: admin, csrf: true}); rec.Code != 204 {
		t.Fatalf("delete: %d", rec.Code)
	}
	if rec := e.do(request{method: "GET", path: base + "/" + created.Webhook.ID + "/deliveries", cookie: admin}); rec.Code != 404 {
		t.Errorf("log of a deleted webhook: %d", rec.Code)
	}
}
