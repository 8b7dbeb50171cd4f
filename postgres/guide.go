package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/segsql"
)

// GuideStore implements trailguide.GuideStore.
type GuideStore struct {
	db *DB
}

var _ trailguide.GuideStore = (*GuideStore)(nil)

// NewGuideStore returns the guide store of db.
func NewGuideStore(db *DB) *GuideStore { return &GuideStore{db: db} }

func decodeGuide(def string) (*trailguide.Guide, error) {
	var g trailguide.Guide
	if err := json.Unmarshal([]byte(def), &g); err != nil {
		return nil, fmt.Errorf("decode guide: %w", err)
	}
	return &g, nil
}

func (s *GuideStore) list(ctx context.Context, q string, args ...any) ([]*trailguide.Guide, error) {
	rows, err := s.db.reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*trailguide.Guide{}
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			return nil, err
		}
		g, err := decodeGuide(def)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Guides lists a project's guides, newest first.
func (s *GuideStore) Guides(ctx context.Context, projectID string) ([]*trailguide.Guide, error) {
	out, err := s.list(ctx, `SELECT definition FROM guides WHERE project_id = ? ORDER BY created_at DESC, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("guides: %w", err)
	}
	return out, nil
}

// Guide returns one guide; ENOTFOUND when the project has none with id.
func (s *GuideStore) Guide(ctx context.Context, projectID, id string) (*trailguide.Guide, error) {
	var def string
	err := s.db.reader().QueryRowContext(ctx, `SELECT definition FROM guides WHERE project_id = ? AND id = ?`, projectID, id).Scan(&def)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Guide not found.")
	} else if err != nil {
		return nil, fmt.Errorf("guide %s: %w", id, err)
	}
	return decodeGuide(def)
}

// SaveGuide creates or replaces a guide, bumping its version and keeping
// the saved form.
func (s *GuideStore) SaveGuide(ctx context.Context, g *trailguide.Guide) error {
	if g == nil || g.ProjectID == "" || g.ID == "" {
		return trailguide.Invalid("guide", "Project and id required.")
	}
	expect := g.Version
	var saved trailguide.Guide
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		var cur int
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT version, created_at FROM guides WHERE project_id = ? AND id = ?`, g.ProjectID, g.ID).Scan(&cur, &created)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			cur, created = 0, ms(g.CreatedAt)
		case err != nil:
			return err
		}
		if expect != 0 && expect != cur {
			return trailguide.Errorf(trailguide.ECONFLICT, "The guide changed meanwhile (version %d, not %d); reload it.", cur, expect)
		}
		saved = *g
		saved.Version = cur + 1
		saved.CreatedAt = fromMS(created)
		def, err := json.Marshal(&saved)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO guides (project_id, id, status, version, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (project_id, id) DO UPDATE SET status = excluded.status, version = excluded.version, definition = excluded.definition, updated_at = excluded.updated_at`,
			g.ProjectID, g.ID, saved.Status, saved.Version, string(def), created, ms(g.UpdatedAt)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO guide_versions (project_id, guide_id, version, definition, saved_at) VALUES (?, ?, ?, ?, ?)`,
			g.ProjectID, g.ID, saved.Version, string(def), ms(g.UpdatedAt))
		return err
	})
	switch {
	case trailguide.ErrorCode(err) == trailguide.ECONFLICT:
		return err
	case isForeignKey(err):
		return trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
	case err != nil:
		return fmt.Errorf("save guide: %w", err)
	}
	*g = saved
	return nil
}

// GuideVersions returns every saved version, newest first.
func (s *GuideStore) GuideVersions(ctx context.Context, projectID, id string) ([]*trailguide.Guide, error) {
	if _, err := s.Guide(ctx, projectID, id); err != nil {
		return nil, err
	}
	out, err := s.list(ctx, `SELECT definition FROM guide_versions WHERE project_id = ? AND guide_id = ? ORDER BY version DESC`, projectID, id)
	if err != nil {
		return nil, fmt.Errorf("guide versions: %w", err)
	}
	return out, nil
}

// DeleteGuide removes a guide with its versions and assignments.
func (s *GuideStore) DeleteGuide(ctx context.Context, projectID, id string) error {
	var n int64
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM guides WHERE project_id = ? AND id = ?`, projectID, id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("delete guide: %w", err)
	}
	if n == 0 {
		return trailguide.Errorf(trailguide.ENOTFOUND, "Guide not found.")
	}
	return nil
}

// Assign keeps the first assignment of a visitor to a guide.
func (s *GuideStore) Assign(ctx context.Context, a *trailguide.GuideAssignment) (*trailguide.GuideAssignment, error) {
	out := *a
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO guide_assignments (project_id, guide_id, visitor_id, session_id, held_out, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, a.ProjectID, a.GuideID, a.VisitorID, a.SessionID, a.HeldOut, ms(a.At)); err != nil {
			return err
		}
		var at int64
		if err := tx.QueryRowContext(ctx, `SELECT session_id, held_out, at FROM guide_assignments WHERE project_id = ? AND guide_id = ? AND visitor_id = ?`,
			a.ProjectID, a.GuideID, a.VisitorID).Scan(&out.SessionID, &out.HeldOut, &at); err != nil {
			return err
		}
		out.At = fromMS(at)
		return nil
	})
	if isForeignKey(err) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Guide not found.")
	} else if err != nil {
		return nil, fmt.Errorf("assign guide: %w", err)
	}
	return &out, nil
}

// GuidesSeen returns the guide signals of a visitor's sessions since a time.
func (s *GuideStore) GuidesSeen(ctx context.Context, projectID, visitorID string, since time.Time) ([]*trailguide.GuideSignal, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT coalesce(e.data::jsonb -> 'props' ->> 'guide_id', ''), e.session_id, e.name, e.ts
		FROM sessions s JOIN events e ON e.project_id = s.project_id AND e.session_id = s.id
		WHERE s.project_id = ? AND s.visitor_id = ? AND s.last_activity_at >= ? AND e.type = 'guide' AND e.ts >= ?
		ORDER BY e.ts`, projectID, visitorID, ms(since), ms(since))
	if err != nil {
		return nil, fmt.Errorf("guides seen: %w", err)
	}
	defer rows.Close()
	out := []*trailguide.GuideSignal{}
	for rows.Next() {
		var g trailguide.GuideSignal
		var ts int64
		if err := rows.Scan(&g.GuideID, &g.SessionID, &g.Name, &ts); err != nil {
			return nil, fmt.Errorf("guides seen: %w", err)
		}
		g.Time = fromMS(ts)
		out = append(out, &g)
	}
	return out, rows.Err()
}

// SessionMatches reports whether the session matches a segment filter.
func (s *GuideStore) SessionMatches(ctx context.Context, projectID, sessionID string, f *trailguide.Filter) (bool, error) {
	if err := trailguide.ValidateFilter(f); err != nil {
		return false, err
	}
	q := segsql.NewQuery(dialect, nil)
	cond, err := q.Where(f)
	if err != nil {
		return false, err
	}
	if cond == "" {
		cond = "true"
	}
	var exists, match int
	err = s.db.reader().QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN `+cond+` THEN 1 ELSE 0 END), 0) FROM sessions s WHERE s.project_id = ? AND s.id = ?`,
		append(q.Args, projectID, sessionID)...).Scan(&exists, &match)
	if err != nil {
		return false, fmt.Errorf("match session: %w", err)
	}
	if exists == 0 {
		return false, trailguide.Errorf(trailguide.ENOTFOUND, "Session not indexed yet.")
	}
	return match > 0, nil
}

// GuideImpact counts a guide's outcomes per arm: per assigned visitor,
// whether a live friction signal of the targeted kinds on the anchor, and
// the goal, happened in the visitor's sessions at or after the assignment.
func (s *GuideStore) GuideImpact(ctx context.Context, g *trailguide.Guide) (*trailguide.GuideImpactCounts, error) {
	kinds := g.FrictionKinds()
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")
	after := `FROM sessions s2 JOIN events e ON e.project_id = s2.project_id AND e.session_id = s2.id
		WHERE s2.project_id = a.project_id AND s2.visitor_id = a.visitor_id AND e.ts >= a.at`
	args := []any{}
	friction := `EXISTS (SELECT 1 ` + after + ` AND e.type = 'friction' AND e.selector = ? AND e.name IN (` + ph + `))`
	args = append(args, g.Anchor())
	for _, k := range kinds {
		args = append(args, k)
	}
	goal := "false"
	if gl := g.Goal; gl != nil && gl.Event != "" {
		goal = `EXISTS (SELECT 1 ` + after + ` AND e.type = 'track' AND e.name = ?)`
		args = append(args, gl.Event)
	} else if gl != nil && gl.Page != "" {
		goal = `EXISTS (SELECT 1 ` + after + ` AND e.type = 'pageview' AND tg_url_match(?, e.url))`
		args = append(args, gl.Page)
	}
	guideSig := func(name string) string {
		return `EXISTS (SELECT 1 ` + after + ` AND e.type = 'guide' AND e.name = '` + name + `' AND (e.data::jsonb -> 'props' ->> 'guide_id') = a.guide_id)`
	}
	// friction after the dismissal
	dismissedFriction := `EXISTS (SELECT 1 FROM sessions s3 JOIN events d ON d.project_id = s3.project_id AND d.session_id = s3.id
		JOIN events e ON e.project_id = s3.project_id AND e.session_id = s3.id
		WHERE s3.project_id = a.project_id AND s3.visitor_id = a.visitor_id AND d.type = 'guide' AND d.name = 'guide_dismissed'
		AND (d.data::jsonb -> 'props' ->> 'guide_id') = a.guide_id AND e.type = 'friction' AND e.selector = ? AND e.ts > d.ts AND e.name IN (` + ph + `))`
	args = append(args, g.Anchor())
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, g.ProjectID, g.ID)
	q := `SELECT held_out, count(*), coalesce(sum(f), 0)::bigint, coalesce(sum(gl), 0)::bigint, coalesce(sum(sh), 0)::bigint, coalesce(sum(di), 0)::bigint, coalesce(sum(df), 0)::bigint FROM (
		SELECT a.held_out, (` + friction + `)::int AS f, (` + goal + `)::int AS gl, (` + guideSig(trailguide.GuideEventShown) + `)::int AS sh, (` +
		guideSig(trailguide.GuideEventDismissed) + `)::int AS di, (` + dismissedFriction + `)::int AS df
		FROM guide_assignments a WHERE a.project_id = ? AND a.guide_id = ?) t GROUP BY held_out`
	// The goal and signal subqueries reuse the friction subquery's shape;
	// their placeholders come in order: anchor, kinds, goal, anchor, kinds, project, guide.
	rows, err := s.db.reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("guide impact: %w", err)
	}
	defer rows.Close()
	c := &trailguide.GuideImpactCounts{}
	for rows.Next() {
		var held bool
		var n, f, gl, sh, di, df int
		if err := rows.Scan(&held, &n, &f, &gl, &sh, &di, &df); err != nil {
			return nil, fmt.Errorf("guide impact: %w", err)
		}
		if held {
			c.Friction.Holdout, c.Friction.HoldoutHit = n, f
			c.Goal.Holdout, c.Goal.HoldoutHit = n, gl
		} else {
			c.Friction.Exposed, c.Friction.ExposedHit = n, f
			c.Goal.Exposed, c.Goal.ExposedHit = n, gl
			c.Shown, c.Dismissed, c.DismissedFriction = sh, di, df
		}
	}
	return c, rows.Err()
}
