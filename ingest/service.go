package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
	"github.com/trailguide/trailguide/privacy"
	"github.com/trailguide/trailguide/recording"
)

var _ trailguide.IngestService = (*Service)(nil)

// Service implements trailguide.IngestService.
type Service struct {
	cfg      Config
	projects trailguide.ProjectStore
	store    trailguide.IngestStore
	logger   *slog.Logger

	mu     sync.Mutex
	cache  map[string]cachedProject
	limits map[string]limitState // limits.go
	slots  chan struct{}         // admit (limits.go); MaxConcurrent
}

type cachedProject struct {
	p       *trailguide.Project
	expires time.Time
}

// NewService returns an ingest service; zero Config fields take their
// defaults.
func NewService(cfg Config, projects trailguide.ProjectStore, store trailguide.IngestStore, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{
		cfg:      cfg.withDefaults(),
		projects: projects,
		store:    store,
		logger:   logger.WithGroup("ingest"),
		cache:    make(map[string]cachedProject),
		slots:    make(chan struct{}, cfg.withDefaults().MaxConcurrent),
	}
}

// Ingest decodes, validates and durably stores one batch. The order of the
// writes is what makes the acknowledgement safe: the chunk's blob is durable
// before the index transaction that references it commits, and the batch
// row that deduplicates retries is part of that same transaction. A crash in
// between leaves at worst an unreferenced blob, which the retry overwrites
// with the same bytes.
func (s *Service) Ingest(ctx context.Context, req *trailguide.IngestRequest) (*trailguide.IngestResult, error) {
	release, err := s.admit(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	received := req.ReceivedAt
	if received.IsZero() {
		received = s.cfg.Clock.Now()
	}
	b, rawLen, err := decodeBody(&s.cfg, req)
	if err != nil {
		return nil, err
	}
	if b.Key == "" {
		return nil, trailguide.Invalid("key", "Missing key.")
	}
	p, err := s.project(ctx, b.Key)
	if err != nil {
		return nil, err
	}
	if !originAllowed(p.AllowedOrigins, req.Origin) {
		return nil, errOrigin
	}
	if stop, err := s.stopped(ctx, p, received); err != nil {
		return nil, err
	} else if stop {
		return &trailguide.IngestResult{Stop: true}, nil
	}
	headers, err := validate(&s.cfg, b, received.UnixMilli())
	if err != nil {
		return nil, err
	}

	dup, err := s.store.HasBatch(ctx, p.ID, b.Session, b.Window, b.Seq)
	if err != nil {
		return nil, storeError("check batch", err)
	}
	if dup {
		return &trailguide.IngestResult{Ack: b.Seq, Duplicate: true}, nil
	}

	// Scrubbed before anything is derived from the batch, so that entry and
	// exit URLs, events and the chunk all hold the scrubbed values.
	scrubbed := scrubBatch(b)
	skew, known, err := s.store.SessionClock(ctx, p.ID, b.Session)
	if err != nil {
		return nil, storeError("session clock", err)
	}
	if !known {
		skew = estimateSkew(&s.cfg, b.SentAt, received)
	}
	ib := build(&s.cfg, p.ID, b, headers, received, req.UserAgent, skew)
	ib.Scrubbed = scrubbed
	if len(b.Events) > 0 {
		blob, err := recording.Encode(b.Events, recording.LevelFast)
		if err != nil {
			return nil, fmt.Errorf("encode chunk: %w", err)
		}
		// The chunk is staged in the index store and committed with the
		// batch: one group-committed fsync makes both durable. The worker
		// moves it to the BlobStore when it compacts the closed session.
		ib.Chunk.Data = blob
		ib.Chunk.StoredBytes = int64(len(blob))
		ib.Delta.StoredBytes = int64(len(blob))
	}
	dup, err = s.store.CommitBatch(ctx, ib)
	if errors.Is(err, trailguide.ErrSessionErased) {
		// Erased on request while still recording: drop the batch and tell
		// the SDK to stop sending for this page load.
		s.logger.Info("batch of an erased session dropped", "project", p.ID, "session", b.Session, "seq", b.Seq)
		return &trailguide.IngestResult{Ack: b.Seq, Stop: true}, nil
	}
	if err != nil {
		s.logger.Warn("commit batch", "project", p.ID, "session", b.Session, "seq", b.Seq, "err", err)
		return nil, storeError("commit batch", err)
	}
	s.logger.Debug("batch", "project", p.ID, "session", b.Session, "window", b.Window,
		"seq", b.Seq, "events", len(b.Events), "signals", len(b.Signals), "raw", rawLen, "duplicate", dup)
	res := &trailguide.IngestResult{Ack: b.Seq, Duplicate: dup}
	if !dup {
		s.counted(p.ID)
		res.Snapshot = s.afterCommit(ctx, p.ID, b)
	}
	return res, nil
}

// Config returns the SDK configuration of the project with key publicKey.
// Friction is the project's effective friction config (its settings over
// the defaults), Mask its privacy settings (privacy.ParseConfig; balanced
// without rules by default).
// Projects come through the key cache, so a settings change reaches new
// page loads within ProjectCacheTTL.
//
// A page whose origin the project does not allow is refused here already,
// so that its SDK stops before recording anything. Without an Origin header
// (same-origin GETs carry none) the configuration is served: it is not
// secret, and the batches are checked again.
func (s *Service) Config(ctx context.Context, publicKey, origin string) (*trailguide.SDKConfig, error) {
	p, err := s.project(ctx, publicKey)
	if err != nil {
		return nil, err
	}
	if origin != "" && !originAllowed(p.AllowedOrigins, origin) {
		return nil, errOrigin
	}
	fc, err := friction.ParseConfig(p.FrictionConfig)
	if err != nil {
		// Valid when saved; only a change of the rules gets here. The
		// defaults apply, as in the worker.
		s.logger.Warn("stored friction config invalid; using the defaults", "project", p.ID, "err", err)
		fc = friction.Default()
	}
	fj, err := json.Marshal(fc)
	if err != nil {
		return nil, fmt.Errorf("encode friction config: %w", err)
	}
	mask, err := privacy.ParseConfig(p.PrivacyConfig)
	if err != nil {
		// Valid when saved. Failing closed: strict, which masks everything a
		// broken rule could have been meant to mask.
		s.logger.Warn("stored privacy config invalid; using strict", "project", p.ID, "err", err)
		mask = privacy.Default()
		mask.Mode = trailguide.MaskStrict
	}
	return &trailguide.SDKConfig{
		Friction:   fj,
		SampleRate: 1,
		Mask:       mask,
	}, nil
}

// project looks a key up, through a short-lived cache: every batch needs
// its project, and projects change rarely. Unknown keys are not cached.
func (s *Service) project(ctx context.Context, key string) (*trailguide.Project, error) {
	if key == "" {
		return nil, trailguide.Errorf(trailguide.EUNAUTHORIZED, "Unauthorized.")
	}
	if trailguide.IsSecretKey(key) {
		// A secret API key pasted into a page snippet is already exposed;
		// say so plainly rather than with the bare 401.
		return nil, &trailguide.Error{Code: trailguide.EUNAUTHORIZED, Reason: "secret_key",
			Message: "Secret API keys are refused on ingest: use the project's public key, and revoke this secret key."}
	}
	now := s.cfg.Clock.Now()
	s.mu.Lock()
	c, ok := s.cache[key]
	s.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.p, nil
	}
	p, err := s.projects.ProjectByKey(ctx, key)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return nil, trailguide.Errorf(trailguide.EUNAUTHORIZED, "Unauthorized.")
	} else if err != nil {
		return nil, storeError("project by key", err)
	}
	s.mu.Lock()
	if len(s.cache) > 10000 {
		clear(s.cache) // crude bound; real deployments have a few keys
	}
	s.cache[key] = cachedProject{p: p, expires: now.Add(s.cfg.ProjectCacheTTL)}
	s.mu.Unlock()
	return p, nil
}

var errOrigin = &trailguide.Error{Code: trailguide.EFORBIDDEN, Reason: "origin",
	Message: "This page's origin is not in the project's allowed origins (project settings)."}

// originAllowed reports whether origin may send to a project restricted to
// allowed. An empty list allows every origin; "*" in it too.
func originAllowed(allowed []string, origin string) bool {
	if len(allowed) == 0 {
		return true
	}
	origin = strings.TrimSuffix(strings.TrimSpace(origin), "/")
	for _, a := range allowed {
		a = strings.TrimSuffix(strings.TrimSpace(a), "/")
		if a == "*" || (origin != "" && strings.EqualFold(a, origin)) {
			return true
		}
	}
	return false
}

// storeError keeps EUNAVAILABLE (and turns a deadline into it) so that the
// SDK retries; anything else is wrapped as is.
func storeError(op string, err error) error {
	if trailguide.ErrorCode(err) == trailguide.EUNAVAILABLE || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w (%w)", op, trailguide.Errorf(trailguide.EUNAVAILABLE, "Storage unavailable, retry later."), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
