package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/httpapi"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/password"
	"github.com/trailguide/trailguide/sqlite"
	"github.com/trailguide/trailguide/worker"
)

// testEnv is a server on real stores (SQLite and files in a temp dir) with
// one project and one admin.
type testEnv struct {
	t        *testing.T
	server   *httpapi.Server
	handler  http.Handler
	db       *sqlite.DB
	projects trailguide.ProjectStore
	sessions trailguide.SessionStore
	users    trailguide.UserStore
	keys     trailguide.APIKeyStore
	blobs    trailguide.BlobStore
	ingest   trailguide.IngestService
	project  *trailguide.Project
	admin    *trailguide.User
	logs     *bytes.Buffer
}

const (
	testKey           = "tg_testkey0000000000000001"
	adminEmail        = "admin@example.com"
	adminPassword     = "correct horse battery"
	testSetupToken    = "setup-token-for-tests"
	testIndexHTML     = "<!doctype html><title>Trailguide</title>"
	testSDKJS         = "console.log('trailguide sdk');"
	testDemoIndexHTML = "<!doctype html><title>Demo shop</title>"
)

// testDist stands in for web.Dist() so that tests do not depend on the
// bundles being built.
func testDist() fstest.MapFS {
	return fstest.MapFS{
		"sdk/trailguide.js":          {Data: []byte(testSDKJS)},
		"sdk/recorder-abc123.js":     {Data: []byte("export const r = 1;")},
		"dashboard/index.html":       {Data: []byte(testIndexHTML)},
		"dashboard/favicon.svg":      {Data: []byte("<svg/>")},
		"dashboard/assets/app-1.js":  {Data: []byte("console.log('app');")},
		"dashboard/assets/app-1.css": {Data: []byte("body{}")},
		"demo/index.html":            {Data: []byte(testDemoIndexHTML)},
	}
}

// newTestEnv opens the stores and builds a server with cfg (SetupToken and
// cheap password parameters filled in when empty).
func newTestEnv(t *testing.T, cfg httpapi.Config) *testEnv {
	t.Helper()
	if cfg.Password == (password.Params{}) {
		cfg.Password = password.TestParams
	}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "test.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, err := fileblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{
		t:        t,
		db:       db,
		projects: sqlite.NewProjectStore(db),
		sessions: sqlite.NewSessionStore(db),
		users:    sqlite.NewUserStore(db),
		keys:     sqlite.NewAPIKeyStore(db),
		blobs:    blobs,
		logs:     logs,
	}
	e.ingest = ingest.NewService(ingest.Config{}, e.projects, sqlite.NewIngestStore(db), logger)
	if err := httpapi.EnsureDefaultOrg(context.Background(), e.users, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.project = &trailguide.Project{ID: "proj0001", OrgID: trailguide.DefaultOrgID, Name: "Shop", PublicKey: testKey, AllowedOrigins: []string{}, RetentionDays: 30, CreatedAt: time.Now().UTC()}
	if err := e.projects.CreateProject(context.Background(), e.project); err != nil {
		t.Fatal(err)
	}
	e.build(cfg, testDist())
	return e
}

// build (re)creates the server over the env's stores.
func (e *testEnv) build(cfg httpapi.Config, dist fstest.MapFS) {
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	deps := httpapi.Deps{Ingest: e.ingest, Projects: e.projects, Sessions: e.sessions, Users: e.users, Keys: e.keys, Blobs: e.blobs,
		Segments: sqlite.NewSegmentStore(e.db), FunnelDefs: sqlite.NewFunnelDefStore(e.db),
		Guides:   sqlite.NewGuideStore(e.db),
		Erasure:  worker.NewEraser(e.sessions.(trailguide.ErasureStore), e.blobs, nil, logger),
		Webhooks: sqlite.NewWebhookStore(e.db)}
	if dist != nil {
		deps.Dist = dist
	}
	e.server = httpapi.NewServer(cfg, deps, logger)
	e.handler = e.server.Handler()
}

// createUser stores a user of the default organisation with the test
// password parameters.
func (e *testEnv) createUser(email, pw, role string) *trailguide.User {
	e.t.Helper()
	return e.createOrgUser(trailguide.DefaultOrgID, email, pw, role)
}

// createOrgUser stores a user of orgID with the test password parameters.
func (e *testEnv) createOrgUser(orgID, email, pw, role string) *trailguide.User {
	e.t.Helper()
	hash, err := password.Hash(pw, password.TestParams)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &trailguide.User{ID: httpapi.NewID(), OrgID: orgID, Email: email, Name: "Test", Role: role, PasswordHash: hash, CreatedAt: time.Now().UTC()}
	if err := e.users.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// login returns the session cookie of a fresh login.
func (e *testEnv) login(email, pw string) *http.Cookie {
	e.t.Helper()
	resp := e.do(request{method: "POST", path: "/api/v1/login", body: fmt.Sprintf(`{"email":%q,"password":%q}`, email, pw), csrf: true})
	if resp.Code != http.StatusOK {
		e.t.Fatalf("login %s: status %d: %s", email, resp.Code, resp.Body)
	}
	return sessionCookie(e.t, resp)
}

// adminCookie creates the admin (once) and logs in.
func (e *testEnv) adminCookie() *http.Cookie {
	e.t.Helper()
	if e.admin == nil {
		e.admin = e.createUser(adminEmail, adminPassword, trailguide.RoleAdmin)
	}
	return e.login(adminEmail, adminPassword)
}

func sessionCookie(t *testing.T, resp *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range resp.Result().Cookies() {
		if c.Name == httpapi.SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in response", httpapi.SessionCookie)
	return nil
}

// request is one test request.
type request struct {
	method  string
	path    string
	body    string
	rawBody []byte
	headers map[string]string
	cookie  *http.Cookie
	csrf    bool   // add X-TG-CSRF: 1
	remote  string // RemoteAddr, default 192.0.2.1:1234
}

func (e *testEnv) do(r request) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader = strings.NewReader(r.body)
	if r.rawBody != nil {
		body = bytes.NewReader(r.rawBody)
	}
	req := httptest.NewRequest(r.method, r.path, body)
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	if r.csrf {
		req.Header.Set("X-TG-CSRF", "1")
	}
	if r.cookie != nil {
		req.AddCookie(r.cookie)
	}
	if r.remote != "" {
		req.RemoteAddr = r.remote
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

// decode parses a JSON response body into a generic map.
func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %q", err, rec.Body.String())
	}
	return m
}

// checkJSON compares top-level fields of a JSON response with want (values
// compared in their fmt form, so numbers can be written as ints).
func checkJSON(t *testing.T, rec *httptest.ResponseRecorder, want map[string]any) {
	t.Helper()
	if len(want) == 0 {
		return
	}
	got := decode(t, rec)
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("field %q missing in %s", k, rec.Body)
		} else if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("field %q = %v, want %v", k, g, w)
		}
	}
}

// batchSpec describes a synthetic SDK batch.
type batchSpec struct {
	Key       string
	Session   string
	Window    string
	Seq       int64
	Start     time.Time
	Duration  time.Duration
	URL       string
	UserAgent string
	Errors    int
	UTMSource string
	UserID    string
}

// batchJSON returns a valid wire-protocol batch: a meta and a full snapshot
// event at Start, a mouse move at Start+Duration, a pageview, and optional
// error and identify signals.
func batchJSON(s batchSpec) []byte {
	if s.Key == "" {
		s.Key = testKey
	}
	if s.Window == "" {
		s.Window = "window-1"
	}
	if s.URL == "" {
		s.URL = "https://shop.example/"
	}
	if s.UserAgent == "" {
		s.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
	}
	t0 := s.Start.UnixMilli()
	t1 := s.Start.Add(s.Duration).UnixMilli()
	events := []any{
		map[string]any{"type": 4, "data": map[string]any{"href": s.URL, "width": 1280, "height": 800}, "timestamp": t0},
		map[string]any{"type": 2, "data": map[string]any{"node": map[string]any{"type": 0, "childNodes": []any{}, "id": 1}, "initialOffset": map[string]int{"left": 0, "top": 0}}, "timestamp": t0},
		map[string]any{"type": 3, "data": map[string]any{"source": 1, "positions": []any{map[string]int{"x": 10, "y": 10, "id": 1, "timeOffset": 0}}}, "timestamp": t1},
	}
	signals := []any{map[string]any{"type": "pageview", "ts": t0, "url": s.URL, "title": "Shop"}}
	for i := 0; i < s.Errors; i++ {
		signals = append(signals, map[string]any{"type": "error", "ts": t1, "url": s.URL, "name": "TypeError: boom"})
	}
	if s.UserID != "" {
		signals = append(signals, map[string]any{"type": "identify", "ts": t0, "url": s.URL, "user_id": s.UserID})
	}
	signals = append(signals, map[string]any{"type": "click", "ts": t1, "url": s.URL, "selector": "#buy", "x": 10, "y": 10})
	b := map[string]any{
		"key": s.Key, "visitor": "visitor-" + s.Session, "session": s.Session, "window": s.Window,
		"seq": s.Seq, "sent_at": time.Now().UnixMilli(), // the client clock is right "sdk": "trailguide-js/test",
		"context": map[string]any{
			"url": s.URL, "utm": map[string]string{"source": s.UTMSource},
			"viewport_w": 1280, "viewport_h": 800, "screen_w": 1920, "screen_h": 1080,
			"user_agent": s.UserAgent, "language": "en",
		},
		"events": events, "signals": signals,
	}
	raw, err := json.Marshal(b)
	if err != nil {
		panic(err)
	}
	return raw
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// ingestBatch sends a batch through HTTP and fails unless it is acked.
func (e *testEnv) ingestBatch(s batchSpec) {
	e.t.Helper()
	resp := e.do(request{method: "POST", path: "/ingest/v1/batch", rawBody: batchJSON(s), headers: map[string]string{"Content-Type": "text/plain"}})
	if resp.Code != http.StatusOK {
		e.t.Fatalf("ingest %s/%d: status %d: %s", s.Session, s.Seq, resp.Code, resp.Body)
	}
}

type lockedWriter struct {
	mu syncMutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

type syncMutex = sync.Mutex

const (
	time10s = 10 * time.Second
	time10m = 10 * time.Minute
)

// testNow is a fixed recent time, truncated to the millisecond like the wire.
func testNow() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func fstestEmpty() fstest.MapFS { return fstest.MapFS{} }

func fmtErr(format string, args ...any) error { return fmt.Errorf(format, args...) }

func testParams() password.Params { return password.TestParams }

// doUnknownLength sends r with ContentLength -1 (chunked), as a client
// streaming its body would.
func (e *testEnv) doUnknownLength(r request) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(r.method, r.path, io.MultiReader(bytes.NewReader(r.rawBody)))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

type httptestRecorder = httptest.ResponseRecorder

func fmtSprint(v any) string { return fmt.Sprint(v) }
