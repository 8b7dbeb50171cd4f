package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
	"github.com/trailguide/trailguide/metrics"
	"github.com/trailguide/trailguide/sqlite"
)

// newLogger is serve's logger: text (key=value) or one JSON object per
// line, at level.
func newLogger(format string, level slog.Level, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newMetrics registers the figures the stores expose (the SQLite writer's
// queue and failures) next to the ones the code feeds, and wraps blobs so
// that their failures are counted.
func newMetrics(store io.Closer, blobs trailguide.BlobStore) (*metrics.Metrics, trailguide.BlobStore) {
	m := metrics.New()
	db, ok := store.(*sqlite.DB)
	if !ok { // PostgreSQL has no single writer to watch
		return m, m.Blobs(blobs)
	}
	m.GaugeFunc("trailguide_store_write_queue_depth",
		"Write operations waiting for the SQLite writer (ingest batches among them); the queue holds 512.",
		func() float64 { return float64(db.Stats().QueueDepth) })
	m.CounterFunc("trailguide_store_write_groups_total",
		"Group transactions the SQLite writer committed.",
		func() float64 { return float64(db.Stats().Groups) })
	m.CounterFunc("trailguide_store_write_failures_total",
		"Group transactions the SQLite writer failed as a whole (disk full, I/O errors, busy).",
		func() float64 { return float64(db.Stats().Failures) })
	m.CounterFunc("trailguide_store_write_shed_total",
		"Writes refused because the writer's queue stayed full (answered 503 + Retry-After).",
		func() float64 { return float64(db.Stats().Shed) })
	return m, m.Blobs(blobs)
}

// readyChecks are GET /readyz's checks: the database reads and its writer
// commits, and the blob store takes, returns and deletes a probe blob.
func readyChecks(store io.Closer, blobs trailguide.BlobStore) []httpapi.ReadyCheck {
	pinger, _ := store.(interface{ Ping(context.Context) error })
	return []httpapi.ReadyCheck{
		{Name: "store", Check: func(ctx context.Context) error {
			if pinger == nil {
				return nil
			}
			return pinger.Ping(ctx)
		}},
		{Name: "blobs", Check: func(ctx context.Context) error { return probeBlobs(ctx, blobs) }},
	}
}

// probeKey is outside every project's prefix (project ids have no "_").
const probeKey = "_readyz/probe"

func probeBlobs(ctx context.Context, blobs trailguide.BlobStore) error {
	want := []byte("trailguide readiness probe")
	if err := blobs.Put(ctx, probeKey, want); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	rc, err := blobs.Get(ctx, probeKey)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("probe blob came back different")
	}
	if err := blobs.Delete(ctx, probeKey); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}
