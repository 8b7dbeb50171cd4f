package httpapi

import (
	"fmt"
	"net/http"

	"github.com/trailguide/trailguide"
)

// handleListUsers lists the users of the caller's organisation.
func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.deps.Users.OrgUsers(r.Context(), principalFrom(r.Context()).OrgID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("list users: %w", err))
		return
	}
	if users == nil {
		users = []*trailguide.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

// handleCreateUser adds a user to the caller's organisation with an initial
// password that the admin hands over; the new user changes it with POST
// /api/v1/me/password (docs/SECURITY.md).
func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		Password string `json:"password"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	p := principalFrom(r.Context())
	u, err := s.newUser(p.OrgID, in.Email, in.Name, in.Password, in.Role)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.deps.Users.CreateUser(r.Context(), u); err != nil {
		s.Error(w, r, fmt.Errorf("create user: %w", err))
		return
	}
	s.logger.Info("user created", "user_id", u.ID, "role", u.Role, "by", p.actor())
	writeJSON(w, http.StatusCreated, userResponse{User: u})
}

// handleUpdateUser changes a user's role. The change applies to their next
// request: roles are read per request, not stored in sessions.
func (s *Server) handleUpdateUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Role string `json:"role"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if !trailguide.ValidRole(in.Role) {
		s.Error(w, r, trailguide.Invalid("role", "Role must be admin, member or viewer."))
		return
	}
	p := principalFrom(r.Context())
	id := r.PathValue("uid")
	if err := s.deps.Users.SetUserRole(r.Context(), p.OrgID, id, in.Role); err != nil {
		s.Error(w, r, fmt.Errorf("set role: %w", err))
		return
	}
	u, err := s.deps.Users.User(r.Context(), id)
	if err != nil {
		s.Error(w, r, fmt.Errorf("load user: %w", err))
		return
	}
	s.logger.Info("user role changed", "user_id", id, "role", in.Role, "by", p.actor())
	writeJSON(w, http.StatusOK, userResponse{User: u})
}

// handleDeleteUser removes a user of the caller's organisation and every
// session of theirs. Admins cannot remove themselves, and the last admin
// stays (ECONFLICT).
func (s *Server) handleDeleteUser(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	id := r.PathValue("uid")
	if p.User != nil && p.User.ID == id {
		s.Error(w, r, trailguide.Errorf(trailguide.ECONFLICT, "You cannot remove yourself."))
		return
	}
	if err := s.deps.Users.DeleteUser(r.Context(), p.OrgID, id); err != nil {
		s.Error(w, r, fmt.Errorf("delete user: %w", err))
		return
	}
	s.logger.Info("user removed", "user_id", id, "by", p.actor())
	w.WriteHeader(http.StatusNoContent)
}
