package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/recording"
)

// TestDuplicatesAndReordering sends every batch of several windows one to
// three times, in a random order, from concurrent senders. Every send is
// acknowledged with its seq; afterwards each window's stored stream is,
// event by event, the deduplicated source in seq order, with one chunk per
// batch and no analytics event doubled.
func TestDuplicatesAndReordering(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		e := mustOpenEnv(t, Config{})
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(seed, 42))
		windows := make([][]batchgen.Body, 4)
		var sends []batchgen.Body
		for i := range windows {
			windows[i] = batchgen.Session(seed*100+uint64(i), batchgen.Options{Key: "tg_pk_test", Start: t0, Batches: 15, Nodes: 80})
			for _, b := range windows[i] {
				for range 1 + rng.IntN(3) {
					sends = append(sends, b)
				}
			}
		}
		rng.Shuffle(len(sends), func(i, j int) { sends[i], sends[j] = sends[j], sends[i] })

		work := make(chan batchgen.Body)
		var wg sync.WaitGroup
		var mu sync.Mutex
		dups := 0
		for range 8 {
			wg.Go(func() {
				for b := range work {
					body := b.Gzip
					if rng := b.Batch.Seq % 2; rng == 0 {
						body = b.JSON // plain and gzip bodies of the same batch are the same batch
					}
					res, err := e.svc.Ingest(ctx, &trailguide.IngestRequest{Body: body, ReceivedAt: t0})
					if err != nil {
						t.Errorf("seq %d: %v", b.Batch.Seq, err)
						continue
					}
					if res.Ack != b.Batch.Seq {
						t.Errorf("ack %d for seq %d", res.Ack, b.Batch.Seq)
					}
					if res.Duplicate {
						mu.Lock()
						dups++
						mu.Unlock()
					}
				}
			})
		}
		for _, b := range sends {
			work <- b
		}
		close(work)
		wg.Wait()
		distinct := 0
		for _, w := range windows {
			distinct += len(w)
		}
		if dups != len(sends)-distinct {
			t.Errorf("seed %d: %d sends acknowledged as duplicates, want %d", seed, dups, len(sends)-distinct)
		}

		for i, w := range windows {
			sid, win := w[0].Batch.Session, w[0].Batch.Window
			var want []json.RawMessage
			signals := 0
			for _, b := range w {
				want = append(want, b.Batch.Events...)
				signals += len(b.Batch.Signals)
			}
			got, err := recording.Read(ctx, e.sessions, e.blobs, "proj1", sid, win)
			if err != nil {
				t.Fatal(err)
			}
			// Replay order is by timestamp (stable), which is the order the
			// source was recorded in; batchgen's page loads may start a few
			// ms before the previous batch's last event.
			recording.SortEvents(want)
			recording.SortEvents(got)
			if len(got) != len(want) {
				t.Fatalf("seed %d window %d: %d events stored, want %d", seed, i, len(got), len(want))
			}
			for j := range got {
				if !bytes.Equal(got[j], want[j]) {
					t.Fatalf("seed %d window %d: event %d differs:\n got %.150s\nwant %.150s", seed, i, j, got[j], want[j])
				}
			}
			chunks, err := e.sessions.Chunks(ctx, "proj1", sid)
			if err != nil {
				t.Fatal(err)
			}
			if len(chunks) != len(w) {
				t.Errorf("seed %d window %d: %d chunks, want one per batch (%d)", seed, i, len(chunks), len(w))
			}
			evs, err := e.sessions.Events(ctx, "proj1", sid)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != signals {
				t.Errorf("seed %d window %d: %d analytics events, want %d", seed, i, len(evs), signals)
			}
			s, err := e.sessions.Session(ctx, "proj1", sid)
			if err != nil {
				t.Fatal(err)
			}
			if s.EventCount != len(want)+signals {
				t.Errorf("seed %d window %d: session counts %d events, want %d (each batch counted once)", seed, i, s.EventCount, len(want)+signals)
			}
		}
	}
}
