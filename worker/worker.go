// Package worker runs the background jobs of a session's life after
// ingest: it closes sessions that have been idle for a while and compacts
// their recordings, rewriting each window's per-batch chunks into one chunk
// at the best compression level, which is what makes stored recordings ten
// times smaller than the raw rrweb JSON. Before closing a session it runs
// the friction detectors (package friction) over the whole session and
// stores their detections, the authoritative ones.
package worker

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"encoding/json"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/analytics"
	"github.com/trailguide/trailguide/friction"
	"github.com/trailguide/trailguide/recording"
)

// Config tunes the worker. Zero fields take the defaults noted.
type Config struct {
	IdleAfter time.Duration    // a session is closed this long after its last batch (30 min)
	Interval  time.Duration    // time between two passes of Run (1 min)
	BatchSize int              // sessions fetched per IdleSessions call (100)
	Clock     trailguide.Clock // trailguide.SystemClock
	// Friction is the detector configuration of projects without their own
	// (friction.Default() when nil).
	Friction *friction.Config
	// Projects, when set, is where the worker reads each project's friction
	// settings (Project.FrictionConfig, parsed over the defaults) at the
	// close of every session; without it every project uses Friction.
	// Retention needs it too (each project's RetentionDays).
	Projects trailguide.ProjectStore
	// RetentionInterval is the time between two retention passes in Run
	// (1 h); see Retain.
	RetentionInterval time.Duration
	// Eraser, when set, runs pending erasure jobs in every pass of Run.
	Eraser *Eraser
	// Leases, when set, lets several worker nodes share the jobs: each
	// session's close (compaction and friction finalisation) and each
	// retention pass runs under a lease in the database, held by Holder
	// and renewed every LeaseTTL/3 while the job runs, so that two workers
	// never run the same job and a dead worker's job is taken over once
	// its lease expires (LeaseTTL, 2 min). Erasure jobs are claimed in the
	// database already (ErasureStore.ClaimJob). Without Leases the worker
	// assumes it is alone.
	Leases   trailguide.LeaseStore
	Holder   string
	LeaseTTL time.Duration
	// Observe, when set, is told of every pass Run makes: kind is
	// "erasure", "retention" or "compaction" (the metrics).
	Observe func(kind string, d time.Duration, err error)
	// OnClosed, when set, is called after each session the worker closed
	// and analysed (webhooks: sessions with errors, friction spikes).
	OnClosed func(ctx context.Context, projectID, sessionID string)
}

// Worker closes idle sessions, runs the friction detectors on them and
// compacts their recordings.
type Worker struct {
	cfg      Config
	sessions trailguide.SessionStore
	friction trailguide.FrictionStore // nil: no detection
	heatmaps trailguide.HeatmapStore  // nil: no heatmaps
	// retention is nil when the session store cannot delete (no retention).
	retention trailguide.RetentionStore
	blobs     trailguide.BlobStore
	logger    *slog.Logger
	// unusedAssets are, per project, the asset keys the previous retention
	// pass found unreferenced (with Leases only; see collectAssets).
	unusedAssets map[string]map[string]bool
}

// New returns a worker; zero Config fields take their defaults. When the
// session store also implements trailguide.FrictionStore (the SQLite one
// does), the worker analyses every session it closes; otherwise it only
// closes and compacts.
func New(cfg Config, sessions trailguide.SessionStore, blobs trailguide.BlobStore, logger *slog.Logger) *Worker {
	if cfg.IdleAfter <= 0 {
		cfg.IdleAfter = 30 * time.Minute
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Minute
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Clock == nil {
		cfg.Clock = trailguide.SystemClock{}
	}
	if cfg.RetentionInterval <= 0 {
		cfg.RetentionInterval = time.Hour
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = 2 * time.Minute
	}
	if cfg.Holder == "" {
		cfg.Holder = randomHolder()
	}
	if cfg.Friction == nil {
		def := friction.Default()
		cfg.Friction = &def
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	fs, _ := sessions.(trailguide.FrictionStore)
	hs, _ := sessions.(trailguide.HeatmapStore)
	rs, _ := sessions.(trailguide.RetentionStore)
	return &Worker{cfg: cfg, sessions: sessions, friction: fs, heatmaps: hs, retention: rs, blobs: blobs, logger: logger.WithGroup("worker")}
}

// Run does a pass at once and then every Interval until ctx is done; it
// returns nil then. A failing pass is logged and retried at the next tick.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	var lastRetention time.Time
	for {
		if w.cfg.Eraser != nil {
			start := time.Now()
			if n, err := w.cfg.Eraser.RunPending(ctx); err != nil && ctx.Err() == nil {
				w.logger.Error("erasure jobs", "err", err)
				w.observe("erasure", start, err)
			} else if n > 0 {
				w.observe("erasure", start, nil)
			}
		}
		if now := w.cfg.Clock.Now(); now.Sub(lastRetention) >= w.cfg.RetentionInterval {
			start := time.Now()
			if _, err := w.Retain(ctx); err != nil && ctx.Err() == nil {
				w.logger.Error("retention pass failed", "err", err)
				w.observe("retention", start, err)
			} else {
				lastRetention = now
				w.observe("retention", start, nil)
			}
		}
		start := time.Now()
		closed, err := w.RunOnce(ctx)
		if ctx.Err() == nil {
			w.observe("compaction", start, err)
		}
		if err != nil && ctx.Err() == nil {
			w.logger.Error("pass failed", "closed", closed, "err", err)
		} else if closed > 0 {
			w.logger.Info("closed sessions", "closed", closed)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// observe reports one pass to Config.Observe.
func (w *Worker) observe(kind string, start time.Time, err error) {
	if w.cfg.Observe != nil {
		w.cfg.Observe(kind, time.Since(start), err)
	}
}

// RunOnce closes and compacts every session idle for IdleAfter. A session
// that fails is logged and skipped (it stays open, so the next pass retries
// it); the errors are returned together.
func (w *Worker) RunOnce(ctx context.Context) (closed int, err error) {
	before := w.cfg.Clock.Now().Add(-w.cfg.IdleAfter)
	failed := make(map[string]bool)
	var errs []error
	for {
		idle, err := w.sessions.IdleSessions(ctx, before, w.cfg.BatchSize+len(failed))
		if err != nil {
			return closed, errors.Join(append(errs, fmt.Errorf("idle sessions: %w", err))...)
		}
		progress := false
		for _, s := range idle {
			key := s.ProjectID + "/" + s.ID
			if failed[key] {
				continue
			}
			ran, err := w.leased(ctx, "session:"+key, true, func(ctx context.Context) error {
				// Another worker may have closed it between the listing
				// and the lease: check again under the lease.
				cur, err := w.sessions.Session(ctx, s.ProjectID, s.ID)
				if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
					return errSkip
				} else if err != nil {
					return err
				}
				if cur.Closed || !cur.LastBatchAt.Before(before) {
					return errSkip
				}
				return w.CompactSession(ctx, s.ProjectID, s.ID)
			})
			if !ran && err != nil { // the lease could not be asked for
				w.logger.Error("session lease", "project", s.ProjectID, "session", s.ID, "err", err)
				failed[key] = true
				errs = append(errs, err)
				continue
			}
			if !ran || errors.Is(err, errSkip) {
				failed[key] = true // another worker's, or done meanwhile
				continue
			}
			if err != nil {
				if ctx.Err() != nil {
					return closed, ctx.Err()
				}
				w.logger.Error("compact session", "project", s.ProjectID, "session", s.ID, "err", err)
				failed[key] = true
				errs = append(errs, err)
				continue
			}
			closed++
			progress = true
			if w.cfg.OnClosed != nil {
				w.cfg.OnClosed(ctx, s.ProjectID, s.ID)
			}
		}
		if !progress || len(idle) < w.cfg.BatchSize+len(failed) {
			return closed, errors.Join(errs...)
		}
	}
}

// errSkip: a leased job found nothing left to do.
var errSkip = errors.New("nothing to do")

// leased runs fn under the lease name when the worker has Leases (else
// directly): false when another worker holds it. The lease is renewed
// every LeaseTTL/3 while fn runs; when a renewal fails, fn's context is
// cancelled, since another worker may take over. release gives the lease
// up when fn returns.
func (w *Worker) leased(ctx context.Context, name string, release bool, fn func(ctx context.Context) error) (bool, error) {
	if w.cfg.Leases == nil {
		return true, fn(ctx)
	}
	ok, err := w.cfg.Leases.AcquireLease(ctx, name, w.cfg.Holder, w.cfg.LeaseTTL)
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	} else if !ok {
		return false, nil
	}
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(w.cfg.LeaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				ok, err := w.cfg.Leases.AcquireLease(jobCtx, name, w.cfg.Holder, w.cfg.LeaseTTL)
				if err != nil || !ok {
					w.logger.Warn("lease lost; job stopped", "lease", name, "err", err)
					cancel()
					return
				}
			}
		}
	}()
	err = fn(jobCtx)
	close(done)
	<-renewed
	if release {
		if rerr := w.cfg.Leases.ReleaseLease(context.WithoutCancel(ctx), name, w.cfg.Holder); rerr != nil {
			w.logger.Warn("release lease", "lease", name, "err", rerr)
		}
	}
	return true, err
}

func randomHolder() string {
	var b [8]byte
	rand.Read(b[:])
	return "worker-" + hex.EncodeToString(b[:])
}

// CompactSession compacts every window of a session that has more than one
// chunk or a chunk not compacted yet, runs the friction detectors over the
// whole session and replaces its server detections, then closes the
// session and marks it compacted.
//
// The order makes it crash-safe: the compacted blob is durable (Put) before
// ReplaceChunks swaps the index rows in one transaction, and the old blobs
// are deleted only after that. A crash before the swap leaves an orphan
// compacted blob (overwritten by the retry, which writes the same key); a
// crash after it leaves orphan old blobs. Never an index row without its
// blob. Before closing, sweep deletes whatever blob of the session no chunk
// row references (such orphans, and temporary files of a Put a crash
// interrupted), so nothing is left behind that is never cleaned. The
// session is closed last, so a crash anywhere leaves it open and
// the next pass does the work again.
//
// A batch that lands while the session is being compacted adds a chunk the
// swap does not touch and reopens the session; CompactSession then leaves
// the session open for a later pass instead of closing it (and without
// analysing it: the later pass does, over everything).
//
// Detection is idempotent: it reads the session's events and recording as
// stored and replaces every earlier server detection, so a session that a
// late batch reopened is analysed again from scratch when it closes again.
func (w *Worker) CompactSession(ctx context.Context, projectID, sessionID string) error {
	started := w.cfg.Clock.Now()
	wallStart := time.Now() // file times are on the wall clock, not the injected one
	chunks, err := w.sessions.Chunks(ctx, projectID, sessionID)
	if err != nil {
		return fmt.Errorf("compact %s: chunks: %w", sessionID, err)
	}
	byWindow := make(map[string][]*trailguide.Chunk)
	var windows []string
	for _, c := range chunks {
		if _, ok := byWindow[c.WindowID]; !ok {
			windows = append(windows, c.WindowID)
		}
		byWindow[c.WindowID] = append(byWindow[c.WindowID], c)
	}
	rrweb := make(map[string][]json.RawMessage, len(windows))
	for _, win := range windows {
		events, err := w.compactWindow(ctx, byWindow[win])
		if err != nil {
			return fmt.Errorf("compact %s window %s: %w", sessionID, win, err)
		}
		// The detectors compare signals with the page's changes, so the
		// rrweb events go on the signals' clock (ingest shifted the signals
		// of a skewed client, not the recording).
		rrweb[win] = recording.ShiftTimestamps(events, recording.ClockOffset(byWindow[win], events))
	}

	s, err := w.sessions.Session(ctx, projectID, sessionID)
	if err != nil {
		return fmt.Errorf("compact %s: session: %w", sessionID, err)
	}
	if s.LastBatchAt.After(started) {
		w.logger.Info("session got a batch during compaction, left open", "project", projectID, "session", sessionID)
		return nil
	}
	if err := w.sweep(ctx, projectID, sessionID, wallStart); err != nil {
		return fmt.Errorf("sweep %s: %w", sessionID, err)
	}
	if err := w.detect(ctx, projectID, sessionID, rrweb); err != nil {
		return fmt.Errorf("friction %s: %w", sessionID, err)
	}
	if err := w.sessions.CloseSession(ctx, projectID, sessionID); err != nil {
		return fmt.Errorf("close %s: %w", sessionID, err)
	}
	if err := w.sessions.MarkCompacted(ctx, projectID, sessionID); err != nil {
		return fmt.Errorf("mark %s compacted: %w", sessionID, err)
	}
	return nil
}

// tempSweeper is implemented by blob stores that can leave temporary files
// behind when the process dies in the middle of a Put (fileblob).
type tempSweeper interface {
	RemoveTemp(ctx context.Context, prefix string, before time.Time) (int, error)
}

// sweep deletes the session's orphan blobs: every key under the session's
// prefix that no chunk row references, and the temporary files of Puts
// that a crash interrupted before this pass started. Orphans come from a
// crash between a compacted blob's Put and the index swap (the retry may
// write a different key when late batches widened the seq range), and from
// old blobs whose Delete failed after a swap. Ingest never writes blobs
// (chunks are staged in the index) and the worker compacts one session at
// a time, so nothing under the prefix is in the middle of being indexed.
func (w *Worker) sweep(ctx context.Context, projectID, sessionID string, started time.Time) error {
	prefix := recording.SessionPrefix(projectID, sessionID)
	keys, err := w.blobs.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	chunks, err := w.sessions.Chunks(ctx, projectID, sessionID)
	if err != nil {
		return fmt.Errorf("chunks: %w", err)
	}
	live := make(map[string]bool, len(chunks))
	for _, c := range chunks {
		if c.BlobKey != "" {
			live[c.BlobKey] = true
		}
	}
	removed := 0
	for _, k := range keys {
		if live[k] {
			continue
		}
		if err := w.blobs.Delete(ctx, k); err != nil {
			return fmt.Errorf("delete orphan %s: %w", k, err)
		}
		removed++
	}
	if ts, ok := w.blobs.(tempSweeper); ok {
		n, err := ts.RemoveTemp(ctx, prefix, started)
		if err != nil {
			return fmt.Errorf("remove temporary files: %w", err)
		}
		removed += n
	}
	if removed > 0 {
		w.logger.Info("removed orphan blobs", "project", projectID, "session", sessionID, "count", removed)
	}
	return nil
}

// detect runs the friction detectors over the session's stored events and
// its rrweb streams (one per window) and replaces its server detections.
func (w *Worker) detect(ctx context.Context, projectID, sessionID string, rrweb map[string][]json.RawMessage) error {
	if w.friction == nil {
		return nil
	}
	events, err := w.sessions.Events(ctx, projectID, sessionID)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	cfg, err := w.frictionConfig(ctx, projectID)
	if err != nil {
		return err
	}
	f := friction.Analyze(cfg, projectID, sessionID, events, rrweb)
	if err := w.friction.ReplaceFriction(ctx, f); err != nil {
		return err
	}
	w.logger.Debug("detected friction", "session", sessionID, "detections", len(f.Events),
		"score", f.Score, "exit", f.ExitClass)
	if w.heatmaps == nil {
		return nil
	}
	// The heatmap contribution reads the detections just stored (rage,
	// dead and error clicks), so it is built from the stored events again.
	sess, err := w.sessions.Session(ctx, projectID, sessionID)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	events = append(slices.DeleteFunc(events, func(e *trailguide.Event) bool { return e.Seq == trailguide.FrictionSeq }), f.Events...)
	slices.SortStableFunc(events, func(a, b *trailguide.Event) int { return a.Time.Compare(b.Time) })
	if err := w.heatmaps.ReplaceHeatmap(ctx, analytics.BuildSessionHeatmap(sess, events, rrweb)); err != nil {
		return fmt.Errorf("heatmap: %w", err)
	}
	return nil
}

// frictionConfig is the detector configuration of a project: its stored
// settings, or Config.Friction when it has none (or there is no project
// store). A store failure is returned, so the session stays open and the
// next pass retries it with the right settings; a project that is gone or
// whose stored config no longer parses gets Config.Friction (logged).
func (w *Worker) frictionConfig(ctx context.Context, projectID string) (friction.Config, error) {
	if w.cfg.Projects == nil {
		return *w.cfg.Friction, nil
	}
	p, err := w.cfg.Projects.Project(ctx, projectID)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		w.logger.Warn("session of an unknown project; default friction config", "project", projectID)
		return *w.cfg.Friction, nil
	} else if err != nil {
		return friction.Config{}, fmt.Errorf("project: %w", err)
	}
	if len(p.FrictionConfig) == 0 {
		return *w.cfg.Friction, nil
	}
	cfg, err := friction.ParseConfig(p.FrictionConfig)
	if err != nil {
		w.logger.Warn("stored friction config invalid; using the default config", "project", projectID, "err", err)
		return *w.cfg.Friction, nil
	}
	return cfg, nil
}

// compactWindow rewrites the chunks of one window as one compacted chunk
// and returns the window's rrweb events (stylesheets inlined) for the
// detectors. A window already compacted is only read.
func (w *Worker) compactWindow(ctx context.Context, chunks []*trailguide.Chunk) ([]json.RawMessage, error) {
	if len(chunks) == 0 {
		return nil, nil
	}
	done := len(chunks) == 1 && recording.IsCompactKey(chunks[0].BlobKey)
	if done && w.friction == nil {
		return nil, nil
	}
	chunks = slices.Clone(chunks)
	slices.SortFunc(chunks, func(a, b *trailguide.Chunk) int { return cmp.Compare(a.SeqFrom, b.SeqFrom) })
	events, err := recording.ReadChunks(ctx, w.sessions, w.blobs, chunks)
	if err != nil || done {
		return events, err
	}
	first := chunks[0]
	c := &trailguide.Chunk{
		ProjectID: first.ProjectID, SessionID: first.SessionID, WindowID: first.WindowID,
		SeqFrom: first.SeqFrom, SeqTo: first.SeqTo, FirstTS: first.FirstTS, LastTS: first.LastTS,
		EventCount: len(events), RawBytes: recording.RawSize(events),
	}
	for _, o := range chunks[1:] {
		c.SeqFrom, c.SeqTo = min(c.SeqFrom, o.SeqFrom), max(c.SeqTo, o.SeqTo)
		c.FirstTS, c.LastTS = min(c.FirstTS, o.FirstTS), max(c.LastTS, o.LastTS)
	}
	c.BlobKey = recording.CompactKey(c.ProjectID, c.SessionID, c.WindowID, c.SeqFrom, c.SeqTo)
	// Stylesheets become shared, content-addressed assets of the project,
	// written (durably) before the chunk that references them.
	stripped, assets := recording.ExtractAssets(events)
	c.Assets = slices.Sorted(maps.Keys(assets))
	if err := recording.PutAssets(ctx, w.blobs, c.ProjectID, assets); err != nil {
		return nil, err
	}
	blob, err := recording.Encode(stripped, recording.LevelBest)
	if err != nil {
		return nil, err
	}
	c.StoredBytes = int64(len(blob))
	if err := w.blobs.Put(ctx, c.BlobKey, blob); err != nil {
		return nil, fmt.Errorf("put %s: %w", c.BlobKey, err)
	}
	if err := w.sessions.ReplaceChunks(ctx, chunks, c); err != nil {
		return nil, fmt.Errorf("replace chunks: %w", err)
	}
	for _, o := range chunks {
		if o.BlobKey == "" || o.BlobKey == c.BlobKey {
			continue // staged chunks went with their rows
		}
		if err := w.blobs.Delete(ctx, o.BlobKey); err != nil {
			// The index no longer points at it: an orphan, not a loss.
			w.logger.Warn("delete old chunk", "key", o.BlobKey, "err", err)
		}
	}
	w.logger.Debug("compacted window", "session", c.SessionID, "window", c.WindowID,
		"chunks", len(chunks), "events", c.EventCount, "raw", c.RawBytes, "stored", c.StoredBytes)
	return events, nil
}
