package trailguide

import (
	"encoding/json"
	"time"
)

// Analytics event (signal) types, as sent by the SDK in a batch's signals.
const (
	EventPageview = "pageview"
	EventClick    = "click"
	EventScroll   = "scroll"
	EventInput    = "input"
	EventSubmit   = "submit"
	EventError    = "error"
	EventTrack    = "track"
	EventIdentify = "identify"
	EventFriction = "friction"
	EventGuide    = "guide"
	EventField    = "field" // form field focus / invalid (docs/FRICTION.md §1)
	EventHover    = "hover" // dwell ≥ 1 s on an interactive element
	EventLeave    = "leave" // pagehide (into the bfcache too; not a tab switch)
	EventView     = "view"  // what a page view showed: document height, attention bands, blocks, pointer cells (heatmaps)
)

// EventTypes lists every accepted signal type.
var EventTypes = []string{
	EventPageview, EventClick, EventScroll, EventInput, EventSubmit,
	EventError, EventTrack, EventIdentify, EventFriction, EventGuide,
	EventField, EventHover, EventLeave, EventView,
}

// Event is one stored analytics event of a session.
type Event struct {
	ProjectID string          `json:"project_id"`
	SessionID string          `json:"session_id"`
	WindowID  string          `json:"window_id"`
	Seq       int64           `json:"seq"`   // batch seq it arrived in
	Index     int             `json:"index"` // position inside the batch
	Type      string          `json:"type"`
	Time      time.Time       `json:"time"`
	URL       string          `json:"url"`
	Selector  string          `json:"selector,omitempty"`
	Text      string          `json:"text,omitempty"`
	X         int             `json:"x,omitempty"`
	Y         int             `json:"y,omitempty"`
	Name      string          `json:"name,omitempty"` // track name, error message, friction kind
	Data      json.RawMessage `json:"data,omitempty"` // the rest of the signal, as sent
}
