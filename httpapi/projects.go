package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/trailguide/trailguide"
)

// DefaultRetentionDays is the retention of a new project (DESIGN §5).
const DefaultRetentionDays = 30

type projectResponse struct {
	Project *trailguide.Project `json:"project"`
}

// handleListProjects lists the projects of the caller's organisation.
func (s *Server) handleListProjects(w http.ResponseWriter, r *http.Request) {
	ps, err := s.deps.Projects.OrgProjects(r.Context(), principalFrom(r.Context()).OrgID)
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

// handleCreateProject creates a project of the caller's organisation with a
// fresh public key.
func (s *Server) handleCreateProject(w http.ResponseWriter, r *http.Request) {
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
		OrgID:          principalFrom(r.Context()).OrgID,
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
	s.logger.Info("project created", "project_id", p.ID, "by", principalFrom(r.Context()).actor())
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

// Allowed-origins bounds (docs/API.md).
const (
	maxAllowedOrigins = 50
	maxOriginLen      = 200
)

// handlePutAllowedOrigins replaces the origins a project accepts ingest
// from. An empty list accepts every origin. This only keeps other sites'
// noise out: the public key is in every page, and a client that is not a
// browser can send any Origin header (docs/SECURITY.md).
func (s *Server) handlePutAllowedOrigins(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in struct {
		AllowedOrigins []string `json:"allowed_origins"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	origins, err := NormalizeOrigins(in.AllowedOrigins)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.deps.Projects.SetAllowedOrigins(r.Context(), p.ID, origins); err != nil {
		s.Error(w, r, fmt.Errorf("set allowed origins: %w", err))
		return
	}
	p.AllowedOrigins = origins
	s.logger.Info("allowed origins saved", "project_id", p.ID, "origins", len(origins), "by", principalFrom(r.Context()).actor())
	writeJSON(w, http.StatusOK, projectResponse{Project: p})
}

// NormalizeOrigins validates a list of web origins (scheme://host[:port],
// http or https, nothing else) and returns them lower-cased without a
// trailing slash and without duplicates. A bad entry is EINVALID with
// reason "allowed_origins[i]".
func NormalizeOrigins(in []string) ([]string, error) {
	if len(in) > maxAllowedOrigins {
		return nil, trailguide.Invalid("allowed_origins", "At most %d allowed origins.", maxAllowedOrigins)
	}
	out := []string{}
	seen := map[string]bool{}
	for i, raw := range in {
		o := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(raw), "/"))
		u, err := url.Parse(o)
		if len(o) > maxOriginLen || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.Contains(o, "*") || u.Port() == "0" {
			return nil, trailguide.Invalid(fmt.Sprintf("allowed_origins[%d]", i),
				"%q is not an origin: write scheme://host[:port], e.g. https://shop.example.", raw)
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out, nil
}
