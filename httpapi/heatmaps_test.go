package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

func TestHeatmapAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	ctx := context.Background()
	base := testNow().Add(-2 * time.Hour)
	for i, sid := range []string{"session-a", "session-b"} {
		e.ingestBatch(batchSpec{Session: sid, URL: "https://shop.example/product/" + sid, Start: base.Add(time.Duration(i) * time.Minute), Duration: 10 * time.Second})
	}
	store := e.sessions.(trailguide.HeatmapStore)
	for i, sid := range []string{"session-a", "session-b"} {
		at := base.Add(time.Duration(i) * time.Minute)
		path := "/product/" + sid
		h := &trailguide.SessionHeatmap{ProjectID: "proj0001", SessionID: sid,
			Views:  []*trailguide.HeatView{{WindowID: "window-1", Time: at, Path: path, Device: "desktop", ViewportW: 1280, ViewportH: 800, DocH: 1600, Depth: 50 + 50*i}},
			Clicks: []*trailguide.HeatClick{{WindowID: "window-1", Time: at.Add(time.Second), Path: path, Device: "desktop", Selector: "#buy", Text: "Buy", OX: 0.5, OY: 0.5, Dead: i == 1}},
		}
		if err := store.ReplaceHeatmap(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	get := func(q string) (int, map[string]any) {
		rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/heatmaps" + q, cookie: admin})
		if rec.Code != http.StatusOK {
			return rec.Code, nil
		}
		return rec.Code, decode(t, rec)
	}

	// a pattern merges both product pages
	code, body := get("?page=" + url.QueryEscape("/product/:id"))
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if body["views"] != float64(2) || len(body["paths"].([]any)) != 2 || body["fold_px"] != float64(800) {
		t.Errorf("report: views %v paths %v fold %v", body["views"], body["paths"], body["fold_px"])
	}
	el := body["elements"].([]any)[0].(map[string]any)
	if el["selector"] != "#buy" || el["clicks"] != float64(2) || el["share"] != float64(1) || el["dead_share"] != float64(0.5) || el["text"] != "Buy" {
		t.Errorf("element: %v", el)
	}
	depth := body["depth"].([]any)
	if depth[10].(map[string]any)["share"] != float64(1) || depth[20].(map[string]any)["share"] != float64(0.5) {
		t.Errorf("depth: %v", depth)
	}
	// one exact page; a session filter; one map
	if _, b := get("?page=/product/session-a"); b["views"] != float64(1) {
		t.Errorf("one page: %v views", b["views"])
	}
	if _, b := get("?page=" + url.QueryEscape("/product/:id") + "&session_from=" + url.QueryEscape(base.Add(30*time.Second).Format(time.RFC3339Nano))); b["views"] != float64(1) {
		t.Errorf("session filter: %v views", b["views"])
	}
	if _, b := get("?page=/product/session-a&maps=depth"); len(b["clicks"].([]any)) != 0 || b["views"] != float64(1) {
		t.Errorf("depth map only: clicks %v", b["clicks"])
	}

	// sessions with dead clicks on the element
	rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/heatmaps/sessions?kind=dead&selector=" + url.QueryEscape("#buy") + "&page=" + url.QueryEscape("/product/:id"), cookie: admin})
	if rec.Code != http.StatusOK {
		t.Fatalf("sessions: %d %s", rec.Code, rec.Body)
	}
	list := decode(t, rec)["sessions"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["session_id"] != "session-b" || list[0].(map[string]any)["t_ms"] != float64(1000) {
		t.Errorf("dead-click sessions: %v", list)
	}

	rec = e.do(request{method: "GET", path: "/api/v1/projects/proj0001/heatmaps/pages", cookie: admin})
	if pages := decode(t, rec)["pages"].([]any); len(pages) != 2 {
		t.Errorf("pages: %v", pages)
	}
	// no snapshot was recorded
	rec = e.do(request{method: "GET", path: "/api/v1/projects/proj0001/heatmaps/snapshot?page=/product/session-a", cookie: admin})
	if rec.Code != http.StatusNotFound {
		t.Errorf("snapshot without one: %d", rec.Code)
	}

	for _, tt := range []struct{ query, reason string }{
		{"", "page"},
		{"?page=product", "page"},
		{"?page=/p&device=tv", "device"},
		{"?page=/p&maps=heat", "maps"},
		{"?page=/p&from=yesterday", "from"},
		{"?page=/p&has_error=maybe", "has_error"},
	} {
		rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/heatmaps" + tt.query, cookie: admin})
		if rec.Code != http.StatusBadRequest || decode(t, rec)["reason"] != tt.reason {
			t.Errorf("%q: %d %s, want 400 with reason %s", tt.query, rec.Code, rec.Body, tt.reason)
		}
	}
	// another organisation's project is not found
	rec = e.do(request{method: "GET", path: "/api/v1/projects/nope/heatmaps?page=/p", cookie: admin})
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown project: %d", rec.Code)
	}
}
