package trailguide

import (
	"context"
	"time"
)

// Device classes.
const (
	DeviceDesktop = "desktop"
	DeviceTablet  = "tablet"
	DeviceMobile  = "mobile"
)

// Session is the index row of one recorded session: everything the session
// list shows and filters on. The recording itself lives in chunks.
type Session struct {
	ProjectID      string            `json:"project_id"`
	ID             string            `json:"id"`
	VisitorID      string            `json:"visitor_id"`
	UserID         string            `json:"user_id,omitempty"`
	UserTraits     map[string]string `json:"user_traits,omitempty"`
	StartedAt      time.Time         `json:"started_at"`
	LastActivityAt time.Time         `json:"last_activity_at"`
	DurationMS     int64             `json:"duration_ms"`
	ActiveMS       int64             `json:"active_ms"`
	PageCount      int               `json:"page_count"`
	ClickCount     int               `json:"click_count"`
	ErrorCount     int               `json:"error_count"`
	EventCount     int               `json:"event_count"`
	EntryURL       string            `json:"entry_url"`
	ExitURL        string            `json:"exit_url"`
	Referrer       string            `json:"referrer,omitempty"`
	UTM            UTM               `json:"utm"`
	DeviceClass    string            `json:"device_class"`
	Browser        string            `json:"browser"`
	OS             string            `json:"os"`
	ViewportW      int               `json:"viewport_w"`
	ViewportH      int               `json:"viewport_h"`
	Language       string            `json:"language,omitempty"`
	TimeZone       string            `json:"time_zone,omitempty"`
	UserAgent      string            `json:"user_agent,omitempty"`
	RawBytes       int64             `json:"raw_bytes"`
	StoredBytes    int64             `json:"stored_bytes"`
	Closed         bool              `json:"closed"`
	Compacted      bool              `json:"compacted"`
	// LastBatchAt is the server time of the last accepted batch; the worker
	// closes a session 30 minutes after it.
	LastBatchAt time.Time `json:"last_batch_at"`
	// The server's friction analysis, set when the worker closes the
	// session (see FrictionStore): detections per signal type (exits not
	// counted, absent when none), the frustration score and the exit class
	// ("" until analysed). A late batch that reopens the session leaves
	// them as they were until it closes again.
	FrictionCounts   map[string]int `json:"friction_counts,omitempty"`
	FrustrationScore int            `json:"frustration_score"`
	ExitClass        string         `json:"exit_class,omitempty"`
	// DroppedBatches is how many batches the SDK reported dropping unsent
	// (its buffer is bounded while the server is unreachable); they show as
	// gaps in the replay.
	DroppedBatches int64 `json:"dropped_batches"`
}

// UTM holds the campaign parameters of a session's entry page.
type UTM struct {
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Term     string `json:"term,omitempty"`
	Content  string `json:"content,omitempty"`
}

// SessionFilter selects sessions of one project. Zero values mean "any".
type SessionFilter struct {
	ProjectID   string
	From, To    time.Time // on StartedAt; To is exclusive
	URL         string    // substring of any pageview URL
	MinDuration time.Duration
	MaxDuration time.Duration
	UserID      string // exact, or prefix when it ends with '*'
	UTMSource   string
	DeviceClass string
	Browser     string
	HasError    *bool
	// Signal keeps sessions with at least one server detection of this
	// type (friction.RageClick...); Selector, sessions with a server
	// detection on this element. Given both, one detection must match both.
	Signal   string
	Selector string
	// Segment is a segment filter (segment.go) the sessions must also
	// match; nil matches every session.
	Segment *Filter
	// Sort is SortNewest ("" too) or SortFrustration.
	Sort string
	// Paging: Cursor is the opaque value of a previous page's NextCursor,
	// valid only with the same Sort.
	Limit  int
	Cursor string
}

// SessionPage is one page of a session search.
type SessionPage struct {
	Sessions   []*Session `json:"sessions"`
	Total      int        `json:"total"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// SessionDelta is what one accepted batch adds to its session's index row.
// The store merges it: counts add up, StartedAt takes the minimum,
// LastActivityAt the maximum, entry/first-seen fields are set once, exit
// fields follow the latest activity.
type SessionDelta struct {
	ProjectID  string
	SessionID  string
	VisitorID  string
	UserID     string            // set by identify; empty leaves it unchanged
	UserTraits map[string]string // merged key by key
	FirstAt    time.Time         // earliest event time in the batch
	LastAt     time.Time         // latest event time in the batch
	ActiveMS   int64
	Pages      int
	Clicks     int
	Errors     int
	Events     int
	Dropped    int64  // batches the SDK reported dropping unsent
	EntryURL   string // first pageview URL in the batch, if any
	ExitURL    string // last URL seen in the batch, if any
	Context    *Context
	// Parsed from the context's user agent (and viewport) by ingest.
	DeviceClass string
	Browser     string
	OS          string
	RawBytes    int64
	StoredBytes int64
	ReceivedAt  time.Time
}

// SessionStore reads and maintains the session index.
type SessionStore interface {
	// Session returns ENOTFOUND when the session does not exist in project.
	Session(ctx context.Context, projectID, id string) (*Session, error)
	FindSessions(ctx context.Context, f SessionFilter) (*SessionPage, error)
	// Events returns the analytics events of a session ordered by time.
	Events(ctx context.Context, projectID, sessionID string) ([]*Event, error)
	// Chunks returns the recording chunks of a session ordered by window
	// then seq.
	Chunks(ctx context.Context, projectID, sessionID string) ([]*Chunk, error)
	// ChunkData returns the bytes of a chunk staged in the index store
	// (BlobKey empty); ENOTFOUND when it has none (compacted meanwhile).
	ChunkData(ctx context.Context, c *Chunk) ([]byte, error)
	// IdleSessions returns open sessions whose last batch arrived before t.
	IdleSessions(ctx context.Context, before time.Time, limit int) ([]*Session, error)
	// CloseSession marks a session closed.
	CloseSession(ctx context.Context, projectID, id string) error
	// ReplaceChunks atomically swaps the given chunk rows for one compacted
	// row (same window) and updates the session's stored size. The caller
	// writes the new blob first and deletes the old blobs after.
	ReplaceChunks(ctx context.Context, old []*Chunk, compacted *Chunk) error
	// MarkCompacted records that every window of the session is compacted.
	MarkCompacted(ctx context.Context, projectID, id string) error
	// Facets returns the distinct values the session filters offer.
	Facets(ctx context.Context, projectID string) (*SessionFacets, error)
}

// SessionFacets are the distinct filter values of a project's sessions.
type SessionFacets struct {
	Browsers   []string `json:"browsers"`
	Devices    []string `json:"devices"`
	UTMSources []string `json:"utm_sources"`
}

// Narrows reports whether f selects fewer sessions than all of its
// project's: any condition set (paging and sort aside). Reports that keep
// pre-aggregated roll-ups (heatmaps) read them only when it does not.
func (f SessionFilter) Narrows() bool {
	return f.URL != "" || f.MinDuration != 0 || f.MaxDuration != 0 || f.UserID != "" || f.UTMSource != "" ||
		f.DeviceClass != "" || f.Browser != "" || f.HasError != nil || f.Signal != "" || f.Selector != "" ||
		!f.From.IsZero() || !f.To.IsZero() || f.Segment != nil
}
