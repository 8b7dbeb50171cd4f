package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/privacy"
)

// handleGetPrivacy returns a project's privacy settings (mode and
// mask/block/unmask selectors), the defaults when it has saved none.
func (s *Server) handleGetPrivacy(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.effectivePrivacy(p))
}

// handlePutPrivacy replaces a project's privacy settings (admins only).
// Every field is optional (omitted: balanced, no rules); each selector is
// checked by privacy.ParseSelector and a bad one is refused with a reason
// naming it ("privacy.mask_selectors.2"). The normalised config is stored
// and returned; the SDK gets it with its next config fetch.
func (s *Server) handlePutPrivacy(w http.ResponseWriter, r *http.Request) {
	if !s.requireAdmin(w, r) {
		return
	}
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var raw json.RawMessage
	if err := s.decodeJSON(w, r, &raw); err != nil {
		s.Error(w, r, err)
		return
	}
	cfg, err := privacy.ParseConfig(raw)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	stored, err := json.Marshal(cfg)
	if err != nil {
		s.Error(w, r, fmt.Errorf("encode privacy config: %w", err))
		return
	}
	if err := s.deps.Projects.SetPrivacyConfig(r.Context(), p.ID, stored); err != nil {
		if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			err = trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
		}
		s.Error(w, r, fmt.Errorf("save privacy settings: %w", err))
		return
	}
	s.logger.Info("project privacy settings saved", "project_id", p.ID, "user_id", userFrom(r.Context()).ID, "mode", cfg.Mode)
	writeJSON(w, http.StatusOK, cfg)
}

// effectivePrivacy is the privacy config that applies to p. A stored
// config that no longer parses is shown as what the SDK gets for it:
// strict (ingest.Service.Config fails closed the same way).
func (s *Server) effectivePrivacy(p *trailguide.Project) trailguide.MaskConfig {
	cfg, err := privacy.ParseConfig(p.PrivacyConfig)
	if err != nil {
		s.logger.Warn("stored privacy config invalid; strict applies", "project_id", p.ID, "err", err)
		cfg = privacy.Default()
		cfg.Mode = trailguide.MaskStrict
	}
	return cfg
}
