package trailguide

import (
	"context"
	"time"
)

// Dashboard user roles.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
	RoleViewer = "viewer"
)

// DefaultOrgID is the organisation that first-run setup, `trailguide user
// create` without --org, the demo project and the data of installations
// older than organisations belong to.
const DefaultOrgID = "default"

// Org is an organisation: the tenant boundary. Every project and every
// dashboard user belongs to exactly one; a user sees only the projects,
// users and API keys of their own organisation.
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// User is a dashboard account of one organisation.
type User struct {
	ID           string    `json:"id"`
	OrgID        string    `json:"org_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// AuthSession is a logged-in dashboard session. ID is the SHA-256 (hex) of
// the random token in the user's cookie, so a leaked database does not leak
// live sessions.
type AuthSession struct {
	ID        string    `json:"-"`
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ValidRole reports whether role is one of the dashboard roles.
func ValidRole(role string) bool {
	return role == RoleAdmin || role == RoleMember || role == RoleViewer
}

// UserStore persists organisations, users and their dashboard sessions.
// Emails are unique across organisations (login is by email alone).
type UserStore interface {
	// CreateOrg returns ECONFLICT when the ID exists.
	CreateOrg(ctx context.Context, o *Org) error
	// Org returns ENOTFOUND when id is unknown.
	Org(ctx context.Context, id string) (*Org, error)

	// CreateUser returns ECONFLICT when the email is taken, ENOTFOUND when
	// u.OrgID names no organisation (EINVALID when it is empty).
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id string) (*User, error)
	// UserByEmail matches case-insensitively; ENOTFOUND when unknown.
	UserByEmail(ctx context.Context, email string) (*User, error)
	CountUsers(ctx context.Context) (int, error)
	UpdatePassword(ctx context.Context, userID, hash string) error
	// OrgUsers returns the users of one organisation, oldest first.
	OrgUsers(ctx context.Context, orgID string) ([]*User, error)
	// SetUserRole changes the role of a user of orgID. ENOTFOUND when the
	// user is unknown or in another organisation; ECONFLICT when it would
	// leave the organisation without an admin.
	SetUserRole(ctx context.Context, orgID, userID, role string) error
	// DeleteUser removes a user of orgID and every session of theirs.
	// ENOTFOUND when the user is unknown or in another organisation;
	// ECONFLICT when it would leave the organisation without an admin.
	DeleteUser(ctx context.Context, orgID, userID string) error

	CreateAuthSession(ctx context.Context, s *AuthSession) error
	// AuthSession returns ENOTFOUND when unknown or expired.
	AuthSession(ctx context.Context, id string) (*AuthSession, error)
	DeleteAuthSession(ctx context.Context, id string) error
	DeleteUserAuthSessions(ctx context.Context, userID string) error
}
