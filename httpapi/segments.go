package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/trailguide/trailguide"
)

// segmentIn is the body of POST and PUT .../segments: a name and a filter
// (segment.go, docs/API.md "Segments").
type segmentIn struct {
	Name   string             `json:"name"`
	Filter *trailguide.Filter `json:"filter"`
}

func (s *Server) segmentStore() (trailguide.SegmentStore, error) {
	if s.deps.Segments == nil {
		return nil, trailguide.Errorf(trailguide.EUNAVAILABLE, "Saved segments are not available.")
	}
	return s.deps.Segments, nil
}

// handleListSegments lists the project's saved segments by name.
func (s *Server) handleListSegments(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.segmentStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list, err := st.Segments(r.Context(), p.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("list segments: %w", err))
		return
	}
	if list == nil {
		list = []*trailguide.Segment{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"segments": list})
}

// handleCreateSegment saves a new segment (201) or, with PUT and an id,
// replaces one (200).
func (s *Server) handleSaveSegment(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.segmentStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in segmentIn
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	now := s.now().UTC()
	sg := &trailguide.Segment{ProjectID: p.ID, Name: in.Name, Filter: in.Filter, CreatedAt: now, UpdatedAt: now}
	status := http.StatusCreated
	if id := r.PathValue("segid"); id != "" {
		old, err := st.Segment(r.Context(), p.ID, id)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		sg.ID, sg.CreatedAt, status = old.ID, old.CreatedAt, http.StatusOK
	} else {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		sg.ID = "seg_" + hex.EncodeToString(b)
	}
	if err := trailguide.ValidateSegment(sg); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := st.SaveSegment(r.Context(), sg); err != nil {
		s.Error(w, r, fmt.Errorf("save segment: %w", err))
		return
	}
	writeJSON(w, status, sg)
}

// handleDeleteSegment deletes a saved segment (204).
func (s *Server) handleDeleteSegment(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.segmentStore()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := st.DeleteSegment(r.Context(), p.ID, r.PathValue("segid")); err != nil {
		s.Error(w, r, fmt.Errorf("delete segment: %w", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// resolveSegment is the filter of a request: its inline filter and its
// saved segment (segment_id) joined with "and"; nil for neither.
func (s *Server) resolveSegment(r *http.Request, projectID string, inline *trailguide.Filter, segmentID string) (*trailguide.Filter, error) {
	if err := trailguide.ValidateFilter(inline); err != nil {
		return nil, err
	}
	if segmentID == "" {
		return inline, nil
	}
	st, err := s.segmentStore()
	if err != nil {
		return nil, err
	}
	sg, err := st.Segment(r.Context(), projectID, segmentID)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return nil, trailguide.Invalid("segment_id", "Unknown segment.")
	} else if err != nil {
		return nil, fmt.Errorf("segment: %w", err)
	}
	return trailguide.AndFilters(inline, sg.Filter), nil
}

// querySegment reads the session list's segment parameters: segment (the
// filter's JSON form) and segment_id (a saved one).
func (s *Server) querySegment(r *http.Request, projectID string, q url.Values) (*trailguide.Filter, error) {
	inline, err := trailguide.ParseFilter([]byte(q.Get("segment")))
	if err != nil {
		return nil, renameReason(err, "filter", "segment")
	}
	return s.resolveSegment(r, projectID, inline, q.Get("segment_id"))
}

// renameReason moves an EINVALID reason from one path prefix to another
// ("filter.and[0]" -> "segment.and[0]"), so that it names the parameter.
func renameReason(err error, from, to string) error {
	reason := trailguide.ErrorReason(err)
	if trailguide.ErrorCode(err) != trailguide.EINVALID || !strings.HasPrefix(reason, from) {
		return err
	}
	return trailguide.Invalid(to+strings.TrimPrefix(reason, from), "%s", trailguide.ErrorMessage(err))
}
