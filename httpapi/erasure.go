package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/trailguide/trailguide"
)

// This file: the privacy report (what the server scrubber caught), user
// erasure jobs and per-project retention.

// scrubKinds are the kinds the privacy report always lists, in order (the
// scrub package's Kinds; httpapi names them rather than import it).
var scrubKinds = []string{"email", "card", "jwt", "bearer", "url"}

// privacySources is how many top sources the report shows.
const privacySources = 20

// handlePrivacy returns what the server's scrubber caught in a project:
// every kind (zero included), the last catch, the top page paths.
func (s *Server) handlePrivacy(w http.ResponseWriter, r *http.Request) {
	p, err := s.project(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if s.deps.Privacy == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "Privacy statistics are not available."))
		return
	}
	kinds, sources, err := s.deps.Privacy.ScrubStats(r.Context(), p.ID, privacySources)
	if err != nil {
		s.Error(w, r, fmt.Errorf("privacy report: %w", err))
		return
	}
	rep := trailguide.PrivacyReport{Kinds: []trailguide.ScrubKindStats{}, Sources: sources}
	if rep.Sources == nil {
		rep.Sources = []trailguide.ScrubSource{}
	}
	byKind := map[string]trailguide.ScrubKindStats{}
	for _, k := range kinds {
		byKind[k.Kind] = k
	}
	for _, k := range scrubKinds {
		st, ok := byKind[k]
		if !ok {
			st = trailguide.ScrubKindStats{Kind: k}
		}
		rep.Kinds = append(rep.Kinds, st)
		rep.Total += st.Count
		if st.LastAt.After(rep.LastAt) {
			rep.LastAt = st.LastAt
		}
	}
	writeJSON(w, http.StatusOK, rep)
}

// handleEraseUser starts the erasure of every session of one identified
// user (admins only) and answers 202 with the queued job.
func (s *Server) handleEraseUser(w http.ResponseWriter, r *http.Request) {
	s.startErasure(w, r, trailguide.JobEraseUser, r.PathValue("userId"))
}

// handleEraseVisitor starts the erasure of every session of one visitor id
// (one browser), identified or not.
func (s *Server) handleEraseVisitor(w http.ResponseWriter, r *http.Request) {
	s.startErasure(w, r, trailguide.JobEraseVisitor, r.PathValue("visitorId"))
}

// handleDeleteSession starts the erasure of one session: 404 when the
// project has no such session.
func (s *Server) handleDeleteSession(w http.ResponseWriter, r *http.Request) {
	s.startErasure(w, r, trailguide.JobEraseSession, r.PathValue("sid"))
}

// startErasure checks the caller and the target, queues the job, starts it
// and answers 202 with the job and its Location.
func (s *Server) startErasure(w http.ResponseWriter, r *http.Request, kind, target string) {
	p := s.adminProject(w, r)
	if p == nil {
		return
	}
	if s.deps.Erasure == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "Erasure is not available."))
		return
	}
	var j *trailguide.Job
	var err error
	switch kind {
	case trailguide.JobEraseUser:
		if strings.TrimSpace(target) == "" {
			s.Error(w, r, trailguide.Invalid("user_id", "User id required."))
			return
		}
		j, err = s.deps.Erasure.EraseUser(r.Context(), p.ID, target)
	case trailguide.JobEraseVisitor:
		j, err = s.deps.Erasure.EraseVisitor(r.Context(), p.ID, target)
	case trailguide.JobEraseSession:
		if _, err := s.deps.Sessions.Session(r.Context(), p.ID, target); err != nil {
			if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
				err = trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
			}
			s.Error(w, r, err)
			return
		}
		j, err = s.deps.Erasure.EraseSession(r.Context(), p.ID, target)
	}
	if err != nil {
		s.Error(w, r, fmt.Errorf("erase: %w", err))
		return
	}
	s.logger.Info("erasure requested", "project_id", p.ID, "kind", kind, "job_id", j.ID, "by", principalFrom(r.Context()).actor())
	w.Header().Set("Location", "/api/v1/jobs/"+j.ID)
	writeJSON(w, http.StatusAccepted, j)
}

// handleGetJob returns a job's status to users who can see its project.
func (s *Server) handleGetJob(w http.ResponseWriter, r *http.Request) {
	if s.deps.Erasure == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "Job not found."))
		return
	}
	j, err := s.deps.Erasure.Job(r.Context(), r.PathValue("id"))
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "Job not found."))
		return
	} else if err != nil {
		s.Error(w, r, fmt.Errorf("job: %w", err))
		return
	}
	// Access is the job's project's: a job of a project the user cannot
	// see does not exist for them.
	pr, _ := r.Context().Value(principalKey).(*principal)
	if pr == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "Job not found."))
		return
	}
	if _, err := s.orgProject(r.Context(), pr, j.ProjectID); err != nil {
		if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			err = trailguide.Errorf(trailguide.ENOTFOUND, "Job not found.")
		}
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

// validRetention checks a retention_days value from the settings API.
func validRetention(days int) error {
	if days < 1 || days > trailguide.MaxRetentionDays {
		return trailguide.Invalid("retention_days", "Retention must be 1 to %d days.", trailguide.MaxRetentionDays)
	}
	return nil
}

// setRetention stores a project's retention through the project store.
func (s *Server) setRetention(ctx context.Context, projectID string, days int) error {
	rs, ok := s.deps.Projects.(trailguide.RetentionSetter)
	if !ok {
		return trailguide.Errorf(trailguide.EUNAVAILABLE, "Retention cannot be changed on this store.")
	}
	return rs.SetRetentionDays(ctx, projectID, days)
}

// putRetention applies the optional retention_days of a settings PUT
// before anything else is saved (a bad value changes nothing). done is true
// when the body had nothing else to save.
func (s *Server) putRetention(r *http.Request, p *trailguide.Project, days *int, only bool) (done bool, err error) {
	if days == nil {
		return false, nil
	}
	if err := validRetention(*days); err != nil {
		return false, err
	}
	if err := s.setRetention(r.Context(), p.ID, *days); err != nil {
		return false, fmt.Errorf("save retention: %w", err)
	}
	p.RetentionDays = *days
	return only, nil
}
