package httpapi_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

// TestSegmentsAndFunnelsAPI: saved segments, the session list's segment
// parameters and the funnel routes, over real stores and ingest.
func TestSegmentsAndFunnelsAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{SetupToken: testSetupToken})
	admin := e.adminCookie()
	start := testNow().Add(-time10m)
	e.ingestBatch(batchSpec{Session: "sess-aaaa", Start: start, Duration: time10s, URL: "https://shop.example/", UTMSource: "google"})
	e.ingestBatch(batchSpec{Session: "sess-bbbb", Start: start.Add(time10s), Duration: time10s, URL: "https://shop.example/pricing", UTMSource: "google"})
	e.ingestBatch(batchSpec{Session: "sess-cccc", Start: start.Add(2 * time10s), Duration: time10s, URL: "https://shop.example/pricing?plan=pro"})
	const base = "/api/v1/projects/proj0001"
	call := func(method, path, body string, status int) map[string]any {
		t.Helper()
		if strings.Contains(path, "/funnel") {
			path += "?q=" + url.QueryEscape(body)
			body = ""
		}
		resp := e.do(request{method: method, path: path, body: body, cookie: admin, csrf: method != "GET"})
		if resp.Code != status {
			t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.Code, status, resp.Body)
		}
		var out map[string]any
		if resp.Body.Len() > 0 {
			if err := json.Unmarshal(resp.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return out
	}
	ids := func(out map[string]any) []string {
		var got []string
		for _, s := range out["sessions"].([]any) {
			got = append(got, s.(map[string]any)["id"].(string))
		}
		return got
	}

	// The session list filtered by an inline segment.
	seg := url.QueryEscape(`{"and":[{"field":"utm_source","op":"eq","value":"google"},{"field":"landing_page","op":"eq","value":"/pricing"}]}`)
	if got := ids(call("GET", base+"/sessions?segment="+seg, "", 200)); !slices.Equal(got, []string{"sess-bbbb"}) {
		t.Fatalf("segment-filtered sessions: got %v", got)
	}
	bad := call("GET", base+"/sessions?segment="+url.QueryEscape(`{"and":[{"field":"nope"}]}`), "", 400)
	if bad["reason"] != "segment.and[0].field" {
		t.Fatalf("bad segment: got %v", bad)
	}

	// Saved segments.
	created := call("POST", base+"/segments", `{"name":"From Google","filter":{"field":"utm_source","op":"eq","value":"google"}}`, 201)
	id, _ := created["id"].(string)
	if !strings.HasPrefix(id, "seg_") {
		t.Fatalf("created segment: %v", created)
	}
	call("POST", base+"/segments", `{"name":"From Google","filter":{"field":"os","op":"eq","value":"iOS"}}`, 409)
	call("POST", base+"/segments", `{"name":"x","filter":{"field":"os","op":"lt","value":"iOS"}}`, 400)
	if got := ids(call("GET", base+"/sessions?segment_id="+id, "", 200)); !slices.Equal(got, []string{"sess-bbbb", "sess-aaaa"}) {
		t.Fatalf("sessions of a saved segment: got %v", got)
	}
	call("GET", base+"/sessions?segment_id=nope", "", 400)
	call("PUT", base+"/segments/"+id, `{"name":"Google","filter":{"field":"utm_source","op":"eq","value":"google"}}`, 200)
	list := call("GET", base+"/segments", "", 200)["segments"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["name"] != "Google" {
		t.Fatalf("segments: got %v", list)
	}

	// Funnels: landing on /pricing, then the click on #buy.
	funnel := `{"steps":[{"kind":"pageview","url":"/*"},{"kind":"pageview","url":"/pricing"},{"kind":"click","selector":"#buy"}]}`
	res := call("GET", base+"/funnel", `{"funnel":`+funnel+`,"breakdown":"utm_source"}`, 200)
	entered := func(steps any) []float64 {
		var out []float64
		for _, s := range steps.([]any) {
			out = append(out, s.(map[string]any)["entered"].(float64))
		}
		return out
	}
	// Each session has one pageview: it is step 1 or step 2, not both.
	if got := entered(res["steps"]); !slices.Equal(got, []float64{3, 0, 0}) {
		t.Fatalf("funnel entered: got %v", got)
	}
	funnel = `{"steps":[{"kind":"pageview","url":"/pricing"},{"kind":"click","selector":"#buy"}]}`
	res = call("GET", base+"/funnel", `{"funnel":`+funnel+`,"breakdown":"utm_source","compare":[{"name":"Google","filter":{"field":"utm_source","op":"eq","value":"google"}}]}`, 200)
	if got := entered(res["steps"]); !slices.Equal(got, []float64{2, 2}) {
		t.Fatalf("funnel entered: got %v", got)
	}
	groups := res["breakdown"].([]any)
	if len(groups) != 2 {
		t.Fatalf("breakdown: got %v", groups)
	}
	cmp := res["compare"].([]any)
	if len(cmp) != 1 || !slices.Equal(entered(cmp[0].(map[string]any)["steps"]), []float64{1, 1}) {
		t.Fatalf("compare: got %v", cmp)
	}
	res = call("GET", base+"/funnel", `{"funnel":`+funnel+`,"segment_id":"`+id+`"}`, 200)
	if got := entered(res["steps"]); !slices.Equal(got, []float64{1, 1}) {
		t.Fatalf("funnel of a saved segment: got %v", got)
	}
	drill := call("GET", base+"/funnel/sessions", `{"funnel":`+funnel+`,"step":0,"outcome":"converted"}`, 200)
	units := drill["units"].([]any)
	if drill["total"].(float64) != 2 || len(units) != 2 || units[0].(map[string]any)["session_id"] != "sess-cccc" ||
		units[0].(map[string]any)["window_id"] != "window-1" {
		t.Fatalf("drill-down: got %v", drill)
	}

	for _, tt := range []struct{ body, reason string }{
		{`{"funnel":{"steps":[{"kind":"pageview"}]}}`, "funnel.steps[0].url"},
		{`{"funnel":{"steps":[]}}`, "funnel.steps"},
		{`{"funnel":` + funnel + `,"segment":{"field":"x"}}`, "segment.field"},
		{`{"funnel":` + funnel + `,"breakdown":"clicked"}`, "breakdown"},
		{`{"funnel":` + funnel + `,"from":"soon"}`, "from"},
	} {
		if got := call("GET", base+"/funnel", tt.body, 400); got["reason"] != tt.reason {
			t.Fatalf("%s: got %v, want reason %s", tt.body, got, tt.reason)
		}
	}
	if got := call("GET", base+"/funnel/sessions", `{"funnel":`+funnel+`,"step":5,"outcome":"dropped"}`, 400); got["reason"] != "step" {
		t.Fatalf("drill-down bad step: got %v", got)
	}
	call("DELETE", base+"/segments/"+id, "", 204)
	call("DELETE", base+"/segments/"+id, "", 404)
	_ = trailguide.FieldVisited
}

// TestSavedFunnelsAPI: a funnel saved under a name is listed, replaced and
// deleted; a funnel without a name or with a bad step is refused.
func TestSavedFunnelsAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{SetupToken: testSetupToken})
	admin := e.adminCookie()
	const base = "/api/v1/projects/proj0001/funnels"
	do := func(method, path, body string, status int) map[string]any {
		t.Helper()
		resp := e.do(request{method: method, path: path, body: body, cookie: admin, csrf: method != "GET"})
		if resp.Code != status {
			t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.Code, status, resp.Body)
		}
		var out map[string]any
		_ = json.Unmarshal(resp.Body.Bytes(), &out)
		return out
	}
	created := do("POST", base, `{"name":"Sign-up","steps":[{"kind":"pageview","url":"/signup"},{"kind":"event","name":"signup_completed"}],"window_ms":60000}`, 201)
	id := created["id"].(string)
	if created["order"] != "sequential" || created["count_by"] != "session" {
		t.Fatalf("defaults: %v", created)
	}
	do("POST", base, `{"steps":[{"kind":"pageview","url":"/x"}]}`, 400)
	do("POST", base, `{"name":"y","steps":[{"kind":"click"}]}`, 400)
	do("PUT", base+"/"+id, `{"name":"Sign-up 2","steps":[{"kind":"pageview","url":"/signup"}]}`, 200)
	list := do("GET", base, "", 200)["funnels"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["name"] != "Sign-up 2" {
		t.Fatalf("funnels: %v", list)
	}
	do("DELETE", base+"/"+id, "", 204)
	do("DELETE", base+"/"+id, "", 404)
}
