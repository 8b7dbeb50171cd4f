package trailguide

import (
	"context"
	"time"
)

// ScrubCount is what the server's scrubber (package scrub) replaced in one
// batch: Count catches of Kind ("email", "card", "jwt", "bearer", "url")
// on pages under Path (the batch's page path, digits-bearing segments
// generalised to "*").
type ScrubCount struct {
	Kind  string
	Path  string
	Count int
}

// ScrubKindStats is one kind's total in a project.
type ScrubKindStats struct {
	Kind   string    `json:"kind"`
	Count  int64     `json:"count"`
	LastAt time.Time `json:"last_at,omitzero"`
}

// ScrubSource is where a project's catches come from: a page path and kind.
type ScrubSource struct {
	Path   string    `json:"path"`
	Kind   string    `json:"kind"`
	Count  int64     `json:"count"`
	LastAt time.Time `json:"last_at"`
}

// PrivacyReport is what GET /api/v1/projects/{pid}/privacy shows: every
// kind (zero counts included, in scrub.Kinds order) and the top sources.
type PrivacyReport struct {
	Total   int64            `json:"total"`
	LastAt  time.Time        `json:"last_at,omitzero"`
	Kinds   []ScrubKindStats `json:"kinds"`
	Sources []ScrubSource    `json:"sources"`
}

// PrivacyStore reads the scrubber's counts.
type PrivacyStore interface {
	// ScrubStats returns a project's counts per kind (only kinds with
	// catches) and its top sources by count, at most limit.
	ScrubStats(ctx context.Context, projectID string, limit int) (kinds []ScrubKindStats, sources []ScrubSource, err error)
}

// ErrSessionErased is returned by IngestStore.CommitBatch for a batch of a
// session erased on request: the batch is dropped and the SDK told to stop.
var ErrSessionErased = &Error{Code: EFORBIDDEN, Message: "Session erased.", Reason: "erased"}

// RetentionSetter changes a project's retention (0: the default).
type RetentionSetter interface {
	SetRetentionDays(ctx context.Context, projectID string, days int) error
}

// DefaultRetentionDays is the retention of a project whose RetentionDays is
// 0; MaxRetentionDays bounds what an admin can set.
const (
	DefaultRetentionDays = 30
	MaxRetentionDays     = 3650
)

// EffectiveRetentionDays is p's retention in days.
func (p *Project) EffectiveRetentionDays() int {
	if p.RetentionDays <= 0 {
		return DefaultRetentionDays
	}
	return p.RetentionDays
}

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job kinds: what an erasure job erases.
const (
	JobEraseUser    = "erase_user"    // every session of one identified user (UserID)
	JobEraseVisitor = "erase_visitor" // every session of one browser (VisitorID)
	JobEraseSession = "erase_session" // one session (SessionID)
)

// Job is a background erasure in a project: every session of one
// identified user, every session of one visitor id, or one session.
type Job struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"` // JobEraseUser, JobEraseVisitor, JobEraseSession
	ProjectID  string    `json:"project_id"`
	UserID     string    `json:"user_id,omitempty"`
	VisitorID  string    `json:"visitor_id,omitempty"`
	SessionID  string    `json:"session_id,omitempty"`
	Status     string    `json:"status"`
	Sessions   int       `json:"sessions"`
	Events     int       `json:"events"`
	Chunks     int       `json:"chunks"`
	Blobs      int       `json:"blobs"`
	Error      string    `json:"error,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// DeletedSessions is what deleting sessions from the index removed: the
// counts of rows and the keys of the blobs that the caller must delete next
// (compacted chunks; staged chunks went with their rows).
type DeletedSessions struct {
	SessionIDs []string
	Sessions   int
	Events     int
	Chunks     int
	BlobKeys   []string
}

// RetentionStore is what the worker needs to enforce retention and
// erasure. Index rows are deleted first, in one transaction per call, and
// blobs after: a crash in between leaves blobs no session row points to,
// which SessionExists lets the orphan sweep find.
type RetentionStore interface {
	// DeleteSessionsBefore deletes up to limit sessions of a project whose
	// last batch arrived before t, with their batches, chunks and events.
	DeleteSessionsBefore(ctx context.Context, projectID string, t time.Time, limit int) (*DeletedSessions, error)
	// SessionExists reports whether a session row exists.
	SessionExists(ctx context.Context, projectID, sessionID string) (bool, error)
	// ChunkAssets returns the asset ids referenced by a project's compacted
	// chunks, and the chunks whose references are not known yet (compacted
	// before references were recorded), for the caller to read and record
	// with SetChunkAssets.
	ChunkAssets(ctx context.Context, projectID string) (ids map[string]bool, unknown []*Chunk, err error)
	// SetChunkAssets records a chunk's references; nil marks them unknown.
	SetChunkAssets(ctx context.Context, c *Chunk, ids []string) error
}

// ErasureStore keeps erasure jobs and the tombstones of erased sessions.
type ErasureStore interface {
	CreateJob(ctx context.Context, j *Job) error
	// Job returns ENOTFOUND when id is unknown.
	Job(ctx context.Context, id string) (*Job, error)
	// ClaimJob moves a job from queued (or running and claimed before
	// staleBefore, its runner presumed dead) to running; false when another
	// runner has it or it is finished.
	ClaimJob(ctx context.Context, id string, now, staleBefore time.Time) (bool, error)
	// PendingJobs returns the ids of jobs not finished.
	PendingJobs(ctx context.Context, limit int) ([]string, error)
	FinishJob(ctx context.Context, j *Job) error
	// EraseUserSessions, in one transaction, records a tombstone for every
	// session of userID in the project, and every anonymous session (no
	// user id) of a visitor id userID was seen with (so that batches
	// arriving later for them are dropped at commit), and deletes them with
	// their batches, chunks and events. Sessions of other users are kept.
	EraseUserSessions(ctx context.Context, jobID, projectID, userID string) (*DeletedSessions, error)
	// EraseVisitorSessions, in one transaction, tombstones and deletes
	// every session of visitorID in the project, identified or not: a
	// browser's data whoever was logged in.
	EraseVisitorSessions(ctx context.Context, jobID, projectID, visitorID string) (*DeletedSessions, error)
	// EraseSession tombstones and deletes one session; erasing a session
	// that does not exist records its tombstone and deletes nothing.
	EraseSession(ctx context.Context, jobID, projectID, sessionID string) (*DeletedSessions, error)
	// TombstonedSessions returns the sessions a job erased.
	TombstonedSessions(ctx context.Context, jobID string) ([]string, error)
}

// ErasureService starts and reads erasures (DELETE
// /api/v1/projects/{pid}/users/{userId}, `trailguide erase`).
type ErasureService interface {
	// EraseUser queues the erasure of every session of userID in the
	// project, starts it, and returns the job as queued.
	EraseUser(ctx context.Context, projectID, userID string) (*Job, error)
	// EraseVisitor erases every session of one visitor id
	// (DELETE /api/v1/projects/{pid}/visitors/{visitorId}).
	EraseVisitor(ctx context.Context, projectID, visitorID string) (*Job, error)
	// EraseSession erases one session
	// (DELETE /api/v1/projects/{pid}/sessions/{sid}).
	EraseSession(ctx context.Context, projectID, sessionID string) (*Job, error)
	Job(ctx context.Context, id string) (*Job, error)
}
