package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/guide"
)

func (s *Server) guideStore() (trailguide.GuideStore, error) {
	if s.deps.Guides == nil {
		return nil, trailguide.Errorf(trailguide.EUNAVAILABLE, "Guides are not available.")
	}
	return s.deps.Guides, nil
}

// guideOf loads the project and the guide of a /guides/{gid} route.
func (s *Server) guideOf(r *http.Request) (trailguide.GuideStore, *trailguide.Guide, error) {
	p, err := s.project(r)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.guideStore()
	if err != nil {
		return nil, nil, err
	}
	g, err := st.Guide(r.Context(), p.ID, r.PathValue("gid"))
	if err != nil {
		return nil, nil, err
	}
	return st, g, nil
}

// handleListGuides lists the project's guides, newest first.
func (s *Server) handleListGuides(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.guideStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list, err := st.Guides(r.Context(), p.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("list guides: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"guides": list})
}

// handleGetGuide returns one guide.
func (s *Server) handleGetGuide(w http.ResponseWriter, r *http.Request) {
	_, g, err := s.guideOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

// handleSaveGuide creates a guide (POST, 201) or replaces one (PUT, 200).
// The body is the guide's authored form; id, project, timestamps and
// version are the server's (a PUT's version, when given, must be the
// stored one: ECONFLICT otherwise). Content is sanitised (guide.Prepare).
func (s *Server) handleSaveGuide(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.guideStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in trailguide.Guide
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.now().UTC()
	in.ProjectID, in.CreatedAt, in.UpdatedAt = p.ID, now, now
	if u := userFrom(r.Context()); u != nil {
		in.UpdatedBy = u.Email
	}
	status := http.StatusCreated
	if id := r.PathValue("gid"); id != "" {
		old, err := st.Guide(r.Context(), p.ID, id)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		in.ID, in.CreatedAt, status = old.ID, old.CreatedAt, http.StatusOK
	} else {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		in.ID, in.Version = "gd_"+hex.EncodeToString(b), 0
	}
	if err := guide.Prepare(&in); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := st.SaveGuide(r.Context(), &in); err != nil {
		s.Error(w, r, fmt.Errorf("save guide: %w", err))
		return
	}
	writeJSON(w, status, &in)
}

// handleGuideStatus publishes or pauses a guide (a new version).
func (s *Server) handleGuideStatus(status string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, g, err := s.guideOf(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		g.Status, g.UpdatedAt = status, s.now().UTC()
		if u := userFrom(r.Context()); u != nil {
			g.UpdatedBy = u.Email
		}
		if err := guide.Prepare(g); err != nil {
			s.Error(w, r, err)
			return
		}
		if err := st.SaveGuide(r.Context(), g); err != nil {
			s.Error(w, r, fmt.Errorf("set guide status: %w", err))
			return
		}
		writeJSON(w, http.StatusOK, g)
	}
}

// handleGuideVersions lists a guide's saved versions, newest first.
func (s *Server) handleGuideVersions(w http.ResponseWriter, r *http.Request) {
	st, g, err := s.guideOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	vs, err := st.GuideVersions(r.Context(), g.ProjectID, g.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("guide versions: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

// handleDeleteGuide deletes a guide with its versions and assignments.
func (s *Server) handleDeleteGuide(w http.ResponseWriter, r *http.Request) {
	st, g, err := s.guideOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := st.DeleteGuide(r.Context(), g.ProjectID, g.ID); err != nil {
		s.Error(w, r, fmt.Errorf("delete guide: %w", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleGuideImpact is the guide's impact report (guide.Report).
func (s *Server) handleGuideImpact(w http.ResponseWriter, r *http.Request) {
	st, g, err := s.guideOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := st.GuideImpact(r.Context(), g)
	if err != nil {
		s.Error(w, r, fmt.Errorf("guide impact: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, guide.Report(g, c))
}

// guidesIn is the body of POST /ingest/v1/guides.
type guidesIn struct {
	Key string `json:"key"`
	guide.Visitor
}

// handleIngestGuides answers the SDK: the guides this visitor is eligible
// for on this page (guide.Service.Eligible). Public, authenticated by the
// project's public key in the body and its allowed origins.
func (s *Server) handleIngestGuides(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	w.Header().Set("Cache-Control", "no-store")
	var in guidesIn
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.Key == "" || s.deps.Projects == nil {
		s.ingestError(w, r, trailguide.Errorf(trailguide.EUNAUTHORIZED, "missing key"))
		return
	}
	p, err := s.deps.Projects.ProjectByKey(r.Context(), in.Key)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		s.ingestError(w, r, trailguide.Errorf(trailguide.EUNAUTHORIZED, "unknown key"))
		return
	} else if err != nil {
		s.Error(w, r, fmt.Errorf("guides: %w", err))
		return
	}
	if o := r.Header.Get("Origin"); o != "" && !guideOriginAllowed(p.AllowedOrigins, o) {
		s.Error(w, r, &trailguide.Error{Code: trailguide.EFORBIDDEN, Message: "Origin not allowed.", Reason: "origin"})
		return
	}
	st, err := s.guideStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	svc := &guide.Service{Store: st, Clock: s.cfg.Clock, Budget: s.cfg.GuideBudget, Logger: s.logger}
	out, err := svc.Eligible(r.Context(), p.ID, in.Visitor)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// guideOriginAllowed is ingest's allowed-origins rule (empty: any).
func guideOriginAllowed(allowed []string, origin string) bool {
	if len(allowed) == 0 {
		return true
	}
	origin = strings.TrimSuffix(strings.TrimSpace(origin), "/")
	for _, a := range allowed {
		a = strings.TrimSuffix(strings.TrimSpace(a), "/")
		if a == "*" || strings.EqualFold(a, origin) {
			return true
		}
	}
	return false
}
