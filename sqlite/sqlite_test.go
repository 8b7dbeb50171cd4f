package sqlite_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/sqlite"
	"github.com/trailguide/trailguide/storetest"
)

// testClock is a settable clock; until set it follows the wall clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Now()
	}
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// MustOpenDB opens a database at path (a new one in a temp dir when path is
// empty) and closes it when the test ends.
func MustOpenDB(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	if path == "" {
		path = filepath.Join(tb.TempDir(), "trailguide.db")
	}
	db, err := sqlite.Open(path, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}

func storesOf(db *sqlite.DB) storetest.Stores {
	return storetest.Stores{
		Projects:   sqlite.NewProjectStore(db),
		Sessions:   sqlite.NewSessionStore(db),
		Ingest:     sqlite.NewIngestStore(db),
		Users:      sqlite.NewUserStore(db),
		Keys:       sqlite.NewAPIKeyStore(db),
		Friction:   sqlite.NewSessionStore(db),
		Webhooks:   sqlite.NewWebhookStore(db),
		Heatmaps:   sqlite.NewSessionStore(db),
		Segments:   sqlite.NewSegmentStore(db),
		FunnelDefs: sqlite.NewFunnelDefStore(db),
		Guides:     sqlite.NewGuideStore(db),
	}
}

func TestStores(t *testing.T) {
	storetest.TestStores(t, func(t *testing.T) storetest.Stores {
		db := MustOpenDB(t, "")
		clock := &testClock{}
		db.Now = clock.Now
		s := storesOf(db)
		s.SetNow = clock.Set
		return s
	})
}

func TestReopenKeepsDataAndMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tg.db")
	db, err := sqlite.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlite.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P", PublicKey: "pk"}); err != nil {
		t.Fatal(err)
	}
	b := &trailguide.IngestBatch{ProjectID: "p", SessionID: "s", WindowID: "w", Seq: 3,
		Delta: trailguide.SessionDelta{FirstAt: time.UnixMilli(1000), LastAt: time.UnixMilli(5000), Events: 4, ReceivedAt: time.UnixMilli(6000)}}
	if _, err := sqlite.NewIngestStore(db).CommitBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := sqlite.NewIngestStore(db).CommitBatch(ctx, b); trailguide.ErrorCode(err) != trailguide.EUNAVAILABLE {
		t.Fatalf("commit after close: got %v, want EUNAVAILABLE", err)
	}

	for i := range 2 { // reopening applies no migration twice
		db := MustOpenDB(t, path)
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		if _, err := sqlite.NewProjectStore(db).Project(ctx, "p"); err != nil {
			t.Fatalf("reopen %d: project: %v", i, err)
		}
		sess, err := sqlite.NewSessionStore(db).Session(ctx, "p", "s")
		if err != nil {
			t.Fatalf("reopen %d: session: %v", i, err)
		}
		if sess.EventCount != 4 || sess.DurationMS != 4000 {
			t.Fatalf("reopen %d: session %+v", i, sess)
		}
		dup, err := sqlite.NewIngestStore(db).CommitBatch(ctx, b)
		if err != nil || !dup {
			t.Fatalf("reopen %d: recommit: dup=%v err=%v; want a duplicate", i, dup, err)
		}
		files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
		if err != nil || len(files) < 3 {
			t.Fatalf("migration files: %v (%v)", files, err)
		}
		if n := db.MigrationCount(t); n != len(files) {
			t.Fatalf("reopen %d: schema_migrations rows: got %d, want %d (one per migration file)", i, n, len(files))
		}
		db.Close()
	}
}

func TestOpenInvalid(t *testing.T) {
	if _, err := sqlite.Open("", nil); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Fatalf("empty path: got %v, want EINVALID", err)
	}
	if _, err := sqlite.Open(filepath.Join(t.TempDir(), "missing-dir", "x", "db"), nil); err == nil {
		t.Fatal("path in a missing directory: got nil error")
	}
}

func TestCreateDefaults(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t, "")
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	db.Now = func() time.Time { return at }

	p := &trailguide.Project{Name: "No ID"}
	if err := sqlite.NewProjectStore(db).CreateProject(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || p.PublicKey == "" || p.ID == p.PublicKey || !p.CreatedAt.Equal(at) {
		t.Fatalf("project defaults: got %+v", p)
	}
	o := &trailguide.Org{Name: "No ID"}
	if err := sqlite.NewUserStore(db).CreateOrg(ctx, o); err != nil {
		t.Fatal(err)
	}
	if o.ID == "" || !o.CreatedAt.Equal(at) {
		t.Fatalf("org defaults: got %+v", o)
	}
	u := &trailguide.User{Email: "x@example.com", Role: trailguide.RoleAdmin, OrgID: o.ID}
	if err := sqlite.NewUserStore(db).CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || !u.CreatedAt.Equal(at) {
		t.Fatalf("user defaults: got %+v", u)
	}
	if err := sqlite.NewUserStore(db).CreateAuthSession(ctx, &trailguide.AuthSession{ID: "a", UserID: "nobody", ExpiresAt: at.Add(time.Hour)}); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("auth session of a missing user: got %v, want ENOTFOUND", err)
	}
}
