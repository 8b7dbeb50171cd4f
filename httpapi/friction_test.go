package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

// detection is a server friction event as the worker stores it.
func detection(idx int, signal, pageURL, selector string, at time.Time) *trailguide.Event {
	return &trailguide.Event{
		WindowID: "window-1", Seq: trailguide.FrictionSeq, Index: idx, Type: trailguide.EventFriction,
		Time: at, URL: pageURL, Selector: selector, Text: "Pay", Name: signal, Data: []byte(`{"source":"server"}`),
	}
}

func TestFrictionAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	ctx := context.Background()
	base := testNow().Add(-2 * time.Hour)
	for i, spec := range []batchSpec{
		{Session: "session-a", URL: "https://shop.example/checkout?step=2"},
		{Session: "session-b", URL: "https://shop.example/checkout"},
		{Session: "session-c", URL: "https://shop.example/pricing"},
	} {
		spec.Start, spec.Duration = base.Add(time.Duration(i)*time.Minute), 10*time.Second
		e.ingestBatch(spec)
	}
	store := e.sessions.(trailguide.FrictionStore)
	for _, f := range []*trailguide.SessionFriction{
		{ProjectID: "proj0001", SessionID: "session-a", Counts: map[string]int{"rage_click": 1}, Score: 3, ExitClass: "after_frustration",
			Events: []*trailguide.Event{detection(0, "rage_click", "https://shop.example/checkout?step=2", "#pay", base.Add(time.Second))}},
		{ProjectID: "proj0001", SessionID: "session-b", Counts: map[string]int{"rage_click": 1, "dead_click": 1}, Score: 5, ExitClass: "plain",
			Events: []*trailguide.Event{
				detection(0, "rage_click", "https://shop.example/checkout", "#pay", base.Add(time.Minute+time.Second)),
				detection(1, "dead_click", "https://shop.example/checkout", "#x", base.Add(time.Minute+3*time.Second)),
			}},
		{ProjectID: "proj0001", SessionID: "session-c", ExitClass: "plain"},
	} {
		if err := store.ReplaceFriction(ctx, f); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("sessions", func(t *testing.T) {
		tests := []struct {
			query string
			want  []string
		}{
			{"signal=rage_click", []string{"session-b", "session-a"}},
			{"selector=" + url.QueryEscape("#x"), []string{"session-b"}},
			{"signal=dead_click&selector=" + url.QueryEscape("#pay"), nil},
			{"sort=frustration", []string{"session-b", "session-a", "session-c"}},
			{"sort=frustration&limit=1", []string{"session-b"}},
		}
		for _, tt := range tests {
			rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions?" + tt.query, cookie: admin})
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: status %d: %s", tt.query, rec.Code, rec.Body)
			}
			var got []string
			for _, s := range decode(t, rec)["sessions"].([]any) {
				got = append(got, s.(map[string]any)["id"].(string))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%s: sessions %v, want %v", tt.query, got, tt.want)
			}
		}
		// The next page of the frustration sort continues it.
		rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions?sort=frustration&limit=2", cookie: admin})
		body := decode(t, rec)
		next := body["next_cursor"].(string)
		rec = e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions?sort=frustration&limit=2&cursor=" + next, cookie: admin})
		if rec.Code != http.StatusOK {
			t.Fatalf("next page: %d %s", rec.Code, rec.Body)
		}
		if s := decode(t, rec)["sessions"].([]any); len(s) != 1 || s[0].(map[string]any)["id"] != "session-c" {
			t.Errorf("next page: %v, want session-c", s)
		}
		// The session JSON carries the analysis.
		first := body["sessions"].([]any)[0].(map[string]any)
		counts, _ := first["friction_counts"].(map[string]any)
		if counts["rage_click"] != float64(1) || counts["dead_click"] != float64(1) ||
			first["frustration_score"] != float64(5) || first["exit_class"] != "plain" {
			t.Errorf("session JSON: %v", first)
		}
	})

	t.Run("report", func(t *testing.T) {
		rec := e.do(request{method: "GET", path: fmt.Sprintf("/api/v1/projects/proj0001/friction?from=%d&to=%d",
			base.UnixMilli(), base.Add(time.Hour).UnixMilli()), cookie: admin})
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		body := decode(t, rec)
		elements := body["elements"].([]any)
		if len(elements) != 2 {
			t.Fatalf("elements: %v", elements)
		}
		top := elements[0].(map[string]any)
		want := map[string]any{
			"url": "/checkout", "selector": "#pay", "text": "Pay", "signal": "rage_click",
			"count": float64(2), "sessions": float64(2), "page_sessions": float64(2), "share_of_page_views": float64(1),
		}
		for k, v := range want {
			if top[k] != v {
				t.Errorf("top row %s = %v, want %v", k, top[k], v)
			}
		}
		ex := top["example"].(map[string]any)
		if ex["session_id"] != "session-b" || ex["window_id"] != "window-1" || ex["t_ms"] != float64(1000) {
			t.Errorf("example %v, want session-b 1 s in", ex)
		}
		if top["first_seen"] == nil || top["last_seen"] == nil {
			t.Errorf("first/last seen missing: %v", top)
		}
		second := elements[1].(map[string]any)
		if second["signal"] != "dead_click" || second["selector"] != "#x" || second["share_of_page_views"] != 0.5 {
			t.Errorf("second row %v", second)
		}
		exits := body["exits"].(map[string]any)
		if len(exits) != 2 || exits["plain"] != float64(2) || exits["after_frustration"] != float64(1) {
			t.Errorf("exits %v", exits)
		}

		// Nothing in range: empty lists, not null.
		rec = e.do(request{method: "GET", path: fmt.Sprintf("/api/v1/projects/proj0001/friction?from=%d", base.Add(time.Hour).UnixMilli()), cookie: admin})
		checkJSON(t, rec, map[string]any{"elements": []any{}, "exits": map[string]any{}})
	})

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			path   string
			cookie bool
			status int
			reason string
		}{
			{"/api/v1/projects/proj0001/friction?limit=0", true, http.StatusBadRequest, "limit"},
			{"/api/v1/projects/proj0001/friction?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", true, http.StatusBadRequest, "to"},
			{"/api/v1/projects/proj0001/friction?from=soon", true, http.StatusBadRequest, "from"},
			{"/api/v1/projects/proj0001/sessions?signal=rage", true, http.StatusBadRequest, "signal"},
			{"/api/v1/projects/proj0001/sessions?sort=oldest", true, http.StatusBadRequest, "sort"},
			{"/api/v1/projects/nope/friction", true, http.StatusNotFound, ""},
			{"/api/v1/projects/proj0001/friction", false, http.StatusUnauthorized, ""},
		}
		for _, tt := range tests {
			r := request{method: "GET", path: tt.path}
			if tt.cookie {
				r.cookie = admin
			}
			rec := e.do(r)
			if rec.Code != tt.status {
				t.Errorf("%s: status %d, want %d: %s", tt.path, rec.Code, tt.status, rec.Body)
				continue
			}
			if tt.reason != "" {
				if got := decode(t, rec)["reason"]; got != tt.reason {
					t.Errorf("%s: reason %v, want %s", tt.path, got, tt.reason)
				}
			}
		}
	})
}
