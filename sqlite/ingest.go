package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trailguide/trailguide"
	sqlite3 "modernc.org/sqlite/lib"
)

// writerStmts are the statements of the ingest hot path, prepared once on the
// writer connection and bound to each group transaction with tx.StmtContext.
type writerStmts struct {
	batchExists   *sql.Stmt
	batchInsert   *sql.Stmt
	usageAdd      *sql.Stmt
	sessionGet    *sql.Stmt
	sessionInsert *sql.Stmt
	sessionUpdate *sql.Stmt
	chunkInsert   *sql.Stmt
	eventInsert   *sql.Stmt
	erasedCheck   *sql.Stmt
	scrubUpsert   *sql.Stmt
}

func (db *DB) prepareWriter(ctx context.Context) error {
	prep := func(dst **sql.Stmt, query string) error {
		st, err := db.writer.PrepareContext(ctx, query)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", query, err)
		}
		*dst = st
		return nil
	}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&db.st.batchExists, `SELECT count(*) FROM batches WHERE project_id = ? AND session_id = ? AND window_id = ? AND seq = ?`},
		{&db.st.batchInsert, `INSERT INTO batches (project_id, session_id, window_id, seq, received_at, first_ts, last_ts, skew_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&db.st.usageAdd, `INSERT INTO project_usage (project_id, day, batches) VALUES (?, ?, 1)
			ON CONFLICT (project_id, day) DO UPDATE SET batches = batches + 1`},
		{&db.st.sessionGet, `SELECT ` + sessionColumns + ` FROM sessions WHERE project_id = ? AND id = ?`},
		{&db.st.sessionInsert, `INSERT INTO sessions (` + sessionColumns + `) VALUES (` + sessionPlaceholders + `)`},
		{&db.st.sessionUpdate, `UPDATE sessions SET (` + sessionColumns + `) = (` + sessionPlaceholders + `) WHERE project_id = ? AND id = ?`},
		{&db.st.chunkInsert, `INSERT INTO chunks (project_id, session_id, window_id, seq_from, seq_to, first_ts, last_ts,
			event_count, raw_bytes, stored_bytes, blob_key, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&db.st.eventInsert, `INSERT INTO events (project_id, session_id, window_id, seq, idx, type, ts, url,
			selector, text, x, y, name, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&db.st.erasedCheck, `SELECT count(*) FROM erased_sessions WHERE project_id = ? AND session_id = ?`},
		{&db.st.scrubUpsert, `INSERT INTO project_scrub_counts (project_id, kind, path, count, last_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (project_id, kind, path) DO UPDATE SET count = count + excluded.count, last_at = max(last_at, excluded.last_at)`},
	} {
		if err := prep(p.dst, p.query); err != nil {
			return err
		}
	}
	return nil
}

// IngestStore implements trailguide.IngestStore.
type IngestStore struct {
	db *DB
}

var _ trailguide.IngestStore = (*IngestStore)(nil)

// NewIngestStore returns the ingest store of db.
func NewIngestStore(db *DB) *IngestStore { return &IngestStore{db: db} }

// HasBatch reports whether the batch is committed; it reads through the
// reader pool and so sees only committed groups.
func (s *IngestStore) HasBatch(ctx context.Context, projectID, sessionID, windowID string, seq int64) (bool, error) {
	var n int
	err := s.db.reader.QueryRowContext(ctx,
		`SELECT count(*) FROM batches WHERE project_id = ? AND session_id = ? AND window_id = ? AND seq = ?`,
		projectID, sessionID, windowID, seq).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("has batch: %w", err)
	}
	return n > 0, nil
}

// SessionClock returns the skew kept with the session's batches (any of
// them: all but a race's loser carry the first batch's).
func (s *IngestStore) SessionClock(ctx context.Context, projectID, sessionID string) (int64, bool, error) {
	var skew sql.NullInt64
	err := s.db.reader.QueryRowContext(ctx,
		`SELECT skew_ms FROM batches WHERE project_id = ? AND session_id = ? AND skew_ms IS NOT NULL LIMIT 1`,
		projectID, sessionID).Scan(&skew)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("session clock: %w", err)
	}
	return skew.Int64, skew.Valid, nil
}

// CommitBatch commits b in the writer goroutine's next group transaction
// (see the package doc). It returns once the group is durable. A batch whose
// key is already committed, or was committed earlier in the same group, is a
// duplicate: nothing changes. The batch's own IDs are authoritative: the
// chunk, the events and the delta are stored under them.
func (s *IngestStore) CommitBatch(ctx context.Context, b *trailguide.IngestBatch) (duplicate bool, err error) {
	if err := validateBatch(b); err != nil {
		return false, err
	}
	var dup bool
	err = s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		dup, err = s.db.commitBatchTx(ctx, tx, b)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("commit batch %s/%s/%d: %w", b.SessionID, b.WindowID, b.Seq, err)
	}
	return dup, nil
}

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
	for i, e := range b.Events {
		if e == nil || e.Type == "" {
			return trailguide.Invalid(fmt.Sprintf("signals[%d].type", i), "Event type required.")
		}
		if len(e.Data) > 0 && !json.Valid(e.Data) {
			return trailguide.Invalid(fmt.Sprintf("signals[%d]", i), "Event data is not valid JSON.")
		}
	}
	return nil
}

// commitBatchTx runs inside the batch's savepoint.
func (db *DB) commitBatchTx(ctx context.Context, tx *sql.Tx, b *trailguide.IngestBatch) (duplicate bool, err error) {
	var n int
	if err := tx.StmtContext(ctx, db.st.batchExists).QueryRowContext(ctx,
		b.ProjectID, b.SessionID, b.WindowID, b.Seq).Scan(&n); err != nil {
		return false, fmt.Errorf("check batch: %w", err)
	} else if n > 0 {
		return true, nil
	}
	// An erased session stays erased: checked in the same transaction as
	// the commit, so no batch slips in between an erasure and its tombstone.
	if err := tx.StmtContext(ctx, db.st.erasedCheck).QueryRowContext(ctx, b.ProjectID, b.SessionID).Scan(&n); err != nil {
		return false, fmt.Errorf("check erased: %w", err)
	} else if n > 0 {
		return false, trailguide.ErrSessionErased
	}

	d := b.Delta
	d.ProjectID, d.SessionID = b.ProjectID, b.SessionID
	row, found, err := loadSessionTx(ctx, tx, db.st.sessionGet, b.ProjectID, b.SessionID)
	if err != nil {
		return false, err
	}
	row = mergeDelta(row, &d)
	args, err := row.args()
	if err != nil {
		return false, err
	}
	if found {
		_, err = tx.StmtContext(ctx, db.st.sessionUpdate).ExecContext(ctx, append(args, b.ProjectID, b.SessionID)...)
	} else {
		_, err = tx.StmtContext(ctx, db.st.sessionInsert).ExecContext(ctx, args...)
	}
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) {
		return false, trailguide.Invalid("project_id", "Unknown project.")
	} else if err != nil {
		return false, fmt.Errorf("save session: %w", err)
	}

	if _, err := tx.StmtContext(ctx, db.st.batchInsert).ExecContext(ctx,
		b.ProjectID, b.SessionID, b.WindowID, b.Seq, ms(d.ReceivedAt), b.ClientFirstTS, b.ClientLastTS, b.Skew); err != nil {
		return false, fmt.Errorf("insert batch: %w", err)
	}
	if _, err := tx.StmtContext(ctx, db.st.usageAdd).ExecContext(ctx, b.ProjectID, utcDay(d.ReceivedAt)); err != nil {
		return false, fmt.Errorf("count batch: %w", err)
	}

	if c := b.Chunk; c != nil {
		_, err := tx.StmtContext(ctx, db.st.chunkInsert).ExecContext(ctx,
			b.ProjectID, b.SessionID, b.WindowID, c.SeqFrom, c.SeqTo, c.FirstTS, c.LastTS,
			c.EventCount, c.RawBytes, c.StoredBytes, c.BlobKey, nullBytes(c.Data))
		if isUnique(err) {
			return false, trailguide.Invalid("chunk", "A chunk starting at seq %d already exists.", c.SeqFrom)
		} else if err != nil {
			return false, fmt.Errorf("insert chunk: %w", err)
		}
	}

	if len(b.Scrubbed) > 0 {
		up := tx.StmtContext(ctx, db.st.scrubUpsert)
		for _, sc := range b.Scrubbed {
			if _, err := up.ExecContext(ctx, b.ProjectID, sc.Kind, sc.Path, sc.Count, ms(d.ReceivedAt)); err != nil {
				return false, fmt.Errorf("count scrubbed: %w", err)
			}
		}
	}

	if len(b.Events) > 0 {
		ins := tx.StmtContext(ctx, db.st.eventInsert)
		for _, e := range b.Events {
			var data any
			if len(e.Data) > 0 {
				data = string(e.Data)
			}
			_, err := ins.ExecContext(ctx, b.ProjectID, b.SessionID, b.WindowID, b.Seq, e.Index,
				e.Type, ms(e.Time), e.URL, e.Selector, e.Text, e.X, e.Y, e.Name, data)
			if isUnique(err) {
				return false, trailguide.Invalid("signals", "Duplicate event index %d.", e.Index)
			} else if err != nil {
				return false, fmt.Errorf("insert event %d: %w", e.Index, err)
			}
		}
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
