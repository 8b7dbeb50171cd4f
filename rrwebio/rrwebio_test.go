package rrwebio

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
)

const (
	metaEv = `{"type":4,"data":{"href":"https://shop.test/a","width":1024,"height":768},"timestamp":1000}`
	fullEv = `{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":1001}`
	moveEv = `{"type":3,"data":{"source":1,"positions":[{"x":1,"y":2,"id":1,"timeOffset":0}]},"timestamp":1500}`
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		format  string
		windows int
		events  int
		reason  string // the invalid field, for errors
	}{
		{"plain array", "[" + moveEv + "," + metaEv + "," + fullEv + "]", "array", 1, 3, ""},
		{"object with events", `{"window":"w","events":[` + metaEv + "," + fullEv + `]}`, "object", 1, 2, ""},
		{"posthog export", `{"version":"2023-04-28","data":{"id":"x","snapshots":[` +
			strings.Replace(metaEv, `{"type"`, `{"windowId":"0190a-tab-one","type"`, 1) + "," +
			strings.Replace(fullEv, `{"type"`, `{"windowId":"0190a-tab-one","type"`, 1) + "," +
			strings.Replace(moveEv, `{"type"`, `{"windowId":"tab two!","type"`, 1) + `]}}`, "posthog", 2, 3, ""},
		{"ndjson", metaEv + "\n" + fullEv + "\n\n" + moveEv + "\n", "ndjson", 1, 3, ""},
		{"bom", "\xef\xbb\xbf[" + metaEv + "]", "array", 1, 1, ""},
		{"empty", "  ", "", 0, 0, "file"},
		{"not json", "hello", "", 0, 0, "file"},
		{"empty array", "[]", "", 0, 0, "events"},
		{"bad event type", `[` + metaEv + `,{"type":9,"timestamp":5}]`, "", 0, 0, "events[1]"},
		{"no timestamp", `[{"type":2,"data":{}}]`, "", 0, 0, "events[0]"},
		{"object without events", `{"foo":[]}`, "", 0, 0, "file"},
		{"ndjson bad line", metaEv + "\n{oops\n", "", 0, 0, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse([]byte(tt.in))
			if tt.reason != "" {
				if trailguide.ErrorCode(err) != trailguide.EINVALID || trailguide.ErrorReason(err) != tt.reason {
					t.Fatalf("err = %v (reason %q), want EINVALID reason %q", err, trailguide.ErrorReason(err), tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Format != tt.format || len(r.Windows) != tt.windows || r.Events() != tt.events {
				t.Errorf("got %s, %d windows, %d events; want %s, %d, %d", r.Format, len(r.Windows), r.Events(), tt.format, tt.windows, tt.events)
			}
			for id, evs := range r.Windows {
				if !trailguide.ValidID(id) {
					t.Errorf("window id %q is not a wire id", id)
				}
				for i := 1; i < len(evs); i++ {
					if ts(evs[i-1]) > ts(evs[i]) {
						t.Errorf("window %s not in time order at %d", id, i)
					}
				}
			}
		})
	}
}

func ts(ev json.RawMessage) int64 {
	var v struct{ Timestamp int64 }
	json.Unmarshal(ev, &v)
	return v.Timestamp
}

func TestBatches(t *testing.T) {
	var evs []string
	evs = append(evs, metaEv, fullEv)
	for i := range batchEvents + 10 {
		evs = append(evs, strings.Replace(moveEv, "1500", strings.Repeat("1", 1)+strings.Repeat("0", 3)+string(rune('0'+i%10)), 1))
	}
	r, err := Parse([]byte("[" + strings.Join(evs, ",") + "]"))
	if err != nil {
		t.Fatal(err)
	}
	bs := Batches(r, "tg_key", "visitor-imported", SessionID([]byte("x")), "rrweb-import")
	if len(bs) != 2 {
		t.Fatalf("%d batches, want 2", len(bs))
	}
	total := 0
	for i, b := range bs {
		total += len(b.Events)
		if b.Seq != int64(i) || b.Window != defaultWindow || !trailguide.ValidID(b.Session) {
			t.Errorf("batch %d: seq %d window %q session %q", i, b.Seq, b.Window, b.Session)
		}
		if b.SentAt != ts(b.Events[len(b.Events)-1]) {
			t.Errorf("batch %d sent_at %d, want its last event's time", i, b.SentAt)
		}
	}
	if total != len(evs) {
		t.Errorf("%d events in batches, want %d", total, len(evs))
	}
	if c := bs[0].Context; c == nil || c.URL != "https://shop.test/a" || c.ViewportW != 1024 {
		t.Errorf("first batch context = %+v", c)
	}
	if len(bs[0].Signals) != 1 || bs[0].Signals[0].Type != trailguide.EventPageview {
		t.Errorf("first batch signals = %+v, want one pageview", bs[0].Signals)
	}
	if bs[1].Context != nil {
		t.Errorf("second batch has a context")
	}
	if SessionID([]byte("a")) == SessionID([]byte("b")) || SessionID([]byte("a")) != SessionID([]byte("a")) {
		t.Errorf("SessionID is not a stable digest")
	}
}
