package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/postgres"
)

func commitAt(t *testing.T, db *postgres.DB, session string, seq int64, recv time.Time) {
	t.Helper()
	b := &trailguide.IngestBatch{ProjectID: "p", SessionID: session, WindowID: "w", Seq: seq,
		Events: []*trailguide.Event{{Index: 0, Type: trailguide.EventPageview, Time: recv, URL: "https://x.test/"}},
		Delta:  trailguide.SessionDelta{FirstAt: recv, LastAt: recv, Events: 1, Pages: 1, ReceivedAt: recv}}
	if _, err := postgres.NewIngestStore(db).CommitBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func partitionNames(t *testing.T, db *postgres.DB) []string {
	t.Helper()
	parts, err := db.Partitions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range parts {
		names = append(names, p.Name)
	}
	return names
}

// TestDropExpiredPartitions: events land in weekly partitions by arrival;
// a partition goes only once no kept session has events in it, and the
// events of kept sessions stay.
func TestDropExpiredPartitions(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := postgres.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P", PublicKey: "pk", RetentionDays: 30}); err != nil {
		t.Fatal(err)
	}
	old := now.AddDate(0, 0, -90)
	commitAt(t, db, "expired", 0, old)                    // expired: its partition may go
	commitAt(t, db, "spanning", 0, old.AddDate(0, 0, 21)) // first batch old...
	commitAt(t, db, "spanning", 1, now.AddDate(0, 0, -1)) // ...last batch recent: kept
	commitAt(t, db, "recent", 0, now)
	before := partitionNames(t, db)
	if len(before) != 3 {
		t.Fatalf("partitions: got %v, want 3 weekly ones", before)
	}

	dropped, err := db.DropExpiredPartitions(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	// Only the first: the second holds the spanning session's first batch.
	if want := before[:1]; !slices.Equal(dropped, want) {
		t.Fatalf("dropped: got %v, want %v", dropped, want)
	}
	if got := partitionNames(t, db); !slices.Equal(got, before[1:]) {
		t.Fatalf("partitions left: got %v, want %v", got, before[1:])
	}
	ss := postgres.NewSessionStore(db)
	if ev, err := ss.Events(ctx, "p", "spanning"); err != nil || len(ev) != 2 {
		t.Fatalf("events of the kept session: %d, %v; want 2", len(ev), err)
	}
	if ev, err := ss.Events(ctx, "p", "expired"); err != nil || len(ev) != 0 {
		t.Fatalf("events of the expired session: %d, %v; want 0 (dropped with the partition)", len(ev), err)
	}
	// Retention then deletes the expired session row itself.
	d, err := ss.DeleteSessionsBefore(ctx, "p", now.AddDate(0, 0, -30), 100)
	if err != nil || d.Sessions != 1 || d.SessionIDs[0] != "expired" {
		t.Fatalf("delete expired sessions: %+v %v", d, err)
	}
	// Once the spanning session expires too, its partitions go.
	later := now.AddDate(0, 0, 40)
	if _, err := ss.DeleteSessionsBefore(ctx, "p", later.AddDate(0, 0, -30), 100); err != nil {
		t.Fatal(err)
	}
	if dropped, err = db.DropExpiredPartitions(ctx, later); err != nil || len(dropped) != 2 {
		t.Fatalf("dropped later: %v %v; want the spanning session's two partitions", dropped, err)
	}
	// A batch arriving in a week whose partition was dropped recreates it.
	commitAt(t, db, "late", 0, old)
	if ev, err := ss.Events(ctx, "p", "late"); err != nil || len(ev) != 1 {
		t.Fatalf("events after recreating a partition: %d %v", len(ev), err)
	}
}

func TestReopenAppliesMigrationsOnce(t *testing.T) {
	db, dsn := MustOpenDB(t)
	ctx := context.Background()
	n1, err := db.MigrationCount(ctx)
	if err != nil || n1 == 0 {
		t.Fatalf("migrations: %d %v", n1, err)
	}
	// Two nodes opening at once: the advisory lock lets one migrate.
	errc := make(chan error, 2)
	for range 2 {
		go func() {
			db2, err := postgres.Open(ctx, dsn, postgres.Options{}, nil)
			if err == nil {
				db2.Close()
			}
			errc <- err
		}()
	}
	for range 2 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	if n2, _ := db.MigrationCount(ctx); n2 != n1 {
		t.Fatalf("migrations after reopening: %d, want %d", n2, n1)
	}
	if _, err := postgres.Open(ctx, "", postgres.Options{}, nil); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Fatalf("empty dsn: %v", err)
	}
	if _, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/x?connect_timeout=2", postgres.Options{}, nil); trailguide.ErrorCode(err) != trailguide.EUNAVAILABLE {
		t.Fatalf("unreachable server: got %v, want EUNAVAILABLE", err)
	}
}

// TestEraseRacesCommits: batches of a user's sessions committing on other
// connections (nodes) while the user is erased either land before the
// erasure (and are erased with it) or are dropped: no erased session comes
// back.
func TestEraseRacesCommits(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	if err := postgres.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P", PublicKey: "pk"}); err != nil {
		t.Fatal(err)
	}
	ing, ss := postgres.NewIngestStore(db), postgres.NewSessionStore(db)
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	batch := func(i int, seq int64) *trailguide.IngestBatch {
		return &trailguide.IngestBatch{ProjectID: "p", SessionID: "s" + strconv.Itoa(i), WindowID: "w", Seq: seq,
			Events: []*trailguide.Event{{Index: 0, Type: trailguide.EventClick, Time: at}},
			Delta:  trailguide.SessionDelta{UserID: "u", FirstAt: at, LastAt: at, Events: 1, ReceivedAt: at}}
	}
	const n = 30
	for i := range n {
		if _, err := ing.CommitBatch(ctx, batch(i, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ss.CreateJob(ctx, &trailguide.Job{ID: "j", Kind: "erase_user", ProjectID: "p", UserID: "u"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errc := make(chan error, n+1)
	for i := range n {
		wg.Go(func() {
			for seq := int64(1); seq <= 3; seq++ {
				if _, err := ing.CommitBatch(ctx, batch(i, seq)); err != nil && !errors.Is(err, trailguide.ErrSessionErased) {
					errc <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		_, err := ss.EraseUserSessions(ctx, "j", "p", "u")
		errc <- err
	})
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	erased, err := ss.TombstonedSessions(ctx, "j")
	if err != nil || len(erased) != n {
		t.Fatalf("tombstones: %d %v; want %d", len(erased), err, n)
	}
	for _, id := range erased {
		if ok, err := ss.SessionExists(ctx, "p", id); err != nil || ok {
			t.Errorf("erased session %s exists again (%v)", id, err)
		}
	}
}
