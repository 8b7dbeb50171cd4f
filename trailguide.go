// Package trailguide is the vocabulary of the product: projects, sessions,
// events, recording chunks, users, and the interfaces of the services and
// stores that the adapters (sqlite, fileblob, ...) implement and that ingest,
// httpapi and the worker consume. It imports the standard library only.
package trailguide

import (
	"context"
	"encoding/json"
	"time"
)

// Clock lets tests move time; production code uses SystemClock.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Project is one tracked site or app. PublicKey is the write-only ingest key
// that the SDK snippet carries; it is not a secret.
//
// OrgID is the organisation the project belongs to; a project with an empty
// OrgID belongs to nobody and is shown to nobody.
type Project struct {
	ID             string    `json:"id"`
	OrgID          string    `json:"org_id"`
	Name           string    `json:"name"`
	PublicKey      string    `json:"public_key"`
	AllowedOrigins []string  `json:"allowed_origins"`
	RetentionDays  int       `json:"retention_days"`
	CreatedAt      time.Time `json:"created_at"`
	// FrictionConfig is the project's friction thresholds as a JSON object
	// (friction.Config's wire form); nil means the defaults. This package
	// cannot import friction, so the edges (httpapi, ingest, worker) decode
	// and validate it with friction.ParseConfig.
	FrictionConfig json.RawMessage `json:"friction_config,omitempty"`
	// PrivacyConfig is the project's masking settings as a JSON object
	// (MaskConfig's wire form); nil means the defaults (balanced, no
	// rules). The edges validate it with privacy.ParseConfig.
	PrivacyConfig json.RawMessage `json:"privacy_config,omitempty"`
}

// ProjectStore persists projects.
type ProjectStore interface {
	CreateProject(ctx context.Context, p *Project) error
	// Project returns ENOTFOUND when id is unknown.
	Project(ctx context.Context, id string) (*Project, error)
	// ProjectByKey returns ENOTFOUND when key is unknown.
	ProjectByKey(ctx context.Context, publicKey string) (*Project, error)
	// Projects returns every project of every organisation (for the
	// worker); the API lists OrgProjects.
	Projects(ctx context.Context) ([]*Project, error)
	// OrgProjects returns the projects of one organisation, oldest first.
	OrgProjects(ctx context.Context, orgID string) ([]*Project, error)
	// SetAllowedOrigins replaces the allowed origins of a project (nil
	// means none: every origin may send). ENOTFOUND when projectID is
	// unknown. Callers validate the origins.
	SetAllowedOrigins(ctx context.Context, projectID string, origins []string) error
	// SetFrictionConfig replaces the FrictionConfig of a project; nil or
	// empty resets it to the defaults. EINVALID when cfg is not a JSON
	// object, ENOTFOUND when projectID is unknown. The store checks only
	// that it is JSON; callers validate it with friction.ParseConfig.
	SetFrictionConfig(ctx context.Context, projectID string, cfg json.RawMessage) error
	// SetPrivacyConfig replaces the PrivacyConfig of a project; nil or empty
	// resets it to the defaults. EINVALID when cfg is not a JSON object,
	// ENOTFOUND when projectID is unknown. Callers validate it with
	// privacy.ParseConfig.
	SetPrivacyConfig(ctx context.Context, projectID string, cfg json.RawMessage) error
}
