package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/segsql"
)

// dialect is the segment compiler's PostgreSQL: the URL functions are SQL
// functions of migration 0005 (SQLite's are Go functions); placeholders are
// '?' as everywhere in this package (rebind numbers them).
var dialect = &segsql.Dialect{
	Param:          func(int) string { return "?" },
	URLMatch:       func(p, u string) string { return "tg_url_match(" + p + ", " + u + ")" },
	URLPath:        func(u string) string { return "tg_url_path(" + u + ")" },
	ReferrerDomain: func(u string) string { return "tg_referrer_domain(" + u + ")" },
	Trait:          func(col, key string) string { return "(" + col + "::jsonb ->> '" + key + "')" },
	Prop:           func(col, key string) string { return "(" + col + "::jsonb -> 'props' ->> '" + key + "')" },
	Number:         func(x string) string { return "tg_number(" + x + ")" },
	Contains:       func(h, n string) string { return "strpos(" + h + ", " + n + ") > 0" },
	Float:          func(p string) string { return p + "::double precision" },
}

// SegmentStore implements trailguide.SegmentStore.
type SegmentStore struct {
	db *DB
}

var _ trailguide.SegmentStore = (*SegmentStore)(nil)

// NewSegmentStore returns the segment store of db.
func NewSegmentStore(db *DB) *SegmentStore { return &SegmentStore{db: db} }

const segmentColumns = `project_id, id, name, filter, created_at, updated_at`

func scanSegment(r interface{ Scan(...any) error }) (*trailguide.Segment, error) {
	var sg trailguide.Segment
	var filter string
	var created, updated int64
	if err := r.Scan(&sg.ProjectID, &sg.ID, &sg.Name, &filter, &created, &updated); err != nil {
		return nil, err
	}
	sg.CreatedAt, sg.UpdatedAt = fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(filter), &sg.Filter); err != nil {
		return nil, fmt.Errorf("segment %s filter: %w", sg.ID, err)
	}
	return &sg, nil
}

// Segments lists a project's segments by name.
func (s *SegmentStore) Segments(ctx context.Context, projectID string) ([]*trailguide.Segment, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT `+segmentColumns+` FROM segments WHERE project_id = ? ORDER BY name, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("segments: %w", err)
	}
	defer rows.Close()
	out := []*trailguide.Segment{}
	for rows.Next() {
		sg, err := scanSegment(rows)
		if err != nil {
			return nil, fmt.Errorf("segments: %w", err)
		}
		out = append(out, sg)
	}
	return out, rows.Err()
}

// Segment returns one segment; ENOTFOUND when the project has none with id.
func (s *SegmentStore) Segment(ctx context.Context, projectID, id string) (*trailguide.Segment, error) {
	sg, err := scanSegment(s.db.reader().QueryRowContext(ctx, `SELECT `+segmentColumns+` FROM segments WHERE project_id = ? AND id = ?`, projectID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Segment not found.")
	} else if err != nil {
		return nil, fmt.Errorf("segment %s: %w", id, err)
	}
	return sg, nil
}

// SaveSegment creates or replaces a segment; CreatedAt of an existing one
// is kept, UpdatedAt is set by the caller.
func (s *SegmentStore) SaveSegment(ctx context.Context, sg *trailguide.Segment) error {
	if sg == nil || sg.ProjectID == "" || sg.ID == "" {
		return trailguide.Invalid("segment", "Project and id required.")
	}
	filter, err := json.Marshal(sg.Filter)
	if err != nil {
		return fmt.Errorf("encode segment filter: %w", err)
	}
	err = s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO segments (`+segmentColumns+`) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (project_id, id) DO UPDATE SET name = excluded.name, filter = excluded.filter, updated_at = excluded.updated_at`,
			sg.ProjectID, sg.ID, sg.Name, string(filter), ms(sg.CreatedAt), ms(sg.UpdatedAt))
		return err
	})
	switch {
	case isUnique(err):
		return trailguide.Errorf(trailguide.ECONFLICT, "A segment named %q exists.", sg.Name)
	case isForeignKey(err):
		return trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
	case err != nil:
		return fmt.Errorf("save segment: %w", err)
	}
	return nil
}

// DeleteSegment removes a segment; ENOTFOUND when there is none.
func (s *SegmentStore) DeleteSegment(ctx context.Context, projectID, id string) error {
	var n int64
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM segments WHERE project_id = ? AND id = ?`, projectID, id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("delete segment: %w", err)
	}
	if n == 0 {
		return trailguide.Errorf(trailguide.ENOTFOUND, "Segment not found.")
	}
	return nil
}

// FunnelDefStore implements trailguide.FunnelDefStore (saved funnels).
type FunnelDefStore struct {
	db *DB
}

var _ trailguide.FunnelDefStore = (*FunnelDefStore)(nil)

// NewFunnelDefStore returns the saved-funnel store of db.
func NewFunnelDefStore(db *DB) *FunnelDefStore { return &FunnelDefStore{db: db} }

// Funnels lists a project's saved funnels by name.
func (s *FunnelDefStore) Funnels(ctx context.Context, projectID string) ([]*trailguide.Funnel, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT id, name, definition, created_at, updated_at FROM funnels
		WHERE project_id = ? ORDER BY name, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("funnels: %w", err)
	}
	defer rows.Close()
	out := []*trailguide.Funnel{}
	for rows.Next() {
		var f trailguide.Funnel
		var id, name, def string
		var created, updated int64
		if err := rows.Scan(&id, &name, &def, &created, &updated); err != nil {
			return nil, fmt.Errorf("funnels: %w", err)
		}
		if err := json.Unmarshal([]byte(def), &f); err != nil {
			return nil, fmt.Errorf("funnel %s: %w", id, err)
		}
		f.ID, f.ProjectID, f.Name, f.CreatedAt, f.UpdatedAt = id, projectID, name, fromMS(created), fromMS(updated)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// SaveFunnel creates or replaces a saved funnel (CreatedAt of an existing
// one is kept).
func (s *FunnelDefStore) SaveFunnel(ctx context.Context, f *trailguide.Funnel) error {
	if f == nil || f.ProjectID == "" || f.ID == "" || f.Name == "" {
		return trailguide.Invalid("funnel", "Project, id and name required.")
	}
	def := *f
	def.ID, def.ProjectID, def.Name, def.CreatedAt, def.UpdatedAt = "", "", "", time.Time{}, time.Time{}
	b, err := json.Marshal(&def)
	if err != nil {
		return fmt.Errorf("encode funnel: %w", err)
	}
	err = s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO funnels (project_id, id, name, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (project_id, id) DO UPDATE SET name = excluded.name, definition = excluded.definition, updated_at = excluded.updated_at`,
			f.ProjectID, f.ID, f.Name, string(b), ms(f.CreatedAt), ms(f.UpdatedAt))
		return err
	})
	switch {
	case isUnique(err):
		return trailguide.Errorf(trailguide.ECONFLICT, "A funnel named %q exists.", f.Name)
	case isForeignKey(err):
		return trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
	case err != nil:
		return fmt.Errorf("save funnel: %w", err)
	}
	return nil
}

// DeleteFunnel removes a saved funnel; ENOTFOUND when there is none.
func (s *FunnelDefStore) DeleteFunnel(ctx context.Context, projectID, id string) error {
	var n int64
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM funnels WHERE project_id = ? AND id = ?`, projectID, id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("delete funnel: %w", err)
	}
	if n == 0 {
		return trailguide.Errorf(trailguide.ENOTFOUND, "Funnel not found.")
	}
	return nil
}
