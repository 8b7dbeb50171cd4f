package worker

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/trailguide/trailguide"
)

// JobEraseUser is the kind of a user erasure job (trailguide.JobEraseUser).
const JobEraseUser = trailguide.JobEraseUser

// staleJobAfter is when a running job whose runner went silent (a process
// that died mid-job) may be claimed again.
const staleJobAfter = 10 * time.Minute

var _ trailguide.ErasureService = (*Eraser)(nil)

// Eraser runs erasure jobs: every session of one identified user of a
// project, every session of one visitor id, or one session; index rows and
// blobs. A job runs at once in the process that
// queued it; the worker's loop also runs pending jobs, which picks up a job
// whose process died (after staleJobAfter). Running a job twice is
// harmless: each step is idempotent.
//
// A session still receiving batches is erased like the others, and its
// tombstone (written in the same transaction as the delete) makes ingest
// drop every later batch of it, inside the commit transaction: nothing of
// it is stored again, and the SDK is told to stop.
type Eraser struct {
	store  trailguide.ErasureStore
	blobs  trailguide.BlobStore
	clock  trailguide.Clock
	logger *slog.Logger
	// done, when set, is called when a job started by EraseUser ends (tests).
	done func(*trailguide.Job)
}

// NewEraser returns an Eraser.
func NewEraser(store trailguide.ErasureStore, blobs trailguide.BlobStore, clock trailguide.Clock, logger *slog.Logger) *Eraser {
	if clock == nil {
		clock = trailguide.SystemClock{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Eraser{store: store, blobs: blobs, clock: clock, logger: logger.WithGroup("erase")}
}

// Queue records a queued user erasure job without running it.
func (e *Eraser) Queue(ctx context.Context, projectID, userID string) (*trailguide.Job, error) {
	return e.QueueKind(ctx, trailguide.JobEraseUser, projectID, userID)
}

// QueueKind records a queued erasure job of kind (trailguide.JobEraseUser,
// JobEraseVisitor or JobEraseSession) for target (the user, visitor or
// session id) without running it.
func (e *Eraser) QueueKind(ctx context.Context, kind, projectID, target string) (*trailguide.Job, error) {
	j := &trailguide.Job{Kind: kind, ProjectID: projectID, Status: trailguide.JobQueued, CreatedAt: e.clock.Now()}
	switch kind {
	case trailguide.JobEraseUser:
		if target == "" || len(target) > 256 || !utf8.ValidString(target) {
			return nil, trailguide.Invalid("user_id", "User id must be 1-256 bytes of UTF-8.")
		}
		j.UserID = target
	case trailguide.JobEraseVisitor:
		if !trailguide.ValidID(target) {
			return nil, trailguide.Invalid("visitor_id", "Visitor id must be 8-64 characters of A-Z, a-z, 0-9, _ and -.")
		}
		j.VisitorID = target
	case trailguide.JobEraseSession:
		if !trailguide.ValidID(target) {
			return nil, trailguide.Invalid("session_id", "Session id must be 8-64 characters of A-Z, a-z, 0-9, _ and -.")
		}
		j.SessionID = target
	default:
		return nil, trailguide.Invalid("kind", "Unknown erasure kind %q.", kind)
	}
	if err := e.store.CreateJob(ctx, j); err != nil {
		return nil, err
	}
	e.logger.Info("erasure queued", "job", j.ID, "kind", kind, "project", projectID)
	return j, nil
}

// EraseUser queues the erasure of a user's sessions and starts it in the
// background.
func (e *Eraser) EraseUser(ctx context.Context, projectID, userID string) (*trailguide.Job, error) {
	return e.start(ctx, trailguide.JobEraseUser, projectID, userID)
}

// EraseVisitor queues the erasure of a visitor id's sessions and starts it
// in the background.
func (e *Eraser) EraseVisitor(ctx context.Context, projectID, visitorID string) (*trailguide.Job, error) {
	return e.start(ctx, trailguide.JobEraseVisitor, projectID, visitorID)
}

// EraseSession queues the erasure of one session and starts it in the
// background.
func (e *Eraser) EraseSession(ctx context.Context, projectID, sessionID string) (*trailguide.Job, error) {
	return e.start(ctx, trailguide.JobEraseSession, projectID, sessionID)
}

func (e *Eraser) start(ctx context.Context, kind, projectID, target string) (*trailguide.Job, error) {
	j, err := e.QueueKind(ctx, kind, projectID, target)
	if err != nil {
		return nil, err
	}
	queued := *j
	go func() {
		done, err := e.Run(context.WithoutCancel(ctx), j.ID)
		if err != nil {
			e.logger.Error("erasure", "job", j.ID, "err", err)
		}
		if e.done != nil {
			e.done(done)
		}
	}()
	return &queued, nil
}

// Job returns a job's status.
func (e *Eraser) Job(ctx context.Context, id string) (*trailguide.Job, error) {
	return e.store.Job(ctx, id)
}

// Run runs job id unless another runner has it; it returns the job as it
// ends (or as it is, when not claimed). A failure is stored in the job
// (status failed, a short error) and returned.
func (e *Eraser) Run(ctx context.Context, id string) (*trailguide.Job, error) {
	now := e.clock.Now()
	ok, err := e.store.ClaimJob(ctx, id, now, now.Add(-staleJobAfter))
	if err != nil {
		return nil, err
	}
	j, err := e.store.Job(ctx, id)
	if err != nil || !ok {
		return j, err
	}
	runErr := e.erase(ctx, j)
	j.FinishedAt = e.clock.Now()
	j.Status = trailguide.JobDone
	if runErr != nil {
		j.Status = trailguide.JobFailed
		j.Error = "Erasure failed; the index rows already deleted stay deleted, and the next retention pass deletes their remaining blobs."
	}
	if err := e.store.FinishJob(context.WithoutCancel(ctx), j); err != nil {
		return j, err
	}
	e.logger.Info("erasure finished", "job", j.ID, "status", j.Status, "sessions", j.Sessions,
		"events", j.Events, "chunks", j.Chunks, "blobs", j.Blobs)
	return j, runErr
}

// erase deletes the job's sessions from the index (with tombstones), then
// every blob under those sessions' prefixes. Counts add to the job's, so a
// re-run after a crash reports the total.
func (e *Eraser) erase(ctx context.Context, j *trailguide.Job) error {
	var d *trailguide.DeletedSessions
	var err error
	switch j.Kind {
	case trailguide.JobEraseVisitor:
		d, err = e.store.EraseVisitorSessions(ctx, j.ID, j.ProjectID, j.VisitorID)
	case trailguide.JobEraseSession:
		d, err = e.store.EraseSession(ctx, j.ID, j.ProjectID, j.SessionID)
	default:
		d, err = e.store.EraseUserSessions(ctx, j.ID, j.ProjectID, j.UserID)
	}
	if err != nil {
		return fmt.Errorf("erase index rows: %w", err)
	}
	j.Sessions += d.Sessions
	j.Events += d.Events
	j.Chunks += d.Chunks
	erased, err := e.store.TombstonedSessions(ctx, j.ID)
	if err != nil {
		return err
	}
	keys, err := sessionBlobs(ctx, e.blobs, j.ProjectID, erased)
	if err != nil {
		return err
	}
	for _, k := range d.BlobKeys { // normally under the prefixes already
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	n, err := deleteBlobs(ctx, e.blobs, keys)
	j.Blobs += n
	return err
}

// RunPending runs every queued job and every running job whose runner went
// silent. It returns how many it ran.
func (e *Eraser) RunPending(ctx context.Context) (int, error) {
	ids, err := e.store.PendingJobs(ctx, 100)
	if err != nil {
		return 0, err
	}
	ran := 0
	for _, id := range ids {
		j, err := e.Run(ctx, id)
		if err != nil {
			e.logger.Error("erasure", "job", id, "err", err)
		}
		if j != nil && (j.Status == trailguide.JobDone || j.Status == trailguide.JobFailed) && !j.FinishedAt.IsZero() {
			ran++
		}
	}
	return ran, nil
}
