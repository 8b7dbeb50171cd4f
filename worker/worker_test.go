package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/sqlite"
)

var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

type env struct {
	projects *sqlite.ProjectStore
	sessions *sqlite.SessionStore
	blobs    *fileblob.BlobStore
	ingest   *ingest.Service
	worker   *Worker
	clock    *clock
}

func mustOpenEnv(tb testing.TB) *env {
	tb.Helper()
	dir := tb.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "tg.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	blobs, err := fileblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	projects := sqlite.NewProjectStore(db)
	if err := projects.CreateProject(context.Background(), &trailguide.Project{ID: "proj1", Name: "P", PublicKey: "tg_pk_batchgen"}); err != nil {
		tb.Fatal(err)
	}
	c := &clock{t: t0}
	e := &env{projects: projects, sessions: sqlite.NewSessionStore(db), blobs: blobs, clock: c}
	e.ingest = ingest.NewService(ingest.Config{Clock: c}, projects, sqlite.NewIngestStore(db), nil)
	e.worker = New(Config{Clock: c, Projects: projects}, e.sessions, blobs, nil)
	return e
}

// send ingests bodies as if each arrived 40 ms after it was sent.
func (e *env) send(tb testing.TB, bodies []batchgen.Body) {
	tb.Helper()
	for _, b := range bodies {
		at := time.UnixMilli(b.Batch.SentAt).Add(40 * time.Millisecond)
		e.clock.Set(at)
		if _, err := e.ingest.Ingest(context.Background(), &trailguide.IngestRequest{Body: b.Gzip, ReceivedAt: at}); err != nil {
			tb.Fatalf("ingest seq %d: %v", b.Batch.Seq, err)
		}
	}
}

func allEvents(bodies []batchgen.Body) []json.RawMessage {
	var out []json.RawMessage
	for _, b := range bodies {
		out = append(out, b.Batch.Events...)
	}
	return out
}

func sameEvents(t *testing.T, got, want []json.RawMessage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("event %d differs:\n got %.120s\nwant %.120s", i, got[i], want[i])
		}
	}
}

func TestWorkerClosesAndCompacts(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	bodies := batchgen.Session(1, batchgen.Options{Start: t0})
	e.send(t, bodies)
	sid, win := bodies[0].Batch.Session, bodies[0].Batch.Window
	want := allEvents(bodies)
	before, err := recording.Read(ctx, e.sessions, e.blobs, "proj1", sid, win)
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, before, want)
	last := e.clock.Now()

	e.clock.Set(last.Add(29 * time.Minute))
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("after 29 min: closed %d (%v), want 0", n, err)
	}
	if s, _ := e.sessions.Session(ctx, "proj1", sid); s.Closed {
		t.Fatal("session idle 29 min closed, want open")
	}

	e.clock.Set(last.Add(31 * time.Minute))
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("after 31 min: closed %d (%v), want 1", n, err)
	}
	s, err := e.sessions.Session(ctx, "proj1", sid)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Closed || !s.Compacted {
		t.Errorf("closed %v, compacted %v; want both", s.Closed, s.Compacted)
	}
	chunks, _ := e.sessions.Chunks(ctx, "proj1", sid)
	if len(chunks) != 1 || chunks[0].BlobKey != recording.CompactKey("proj1", sid, win, 0, 11) {
		t.Fatalf("chunks after compaction = %+v, want one c-0-11", chunks)
	}
	keys, _ := e.blobs.List(ctx, recording.SessionPrefix("proj1", sid))
	if len(keys) != 1 {
		t.Errorf("blobs after compaction = %q, want only the compacted one", keys)
	}
	after, err := recording.Read(ctx, e.sessions, e.blobs, "proj1", sid, win)
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, after, want)
	t.Logf("raw %d B, stored %d B: %.1fx", chunks[0].RawBytes, chunks[0].StoredBytes, float64(chunks[0].RawBytes)/float64(chunks[0].StoredBytes))

	// A batch after close reopens the session; the next pass compacts the
	// window again, old and new together.
	// The late batches arrive 40 min after the last one (sent_at moved so
	// the helper dates their arrival; the bodies keep the client times).
	more := batchgen.Session(1, batchgen.Options{Start: t0, Batches: 14})[12:]
	e.clock.Set(last.Add(40 * time.Minute))
	for i := range more {
		more[i].Batch.SentAt = e.clock.Now().UnixMilli()
	}
	e.send(t, more)
	if s, _ := e.sessions.Session(ctx, "proj1", sid); s.Closed || s.Compacted {
		t.Fatalf("after a late batch: closed %v, compacted %v; want neither", s.Closed, s.Compacted)
	}
	e.clock.Add(31 * time.Minute)
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("second pass: closed %d (%v), want 1", n, err)
	}
	chunks, _ = e.sessions.Chunks(ctx, "proj1", sid)
	if len(chunks) != 1 || chunks[0].SeqTo != 13 {
		t.Fatalf("chunks after second compaction = %+v, want one 0-13", chunks)
	}
	final, err := recording.Read(ctx, e.sessions, e.blobs, "proj1", sid, win)
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, final, append(want, allEvents(more)...))
}

func TestRunStopsWithContext(t *testing.T) {
	e := mustOpenEnv(t)
	e.worker.cfg.Interval = 10 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := e.worker.Run(ctx); err != nil {
		t.Errorf("Run = %v, want nil on cancel", err)
	}
}
