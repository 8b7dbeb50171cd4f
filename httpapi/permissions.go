package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/trailguide/trailguide"
)

// perm is what a route needs from its caller. Every route in the route table
// (server.go) names one; grants below is the one place that says which
// roles and API key scopes hold which.
type perm string

const (
	// permPublic: no login (setup, login, logout, ingest, static files).
	permPublic perm = "public"
	// permSelf: a logged-in user acting on their own account. Not for API
	// keys, which belong to the organisation rather than to a person.
	permSelf perm = "self"
	// permRead: read anything of the caller's organisation.
	permRead perm = "read"
	// permWrite: change non-administrative things (none yet besides what
	// admins may do; members hold it for what comes, e.g. notes, segments).
	permWrite perm = "write"
	// permAdmin: manage users, projects, keys and settings.
	permAdmin perm = "admin"
)

// grants is the role → permission table. API keys act with the grant of
// their scope ("key:read", "key:read-write"), which never includes self or
// admin: a leaked key cannot create users or more keys.
var grants = map[string]map[perm]bool{
	trailguide.RoleAdmin:  {permSelf: true, permRead: true, permWrite: true, permAdmin: true},
	trailguide.RoleMember: {permSelf: true, permRead: true, permWrite: true},
	trailguide.RoleViewer: {permSelf: true, permRead: true},

	keyGrant(trailguide.ScopeRead):      {permRead: true},
	keyGrant(trailguide.ScopeReadWrite): {permRead: true, permWrite: true},
}

func keyGrant(scope string) string { return "key:" + scope }

// principal is who makes a request: a dashboard user (cookie session) or an
// organisation's API key (bearer). Everything it may see is in OrgID.
type principal struct {
	OrgID string
	Grant string           // a key of grants
	User  *trailguide.User // nil for API keys
	Key   *trailguide.APIKey
}

// actor names the principal in logs.
func (p *principal) actor() string {
	if p.User != nil {
		return "user:" + p.User.ID
	}
	return "key:" + p.Key.ID
}

// may reports whether the principal holds perm.
func (p *principal) may(need perm) bool { return grants[p.Grant][need] }

// guard wraps a route's handler with its permission check: it
// authenticates the caller (bearer key or session cookie), refuses what the
// caller's role may not do (403), and for routes under /api/v1/projects/{pid}
// loads the project, answering 404 unless it belongs to the caller's
// organisation.
// This is the one place where tenant isolation of projects is decided;
// handlers read the project with s.project(r).
func (s *Server) guard(rt route) http.HandlerFunc {
	if rt.perm == permPublic {
		return rt.handler
	}
	pidName := projectWildcard(rt.pattern)
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if !p.may(rt.perm) {
			s.Error(w, r, forbidden(p, rt.perm))
			return
		}
		ctx := context.WithValue(r.Context(), principalKey, p)
		if pidName != "" {
			proj, err := s.orgProject(ctx, p, r.PathValue(pidName))
			if err != nil {
				s.Error(w, r, err)
				return
			}
			ctx = context.WithValue(ctx, projectKey, proj)
		}
		rt.handler(w, r.WithContext(ctx))
	}
}

// projectWildcard returns the name of the wildcard that names a project in
// pattern: the segment after /api/v1/projects/ ("pid" by convention, but
// any name counts, so that a route written as /projects/{id}/... is scoped
// too). "" when the route is not under a project.
func projectWildcard(pattern string) string {
	_, path, _ := strings.Cut(pattern, " ")
	rest, ok := strings.CutPrefix(path, "/api/v1/projects/{")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "}")
	return strings.TrimSuffix(name, "...")
}

// forbidden explains a 403.
func forbidden(p *principal, need perm) error {
	switch {
	case p.User == nil && need == permSelf:
		return trailguide.Errorf(trailguide.EFORBIDDEN, "API keys cannot use this route; it needs a dashboard login.")
	case p.User == nil:
		return trailguide.Errorf(trailguide.EFORBIDDEN, "This API key's scope (%s) does not allow this.", p.Key.Scope)
	case need == permAdmin:
		return trailguide.Errorf(trailguide.EFORBIDDEN, "Only admins can do this.")
	}
	return trailguide.Errorf(trailguide.EFORBIDDEN, "Your role (%s) cannot change anything.", p.User.Role)
}

// orgProject loads project id if it belongs to p's organisation. Another
// organisation's project is the same ENOTFOUND as a missing one.
func (s *Server) orgProject(ctx context.Context, p *principal, id string) (*trailguide.Project, error) {
	notFound := trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
	proj, err := s.deps.Projects.Project(ctx, id)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, fmt.Errorf("load project: %w", err)
	}
	if proj.OrgID == "" || proj.OrgID != p.OrgID {
		return nil, notFound
	}
	normalizeProject(proj)
	return proj, nil
}

// project returns the project guard loaded for the {pid} of this request;
// ENOTFOUND on routes without one.
func (s *Server) project(r *http.Request) (*trailguide.Project, error) {
	if p, ok := r.Context().Value(projectKey).(*trailguide.Project); ok {
		return p, nil
	}
	return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
}

// authenticate returns the principal of r: its API key when it has an
// Authorization header (cookies are then ignored), else its session
// cookie's user. EUNAUTHORIZED, with a reason for keys, when neither works.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		return s.authenticateKey(r, h)
	}
	notLoggedIn := trailguide.Errorf(trailguide.EUNAUTHORIZED, "Not logged in.")
	id, ok := sessionID(r)
	if !ok {
		return nil, notLoggedIn
	}
	as, err := s.deps.Users.AuthSession(r.Context(), id)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND || (err == nil && !as.ExpiresAt.After(s.now())) {
		return nil, notLoggedIn
	} else if err != nil {
		return nil, fmt.Errorf("load auth session: %w", err)
	}
	u, err := s.deps.Users.User(r.Context(), as.UserID)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return nil, notLoggedIn
	} else if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	if u.OrgID == "" || grants[u.Role] == nil {
		s.logger.Warn("user without organisation or with an unknown role", "user_id", u.ID, "role", u.Role)
		return nil, trailguide.Errorf(trailguide.EFORBIDDEN, "This account has no organisation or role.")
	}
	return &principal{OrgID: u.OrgID, Grant: u.Role, User: u}, nil
}

// authenticateKey checks an "Authorization: Bearer tg_sk_..." header.
func (s *Server) authenticateKey(r *http.Request, header string) (*principal, error) {
	unauthorized := func(reason, msg string) error {
		return &trailguide.Error{Code: trailguide.EUNAUTHORIZED, Message: msg, Reason: reason}
	}
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, unauthorized("authorization", "The Authorization header must be \"Bearer\" and a secret API key.")
	}
	if !trailguide.IsSecretKey(token) {
		if strings.HasPrefix(token, trailguide.PublicKeyPrefix) {
			return nil, unauthorized("public_key", "This is a project's public ingest key; it only works on /ingest. Use a secret API key (tg_sk_...).")
		}
		return nil, unauthorized("api_key", "Unknown or revoked API key.")
	}
	if s.deps.Keys == nil {
		return nil, unauthorized("api_key", "Unknown or revoked API key.")
	}
	k, err := s.deps.Keys.APIKeyByHash(r.Context(), trailguide.HashAPIKey(token))
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return nil, unauthorized("api_key", "Unknown or revoked API key.")
	} else if err != nil {
		return nil, fmt.Errorf("load api key: %w", err)
	}
	if grants[keyGrant(k.Scope)] == nil {
		return nil, unauthorized("api_key", "Unknown or revoked API key.")
	}
	now := s.now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyTouchEvery {
		if err := s.deps.Keys.TouchAPIKey(r.Context(), k.ID, now); err != nil {
			s.logger.Warn("record api key use", "key_id", k.ID, "err", err)
		}
	}
	return &principal{OrgID: k.OrgID, Grant: keyGrant(k.Scope), Key: k}, nil
}
