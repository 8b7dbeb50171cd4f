// Package guide decides which guides a visitor is eligible for (audience
// through the segment model, URL scope, frequency caps, the project's
// interruption budget, the holdout bucket), sanitises guide content on
// every write path, and computes the impact report (exposed vs holdout).
// It depends on the root package's interfaces only.
package guide

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/trailguide/trailguide"
)

// InHoldout reports whether a visitor is in a guide's holdout: a
// deterministic bucket of 10,000 from a hash of the guide id and the
// visitor id, so a visitor stays in the same arm across sessions and
// servers, and guides draw independent buckets.
func InHoldout(guideID, visitorID string, percent int) bool {
	if percent <= 0 {
		return false
	}
	h := sha256.Sum256([]byte(guideID + "\x00" + visitorID))
	return binary.BigEndian.Uint64(h[:8])%10000 < uint64(percent)*100
}

// Budget is the project-wide interruption budget: at most PerSession
// different guides shown per visitor per session and PerDay per 24 hours.
type Budget struct {
	PerSession int
	PerDay     int
}

// DefaultBudget applies when a Service has none.
var DefaultBudget = Budget{PerSession: 2, PerDay: 4}

// Service answers POST /ingest/v1/guides.
type Service struct {
	Store  trailguide.GuideStore
	Clock  trailguide.Clock
	Budget Budget
	Logger *slog.Logger
}

// Visitor is who asks: the SDK's ids and the page it is on.
type Visitor struct {
	SessionID string `json:"session"`
	VisitorID string `json:"visitor"`
	URL       string `json:"url"`
}

// Suppression reasons.
const (
	ReasonFrequency = "frequency"
	ReasonCompleted = "completed"
	ReasonBudget    = "budget"
)

// Served is a guide as the SDK gets it.
type Served struct {
	ID         string                  `json:"id"`
	Type       string                  `json:"type"`
	Version    int                     `json:"version"`
	Priority   int                     `json:"priority"`
	Steps      []trailguide.GuideStep  `json:"steps"`
	Trigger    trailguide.GuideTrigger `json:"trigger"`
	URLScope   []string                `json:"url_scope,omitempty"`
	HeldOut    bool                    `json:"held_out,omitempty"`
	Suppressed string                  `json:"suppressed,omitempty"`
}

// Eligibility is the answer: the guides to show (Guides, by priority), the
// ones the visitor is held out of (HeldOut: show nothing, record
// guide_held_out) and the ones suppressed with a reason. Retry says the
// session is not indexed yet, so audience-targeted guides could not be
// decided: ask again after the first acknowledged batch.
type Eligibility struct {
	Guides     []*Served `json:"guides"`
	HeldOut    []*Served `json:"held_out"`
	Suppressed []*Served `json:"suppressed"`
	Retry      bool      `json:"retry,omitempty"`
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

// Eligible decides which published guides the visitor may see now.
func (s *Service) Eligible(ctx context.Context, projectID string, v Visitor) (*Eligibility, error) {
	if v.SessionID == "" || v.VisitorID == "" || len(v.SessionID) > 64 || len(v.VisitorID) > 64 {
		return nil, trailguide.Invalid("session", "session and visitor ids required.")
	}
	all, err := s.Store.Guides(ctx, projectID)
	if err != nil {
		return nil, fmt.Errorf("list guides: %w", err)
	}
	out := &Eligibility{Guides: []*Served{}, HeldOut: []*Served{}, Suppressed: []*Served{}}
	var live []*trailguide.Guide
	for _, g := range all {
		if g.Status == trailguide.GuidePublished && inScope(g.URLScope, v.URL) {
			live = append(live, g)
		}
	}
	if len(live) == 0 {
		return out, nil
	}
	now := s.now()
	seen, err := s.Store.GuidesSeen(ctx, projectID, v.VisitorID, now.Add(-30*24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("guides seen: %w", err)
	}
	b := s.Budget
	if b == (Budget{}) {
		b = DefaultBudget
	}
	// Sort by priority (then newest) so that the budget goes to the
	// guides that matter most.
	slices.SortStableFunc(live, func(a, c *trailguide.Guide) int { return c.Priority - a.Priority })
	shownSession := map[string]bool{}
	shownDay := map[string]bool{}
	for _, e := range seen {
		if e.Name != trailguide.GuideEventShown {
			continue
		}
		if e.SessionID == v.SessionID {
			shownSession[e.GuideID] = true
		}
		if e.Time.After(now.Add(-24 * time.Hour)) {
			shownDay[e.GuideID+"\x00"+e.SessionID] = true
		}
	}
	for _, g := range live {
		if g.Audience != nil {
			ok, err := s.Store.SessionMatches(ctx, projectID, v.SessionID, g.Audience)
			if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
				out.Retry = true
				continue
			} else if err != nil {
				return nil, fmt.Errorf("audience of guide %s: %w", g.ID, err)
			}
			if !ok {
				continue
			}
		}
		sv := serve(g)
		if r := frequencyReason(g, seen, v.SessionID); r != "" {
			sv.Suppressed = r
			out.Suppressed = append(out.Suppressed, sv)
			continue
		}
		a, err := s.Store.Assign(ctx, &trailguide.GuideAssignment{ProjectID: projectID, GuideID: g.ID, VisitorID: v.VisitorID,
			SessionID: v.SessionID, HeldOut: InHoldout(g.ID, v.VisitorID, g.Holdout()), At: now})
		if err != nil {
			return nil, fmt.Errorf("assign guide %s: %w", g.ID, err)
		}
		if a.HeldOut {
			sv.HeldOut = true
			sv.Steps = nil // a held-out visitor gets nothing to render
			out.HeldOut = append(out.HeldOut, sv)
			continue
		}
		if !shownSession[g.ID] {
			inDay := 0
			for k := range shownDay {
				if k[:len(g.ID)+1] != g.ID+"\x00" {
					inDay++
				}
			}
			if len(shownSession) >= b.PerSession || inDay >= b.PerDay {
				sv.Suppressed = ReasonBudget
				out.Suppressed = append(out.Suppressed, sv)
				continue
			}
		}
		out.Guides = append(out.Guides, sv)
	}
	return out, nil
}

func serve(g *trailguide.Guide) *Served {
	return &Served{ID: g.ID, Type: g.Type, Version: g.Version, Priority: g.Priority, Steps: g.Steps, Trigger: g.Trigger, URLScope: g.URLScope}
}

func inScope(scope []string, url string) bool {
	if len(scope) == 0 {
		return true
	}
	for _, p := range scope {
		if trailguide.MatchURL(p, url) {
			return true
		}
	}
	return false
}

// frequencyReason says why the guide's frequency cap suppresses it for the
// visitor now, "" when it does not. A guide shown in this session and not
// ended (completed or dismissed) stays eligible, so that a walkthrough
// resumes on the next page.
func frequencyReason(g *trailguide.Guide, seen []*trailguide.GuideSignal, session string) string {
	completed, endedHere, earlier := false, false, map[string]bool{}
	for _, e := range seen {
		if e.GuideID != g.ID {
			continue
		}
		switch e.Name {
		case trailguide.GuideEventCompleted:
			completed = true
			if e.SessionID == session {
				endedHere = true
			}
		case trailguide.GuideEventDismissed:
			if e.SessionID == session {
				endedHere = true
			}
		}
		if e.Name == trailguide.GuideEventShown && e.SessionID != session {
			earlier[e.SessionID] = true
		}
	}
	switch g.Frequency.Mode {
	case trailguide.FrequencyUntilCompleted:
		if completed {
			return ReasonCompleted
		}
		if endedHere {
			return ReasonFrequency
		}
	case trailguide.FrequencyEverySession:
		if endedHere {
			return ReasonFrequency
		}
	case trailguide.FrequencyMaxTimes:
		if endedHere || len(earlier) >= g.Frequency.Max {
			return ReasonFrequency
		}
	default: // once
		if endedHere || len(earlier) > 0 {
			return ReasonFrequency
		}
	}
	return ""
}
