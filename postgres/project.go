package postgres

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
)

// ProjectStore implements trailguide.ProjectStore.
type ProjectStore struct {
	db *DB
}

var _ trailguide.ProjectStore = (*ProjectStore)(nil)

// NewProjectStore returns the project store of db.
func NewProjectStore(db *DB) *ProjectStore { return &ProjectStore{db: db} }

// CreateProject inserts p. An empty ID or PublicKey is filled with a random
// one and a zero CreatedAt with the DB clock; p is updated in place.
// ECONFLICT when the ID or public key is taken.
func (s *ProjectStore) CreateProject(ctx context.Context, p *trailguide.Project) error {
	if p == nil || p.Name == "" {
		return trailguide.Invalid("name", "Project name required.")
	}
	if p.ID == "" {
		p.ID = randomID()
	}
	if p.PublicKey == "" {
		p.PublicKey = randomID()
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.db.now()
	}
	p.CreatedAt = fromMS(ms(p.CreatedAt)) // what a read returns
	if p.AllowedOrigins == nil {
		p.AllowedOrigins = []string{}
	}
	origins, err := json.Marshal(p.AllowedOrigins)
	if err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	fc, err := objectColumn(p.FrictionConfig, "friction_config", "Friction config")
	if err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	p.FrictionConfig = nil // what a read returns
	if fc != "" {
		p.FrictionConfig = json.RawMessage(fc)
	}
	pc, err := objectColumn(p.PrivacyConfig, "privacy_config", "Privacy config")
	if err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	p.PrivacyConfig = nil
	if pc != "" {
		p.PrivacyConfig = json.RawMessage(pc)
	}
	err = s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO projects (id, org_id, name, public_key, allowed_origins, retention_days, created_at, friction_config, privacy_config)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.OrgID, p.Name, p.PublicKey, string(origins), p.RetentionDays, ms(p.CreatedAt), fc, pc)
		if isUnique(err) {
			return trailguide.Errorf(trailguide.ECONFLICT, "Project ID or key already exists.")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	return nil
}

// SetFrictionConfig replaces the friction config of a project (compacted);
// nil or empty resets it to the defaults. EINVALID when cfg is not a JSON
// object, ENOTFOUND when the project is unknown.
func (s *ProjectStore) SetFrictionConfig(ctx context.Context, projectID string, cfg json.RawMessage) error {
	fc, err := objectColumn(cfg, "friction_config", "Friction config")
	if err != nil {
		return fmt.Errorf("set friction config: %w", err)
	}
	if err := s.setColumn(ctx, projectID, "friction_config", fc); err != nil {
		return fmt.Errorf("set friction config: %w", err)
	}
	return nil
}

// SetPrivacyConfig replaces the privacy config of a project (compacted);
// nil or empty resets it to the defaults. EINVALID when cfg is not a JSON
// object, ENOTFOUND when the project is unknown.
func (s *ProjectStore) SetPrivacyConfig(ctx context.Context, projectID string, cfg json.RawMessage) error {
	pc, err := objectColumn(cfg, "privacy_config", "Privacy config")
	if err != nil {
		return fmt.Errorf("set privacy config: %w", err)
	}
	if err := s.setColumn(ctx, projectID, "privacy_config", pc); err != nil {
		return fmt.Errorf("set privacy config: %w", err)
	}
	return nil
}

// objectColumn is the stored form of a JSON object setting: the empty
// string for the defaults, else the compacted object.
func objectColumn(cfg json.RawMessage, reason, what string) (string, error) {
	cfg = bytes.TrimSpace(cfg)
	if len(cfg) == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	if cfg[0] != '{' || json.Compact(&buf, cfg) != nil {
		return "", trailguide.Invalid(reason, "%s must be a JSON object.", what)
	}
	return buf.String(), nil
}

const projectColumns = `id, org_id, name, public_key, allowed_origins, retention_days, created_at, friction_config, privacy_config`

func scanProject(sc scanner) (*trailguide.Project, error) {
	var (
		p       trailguide.Project
		origins string
		created int64
		fc      string
		pc      string
	)
	if err := sc.Scan(&p.ID, &p.OrgID, &p.Name, &p.PublicKey, &origins, &p.RetentionDays, &created, &fc, &pc); err != nil {
		return nil, err
	}
	if pc != "" {
		p.PrivacyConfig = json.RawMessage(pc)
	}
	if fc != "" {
		p.FrictionConfig = json.RawMessage(fc)
	}
	if err := json.Unmarshal([]byte(origins), &p.AllowedOrigins); err != nil {
		return nil, fmt.Errorf("decode allowed origins of %s: %w", p.ID, err)
	}
	if p.AllowedOrigins == nil {
		p.AllowedOrigins = []string{}
	}
	p.CreatedAt = fromMS(created)
	return &p, nil
}

// Project returns the project with id; ENOTFOUND when unknown.
func (s *ProjectStore) Project(ctx context.Context, id string) (*trailguide.Project, error) {
	return s.one(ctx, `id`, id)
}

// ProjectByKey returns the project with the public key; ENOTFOUND when
// unknown.
func (s *ProjectStore) ProjectByKey(ctx context.Context, publicKey string) (*trailguide.Project, error) {
	return s.one(ctx, `public_key`, publicKey)
}

func (s *ProjectStore) one(ctx context.Context, column, value string) (*trailguide.Project, error) {
	p, err := scanProject(s.db.reader().QueryRowContext(ctx,
		`SELECT `+projectColumns+` FROM projects WHERE `+column+` = ?`, value))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
	} else if err != nil {
		return nil, fmt.Errorf("project by %s: %w", column, err)
	}
	return p, nil
}

// Projects returns every project, oldest first.
func (s *ProjectStore) Projects(ctx context.Context) ([]*trailguide.Project, error) {
	return s.list(ctx, `SELECT `+projectColumns+` FROM projects ORDER BY created_at, id`)
}

// OrgProjects returns the projects of orgID, oldest first.
// The empty orgID has no projects: unassigned projects belong to nobody.
func (s *ProjectStore) OrgProjects(ctx context.Context, orgID string) ([]*trailguide.Project, error) {
	if orgID == "" {
		return []*trailguide.Project{}, nil
	}
	return s.list(ctx, `SELECT `+projectColumns+` FROM projects WHERE org_id = ? ORDER BY created_at, id`, orgID)
}

func (s *ProjectStore) list(ctx context.Context, query string, args ...any) ([]*trailguide.Project, error) {
	rows, err := s.db.reader().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	defer rows.Close()
	projects := []*trailguide.Project{}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, fmt.Errorf("projects: %w", err)
		}
		projects = append(projects, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	return projects, nil
}

// SetAllowedOrigins replaces the allowed origins of a project; ENOTFOUND
// when it is unknown.
func (s *ProjectStore) SetAllowedOrigins(ctx context.Context, projectID string, origins []string) error {
	if origins == nil {
		origins = []string{}
	}
	b, err := json.Marshal(origins)
	if err != nil {
		return fmt.Errorf("set allowed origins: %w", err)
	}
	if err := s.setColumn(ctx, projectID, "allowed_origins", string(b)); err != nil {
		return fmt.Errorf("set allowed origins: %w", err)
	}
	return nil
}

// setColumn sets one settings column of a project (column is one of this
// package's constants, never caller input); ENOTFOUND when the project is
// unknown.
func (s *ProjectStore) setColumn(ctx context.Context, projectID, column string, value any) error {
	return s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `UPDATE projects SET `+column+` = ? WHERE id = ?`, value, projectID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Project not found.")
	})
}

// randomID returns 128 random bits as 32 hex digits.
func randomID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b[:])
}
