package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
	"github.com/trailguide/trailguide/recording"
)

// Session list paging bounds (docs/API.md).
const (
	defaultSessionLimit = 50
	maxSessionLimit     = 200
	maxSelectorLen      = 1000
)

// handleListSessions searches a project's sessions, newest (or most
// frustrated) first.
func (s *Server) handleListSessions(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f, err := ParseSessionFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.ProjectID = p.ID
	if f.Segment, err = s.querySegment(r, p.ID, r.URL.Query()); err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.deps.Sessions.FindSessions(r.Context(), f)
	if err != nil {
		s.Error(w, r, fmt.Errorf("find sessions: %w", err))
		return
	}
	if page.Sessions == nil {
		page.Sessions = []*trailguide.Session{}
	}
	writeJSON(w, http.StatusOK, page)
}

// ParseSessionFilter reads the session list query (docs/API.md). A bad value
// is EINVALID with the parameter's name as reason. ProjectID is left empty.
func ParseSessionFilter(q url.Values) (trailguide.SessionFilter, error) {
	f := trailguide.SessionFilter{
		URL:         q.Get("url"),
		UserID:      q.Get("user"),
		UTMSource:   q.Get("utm_source"),
		Browser:     q.Get("browser"),
		DeviceClass: q.Get("device"),
		Signal:      q.Get("signal"),
		Selector:    q.Get("selector"),
		Sort:        q.Get("sort"),
		Cursor:      q.Get("cursor"),
		Limit:       defaultSessionLimit,
	}
	if f.Signal != "" && !slices.Contains(friction.Types, f.Signal) {
		return f, trailguide.Invalid("signal", "Unknown signal %q.", f.Signal)
	}
	if len(f.Selector) > maxSelectorLen {
		return f, trailguide.Invalid("selector", "selector must be at most %d bytes.", maxSelectorLen)
	}
	switch f.Sort {
	case "", trailguide.SortNewest, trailguide.SortFrustration:
	default:
		return f, trailguide.Invalid("sort", "sort must be newest or frustration.")
	}
	var err error
	if f.From, err = parseTime(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = parseTime(q, "to"); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return f, trailguide.Invalid("to", "to must be after from.")
	}
	if f.MinDuration, err = parseSeconds(q, "min_duration"); err != nil {
		return f, err
	}
	if f.MaxDuration, err = parseSeconds(q, "max_duration"); err != nil {
		return f, err
	}
	if f.MaxDuration > 0 && f.MaxDuration < f.MinDuration {
		return f, trailguide.Invalid("max_duration", "max_duration must not be less than min_duration.")
	}
	switch f.DeviceClass {
	case "", trailguide.DeviceDesktop, trailguide.DeviceTablet, trailguide.DeviceMobile:
	default:
		return f, trailguide.Invalid("device", "device must be desktop, tablet or mobile.")
	}
	if v := q.Get("has_error"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, trailguide.Invalid("has_error", "has_error must be true or false.")
		}
		f.HasError = &b
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSessionLimit {
			return f, trailguide.Invalid("limit", "limit must be a whole number from 1 to %d.", maxSessionLimit)
		}
		f.Limit = n
	}
	return f, nil
}

// parseTime reads an RFC 3339 time or milliseconds since the epoch.
func parseTime(q url.Values, name string) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 {
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, trailguide.Invalid(name, "%s must be an RFC 3339 time or milliseconds since the epoch.", name)
	}
	return t, nil
}

// parseSeconds reads a non-negative number of seconds (fractions allowed).
func parseSeconds(q url.Values, name string) (time.Duration, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || secs < 0 || secs > 365*24*3600 || secs != secs {
		return 0, trailguide.Invalid(name, "%s must be a number of seconds.", name)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// handleSessionFacets returns the distinct values of the filter menus.
func (s *Server) handleSessionFacets(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	facets, err := s.deps.Sessions.Facets(r.Context(), p.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("session facets: %w", err))
		return
	}
	for _, l := range []*[]string{&facets.Browsers, &facets.Devices, &facets.UTMSources} {
		if *l == nil {
			*l = []string{}
		}
	}
	writeJSON(w, http.StatusOK, facets)
}

type sessionDetail struct {
	Session *trailguide.Session    `json:"session"`
	Windows []recording.WindowInfo `json:"windows"`
	Events  []*trailguide.Event    `json:"events"`
}

// handleGetSession returns a session with its windows and analytics events.
func (s *Server) handleGetSession(w http.ResponseWriter, r *http.Request) {
	p, sess, err := s.session(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	chunks, err := s.deps.Sessions.Chunks(r.Context(), p.ID, sess.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("session chunks: %w", err))
		return
	}
	events, err := s.deps.Sessions.Events(r.Context(), p.ID, sess.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("session events: %w", err))
		return
	}
	out := sessionDetail{Session: sess, Windows: recording.Windows(chunks), Events: events}
	if out.Windows == nil {
		out.Windows = []recording.WindowInfo{}
	}
	if out.Events == nil {
		out.Events = []*trailguide.Event{}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleRecording returns the rrweb events of one window of a session, by
// default the window the session started in. A session without any
// recording answers an empty window rather than 404, so the replay can say
// so; an unknown ?window= is 404.
func (s *Server) handleRecording(w http.ResponseWriter, r *http.Request) {
	p, sess, err := s.session(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	chunks, err := s.deps.Sessions.Chunks(r.Context(), p.ID, sess.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("session chunks: %w", err))
		return
	}
	window := r.URL.Query().Get("window")
	if window == "" {
		windows := recording.Windows(chunks)
		if len(windows) == 0 {
			writeJSON(w, http.StatusOK, map[string]any{"window": "", "events": []json.RawMessage{}})
			return
		}
		window = windows[0].ID
	}
	mine := recording.WindowChunks(chunks, window)
	if len(mine) == 0 {
		s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "Window not found."))
		return
	}
	events, err := recording.ReadChunks(r.Context(), s.deps.Sessions, s.deps.Blobs, mine)
	if err != nil {
		s.Error(w, r, fmt.Errorf("read recording: %w", err))
		return
	}
	if events == nil {
		events = []json.RawMessage{}
	}
	// Closed sessions never change; open ones may grow while being watched.
	if sess.Closed {
		w.Header().Set("Cache-Control", "private, max-age=3600")
	}
	// Seqs missing from the window: the replay shows "data missing" there.
	gaps := []trailguide.SeqGap{}
	if gs, ok := s.deps.Sessions.(trailguide.GapStore); ok {
		all, err := gs.Gaps(r.Context(), p.ID, sess.ID)
		if err != nil {
			s.Error(w, r, fmt.Errorf("session gaps: %w", err))
			return
		}
		for _, g := range all {
			if g.WindowID == window {
				gaps = append(gaps, g)
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"window": window, "events": events, "gaps": gaps})
}

// handleSessionEvents returns one window of a session (?window=, default
// the first) as a plain JSON array of rrweb events, stylesheets put back:
// what rrweb's Replayer and rrweb-player play unchanged, and what
// `trailguide import` reads. Sent as a download named after the session.
func (s *Server) handleSessionEvents(w http.ResponseWriter, r *http.Request) {
	p, sess, err := s.session(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	events, window, err := recording.WindowEvents(r.Context(), s.deps.Sessions, s.deps.Blobs, p.ID, sess.ID, r.URL.Query().Get("window"))
	if err != nil {
		if trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
			err = fmt.Errorf("read recording: %w", err)
		}
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.rrweb.json"`, sess.ID))
	if window != "" {
		h.Set("X-Trailguide-Window", window)
	}
	_, _ = w.Write(recording.AppendJSON(make([]byte, 0, recording.RawSize(events)+2), events))
}

// session loads the project and session named by the path; ENOTFOUND for
// either.
func (s *Server) session(r *http.Request) (*trailguide.Project, *trailguide.Session, error) {
	p, err := s.project(r)
	if err != nil {
		return nil, nil, err
	}
	sid := r.PathValue("sid")
	if strings.TrimSpace(sid) == "" {
		return nil, nil, trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
	}
	sess, err := s.deps.Sessions.Session(r.Context(), p.ID, sid)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return nil, nil, trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
	} else if err != nil {
		return nil, nil, fmt.Errorf("load session: %w", err)
	}
	return p, sess, nil
}
