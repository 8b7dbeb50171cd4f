package demo

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/ingest"
	rec "github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/sqlite"
	"github.com/trailguide/trailguide/worker"
)

// stores is a real data directory: SQLite index and file blobs.
type stores struct {
	db       *sqlite.DB
	blobs    *fileblob.BlobStore
	sessions *sqlite.SessionStore
	svc      *ingest.Service
	project  *trailguide.Project
}

func mustOpenStores(tb testing.TB) *stores {
	tb.Helper()
	dir := tb.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "trailguide.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	blobs, err := fileblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	projects := sqlite.NewProjectStore(db)
	p := &trailguide.Project{ID: "demo", Name: "Pathway demo", PublicKey: PublicKey}
	if err := projects.CreateProject(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
	return &stores{
		db:       db,
		blobs:    blobs,
		sessions: sqlite.NewSessionStore(db),
		svc:      ingest.NewService(ingest.Config{}, projects, sqlite.NewIngestStore(db), nil),
		project:  p,
	}
}

func mustSeed(tb testing.TB, s *stores) int {
	tb.Helper()
	recs, err := loadFixtures(fixtures, "fixtures")
	if err != nil {
		tb.Fatal(err)
	}
	if len(recs) == 0 {
		tb.Skip("no recorded fixtures yet; run make demo-record")
	}
	n, err := Seed(context.Background(), s.svc, PublicKey, testNow)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func allSessions(tb testing.TB, s *stores) []*trailguide.Session {
	tb.Helper()
	page, err := s.sessions.FindSessions(context.Background(), trailguide.SessionFilter{ProjectID: s.project.ID, Limit: 200})
	if err != nil {
		tb.Fatal(err)
	}
	return page.Sessions
}

// Seeding into the real ingest path (decode, validate, skew, chunk, index)
// must accept every recorded batch and index every session.
func TestSeedRealStores(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds every fixture into SQLite")
	}
	a := mustOpenStores(t)
	n := mustSeed(t, a)
	got := allSessions(t, a)
	if len(got) < 30 || len(got) != n {
		t.Fatalf("found %d sessions after seeding %d; want all of them and at least 30", len(got), n)
	}
	var errors, users int
	devices := map[string]int{}
	sources := map[string]int{}
	for _, s := range got {
		if s.StartedAt.Before(testNow.Add(-spreadOver)) || s.LastActivityAt.After(testNow) {
			t.Errorf("session %s from %v to %v, outside the week before %v", s.ID, s.StartedAt, s.LastActivityAt, testNow)
		}
		if s.EventCount == 0 || s.PageCount == 0 {
			t.Errorf("session %s: %d events, %d pages", s.ID, s.EventCount, s.PageCount)
		}
		chunks, err := a.sessions.Chunks(context.Background(), a.project.ID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(chunks) == 0 {
			t.Errorf("session %s has no recording", s.ID)
		}
		if s.ErrorCount > 0 {
			errors++
		}
		if s.UserID != "" {
			users++
		}
		devices[s.DeviceClass]++
		sources[s.UTM.Source]++
	}
	t.Logf("%d sessions: %d with errors, %d identified, devices %v, utm sources %v", len(got), errors, users, devices, sources)
	if errors == 0 || users == 0 || len(devices) < 3 {
		t.Errorf("want sessions with errors, identified users and three device classes; got %d, %d, %v", errors, users, devices)
	}

	// A second data directory seeded at the same now holds the same thing.
	b := mustOpenStores(t)
	mustSeed(t, b)
	other := allSessions(t, b)
	if len(other) != len(got) {
		t.Fatalf("second seed: %d sessions, first %d", len(other), len(got))
	}
	for i := range got {
		x, y := got[i], other[i]
		if x.ID != y.ID || x.VisitorID != y.VisitorID || !x.StartedAt.Equal(y.StartedAt) ||
			x.EventCount != y.EventCount || x.RawBytes != y.RawBytes || x.UserID != y.UserID {
			t.Errorf("session %d differs between two seeded directories:\n%+v\n%+v", i, x, y)
		}
	}

	// Seeding the same directory again changes nothing: ingest deduplicates.
	if _, err := Seed(context.Background(), a.svc, PublicKey, testNow); err != nil {
		t.Fatal(err)
	}
	if again := allSessions(t, a); len(again) != len(got) || again[0].EventCount != got[0].EventCount {
		t.Errorf("reseeding changed the sessions: %d, was %d", len(again), len(got))
	}
}

// TestReportStorageRatio reports (make bench) how much smaller the stored
// recordings are than the JSON the SDK sent, after ingest's per-batch
// compression.
// TestReportStorageRatio compacts every seeded demo session with the real
// worker, checks that replay reads back exactly the same event stream, and
// reports raw rrweb JSON bytes per stored byte before and after compaction
// (DESIGN §6 wants at least 10x after compaction; `make bench` prints it).
func TestReportStorageRatio(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStores(t)
	mustSeed(t, s)
	w := worker.New(worker.Config{}, s.sessions, s.blobs, nil)
	var raw, before, after int64
	for _, sess := range allSessions(t, s) {
		raw += sess.RawBytes
		before += sess.StoredBytes
		chunks, err := s.sessions.Chunks(ctx, s.project.ID, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		windows := rec.Windows(chunks)
		want := map[string]string{}
		for _, win := range windows {
			events, err := rec.Read(ctx, s.sessions, s.blobs, s.project.ID, sess.ID, win.ID)
			if err != nil {
				t.Fatal(err)
			}
			want[win.ID] = string(rec.AppendJSON(nil, events))
		}
		if err := w.CompactSession(ctx, s.project.ID, sess.ID); err != nil {
			t.Fatalf("compact %s: %v", sess.ID, err)
		}
		for _, win := range windows {
			events, err := rec.Read(ctx, s.sessions, s.blobs, s.project.ID, sess.ID, win.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(rec.AppendJSON(nil, events)); got != want[win.ID] {
				t.Fatalf("session %s window %s: the replay stream changed with compaction", sess.ID, win.ID)
			}
		}
		compacted, err := s.sessions.Session(ctx, s.project.ID, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		after += compacted.StoredBytes
	}
	if before == 0 || after == 0 {
		t.Fatal("nothing stored")
	}
	// The shared stylesheet assets count too, once for the project.
	keys, err := s.blobs.List(ctx, s.project.ID+"/assets/")
	if err != nil {
		t.Fatal(err)
	}
	var assets int64
	for _, k := range keys {
		rc, err := s.blobs.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, rc)
		rc.Close()
		assets += n
	}
	after += assets
	if after > before {
		t.Errorf("compaction grew the recordings: %d -> %d bytes", before, after)
	}
	t.Logf("demo sessions: raw rrweb JSON %d bytes; per-batch chunks %d bytes (%.1fx); compacted %d bytes incl. %d shared stylesheet assets in %d blobs (%.1fx)",
		raw, before, float64(raw)/float64(before), after, assets, len(keys), float64(raw)/float64(after))
}

// The small hand-written fixture passes the real ingest path too, so the
// rewrite is checked against ingest's validation even without recordings.
func TestSeedSmallIntoRealStores(t *testing.T) {
	s := mustOpenStores(t)
	n, err := seedRecordings(context.Background(), s.svc, mustReadSmall(t), PublicKey, testNow)
	if err != nil {
		t.Fatal(err)
	}
	got := allSessions(t, s)
	if n != 2 || len(got) != 2 {
		t.Fatalf("seeded %d, found %d sessions; want 2", n, len(got))
	}
	if got[0].UserID != "" && got[1].UserID != "" {
		t.Errorf("only one session identifies")
	}
}
