package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/trailguide/trailguide"
)

// configPut is an admin's PUT of one of a project's configs (privacy,
// friction settings) whose body decodes into an In.
type configPut[In any] struct {
	// what names the config in the error and the log line ("privacy settings").
	what string
	// encoded names it should encoding it to JSON fail ("privacy config").
	encoded string
	// check validates the decoded body and says what to store and answer.
	check func(r *http.Request, p *trailguide.Project, in *In) (configChange, error)
	// set stores the config's JSON for the project.
	set func(ctx context.Context, projectID string, cfg json.RawMessage) error
}

// configChange is what a valid PUT of a config changes.
type configChange struct {
	store any   // the config to store as JSON; nil when there is none to store
	resp  any   // the body of the 200 answer
	log   []any // attributes the log line adds
}

// adminProject is the project of an admin's request. It answers 403 to
// anyone else and 404 when the route has no project, and returns nil then.
func (s *Server) adminProject(w http.ResponseWriter, r *http.Request) *trailguide.Project {
	if !s.requireAdmin(w, r) {
		return nil
	}
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return nil
	}
	return p
}

// putConfig runs c: 403 unless the caller is an admin, 404 without the
// project, the body decoded and checked (400 with the checker's reason),
// the config stored (a project gone meanwhile: 404 "Project not found.")
// and logged, then 200 with the checker's answer.
func putConfig[In any](s *Server, w http.ResponseWriter, r *http.Request, c configPut[In]) {
	p := s.adminProject(w, r)
	if p == nil {
		return
	}
	var in In
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	ch, err := c.check(r, p, &in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if ch.store != nil {
		stored, err := json.Marshal(ch.store)
		if err != nil {
			s.Error(w, r, fmt.Errorf("encode %s: %w", c.encoded, err))
			return
		}
		if err := c.set(r.Context(), p.ID, stored); err != nil {
			if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
				err = trailguide.Errorf(trailguide.ENOTFOUND, "Project not found.")
			}
			s.Error(w, r, fmt.Errorf("save %s: %w", c.what, err))
			return
		}
		s.logger.Info("project "+c.what+" saved", append([]any{"project_id", p.ID, "user_id", userFrom(r.Context()).ID}, ch.log...)...)
	}
	writeJSON(w, http.StatusOK, ch.resp)
}
