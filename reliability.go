package trailguide

import (
	"context"
	"time"
)

// SeqGap is a run of seqs missing from a window's stream: batches the SDK
// numbered but that never arrived (dropped by the SDK, lost with a page).
// Seqs From..To (inclusive) are missing; AfterTS is the last event time
// before the gap (0 when the gap starts the window) and BeforeTS the first
// event time after it, both in ms on the client's clock.
type SeqGap struct {
	WindowID string `json:"window"`
	From     int64  `json:"from_seq"`
	To       int64  `json:"to_seq"`
	AfterTS  int64  `json:"after_ts"`
	BeforeTS int64  `json:"before_ts"`
}

// GapStore finds the gaps in a session's streams. It is derived from the
// stored batches when asked, so a late batch closes its gap.
type GapStore interface {
	Gaps(ctx context.Context, projectID, sessionID string) ([]SeqGap, error)
}

// ProjectLimits stop ingest for a project: Disabled refuses every batch,
// DailyBatchQuota (0 = unlimited) the batches beyond that many per UTC day.
// The SDK is told to stop (200 {"stop": true}) in both cases.
type ProjectLimits struct {
	Disabled        bool  `json:"disabled"`
	DailyBatchQuota int64 `json:"daily_batch_quota"`
}

// LimitStore keeps the ingest limits and the daily usage of projects.
type LimitStore interface {
	// ProjectLimits returns a project's limits (zero when none were set).
	ProjectLimits(ctx context.Context, projectID string) (ProjectLimits, error)
	SetProjectLimits(ctx context.Context, projectID string, l ProjectLimits) error
	// BatchesOn returns how many batches of the project were stored on the
	// UTC day of t.
	BatchesOn(ctx context.Context, projectID string, t time.Time) (int64, error)
}
