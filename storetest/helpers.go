// Package storetest holds the conformance suites that every storage backend
// runs: TestStores for the index stores (projects, sessions, ingest, users)
// and TestBlobStore for recording blob stores. A new backend is a new
// constructor passed to these functions, not a new test file; the suites
// assert only what the root interfaces promise (plus the merge and paging
// rules documented on SessionDelta, SessionFilter and in docs/).
package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// Stores are the index stores of one backend, all over the same database.
type Stores struct {
	Projects trailguide.ProjectStore
	Sessions trailguide.SessionStore
	Ingest   trailguide.IngestStore
	Users    trailguide.UserStore
	// Keys is the backend's API key store, over the same database.
	Keys trailguide.APIKeyStore
	// Friction is the backend's friction store, over the same database as
	// Sessions.
	Friction trailguide.FrictionStore
	// Webhooks is the backend's webhook store; its tests are skipped
	// without it.
	Webhooks trailguide.WebhookStore
	// Heatmaps is the backend's heatmap store, over the same database as
	// Sessions; the heatmap cases are skipped without it.
	Heatmaps trailguide.HeatmapStore
	// Segments is the backend's saved-segment store; its cases are skipped
	// without it. (Segment filtering and the funnel scan are tested through
	// Sessions, which must implement trailguide.FunnelStore for the latter.)
	Segments trailguide.SegmentStore
	// FunnelDefs is the backend's saved-funnel store; its case is skipped
	// without it.
	FunnelDefs trailguide.FunnelDefStore
	// Guides is the backend's guide store; its cases are skipped without it.
	Guides trailguide.GuideStore
	// SetNow, when not nil, sets the clock the stores use for defaults and
	// auth session expiry. Tests that need it are skipped without it.
	SetNow func(time.Time)
}

// t0 is the base time of the test data: whole milliseconds, UTC.
var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// User agents with well-known classifications.
const (
	uaChromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	uaSafariIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	uaFirefoxLinux  = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	uaChromeTablet  = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

func mustCreateOrg(tb testing.TB, s Stores, id string) *trailguide.Org {
	tb.Helper()
	o := &trailguide.Org{ID: id, Name: "Org " + id, CreatedAt: t0}
	if err := s.Users.CreateOrg(context.Background(), o); err != nil {
		tb.Fatalf("create org %s: %v", id, err)
	}
	return o
}

func mustCreateUser(tb testing.TB, s Stores, orgID, id, role string) *trailguide.User {
	tb.Helper()
	u := &trailguide.User{ID: id, OrgID: orgID, Email: id + "@example.com", Role: role, PasswordHash: "h", CreatedAt: t0}
	if err := s.Users.CreateUser(context.Background(), u); err != nil {
		tb.Fatalf("create user %s: %v", id, err)
	}
	return u
}

func mustCreateProject(tb testing.TB, s Stores, id string) *trailguide.Project {
	tb.Helper()
	p := &trailguide.Project{
		ID:             id,
		Name:           "Project " + id,
		PublicKey:      "pk_" + id,
		AllowedOrigins: []string{"https://" + id + ".test"},
		RetentionDays:  30,
		CreatedAt:      t0,
	}
	if err := s.Projects.CreateProject(context.Background(), p); err != nil {
		tb.Fatalf("create project %s: %v", id, err)
	}
	return p
}

// newBatch returns a realistic batch: one rrweb chunk, a pageview and a
// click at `at`, and the matching delta (received 2 s after at).
func newBatch(projectID, sessionID, windowID string, seq int64, at time.Time) *trailguide.IngestBatch {
	url := "https://app.test/page"
	ev := func(idx int, typ string, ts time.Time) *trailguide.Event {
		return &trailguide.Event{
			ProjectID: projectID, SessionID: sessionID, WindowID: windowID, Seq: seq, Index: idx,
			Type: typ, Time: ts, URL: url,
		}
	}
	click := ev(1, trailguide.EventClick, at.Add(500*time.Millisecond))
	click.Selector, click.Text, click.X, click.Y = "#buy", "Buy", 10, 20
	click.Data = []byte(`{"ex":1,"ey":2}`)
	return &trailguide.IngestBatch{
		ProjectID: projectID,
		SessionID: sessionID,
		WindowID:  windowID,
		Seq:       seq,
		Chunk: &trailguide.Chunk{
			ProjectID: projectID, SessionID: sessionID, WindowID: windowID,
			SeqFrom: seq, SeqTo: seq,
			FirstTS: at.UnixMilli(), LastTS: at.Add(time.Second).UnixMilli(),
			EventCount: 10, RawBytes: 1000, StoredBytes: 100,
			Data: []byte(fmt.Sprintf("staged %s/%s/%s/%d", projectID, sessionID, windowID, seq)),
		},
		Events: []*trailguide.Event{ev(0, trailguide.EventPageview, at), click},
		Delta: trailguide.SessionDelta{
			ProjectID: projectID, SessionID: sessionID, VisitorID: "visitor-1",
			FirstAt: at, LastAt: at.Add(time.Second),
			ActiveMS: 1000, Pages: 1, Clicks: 1, Events: 2,
			EntryURL: url, ExitURL: url,
			RawBytes: 1000, StoredBytes: 100,
			ReceivedAt: at.Add(2 * time.Second),
		},
	}
}

func mustCommit(tb testing.TB, s Stores, b *trailguide.IngestBatch) {
	tb.Helper()
	dup, err := s.Ingest.CommitBatch(context.Background(), b)
	if err != nil {
		tb.Fatalf("commit batch %s/%s/%d: %v", b.SessionID, b.WindowID, b.Seq, err)
	}
	if dup {
		tb.Fatalf("commit batch %s/%s/%d: unexpectedly a duplicate", b.SessionID, b.WindowID, b.Seq)
	}
}

func mustSession(tb testing.TB, s Stores, projectID, id string) *trailguide.Session {
	tb.Helper()
	sess, err := s.Sessions.Session(context.Background(), projectID, id)
	if err != nil {
		tb.Fatalf("session %s: %v", id, err)
	}
	return sess
}

func mustEvents(tb testing.TB, s Stores, projectID, id string) []*trailguide.Event {
	tb.Helper()
	events, err := s.Sessions.Events(context.Background(), projectID, id)
	if err != nil {
		tb.Fatalf("events of %s: %v", id, err)
	}
	return events
}

func mustChunks(tb testing.TB, s Stores, projectID, id string) []*trailguide.Chunk {
	tb.Helper()
	chunks, err := s.Sessions.Chunks(context.Background(), projectID, id)
	if err != nil {
		tb.Fatalf("chunks of %s: %v", id, err)
	}
	return chunks
}

func mustHasBatch(tb testing.TB, s Stores, b *trailguide.IngestBatch) bool {
	tb.Helper()
	ok, err := s.Ingest.HasBatch(context.Background(), b.ProjectID, b.SessionID, b.WindowID, b.Seq)
	if err != nil {
		tb.Fatalf("has batch: %v", err)
	}
	return ok
}

// wantCode fails unless err carries the root error code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := trailguide.ErrorCode(err); got != code {
		tb.Fatalf("error code: got %q (%v), want %q", got, err, code)
	}
}

func sessionIDs(sessions []*trailguide.Session) []string {
	ids := make([]string, 0, len(sessions))
	for _, s := range sessions {
		ids = append(ids, s.ID)
	}
	return ids
}

func equalIDs(got, want []string) bool {
	if len(got) == 0 && len(want) == 0 {
		return true
	}
	return slices.Equal(got, want)
}

func ptr[T any](v T) *T { return &v }

// withDevice sets the device fields that ingest would have parsed from the
// fixture user agents; stores take them from the delta as given.
func withDevice(d *trailguide.SessionDelta, ua string) {
	switch ua {
	case uaChromeWindows:
		d.DeviceClass, d.Browser, d.OS = trailguide.DeviceDesktop, "Chrome", "Windows"
	case uaSafariIPhone:
		d.DeviceClass, d.Browser, d.OS = trailguide.DeviceMobile, "Safari", "iOS"
	case uaFirefoxLinux:
		d.DeviceClass, d.Browser, d.OS = trailguide.DeviceDesktop, "Firefox", "Linux"
	case uaChromeTablet:
		d.DeviceClass, d.Browser, d.OS = trailguide.DeviceTablet, "Chrome", "Android"
	}
}

// sameChunk compares chunk rows; the staged bytes are compared separately
// through ChunkData.
func sameChunk(a, b *trailguide.Chunk) bool {
	return a.ProjectID == b.ProjectID && a.SessionID == b.SessionID && a.WindowID == b.WindowID &&
		a.SeqFrom == b.SeqFrom && a.SeqTo == b.SeqTo && a.FirstTS == b.FirstTS && a.LastTS == b.LastTS &&
		a.EventCount == b.EventCount && a.RawBytes == b.RawBytes && a.StoredBytes == b.StoredBytes && a.BlobKey == b.BlobKey
}

func mustChunkData(tb testing.TB, s Stores, c *trailguide.Chunk) []byte {
	tb.Helper()
	data, err := s.Sessions.ChunkData(context.Background(), c)
	if err != nil {
		tb.Fatalf("chunk data %s/%d: %v", c.WindowID, c.SeqFrom, err)
	}
	return data
}
