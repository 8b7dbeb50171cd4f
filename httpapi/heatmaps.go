package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/analytics"
	"github.com/trailguide/trailguide/recording"
)

// heatmaps is the heatmap service, or EUNAVAILABLE without a store.
func (s *Server) heatmaps() (*analytics.Heatmaps, error) {
	if s.deps.Heatmaps == nil {
		return nil, trailguide.Errorf(trailguide.EUNAVAILABLE, "Heatmaps are not available.")
	}
	return &analytics.Heatmaps{Store: s.deps.Heatmaps}, nil
}

// heatmapRequest decodes the common heatmap query (docs/API.md): page,
// device (default desktop), from, to and the session filters of the
// session list.
func (s *Server) heatmapRequest(r *http.Request) (*analytics.Heatmaps, analytics.HeatmapRequest, error) {
	var req analytics.HeatmapRequest
	p, err := s.project(r)
	if err != nil {
		return nil, req, err
	}
	h, err := s.heatmaps()
	if err != nil {
		return nil, req, err
	}
	req, err = ParseHeatmapRequest(r.URL.Query())
	if err != nil {
		return h, req, err
	}
	req.ProjectID = p.ID
	// The segment model (segment or segment_id), as on the session list.
	req.Sessions.Segment, err = s.querySegment(r, p.ID, r.URL.Query())
	return h, req, err
}

// ParseHeatmapRequest reads page, device, from and to; every other
// parameter of the session list (docs/API.md) becomes the session filter,
// whose own from/to are session_from/session_to.
func ParseHeatmapRequest(v url.Values) (analytics.HeatmapRequest, error) {
	req := analytics.HeatmapRequest{Page: v.Get("page"), Device: v.Get("device")}
	if m := v.Get("maps"); m != "" {
		req.Maps = strings.Split(m, ",")
	}
	if req.Device == "" {
		req.Device = trailguide.DeviceDesktop
	}
	switch req.Device {
	case trailguide.DeviceDesktop, trailguide.DeviceTablet, trailguide.DeviceMobile:
	default:
		return req, trailguide.Invalid("device", "device must be desktop, tablet or mobile.")
	}
	var err error
	if req.From, err = parseTime(v, "from"); err != nil {
		return req, err
	}
	if req.To, err = parseTime(v, "to"); err != nil {
		return req, err
	}
	if !req.From.IsZero() && !req.To.IsZero() && !req.To.After(req.From) {
		return req, trailguide.Invalid("to", "to must be after from.")
	}
	fv := url.Values{}
	for k, vs := range v {
		switch k {
		case "page", "device", "from", "to", "maps", "selector", "kind", "limit", "sort", "cursor":
		case "session_from":
			fv["from"] = vs
		case "session_to":
			fv["to"] = vs
		case "session_selector":
			fv["selector"] = vs
		default:
			fv[k] = vs
		}
	}
	f, err := ParseSessionFilter(fv)
	if err != nil {
		return req, err
	}
	f.Limit = 0
	req.Sessions = f
	return req, nil
}

// handleHeatmap returns the heatmap report of a page.
func (s *Server) handleHeatmap(w http.ResponseWriter, r *http.Request) {
	h, req, err := s.heatmapRequest(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rep, err := h.Heatmap(r.Context(), req)
	if err != nil {
		s.Error(w, r, fmt.Errorf("heatmap: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// handleHeatmapPages lists the recorded page paths, most viewed first.
func (s *Server) handleHeatmapPages(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h, err := s.heatmaps()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	device := r.URL.Query().Get("device")
	switch device {
	case "", trailguide.DeviceDesktop, trailguide.DeviceTablet, trailguide.DeviceMobile:
	default:
		s.Error(w, r, trailguide.Invalid("device", "device must be desktop, tablet or mobile."))
		return
	}
	pages, err := h.Store.HeatmapPages(r.Context(), p.ID, device)
	if err != nil {
		s.Error(w, r, fmt.Errorf("heatmap pages: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"pages": pages})
}

// handleHeatmapSessions lists the sessions with clicks on one element.
func (s *Server) handleHeatmapSessions(w http.ResponseWriter, r *http.Request) {
	h, req, err := s.heatmapRequest(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	v := r.URL.Query()
	limit := 20
	if l := v.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > 100 {
			s.Error(w, r, trailguide.Invalid("limit", "limit must be a whole number from 1 to 100."))
			return
		}
	}
	q, err := h.Query(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list, err := h.Store.HeatmapSessions(r.Context(), q, v.Get("selector"), v.Get("kind"), limit)
	if err != nil {
		s.Error(w, r, fmt.Errorf("heatmap sessions: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": list})
}

// handleHeatmapSnapshot returns the rrweb events that rebuild the page:
// the load of its latest recorded view on the device.
func (s *Server) handleHeatmapSnapshot(w http.ResponseWriter, r *http.Request) {
	h, req, err := s.heatmapRequest(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q, err := h.Query(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view, err := h.Store.HeatmapSnapshot(r.Context(), q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	chunks, err := s.deps.Sessions.Chunks(r.Context(), req.ProjectID, view.SessionID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("snapshot chunks: %w", err))
		return
	}
	events, err := recording.ReadChunks(r.Context(), s.deps.Sessions, s.deps.Blobs, recording.WindowChunks(chunks, view.WindowID))
	if err != nil {
		s.Error(w, r, fmt.Errorf("read snapshot: %w", err))
		return
	}
	cut := analytics.SnapshotEvents(events, view.Time)
	if cut == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "No recorded snapshot of this page on this device."))
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=300")
	writeJSON(w, http.StatusOK, analytics.Snapshot{View: view, Events: cut})
}
