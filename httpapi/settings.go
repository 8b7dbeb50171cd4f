package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
)

// settingsResponse is a project's settings as the dashboard edits them.
// Friction is the effective config: every threshold, the project's own
// values merged over the defaults.
type settingsResponse struct {
	Friction friction.Config `json:"friction"`
	// RetentionDays is how long sessions are kept (docs/PRIVACY.md).
	RetentionDays int `json:"retention_days"`
}

// handleGetSettings returns the effective settings of a project.
func (s *Server) handleGetSettings(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settingsResponse{Friction: s.effectiveFriction(p), RetentionDays: p.EffectiveRetentionDays()})
}

// handlePutSettings replaces a project's friction config (admins only). The
// body's "friction" object may be partial: the fields it omits take their
// defaults (not the project's previous values). The normalised full config
// is stored, so later changes of the defaults do not move a project that
// has saved its settings.
func (s *Server) handlePutSettings(w http.ResponseWriter, r *http.Request) {
	if !s.requireAdmin(w, r) {
		return
	}
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in struct {
		Friction      json.RawMessage `json:"friction"`
		RetentionDays *int            `json:"retention_days"` // optional
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	raw := bytes.TrimSpace(in.Friction)
	if done, err := s.putRetention(r, p, in.RetentionDays, len(raw) == 0); done || err != nil {
		if err != nil {
			s.Error(w, r, err)
		} else {
			writeJSON(w, http.StatusOK, settingsResponse{Friction: s.effectiveFriction(p), RetentionDays: p.EffectiveRetentionDays()})
		}
		return
	}
	if len(raw) == 0 || raw[0] != '{' {
		s.Error(w, r, trailguide.Invalid("friction", "Friction settings must be a JSON object."))
		return
	}
	cfg, err := friction.ParseConfig(raw)
	if err != nil {
		s.Error(w, r, frictionInvalid(err))
		return
	}
	stored, err := json.Marshal(cfg)
	if err != nil {
		s.Error(w, r, fmt.Errorf("encode friction config: %w", err))
		return
	}
	if err := s.deps.Projects.SetFrictionConfig(r.Context(), p.ID, stored); err != nil {
		if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			err = trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
		}
		s.Error(w, r, fmt.Errorf("save settings: %w", err))
		return
	}
	s.logger.Info("project settings saved", "project_id", p.ID, "user_id", userFrom(r.Context()).ID)
	writeJSON(w, http.StatusOK, settingsResponse{Friction: cfg, RetentionDays: p.EffectiveRetentionDays()})
}

// effectiveFriction is the friction config that applies to p. A stored
// config that no longer parses (it was valid when saved, so only a change
// of the rules can do that) is logged and ignored: the defaults apply, as
// they do in ingest and the worker.
func (s *Server) effectiveFriction(p *trailguide.Project) friction.Config {
	cfg, err := friction.ParseConfig(p.FrictionConfig)
	if err != nil {
		s.logger.Warn("stored friction config invalid; using the defaults", "project_id", p.ID, "err", err)
		return friction.Default()
	}
	return cfg
}

// frictionInvalid turns a friction.ParseConfig error into EINVALID whose
// reason is the bad field as a path in the request body
// ("friction.rage_clicks", "friction.conversion.events").
func frictionInvalid(err error) error {
	field, msg := "", ""
	text := strings.TrimPrefix(err.Error(), "friction config: ")
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		field = typeErr.Field
		msg = fmt.Sprintf("Friction setting %s cannot be a %s.", field, typeErr.Value)
	case strings.Contains(text, `unknown field "`):
		_, rest, _ := strings.Cut(text, `unknown field "`)
		field, _, _ = strings.Cut(rest, `"`)
		msg = fmt.Sprintf("Unknown friction setting %q.", field)
	case strings.HasSuffix(text, " out of range"):
		field = strings.TrimSuffix(text, " out of range")
		msg = fmt.Sprintf("Friction setting %s is out of range.", field)
	default:
		// "disabled: unknown signal \"x\"" and anything newer.
		if f, rest, ok := strings.Cut(text, ": "); ok && !strings.ContainsAny(f, " \"") {
			field, text = f, rest
		}
		msg = fmt.Sprintf("Invalid friction setting %s: %s.", field, text)
	}
	reason := "friction"
	if field != "" && !strings.ContainsAny(field, " \"") {
		reason += "." + field
	}
	return trailguide.Invalid(reason, "%s", msg)
}
