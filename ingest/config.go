// Package ingest accepts SDK batches (wire protocol v1): it decodes them
// under size limits, validates them with machine-readable reasons, corrects
// the client's clock skew for the index, deduplicates retries, writes the
// rrweb events as a durable recording chunk and then commits the batch's
// index rows (chunk, analytics events, session delta) in one store
// transaction. It depends on the root interfaces only.
package ingest

import (
	"time"

	"github.com/trailguide/trailguide"
)

// Config holds the limits of the ingest path. Zero fields take the defaults
// documented on each field.
type Config struct {
	// MaxCompressedBytes bounds the body as received (1 MiB). httpapi reads
	// the body under this limit too; the service checks again.
	MaxCompressedBytes int64
	// MaxDecompressedBytes bounds the JSON after gunzip (16 MiB).
	// Decompression stops one byte past it, so a gzip bomb costs at most
	// this much memory.
	MaxDecompressedBytes int64
	// MaxEvents bounds the rrweb events of one batch (20000).
	MaxEvents int
	// MaxSignals bounds the analytics events of one batch (2000).
	MaxSignals int
	// Longer strings are truncated (at a UTF-8 boundary), not rejected: a
	// long URL is no reason to lose a batch. URLs (2048), selectors (512),
	// element text (200).
	MaxURLLen      int
	MaxSelectorLen int
	MaxTextLen     int
	// Event and signal times must lie in [sent_at - MaxPast, sent_at +
	// MaxFuture] on the client's clock (24 h, 1 h).
	MaxPast   time.Duration
	MaxFuture time.Duration
	// MaxClockSkew is how far sent_at may be from the server's clock before
	// the batch is rejected as implausible (7 days). Within it, skew above
	// SkewThreshold (2 s) is corrected.
	MaxClockSkew  time.Duration
	SkewThreshold time.Duration
	// ActiveGap is the longest pause between two user actions that still
	// counts as active time (5 s).
	ActiveGap time.Duration
	// ProjectCacheTTL is how long a project looked up by key is reused (10
	// s): every batch needs it, and it changes rarely.
	ProjectCacheTTL time.Duration
	// MaxConcurrent bounds the batches being decoded and committed at once
	// (64); a batch that finds no room within BusyWait (1 s) is refused with
	// EUNAVAILABLE (503 + Retry-After), so overload is shed instead of
	// queueing without bound in memory and latency.
	MaxConcurrent int
	BusyWait      time.Duration
	// Clock defaults to trailguide.SystemClock.
	Clock trailguide.Clock
}

func (c Config) withDefaults() Config {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxCompressedBytes, 1<<20)
	def(&c.MaxDecompressedBytes, 16<<20)
	defInt(&c.MaxEvents, 20000)
	defInt(&c.MaxSignals, 2000)
	defInt(&c.MaxURLLen, 2048)
	defInt(&c.MaxSelectorLen, 512)
	defInt(&c.MaxTextLen, 200)
	defDur(&c.MaxPast, 24*time.Hour)
	defDur(&c.MaxFuture, time.Hour)
	defDur(&c.MaxClockSkew, 7*24*time.Hour)
	defDur(&c.SkewThreshold, 2*time.Second)
	defDur(&c.ActiveGap, 5*time.Second)
	defDur(&c.ProjectCacheTTL, 10*time.Second)
	defInt(&c.MaxConcurrent, 64)
	defDur(&c.BusyWait, time.Second)
	if c.Clock == nil {
		c.Clock = trailguide.SystemClock{}
	}
	return c
}
