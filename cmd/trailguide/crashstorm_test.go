package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/sqlite"
	"github.com/trailguide/trailguide/worker"
)

const stormKey = "tg_pk_batchgen" // batchgen's default key

// soakDuration is how long the longer variants run: TG_SOAK_DURATION (a Go
// duration) under `make soak`, else def.
func soakDuration(t *testing.T, def time.Duration) time.Duration {
	v := os.Getenv("TG_SOAK_DURATION")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("TG_SOAK_DURATION=%q: %v", v, err)
	}
	return d
}

// createProject creates the batchgen project in a fresh data dir, before the
// server starts on it.
func createProject(t *testing.T, dataDir string, p *trailguide.Project) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(dataDir, "trailguide.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if p == nil {
		p = &trailguide.Project{ID: "storm", Name: "Storm", PublicKey: stormKey}
	}
	if p.OrgID == "" {
		p.OrgID = trailguide.DefaultOrgID // where setup puts the first admin
	}
	if err := sqlite.NewProjectStore(db).CreateProject(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// stormClient sends batchgen windows one after the other, each batch until
// the server acknowledges it, against whatever server is current (target).
// A window's batches are regenerated from its seed when checked, so a long
// soak does not hold them all in memory.
type stormClient struct {
	seed  uint64 // window k uses seed*1000+k
	opts  batchgen.Options
	acked atomic.Int64 // batches acknowledged, all windows
	stats sendStats

	mu      sync.Mutex
	windows []int // per window started: batches acknowledged (a prefix)

	first []batchgen.Body // window 0, generated before the storm starts
}

func (c *stormClient) window(k int) []batchgen.Body {
	if k == 0 && c.first != nil {
		return c.first
	}
	return batchgen.Session(c.seed*1000+uint64(k), c.opts)
}

// sendStats counts what the clients saw.
type sendStats struct {
	tries       atomic.Int64 // requests
	unavailable atomic.Int64 // 503/429 answers (always with Retry-After)
}

// run sends c's windows in order, each batch until acknowledged, pausing a
// little between batches (a client, not a flood), until stop is closed.
func (c *stormClient) run(hc *http.Client, target *atomic.Pointer[string], stop <-chan struct{}, errs chan<- error) {
	for k := 0; ; k++ {
		c.mu.Lock()
		c.windows = append(c.windows, 0)
		c.mu.Unlock()
		for _, b := range c.window(k) {
			ok, err := sendUntilAck(hc, target, b.Gzip, b.Batch.Seq, stop, &c.stats)
			if err != nil {
				errs <- err
				return
			}
			if !ok {
				return
			}
			c.mu.Lock()
			c.windows[k]++
			c.mu.Unlock()
			c.acked.Add(1)
			time.Sleep(time.Duration(10+rand.IntN(40)) * time.Millisecond)
		}
	}
}

// storm is clients running against the current server until Stop.
type storm struct {
	cs   []*stormClient
	stop chan struct{}
	wg   sync.WaitGroup
	errs chan error
}

// startStorm starts every client, each sending to whatever target holds.
func startStorm(cs []*stormClient, hc *http.Client, target *atomic.Pointer[string]) *storm {
	s := &storm{cs: cs, stop: make(chan struct{}), errs: make(chan error, len(cs))}
	for _, c := range cs {
		s.wg.Go(func() { c.run(hc, target, s.stop, s.errs) })
	}
	return s
}

// Acked is how many batches the clients got acknowledged so far.
func (s *storm) Acked() (n int64) {
	for _, c := range s.cs {
		n += c.acked.Load()
	}
	return n
}

// Stop stops the clients, waits for them and reports what they found wrong.
func (s *storm) Stop(t *testing.T) {
	close(s.stop)
	s.wg.Wait()
	close(s.errs)
	for err := range s.errs {
		t.Error(err)
	}
}

// sendUntilAck posts body until the current server answers 200 with its
// ack, or stop is closed. It reports whether it was acknowledged.
func sendUntilAck(hc *http.Client, target *atomic.Pointer[string], body []byte, seq int64, stop <-chan struct{}, st *sendStats) (bool, error) {
	for {
		select {
		case <-stop:
			return false, nil
		default:
		}
		st.tries.Add(1)
		res, err := hc.Post(*target.Load()+"/ingest/v1/batch", "", bytes.NewReader(body))
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			switch {
			case res.StatusCode == http.StatusOK:
				var r struct {
					Ack *int64 `json:"ack"`
				}
				if err := json.Unmarshal(b, &r); err != nil || r.Ack == nil || *r.Ack != seq {
					return false, fmt.Errorf("200 without the right ack for seq %d: %s", seq, b)
				}
				return true, nil
			case res.StatusCode == http.StatusServiceUnavailable || res.StatusCode == http.StatusTooManyRequests:
				if res.Header.Get("Retry-After") == "" {
					return false, fmt.Errorf("%d without Retry-After", res.StatusCode)
				}
				st.unavailable.Add(1)
			case res.StatusCode >= 500:
			default:
				return false, fmt.Errorf("seq %d: status %d: %s", seq, res.StatusCode, b)
			}
		}
		time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
	}
}

// TestCrashStorm: many concurrent clients send batches while the real
// binary is killed with SIGKILL at random moments and restarted on the same
// data dir; the clients resend whatever was not acknowledged. Afterwards
// every batch is stored exactly once, the database passes its integrity
// check, and every window's stored recording decodes to exactly the events
// that were sent, in order; the analytics events are not doubled either.
// `make soak` runs it longer (TG_SOAK_DURATION).
func TestCrashStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	stormFor := soakDuration(t, 15*time.Second)
	data := t.TempDir()
	createProject(t, data, nil)

	const clients = 16
	start := time.Now()
	cs := make([]*stormClient, clients)
	for i := range cs {
		cs[i] = &stormClient{seed: uint64(1000 + i), opts: batchgen.Options{
			Start: start, Batches: 30, Nodes: 60, Interval: time.Second, PageEvery: 10,
		}}
	}
	// Generating windows is slow under -race on a loaded machine: the first
	// ones are ready before the clock of the storm starts.
	var gen sync.WaitGroup
	for _, c := range cs {
		gen.Go(func() { c.first = c.window(0) })
	}
	gen.Wait()

	var target atomic.Pointer[string]
	srv := startE2EServer(t, data)
	target.Store(&srv.URL)

	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	st := startStorm(cs, hc, &target)
	totalAcked := st.Acked
	// progress waits (bounded) until the clients got more acks than n, so
	// that every server lifetime is killed while it is being written to,
	// however slow the machine.
	progress := func(n int64) {
		for end := time.Now().Add(30 * time.Second); totalAcked() <= n && time.Now().Before(end); {
			time.Sleep(20 * time.Millisecond)
		}
	}
	progress(clients)

	// The storm: kill -9 at random moments, restart on the same data dir.
	kills := 0
	deadline := time.Now().Add(stormFor)
	for time.Now().Before(deadline) {
		time.Sleep(time.Duration(150+rand.IntN(900)) * time.Millisecond)
		srv.Kill()
		kills++
		n := totalAcked()
		srv = startE2EServer(t, data)
		target.Store(&srv.URL)
		progress(n)
	}
	// Calm: let everyone deliver some more, then stop the clients; what a
	// client had in flight when stopped may or may not be stored, and is
	// checked below as "at most once".
	time.Sleep(time.Second)
	st.Stop(t)
	srv.Stop()

	acked, tries := 0, int64(0)
	for _, c := range cs {
		acked += int(c.acked.Load())
		tries += c.stats.tries.Load()
	}
	t.Logf("%d kills in %s; %d batches acknowledged, %d requests", kills, stormFor, acked, tries)
	if kills < 3 || acked < clients*3 {
		t.Fatalf("the storm did not exercise anything: %d kills, %d acks", kills, acked)
	}
	verifyStored(t, data, "storm", cs)
}

// verifyStored opens the data dir after the server stopped and checks, per
// client window: every acknowledged batch stored, nothing past the first
// unacknowledged one except possibly that one batch (sent, answer lost),
// no batch twice, the recording equal to the sent events of the stored
// batches in order, and the analytics events not doubled.
func verifyStored(t *testing.T, data, projectID string, cs []*stormClient) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(data, "trailguide.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	blobs, err := fileblob.New(filepath.Join(data, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ingest := sqlite.NewIngestStore(db)
	sessions := sqlite.NewSessionStore(db)
	checkStreams(t, "staged", ingest, sessions, blobs, projectID, cs)
	// Compact everything (as the worker does 30 min later) and check the
	// compacted blobs decode to the same streams.
	w := worker.New(worker.Config{Clock: fixedClock(time.Now().Add(2 * time.Hour))}, sessions, blobs, nil)
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatalf("compaction: %v", err)
	}
	checkStreams(t, "compacted", ingest, sessions, blobs, projectID, cs)
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func checkStreams(t *testing.T, stage string, ingest *sqlite.IngestStore, sessions *sqlite.SessionStore, blobs *fileblob.BlobStore, projectID string, cs []*stormClient) {
	t.Helper()
	for ci, c := range cs {
		c.mu.Lock()
		windows := slices.Clone(c.windows)
		c.mu.Unlock()
		for k, acked := range windows {
			checkWindow(t, stage, ingest, sessions, blobs, projectID, fmt.Sprintf("client %d window %d", ci, k), c.window(k), acked)
		}
	}
}

// checkWindow checks one window sent by a client that had acked batches
// acknowledged: those are stored, nothing past the first unacknowledged
// one except possibly that one (sent, answer lost), the recording equals the
// sent events of the stored batches, and no analytics event is doubled.
func checkWindow(t *testing.T, stage string, ingest *sqlite.IngestStore, sessions *sqlite.SessionStore, blobs *fileblob.BlobStore, projectID, name string, bodies []batchgen.Body, acked int) {
	t.Helper()
	ctx := context.Background()
	{
		var stored []batchgen.Body
		for i, b := range bodies {
			has, err := ingest.HasBatch(ctx, projectID, b.Batch.Session, b.Batch.Window, b.Batch.Seq)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case i < acked && !has:
				t.Errorf(stage+" %s: acknowledged seq %d is not stored", name, b.Batch.Seq)
			case i > acked && has:
				t.Errorf(stage+" %s: seq %d stored but never sent", name, b.Batch.Seq)
			}
			if has {
				stored = append(stored, b)
			}
		}
		if len(stored) == 0 {
			return
		}
		sid, win := bodies[0].Batch.Session, bodies[0].Batch.Window
		got, err := recording.Read(ctx, sessions, blobs, projectID, sid, win)
		if err != nil {
			t.Fatalf(stage+" %s: read recording: %v", name, err)
		}
		var want []json.RawMessage
		signals := 0
		for _, b := range stored {
			want = append(want, b.Batch.Events...)
			signals += len(b.Batch.Signals)
		}
		// Replay order is by timestamp (stable); batchgen's page loads may
		// start a few ms before the previous batch's last event.
		recording.SortEvents(got)
		recording.SortEvents(want)
		if len(got) != len(want) {
			t.Errorf(stage+" %s: %d events stored, want %d (the sent events of %d stored batches)", name, len(got), len(want), len(stored))
		} else {
			for i := range got {
				if !bytes.Equal(got[i], want[i]) {
					t.Errorf(stage+" %s: event %d differs:\n got %.200s\nwant %.200s", name, i, got[i], want[i])
					break
				}
			}
		}
		evs, err := sessions.Events(ctx, projectID, sid)
		if err != nil {
			t.Fatal(err)
		}
		// The server adds its own (friction) events when it closes a session.
		n := 0
		for _, e := range evs {
			if e.Type != "friction" {
				n++
			}
		}
		if n != signals {
			t.Errorf(stage+" %s: %d analytics events stored, want %d", name, n, signals)
		}
	}
}
