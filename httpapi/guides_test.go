package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguide/trailguide/httpapi"
)

// TestGuidesAPI: create (content sanitised), update with versions, publish,
// pause, eligibility for the SDK and the impact report.
func TestGuidesAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{SetupToken: testSetupToken})
	admin := e.adminCookie()
	const base = "/api/v1/projects/proj0001/guides"
	call := func(method, path, body string, status int) map[string]any {
		t.Helper()
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
	body := `{"name":"Plan help","type":"tooltip","holdout_percent":0,
		"steps":[{"title":"Pick a plan","body":"<b>Team</b> fits most<script>alert(1)</script><a href=\"javascript:x\">x</a>","selector":"#plan"}],
		"trigger":{"type":"friction","selector":"#plan"}}`
	g := call("POST", base, body, 201)
	id := g["id"].(string)
	step := g["steps"].([]any)[0].(map[string]any)
	if step["body"] != "<b>Team</b> fits mostx" || g["status"] != "draft" || g["version"].(float64) != 1 {
		t.Fatalf("created: %v", g)
	}
	bad := call("POST", base, `{"name":"x","type":"tooltip","steps":[{"title":"t"}]}`, 400)
	if bad["reason"] != "steps[0].selector" {
		t.Fatalf("bad guide: %v", bad)
	}
	g = call("PUT", base+"/"+id, strings.Replace(body, "Pick a plan", "Pick the Team plan", 1), 200)
	if g["version"].(float64) != 2 {
		t.Fatalf("updated: %v", g)
	}
	call("PUT", base+"/"+id, strings.Replace(body, `"name"`, `"version":1,"name"`, 1), 409)

	visitor := `{"key":"` + testKey + `","session":"s1","visitor":"v1","url":"https://shop.example/pricing"}`
	ingest := func(body string, status int) map[string]any {
		t.Helper()
		resp := e.do(request{method: "POST", path: "/ingest/v1/guides", body: body})
		if resp.Code != status {
			t.Fatalf("ingest guides: %d %s", resp.Code, resp.Body)
		}
		var out map[string]any
		_ = json.Unmarshal(resp.Body.Bytes(), &out)
		return out
	}
	if out := ingest(visitor, 200); len(out["guides"].([]any)) != 0 {
		t.Fatalf("a draft was served: %v", out)
	}
	call("POST", base+"/"+id+"/publish", "", 200)
	out := ingest(visitor, 200)
	if gs := out["guides"].([]any); len(gs) != 1 || gs[0].(map[string]any)["id"] != id {
		t.Fatalf("published guide not served: %v", out)
	}
	ingest(`{"key":"pk_nope","session":"s1","visitor":"v1"}`, 401)
	ingest(`{"key":"`+testKey+`"}`, 400)
	call("POST", base+"/"+id+"/pause", "", 200)
	if out := ingest(visitor, 200); len(out["guides"].([]any)) != 0 {
		t.Fatalf("a paused guide was served: %v", out)
	}
	vs := call("GET", base+"/"+id+"/versions", "", 200)["versions"].([]any)
	if len(vs) != 4 || vs[0].(map[string]any)["status"] != "paused" {
		t.Fatalf("versions: %d", len(vs))
	}
	im := call("GET", base+"/"+id+"/impact", "", 200)
	if f := im["friction"].(map[string]any); f["exposed"].(float64) != 1 || f["holdout"].(float64) != 0 || im["anchor"] != "#plan" {
		t.Fatalf("impact: %v", im)
	}
	if list := call("GET", base, "", 200)["guides"].([]any); len(list) != 1 {
		t.Fatalf("list: %v", list)
	}
	call("DELETE", base+"/"+id, "", 204)
	call("GET", base+"/"+id, "", 404)
}
