package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

// Organisation B's data: every string here is unique, so finding one in a
// response to organisation A is a leak.
const (
	orgB         = "org-bravo"
	jobB         = "job-bravo"
	projB        = "proj-bravo"
	projBName    = "Bravo secret project"
	projBKey     = "tg_b0b0b0b0b0b0b0b0b0b0b0b0"
	projBOrigin  = "https://bravo-only.example"
	sessB        = "session-bravo-secret"
	userBEmail   = "bravo-admin@bravo.example"
	viewerBEmail = "bravo-viewer@bravo.example"
	keyBName     = "bravo-key-name"
	sessA        = "session-alpha"
)

// tenants is a server with two organisations: A (the default one, with the
// env's project, admin, a viewer and a read-write key) and B.
type tenants struct {
	*testEnv
	adminA, viewerA, memberA *http.Cookie
	keyA                     string // read-write secret key of A
	keyAReadOnly             string
	keyB                     string
	userB, viewerB           *trailguide.User
	keyBID                   string
	bData                    []string // strings that must never reach A
}

func newTenants(t *testing.T) *tenants {
	t.Helper()
	ctx := context.Background()
	e := newTestEnv(t, httpapi.Config{})
	tn := &tenants{testEnv: e}
	tn.adminA = e.adminCookie()
	e.createUser("viewer-a@example.com", adminPassword, trailguide.RoleViewer)
	tn.viewerA = e.login("viewer-a@example.com", adminPassword)
	e.createUser("member-a@example.com", adminPassword, trailguide.RoleMember)
	tn.memberA = e.login("member-a@example.com", adminPassword)
	e.ingestBatch(batchSpec{Session: sessA, Start: testNow().Add(-time10m), Duration: time10s})

	if err := e.users.CreateOrg(ctx, &trailguide.Org{ID: orgB, Name: "Bravo"}); err != nil {
		t.Fatal(err)
	}
	pb := &trailguide.Project{ID: projB, OrgID: orgB, Name: projBName, PublicKey: projBKey,
		AllowedOrigins: []string{projBOrigin}, RetentionDays: 30, CreatedAt: time.Now().UTC()}
	if err := e.projects.CreateProject(ctx, pb); err != nil {
		t.Fatal(err)
	}
	resp := e.do(request{method: "POST", path: "/ingest/v1/batch", rawBody: batchJSON(batchSpec{Key: projBKey, Session: sessB, Start: testNow().Add(-time10m), Duration: time10s}),
		headers: map[string]string{"Content-Type": "text/plain", "Origin": projBOrigin}})
	if resp.Code != http.StatusOK {
		t.Fatalf("ingest into B: %d %s", resp.Code, resp.Body)
	}
	tn.userB = e.createOrgUser(orgB, userBEmail, adminPassword, trailguide.RoleAdmin)
	tn.viewerB = e.createOrgUser(orgB, viewerBEmail, adminPassword, trailguide.RoleViewer)

	tn.keyB = httpapi.NewSecretKey()
	kb := &trailguide.APIKey{ID: "key-bravo", OrgID: orgB, Name: keyBName, Prefix: tn.keyB[:12], Scope: trailguide.ScopeReadWrite,
		Hash: trailguide.HashAPIKey(tn.keyB), CreatedBy: userBEmail}
	if err := e.keys.CreateAPIKey(ctx, kb); err != nil {
		t.Fatal(err)
	}
	tn.keyBID = kb.ID
	jb := &trailguide.Job{ID: jobB, Kind: "erase_user", ProjectID: projB, UserID: userBEmail, Status: "done", CreatedAt: time.Now().UTC()}
	if err := e.sessions.(trailguide.ErasureStore).CreateJob(ctx, jb); err != nil {
		t.Fatal(err)
	}
	tn.keyA = tn.createKey(trailguide.ScopeReadWrite)
	tn.keyAReadOnly = tn.createKey(trailguide.ScopeRead)
	tn.bData = []string{orgB, projB, projBName, projBKey, projBOrigin, sessB, userBEmail, viewerBEmail, tn.userB.ID, tn.viewerB.ID,
		keyBName, kb.ID, kb.Prefix}
	return tn
}

// createKey makes a secret key of A through the API and returns it.
func (tn *tenants) createKey(scope string) string {
	tn.t.Helper()
	rec := tn.do(request{method: "POST", path: "/api/v1/keys", body: `{"name":"a-` + scope + `","scope":"` + scope + `"}`, cookie: tn.adminA, csrf: true})
	if rec.Code != http.StatusCreated {
		tn.t.Fatalf("create key: %d %s", rec.Code, rec.Body)
	}
	return decode(tn.t, rec)["secret"].(string)
}

// isolationCase says how to call one /api/v1 route as organisation A with
// organisation B's IDs. ids are the path values to try (each map is one
// request; wildcards it leaves out take B's IDs); status is what A must get
// (404 by default). none, when set, says why the route takes no IDs and
// returns no organisation data, so there is nothing to isolate.
type isolationCase struct {
	ids    []map[string]string
	body   string
	status int
	none   string
}

// isolationCases has one entry per /api/v1 route pattern. A route added to
// the table without an entry here fails TestTenantIsolation.
var isolationCases = map[string]isolationCase{
	"GET /api/v1/setup":        {none: "public; tells only whether setup is pending"},
	"GET /api/v1/openapi.json": {none: "public; the API description, no data"},
	"POST /api/v1/setup":       {none: "public; works only before any user exists"},
	"POST /api/v1/login":       {none: "public; checks the caller's own credentials"},
	"POST /api/v1/logout":      {none: "ends the caller's own session"},
	"POST /api/v1/me/password": {none: "changes the caller's own password (TestChangePassword)"},
	"POST /api/v1/users":       {none: "creates in the caller's organisation (TestUsersAPI checks which)"},
	"POST /api/v1/keys":        {none: "creates in the caller's organisation (TestAPIKeys checks which)"},
	"POST /api/v1/projects":    {none: "creates in the caller's organisation (TestProjectsAPI checks which)"},

	"GET /api/v1/me":       {status: 200},
	"GET /api/v1/users":    {status: 200},
	"GET /api/v1/keys":     {status: 200},
	"GET /api/v1/projects": {status: 200},

	"PATCH /api/v1/users/{uid}":  {body: `{"role":"viewer"}`},
	"DELETE /api/v1/users/{uid}": {ids: []map[string]string{{"uid": "VIEWER_B"}}},
	"DELETE /api/v1/keys/{kid}":  {},

	"GET /api/v1/projects/{pid}":                           {},
	"PUT /api/v1/projects/{pid}/allowed-origins":           {body: `{"allowed_origins":[]}`},
	"GET /api/v1/projects/{pid}/settings":                  {},
	"PUT /api/v1/projects/{pid}/settings":                  {body: `{"friction":{}}`},
	"GET /api/v1/projects/{pid}/settings/privacy":          {},
	"PUT /api/v1/projects/{pid}/settings/privacy":          {body: `{"mode":"strict"}`},
	"GET /api/v1/projects/{pid}/sessions":                  {},
	"GET /api/v1/projects/{pid}/sessions/facets":           {},
	"GET /api/v1/projects/{pid}/friction":                  {},
	"GET /api/v1/projects/{pid}/privacy":                   {},
	"DELETE /api/v1/projects/{pid}/users/{userId}":         {},
	"GET /api/v1/jobs/{id}":                                {},
	"GET /api/v1/projects/{pid}/webhooks":                  {},
	"POST /api/v1/projects/{pid}/webhooks":                 {body: `{"url":"https://hooks.example/","events":["session.error"]}`},
	"DELETE /api/v1/projects/{pid}/webhooks/{wid}":         {},
	"GET /api/v1/projects/{pid}/webhooks/{wid}/deliveries": {},
	"POST /api/v1/projects/{pid}/webhooks/{wid}/test":      {},
	"GET /api/v1/projects/{pid}/heatmaps":                  {},
	"GET /api/v1/projects/{pid}/heatmaps/pages":            {},
	"GET /api/v1/projects/{pid}/heatmaps/sessions":         {},
	"GET /api/v1/projects/{pid}/heatmaps/snapshot":         {},
	"GET /api/v1/projects/{pid}/segments":                  {},
	"POST /api/v1/projects/{pid}/segments":                 {body: `{"name":"x","filter":{"field":"os","op":"eq","value":"iOS"}}`},
	"PUT /api/v1/projects/{pid}/segments/{segid}":          {ids: []map[string]string{{"segid": "seg_b", "fid": "fun_b"}}, body: `{"name":"x","filter":{"field":"os","op":"eq","value":"iOS"}}`},
	"DELETE /api/v1/projects/{pid}/segments/{segid}":       {ids: []map[string]string{{"segid": "seg_b", "fid": "fun_b"}}},
	"GET /api/v1/projects/{pid}/funnel":                    {},
	"GET /api/v1/projects/{pid}/funnel/sessions":           {},
	"GET /api/v1/projects/{pid}/funnels":                   {},
	"POST /api/v1/projects/{pid}/funnels":                  {body: `{"name":"x","steps":[{"kind":"event","name":"x"}]}`},
	"PUT /api/v1/projects/{pid}/funnels/{fid}":             {ids: []map[string]string{{"fid": "fun_b"}}, body: `{"name":"x","steps":[{"kind":"event","name":"x"}]}`},
	"DELETE /api/v1/projects/{pid}/funnels/{fid}":          {ids: []map[string]string{{"fid": "fun_b"}}},
	"GET /api/v1/projects/{pid}/funnel/dropoff":            {},
	"GET /api/v1/projects/{pid}/struggles":                 {},
	"GET /api/v1/projects/{pid}/guides":                    {},
	"POST /api/v1/projects/{pid}/guides":                   {body: `{"name":"x","type":"modal","steps":[{"title":"t"}]}`},
	"GET /api/v1/projects/{pid}/guides/{gid}":              {},
	"PUT /api/v1/projects/{pid}/guides/{gid}":              {body: `{"name":"x","type":"modal","steps":[{"title":"t"}]}`},
	"DELETE /api/v1/projects/{pid}/guides/{gid}":           {},
	"POST /api/v1/projects/{pid}/guides/{gid}/publish":     {},
	"POST /api/v1/projects/{pid}/guides/{gid}/pause":       {},
	"GET /api/v1/projects/{pid}/guides/{gid}/versions":     {},
	"GET /api/v1/projects/{pid}/guides/{gid}/impact":       {},
	// A's project with B's session, and B's project with B's session.
	"GET /api/v1/projects/{pid}/sessions/{sid}":           {ids: []map[string]string{{}, {"pid": "proj0001"}}},
	"GET /api/v1/projects/{pid}/sessions/{sid}/recording": {ids: []map[string]string{{}, {"pid": "proj0001"}}},
	"GET /api/v1/projects/{pid}/sessions/{sid}/events":    {ids: []map[string]string{{}, {"pid": "proj0001"}}},
	"DELETE /api/v1/projects/{pid}/sessions/{sid}":        {ids: []map[string]string{{}, {"pid": "proj0001"}}},
	"DELETE /api/v1/projects/{pid}/visitors/{visitorId}":  {},
}

// TestTenantIsolation walks every /api/v1 route of the route table as
// organisation A (an admin's session, then a read-write API key) with
// organisation B's IDs, and expects 404 (or 403 where the caller lacks the
// permission, which is decided before any ID is looked at) and none of B's
// data in any response. Afterwards B's data must be unchanged.
func TestTenantIsolation(t *testing.T) {
	tn := newTenants(t)
	bIDs := map[string]string{"pid": projB, "sid": sessB, "uid": tn.userB.ID, "kid": tn.keyBID, "id": jobB, "userId": userBEmail, "visitorId": "visitor-of-b", "wid": "webhook-of-b", "segid": "seg_b", "fid": "fun_b", "gid": "gd_b"}

	routes := tn.server.Routes()
	seen := map[string]bool{}
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		seen[rt.Pattern] = true
		c, ok := isolationCases[rt.Pattern]
		if !ok {
			t.Errorf("route %s has no isolation case: add one to isolationCases", rt.Pattern)
			continue
		}
		if c.none != "" {
			if strings.Contains(path, "{") {
				t.Errorf("route %s takes IDs but its isolation case says none (%s)", rt.Pattern, c.none)
			}
			continue
		}
		if c.status == 0 {
			c.status = http.StatusNotFound
		}
		ids := c.ids
		if len(ids) == 0 {
			ids = []map[string]string{{}}
		}
		for _, as := range []struct {
			name   string
			cookie *http.Cookie
			key    string
		}{{"admin of A", tn.adminA, ""}, {"key of A", nil, tn.keyA}} {
			for _, over := range ids {
				url := projectFirst(path)
				for name, id := range bIDs {
					if v, ok := over[name]; ok {
						id = v
					}
					if id == "VIEWER_B" {
						id = tn.viewerB.ID
					}
					url = strings.ReplaceAll(url, "{"+name+"}", id)
				}
				if strings.Contains(url, "{") {
					t.Fatalf("route %s: no ID for a wildcard in %s", rt.Pattern, url)
				}
				req := request{method: method, path: url, body: c.body, cookie: as.cookie, csrf: true}
				if as.key != "" {
					req.headers = map[string]string{"Authorization": "Bearer " + as.key}
				}
				rec := tn.do(req)
				want := c.status
				if rec.Code == http.StatusForbidden && (rt.Perm == "admin" || rt.Perm == "self") && as.key != "" {
					want = http.StatusForbidden // keys never hold these
				}
				if rec.Code != want {
					t.Errorf("%s %s as %s: status %d, want %d: %s", method, url, as.name, rec.Code, want, rec.Body)
				}
				for _, secret := range tn.bData {
					if strings.Contains(rec.Body.String(), secret) {
						t.Errorf("%s %s as %s: response contains B's %q: %s", method, url, as.name, secret, rec.Body)
					}
				}
			}
		}
	}
	for pattern := range isolationCases {
		if !seen[pattern] {
			t.Errorf("isolation case for %s, which is not in the route table", pattern)
		}
	}

	// Nothing of B changed.
	ctx := context.Background()
	if u, err := tn.users.User(ctx, tn.userB.ID); err != nil || u.Role != trailguide.RoleAdmin {
		t.Errorf("B's admin after A's requests: %+v, %v", u, err)
	}
	if _, err := tn.users.User(ctx, tn.viewerB.ID); err != nil {
		t.Errorf("B's viewer after A's requests: %v", err)
	}
	if p, err := tn.projects.Project(ctx, projB); err != nil || !slices.Equal(p.AllowedOrigins, []string{projBOrigin}) || p.FrictionConfig != nil {
		t.Errorf("B's project after A's requests: %+v, %v", p, err)
	}
	if rec := tn.do(request{method: "GET", path: "/api/v1/projects/" + projB, headers: map[string]string{"Authorization": "Bearer " + tn.keyB}}); rec.Code != 200 {
		t.Errorf("B's key after A's requests: %d %s", rec.Code, rec.Body)
	}
	// And B sees its own data (the 404s above are not a broken route).
	if rec := tn.do(request{method: "GET", path: "/api/v1/projects/" + projB + "/sessions/" + sessB, headers: map[string]string{"Authorization": "Bearer " + tn.keyB}}); rec.Code != 200 {
		t.Errorf("B's session as B: %d %s", rec.Code, rec.Body)
	}
}

// selfServiceRoutes are the state-changing /api/v1 routes that a viewer may
// call: they act on the caller's own login, not on organisation data.
var selfServiceRoutes = map[string]bool{
	"POST /api/v1/setup":       true,
	"POST /api/v1/login":       true,
	"POST /api/v1/logout":      true,
	"POST /api/v1/me/password": true,
}

// TestRoles walks the route table: every state-changing /api/v1 route
// must need the write or admin permission (or be listed as self-service),
// and a viewer, a read-only key, and (on admin routes) a member all get 403
// forbidden there, even with their own organisation's IDs.
func TestRoles(t *testing.T) {
	tn := newTenants(t)
	aIDs := map[string]string{"pid": "proj0001", "sid": sessA, "uid": tn.admin.ID, "kid": "nonexistent-key"}
	for _, rt := range tn.server.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		mutating := method != "GET" && method != "HEAD"
		if !mutating {
			if rt.Perm != "read" && rt.Perm != "self" && rt.Perm != "public" && rt.Perm != "admin" {
				t.Errorf("%s: unknown permission %q", rt.Pattern, rt.Perm)
			}
			continue
		}
		if selfServiceRoutes[rt.Pattern] {
			if rt.Perm != "public" && rt.Perm != "self" {
				t.Errorf("self-service route %s needs %q", rt.Pattern, rt.Perm)
			}
			continue
		}
		if rt.Perm != "write" && rt.Perm != "admin" {
			t.Errorf("state-changing route %s needs only %q: declare write or admin, or list it in selfServiceRoutes", rt.Pattern, rt.Perm)
			continue
		}
		url := projectFirst(path)
		for name, id := range aIDs {
			url = strings.ReplaceAll(url, "{"+name+"}", id)
		}
		callers := []struct {
			name   string
			cookie *http.Cookie
			key    string
		}{{"viewer", tn.viewerA, ""}, {"read-only key", nil, tn.keyAReadOnly}}
		if rt.Perm == "admin" {
			callers = append(callers, struct {
				name   string
				cookie *http.Cookie
				key    string
			}{"member", tn.memberA, ""}, struct {
				name   string
				cookie *http.Cookie
				key    string
			}{"read-write key", nil, tn.keyA})
		}
		for _, c := range callers {
			req := request{method: method, path: url, body: `{}`, cookie: c.cookie, csrf: true}
			if c.key != "" {
				req.headers = map[string]string{"Authorization": "Bearer " + c.key}
			}
			rec := tn.do(req)
			if rec.Code != http.StatusForbidden {
				t.Errorf("%s %s as %s: status %d, want 403: %s", method, url, c.name, rec.Code, rec.Body)
				continue
			}
			checkJSON(t, rec, map[string]any{"error": "forbidden"})
		}
	}
	// The admin is still the admin, the project unchanged: nothing above
	// went through.
	if u, err := tn.users.User(context.Background(), tn.admin.ID); err != nil || u.Role != trailguide.RoleAdmin {
		t.Errorf("admin after the role test: %+v, %v", u, err)
	}
}

// projectFirst renames the wildcard after /api/v1/projects/ to {pid}, so
// that a route written as /projects/{id}/... gets the project's ID.
func projectFirst(path string) string {
	rest, ok := strings.CutPrefix(path, "/api/v1/projects/{")
	if !ok {
		return path
	}
	_, after, _ := strings.Cut(rest, "}")
	return "/api/v1/projects/{pid}" + after
}
