package httpapi

import (
	"encoding/json"
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
	putConfig(s, w, r, configPut[json.RawMessage]{
		what:    "privacy settings",
		encoded: "privacy config",
		set:     s.deps.Projects.SetPrivacyConfig,
		check: func(_ *http.Request, _ *trailguide.Project, raw *json.RawMessage) (configChange, error) {
			cfg, err := privacy.ParseConfig(*raw)
			if err != nil {
				return configChange{}, err
			}
			return configChange{store: cfg, resp: cfg, log: []any{"mode", cfg.Mode}}, nil
		},
	})
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
