package trailguide

import (
	"context"
	"time"
)

// FrictionSeq is the batch seq of the friction events the server detects
// (docs/FRICTION.md, "On the server"). SDK batches have seq >= 0, so
// (window, FrictionSeq, index) never collides with an SDK event, and the
// server's detections of a session can be replaced as a whole. Friction
// signals the SDK sends live keep their batch's seq: they are the SDK's
// opinion, the rows with FrictionSeq are the authoritative ones.
const FrictionSeq int64 = -1

// FrictionExit is the Name of the one friction event per analysed session
// that classifies its exit (friction.Exit); reports count it apart.
const FrictionExit = "exit"

// Session sort orders (SessionFilter.Sort).
const (
	SortNewest      = "newest"      // StartedAt, then ID, descending (the default)
	SortFrustration = "frustration" // FrustrationScore descending, then newest
)

// SessionFriction is the server's friction analysis of one session: its
// detections as events (type EventFriction, Seq FrictionSeq, Name the
// signal type) and the summary kept on the session row.
type SessionFriction struct {
	ProjectID string
	SessionID string
	Events    []*Event
	// Counts per signal type, exits excluded; zero counts are left out.
	Counts map[string]int
	// Score is the frustration score (docs/FRICTION.md): a weighted sum of
	// Counts.
	Score     int
	ExitClass string
}

// FrictionQuery selects the sessions a friction report covers.
type FrictionQuery struct {
	ProjectID string
	From, To  time.Time // on the session's StartedAt; To is exclusive
	Limit     int       // elements returned; the store picks a default and a maximum
}

// FrictionElement is one row of the friction report: a signal on one
// element of one page.
type FrictionElement struct {
	URL      string `json:"url"` // the page's path (route fragments kept)
	Selector string `json:"selector"`
	Text     string `json:"text"`
	Signal   string `json:"signal"`
	Count    int    `json:"count"`    // detections
	Sessions int    `json:"sessions"` // distinct sessions with one
	// PageSessions is how many sessions viewed the page; ShareOfPageViews
	// is Sessions / PageSessions (0..1).
	PageSessions     int             `json:"page_sessions"`
	ShareOfPageViews float64         `json:"share_of_page_views"`
	FirstSeen        time.Time       `json:"first_seen"`
	LastSeen         time.Time       `json:"last_seen"`
	Example          FrictionExample `json:"example"`
	// Trend counts the detections per bucket of FrictionReport.Buckets,
	// by the start of their session.
	Trend []int `json:"trend"`
	// Previous is the same element in the period of the same length just
	// before the report's; nil when the report has no previous period (no
	// From) or the element had no detection in it.
	Previous *FrictionPrevious `json:"previous,omitempty"`
}

// FrictionPrevious is a report row's figures in the previous period.
type FrictionPrevious struct {
	Count            int     `json:"count"`
	Sessions         int     `json:"sessions"`
	PageSessions     int     `json:"page_sessions"`
	ShareOfPageViews float64 `json:"share_of_page_views"`
}

// FrictionExample points at one detection of a report row (the latest), so
// that the dashboard can open the replay at that moment.
type FrictionExample struct {
	SessionID string    `json:"session_id"`
	WindowID  string    `json:"window_id"`
	TMS       int64     `json:"t_ms"` // ms after the session's StartedAt
	Time      time.Time `json:"time"`
}

// FrictionReport is the Friction page of a project for a date range.
type FrictionReport struct {
	// From and To are the period the report covers: the query's, with To
	// defaulting to now and From to the first session's start.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// PreviousFrom is the start of the previous period [PreviousFrom,
	// From), zero when the query had no From.
	PreviousFrom time.Time `json:"previous_from,omitzero"`
	// Buckets are the starts of the equal-width trend buckets that split
	// [From, To) (FrictionBuckets); BucketMS is their width.
	Buckets  []time.Time        `json:"buckets"`
	BucketMS int64              `json:"bucket_ms"`
	Elements []*FrictionElement `json:"elements"`
	// Exits counts the analysed sessions by exit class.
	Exits map[string]int `json:"exits"`
}

// FrictionStore keeps the server's friction analysis. Backends implement it
// on the same database as their SessionStore.
type FrictionStore interface {
	// ReplaceFriction atomically replaces every server friction event of
	// the session (Seq FrictionSeq) with f.Events and sets the session's
	// counts, score and exit class. Running it again with the same input
	// changes nothing. ENOTFOUND when the session does not exist; EINVALID
	// for an event that is not a friction event with Seq FrictionSeq.
	ReplaceFriction(ctx context.Context, f *SessionFriction) error
	// FrictionReport aggregates the server detections of the sessions
	// that started in the range: per page path, selector and signal, most
	// frequent first; exits are excluded from Elements and counted by
	// class in Exits.
	FrictionReport(ctx context.Context, q FrictionQuery) (*FrictionReport, error)
}

// FrictionBuckets splits [from, to) into the trend buckets of a friction
// report: one per day when the period spans 2 to 62 days, otherwise 12
// equal parts (an hour-long period gets 5-minute buckets). It returns the
// bucket starts and their width; nil when to is not after from.
func FrictionBuckets(from, to time.Time) ([]time.Time, time.Duration) {
	d := to.Sub(from)
	if d <= 0 {
		return nil, 0
	}
	const day = 24 * time.Hour
	width := (d + 11) / 12
	if d >= 2*day && d <= 62*day {
		width = day
	}
	var starts []time.Time
	for t := from; t.Before(to); t = t.Add(width) {
		starts = append(starts, t)
	}
	return starts, width
}

// FrictionBucket is the index of t's bucket (FrictionBuckets), clamped to
// [0, n).
func FrictionBucket(from time.Time, width time.Duration, n int, t time.Time) int {
	if n == 0 || width <= 0 {
		return 0
	}
	i := int(t.Sub(from) / width)
	return max(0, min(n-1, i))
}
