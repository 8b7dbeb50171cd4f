package postgres_test

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide/internal/pgtest"
	"github.com/trailguide/trailguide/postgres"
	"github.com/trailguide/trailguide/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

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

// MustOpenDB opens a fresh database of the test binary's cluster: a copy of
// a template that has the migrations applied (copying is much faster than
// migrating), dropped when the test ends.
func MustOpenDB(tb testing.TB) (*postgres.DB, string) {
	tb.Helper()
	c := pgtest.Get(tb)
	tmpl := c.Template(tb, "tg_migrated", func(dsn string) error {
		db, err := postgres.Open(context.Background(), dsn, postgres.Options{}, nil)
		if err != nil {
			return err
		}
		return db.Close()
	})
	dsn := c.NewDB(tb, tmpl)
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{MaxConns: 8}, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, dsn
}

func storesOf(db *postgres.DB) storetest.Stores {
	return storetest.Stores{
		Projects:   postgres.NewProjectStore(db),
		Sessions:   postgres.NewSessionStore(db),
		Ingest:     postgres.NewIngestStore(db),
		Users:      postgres.NewUserStore(db),
		Keys:       postgres.NewAPIKeyStore(db),
		Friction:   postgres.NewSessionStore(db),
		Webhooks:   postgres.NewWebhookStore(db),
		Heatmaps:   postgres.NewSessionStore(db),
		Segments:   postgres.NewSegmentStore(db),
		FunnelDefs: postgres.NewFunnelDefStore(db),
		Guides:     postgres.NewGuideStore(db),
	}
}

func TestStores(t *testing.T) {
	storetest.TestStores(t, func(t *testing.T) storetest.Stores {
		db, _ := MustOpenDB(t)
		clock := &testClock{}
		db.Now = clock.Now
		s := storesOf(db)
		s.SetNow = clock.Set
		return s
	})
}
