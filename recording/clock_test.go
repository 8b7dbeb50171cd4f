package recording

import (
	"encoding/json"
	"testing"

	"github.com/trailguide/trailguide"
)

func TestShiftTimestamps(t *testing.T) {
	tests := []struct {
		name, in, want string
		delta          int64
	}{
		{"forward", `{"type":3,"data":{"source":0},"timestamp":1000}`, `{"type":3,"data":{"source":0},"timestamp":4600}`, 3600},
		{"back", `{"timestamp":1700000000000,"type":2,"data":{}}`, `{"timestamp":1699996400000,"type":2,"data":{}}`, -3600000},
		{"spaces kept", `{ "type" : 4 , "timestamp" : 5 , "data" : {"timestamp":9} }`, `{ "type" : 4 , "timestamp" : 15 , "data" : {"timestamp":9} }`, 10},
		{"nested timestamp only", `{"type":5,"data":{"timestamp":9}}`, `{"type":5,"data":{"timestamp":9}}`, 10},
		{"string timestamp", `{"type":5,"timestamp":"9"}`, `{"type":5,"timestamp":"9"}`, 10},
		{"not an object", `[1,2]`, `[1,2]`, 10},
		{"broken", `{"timestamp":12`, `{"timestamp":12`, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []json.RawMessage{json.RawMessage(tt.in)}
			got := ShiftTimestamps(in, tt.delta)
			if string(got[0]) != tt.want {
				t.Errorf("ShiftTimestamps(%s, %d) = %s, want %s", tt.in, tt.delta, got[0], tt.want)
			}
			if string(in[0]) != tt.in {
				t.Errorf("input changed to %s", in[0])
			}
		})
	}
	in := []json.RawMessage{json.RawMessage(`{"timestamp":1}`)}
	if got := ShiftTimestamps(in, 0); &got[0] != &in[0] {
		t.Error("delta 0 copied the events")
	}
}

func TestClockOffset(t *testing.T) {
	ev := func(s string) json.RawMessage { return json.RawMessage(s) }
	events := []json.RawMessage{ev(`{"type":4,"timestamp":1500}`), ev(`{"type":2,"timestamp":1000}`), ev(`{"type":3}`), ev(`nope`)}
	chunks := []*trailguide.Chunk{{FirstTS: 3_601_200}, {FirstTS: 3_601_000}}
	tests := []struct {
		name   string
		chunks []*trailguide.Chunk
		events []json.RawMessage
		want   int64
	}{
		{"skewed", chunks, events, 3_600_000},
		{"no skew", []*trailguide.Chunk{{FirstTS: 1000}}, events, 0},
		{"no chunks", nil, events, 0},
		{"no timestamps", chunks, []json.RawMessage{ev(`{"type":3}`)}, 0},
	}
	for _, tt := range tests {
		if got := ClockOffset(tt.chunks, tt.events); got != tt.want {
			t.Errorf("%s: ClockOffset = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func FuzzShiftTimestamps(f *testing.F) {
	f.Add([]byte(`{"type":3,"timestamp":1000,"data":{}}`), int64(5))
	f.Add([]byte(`{"timestamp":-1}`), int64(-7))
	f.Fuzz(func(t *testing.T, ev []byte, delta int64) {
		got := ShiftTimestamps([]json.RawMessage{ev}, delta)[0]
		h, ok := ParseEvent(ev)
		if !ok || !h.TimestampOK {
			if string(got) != string(ev) {
				t.Fatalf("event without a timestamp changed: %q -> %q", ev, got)
			}
			return
		}
		g, ok := ParseEvent(got)
		if !ok || !g.TimestampOK || g.Timestamp != h.Timestamp+delta || g.Type != h.Type || g.Source != h.Source {
			t.Fatalf("shift %d of %q = %q (%+v from %+v)", delta, ev, got, g, h)
		}
	})
}
