package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/trailguide/trailguide"
)

// Friction report limits (docs/API.md).
const (
	defaultFrictionLimit = 50
	maxFrictionLimit     = 200
)

// handleFrictionReport returns the most frustrating elements by page and
// the exits by class, for the sessions that started in [from, to).
func (s *Server) handleFrictionReport(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q, err := ParseFrictionQuery(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if s.deps.Friction == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "Friction reports are not available."))
		return
	}
	q.ProjectID = p.ID
	report, err := s.deps.Friction.FrictionReport(r.Context(), q)
	if err != nil {
		s.Error(w, r, fmt.Errorf("friction report: %w", err))
		return
	}
	if report.Elements == nil {
		report.Elements = []*trailguide.FrictionElement{}
	}
	if report.Exits == nil {
		report.Exits = map[string]int{}
	}
	writeJSON(w, http.StatusOK, report)
}

// ParseFrictionQuery reads the friction report query (docs/API.md): from,
// to and limit. A bad value is EINVALID with the parameter's name as
// reason. ProjectID is left empty.
func ParseFrictionQuery(v url.Values) (trailguide.FrictionQuery, error) {
	q := trailguide.FrictionQuery{Limit: defaultFrictionLimit}
	var err error
	if q.From, err = parseTime(v, "from"); err != nil {
		return q, err
	}
	if q.To, err = parseTime(v, "to"); err != nil {
		return q, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return q, trailguide.Invalid("to", "to must be after from.")
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxFrictionLimit {
			return q, trailguide.Invalid("limit", "limit must be a whole number from 1 to %d.", maxFrictionLimit)
		}
		q.Limit = n
	}
	return q, nil
}
