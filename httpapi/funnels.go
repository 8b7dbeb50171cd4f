package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/trailguide/trailguide"
)

// funnelIn is the q parameter of the funnel routes (JSON, so that a funnel
// is a link and a viewer, who may only read, can run one): a FunnelQuery (the funnel, a
// range, a segment, a breakdown, compared segments) plus an optional saved
// segment and, for the drill-down, a step and an outcome.
type funnelIn struct {
	trailguide.FunnelQuery
	SegmentID string `json:"segment_id,omitempty"`
	Step      int    `json:"step"`
	Outcome   string `json:"outcome,omitempty"`
	Limit     int    `json:"limit,omitempty"`
}

func (s *Server) funnelQuery(r *http.Request) (*funnelIn, error) {
	p, err := s.project(r)
	if err != nil {
		return nil, err
	}
	if s.deps.Funnels == nil {
		return nil, trailguide.Errorf(trailguide.EUNAVAILABLE, "Funnels are not available.")
	}
	var in funnelIn
	raw := r.URL.Query().Get("q")
	if raw == "" {
		return nil, trailguide.Invalid("q", "q (the funnel query as JSON) required.")
	}
	if int64(len(raw)) > s.cfg.MaxJSONBytes {
		return nil, trailguide.Errorf(trailguide.ETOOLARGE, "Funnel query too large.")
	}
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, trailguide.Invalid("q", "q is not a valid funnel query: %s.", err.Error())
	}
	in.ProjectID = p.ID
	if err := trailguide.ValidateFunnel(&in.Funnel); err != nil {
		return nil, renameReason(err, "", "funnel.")
	}
	seg, err := s.resolveSegment(r, p.ID, in.Segment, in.SegmentID)
	if err != nil {
		return nil, renameReason(err, "filter", "segment")
	}
	in.Segment = seg
	for i, c := range in.Compare {
		if err := trailguide.ValidateFilter(c.Filter); err != nil {
			return nil, renameReason(err, "filter", fmt.Sprintf("compare[%d].filter", i))
		}
	}
	return &in, nil
}

// handleFunnel computes a funnel: entered, converted, drop-off and times
// per step, with its breakdown and compared segments.
func (s *Server) handleFunnel(w http.ResponseWriter, r *http.Request) {
	in, err := s.funnelQuery(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.deps.Funnels.Funnel(r.Context(), &in.FunnelQuery)
	if err != nil {
		s.Error(w, r, fmt.Errorf("funnel: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// handleFunnelSessions lists the sessions that dropped off after a step or
// converted to the next, each pointing at its last step reached.
func (s *Server) handleFunnelSessions(w http.ResponseWriter, r *http.Request) {
	in, err := s.funnelQuery(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.deps.Funnels.FunnelSessions(r.Context(), &trailguide.FunnelSessionsQuery{
		FunnelQuery: in.FunnelQuery, Step: in.Step, Outcome: in.Outcome, Limit: in.Limit,
	})
	if err != nil {
		s.Error(w, r, fmt.Errorf("funnel sessions: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// handleDropoff explains the drop-off after a step: the friction signals,
// errors and elements over-represented among those who dropped.
func (s *Server) handleDropoff(w http.ResponseWriter, r *http.Request) {
	in, err := s.funnelQuery(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ins, ok := s.deps.Funnels.(trailguide.InsightService)
	if !ok {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "Drop-off analysis is not available."))
		return
	}
	res, err := ins.Dropoff(r.Context(), &trailguide.DropQuery{FunnelQuery: in.FunnelQuery, Step: in.Step, Limit: in.Limit})
	if err != nil {
		s.Error(w, r, fmt.Errorf("drop-off: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// handleStruggles reports friction rates by segment dimension. Query:
// from, to, segment (JSON), segment_id, dimensions (comma-separated),
// limit.
func (s *Server) handleStruggles(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ins, ok := s.deps.Funnels.(trailguide.InsightService)
	if !ok {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "Struggle reports are not available."))
		return
	}
	v := r.URL.Query()
	q := &trailguide.StruggleQuery{ProjectID: p.ID, From: v.Get("from"), To: v.Get("to")}
	if q.Segment, err = s.querySegment(r, p.ID, v); err != nil {
		s.Error(w, r, err)
		return
	}
	if d := v.Get("dimensions"); d != "" {
		q.Dimensions = strings.Split(d, ",")
	}
	if l := v.Get("limit"); l != "" {
		if q.Limit, err = strconv.Atoi(l); err != nil || q.Limit < 1 {
			s.Error(w, r, trailguide.Invalid("limit", "limit must be a positive whole number."))
			return
		}
	}
	res, err := ins.Struggles(r.Context(), q)
	if err != nil {
		s.Error(w, r, fmt.Errorf("struggles: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) funnelDefs() (trailguide.FunnelDefStore, error) {
	if s.deps.FunnelDefs == nil {
		return nil, trailguide.Errorf(trailguide.EUNAVAILABLE, "Saved funnels are not available.")
	}
	return s.deps.FunnelDefs, nil
}

// handleListFunnels lists the project's saved funnels by name.
func (s *Server) handleListFunnels(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.funnelDefs()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list, err := st.Funnels(r.Context(), p.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("list funnels: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"funnels": list})
}

// handleSaveFunnel saves a funnel definition under a name: POST creates
// (201), PUT .../{fid} replaces (200).
func (s *Server) handleSaveFunnel(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.funnelDefs()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f trailguide.Funnel
	if err := s.decodeJSON(w, r, &f); err != nil {
		s.Error(w, r, err)
		return
	}
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" {
		s.Error(w, r, trailguide.Invalid("name", "Name required."))
		return
	}
	if err := trailguide.ValidateFunnel(&f); err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.now().UTC()
	f.ProjectID, f.CreatedAt, f.UpdatedAt = p.ID, now, now
	status := http.StatusCreated
	if id := r.PathValue("fid"); id != "" {
		list, err := st.Funnels(r.Context(), p.ID)
		if err != nil {
			s.Error(w, r, fmt.Errorf("list funnels: %w", err))
			return
		}
		i := slices.IndexFunc(list, func(x *trailguide.Funnel) bool { return x.ID == id })
		if i < 0 {
			s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "Funnel not found."))
			return
		}
		f.ID, f.CreatedAt, status = id, list[i].CreatedAt, http.StatusOK
	} else {
		f.ID = "fun_" + NewID()
	}
	if err := st.SaveFunnel(r.Context(), &f); err != nil {
		s.Error(w, r, fmt.Errorf("save funnel: %w", err))
		return
	}
	writeJSON(w, status, &f)
}

// handleDeleteFunnel deletes a saved funnel (204).
func (s *Server) handleDeleteFunnel(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.funnelDefs()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := st.DeleteFunnel(r.Context(), p.ID, r.PathValue("fid")); err != nil {
		s.Error(w, r, fmt.Errorf("delete funnel: %w", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
