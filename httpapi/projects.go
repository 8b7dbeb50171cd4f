package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/trailguide/trailguide"
)

// DefaultRetentionDays is the retention of a new project (DESIGN §5).
const DefaultRetentionDays = 30

type projectResponse struct {
	Project *trailguide.Project `json:"project"`
}

// handleListProjects lists every project.
func (s *Server) handleListProjects(w http.ResponseWriter, r *http.Request) {
	ps, err := s.deps.Projects.Projects(r.Context())
	if err != nil {
		s.Error(w, r, fmt.Errorf("list projects: %w", err))
		return
	}
	if ps == nil {
		ps = []*trailguide.Project{}
	}
	for _, p := range ps {
		normalizeProject(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": ps})
}

// handleCreateProject creates a project with a fresh public key (admins only).
func (s *Server) handleCreateProject(w http.ResponseWriter, r *http.Request) {
	if !s.requireAdmin(w, r) {
		return
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		s.Error(w, r, trailguide.Invalid("name", "Project name must be 1 to 100 characters long."))
		return
	}
	p := &trailguide.Project{
		ID:             NewID(),
		Name:           name,
		PublicKey:      NewPublicKey(),
		AllowedOrigins: []string{},
		RetentionDays:  DefaultRetentionDays,
		CreatedAt:      s.now().UTC(),
	}
	if err := s.deps.Projects.CreateProject(r.Context(), p); err != nil {
		s.Error(w, r, fmt.Errorf("create project: %w", err))
		return
	}
	s.logger.Info("project created", "project_id", p.ID, "user_id", userFrom(r.Context()).ID)
	writeJSON(w, http.StatusCreated, projectResponse{Project: p})
}

// handleGetProject returns one project.
func (s *Server) handleGetProject(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, projectResponse{Project: p})
}

// project loads the project named by the {pid} path value; ENOTFOUND when
// there is none.
func (s *Server) project(r *http.Request) (*trailguide.Project, error) {
	p, err := s.deps.Projects.Project(r.Context(), r.PathValue("pid"))
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
	} else if err != nil {
		return nil, fmt.Errorf("load project: %w", err)
	}
	normalizeProject(p)
	return p, nil
}

// normalizeProject makes list fields encode as [] rather than null.
func normalizeProject(p *trailguide.Project) {
	if p.AllowedOrigins == nil {
		p.AllowedOrigins = []string{}
	}
}

// NewPublicKey returns a fresh ingest key: "tg_" and 24 hex characters. It
// is public (it ships in every page's snippet); it only has to be unique and
// not guessable from another project's key.
func NewPublicKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "tg_" + hex.EncodeToString(b)
}
