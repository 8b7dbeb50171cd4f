package httpapi_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
	"github.com/trailguide/trailguide/httpapi"
)

// TestSettingsAPI checks GET and PUT /api/v1/projects/{pid}/settings as
// data: who may, what is valid (the reason names the bad field), and what
// the answer's friction object is afterwards.
func TestSettingsAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	e.createUser("viewer@example.com", adminPassword, trailguide.RoleViewer)
	viewer := e.login("viewer@example.com", adminPassword)
	e.createUser("member@example.com", adminPassword, trailguide.RoleMember)
	member := e.login("member@example.com", adminPassword)
	const path = "/api/v1/projects/proj0001/settings"
	put := func(body string, cookie *http.Cookie) request {
		return request{method: "PUT", path: path, body: body, cookie: cookie, csrf: true}
	}
	with := func(f func(c *friction.Config)) *friction.Config { c := friction.Default(); f(&c); return &c }

	tests := []struct {
		name   string
		req    request
		status int
		json   map[string]any   // top-level fields of the answer
		want   *friction.Config // the answer's friction, and what a GET then returns
	}{
		{name: "defaults", req: request{method: "GET", path: path, cookie: admin}, status: 200, want: with(func(*friction.Config) {})},
		{name: "viewer can read", req: request{method: "GET", path: path, cookie: viewer}, status: 200, want: with(func(*friction.Config) {})},
		{name: "unauthenticated read", req: request{method: "GET", path: path}, status: 401},
		{name: "unknown project read", req: request{method: "GET", path: "/api/v1/projects/nope/settings", cookie: admin}, status: 404,
			json: map[string]any{"error": "not_found", "message": "Project not found."}},

		{name: "partial", req: put(`{"friction":{"rage_clicks":5}}`, admin), status: 200,
			want: with(func(c *friction.Config) { c.RageClicks = 5 })},
		{name: "viewer cannot write", req: put(`{"friction":{"rage_clicks":4}}`, viewer), status: 403, json: map[string]any{"error": "forbidden"}},
		{name: "member cannot write", req: put(`{"friction":{"rage_clicks":4}}`, member), status: 403, json: map[string]any{"error": "forbidden"}},
		{name: "unauthenticated write", req: put(`{"friction":{"rage_clicks":4}}`, nil), status: 401},
		{name: "without csrf header", req: request{method: "PUT", path: path, body: `{"friction":{"rage_clicks":4}}`, cookie: admin}, status: 403,
			json: map[string]any{"error": "forbidden"}},
		{name: "unknown project write", req: request{method: "PUT", path: "/api/v1/projects/nope/settings", body: `{"friction":{}}`, cookie: admin, csrf: true}, status: 404,
			json: map[string]any{"error": "not_found"}},
		{name: "threshold out of range", req: put(`{"friction":{"rage_clicks":1}}`, admin), status: 400,
			json: map[string]any{"error": "invalid", "reason": "friction.rage_clicks", "message": "Friction setting rage_clicks is out of range."}},
		{name: "dead_quick_ms above dead_window_ms", req: put(`{"friction":{"dead_window_ms":100}}`, admin), status: 400,
			json: map[string]any{"reason": "friction.dead_quick_ms"}},
		{name: "unknown field", req: put(`{"friction":{"rage_count":5}}`, admin), status: 400,
			json: map[string]any{"reason": "friction.rage_count", "message": `Unknown friction setting "rage_count".`}},
		{name: "wrong type", req: put(`{"friction":{"rage_window_ms":"1s"}}`, admin), status: 400,
			json: map[string]any{"reason": "friction.rage_window_ms"}},
		{name: "wrong nested type", req: put(`{"friction":{"conversion":{"events":"signup"}}}`, admin), status: 400,
			json: map[string]any{"reason": "friction.conversion.events"}},
		{name: "unknown disabled signal", req: put(`{"friction":{"disabled":["rage"]}}`, admin), status: 400,
			json: map[string]any{"reason": "friction.disabled"}},
		{name: "friction missing", req: put(`{}`, admin), status: 400, json: map[string]any{"reason": "friction"}},
		{name: "friction null", req: put(`{"friction":null}`, admin), status: 400, json: map[string]any{"reason": "friction"}},
		{name: "friction not an object", req: put(`{"friction":[1]}`, admin), status: 400, json: map[string]any{"reason": "friction"}},
		{name: "not json", req: put(`friction=1`, admin), status: 400, json: map[string]any{"reason": "body"}},
		{name: "rejected writes changed nothing", req: request{method: "GET", path: path, cookie: viewer}, status: 200,
			want: with(func(c *friction.Config) { c.RageClicks = 5 })},

		// PUT replaces: what the body omits takes the default, not the
		// previous value.
		{name: "replace", req: put(`{"friction":{"dead_window_ms":3000,"conversion":{"urls":["/thanks*"]},"disabled":["hesitation"]}}`, admin), status: 200,
			want: with(func(c *friction.Config) {
				c.DeadWindowMS = 3000
				c.Conversion.URLs = []string{"/thanks*"}
				c.Disabled = []string{"hesitation"}
			})},
		{name: "read back", req: request{method: "GET", path: path, cookie: admin}, status: 200,
			want: with(func(c *friction.Config) {
				c.DeadWindowMS = 3000
				c.Conversion.URLs = []string{"/thanks*"}
				c.Disabled = []string{"hesitation"}
			})},
		{name: "reset", req: put(`{"friction":{}}`, admin), status: 200, want: with(func(*friction.Config) {})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(tt.req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			checkJSON(t, rec, tt.json)
			if tt.want == nil {
				return
			}
			if got := settingsFriction(t, rec.Body.Bytes()); !reflect.DeepEqual(got, *tt.want) {
				t.Fatalf("friction = %+v\nwant %+v", got, *tt.want)
			}
			if tt.req.method == "PUT" {
				if got := settingsFriction(t, e.do(request{method: "GET", path: path, cookie: admin}).Body.Bytes()); !reflect.DeepEqual(got, *tt.want) {
					t.Fatalf("GET after PUT: friction = %+v\nwant %+v", got, *tt.want)
				}
			}
		})
	}
}

// settingsFriction decodes the friction object of a settings answer,
// strictly: every field present, no unknown one.
func settingsFriction(t *testing.T, body []byte) friction.Config {
	t.Helper()
	var out struct {
		Friction json.RawMessage `json:"friction"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("settings answer %s: %v", body, err)
	}
	var fields map[string]any
	if err := json.Unmarshal(out.Friction, &fields); err != nil {
		t.Fatal(err)
	}
	if _, ok := fields["rage_clicks"]; !ok {
		t.Fatalf("settings answer without the full config: %s", body)
	}
	cfg, err := friction.ParseConfig(out.Friction)
	if err != nil {
		t.Fatalf("settings answer friction %s: %v", out.Friction, err)
	}
	return cfg
}

// A PUT reaches the SDK config and the project: the ingest config of the
// project's key carries the saved friction thresholds.
func TestSettingsDelivered(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	rec := e.do(request{method: "PUT", path: "/api/v1/projects/proj0001/settings", body: `{"friction":{"rage_clicks":5,"hesitation_ms":4000}}`, cookie: admin, csrf: true})
	if rec.Code != 200 {
		t.Fatalf("put: status %d: %s", rec.Code, rec.Body)
	}
	want := friction.Default()
	want.RageClicks, want.HesitationMS = 5, 4000

	rec = e.do(request{method: "GET", path: "/ingest/v1/config?key=" + testKey})
	if rec.Code != 200 {
		t.Fatalf("config: status %d: %s", rec.Code, rec.Body)
	}
	if got := settingsFriction(t, rec.Body.Bytes()); !reflect.DeepEqual(got, want) {
		t.Errorf("SDK config friction = %+v, want %+v", got, want)
	}

	rec = e.do(request{method: "GET", path: "/api/v1/projects/proj0001", cookie: admin})
	var got struct {
		Project trailguide.Project `json:"project"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if cfg, err := friction.ParseConfig(got.Project.FrictionConfig); err != nil || !reflect.DeepEqual(cfg, want) {
		t.Errorf("project friction_config = %s (%v), want the saved full config", got.Project.FrictionConfig, err)
	}
}
