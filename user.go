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

// User is a dashboard account.
type User struct {
	ID           string    `json:"id"`
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

// UserStore persists users and their dashboard sessions.
type UserStore interface {
	// CreateUser returns ECONFLICT when the email is taken.
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id string) (*User, error)
	// UserByEmail matches case-insensitively; ENOTFOUND when unknown.
	UserByEmail(ctx context.Context, email string) (*User, error)
	CountUsers(ctx context.Context) (int, error)
	UpdatePassword(ctx context.Context, userID, hash string) error

	CreateAuthSession(ctx context.Context, s *AuthSession) error
	// AuthSession returns ENOTFOUND when unknown or expired.
	AuthSession(ctx context.Context, id string) (*AuthSession, error)
	DeleteAuthSession(ctx context.Context, id string) error
	DeleteUserAuthSessions(ctx context.Context, userID string) error
}
