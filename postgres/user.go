package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
)

// UserStore implements trailguide.UserStore.
type UserStore struct {
	db *DB
}

var _ trailguide.UserStore = (*UserStore)(nil)

// NewUserStore returns the user store of db.
func NewUserStore(db *DB) *UserStore { return &UserStore{db: db} }

// emailKey is the form emails are compared in: trimmed and lower-cased.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateOrg inserts o. An empty ID is filled with a random one and a zero
// CreatedAt with the DB clock; o is updated in place. ECONFLICT when the ID
// exists.
func (s *UserStore) CreateOrg(ctx context.Context, o *trailguide.Org) error {
	if o == nil || strings.TrimSpace(o.Name) == "" {
		return trailguide.Invalid("name", "Organisation name required.")
	}
	if o.ID == "" {
		o.ID = randomID()
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = s.db.now()
	}
	o.CreatedAt = fromMS(ms(o.CreatedAt))
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)`, o.ID, o.Name, ms(o.CreatedAt))
		if isUnique(err) {
			return trailguide.Errorf(trailguide.ECONFLICT, "Organisation already exists.")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create org: %w", err)
	}
	return nil
}

// Org returns the organisation with id; ENOTFOUND when unknown.
func (s *UserStore) Org(ctx context.Context, id string) (*trailguide.Org, error) {
	var (
		o       trailguide.Org
		created int64
	)
	err := s.db.reader().QueryRowContext(ctx, `SELECT id, name, created_at FROM orgs WHERE id = ?`, id).Scan(&o.ID, &o.Name, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Organisation not found.")
	} else if err != nil {
		return nil, fmt.Errorf("org: %w", err)
	}
	o.CreatedAt = fromMS(created)
	return &o, nil
}

// CreateUser inserts u. An empty ID is filled with a random one and a zero
// CreatedAt with the DB clock; u is updated in place. ECONFLICT when the
// email is taken (case-insensitively) or the ID exists; ENOTFOUND when the
// organisation does not exist.
func (s *UserStore) CreateUser(ctx context.Context, u *trailguide.User) error {
	switch {
	case u == nil || emailKey(u.Email) == "":
		return trailguide.Invalid("email", "Email required.")
	case u.Role == "":
		return trailguide.Invalid("role", "Role required.")
	case u.OrgID == "":
		return trailguide.Invalid("org_id", "Organisation required.")
	}
	if u.ID == "" {
		u.ID = randomID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.db.now()
	}
	u.CreatedAt = fromMS(ms(u.CreatedAt))
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (id, org_id, email, email_key, name, role, password_hash, created_at)
			SELECT ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::bigint WHERE EXISTS (SELECT 1 FROM orgs WHERE id = ?)`,
			u.ID, u.OrgID, u.Email, emailKey(u.Email), u.Name, u.Role, u.PasswordHash, ms(u.CreatedAt), u.OrgID)
		if isUnique(err) {
			return trailguide.Errorf(trailguide.ECONFLICT, "A user with this email already exists.")
		} else if err != nil {
			return err
		}
		return mustAffect(res, "Organisation not found.")
	})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// mustAffect turns "no row changed" into ENOTFOUND with msg.
func mustAffect(res result, msg string) error {
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return trailguide.Errorf(trailguide.ENOTFOUND, "%s", msg)
	}
	return nil
}

const userColumns = `id, org_id, email, name, role, password_hash, created_at`

func scanUser(sc scanner) (*trailguide.User, error) {
	var (
		u       trailguide.User
		created int64
	)
	if err := sc.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

func (s *UserStore) one(ctx context.Context, column, value string) (*trailguide.User, error) {
	u, err := scanUser(s.db.reader().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+column+` = ?`, value))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "User not found.")
	} else if err != nil {
		return nil, fmt.Errorf("user by %s: %w", column, err)
	}
	return u, nil
}

// OrgUsers returns the users of orgID, oldest first.
func (s *UserStore) OrgUsers(ctx context.Context, orgID string) ([]*trailguide.User, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = ? ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org users: %w", err)
	}
	defer rows.Close()
	users := []*trailguide.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("org users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("org users: %w", err)
	}
	return users, nil
}

// SetUserRole changes the role of a user of orgID. The check that an admin
// remains runs in the same write transaction as the change.
func (s *UserStore) SetUserRole(ctx context.Context, orgID, userID, role string) error {
	if !trailguide.ValidRole(role) {
		return trailguide.Invalid("role", "Role must be admin, member or viewer.")
	}
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ? AND org_id = ?`, role, userID, orgID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "User not found."); err != nil {
			return err
		}
		return adminRemains(ctx, tx, orgID)
	})
	if err != nil {
		return fmt.Errorf("set user role: %w", err)
	}
	return nil
}

// DeleteUser removes a user of orgID; their auth sessions go with them
// (ON DELETE CASCADE).
func (s *UserStore) DeleteUser(ctx context.Context, orgID, userID string) error {
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM auth_sessions WHERE user_id IN (SELECT id FROM users WHERE id = ? AND org_id = ?)`, userID, orgID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ? AND org_id = ?`, userID, orgID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "User not found."); err != nil {
			return err
		}
		return adminRemains(ctx, tx, orgID)
	})
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}

// adminRemains fails with ECONFLICT (rolling the transaction back) when
// orgID has no admin left.
func adminRemains(ctx context.Context, tx q, orgID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE org_id = ? AND role = ?`, orgID, trailguide.RoleAdmin).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return trailguide.Errorf(trailguide.ECONFLICT, "The organisation must keep at least one admin.")
	}
	return nil
}

// User returns the user with id; ENOTFOUND when unknown.
func (s *UserStore) User(ctx context.Context, id string) (*trailguide.User, error) {
	return s.one(ctx, "id", id)
}

// UserByEmail matches case-insensitively; ENOTFOUND when unknown.
func (s *UserStore) UserByEmail(ctx context.Context, email string) (*trailguide.User, error) {
	return s.one(ctx, "email_key", emailKey(email))
}

// CountUsers returns the number of users.
func (s *UserStore) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.reader().QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// UpdatePassword replaces the user's password hash; ENOTFOUND when unknown.
func (s *UserStore) UpdatePassword(ctx context.Context, userID, hash string) error {
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return trailguide.Errorf(trailguide.ENOTFOUND, "User not found.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update password: %w", err)
	}
	return nil
}

// CreateAuthSession stores a dashboard session. A zero CreatedAt is filled
// with the DB clock. ENOTFOUND when the user does not exist, ECONFLICT when
// the ID does.
func (s *UserStore) CreateAuthSession(ctx context.Context, a *trailguide.AuthSession) error {
	switch {
	case a == nil || a.ID == "":
		return trailguide.Invalid("id", "Auth session ID required.")
	case a.ExpiresAt.IsZero():
		return trailguide.Invalid("expires_at", "Auth session expiry required.")
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.db.now()
	}
	a.CreatedAt, a.ExpiresAt = fromMS(ms(a.CreatedAt)), fromMS(ms(a.ExpiresAt))
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO auth_sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			a.ID, a.UserID, ms(a.CreatedAt), ms(a.ExpiresAt))
		switch {
		case isForeignKey(err):
			return trailguide.Errorf(trailguide.ENOTFOUND, "User not found.")
		case isUnique(err):
			return trailguide.Errorf(trailguide.ECONFLICT, "Auth session already exists.")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create auth session: %w", err)
	}
	return nil
}

// AuthSession returns the session with id; ENOTFOUND when unknown or expired
// by the DB clock.
func (s *UserStore) AuthSession(ctx context.Context, id string) (*trailguide.AuthSession, error) {
	var (
		a                trailguide.AuthSession
		created, expires int64
	)
	err := s.db.reader().QueryRowContext(ctx, `SELECT id, user_id, created_at, expires_at FROM auth_sessions
		WHERE id = ? AND expires_at > ?`, id, s.db.now().UnixMilli()).Scan(&a.ID, &a.UserID, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Auth session not found.")
	} else if err != nil {
		return nil, fmt.Errorf("auth session: %w", err)
	}
	a.CreatedAt, a.ExpiresAt = fromMS(created), fromMS(expires)
	return &a, nil
}

// DeleteAuthSession removes one session; a missing one is not an error.
func (s *UserStore) DeleteAuthSession(ctx context.Context, id string) error {
	if err := s.exec(ctx, `DELETE FROM auth_sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete auth session: %w", err)
	}
	return nil
}

// DeleteUserAuthSessions removes every session of the user (after a password
// change, say).
func (s *UserStore) DeleteUserAuthSessions(ctx context.Context, userID string) error {
	if err := s.exec(ctx, `DELETE FROM auth_sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete auth sessions of user: %w", err)
	}
	return nil
}

func (s *UserStore) exec(ctx context.Context, query string, args ...any) error {
	return s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}
