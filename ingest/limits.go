package ingest

import (
	"context"
	"time"

	"github.com/trailguide/trailguide"
)

// limitState is what the service remembers of a project's limits and of its
// usage today, refreshed from the LimitStore every ProjectCacheTTL and
// counted up locally in between, so that the quota costs no read per batch.
type limitState struct {
	limits  trailguide.ProjectLimits
	day     int64 // UTC day the usage counts
	used    int64
	expires time.Time
}

// stopped reports whether the project's batches must be refused with
// {"stop": true}: the project is disabled, or it stored its daily batch
// quota today. Without a LimitStore there are no limits.
func (s *Service) stopped(ctx context.Context, p *trailguide.Project, now time.Time) (bool, error) {
	ls, ok := s.projects.(trailguide.LimitStore)
	if !ok {
		return false, nil
	}
	day := now.UTC().Unix() / 86400
	s.mu.Lock()
	st, ok := s.limits[p.ID]
	s.mu.Unlock()
	if !ok || !now.Before(st.expires) || st.day != day {
		l, err := ls.ProjectLimits(ctx, p.ID)
		if err != nil {
			return false, storeError("project limits", err)
		}
		st = limitState{limits: l, day: day, expires: now.Add(s.cfg.ProjectCacheTTL)}
		if l.DailyBatchQuota > 0 {
			if st.used, err = ls.BatchesOn(ctx, p.ID, now); err != nil {
				return false, storeError("project usage", err)
			}
		}
		s.mu.Lock()
		if s.limits == nil || len(s.limits) > 10000 {
			s.limits = make(map[string]limitState)
		}
		s.limits[p.ID] = st
		s.mu.Unlock()
	}
	return st.limits.Disabled || (st.limits.DailyBatchQuota > 0 && st.used >= st.limits.DailyBatchQuota), nil
}

// counted notes one more stored batch of the project today.
func (s *Service) counted(projectID string) {
	s.mu.Lock()
	if st, ok := s.limits[projectID]; ok {
		st.used++
		s.limits[projectID] = st
	}
	s.mu.Unlock()
}

// afterCommit runs once a new batch is durable. It logs the batches the SDK
// reports it dropped unsent (its memory bound while the server was
// unreachable), and reports whether the batch before b in its window is
// missing: the stream has a hole the SDK cannot fill any more (it sends in
// seq order, one at a time), so it is asked for a fresh full snapshot to
// make what follows replayable. A store error only costs the hint.
func (s *Service) afterCommit(ctx context.Context, projectID string, b *trailguide.Batch) bool {
	if b.Dropped > 0 {
		s.logger.Warn("SDK dropped batches unsent", "project", projectID, "session", b.Session,
			"window", b.Window, "dropped", b.Dropped)
	}
	if b.Seq == 0 {
		return false
	}
	has, err := s.store.HasBatch(ctx, projectID, b.Session, b.Window, b.Seq-1)
	if err != nil {
		s.logger.Warn("check previous batch", "project", projectID, "session", b.Session, "err", err)
		return false
	}
	if !has {
		s.logger.Info("gap in a window's seqs; asking for a full snapshot", "project", projectID,
			"session", b.Session, "window", b.Window, "seq", b.Seq)
	}
	return !has
}

// admit takes one of the MaxConcurrent slots, waiting up to BusyWait for
// one; the caller must call release when done. Past the wait the batch is
// refused with EUNAVAILABLE: the server is overloaded and the SDK retries
// after Retry-After.
func (s *Service) admit(ctx context.Context) (release func(), err error) {
	release = func() { <-s.slots }
	select {
	case s.slots <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(s.cfg.BusyWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, trailguide.Errorf(trailguide.EUNAVAILABLE, "Too many batches at once; retry later.")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
