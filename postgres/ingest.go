package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/trailguide/trailguide"
)

// IngestStore implements trailguide.IngestStore.
type IngestStore struct {
	db *DB
}

var _ trailguide.IngestStore = (*IngestStore)(nil)

// NewIngestStore returns the ingest store of db.
func NewIngestStore(db *DB) *IngestStore { return &IngestStore{db: db} }

// usageShards is how many rows share a project's daily batch count.
const usageShards = 16

// utcDay numbers the UTC day of t (days since the epoch).
func utcDay(t time.Time) int64 { return t.UTC().Unix() / 86400 }

// HasBatch reports whether the batch is committed.
func (s *IngestStore) HasBatch(ctx context.Context, projectID, sessionID, windowID string, seq int64) (bool, error) {
	var n int
	err := s.db.pool.QueryRow(ctx, `SELECT count(*) FROM batches WHERE project_id = $1 AND session_id = $2
		AND window_id = $3 AND seq = $4`, projectID, sessionID, windowID, seq).Scan(&n)
	if err != nil {
		return false, storageError("has batch", err)
	}
	return n > 0, nil
}

// SessionClock returns the skew kept with the session's batches (any of
// them: all but a race's loser carry the first batch's).
func (s *IngestStore) SessionClock(ctx context.Context, projectID, sessionID string) (int64, bool, error) {
	var skew *int64
	err := s.db.pool.QueryRow(ctx, `SELECT skew_ms FROM batches WHERE project_id = $1 AND session_id = $2
		AND skew_ms IS NOT NULL LIMIT 1`, projectID, sessionID).Scan(&skew)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, storageError("session clock", err)
	}
	return *skew, true, nil
}

// CommitBatch commits b in one transaction and returns once it is durable.
// Any number of nodes may commit batches of one session at once: the
// session row is locked (SELECT … FOR UPDATE) for the merge, and the batch
// row, inserted under that lock, is the dedupe key, so a batch sent to two
// nodes is committed once and the other commit reports a duplicate.
func (s *IngestStore) CommitBatch(ctx context.Context, b *trailguide.IngestBatch) (duplicate bool, err error) {
	if err := validateBatch(b); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	d := b.Delta
	d.ProjectID, d.SessionID = b.ProjectID, b.SessionID
	recv := ms(d.ReceivedAt)
	if len(b.Events) > 0 {
		if err := s.db.ensurePartition(ctx, recv); err != nil {
			return false, err
		}
	}
	var dup bool
	for attempt := 0; ; attempt++ {
		err = s.db.tx(ctx, func(tx pgx.Tx) error {
			var err error
			dup, err = s.db.commitBatchTx(ctx, tx, b, &d, recv)
			if dup && err == nil {
				return errDuplicate // roll back the placeholder session row, if any
			}
			return err
		})
		// The session row was deleted (erased, or expired) between the
		// insert that found it and the lock: once more, which then sees
		// the tombstone or creates the session anew.
		if !errors.Is(err, errSessionGone) || attempt == 2 {
			break
		}
	}
	if errors.Is(err, errDuplicate) {
		return true, nil
	}
	if err != nil {
		return false, storageError(fmt.Sprintf("commit batch %s/%s/%d", b.SessionID, b.WindowID, b.Seq), err)
	}
	return false, nil
}

var (
	errDuplicate   = errors.New("duplicate batch")
	errSessionGone = errors.New("session deleted while being locked")
)

func validateBatch(b *trailguide.IngestBatch) error {
	switch {
	case b == nil:
		return trailguide.Invalid("batch", "Batch required.")
	case b.ProjectID == "":
		return trailguide.Invalid("project_id", "Project required.")
	case b.SessionID == "":
		return trailguide.Invalid("session", "Session required.")
	case b.WindowID == "":
		return trailguide.Invalid("window", "Window required.")
	case b.Seq < 0:
		return trailguide.Invalid("seq", "Sequence number must not be negative.")
	}
	if c := b.Chunk; c != nil && ((c.BlobKey == "") == (len(c.Data) == 0) || c.SeqTo < c.SeqFrom) {
		return trailguide.Invalid("chunk", "Chunk needs either staged data or a blob key, and seq_from <= seq_to.")
	}
	seen := make(map[int]bool, len(b.Events))
	for i, e := range b.Events {
		if e == nil || e.Type == "" {
			return trailguide.Invalid(fmt.Sprintf("signals[%d].type", i), "Event type required.")
		}
		if len(e.Data) > 0 && !json.Valid(e.Data) {
			return trailguide.Invalid(fmt.Sprintf("signals[%d]", i), "Event data is not valid JSON.")
		}
		// The events' key includes the partition column, so the database
		// would not catch a repeated index: checked here.
		if seen[e.Index] {
			return trailguide.Invalid("signals", "Duplicate event index %d.", e.Index)
		}
		seen[e.Index] = true
	}
	return nil
}

const eventInsert = `INSERT INTO events (project_id, session_id, window_id, seq, idx, type, ts, url,
	selector, text, x, y, name, data, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`

func eventArgs(projectID, sessionID string, e *trailguide.Event, windowID string, seq, recv int64) []any {
	var data any
	if len(e.Data) > 0 {
		data = string(e.Data)
	}
	return []any{projectID, sessionID, windowID, seq, e.Index, e.Type, ms(e.Time), e.URL, e.Selector, e.Text,
		e.X, e.Y, e.Name, data, recv}
}

// commitBatchTx: one pipelined round trip locks (or creates) the session
// row and inserts the batch row, a second writes the merged session, the
// chunk, the events and the counters.
func (db *DB) commitBatchTx(ctx context.Context, tx pgx.Tx, b *trailguide.IngestBatch, d *trailguide.SessionDelta, recv int64) (bool, error) {
	var erased int
	var row *sessionRow
	var inserted int64

	first := &pgx.Batch{}
	first.Queue(`INSERT INTO sessions (project_id, id, first_batch_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		b.ProjectID, b.SessionID, recv)
	first.Queue(`SELECT `+sessionColumns+` FROM sessions WHERE project_id = $1 AND id = $2 FOR UPDATE`,
		b.ProjectID, b.SessionID).QueryRow(func(r pgx.Row) error {
		var err error
		row, err = scanSession(r)
		return err
	})
	// An erased session stays erased: checked under the session's row
	// lock, so an erasure committing meanwhile (it deletes the row, which
	// the insert above waits for) is seen by this statement's snapshot.
	first.Queue(`SELECT count(*) FROM erased_sessions WHERE project_id = $1 AND session_id = $2`,
		b.ProjectID, b.SessionID).QueryRow(func(r pgx.Row) error { return r.Scan(&erased) })
	first.Queue(`INSERT INTO batches (project_id, session_id, window_id, seq, received_at, first_ts, last_ts, skew_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		b.ProjectID, b.SessionID, b.WindowID, b.Seq, recv, b.ClientFirstTS, b.ClientLastTS, b.Skew).Exec(
		func(tag pgconn.CommandTag) error { inserted = tag.RowsAffected(); return nil })
	if err := tx.SendBatch(ctx, first).Close(); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return false, errSessionGone
		}
		if isForeignKey(err) {
			return false, trailguide.Invalid("project_id", "Unknown project.")
		}
		return false, fmt.Errorf("lock session: %w", err)
	}
	if erased > 0 {
		return false, trailguide.ErrSessionErased
	}
	if inserted == 0 {
		return true, nil
	}

	row = mergeDelta(row, d)
	args, err := row.args()
	if err != nil {
		return false, err
	}
	second := &pgx.Batch{}
	n := sessionSetN
	second.Queue(`UPDATE sessions SET `+sessionSet+fmt.Sprintf(`, first_batch_at = LEAST(first_batch_at, $%d)
		WHERE project_id = $%d AND id = $%d`, n+1, n+2, n+3), append(args[2:], recv, b.ProjectID, b.SessionID)...)
	if c := b.Chunk; c != nil {
		second.Queue(`INSERT INTO chunks (project_id, session_id, window_id, seq_from, seq_to, first_ts, last_ts,
			event_count, raw_bytes, stored_bytes, blob_key, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			b.ProjectID, b.SessionID, b.WindowID, c.SeqFrom, c.SeqTo, c.FirstTS, c.LastTS,
			c.EventCount, c.RawBytes, c.StoredBytes, c.BlobKey, nullBytes(c.Data))
	}
	for _, e := range b.Events {
		second.Queue(eventInsert, eventArgs(b.ProjectID, b.SessionID, e, b.WindowID, b.Seq, recv)...)
	}
	for _, sc := range b.Scrubbed {
		second.Queue(`INSERT INTO project_scrub_counts (project_id, kind, path, count, last_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (project_id, kind, path) DO UPDATE SET count = project_scrub_counts.count + excluded.count,
			last_at = GREATEST(project_scrub_counts.last_at, excluded.last_at)`, b.ProjectID, sc.Kind, sc.Path, sc.Count, recv)
	}
	// Last, so that the row lock of the counter is held the shortest.
	second.Queue(`INSERT INTO project_usage (project_id, day, shard, batches) VALUES ($1, $2, $3, 1)
		ON CONFLICT (project_id, day, shard) DO UPDATE SET batches = project_usage.batches + 1`,
		b.ProjectID, utcDay(d.ReceivedAt), rand.IntN(usageShards))
	if err := tx.SendBatch(ctx, second).Close(); err != nil {
		if isUnique(err) {
			return false, trailguide.Invalid("chunk", "A chunk starting at seq %d already exists.", b.Chunk.SeqFrom)
		}
		return false, fmt.Errorf("write batch: %w", err)
	}
	return false, nil
}

// nullBytes stores an empty chunk payload as NULL.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
