package recording

import (
	"encoding/json"
	"strconv"

	"github.com/trailguide/trailguide"
)

// ClockOffset is what to add to the timestamps of a window's rrweb events
// to put them on the index clock of its signals: the chunk rows' earliest
// FirstTS (the index clock, see ingest's clock skew) minus the events'
// earliest timestamp (the client's clock). Ingest shifts every batch of a
// session by the same skew, so one offset holds for the whole window; it is
// 0 for a client whose clock needed no correction, and when there are no
// chunks or no timestamped events.
func ClockOffset(chunks []*trailguide.Chunk, events []json.RawMessage) int64 {
	if len(chunks) == 0 {
		return 0
	}
	first := chunks[0].FirstTS
	for _, c := range chunks[1:] {
		first = min(first, c.FirstTS)
	}
	var (
		earliest int64
		seen     bool
	)
	for _, e := range events {
		h, ok := ParseEvent(e)
		if !ok || !h.TimestampOK {
			continue
		}
		if !seen || h.Timestamp < earliest {
			earliest, seen = h.Timestamp, true
		}
	}
	if !seen {
		return 0
	}
	return first - earliest
}

// ShiftTimestamps returns events with delta added to each event's top-level
// "timestamp"; the rest of every event is kept byte for byte. An event
// without an integer timestamp, or that is not one JSON object (ParseEvent's
// rules), is returned unchanged. With delta 0 it returns events itself.
func ShiftTimestamps(events []json.RawMessage, delta int64) []json.RawMessage {
	if delta == 0 {
		return events
	}
	out := make([]json.RawMessage, len(events))
	for i, ev := range events {
		out[i] = shiftOne(ev, delta)
	}
	return out
}

func shiftOne(ev json.RawMessage, delta int64) json.RawMessage {
	start, end := -1, -1
	var ts int64
	base := skipWS(ev, 0)
	objEnd, ok := scanObject(ev, base, func(key, v []byte) {
		if string(key) != "timestamp" {
			return
		}
		n, ok := parseInt(v)
		if !ok {
			start = -1
			return
		}
		// v is ev[start:end] (scanObject slices ev), so the capacities
		// give its position
		start = cap(ev) - cap(v)
		end, ts = start+len(v), n
	})
	if !ok || start < 0 || skipWS(ev, objEnd) != len(ev) {
		return ev
	}
	out := make([]byte, 0, len(ev)+4)
	out = append(out, ev[:start]...)
	out = strconv.AppendInt(out, ts+delta, 10)
	return append(out, ev[end:]...)
}
