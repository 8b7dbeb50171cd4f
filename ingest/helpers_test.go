package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/sqlite"
)

// t0 is the server time of the tests: whole milliseconds, UTC.
var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// env is a Service over real sqlite and fileblob stores in a temp dir.
type env struct {
	svc      *Service
	db       *sqlite.DB
	sessions *sqlite.SessionStore
	ingest   *sqlite.IngestStore
	blobs    trailguide.BlobStore // for reading recordings; ingest itself writes no blobs
	commits  *logIngest
	project  *trailguide.Project
	clock    *fixedClock
}

func mustOpenEnv(tb testing.TB, cfg Config, origins ...string) *env {
	tb.Helper()
	dir := tb.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "tg.db"), nil)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	fb, err := fileblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		tb.Fatalf("open fileblob: %v", err)
	}
	projects := sqlite.NewProjectStore(db)
	p := &trailguide.Project{ID: "proj1", Name: "Test", PublicKey: "tg_pk_test", AllowedOrigins: origins}
	if err := projects.CreateProject(context.Background(), p); err != nil {
		tb.Fatalf("create project: %v", err)
	}
	e := &env{db: db, sessions: sqlite.NewSessionStore(db), ingest: sqlite.NewIngestStore(db),
		blobs: fb, project: p, clock: &fixedClock{t: t0}}
	e.commits = &logIngest{IngestStore: e.ingest}
	if cfg.Clock == nil {
		cfg.Clock = e.clock
	}
	e.svc = NewService(cfg, projects, e.commits, nil)
	return e
}

// logIngest is the real IngestStore recording what is committed; it can be
// made to fail to test the error paths.
type logIngest struct {
	trailguide.IngestStore
	mu        sync.Mutex
	committed []*trailguide.IngestBatch
	commitErr error
}

func (s *logIngest) CommitBatch(ctx context.Context, b *trailguide.IngestBatch) (bool, error) {
	s.mu.Lock()
	err := s.commitErr
	s.mu.Unlock()
	if err != nil {
		return false, err
	}
	dup, err := s.IngestStore.CommitBatch(ctx, b)
	s.mu.Lock()
	s.committed = append(s.committed, b)
	s.mu.Unlock()
	return dup, err
}

func (s *logIngest) batches() []*trailguide.IngestBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*trailguide.IngestBatch(nil), s.committed...)
}

func (s *logIngest) fail(err error) { s.mu.Lock(); s.commitErr = err; s.mu.Unlock() }

// sampleBatch is a small valid batch sent at t0 by a client whose clock is
// skew behind the server's.
func sampleBatch(skew time.Duration) *trailguide.Batch {
	sent := t0.Add(-skew).UnixMilli()
	ev := func(typ int, ts int64, data string) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"type": typ, "data": json.RawMessage(data), "timestamp": ts})
		return b
	}
	return &trailguide.Batch{
		Key: "tg_pk_test", Visitor: "visitor_1", Session: "session_1", Window: "window_1",
		Seq: 0, SentAt: sent, SDK: "trailguide-js/0.1.0",
		Context: &trailguide.Context{URL: "https://app.test/", ViewportW: 1280, ViewportH: 800,
			UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"},
		Events: []json.RawMessage{
			ev(4, sent-5000, `{"href":"https://app.test/","width":1280,"height":800}`),
			ev(2, sent-4990, `{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}}`),
			ev(3, sent-4000, `{"source":1,"positions":[{"x":1,"y":2,"id":1,"timeOffset":-50}]}`),
			ev(3, sent-3000, `{"source":2,"type":2,"id":1,"x":1,"y":2}`),
			ev(3, sent-2500, `{"source":0,"adds":[],"removes":[],"texts":[],"attributes":[]}`),
		},
		Signals: []trailguide.Signal{
			{Type: "pageview", TS: sent - 5000, URL: "https://app.test/", Title: "Home"},
			{Type: "click", TS: sent - 3000, URL: "https://app.test/", Selector: "#buy", Text: "Buy", X: 10, Y: 20, EW: 80},
			{Type: "pageview", TS: sent - 1000, URL: "https://app.test/cart"},
			{Type: "error", TS: sent - 900, URL: "https://app.test/cart", Name: "TypeError: x is undefined"},
			{Type: "identify", TS: sent - 800, URL: "https://app.test/cart", UserID: "u-42", Traits: map[string]string{"plan": "pro"}},
		},
	}
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func gz(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		tb.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

func request(body []byte) *trailguide.IngestRequest {
	return &trailguide.IngestRequest{Body: body, ReceivedAt: t0, Origin: "https://app.test"}
}

func readAll(tb testing.TB, rc io.ReadCloser) []byte {
	tb.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
