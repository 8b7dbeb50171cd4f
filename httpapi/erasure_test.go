package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

func TestPrivacyReport(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()

	rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/privacy", cookie: admin})
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var empty trailguide.PrivacyReport
	json.Unmarshal(rec.Body.Bytes(), &empty)
	if empty.Total != 0 || len(empty.Kinds) != 5 || len(empty.Sources) != 0 {
		t.Errorf("empty report = %+v", empty)
	}
	if !strings.Contains(rec.Body.String(), `"sources":[]`) || strings.Contains(rec.Body.String(), `"last_at"`) {
		t.Errorf("empty report body %s: want sources [] and no last_at", rec.Body)
	}

	// A page URL with a reset token and an email in the query.
	e.ingestBatch(batchSpec{Session: "session-privacy", Start: testNow().Add(-time.Minute), Duration: time.Second,
		URL: "https://shop.example/account/42/reset?token=abc123&email=jo%40example.com"})
	rec = e.do(request{method: "GET", path: "/api/v1/projects/proj0001/privacy", cookie: admin})
	var rep trailguide.PrivacyReport
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	// 2 params of one URL (in the context, the Meta event and two signals,
	// counted once).
	if rep.Total != 2 || rep.Kinds[4].Kind != "url" || rep.Kinds[4].Count != 2 || rep.LastAt.IsZero() {
		t.Errorf("report = %+v", rep)
	}
	if len(rep.Sources) != 1 || rep.Sources[0].Path != "/account/*/reset" || rep.Sources[0].Count != 2 {
		t.Errorf("sources = %+v", rep.Sources)
	}
	if s, err := e.sessions.Session(t.Context(), "proj0001", "session-privacy"); err != nil || strings.Contains(s.EntryURL, "abc123") {
		t.Errorf("entry url stored %q (%v)", s.EntryURL, err)
	}

	for _, tt := range []struct {
		name   string
		req    request
		status int
	}{
		{"unauthenticated", request{method: "GET", path: "/api/v1/projects/proj0001/privacy"}, 401},
		{"unknown project", request{method: "GET", path: "/api/v1/projects/nope/privacy", cookie: admin}, 404},
	} {
		if rec := e.do(tt.req); rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, rec.Code, tt.status)
		}
	}
}

func TestEraseUserAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	e.createUser("viewer@example.com", "viewer-password-1", trailguide.RoleViewer)
	viewer := e.login("viewer@example.com", "viewer-password-1")
	start := testNow().Add(-time.Minute)
	e.ingestBatch(batchSpec{Session: "session-u1-a", Start: start, Duration: time.Second, UserID: "user@example.com"})
	e.ingestBatch(batchSpec{Session: "session-u1-b", Start: start, Duration: time.Second, UserID: "user@example.com"})
	e.ingestBatch(batchSpec{Session: "session-u2", Start: start, Duration: time.Second, UserID: "someone-else"})

	if rec := e.do(request{method: "DELETE", path: "/api/v1/projects/proj0001/users/user@example.com", cookie: viewer, csrf: true}); rec.Code != 403 {
		t.Errorf("viewer erase: status %d", rec.Code)
	}
	if rec := e.do(request{method: "DELETE", path: "/api/v1/projects/proj0001/users/user@example.com", cookie: admin}); rec.Code != 403 {
		t.Errorf("erase without CSRF header: status %d", rec.Code)
	}
	if rec := e.do(request{method: "DELETE", path: "/api/v1/projects/nope/users/x", cookie: admin, csrf: true}); rec.Code != 404 {
		t.Errorf("erase in unknown project: status %d", rec.Code)
	}
	rec := e.do(request{method: "DELETE", path: "/api/v1/projects/proj0001/users/user@example.com", cookie: admin, csrf: true})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("erase: status %d: %s", rec.Code, rec.Body)
	}
	var job trailguide.Job
	json.Unmarshal(rec.Body.Bytes(), &job)
	if job.ID == "" || job.UserID != "user@example.com" || rec.Header().Get("Location") != "/api/v1/jobs/"+job.ID {
		t.Fatalf("job = %+v, location %q", job, rec.Header().Get("Location"))
	}
	deadline := time.Now().Add(10 * time.Second)
	for job.Status != trailguide.JobDone && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		rec := e.do(request{method: "GET", path: "/api/v1/jobs/" + job.ID, cookie: viewer})
		if rec.Code != 200 {
			t.Fatalf("job status: %d %s", rec.Code, rec.Body)
		}
		json.Unmarshal(rec.Body.Bytes(), &job)
	}
	if job.Status != trailguide.JobDone || job.Sessions != 2 || job.Chunks != 2 || job.Events != 6 {
		t.Fatalf("job = %+v; want done, 2 sessions, 2 chunks, 6 events", job)
	}
	rec = e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions?user=user@example.com", cookie: admin})
	checkJSON(t, rec, map[string]any{"total": 0})
	rec = e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions", cookie: admin})
	checkJSON(t, rec, map[string]any{"total": 1})

	// The erased sessions' later batches are acknowledged with stop.
	rec = e.do(request{method: "POST", path: "/ingest/v1/batch", rawBody: batchJSON(batchSpec{Session: "session-u1-a", Seq: 1, Start: start, Duration: time.Second})})
	checkJSON(t, rec, map[string]any{"stop": true})

	// User ids are path-escaped: a slash or a space stays part of the id.
	e.ingestBatch(batchSpec{Session: "session-odd-id", Start: start, Duration: time.Second, UserID: "team/a b"})
	rec = e.do(request{method: "DELETE", path: "/api/v1/projects/proj0001/users/team%2Fa%20b", cookie: admin, csrf: true})
	var odd trailguide.Job
	json.Unmarshal(rec.Body.Bytes(), &odd)
	if rec.Code != http.StatusAccepted || odd.UserID != "team/a b" {
		t.Errorf("escaped user id: %d %s", rec.Code, rec.Body)
	}

	if rec := e.do(request{method: "GET", path: "/api/v1/jobs/nope", cookie: admin}); rec.Code != 404 {
		t.Errorf("unknown job: %d", rec.Code)
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/jobs/" + job.ID}); rec.Code != 401 {
		t.Errorf("job unauthenticated: %d", rec.Code)
	}
}

func TestRetentionSetting(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	path := "/api/v1/projects/proj0001/settings"
	checkJSON(t, e.do(request{method: "GET", path: path, cookie: admin}), map[string]any{"retention_days": 30})

	rec := e.do(request{method: "PUT", path: path, body: `{"retention_days":7}`, cookie: admin, csrf: true})
	if rec.Code != 200 {
		t.Fatalf("put: %d %s", rec.Code, rec.Body)
	}
	checkJSON(t, rec, map[string]any{"retention_days": 7})
	checkJSON(t, e.do(request{method: "GET", path: path, cookie: admin}), map[string]any{"retention_days": 7})
	// Friction and retention together.
	rec = e.do(request{method: "PUT", path: path, body: `{"friction":{},"retention_days":90}`, cookie: admin, csrf: true})
	checkJSON(t, rec, map[string]any{"retention_days": 90})

	for _, body := range []string{`{"retention_days":0}`, `{"retention_days":-3}`, `{"retention_days":100000}`} {
		rec := e.do(request{method: "PUT", path: path, body: body, cookie: admin, csrf: true})
		if rec.Code != 400 {
			t.Errorf("%s: status %d", body, rec.Code)
		}
		checkJSON(t, rec, map[string]any{"reason": "retention_days"})
	}
	checkJSON(t, e.do(request{method: "GET", path: path, cookie: admin}), map[string]any{"retention_days": 90})
}

// TestEraseVisitorAndSessionAPI: DELETE a session and DELETE a visitor id
// answer 202 with a job that removes exactly those sessions; viewers may
// not, unknown sessions are 404, bad visitor ids 400.
func TestEraseVisitorAndSessionAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	e.createUser("viewer@example.com", "viewer-password-1", trailguide.RoleViewer)
	viewer := e.login("viewer@example.com", "viewer-password-1")
	start := testNow().Add(-time.Minute)
	for _, sid := range []string{"session-one", "session-two", "session-three"} {
		e.ingestBatch(batchSpec{Session: sid, Start: start, Duration: time.Second})
	}
	wait := func(rec *httptest.ResponseRecorder) trailguide.Job {
		t.Helper()
		if rec.Code != http.StatusAccepted {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var job trailguide.Job
		json.Unmarshal(rec.Body.Bytes(), &job)
		deadline := time.Now().Add(10 * time.Second)
		for job.Status != trailguide.JobDone && job.Status != trailguide.JobFailed && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			json.Unmarshal(e.do(request{method: "GET", path: "/api/v1/jobs/" + job.ID, cookie: admin}).Body.Bytes(), &job)
		}
		return job
	}
	tests := []struct {
		name   string
		req    request
		status int
		reason string
	}{
		{"viewer deletes session", request{method: "DELETE", path: "/api/v1/projects/proj0001/sessions/session-one", cookie: viewer, csrf: true}, 403, ""},
		{"no csrf", request{method: "DELETE", path: "/api/v1/projects/proj0001/sessions/session-one", cookie: admin}, 403, ""},
		{"unknown session", request{method: "DELETE", path: "/api/v1/projects/proj0001/sessions/session-nope", cookie: admin, csrf: true}, 404, ""},
		{"bad visitor id", request{method: "DELETE", path: "/api/v1/projects/proj0001/visitors/x", cookie: admin, csrf: true}, 400, "visitor_id"},
		{"viewer erases visitor", request{method: "DELETE", path: "/api/v1/projects/proj0001/visitors/visitor-session-two", cookie: viewer, csrf: true}, 403, ""},
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

	job := wait(e.do(request{method: "DELETE", path: "/api/v1/projects/proj0001/sessions/session-one", cookie: admin, csrf: true}))
	if job.Kind != trailguide.JobEraseSession || job.SessionID != "session-one" || job.Status != trailguide.JobDone || job.Sessions != 1 {
		t.Errorf("session job = %+v", job)
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions/session-one", cookie: admin}); rec.Code != 404 {
		t.Errorf("deleted session: %d", rec.Code)
	}
	job = wait(e.do(request{method: "DELETE", path: "/api/v1/projects/proj0001/visitors/visitor-session-two", cookie: admin, csrf: true}))
	if job.Kind != trailguide.JobEraseVisitor || job.VisitorID != "visitor-session-two" || job.Status != trailguide.JobDone || job.Sessions != 1 {
		t.Errorf("visitor job = %+v", job)
	}
	rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions", cookie: admin})
	checkJSON(t, rec, map[string]any{"total": 1})
}
