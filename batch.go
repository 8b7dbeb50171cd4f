package trailguide

import (
	"context"
	"encoding/json"
)

// Batch is the body of POST /ingest/v1/batch (wire protocol v1, see
// docs/PROTOCOL.md). The SDK's TypeScript types in web/sdk/src/wire.ts mirror
// it field by field; testdata/wire holds example bodies that both sides
// check against their types.
type Batch struct {
	Key     string            `json:"key"`
	Visitor string            `json:"visitor"`
	Session string            `json:"session"`
	Window  string            `json:"window"`
	Seq     int64             `json:"seq"`
	SentAt  int64             `json:"sent_at"`           // ms since epoch, client clock
	SDK     string            `json:"sdk"`               // e.g. "trailguide-js/0.1.0"
	Dropped int64             `json:"dropped,omitempty"` // batches the SDK dropped unsent since its last report
	Context *Context          `json:"context,omitempty"`
	Events  []json.RawMessage `json:"events"`  // rrweb events, replayed as-is
	Signals []Signal          `json:"signals"` // analytics events
}

// Context describes the page and device; sent on the first batch of every
// page load.
type Context struct {
	URL       string `json:"url"`
	Referrer  string `json:"referrer,omitempty"`
	UTM       UTM    `json:"utm"`
	ViewportW int    `json:"viewport_w"`
	ViewportH int    `json:"viewport_h"`
	ScreenW   int    `json:"screen_w"`
	ScreenH   int    `json:"screen_h"`
	UserAgent string `json:"user_agent"`
	// TouchPoints is navigator.maxTouchPoints: an iPad in desktop mode
	// sends a Mac user agent, but a Mac has no touch screen.
	TouchPoints int    `json:"touch_points,omitempty"`
	Language    string `json:"language,omitempty"`
	TimeZone    string `json:"time_zone,omitempty"`
}

// Signal is one analytics event from the SDK. Which fields are set depends on
// Type; see docs/PROTOCOL.md for the table.
type Signal struct {
	Type string `json:"type"`
	TS   int64  `json:"ts"` // ms since epoch, client clock
	URL  string `json:"url"`

	// pageview
	Title    string `json:"title,omitempty"`
	Referrer string `json:"referrer,omitempty"`

	// click, input, submit, friction, hesitation: the target element
	Selector string `json:"selector,omitempty"`
	Tag      string `json:"tag,omitempty"`
	Text     string `json:"text,omitempty"` // short, masked as the recording is

	// click: page coordinates, element-relative coordinates and element size,
	// viewport at the time
	X  int `json:"x,omitempty"`
	Y  int `json:"y,omitempty"`
	EX int `json:"ex,omitempty"`
	EY int `json:"ey,omitempty"`
	EW int `json:"ew,omitempty"`
	EH int `json:"eh,omitempty"`
	VW int `json:"vw,omitempty"`
	VH int `json:"vh,omitempty"`

	// scroll: deepest point reached on this page, percent of the document
	// height and pixels from the top of the document
	Depth   int `json:"depth,omitempty"`
	ScrollY int `json:"scroll_y,omitempty"`

	// track: Name and Props; error: Name is the message, Stack and Source;
	// friction and guide: Name is the signal or guide event kind
	Name   string         `json:"name,omitempty"`
	Props  map[string]any `json:"props,omitempty"`
	Stack  string         `json:"stack,omitempty"`
	Source string         `json:"source,omitempty"`

	// identify
	UserID string            `json:"user_id,omitempty"`
	Traits map[string]string `json:"traits,omitempty"`
}

// IngestBatch is a validated, decoded batch ready to be committed.
type IngestBatch struct {
	ProjectID string
	SessionID string
	WindowID  string
	Seq       int64
	Chunk     *Chunk // nil when the batch carried no rrweb events
	// ClientFirstTS and ClientLastTS span the batch's rrweb events on the
	// client's clock, as the replay sees them (0 without events); they
	// place a gap in the seqs on the replay's timeline (SeqGap).
	ClientFirstTS, ClientLastTS int64
	// Skew is the clock offset (ms) added to the client's times to put the
	// batch's signals on the server's clock: the session's offset, fixed by
	// its first batch (SessionClock), or this batch's estimate when it is
	// the first. The store keeps it with the batch row.
	Skew   int64
	Events []*Event
	Delta  SessionDelta
	// Scrubbed is what the server's scrubber replaced in the batch; the
	// store adds it to the project's counts in the batch's transaction.
	Scrubbed []ScrubCount
}

// IngestStore commits accepted batches.
type IngestStore interface {
	// HasBatch reports whether the batch (project, session, window, seq) is
	// already committed.
	HasBatch(ctx context.Context, projectID, sessionID, windowID string, seq int64) (bool, error)
	// SessionClock returns the clock skew (ms) of a session's committed
	// batches; known is false when the session has no batch that recorded
	// one (a new session, or one ingested before skews were kept).
	SessionClock(ctx context.Context, projectID, sessionID string) (skew int64, known bool, err error)
	// CommitBatch records the batch durably in one transaction: the batch
	// row (the dedupe key), its chunk row, its events and the session delta.
	// When the batch row already exists nothing changes and duplicate is
	// true. The chunk's blob must already be durable in the BlobStore. A
	// batch of an erased session (see ErasureStore) is dropped with
	// ErrSessionErased.
	CommitBatch(ctx context.Context, b *IngestBatch) (duplicate bool, err error)
}

// ValidID reports whether id is a wire id (session, window, visitor): 8-64
// characters of [A-Za-z0-9_-].
func ValidID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
