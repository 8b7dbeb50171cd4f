package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
)

var (
	_ trailguide.PrivacyStore    = (*SessionStore)(nil)
	_ trailguide.RetentionStore  = (*SessionStore)(nil)
	_ trailguide.ErasureStore    = (*SessionStore)(nil)
	_ trailguide.RetentionSetter = (*ProjectStore)(nil)
)

// SetRetentionDays sets a project's retention; 0 means the default.
func (s *ProjectStore) SetRetentionDays(ctx context.Context, projectID string, days int) error {
	if days < 0 || days > trailguide.MaxRetentionDays {
		return trailguide.Invalid("retention_days", "Retention must be 0 (the default, %d days) to %d days.",
			trailguide.DefaultRetentionDays, trailguide.MaxRetentionDays)
	}
	if err := s.setColumn(ctx, projectID, "retention_days", days); err != nil {
		return fmt.Errorf("set retention: %w", err)
	}
	return nil
}

// ScrubStats returns the scrubber's counts of a project.
func (s *SessionStore) ScrubStats(ctx context.Context, projectID string, limit int) ([]trailguide.ScrubKindStats, []trailguide.ScrubSource, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT kind, sum(count)::bigint, max(last_at) FROM project_scrub_counts
		WHERE project_id = ? GROUP BY kind ORDER BY kind`, projectID)
	if err != nil {
		return nil, nil, fmt.Errorf("scrub stats: %w", err)
	}
	defer rows.Close()
	kinds := []trailguide.ScrubKindStats{}
	for rows.Next() {
		var k trailguide.ScrubKindStats
		var last int64
		if err := rows.Scan(&k.Kind, &k.Count, &last); err != nil {
			return nil, nil, fmt.Errorf("scrub stats: %w", err)
		}
		k.LastAt = fromMS(last)
		kinds = append(kinds, k)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("scrub stats: %w", err)
	}
	srows, err := s.db.reader().QueryContext(ctx, `SELECT path, kind, count, last_at FROM project_scrub_counts
		WHERE project_id = ? ORDER BY count DESC, last_at DESC, path, kind LIMIT ?`, projectID, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("scrub sources: %w", err)
	}
	defer srows.Close()
	sources := []trailguide.ScrubSource{}
	for srows.Next() {
		var src trailguide.ScrubSource
		var last int64
		if err := srows.Scan(&src.Path, &src.Kind, &src.Count, &last); err != nil {
			return nil, nil, fmt.Errorf("scrub sources: %w", err)
		}
		src.LastAt = fromMS(last)
		sources = append(sources, src)
	}
	if err := srows.Err(); err != nil {
		return nil, nil, fmt.Errorf("scrub sources: %w", err)
	}
	return kinds, sources, nil
}

// deleteSessionsTx deletes the sessions ids of a project with their rows in
// batches, chunks and events (ON DELETE CASCADE), counting what goes.
func deleteSessionsTx(ctx context.Context, tx q, projectID string, ids []string, d *trailguide.DeletedSessions) error {
	// Their heatmap contributions first, out of heat_day in one delta.
	if err := deleteHeatmapsTx(ctx, tx, projectID, ids); err != nil {
		return fmt.Errorf("heatmaps: %w", err)
	}
	for _, id := range ids {
		var events, chunks int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE project_id = ? AND session_id = ?`,
			projectID, id).Scan(&events); err != nil {
			return fmt.Errorf("count events of %s: %w", id, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT blob_key FROM chunks WHERE project_id = ? AND session_id = ?`, projectID, id)
		if err != nil {
			return fmt.Errorf("chunks of %s: %w", id, err)
		}
		for rows.Next() {
			var key string
			if err := rows.Scan(&key); err != nil {
				rows.Close()
				return fmt.Errorf("chunks of %s: %w", id, err)
			}
			chunks++
			if key != "" {
				d.BlobKeys = append(d.BlobKeys, key)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("chunks of %s: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE project_id = ? AND id = ?`, projectID, id)
		if err != nil {
			return fmt.Errorf("delete session %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			d.Sessions++
			d.Events += events
			d.Chunks += chunks
			d.SessionIDs = append(d.SessionIDs, id)
		}
	}
	return nil
}

// DeleteSessionsBefore deletes up to limit sessions of a project whose last
// batch arrived before t.
func (s *SessionStore) DeleteSessionsBefore(ctx context.Context, projectID string, t time.Time, limit int) (*trailguide.DeletedSessions, error) {
	d := &trailguide.DeletedSessions{}
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		*d = trailguide.DeletedSessions{}
		ids, err := queryStrings(ctx, tx, `SELECT id FROM sessions WHERE project_id = ? AND last_batch_at < ?
			ORDER BY last_batch_at LIMIT ?`, projectID, ms(t), limit)
		if err != nil {
			return err
		}
		return deleteSessionsTx(ctx, tx, projectID, ids, d)
	})
	if err != nil {
		return nil, fmt.Errorf("delete sessions before %s: %w", t.Format(time.RFC3339), err)
	}
	return d, nil
}

// SessionExists reports whether the session row exists.
func (s *SessionStore) SessionExists(ctx context.Context, projectID, sessionID string) (bool, error) {
	var n int
	if err := s.db.reader().QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE project_id = ? AND id = ?`,
		projectID, sessionID).Scan(&n); err != nil {
		return false, fmt.Errorf("session exists: %w", err)
	}
	return n > 0, nil
}

// ChunkAssets returns the asset ids the project's chunks reference and its
// compacted chunks whose references are unknown (assets IS NULL).
func (s *SessionStore) ChunkAssets(ctx context.Context, projectID string) (map[string]bool, []*trailguide.Chunk, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT session_id, window_id, seq_from, seq_to, blob_key, assets
		FROM chunks WHERE project_id = ? AND blob_key != ''`, projectID)
	if err != nil {
		return nil, nil, fmt.Errorf("chunk assets: %w", err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	var unknown []*trailguide.Chunk
	for rows.Next() {
		c := &trailguide.Chunk{ProjectID: projectID}
		var assets *string
		if err := rows.Scan(&c.SessionID, &c.WindowID, &c.SeqFrom, &c.SeqTo, &c.BlobKey, &assets); err != nil {
			return nil, nil, fmt.Errorf("chunk assets: %w", err)
		}
		if assets == nil {
			unknown = append(unknown, c)
			continue
		}
		for _, id := range strings.Split(*assets, ",") {
			if id != "" {
				ids[id] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("chunk assets: %w", err)
	}
	return ids, unknown, nil
}

// SetChunkAssets records the assets a chunk references; nil ids (not an
// empty slice) marks them unknown again.
func (s *SessionStore) SetChunkAssets(ctx context.Context, c *trailguide.Chunk, ids []string) error {
	var v any
	if ids != nil {
		v = strings.Join(ids, ",")
	}
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `UPDATE chunks SET assets = ? WHERE project_id = ? AND session_id = ?
			AND window_id = ? AND seq_from = ?`, v, c.ProjectID, c.SessionID, c.WindowID, c.SeqFrom)
		return err
	})
	if err != nil {
		return fmt.Errorf("set chunk assets: %w", err)
	}
	return nil
}

// CreateJob inserts j; an empty ID is filled with a random one and a zero
// CreatedAt with the DB clock.
func (s *SessionStore) CreateJob(ctx context.Context, j *trailguide.Job) error {
	if j.ID == "" {
		j.ID = randomID()
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = s.db.now()
	}
	j.CreatedAt = fromMS(ms(j.CreatedAt))
	if j.Status == "" {
		j.Status = trailguide.JobQueued
	}
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, kind, project_id, user_id, target, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, j.ID, j.Kind, j.ProjectID, j.UserID, j.VisitorID+j.SessionID, j.Status, ms(j.CreatedAt))
		if isUnique(err) {
			return trailguide.Errorf(trailguide.ECONFLICT, "Job exists.")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create job: %w", err)
	}
	return nil
}

// Job returns the job with id.
func (s *SessionStore) Job(ctx context.Context, id string) (*trailguide.Job, error) {
	var j trailguide.Job
	var created, started, finished int64
	var target string
	err := s.db.reader().QueryRowContext(ctx, `SELECT id, kind, project_id, user_id, target, status, sessions, events, chunks,
		blobs, error, created_at, started_at, finished_at FROM jobs WHERE id = ?`, id).Scan(
		&j.ID, &j.Kind, &j.ProjectID, &j.UserID, &target, &j.Status, &j.Sessions, &j.Events, &j.Chunks,
		&j.Blobs, &j.Error, &created, &started, &finished)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Job not found.")
	} else if err != nil {
		return nil, fmt.Errorf("job %s: %w", id, err)
	}
	j.CreatedAt, j.StartedAt, j.FinishedAt = fromMS(created), fromMS(started), fromMS(finished)
	switch j.Kind {
	case trailguide.JobEraseVisitor:
		j.VisitorID = target
	case trailguide.JobEraseSession:
		j.SessionID = target
	}
	return &j, nil
}

// ClaimJob marks a queued (or stale running) job running.
func (s *SessionStore) ClaimJob(ctx context.Context, id string, now, staleBefore time.Time) (bool, error) {
	var claimed bool
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'running', started_at = ?
			WHERE id = ? AND (status = 'queued' OR (status = 'running' AND started_at < ?))`, ms(now), id, ms(staleBefore))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim job %s: %w", id, err)
	}
	return claimed, nil
}

// PendingJobs returns queued and running jobs, oldest first.
func (s *SessionStore) PendingJobs(ctx context.Context, limit int) ([]string, error) {
	ids, err := queryStrings(ctx, s.db.reader(), `SELECT id FROM jobs WHERE status IN ('queued', 'running')
		ORDER BY created_at, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending jobs: %w", err)
	}
	return ids, nil
}

// FinishJob stores a job's final status, counts and error.
func (s *SessionStore) FinishJob(ctx context.Context, j *trailguide.Job) error {
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET status = ?, sessions = ?, events = ?, chunks = ?, blobs = ?,
			error = ?, finished_at = ? WHERE id = ?`, j.Status, j.Sessions, j.Events, j.Chunks, j.Blobs,
			j.Error, ms(j.FinishedAt), j.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish job %s: %w", j.ID, err)
	}
	return nil
}

// EraseUserSessions tombstones and deletes every session of userID, and
// the anonymous sessions of the visitors userID was identified as.
func (s *SessionStore) EraseUserSessions(ctx context.Context, jobID, projectID, userID string) (*trailguide.DeletedSessions, error) {
	if userID == "" {
		return nil, trailguide.Invalid("user_id", "User id required.")
	}
	// The user's sessions, and the anonymous sessions of every browser
	// (visitor id) the user was identified on: what they did before
	// logging in is theirs too. Sessions of other users on a shared
	// browser are not.
	d, err := s.eraseWhere(ctx, jobID, projectID, `SELECT id FROM sessions WHERE project_id = $1 AND (user_id = $2
			OR (user_id = '' AND visitor_id != '' AND visitor_id IN
				(SELECT visitor_id FROM sessions WHERE project_id = $1 AND user_id = $2)))`, userID)
	if err != nil {
		return nil, fmt.Errorf("erase user sessions: %w", err)
	}
	return d, nil
}

// EraseVisitorSessions tombstones and deletes every session of one visitor
// id, whichever user it was identified as.
func (s *SessionStore) EraseVisitorSessions(ctx context.Context, jobID, projectID, visitorID string) (*trailguide.DeletedSessions, error) {
	if visitorID == "" {
		return nil, trailguide.Invalid("visitor_id", "Visitor id required.")
	}
	d, err := s.eraseWhere(ctx, jobID, projectID, `SELECT id FROM sessions WHERE project_id = $1 AND visitor_id = $2`, visitorID)
	if err != nil {
		return nil, fmt.Errorf("erase visitor sessions: %w", err)
	}
	return d, nil
}

// EraseSession tombstones and deletes one session (the tombstone is written
// even when no row exists, so that a batch still in flight is refused).
func (s *SessionStore) EraseSession(ctx context.Context, jobID, projectID, sessionID string) (*trailguide.DeletedSessions, error) {
	if sessionID == "" {
		return nil, trailguide.Invalid("session_id", "Session id required.")
	}
	// PostgreSQL must know every parameter's type, so $1 is used too.
	d, err := s.eraseWhere(ctx, jobID, projectID, `SELECT $2::text WHERE $1::text IS NOT NULL`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("erase session: %w", err)
	}
	return d, nil
}

// eraseWhere, in one transaction, tombstones the session ids query returns
// (with $1 the project and $2 arg) and deletes them with their rows.
func (s *SessionStore) eraseWhere(ctx context.Context, jobID, projectID, query, arg string) (*trailguide.DeletedSessions, error) {
	d := &trailguide.DeletedSessions{}
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		*d = trailguide.DeletedSessions{}
		ids, err := queryStrings(ctx, tx, query, projectID, arg)
		if err != nil {
			return err
		}
		now := ms(s.db.now())
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO erased_sessions (project_id, session_id, job_id, erased_at)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, projectID, id, jobID, now); err != nil {
				return fmt.Errorf("tombstone %s: %w", id, err)
			}
		}
		return deleteSessionsTx(ctx, tx, projectID, ids, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// TombstonedSessions returns the sessions a job erased.
func (s *SessionStore) TombstonedSessions(ctx context.Context, jobID string) ([]string, error) {
	ids, err := queryStrings(ctx, s.db.reader(), `SELECT session_id FROM erased_sessions WHERE job_id = ? ORDER BY session_id`, jobID)
	if err != nil {
		return nil, fmt.Errorf("tombstoned sessions: %w", err)
	}
	return ids, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (pgx.Rows, error)
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
