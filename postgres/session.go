package postgres

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/segsql"
)

// Session search paging limits.
const (
	DefaultSessionLimit = 50
	MaxSessionLimit     = 200
)

// SessionStore implements trailguide.SessionStore.
type SessionStore struct {
	db *DB
}

var _ trailguide.SessionStore = (*SessionStore)(nil)

// NewSessionStore returns the session store of db.
func NewSessionStore(db *DB) *SessionStore { return &SessionStore{db: db} }

// Session returns one session; ENOTFOUND when it does not exist in project.
func (s *SessionStore) Session(ctx context.Context, projectID, id string) (*trailguide.Session, error) {
	r, err := scanSession(s.db.reader().QueryRowContext(ctx,
		`SELECT `+sessionColumns+` FROM sessions WHERE project_id = ? AND id = ?`, projectID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
	} else if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	return &r.Session, nil
}

// FindSessions returns one page of the sessions matching f, newest first
// (StartedAt, then ID, descending) or, with SortFrustration, by frustration
// score descending and then newest first, with Total counting every match.
//
// The cursor is keyset paging: base64url of "<started_at ms>:<id>" of the
// last session of the previous page (newest), or "f:<score>:<started_at
// ms>:<id>" (frustration), so pages neither repeat nor skip rows when
// sessions are added meanwhile. A session whose score changes while being
// paged (closed and analysed meanwhile) may move across the cursor. UserID
// ending in '*' matches user IDs starting with the rest ("*" alone: any
// identified session). Signal and Selector match server detections only
// (events with seq trailguide.FrictionSeq).
func (s *SessionStore) FindSessions(ctx context.Context, f trailguide.SessionFilter) (*trailguide.SessionPage, error) {
	if f.ProjectID == "" {
		return nil, trailguide.Invalid("project_id", "Project required.")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultSessionLimit
	}
	limit = min(limit, MaxSessionLimit)
	byScore := false
	switch f.Sort {
	case "", trailguide.SortNewest:
	case trailguide.SortFrustration:
		byScore = true
	default:
		return nil, trailguide.Invalid("sort", "Unknown sort.")
	}

	where, args, err := sessionConds(f)
	if err != nil {
		return nil, err
	}

	tx, err := s.db.readTx(ctx)
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	defer tx.Rollback() // read-only: one snapshot for the count and the page

	page := &trailguide.SessionPage{Sessions: []*trailguide.Session{}}
	cond := strings.Join(where, " AND ")
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sessions s WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return nil, fmt.Errorf("count sessions: %w", err)
	}

	order := ` ORDER BY s.started_at DESC, s.id DESC`
	if byScore {
		order = ` ORDER BY s.frustration_score DESC, s.started_at DESC, s.id DESC`
	}
	if f.Cursor != "" {
		score, startedAt, id, err := decodeCursor(f.Cursor, byScore)
		if err != nil {
			return nil, err
		}
		newer := "(s.started_at < ? OR (s.started_at = ? AND s.id < ?))"
		if byScore {
			cond += " AND (s.frustration_score < ? OR (s.frustration_score = ? AND " + newer + "))"
			args = append(args, score, score, startedAt, startedAt, id)
		} else {
			cond += " AND " + newer
			args = append(args, startedAt, startedAt, id)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+prefixColumns("s.", sessionColumns)+` FROM sessions s WHERE `+cond+
		order+` LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("find sessions: %w", err)
		}
		page.Sessions = append(page.Sessions, &r.Session)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	if len(page.Sessions) > limit {
		page.Sessions = page.Sessions[:limit]
		last := page.Sessions[limit-1]
		page.NextCursor = encodeCursor(byScore, last.FrustrationScore, ms(last.StartedAt), last.ID)
	}
	return page, nil
}

// sessionConds are the SQL conditions on sessions s that f selects, and
// their arguments.
func sessionConds(f trailguide.SessionFilter) ([]string, []any, error) {
	where := []string{"s.project_id = ?"}
	args := []any{f.ProjectID}
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if !f.From.IsZero() {
		add("s.started_at >= ?", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add("s.started_at < ?", f.To.UnixMilli())
	}
	if f.URL != "" {
		add(`EXISTS (SELECT 1 FROM events e WHERE e.project_id = s.project_id AND e.session_id = s.id
			AND e.type = 'pageview' AND strpos(e.url, ?) > 0)`, f.URL)
	}
	if f.MinDuration > 0 {
		add("s.duration_ms >= ?", f.MinDuration.Milliseconds())
	}
	if f.MaxDuration > 0 {
		add("s.duration_ms <= ?", f.MaxDuration.Milliseconds())
	}
	if f.UserID != "" {
		if prefix, ok := strings.CutSuffix(f.UserID, "*"); ok {
			if prefix == "" {
				add("s.user_id <> ''")
			} else {
				add("substr(s.user_id, 1, ?) = ?", utf8.RuneCountInString(prefix), prefix)
			}
		} else {
			add("s.user_id = ?", f.UserID)
		}
	}
	if f.UTMSource != "" {
		add("s.utm_source = ?", f.UTMSource)
	}
	if f.DeviceClass != "" {
		add("s.device_class = ?", f.DeviceClass)
	}
	if f.Browser != "" {
		add("s.browser = ?", f.Browser)
	}
	if f.HasError != nil {
		if *f.HasError {
			add("s.error_count > 0")
		} else {
			add("s.error_count = 0")
		}
	}

	if f.Signal != "" || f.Selector != "" {
		// seq = -1 literally, so that the partial index applies.
		cond := `EXISTS (SELECT 1 FROM events e WHERE e.project_id = s.project_id AND e.session_id = s.id
			AND e.seq = -1 AND e.type = 'friction'`
		var a []any
		if f.Signal != "" {
			cond += " AND e.name = ?"
			a = append(a, f.Signal)
		}
		if f.Selector != "" {
			cond += " AND e.selector = ?"
			a = append(a, f.Selector)
		}
		add(cond+")", a...)
	}
	if f.Segment != nil {
		if err := trailguide.ValidateFilter(f.Segment); err != nil {
			return nil, nil, err
		}
		q := segsql.NewQuery(dialect, args)
		cond, err := q.Where(f.Segment)
		if err != nil {
			return nil, nil, err
		}
		where, args = append(where, cond), q.Args
	}
	return where, args, nil
}

func prefixColumns(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func encodeCursor(byScore bool, score int, startedAt int64, id string) string {
	c := strconv.FormatInt(startedAt, 10) + ":" + id
	if byScore {
		c = "f:" + strconv.Itoa(score) + ":" + c
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c))
}

// decodeCursor reads a cursor of the given sort; one of the other sort is
// invalid.
func decodeCursor(c string, byScore bool) (score int, startedAt int64, id string, err error) {
	invalid := trailguide.Invalid("cursor", "Invalid cursor.")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, "", invalid
	}
	rest := string(b)
	if byScore {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, "f:"); !ok {
			return 0, 0, "", invalid
		}
		sc, r, ok := strings.Cut(rest, ":")
		if !ok {
			return 0, 0, "", invalid
		}
		if score, err = strconv.Atoi(sc); err != nil {
			return 0, 0, "", invalid
		}
		rest = r
	}
	ts, id, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, 0, "", invalid
	}
	if startedAt, err = strconv.ParseInt(ts, 10, 64); err != nil {
		return 0, 0, "", invalid
	}
	return score, startedAt, id, nil
}

// Events returns the session's analytics events ordered by time, then batch
// seq and position (window last, for a stable order).
func (s *SessionStore) Events(ctx context.Context, projectID, sessionID string) ([]*trailguide.Event, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT window_id, seq, idx, type, ts, url, selector, text,
		x, y, name, data FROM events WHERE project_id = ? AND session_id = ?
		ORDER BY ts, seq, idx, window_id`, projectID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", sessionID, err)
	}
	defer rows.Close()
	events := []*trailguide.Event{}
	for rows.Next() {
		e := &trailguide.Event{ProjectID: projectID, SessionID: sessionID}
		var ts int64
		var data *string
		if err := rows.Scan(&e.WindowID, &e.Seq, &e.Index, &e.Type, &ts, &e.URL, &e.Selector, &e.Text,
			&e.X, &e.Y, &e.Name, &data); err != nil {
			return nil, fmt.Errorf("events of %s: %w", sessionID, err)
		}
		e.Time = fromMS(ts)
		if data != nil && *data != "" {
			e.Data = []byte(*data)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of %s: %w", sessionID, err)
	}
	return events, nil
}

// Chunks returns the session's recording chunks ordered by window, then
// seq_from.
func (s *SessionStore) Chunks(ctx context.Context, projectID, sessionID string) ([]*trailguide.Chunk, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT window_id, seq_from, seq_to, first_ts, last_ts,
		event_count, raw_bytes, stored_bytes, blob_key FROM chunks WHERE project_id = ? AND session_id = ?
		ORDER BY window_id, seq_from`, projectID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("chunks of %s: %w", sessionID, err)
	}
	defer rows.Close()
	chunks := []*trailguide.Chunk{}
	for rows.Next() {
		c := &trailguide.Chunk{ProjectID: projectID, SessionID: sessionID}
		if err := rows.Scan(&c.WindowID, &c.SeqFrom, &c.SeqTo, &c.FirstTS, &c.LastTS,
			&c.EventCount, &c.RawBytes, &c.StoredBytes, &c.BlobKey); err != nil {
			return nil, fmt.Errorf("chunks of %s: %w", sessionID, err)
		}
		chunks = append(chunks, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("chunks of %s: %w", sessionID, err)
	}
	return chunks, nil
}

// ChunkData returns the bytes of a chunk staged in the database.
func (s *SessionStore) ChunkData(ctx context.Context, c *trailguide.Chunk) ([]byte, error) {
	var data []byte
	err := s.db.reader().QueryRowContext(ctx, `SELECT data FROM chunks WHERE project_id = ? AND session_id = ?
		AND window_id = ? AND seq_from = ? AND data IS NOT NULL`, c.ProjectID, c.SessionID, c.WindowID, c.SeqFrom).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Chunk not found.")
	} else if err != nil {
		return nil, fmt.Errorf("chunk data %s/%s/%d: %w", c.SessionID, c.WindowID, c.SeqFrom, err)
	}
	return data, nil
}

// IdleSessions returns open sessions of every project whose last batch
// arrived before t, longest idle first, at most limit (100 when limit <= 0).
func (s *SessionStore) IdleSessions(ctx context.Context, before time.Time, limit int) ([]*trailguide.Session, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.reader().QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE NOT closed AND last_batch_at < ? ORDER BY last_batch_at, project_id, id LIMIT ?`,
		ms(before), limit)
	if err != nil {
		return nil, fmt.Errorf("idle sessions: %w", err)
	}
	defer rows.Close()
	sessions := []*trailguide.Session{}
	for rows.Next() {
		r, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("idle sessions: %w", err)
		}
		sessions = append(sessions, &r.Session)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("idle sessions: %w", err)
	}
	return sessions, nil
}

// CloseSession marks a session closed; ENOTFOUND when it does not exist.
func (s *SessionStore) CloseSession(ctx context.Context, projectID, id string) error {
	return s.setFlag(ctx, "closed", projectID, id)
}

// MarkCompacted records that the session's windows are compacted; ENOTFOUND
// when it does not exist.
func (s *SessionStore) MarkCompacted(ctx context.Context, projectID, id string) error {
	return s.setFlag(ctx, "compacted", projectID, id)
}

func (s *SessionStore) setFlag(ctx context.Context, column, projectID, id string) error {
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET `+column+` = true WHERE project_id = ? AND id = ?`, projectID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set %s on session %s: %w", column, id, err)
	}
	return nil
}

// ReplaceChunks swaps the old chunk rows for the compacted one in one
// savepoint of the writer and adjusts the session's stored size by the
// difference between the compacted chunk and the rows it replaced (as
// stored, not as passed). Every old chunk must exist and belong to the
// compacted chunk's window, else EINVALID / ECONFLICT and nothing changes.
func (s *SessionStore) ReplaceChunks(ctx context.Context, old []*trailguide.Chunk, compacted *trailguide.Chunk) error {
	if compacted == nil || len(old) == 0 {
		return trailguide.Invalid("chunks", "Old chunks and a compacted chunk required.")
	}
	if compacted.BlobKey == "" || compacted.SeqTo < compacted.SeqFrom {
		return trailguide.Invalid("chunk", "Compacted chunk needs a blob key and seq_from <= seq_to.")
	}
	for _, c := range old {
		if c.ProjectID != compacted.ProjectID || c.SessionID != compacted.SessionID || c.WindowID != compacted.WindowID {
			return trailguide.Invalid("chunks", "Chunks must belong to the compacted chunk's window.")
		}
	}
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		var removed int64
		for _, c := range old {
			var stored int64
			err := tx.QueryRowContext(ctx, `DELETE FROM chunks WHERE project_id = ? AND session_id = ?
				AND window_id = ? AND seq_from = ? RETURNING stored_bytes`,
				c.ProjectID, c.SessionID, c.WindowID, c.SeqFrom).Scan(&stored)
			if errors.Is(err, pgx.ErrNoRows) {
				return trailguide.Errorf(trailguide.ECONFLICT, "Chunk %d of window %s no longer exists.", c.SeqFrom, c.WindowID)
			} else if err != nil {
				return fmt.Errorf("delete chunk %d: %w", c.SeqFrom, err)
			}
			removed += stored
		}
		c := compacted
		_, err := tx.ExecContext(ctx, `INSERT INTO chunks (project_id, session_id, window_id, seq_from, seq_to,
			first_ts, last_ts, event_count, raw_bytes, stored_bytes, blob_key, assets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ProjectID, c.SessionID, c.WindowID, c.SeqFrom, c.SeqTo, c.FirstTS, c.LastTS,
			c.EventCount, c.RawBytes, c.StoredBytes, c.BlobKey, strings.Join(c.Assets, ","))
		if isUnique(err) {
			return trailguide.Errorf(trailguide.ECONFLICT, "A chunk starting at seq %d already exists.", c.SeqFrom)
		} else if err != nil {
			return fmt.Errorf("insert compacted chunk: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET stored_bytes = stored_bytes + ?
			WHERE project_id = ? AND id = ?`, c.StoredBytes-removed, c.ProjectID, c.SessionID); err != nil {
			return fmt.Errorf("update stored bytes: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace chunks of %s/%s: %w", compacted.SessionID, compacted.WindowID, err)
	}
	return nil
}

// Facets returns the distinct non-empty browsers, device classes and UTM
// sources of the project's sessions, each sorted.
func (s *SessionStore) Facets(ctx context.Context, projectID string) (*trailguide.SessionFacets, error) {
	f := &trailguide.SessionFacets{}
	for _, q := range []struct {
		column string
		dst    *[]string
	}{
		{"browser", &f.Browsers},
		{"device_class", &f.Devices},
		{"utm_source", &f.UTMSources},
	} {
		vals, err := s.distinct(ctx, projectID, q.column)
		if err != nil {
			return nil, fmt.Errorf("facets: %w", err)
		}
		*q.dst = vals
	}
	return f, nil
}

func (s *SessionStore) distinct(ctx context.Context, projectID, column string) ([]string, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT DISTINCT `+column+` FROM sessions
		WHERE project_id = ? AND `+column+` <> '' ORDER BY `+column, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	return vals, rows.Err()
}
