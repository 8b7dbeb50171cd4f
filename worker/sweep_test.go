package worker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/recording"
)

// crashingSessions fails ReplaceChunks while crash is set, as if the process
// died after the compacted blob's Put and before the index swap.
type crashingSessions struct {
	trailguide.SessionStore
	crash bool
}

func (s *crashingSessions) ReplaceChunks(ctx context.Context, old []*trailguide.Chunk, c *trailguide.Chunk) error {
	if s.crash {
		return errors.New("simulated crash before the index swap")
	}
	return s.SessionStore.ReplaceChunks(ctx, old, c)
}

// TestCompactionSweepsOrphans: a crash between the compacted blob's Put and
// the index swap leaves an orphan blob; late batches then widen the window's
// seq range, so the retry writes a different key and cannot overwrite it. The
// next pass must remove it (and a temporary file a crash left mid-Put), keep
// exactly the blob the index references, and replay every event.
func TestCompactionSweepsOrphans(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	all := batchgen.Session(7, batchgen.Options{Start: t0, Batches: 14})
	e.send(t, all[:12])
	sid, win := all[0].Batch.Session, all[0].Batch.Window
	last := e.clock.Now()

	cs := &crashingSessions{SessionStore: e.sessions, crash: true}
	w := New(Config{Clock: e.clock, Projects: e.projects}, cs, e.blobs, nil)
	e.clock.Set(last.Add(31 * time.Minute))
	if _, err := w.RunOnce(ctx); err == nil {
		t.Fatal("pass with a crash before the swap succeeded")
	}
	orphan := recording.CompactKey("proj1", sid, win, 0, 11)
	if keys, _ := e.blobs.List(ctx, recording.SessionPrefix("proj1", sid)); !slices.Contains(keys, orphan) {
		t.Fatalf("blobs after the crash = %q, want the orphan %s", keys, orphan)
	}
	// A Put interrupted by a crash leaves a temporary file next to it.
	tmp := filepath.Join(e.blobs.Root(), "proj1", sid, win, ".tmp-123456")
	if err := os.WriteFile(tmp, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(tmp, old, old)

	// Late batches widen the range to 0-13: the retry's key differs.
	more := all[12:]
	for i := range more {
		more[i].Batch.SentAt = e.clock.Now().UnixMilli()
	}
	e.send(t, more)
	cs.crash = false
	e.clock.Add(31 * time.Minute)
	if n, err := w.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("pass after the crash: closed %d (%v), want 1", n, err)
	}
	chunks, err := e.sessions.Chunks(ctx, "proj1", sid)
	if err != nil {
		t.Fatal(err)
	}
	want := recording.CompactKey("proj1", sid, win, 0, 13)
	if len(chunks) != 1 || chunks[0].BlobKey != want {
		t.Fatalf("chunks = %+v, want one %s", chunks, want)
	}
	keys, _ := e.blobs.List(ctx, recording.SessionPrefix("proj1", sid))
	if !slices.Equal(keys, []string{want}) {
		t.Errorf("blobs after the sweep = %q, want only %s", keys, want)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left by a crash still there (stat err %v)", err)
	}
	got, err := recording.Read(ctx, e.sessions, e.blobs, "proj1", sid, win)
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, got, allEvents(all))
}
