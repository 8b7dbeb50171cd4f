package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// The privacy conformance cases: the scrubber's counts, retention deletes,
// chunk asset references, erasure jobs and tombstones. A backend whose
// session store does not implement the interfaces skips them.

func privacyStores(t *testing.T, s Stores) (trailguide.PrivacyStore, trailguide.RetentionStore, trailguide.ErasureStore) {
	ps, ok1 := s.Sessions.(trailguide.PrivacyStore)
	rs, ok2 := s.Sessions.(trailguide.RetentionStore)
	es, ok3 := s.Sessions.(trailguide.ErasureStore)
	if !ok1 || !ok2 || !ok3 {
		t.Skip("the session store implements no privacy interfaces")
	}
	return ps, rs, es
}

func testScrubCounts(t *testing.T, s Stores) {
	ps, _, _ := privacyStores(t, s)
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	b := newBatch("p", "s1", "w", 0, t0)
	b.Scrubbed = []trailguide.ScrubCount{{Kind: "email", Path: "/a", Count: 2}, {Kind: "url", Path: "/a", Count: 1}}
	mustCommit(t, s, b)
	b = newBatch("p", "s1", "w", 1, t0.Add(time.Minute))
	b.Scrubbed = []trailguide.ScrubCount{{Kind: "email", Path: "/a", Count: 3}, {Kind: "email", Path: "/b", Count: 1}}
	mustCommit(t, s, b)
	b = newBatch("q", "s9", "w", 0, t0)
	b.Scrubbed = []trailguide.ScrubCount{{Kind: "card", Path: "/x", Count: 7}}
	mustCommit(t, s, b)
	// A duplicate batch counts nothing.
	if dup, err := s.Ingest.CommitBatch(ctx, b); err != nil || !dup {
		t.Fatalf("duplicate: %v %v", dup, err)
	}

	kinds, sources, err := ps.ScrubStats(ctx, "p", 10)
	if err != nil {
		t.Fatal(err)
	}
	last := t0.Add(time.Minute + 2*time.Second) // the second batch's ReceivedAt
	if len(kinds) != 2 || kinds[0].Kind != "email" || kinds[0].Count != 6 || !kinds[0].LastAt.Equal(last) ||
		kinds[1].Kind != "url" || kinds[1].Count != 1 {
		t.Errorf("kinds = %+v", kinds)
	}
	if len(sources) != 3 || sources[0].Path != "/a" || sources[0].Kind != "email" || sources[0].Count != 5 {
		t.Errorf("sources = %+v", sources)
	}
	if _, sources, _ := ps.ScrubStats(ctx, "p", 1); len(sources) != 1 {
		t.Errorf("limit 1: %d sources", len(sources))
	}
	if kinds, sources, err := ps.ScrubStats(ctx, "nope", 10); err != nil || len(kinds) != 0 || len(sources) != 0 {
		t.Errorf("unknown project: %v %v %v", kinds, sources, err)
	}
}

func testRetentionDelete(t *testing.T, s Stores) {
	_, rs, _ := privacyStores(t, s)
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	mustCommit(t, s, newBatch("p", "old", "w", 0, t0))
	mustCommit(t, s, newBatch("p", "old", "w", 1, t0.Add(time.Hour)))
	mustCommit(t, s, newBatch("p", "new", "w", 0, t0.Add(48*time.Hour)))
	mustCommit(t, s, newBatch("q", "other", "w", 0, t0))
	compacted := &trailguide.Chunk{ProjectID: "p", SessionID: "old", WindowID: "w", SeqFrom: 0, SeqTo: 1,
		FirstTS: t0.UnixMilli(), LastTS: t0.UnixMilli(), BlobKey: "p/old/w/c-0-1.zst", Assets: []string{"aa", "bb"}}
	if err := s.Sessions.ReplaceChunks(ctx, mustChunks(t, s, "p", "old"), compacted); err != nil {
		t.Fatal(err)
	}
	ids, unknown, err := rs.ChunkAssets(ctx, "p")
	if err != nil || len(unknown) != 0 || !ids["aa"] || !ids["bb"] || len(ids) != 2 {
		t.Fatalf("chunk assets: %v %v %v", ids, unknown, err)
	}

	d, err := rs.DeleteSessionsBefore(ctx, "p", t0.Add(24*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if d.Sessions != 1 || d.Chunks != 1 || d.Events != 4 || len(d.BlobKeys) != 1 || d.BlobKeys[0] != compacted.BlobKey {
		t.Errorf("deleted = %+v", d)
	}
	if ok, err := rs.SessionExists(ctx, "p", "old"); ok || err != nil {
		t.Errorf("old still exists: %v %v", ok, err)
	}
	for _, sid := range []string{"new"} {
		if ok, _ := rs.SessionExists(ctx, "p", sid); !ok {
			t.Errorf("%s deleted", sid)
		}
	}
	if ok, _ := rs.SessionExists(ctx, "q", "other"); !ok {
		t.Error("another project's session deleted")
	}
	if has := mustHasBatch(t, s, newBatch("p", "old", "w", 0, t0)); has {
		t.Error("the deleted session's batch rows remain (a re-sent batch would be taken as a duplicate)")
	}
	if ids, _, _ := rs.ChunkAssets(ctx, "p"); len(ids) != 0 {
		t.Errorf("asset references of deleted chunks remain: %v", ids)
	}
	// Limit.
	mustCommit(t, s, newBatch("p", "a1", "w", 0, t0))
	mustCommit(t, s, newBatch("p", "a2", "w", 0, t0))
	if d, err := rs.DeleteSessionsBefore(ctx, "p", t0.Add(time.Hour), 1); err != nil || d.Sessions != 1 {
		t.Errorf("limit 1: %+v %v", d, err)
	}
}

func testChunkAssetsUnknown(t *testing.T, s Stores) {
	_, rs, _ := privacyStores(t, s)
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCommit(t, s, newBatch("p", "s", "w", 0, t0))
	c := &trailguide.Chunk{ProjectID: "p", SessionID: "s", WindowID: "w", SeqFrom: 0, SeqTo: 0, BlobKey: "p/s/w/c.zst"}
	if err := s.Sessions.ReplaceChunks(ctx, mustChunks(t, s, "p", "s"), c); err != nil {
		t.Fatal(err)
	}
	if err := rs.SetChunkAssets(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	ids, unknown, err := rs.ChunkAssets(ctx, "p")
	if err != nil || len(ids) != 0 || len(unknown) != 1 || unknown[0].BlobKey != c.BlobKey {
		t.Fatalf("unknown: %v %v %v", ids, unknown, err)
	}
	if err := rs.SetChunkAssets(ctx, unknown[0], []string{"cc"}); err != nil {
		t.Fatal(err)
	}
	if ids, unknown, _ := rs.ChunkAssets(ctx, "p"); len(unknown) != 0 || !ids["cc"] {
		t.Errorf("after set: %v %v", ids, unknown)
	}
}

func testErasureJobs(t *testing.T, s Stores) {
	_, _, es := privacyStores(t, s)
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	// All on visitor-1 (one browser) but anon-elsewhere: user-1's sessions,
	// user-2's on the same browser, and anonymous ones.
	for _, sid := range []string{"u1a", "u1b", "u2", "anon", "anon-elsewhere"} {
		b := newBatch("p", sid, "w", 0, t0)
		b.Delta.UserID = map[string]string{"u1a": "user-1", "u1b": "user-1", "u2": "user-2"}[sid]
		if sid == "anon-elsewhere" {
			b.Delta.VisitorID = "visitor-2"
		}
		mustCommit(t, s, b)
	}
	j := &trailguide.Job{Kind: "erase_user", ProjectID: "p", UserID: "user-1", CreatedAt: t0}
	if err := es.CreateJob(ctx, j); err != nil || j.ID == "" || j.Status != trailguide.JobQueued {
		t.Fatalf("create job: %+v %v", j, err)
	}
	if ids, err := es.PendingJobs(ctx, 10); err != nil || len(ids) != 1 || ids[0] != j.ID {
		t.Errorf("pending: %v %v", ids, err)
	}
	if ok, err := es.ClaimJob(ctx, j.ID, t0, t0.Add(-time.Minute)); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if ok, _ := es.ClaimJob(ctx, j.ID, t0, t0.Add(-time.Minute)); ok {
		t.Error("claimed a running job twice")
	}
	if ok, _ := es.ClaimJob(ctx, j.ID, t0.Add(time.Hour), t0.Add(time.Second)); !ok {
		t.Error("a stale running job could not be claimed")
	}

	d, err := es.EraseUserSessions(ctx, j.ID, "p", "user-1")
	if err != nil || d.Sessions != 3 || d.Events != 6 || d.Chunks != 3 {
		t.Fatalf("erase: %+v %v", d, err)
	}
	if ids, err := es.TombstonedSessions(ctx, j.ID); err != nil || !equalIDs(ids, []string{"anon", "u1a", "u1b"}) {
		t.Errorf("tombstones: %v %v", ids, err)
	}
	mustSession(t, s, "p", "u2")
	mustSession(t, s, "p", "anon-elsewhere")
	// A later batch of an erased session is refused and stores nothing.
	_, err = s.Ingest.CommitBatch(ctx, newBatch("p", "u1a", "w", 1, t0.Add(time.Minute)))
	if !errors.Is(err, trailguide.ErrSessionErased) {
		t.Errorf("late batch: %v, want ErrSessionErased", err)
	}
	if _, err := s.Sessions.Session(ctx, "p", "u1a"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("erased session came back: %v", err)
	}
	// Erasing again finds nothing new; an empty user id is refused.
	if d, err := es.EraseUserSessions(ctx, j.ID, "p", "user-1"); err != nil || d.Sessions != 0 {
		t.Errorf("again: %+v %v", d, err)
	}
	if _, err := es.EraseUserSessions(ctx, j.ID, "p", ""); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Errorf("empty user: %v", err)
	}

	j.Status, j.Sessions, j.Events, j.Chunks, j.Blobs, j.FinishedAt = trailguide.JobDone, 2, 4, 2, 1, t0.Add(time.Hour)
	if err := es.FinishJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	got, err := es.Job(ctx, j.ID)
	if err != nil || got.Status != trailguide.JobDone || got.Blobs != 1 || !got.FinishedAt.Equal(j.FinishedAt) ||
		!got.StartedAt.Equal(t0.Add(time.Hour)) || got.UserID != "user-1" {
		t.Errorf("job = %+v %v", got, err)
	}
	if ids, _ := es.PendingJobs(ctx, 10); len(ids) != 0 {
		t.Errorf("finished job still pending: %v", ids)
	}
	if _, err := es.Job(ctx, "nope"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("unknown job: %v", err)
	}
}

func testEraseVisitorAndSession(t *testing.T, s Stores) {
	_, _, es := privacyStores(t, s)
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	// visitor-1: an identified and an anonymous session; visitor-2: two.
	for _, sid := range []string{"v1-user", "v1-anon", "v2-a", "v2-b"} {
		b := newBatch("p", sid, "w", 0, t0)
		if sid == "v1-user" {
			b.Delta.UserID = "user-1"
		}
		if sid[:2] == "v2" {
			b.Delta.VisitorID = "visitor-2"
		}
		mustCommit(t, s, b)
	}
	jv := &trailguide.Job{Kind: trailguide.JobEraseVisitor, ProjectID: "p", VisitorID: "visitor-1", CreatedAt: t0}
	if err := es.CreateJob(ctx, jv); err != nil {
		t.Fatal(err)
	}
	if got, err := es.Job(ctx, jv.ID); err != nil || got.Kind != trailguide.JobEraseVisitor || got.VisitorID != "visitor-1" || got.UserID != "" || got.SessionID != "" {
		t.Errorf("visitor job = %+v %v", got, err)
	}
	d, err := es.EraseVisitorSessions(ctx, jv.ID, "p", "visitor-1")
	if err != nil || d.Sessions != 2 || d.Events != 4 || d.Chunks != 2 {
		t.Fatalf("erase visitor: %+v %v; want 2 sessions, 4 events, 2 chunks", d, err)
	}
	if ids, err := es.TombstonedSessions(ctx, jv.ID); err != nil || !equalIDs(ids, []string{"v1-anon", "v1-user"}) {
		t.Errorf("visitor tombstones: %v %v", ids, err)
	}
	mustSession(t, s, "p", "v2-a")
	if _, err := es.EraseVisitorSessions(ctx, jv.ID, "p", ""); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Errorf("empty visitor: %v", err)
	}

	js := &trailguide.Job{Kind: trailguide.JobEraseSession, ProjectID: "p", SessionID: "v2-a", CreatedAt: t0}
	if err := es.CreateJob(ctx, js); err != nil {
		t.Fatal(err)
	}
	if got, err := es.Job(ctx, js.ID); err != nil || got.SessionID != "v2-a" || got.VisitorID != "" {
		t.Errorf("session job = %+v %v", got, err)
	}
	d, err = es.EraseSession(ctx, js.ID, "p", "v2-a")
	if err != nil || d.Sessions != 1 || d.Events != 2 || d.Chunks != 1 {
		t.Fatalf("erase session: %+v %v; want 1 session, 2 events, 1 chunk", d, err)
	}
	mustSession(t, s, "p", "v2-b")
	if _, err := s.Sessions.Session(ctx, "p", "v2-a"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("erased session still there: %v", err)
	}
	_, err = s.Ingest.CommitBatch(ctx, newBatch("p", "v2-a", "w", 1, t0.Add(time.Minute)))
	if !errors.Is(err, trailguide.ErrSessionErased) {
		t.Errorf("late batch of an erased session: %v, want ErrSessionErased", err)
	}
	// A session that does not exist yet: tombstoned, nothing deleted, and
	// its first batch is refused.
	if d, err := es.EraseSession(ctx, js.ID, "p", "not-yet"); err != nil || d.Sessions != 0 {
		t.Errorf("erase missing session: %+v %v", d, err)
	}
	if _, err := s.Ingest.CommitBatch(ctx, newBatch("p", "not-yet", "w", 0, t0)); !errors.Is(err, trailguide.ErrSessionErased) {
		t.Errorf("batch of a tombstoned new session: %v, want ErrSessionErased", err)
	}
	if _, err := es.EraseSession(ctx, js.ID, "p", ""); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Errorf("empty session: %v", err)
	}
}

func testRetentionSetter(t *testing.T, s Stores) {
	rs, ok := s.Projects.(trailguide.RetentionSetter)
	if !ok {
		t.Skip("the project store cannot set retention")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	if err := rs.SetRetentionDays(ctx, "p", 7); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Projects.Project(ctx, "p"); p.RetentionDays != 7 || p.EffectiveRetentionDays() != 7 {
		t.Errorf("retention = %d", p.RetentionDays)
	}
	wantCode(t, rs.SetRetentionDays(ctx, "nope", 7), trailguide.ENOTFOUND)
	wantCode(t, rs.SetRetentionDays(ctx, "p", -1), trailguide.EINVALID)
}
