package worker

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/internal/pgtest"
	"github.com/trailguide/trailguide/internal/s3test"
	"github.com/trailguide/trailguide/postgres"
	"github.com/trailguide/trailguide/s3blob"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	s3test.Stop()
	os.Exit(code)
}

// countingSessions counts the closes per session: a job done twice closes
// twice.
type countingSessions struct {
	*postgres.SessionStore
	mu     sync.Mutex
	closes map[string]int
}

func (c *countingSessions) CloseSession(ctx context.Context, projectID, id string) error {
	c.mu.Lock()
	c.closes[id]++
	c.mu.Unlock()
	return c.SessionStore.CloseSession(ctx, projectID, id)
}

// TestWorkersShareJobsByLease: two workers on one PostgreSQL and one S3
// close every idle session exactly once between them, and a session whose
// lease a dead worker holds is closed once that lease has expired.
func TestWorkersShareJobsByLease(t *testing.T) {
	ctx := context.Background()
	pg := pgtest.Get(t)
	srv := s3test.Get(t)
	db, err := postgres.Open(ctx, pg.NewDB(t, ""), postgres.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, err := s3blob.New(ctx, s3blob.Config{Endpoint: srv.Endpoint, Region: s3test.Region, Bucket: srv.NewBucket(t),
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	projects := postgres.NewProjectStore(db)
	if err := projects.CreateProject(ctx, &trailguide.Project{ID: "proj1", Name: "P", PublicKey: "tg_pk_batchgen"}); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: t0}
	svc := ingest.NewService(ingest.Config{Clock: c}, projects, postgres.NewIngestStore(db), nil)
	const n = 12
	var ids []string
	for i := range n {
		bodies := batchgen.Session(uint64(100+i), batchgen.Options{Start: t0, Batches: 3})
		ids = append(ids, bodies[0].Batch.Session)
		for _, b := range bodies {
			if _, err := svc.Ingest(ctx, &trailguide.IngestRequest{Body: b.Gzip, ReceivedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.Set(t0.Add(time.Hour)) // every session idle

	leases := postgres.NewLeaseStore(db)
	// A worker that died holding the lease of the first session.
	if ok, err := leases.AcquireLease(ctx, "session:proj1/"+ids[0], "dead-worker", 1500*time.Millisecond); err != nil || !ok {
		t.Fatalf("dead worker's lease: %v %v", ok, err)
	}
	counted := &countingSessions{SessionStore: postgres.NewSessionStore(db), closes: map[string]int{}}
	workers := make([]*Worker, 2)
	for i := range workers {
		workers[i] = New(Config{Clock: c, Projects: projects, Leases: leases, LeaseTTL: time.Second,
			Holder: []string{"worker-a", "worker-b"}[i]}, counted, blobs, nil)
	}
	// Both run passes at the same time until every session is closed (the
	// dead worker's lease must expire first; bounded by the attempts).
	for attempt := 0; ; attempt++ {
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Go(func() {
				if _, err := w.RunOnce(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		open := 0
		for _, id := range ids {
			s, err := counted.Session(ctx, "proj1", id)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Closed || !s.Compacted {
				open++
			}
		}
		if open == 0 {
			break
		}
		if attempt == 50 {
			t.Fatalf("%d sessions still open after %d passes", open, attempt)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, id := range ids {
		if got := counted.closes[id]; got != 1 {
			t.Errorf("session %s closed %d times, want once", id, got)
		}
		chunks, err := counted.Chunks(ctx, "proj1", id)
		if err != nil || len(chunks) != 1 || chunks[0].BlobKey == "" {
			t.Errorf("session %s: chunks %v (%v), want one compacted blob", id, chunks, err)
			continue
		}
		if _, err := blobs.Get(ctx, chunks[0].BlobKey); err != nil {
			t.Errorf("session %s: compacted blob: %v", id, err)
		}
	}
	// The retention lease: one pass at a time.
	if ok, _ := leases.AcquireLease(ctx, "retention", "worker-a", time.Minute); !ok {
		t.Fatal("retention lease free: want acquired")
	}
	if ok, _ := leases.AcquireLease(ctx, "retention", "worker-b", time.Minute); ok {
		t.Fatal("retention lease held by worker-a: worker-b got it too")
	}
	if ok, _ := leases.AcquireLease(ctx, "retention", "worker-a", time.Minute); !ok {
		t.Fatal("renewing one's own lease: refused")
	}
	if err := leases.ReleaseLease(ctx, "retention", "worker-a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := leases.AcquireLease(ctx, "retention", "worker-b", time.Minute); !ok {
		t.Fatal("released lease: worker-b could not take it")
	}
}
