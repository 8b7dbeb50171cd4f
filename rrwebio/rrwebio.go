// Package rrwebio reads rrweb recordings made by other tools and turns them
// into wire-protocol batches, so that `trailguide import` stores them
// through the same ingest path as the SDK's (validation, scrubbing,
// chunking, indexing). It reads the formats whose shape is public: a plain
// JSON array of rrweb events (rrweb's own `record({emit})` output, what
// `trailguide export` and GET …/sessions/{sid}/events write), an object
// with an "events" array (rrweb-player demos, Trailguide's recording API),
// PostHog's recording export ({"version", "data": {"snapshots": [...]}},
// windows by "windowId"), and newline-delimited JSON, one event a line.
package rrwebio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/recording"
)

// Recording is one imported session: its rrweb events per window (tab),
// each in timestamp order.
type Recording struct {
	Format  string                       // "array", "object", "posthog" or "ndjson"
	Windows map[string][]json.RawMessage // window id → events
}

// Events is the number of events of every window.
func (r *Recording) Events() int {
	n := 0
	for _, evs := range r.Windows {
		n += len(evs)
	}
	return n
}

// WindowIDs returns the window ids in the order their first event happened.
func (r *Recording) WindowIDs() []string {
	ids := make([]string, 0, len(r.Windows))
	for id := range r.Windows {
		ids = append(ids, id)
	}
	first := func(id string) int64 {
		h, _ := recording.ParseEvent(r.Windows[id][0])
		return h.Timestamp
	}
	sort.Slice(ids, func(i, j int) bool {
		if a, b := first(ids[i]), first(ids[j]); a != b {
			return a < b
		}
		return ids[i] < ids[j]
	})
	return ids
}

// defaultWindow names the one window of formats that have none.
const defaultWindow = "imported-window"

// Parse reads a recording in any of the package's formats. An error names
// the event that is not an rrweb event (events[i] or line i).
func Parse(data []byte) (*Recording, error) {
	data = bytes.TrimSpace(data)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 BOM
	if len(data) == 0 {
		return nil, trailguide.Invalid("file", "The file is empty.")
	}
	switch data[0] {
	case '[':
		var evs []json.RawMessage
		if err := json.Unmarshal(data, &evs); err != nil {
			return nil, trailguide.Invalid("file", "Not a JSON array of rrweb events: %v.", err)
		}
		return single("array", evs, "events")
	case '{':
		// One object: a wrapper (events, PostHog's data.snapshots), or
		// the first line of NDJSON.
		var obj struct {
			Events  []json.RawMessage `json:"events"`
			Version string            `json:"version"`
			Data    *struct {
				Snapshots []json.RawMessage `json:"snapshots"`
			} `json:"data"`
		}
		if err := json.Unmarshal(data, &obj); err == nil {
			switch {
			case obj.Events != nil:
				return single("object", obj.Events, "events")
			case obj.Data != nil && obj.Data.Snapshots != nil:
				return posthog(obj.Data.Snapshots)
			}
			return nil, trailguide.Invalid("file", "A JSON object without an \"events\" array or PostHog's \"data.snapshots\".")
		}
		return ndjson(data)
	}
	return nil, trailguide.Invalid("file", "Not JSON: expected an array of rrweb events, an object or one event per line.")
}

func single(format string, evs []json.RawMessage, field string) (*Recording, error) {
	if err := check(evs, field); err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, trailguide.Invalid(field, "No events.")
	}
	sortByTime(evs)
	return &Recording{Format: format, Windows: map[string][]json.RawMessage{defaultWindow: evs}}, nil
}

func posthog(snaps []json.RawMessage) (*Recording, error) {
	if err := check(snaps, "data.snapshots"); err != nil {
		return nil, err
	}
	r := &Recording{Format: "posthog", Windows: map[string][]json.RawMessage{}}
	for _, s := range snaps {
		var w struct {
			WindowID string `json:"windowId"`
		}
		_ = json.Unmarshal(s, &w)
		id := windowID(w.WindowID)
		r.Windows[id] = append(r.Windows[id], s)
	}
	if len(r.Windows) == 0 {
		return nil, trailguide.Invalid("data.snapshots", "No events.")
	}
	for _, evs := range r.Windows {
		sortByTime(evs)
	}
	return r, nil
}

func ndjson(data []byte) (*Recording, error) {
	var evs []json.RawMessage
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !json.Valid(line) {
			return nil, trailguide.Invalid(fmt.Sprintf("line %d", i+1), "Line %d is not JSON.", i+1)
		}
		evs = append(evs, json.RawMessage(line))
	}
	if err := check(evs, "line"); err != nil {
		return nil, err
	}
	sortByTime(evs)
	return &Recording{Format: "ndjson", Windows: map[string][]json.RawMessage{defaultWindow: evs}}, nil
}

// check says which event is not an rrweb event (type 0-6 and a timestamp).
func check(evs []json.RawMessage, field string) error {
	for i, ev := range evs {
		h, ok := recording.ParseEvent(ev)
		if !ok || !h.TypeOK || h.Type < 0 || h.Type > 6 || !h.TimestampOK || h.Timestamp <= 0 {
			return trailguide.Invalid(fmt.Sprintf("%s[%d]", field, i), "Event %d is not an rrweb event (needs a type 0-6 and a timestamp).", i)
		}
	}
	return nil
}

func sortByTime(evs []json.RawMessage) {
	sort.SliceStable(evs, func(i, j int) bool {
		a, _ := recording.ParseEvent(evs[i])
		b, _ := recording.ParseEvent(evs[j])
		return a.Timestamp < b.Timestamp
	})
}

// windowID makes a wire window id (8-64 of [A-Za-z0-9_-]) of another tool's.
func windowID(id string) string {
	switch {
	case id == "":
		return defaultWindow
	case trailguide.ValidID(id):
		return id
	}
	return "w-" + hash(id)[:20]
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// SessionID derives a stable session id from a file's bytes, so that
// importing the same file twice stores it once (same ids, same seqs).
func SessionID(data []byte) string {
	sum := sha256.Sum256(data)
	return "imp-" + hex.EncodeToString(sum[:])[:28]
}

// Limits of one batch, well under ingest's (20000 events, 16 MiB
// decompressed) and its time window (events within 24 h of sent_at).
const (
	batchEvents = 2000
	batchBytes  = 4 << 20
	batchSpanMS = 12 * 60 * 60 * 1000
)

// Batches cuts the recording into wire batches for the project key, one
// stream per window with seqs from 0. Each batch's sent_at is its last
// event's time, so ingest takes the events' own clock (no skew), and the
// first batch of each page load (a Meta event) carries a context and a
// pageview signal built from it.
func Batches(r *Recording, key, visitor, session, sdk string) []trailguide.Batch {
	var out []trailguide.Batch
	for _, win := range r.WindowIDs() {
		evs := r.Windows[win]
		seq := int64(0)
		for start := 0; start < len(evs); {
			end, size := start, 0
			first, _ := recording.ParseEvent(evs[start])
			for end < len(evs) && end-start < batchEvents {
				h, _ := recording.ParseEvent(evs[end])
				if end > start && (size+len(evs[end]) > batchBytes || h.Timestamp-first.Timestamp > batchSpanMS) {
					break
				}
				size += len(evs[end])
				end++
			}
			chunk := evs[start:end]
			last, _ := recording.ParseEvent(chunk[len(chunk)-1])
			b := trailguide.Batch{Key: key, Visitor: visitor, Session: session, Window: win, Seq: seq,
				SentAt: last.Timestamp, SDK: sdk, Events: chunk, Signals: []trailguide.Signal{}}
			for _, ev := range chunk {
				m, ok := meta(ev)
				if !ok {
					continue
				}
				if b.Context == nil {
					b.Context = &trailguide.Context{URL: m.Data.Href, ViewportW: m.Data.Width, ViewportH: m.Data.Height,
						ScreenW: m.Data.Width, ScreenH: m.Data.Height, UserAgent: "rrweb import"}
				}
				b.Signals = append(b.Signals, trailguide.Signal{Type: trailguide.EventPageview, TS: m.Timestamp, URL: m.Data.Href})
			}
			out = append(out, b)
			seq++
			start = end
		}
	}
	return out
}

type metaEvent struct {
	Type      int   `json:"type"`
	Timestamp int64 `json:"timestamp"`
	Data      struct {
		Href   string `json:"href"`
		Width  int    `json:"width"`
		Height int    `json:"height"`
	} `json:"data"`
}

// meta decodes an rrweb Meta event (type 4) with an http(s) href.
func meta(ev json.RawMessage) (metaEvent, bool) {
	h, _ := recording.ParseEvent(ev)
	if h.Type != 4 {
		return metaEvent{}, false
	}
	var m metaEvent
	if err := json.Unmarshal(ev, &m); err != nil || !(strings.HasPrefix(m.Data.Href, "http://") || strings.HasPrefix(m.Data.Href, "https://")) {
		return metaEvent{}, false
	}
	return m, true
}
