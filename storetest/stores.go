package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// TestStores runs the conformance suite of the index stores. open must
// return stores over a new, empty database for each call (it is called once
// per subtest) and arrange its cleanup with t.Cleanup.
func TestStores(t *testing.T, open func(t *testing.T) Stores) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Stores)
	}{
		{"Projects", testProjects},
		{"ProjectFrictionConfig", testProjectFrictionConfig},
		{"ProjectPrivacyConfig", testProjectPrivacyConfig},
		{"Users", testUsers},
		{"Orgs", testOrgs},
		{"OrgScoping", testOrgScoping},
		{"LastAdmin", testLastAdmin},
		{"AllowedOrigins", testAllowedOrigins},
		{"APIKeys", testAPIKeys},
		{"APIKeyTouch", testAPIKeyTouch},
		{"AuthSessions", testAuthSessions},
		{"AuthSessionExpiryClock", testAuthSessionExpiryClock},
		{"NotFound", testNotFound},
		{"CommitBatch", testCommitBatch},
		{"SessionClock", testSessionClock},
		{"Dedupe", testDedupe},
		{"DedupeConcurrent", testDedupeConcurrent},
		{"GroupCommitConcurrent", testGroupCommitConcurrent},
		{"InvalidBatchInGroup", testInvalidBatchInGroup},
		{"CommitBatchCanceled", testCommitBatchCanceled},
		{"DeltaMerge", testDeltaMerge},
		{"EventsAndChunksOrder", testEventsAndChunksOrder},
		{"FindSessionsFilters", testFindSessionsFilters},
		{"FindSessionsPaging", testFindSessionsPaging},
		{"FindSessionsLimit", testFindSessionsLimit},
		{"IdleCloseReopen", testIdleCloseReopen},
		{"ReplaceChunks", testReplaceChunks},
		{"Facets", testFacets},
		{"ReplaceFriction", testReplaceFriction},
		{"FindSessionsFriction", testFindSessionsFriction},
		{"FindSessionsFrustrationPaging", testFindSessionsFrustrationPaging},
		{"FrictionReport", testFrictionReport},
		{"ScrubCounts", testScrubCounts},
		{"RetentionDelete", testRetentionDelete},
		{"ChunkAssetsUnknown", testChunkAssetsUnknown},
		{"ErasureJobs", testErasureJobs},
		{"EraseVisitorAndSession", testEraseVisitorAndSession},
		{"Webhooks", testWebhooks},
		{"RetentionSetter", testRetentionSetter},
		{"Heatmaps", testHeatmaps},
		{"HeatmapFiltered", testHeatmapFiltered},
		{"FindSessionsSegment", testFindSessionsSegment},
		{"Segments", testSegments},
		{"ScanFunnel", testScanFunnel},
		{"SavedFunnels", testSavedFunnels},
		{"Guides", testGuides},
		{"GuideEligibilityQueries", testGuideEligibilityQueries},
		{"GuideImpact", testGuideImpact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

func testProjects(t *testing.T, s Stores) {
	ctx := context.Background()
	b := mustCreateProject(t, s, "b")
	a := mustCreateProject(t, s, "a")
	a2 := &trailguide.Project{ID: "c", Name: "Later", PublicKey: "pk_c", CreatedAt: t0.Add(time.Hour)}
	if err := s.Projects.CreateProject(ctx, a2); err != nil {
		t.Fatal(err)
	}

	got, err := s.Projects.Project(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != a.Name || got.PublicKey != a.PublicKey || got.RetentionDays != 30 ||
		!slices.Equal(got.AllowedOrigins, a.AllowedOrigins) || !got.CreatedAt.Equal(t0) {
		t.Fatalf("project: got %+v, want %+v", got, a)
	}
	if got, err := s.Projects.ProjectByKey(ctx, "pk_b"); err != nil {
		t.Fatal(err)
	} else if got.ID != b.ID {
		t.Fatalf("project by key: got %q, want %q", got.ID, b.ID)
	}

	list, err := s.Projects.Projects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range list {
		ids = append(ids, p.ID)
	}
	// Oldest first; equal creation times by ID.
	if want := []string{"a", "b", "c"}; !slices.Equal(ids, want) {
		t.Fatalf("projects: got %v, want %v", ids, want)
	}
	if got, _ := s.Projects.Project(ctx, "c"); got == nil || got.AllowedOrigins == nil {
		t.Fatalf("allowed origins of a project created without any: got nil, want empty slice")
	}

	conflicts := []struct {
		name string
		p    *trailguide.Project
	}{
		{"same id", &trailguide.Project{ID: "a", Name: "x", PublicKey: "pk_new"}},
		{"same key", &trailguide.Project{ID: "new", Name: "x", PublicKey: "pk_a"}},
	}
	for _, tt := range conflicts {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, s.Projects.CreateProject(ctx, tt.p), trailguide.ECONFLICT)
		})
	}
}

// testProjectFrictionConfig: a project starts without a friction config
// (nil: the defaults); SetFrictionConfig replaces it as a whole, every read
// returns it, nil resets it, and only JSON objects of known projects are
// accepted. The store keeps JSON, not bytes: whitespace may change.
func testProjectFrictionConfig(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "a")
	mustCreateProject(t, s, "b")
	read := func(id string) map[string]json.RawMessage {
		t.Helper()
		byID, err := s.Projects.Project(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		byKey, err := s.Projects.ProjectByKey(ctx, "pk_"+id)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Projects.Projects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var inList *trailguide.Project
		for _, p := range list {
			if p.ID == id {
				inList = p
			}
		}
		got := jsonObject(t, byID.FrictionConfig)
		for name, other := range map[string]json.RawMessage{"ProjectByKey": byKey.FrictionConfig, "Projects": inList.FrictionConfig} {
			if o := jsonObject(t, other); !reflect.DeepEqual(o, got) {
				t.Fatalf("friction config of %s by %s = %s, by Project %s", id, name, other, byID.FrictionConfig)
			}
		}
		return got
	}
	if got := read("a"); got != nil {
		t.Fatalf("friction config of a new project: got %v, want nil", got)
	}

	cfg := json.RawMessage(`{ "rage_clicks": 5, "rage_window_ms": 1500,
		"conversion": {"events": ["signup"]}, "disabled": ["hesitation"] }`)
	if err := s.Projects.SetFrictionConfig(ctx, "a", cfg); err != nil {
		t.Fatal(err)
	}
	if got, want := read("a"), jsonObject(t, cfg); !reflect.DeepEqual(got, want) {
		t.Fatalf("friction config after set: got %v, want %v", got, want)
	}
	if got := read("b"); got != nil {
		t.Fatalf("friction config of another project: got %v, want nil", got)
	}

	// A set replaces the whole object, it does not merge.
	if err := s.Projects.SetFrictionConfig(ctx, "a", json.RawMessage(`{"dead_window_ms":3000}`)); err != nil {
		t.Fatal(err)
	}
	if got, want := read("a"), jsonObject(t, json.RawMessage(`{"dead_window_ms":3000}`)); !reflect.DeepEqual(got, want) {
		t.Fatalf("friction config after a second set: got %v, want %v", got, want)
	}
	// The other fields of the project are untouched.
	if p, err := s.Projects.Project(ctx, "a"); err != nil || p.Name != "Project a" || p.PublicKey != "pk_a" ||
		p.RetentionDays != 30 || !slices.Equal(p.AllowedOrigins, []string{"https://a.test"}) || !p.CreatedAt.Equal(t0) {
		t.Fatalf("project after set friction config: got %+v, %v", p, err)
	}

	for _, reset := range []json.RawMessage{nil, {}} {
		if err := s.Projects.SetFrictionConfig(ctx, "a", cfg); err != nil {
			t.Fatal(err)
		}
		if err := s.Projects.SetFrictionConfig(ctx, "a", reset); err != nil {
			t.Fatal(err)
		}
		if got := read("a"); got != nil {
			t.Fatalf("friction config after a reset with %q: got %v, want nil", reset, got)
		}
	}

	// Created with one.
	c := &trailguide.Project{ID: "c", Name: "C", PublicKey: "pk_c", FrictionConfig: json.RawMessage(`{"rage_clicks":4}`)}
	if err := s.Projects.CreateProject(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, want := read("c"), jsonObject(t, json.RawMessage(`{"rage_clicks":4}`)); !reflect.DeepEqual(got, want) {
		t.Fatalf("friction config of a project created with one: got %v, want %v", got, want)
	}

	wantCode(t, s.Projects.SetFrictionConfig(ctx, "nope", cfg), trailguide.ENOTFOUND)
	for _, bad := range []string{`not json`, `[1,2]`, `"rage"`, `{"rage_clicks":`, `null`} {
		wantCode(t, s.Projects.SetFrictionConfig(ctx, "a", json.RawMessage(bad)), trailguide.EINVALID)
	}
	wantCode(t, s.Projects.CreateProject(ctx, &trailguide.Project{ID: "d", Name: "D", PublicKey: "pk_d", FrictionConfig: json.RawMessage(`[]`)}), trailguide.EINVALID)
	if got := read("a"); got != nil {
		t.Fatalf("friction config after rejected sets: got %v, want nil", got)
	}
}

// jsonObject decodes a JSON object for comparison; nil for no bytes.
func jsonObject(tb testing.TB, raw json.RawMessage) map[string]json.RawMessage {
	tb.Helper()
	if len(raw) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatalf("friction config %q: %v", raw, err)
	}
	for k, v := range m {
		var val any
		if err := json.Unmarshal(v, &val); err != nil {
			tb.Fatal(err)
		}
		b, _ := json.Marshal(val)
		m[k] = b
	}
	return m
}

func testUsers(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateOrg(t, s, "o1")
	if n, err := s.Users.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("count users of an empty store: got %d, %v; want 0", n, err)
	}
	u := &trailguide.User{OrgID: "o1", ID: "u1", Email: "Alice@Example.com", Name: "Alice", Role: trailguide.RoleAdmin,
		PasswordHash: "hash1", CreatedAt: t0}
	if err := s.Users.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.CreateUser(ctx, &trailguide.User{OrgID: "o1", ID: "u2", Email: "bob@example.com", Role: trailguide.RoleViewer, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}

	got, err := s.Users.User(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != u.Email || got.Name != "Alice" || got.Role != trailguide.RoleAdmin || got.PasswordHash != "hash1" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("user: got %+v, want %+v", got, u)
	}

	for _, email := range []string{"Alice@Example.com", "alice@example.com", "ALICE@EXAMPLE.COM"} {
		got, err := s.Users.UserByEmail(ctx, email)
		if err != nil {
			t.Fatalf("user by email %q: %v", email, err)
		}
		if got.ID != "u1" {
			t.Fatalf("user by email %q: got %q, want u1", email, got.ID)
		}
	}
	_, err = s.Users.UserByEmail(ctx, "carol@example.com")
	wantCode(t, err, trailguide.ENOTFOUND)

	conflicts := []struct{ name, id, email string }{
		{"same email", "u3", "Alice@Example.com"},
		{"email differing in case", "u3", "aLiCe@example.COM"},
		{"same id", "u1", "other@example.com"},
	}
	for _, tt := range conflicts {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Users.CreateUser(ctx, &trailguide.User{OrgID: "o1", ID: tt.id, Email: tt.email, Role: trailguide.RoleMember})
			wantCode(t, err, trailguide.ECONFLICT)
		})
	}
	if n, err := s.Users.CountUsers(ctx); err != nil || n != 2 {
		t.Fatalf("count users: got %d, %v; want 2", n, err)
	}

	if err := s.Users.UpdatePassword(ctx, "u1", "hash2"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Users.User(ctx, "u1"); err != nil || got.PasswordHash != "hash2" {
		t.Fatalf("password after update: got %+v, %v; want hash2", got, err)
	}
	wantCode(t, s.Users.UpdatePassword(ctx, "nobody", "h"), trailguide.ENOTFOUND)
}

func testAuthSessions(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateOrg(t, s, "o1")
	for _, id := range []string{"u1", "u2"} {
		if err := s.Users.CreateUser(ctx, &trailguide.User{OrgID: "o1", ID: id, Email: id + "@example.com", Role: trailguide.RoleMember}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	sessions := []*trailguide.AuthSession{
		{ID: "s1", UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		{ID: "s2", UserID: "u1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		{ID: "s3", UserID: "u2", CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		{ID: "expired", UserID: "u2", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)},
	}
	for _, a := range sessions {
		if err := s.Users.CreateAuthSession(ctx, a); err != nil {
			t.Fatalf("create auth session %s: %v", a.ID, err)
		}
	}
	wantCode(t, s.Users.CreateAuthSession(ctx, &trailguide.AuthSession{ID: "s1", UserID: "u2", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}), trailguide.ECONFLICT)

	got, err := s.Users.AuthSession(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "s1" || got.UserID != "u1" || !got.CreatedAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("auth session: got %+v", got)
	}
	_, err = s.Users.AuthSession(ctx, "expired")
	wantCode(t, err, trailguide.ENOTFOUND)

	if err := s.Users.DeleteAuthSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Users.AuthSession(ctx, "s1")
	wantCode(t, err, trailguide.ENOTFOUND)
	if err := s.Users.DeleteAuthSession(ctx, "s1"); err != nil {
		t.Fatalf("delete a missing auth session: got %v, want nil", err)
	}

	if err := s.Users.DeleteUserAuthSessions(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Users.AuthSession(ctx, "s2")
	wantCode(t, err, trailguide.ENOTFOUND)
	if _, err := s.Users.AuthSession(ctx, "s3"); err != nil {
		t.Fatalf("another user's session after DeleteUserAuthSessions: %v", err)
	}
}

func testAuthSessionExpiryClock(t *testing.T, s Stores) {
	if s.SetNow == nil {
		t.Skip("backend has no clock control")
	}
	ctx := context.Background()
	s.SetNow(t0)
	mustCreateOrg(t, s, "o1")
	if err := s.Users.CreateUser(ctx, &trailguide.User{OrgID: "o1", ID: "u1", Email: "u1@example.com", Role: trailguide.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.CreateAuthSession(ctx, &trailguide.AuthSession{ID: "s1", UserID: "u1", ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  time.Time
		code string
	}{
		{"fresh", t0, ""},
		{"just before expiry", t0.Add(time.Hour - time.Millisecond), ""},
		{"at expiry", t0.Add(time.Hour), trailguide.ENOTFOUND},
		{"long after", t0.Add(48 * time.Hour), trailguide.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetNow(tt.now)
			_, err := s.Users.AuthSession(ctx, "s1")
			wantCode(t, err, tt.code)
		})
	}
	s.SetNow(t0)
	if got, err := s.Users.AuthSession(ctx, "s1"); err != nil || !got.CreatedAt.Equal(t0) {
		t.Fatalf("auth session created without CreatedAt: got %+v, %v; want CreatedAt %v from the clock", got, err, t0)
	}
}

func testNotFound(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	tests := []struct {
		name string
		call func() error
	}{
		{"Project", func() error { _, err := s.Projects.Project(ctx, "nope"); return err }},
		{"ProjectByKey", func() error { _, err := s.Projects.ProjectByKey(ctx, "nope"); return err }},
		{"Session", func() error { _, err := s.Sessions.Session(ctx, "p", "nope"); return err }},
		{"Session of another project", func() error { _, err := s.Sessions.Session(ctx, "other", "nope"); return err }},
		{"CloseSession", func() error { return s.Sessions.CloseSession(ctx, "p", "nope") }},
		{"MarkCompacted", func() error { return s.Sessions.MarkCompacted(ctx, "p", "nope") }},
		{"User", func() error { _, err := s.Users.User(ctx, "nope"); return err }},
		{"UserByEmail", func() error { _, err := s.Users.UserByEmail(ctx, "nope@example.com"); return err }},
		{"UpdatePassword", func() error { return s.Users.UpdatePassword(ctx, "nope", "h") }},
		{"AuthSession", func() error { _, err := s.Users.AuthSession(ctx, "nope"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.call(), trailguide.ENOTFOUND)
		})
	}

	// Empty results are empty, not errors.
	if events, err := s.Sessions.Events(ctx, "p", "nope"); err != nil || len(events) != 0 {
		t.Fatalf("events of a missing session: got %v, %v; want none", events, err)
	}
	if chunks, err := s.Sessions.Chunks(ctx, "p", "nope"); err != nil || len(chunks) != 0 {
		t.Fatalf("chunks of a missing session: got %v, %v; want none", chunks, err)
	}
	if ok, err := s.Ingest.HasBatch(ctx, "p", "nope", "w", 0); err != nil || ok {
		t.Fatalf("has batch of a missing session: got %v, %v; want false", ok, err)
	}
}

// testSessionClock: the skew kept with a session's batches comes back, and
// a session without batches has none.
func testSessionClock(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	if skew, known, err := s.Ingest.SessionClock(ctx, "p", "s1"); err != nil || known || skew != 0 {
		t.Fatalf("clock of a session without batches = %d, %v, %v; want 0, false, nil", skew, known, err)
	}
	for seq := range int64(3) {
		b := newBatch("p", "s1", "w1", seq, t0.Add(time.Duration(seq)*time.Second))
		b.Skew = -3_600_000
		mustCommit(t, s, b)
	}
	other := newBatch("p", "s2", "w1", 0, t0)
	mustCommit(t, s, other) // skew 0 is a known skew
	for _, tt := range []struct {
		session string
		want    int64
	}{{"s1", -3_600_000}, {"s2", 0}} {
		skew, known, err := s.Ingest.SessionClock(ctx, "p", tt.session)
		if err != nil || !known || skew != tt.want {
			t.Errorf("clock of %s = %d, %v, %v; want %d, true, nil", tt.session, skew, known, err, tt.want)
		}
	}
	if _, known, err := s.Ingest.SessionClock(ctx, "other-project", "s1"); err != nil || known {
		t.Errorf("clock of s1 in another project: known %v, err %v; want unknown", known, err)
	}
}

func testCommitBatch(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	b := newBatch("p", "s1", "w1", 0, t0)
	b.Delta.Context = &trailguide.Context{
		URL: "https://app.test/page", Referrer: "https://search.test/", UTM: trailguide.UTM{Source: "google", Medium: "cpc", Campaign: "spring", Term: "replay", Content: "ad1"},
		ViewportW: 1280, ViewportH: 720, ScreenW: 1920, ScreenH: 1080, UserAgent: uaChromeWindows, Language: "en-GB", TimeZone: "Europe/London",
	}
	withDevice(&b.Delta, uaChromeWindows)
	b.Delta.UserID = "user-42"
	b.Delta.UserTraits = map[string]string{"plan": "pro"}
	b.Delta.Errors = 1
	if ok := mustHasBatch(t, s, b); ok {
		t.Fatal("has batch before commit: got true")
	}
	mustCommit(t, s, b)
	if ok := mustHasBatch(t, s, b); !ok {
		t.Fatal("has batch after commit: got false")
	}

	got := mustSession(t, s, "p", "s1")
	want := &trailguide.Session{
		ProjectID: "p", ID: "s1", VisitorID: "visitor-1", UserID: "user-42", UserTraits: map[string]string{"plan": "pro"},
		StartedAt: t0, LastActivityAt: t0.Add(time.Second), DurationMS: 1000, ActiveMS: 1000,
		PageCount: 1, ClickCount: 1, ErrorCount: 1, EventCount: 2,
		EntryURL: "https://app.test/page", ExitURL: "https://app.test/page",
		Referrer: "https://search.test/", UTM: b.Delta.Context.UTM,
		DeviceClass: trailguide.DeviceDesktop, Browser: "Chrome", OS: "Windows",
		ViewportW: 1280, ViewportH: 720, Language: "en-GB", TimeZone: "Europe/London", UserAgent: uaChromeWindows,
		RawBytes: 1000, StoredBytes: 100, LastBatchAt: t0.Add(2 * time.Second),
	}
	if diff := diffSession(got, want); diff != "" {
		t.Fatalf("session after one batch: %s", diff)
	}

	events := mustEvents(t, s, "p", "s1")
	if len(events) != 2 {
		t.Fatalf("events: got %d, want 2", len(events))
	}
	for i, e := range events {
		w := b.Events[i]
		if e.ProjectID != "p" || e.SessionID != "s1" || e.WindowID != "w1" || e.Seq != 0 || e.Index != w.Index ||
			e.Type != w.Type || !e.Time.Equal(w.Time) || e.URL != w.URL || e.Selector != w.Selector ||
			e.Text != w.Text || e.X != w.X || e.Y != w.Y || e.Name != w.Name || string(e.Data) != string(w.Data) {
			t.Fatalf("event %d: got %+v, want %+v", i, e, w)
		}
	}

	chunks := mustChunks(t, s, "p", "s1")
	if len(chunks) != 1 || !sameChunk(chunks[0], b.Chunk) {
		t.Fatalf("chunks: got %+v, want [%+v]", chunks, b.Chunk)
	}
	if chunks[0].Data != nil {
		t.Fatalf("Chunks returned the staged bytes; they are read with ChunkData")
	}
	if got := mustChunkData(t, s, chunks[0]); string(got) != string(b.Chunk.Data) {
		t.Fatalf("chunk data: got %q, want %q", got, b.Chunk.Data)
	}

	// A batch without rrweb events has no chunk.
	nb := newBatch("p", "s1", "w1", 1, t0.Add(5*time.Second))
	nb.Chunk = nil
	mustCommit(t, s, nb)
	if chunks := mustChunks(t, s, "p", "s1"); len(chunks) != 1 {
		t.Fatalf("chunks after a batch without one: got %d, want 1", len(chunks))
	}
	if _, err := s.Ingest.CommitBatch(ctx, nil); err == nil {
		t.Fatal("commit nil batch: got nil error")
	}
}

// diffSession compares every field of two sessions; "" when equal.
func diffSession(got, want *trailguide.Session) string {
	g, w := *got, *want
	var diffs []string
	check := func(name string, eq bool, gv, wv any) {
		if !eq {
			diffs = append(diffs, fmt.Sprintf("%s: got %v, want %v", name, gv, wv))
		}
	}
	check("StartedAt", g.StartedAt.Equal(w.StartedAt), g.StartedAt, w.StartedAt)
	check("LastActivityAt", g.LastActivityAt.Equal(w.LastActivityAt), g.LastActivityAt, w.LastActivityAt)
	check("LastBatchAt", g.LastBatchAt.Equal(w.LastBatchAt), g.LastBatchAt, w.LastBatchAt)
	check("UserTraits", maps.Equal(g.UserTraits, w.UserTraits), g.UserTraits, w.UserTraits)
	g.StartedAt, g.LastActivityAt, g.LastBatchAt = w.StartedAt, w.LastActivityAt, w.LastBatchAt
	g.UserTraits, w.UserTraits = nil, nil
	if !reflect.DeepEqual(g, w) {
		diffs = append(diffs, fmt.Sprintf("got %+v\nwant %+v", g, w))
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprint(diffs)
}

func testDedupe(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	b := newBatch("p", "s1", "w1", 7, t0)
	mustCommit(t, s, b)
	before := mustSession(t, s, "p", "s1")

	// The same key again, even with different content, changes nothing.
	again := newBatch("p", "s1", "w1", 7, t0.Add(time.Minute))
	again.Delta.Errors = 5
	dup, err := s.Ingest.CommitBatch(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if !dup {
		t.Fatal("second commit of the same batch: duplicate = false, want true")
	}
	if diff := diffSession(mustSession(t, s, "p", "s1"), before); diff != "" {
		t.Fatalf("session changed by a duplicate: %s", diff)
	}
	if n := len(mustEvents(t, s, "p", "s1")); n != 2 {
		t.Fatalf("events after duplicate: got %d, want 2", n)
	}
	if n := len(mustChunks(t, s, "p", "s1")); n != 1 {
		t.Fatalf("chunks after duplicate: got %d, want 1", n)
	}

	// Any other part of the key makes a different batch.
	others := []*trailguide.IngestBatch{
		newBatch("p", "s1", "w1", 8, t0),
		newBatch("p", "s1", "w2", 7, t0),
		newBatch("p", "s2", "w1", 7, t0),
	}
	for _, o := range others {
		mustCommit(t, s, o)
	}
}

func testDedupeConcurrent(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	const n = 20
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		fresh, dup int
		errs       []error
	)
	for range n {
		wg.Go(func() {
			d, err := s.Ingest.CommitBatch(ctx, newBatch("p", "s1", "w1", 0, t0))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case d:
				dup++
			default:
				fresh++
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent commits: %v", errors.Join(errs...))
	}
	if fresh != 1 || dup != n-1 {
		t.Fatalf("concurrent commits of one batch: %d fresh, %d duplicates; want 1 and %d", fresh, dup, n-1)
	}
	sess := mustSession(t, s, "p", "s1")
	if sess.EventCount != 2 || sess.PageCount != 1 || sess.StoredBytes != 100 {
		t.Fatalf("session counted more than once: %+v", sess)
	}
	if got := len(mustEvents(t, s, "p", "s1")); got != 2 {
		t.Fatalf("events: got %d, want 2", got)
	}
	if got := len(mustChunks(t, s, "p", "s1")); got != 1 {
		t.Fatalf("chunks: got %d, want 1", got)
	}
}

func testGroupCommitConcurrent(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	const sessions, batches = 40, 5
	var wg sync.WaitGroup
	errc := make(chan error, sessions*batches)
	for i := range sessions {
		for seq := range batches {
			wg.Go(func() {
				b := newBatch("p", fmt.Sprintf("s%02d", i), "w1", int64(seq), t0.Add(time.Duration(seq)*time.Minute))
				dup, err := s.Ingest.CommitBatch(ctx, b)
				if err == nil && dup {
					err = fmt.Errorf("batch %s/%d: unexpectedly a duplicate", b.SessionID, seq)
				}
				errc <- err
			})
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range sessions {
		id := fmt.Sprintf("s%02d", i)
		sess := mustSession(t, s, "p", id)
		if sess.PageCount != batches || sess.EventCount != 2*batches || sess.StoredBytes != 100*batches ||
			!sess.StartedAt.Equal(t0) || !sess.LastActivityAt.Equal(t0.Add((batches-1)*time.Minute+time.Second)) {
			t.Fatalf("session %s after %d concurrent batches: %+v", id, batches, sess)
		}
		if n := len(mustChunks(t, s, "p", id)); n != batches {
			t.Fatalf("chunks of %s: got %d, want %d", id, n, batches)
		}
	}
	page, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != sessions {
		t.Fatalf("total: got %d, want %d", page.Total, sessions)
	}
}

// testInvalidBatchInGroup commits valid batches together with batches for an
// unknown project: the invalid ones fail with EINVALID and leave no trace,
// the valid ones commit whatever group they land in.
func testInvalidBatchInGroup(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	type result struct {
		b   *trailguide.IngestBatch
		dup bool
		err error
	}
	var batches []*trailguide.IngestBatch
	for i := range 30 {
		project := "p"
		if i%6 == 3 {
			project = "missing"
		}
		batches = append(batches, newBatch(project, fmt.Sprintf("s%02d", i), "w1", 0, t0))
	}
	results := make(chan result, len(batches))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, b := range batches {
		wg.Go(func() {
			<-start
			dup, err := s.Ingest.CommitBatch(ctx, b)
			results <- result{b, dup, err}
		})
	}
	close(start)
	wg.Wait()
	close(results)
	for r := range results {
		if r.b.ProjectID == "missing" {
			wantCode(t, r.err, trailguide.EINVALID)
			if mustHasBatch(t, s, r.b) {
				t.Fatalf("failed batch %s is recorded", r.b.SessionID)
			}
			continue
		}
		if r.err != nil || r.dup {
			t.Fatalf("valid batch %s: dup=%v err=%v", r.b.SessionID, r.dup, r.err)
		}
		if !mustHasBatch(t, s, r.b) {
			t.Fatalf("valid batch %s is not recorded", r.b.SessionID)
		}
		mustSession(t, s, "p", r.b.SessionID)
	}
}

func testCommitBatchCanceled(t *testing.T, s Stores) {
	mustCreateProject(t, s, "p")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := newBatch("p", "s1", "w1", 0, t0)
	if _, err := s.Ingest.CommitBatch(ctx, b); !errors.Is(err, context.Canceled) {
		t.Fatalf("commit with a canceled context: got %v, want context.Canceled", err)
	}
	if mustHasBatch(t, s, b) {
		t.Fatal("batch committed despite a canceled context")
	}
}

// testProjectPrivacyConfig: like the friction config, the privacy config
// starts nil, is replaced as a whole, read back by every lookup, reset by
// nil, and kept apart from the friction config.
func testProjectPrivacyConfig(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "a")
	mustCreateProject(t, s, "b")
	read := func(id string) (privacy, friction map[string]json.RawMessage) {
		t.Helper()
		byID, err := s.Projects.Project(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		byKey, err := s.Projects.ProjectByKey(ctx, "pk_"+id)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Projects.Projects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := jsonObject(t, byID.PrivacyConfig)
		for _, p := range append(list, byKey) {
			if p.ID == id && !reflect.DeepEqual(jsonObject(t, p.PrivacyConfig), got) {
				t.Fatalf("privacy config of %s differs between lookups: %s vs %s", id, p.PrivacyConfig, byID.PrivacyConfig)
			}
		}
		return got, jsonObject(t, byID.FrictionConfig)
	}
	if got, _ := read("a"); got != nil {
		t.Fatalf("privacy config of a new project: got %v, want nil", got)
	}
	cfg := json.RawMessage(`{"mode": "strict", "mask_selectors": [".pii"], "block_selectors": [], "unmask_selectors": ["#plan"]}`)
	if err := s.Projects.SetFrictionConfig(ctx, "a", json.RawMessage(`{"rage_clicks":4}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Projects.SetPrivacyConfig(ctx, "a", cfg); err != nil {
		t.Fatal(err)
	}
	got, fr := read("a")
	if !reflect.DeepEqual(got, jsonObject(t, cfg)) || !reflect.DeepEqual(fr, jsonObject(t, json.RawMessage(`{"rage_clicks":4}`))) {
		t.Fatalf("after set: privacy %v, friction %v", got, fr)
	}
	if got, _ := read("b"); got != nil {
		t.Fatalf("privacy config of another project: got %v, want nil", got)
	}
	if err := s.Projects.SetPrivacyConfig(ctx, "a", json.RawMessage(`{"mode":"relaxed"}`)); err != nil {
		t.Fatal(err)
	}
	if got, _ := read("a"); !reflect.DeepEqual(got, jsonObject(t, json.RawMessage(`{"mode":"relaxed"}`))) {
		t.Fatalf("a set replaces the whole object: got %v", got)
	}
	for _, reset := range []json.RawMessage{nil, {}} {
		if err := s.Projects.SetPrivacyConfig(ctx, "a", reset); err != nil {
			t.Fatal(err)
		}
		if got, fr := read("a"); got != nil || fr == nil {
			t.Fatalf("after a reset with %q: privacy %v, friction %v", reset, got, fr)
		}
	}
	c := &trailguide.Project{ID: "c", Name: "C", PublicKey: "pk_c", PrivacyConfig: json.RawMessage(`{"mode":"strict"}`)}
	if err := s.Projects.CreateProject(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, _ := read("c"); !reflect.DeepEqual(got, jsonObject(t, json.RawMessage(`{"mode":"strict"}`))) {
		t.Fatalf("privacy config of a project created with one: got %v", got)
	}
	wantCode(t, s.Projects.SetPrivacyConfig(ctx, "nope", cfg), trailguide.ENOTFOUND)
	for _, bad := range []string{`not json`, `[1,2]`, `"strict"`, `{"mode":`, `null`} {
		wantCode(t, s.Projects.SetPrivacyConfig(ctx, "a", json.RawMessage(bad)), trailguide.EINVALID)
	}
}
