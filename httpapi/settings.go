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
	putConfig(s, w, r, configPut[settingsPut]{
		what:    "settings",
		encoded: "friction config",
		set:     s.deps.Projects.SetFrictionConfig,
		check:   s.checkSettings,
	})
}

// settingsPut is the body of PUT /api/v1/projects/{pid}/settings.
type settingsPut struct {
	Friction      json.RawMessage `json:"friction"`
	RetentionDays *int            `json:"retention_days"` // optional
}

// checkSettings validates a settings PUT. A retention period is saved at
// once; with no friction object besides it, that is all there is to store.
func (s *Server) checkSettings(r *http.Request, p *trailguide.Project, in *settingsPut) (configChange, error) {
	raw := bytes.TrimSpace(in.Friction)
	if done, err := s.putRetention(r, p, in.RetentionDays, len(raw) == 0); err != nil {
		return configChange{}, err
	} else if done {
		return configChange{resp: settingsResponse{Friction: s.effectiveFriction(p), RetentionDays: p.EffectiveRetentionDays()}}, nil
	}
	if len(raw) == 0 || raw[0] != '{' {
		return configChange{}, trailguide.Invalid("friction", "Friction settings must be a JSON object.")
	}
	cfg, err := friction.ParseConfig(raw)
	if err != nil {
		return configChange{}, frictionInvalid(err)
	}
	return configChange{store: cfg, resp: settingsResponse{Friction: cfg, RetentionDays: p.EffectiveRetentionDays()}}, nil
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
