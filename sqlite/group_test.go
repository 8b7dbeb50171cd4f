package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/sqlite"
)

// TestGroupCommit queues batches while the writer is busy, so that they land
// in one transaction, and checks that each gets its own answer: the valid
// ones commit, the one for an unknown project fails alone, and the second
// request with a key already seen in the group is a duplicate.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t, "")
	if err := sqlite.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P"}); err != nil {
		t.Fatal(err)
	}
	ingest := sqlite.NewIngestStore(db)

	type request struct {
		name    string
		batch   *trailguide.IngestBatch
		wantDup bool
		wantErr string
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	requests := []request{
		{"first", benchBatch("p", "s1", 0, at), false, ""},
		{"other session", benchBatch("p", "s2", 0, at), false, ""},
		{"unknown project", benchBatch("nope", "s3", 0, at), false, trailguide.EINVALID},
		{"same key again in the group", benchBatch("p", "s1", 0, at), true, ""},
		{"next seq", benchBatch("p", "s1", 1, at.Add(time.Second)), false, ""},
	}

	release := make(chan struct{})
	groupsBefore := db.Groups()
	db.Block(t, release)

	type result struct {
		dup bool
		err error
	}
	results := make([]result, len(requests))
	var wg sync.WaitGroup
	for i, r := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dup, err := ingest.CommitBatch(ctx, r.batch)
			results[i] = result{dup, err}
		}()
		// Queue in order, so "same key again" follows "first".
		time.Sleep(20 * time.Millisecond)
	}
	close(release)
	wg.Wait()

	for i, r := range requests {
		got := results[i]
		if got.dup != r.wantDup || trailguide.ErrorCode(got.err) != r.wantErr {
			t.Errorf("%s: dup=%v err=%v; want dup=%v code %q", r.name, got.dup, got.err, r.wantDup, r.wantErr)
		}
	}
	// One group for the blocker (alone: the queue was empty when it was
	// taken) and one for the five requests.
	if got := db.Groups() - groupsBefore; got != 2 {
		t.Errorf("group transactions: got %d, want 2", got)
	}
	sess, err := sqlite.NewSessionStore(db).Session(ctx, "p", "s1")
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * len(benchBatch("p", "s1", 0, at).Events); sess.EventCount != want {
		t.Errorf("s1 events: got %d, want %d (two distinct batches)", sess.EventCount, want)
	}
	if _, err := sqlite.NewSessionStore(db).Session(ctx, "nope", "s3"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("session of the failed batch: got %v, want ENOTFOUND", err)
	}
}

// TestCommitBatchCancelWhileQueued gives up waiting for a busy writer: the
// caller gets its context's error and the batch is skipped.
func TestCommitBatchCancelWhileQueued(t *testing.T) {
	db := MustOpenDB(t, "")
	if err := sqlite.NewProjectStore(db).CreateProject(context.Background(), &trailguide.Project{ID: "p", Name: "P"}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	db.Block(t, release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	b := benchBatch("p", "s", 0, time.Now())
	_, err := sqlite.NewIngestStore(db).CommitBatch(ctx, b)
	close(release)
	if ctx.Err() == nil || err == nil {
		t.Fatalf("commit while the writer is blocked: got %v, want a deadline error", err)
	}
	// The writer skips the abandoned request: a retry commits it anew.
	dup, err := sqlite.NewIngestStore(db).CommitBatch(context.Background(), b)
	if err != nil || dup {
		t.Fatalf("retry: dup=%v err=%v; want a fresh commit", dup, err)
	}
}

// benchBatch returns a realistic batch: 20 analytics events and one chunk.
func benchBatch(projectID, sessionID string, seq int64, at time.Time) *trailguide.IngestBatch {
	b := &trailguide.IngestBatch{
		ProjectID: projectID, SessionID: sessionID, WindowID: "w1", Seq: seq,
		Chunk: &trailguide.Chunk{
			ProjectID: projectID, SessionID: sessionID, WindowID: "w1", SeqFrom: seq, SeqTo: seq,
			FirstTS: at.UnixMilli(), LastTS: at.Add(5 * time.Second).UnixMilli(),
			EventCount: 120, RawBytes: 48_000, StoredBytes: 6_000,
			BlobKey: fmt.Sprintf("%s/%s/w1/%06d.zst", projectID, sessionID, seq),
		},
		Delta: trailguide.SessionDelta{
			ProjectID: projectID, SessionID: sessionID, VisitorID: "v-" + sessionID,
			FirstAt: at, LastAt: at.Add(5 * time.Second), ActiveMS: 4000,
			Pages: 1, Clicks: 12, Events: 20,
			EntryURL: "https://shop.test/products?page=2", ExitURL: "https://shop.test/cart",
			RawBytes: 48_000, StoredBytes: 6_000, ReceivedAt: at.Add(6 * time.Second),
		},
	}
	if seq == 0 {
		b.Delta.Context = &trailguide.Context{
			URL: "https://shop.test/products?page=2", Referrer: "https://search.test/",
			UTM: trailguide.UTM{Source: "newsletter", Medium: "email"}, ViewportW: 1440, ViewportH: 900,
			UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
			Language:  "en-US", TimeZone: "America/New_York",
		}
	}
	types := []string{trailguide.EventPageview, trailguide.EventClick, trailguide.EventScroll, trailguide.EventInput}
	for i := range 20 {
		typ := types[min(i, 1+i%3)]
		e := &trailguide.Event{
			ProjectID: projectID, SessionID: sessionID, WindowID: "w1", Seq: seq, Index: i,
			Type: typ, Time: at.Add(time.Duration(i) * 250 * time.Millisecond), URL: "https://shop.test/products?page=2",
		}
		if typ == trailguide.EventClick {
			e.Selector, e.Text, e.X, e.Y = "main > ul.products > li:nth-child(3) > button.add", "Add to cart", 640+i, 410
			e.Data = []byte(`{"tag":"button","ex":12,"ey":8,"ew":120,"eh":32,"vw":1440,"vh":900}`)
		}
		b.Events = append(b.Events, e)
	}
	return b
}

// When the writer cannot keep up and its queue is full, a write waits
// QueueWait and then fails with EUNAVAILABLE (ingest answers 503 with
// Retry-After) instead of piling up; the writer recovers afterwards.
func TestWriterBehindShedsLoad(t *testing.T) {
	db := MustOpenDB(t, "")
	db.QueueWait = 50 * time.Millisecond
	ctx := context.Background()
	if err := sqlite.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P"}); err != nil {
		t.Fatal(err)
	}
	store := sqlite.NewIngestStore(db)
	release := make(chan struct{})
	db.Block(t, release)
	n := sqlite.MaxQueued + 50
	codes := make(chan string, n)
	for i := range n {
		go func() {
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			_, err := store.CommitBatch(ctx, benchBatch("p", "s", int64(i), time.Now()))
			codes <- trailguide.ErrorCode(err)
		}()
	}
	shed := 0
	for range n {
		if <-codes == trailguide.EUNAVAILABLE {
			shed++
		}
	}
	close(release)
	if shed < 50 {
		t.Fatalf("%d of %d writes shed with %s while the queue (%d) was full; want at least 50", shed, n, trailguide.EUNAVAILABLE, sqlite.MaxQueued)
	}
	if _, err := store.CommitBatch(ctx, benchBatch("p", "s", int64(n), time.Now())); err != nil {
		t.Fatalf("after the writer caught up: %v", err)
	}
}
