package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/password"
)

// SessionCookie is the name of the dashboard session cookie.
const SessionCookie = "tg_session"

// Password length bounds (in characters): the lower bound is OWASP's, the
// upper keeps hashing cost per request bounded.
const (
	minPasswordLen = 8
	maxPasswordLen = 1024
)

type userResponse struct {
	User *trailguide.User `json:"user"`
}

// handleSetupStatus tells the dashboard whether first-run setup is pending.
func (s *Server) handleSetupStatus(w http.ResponseWriter, r *http.Request) {
	n, err := s.deps.Users.CountUsers(r.Context())
	if err != nil {
		s.Error(w, r, fmt.Errorf("count users: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"needed": n == 0})
}

// handleSetup creates the first admin, in the default organisation, with
// the one-time token printed at start, and logs them in. The token works once, and only while no user
// exists.
func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) {
	if !s.allowAttempt(w, r) {
		return
	}
	var in struct {
		Token    string `json:"token"`
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}

	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.setupToken == "" || subtle.ConstantTimeCompare([]byte(in.Token), []byte(s.setupToken)) != 1 {
		s.Error(w, r, trailguide.Errorf(trailguide.EFORBIDDEN, "This setup link is not valid."))
		return
	}
	n, err := s.deps.Users.CountUsers(r.Context())
	if err != nil {
		s.Error(w, r, fmt.Errorf("count users: %w", err))
		return
	} else if n > 0 {
		s.setupToken = ""
		s.Error(w, r, trailguide.Errorf(trailguide.ECONFLICT, "Setup is already complete."))
		return
	}
	u, err := s.newUser(trailguide.DefaultOrgID, in.Email, in.Name, in.Password, trailguide.RoleAdmin)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := EnsureDefaultOrg(r.Context(), s.deps.Users, s.now()); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.deps.Users.CreateUser(r.Context(), u); err != nil {
		s.Error(w, r, fmt.Errorf("create admin: %w", err))
		return
	}
	s.setupToken = ""
	s.logger.Info("first admin created", "user_id", u.ID)
	if err := s.startSession(w, r, u); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, userResponse{User: u})
}

// EnsureDefaultOrg creates the default organisation unless it exists.
func EnsureDefaultOrg(ctx context.Context, users trailguide.UserStore, now time.Time) error {
	err := users.CreateOrg(ctx, &trailguide.Org{ID: trailguide.DefaultOrgID, Name: "Default", CreatedAt: now.UTC()})
	if err != nil && trailguide.ErrorCode(err) != trailguide.ECONFLICT {
		return fmt.Errorf("create default organisation: %w", err)
	}
	return nil
}

// newUser validates the fields of a new account of orgID and hashes its
// password.
func (s *Server) newUser(orgID, email, name, pw, role string) (*trailguide.User, error) {
	email = strings.TrimSpace(email)
	if err := ValidateEmail(email); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if utf8.RuneCountInString(name) > 100 {
		return nil, trailguide.Invalid("name", "Name is longer than 100 characters.")
	}
	if !trailguide.ValidRole(role) {
		return nil, trailguide.Invalid("role", "Role must be admin, member or viewer.")
	}
	if err := ValidatePassword(pw); err != nil {
		return nil, err
	}
	hash, err := password.Hash(pw, s.cfg.Password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	return &trailguide.User{
		ID:           NewID(),
		OrgID:        orgID,
		Email:        email,
		Name:         name,
		Role:         role,
		PasswordHash: hash,
		CreatedAt:    s.now().UTC(),
	}, nil
}

// ValidateEmail checks that email is a bare address (EINVALID, reason "email").
func ValidateEmail(email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return trailguide.Invalid("email", "Enter a valid email address.")
	}
	return nil
}

// ValidatePassword checks the length rules (EINVALID, reason "password").
func ValidatePassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < minPasswordLen || n > maxPasswordLen {
		return trailguide.Invalid("password", "Password must be %d to %d characters long.", minPasswordLen, maxPasswordLen)
	}
	return nil
}

// handleLogin checks email and password and starts a session. Unknown
// emails are verified against a dummy hash so that the answer takes the same
// time, and every failure is the same 401.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if !s.allowAttempt(w, r) {
		return
	}
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	u, err := s.deps.Users.UserByEmail(r.Context(), strings.TrimSpace(in.Email))
	hash := ""
	switch trailguide.ErrorCode(err) {
	case "":
		hash = u.PasswordHash
	case trailguide.ENOTFOUND:
		u, hash = nil, s.dummyHash()
	default:
		s.Error(w, r, fmt.Errorf("find user: %w", err))
		return
	}
	if len(in.Password) > 4*maxPasswordLen {
		in.Password = in.Password[:4*maxPasswordLen] // bounded cost; cannot match anyway
	}
	ok, err := password.Verify(in.Password, hash)
	if err != nil && u != nil {
		s.logger.Error("stored password hash unreadable", "user_id", u.ID, "err", err)
	}
	if u == nil || !ok {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAUTHORIZED, "Invalid email or password."))
		return
	}
	if password.NeedsRehash(u.PasswordHash, s.cfg.Password) {
		// The parameters were raised since this hash was made; the plain
		// password is at hand only now.
		if h, err := password.Hash(in.Password, s.cfg.Password); err == nil {
			if err := s.deps.Users.UpdatePassword(r.Context(), u.ID, h); err != nil {
				s.logger.Warn("rehash password", "user_id", u.ID, "err", err)
			}
		}
	}
	if err := s.startSession(w, r, u); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, userResponse{User: u})
}

// handleLogout ends the current session, if any, and clears the cookie. It
// succeeds without a session too, so a stale tab can always log out.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if id, ok := sessionID(r); ok {
		if err := s.deps.Users.DeleteAuthSession(r.Context(), id); err != nil && trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
			s.Error(w, r, fmt.Errorf("delete auth session: %w", err))
			return
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
	w.WriteHeader(http.StatusNoContent)
}

// handleChangePassword replaces the caller's password after checking the
// current one, then ends every session of theirs, this one included, and
// starts a fresh one: a session stolen before the change dies with it. A
// wrong current password is EINVALID (not 401, which would log the
// dashboard out) and counts against the login rate limit.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	if !s.allowAttempt(w, r) {
		return
	}
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	u := userFrom(r.Context())
	if len(in.Current) > 4*maxPasswordLen {
		in.Current = in.Current[:4*maxPasswordLen]
	}
	if ok, err := password.Verify(in.Current, u.PasswordHash); err != nil || !ok {
		s.Error(w, r, trailguide.Invalid("current_password", "The current password is wrong."))
		return
	}
	if err := ValidatePassword(in.New); err != nil {
		s.Error(w, r, trailguide.Invalid("new_password", "%s", trailguide.ErrorMessage(err)))
		return
	}
	hash, err := password.Hash(in.New, s.cfg.Password)
	if err != nil {
		s.Error(w, r, fmt.Errorf("hash password: %w", err))
		return
	}
	if err := s.deps.Users.UpdatePassword(r.Context(), u.ID, hash); err != nil {
		s.Error(w, r, fmt.Errorf("update password: %w", err))
		return
	}
	if err := s.deps.Users.DeleteUserAuthSessions(r.Context(), u.ID); err != nil {
		s.Error(w, r, fmt.Errorf("revoke sessions: %w", err))
		return
	}
	s.logger.Info("password changed; sessions revoked", "user_id", u.ID)
	if err := s.startSession(w, r, u); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleMe returns the logged-in user.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userResponse{User: userFrom(r.Context())})
}

// startSession stores a new session for u and sets its cookie. The cookie
// holds 32 random bytes; the store only ever sees their SHA-256.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *trailguide.User) error {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	as := &trailguide.AuthSession{
		ID:        hashToken(raw),
		UserID:    u.ID,
		CreatedAt: now,
		ExpiresAt: now.Add(s.cfg.SessionTTL),
	}
	if err := s.deps.Users.CreateAuthSession(r.Context(), as); err != nil {
		return fmt.Errorf("create auth session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  as.ExpiresAt,
		MaxAge:   int(s.cfg.SessionTTL.Seconds()),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   r.TLS != nil,
	})
	return nil
}

// sessionID returns the stored session id for r's cookie, if it has a
// well-formed one.
func sessionID(r *http.Request) (string, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != 32 {
		return "", false
	}
	return hashToken(raw), true
}

func hashToken(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// requireAdmin answers 403 and returns false unless the caller holds the
// admin permission. Routes declare their permission in the route table;
// this is a second check inside handlers that predate it.
func (s *Server) requireAdmin(w http.ResponseWriter, r *http.Request) bool {
	if p := principalFrom(r.Context()); p == nil || !p.may(permAdmin) {
		s.Error(w, r, trailguide.Errorf(trailguide.EFORBIDDEN, "Only admins can do this."))
		return false
	}
	return true
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random identifier (80 bits, 16 lower-case base32
// characters) for users and projects.
func NewID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return idEncoding.EncodeToString(b)
}
