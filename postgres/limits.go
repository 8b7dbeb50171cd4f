package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
)

var (
	_ trailguide.LimitStore = (*ProjectStore)(nil)
	_ trailguide.GapStore   = (*SessionStore)(nil)
)

// ProjectLimits returns the project's ingest limits; zero when none were
// set (or the project does not exist).
func (s *ProjectStore) ProjectLimits(ctx context.Context, projectID string) (trailguide.ProjectLimits, error) {
	var l trailguide.ProjectLimits
	err := s.db.reader().QueryRowContext(ctx,
		`SELECT disabled, daily_batch_quota FROM project_limits WHERE project_id = ?`, projectID).Scan(&l.Disabled, &l.DailyBatchQuota)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, nil
	} else if err != nil {
		return l, fmt.Errorf("project limits: %w", err)
	}
	return l, nil
}

// SetProjectLimits stores the project's ingest limits; ENOTFOUND for an
// unknown project, EINVALID for a negative quota.
func (s *ProjectStore) SetProjectLimits(ctx context.Context, projectID string, l trailguide.ProjectLimits) error {
	if l.DailyBatchQuota < 0 {
		return trailguide.Invalid("daily_batch_quota", "Daily batch quota must not be negative.")
	}
	return s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO project_limits (project_id, disabled, daily_batch_quota) VALUES (?, ?, ?)
			ON CONFLICT (project_id) DO UPDATE SET disabled = excluded.disabled, daily_batch_quota = excluded.daily_batch_quota`,
			projectID, l.Disabled, l.DailyBatchQuota)
		if isForeignKey(err) {
			return trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
		} else if err != nil {
			return fmt.Errorf("set project limits: %w", err)
		}
		return nil
	})
}

// BatchesOn returns the batches of the project stored on t's UTC day.
func (s *ProjectStore) BatchesOn(ctx context.Context, projectID string, t time.Time) (int64, error) {
	var n int64
	err := s.db.reader().QueryRowContext(ctx,
		`SELECT COALESCE(sum(batches), 0)::bigint FROM project_usage WHERE project_id = ? AND day = ?`, projectID, utcDay(t)).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("batches on day: %w", err)
	}
	return n, nil
}

// Gaps returns the runs of seqs missing from each window of the session:
// between two stored batches, and before the first stored one when it is not
// seq 0 (every window's stream starts at 0). Ordered by window, then seq.
func (s *SessionStore) Gaps(ctx context.Context, projectID, sessionID string) ([]trailguide.SeqGap, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT window_id, seq, first_ts, last_ts FROM batches
		WHERE project_id = ? AND session_id = ? ORDER BY window_id, seq`, projectID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("gaps: %w", err)
	}
	defer rows.Close()
	gaps := []trailguide.SeqGap{}
	var (
		win    string
		next   int64 // the seq expected next in win
		lastTS int64 // the last event time seen so far in win
		open   = -1  // index in gaps of the gap waiting for its BeforeTS
	)
	for rows.Next() {
		var w string
		var seq, first, last int64
		if err := rows.Scan(&w, &seq, &first, &last); err != nil {
			return nil, fmt.Errorf("gaps: %w", err)
		}
		if w != win {
			win, next, lastTS, open = w, 0, 0, -1
		}
		if seq > next {
			gaps = append(gaps, trailguide.SeqGap{WindowID: w, From: next, To: seq - 1, AfterTS: lastTS})
			open = len(gaps) - 1
		}
		if first > 0 {
			if open >= 0 {
				gaps[open].BeforeTS = first
				open = -1
			}
			lastTS = last
		}
		next = seq + 1
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("gaps: %w", err)
	}
	return gaps, nil
}
