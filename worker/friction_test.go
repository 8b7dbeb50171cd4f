package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
)

// frictionBatch is a plain-JSON batch of one window: a meta event and a
// full snapshot (so that clicks are observed) when seq is 0, and signals.
func frictionBatch(tb testing.TB, sid string, seq int64, at time.Time, sigs []trailguide.Signal) []byte {
	tb.Helper()
	b := trailguide.Batch{
		Key: "tg_pk_batchgen", Visitor: "visitor0000000000000000000000001", Session: sid,
		Window: "window00000000000000000000000001", Seq: seq, SentAt: at.UnixMilli(), SDK: "test/1",
		Events: []json.RawMessage{}, Signals: sigs,
	}
	if seq == 0 {
		b.Context = &trailguide.Context{URL: "https://app.test/home", ViewportW: 1280, ViewportH: 800, UserAgent: "test"}
		ts := sigs[0].TS
		b.Events = []json.RawMessage{
			json.RawMessage(fmt.Sprintf(`{"type":4,"timestamp":%d,"data":{"href":"https://app.test/home","width":1280,"height":800}}`, ts)),
			json.RawMessage(fmt.Sprintf(`{"type":2,"timestamp":%d,"data":{"node":{"type":0,"id":1,"childNodes":[]},"initialOffset":{"top":0,"left":0}}}`, ts)),
		}
	}
	body, err := json.Marshal(b)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// rageBurst is three clicks 200 ms apart on a button that does nothing.
func rageBurst(at time.Time) []trailguide.Signal {
	var out []trailguide.Signal
	for i := range 3 {
		out = append(out, trailguide.Signal{
			Type: trailguide.EventClick, TS: at.Add(time.Duration(i) * 200 * time.Millisecond).UnixMilli(),
			URL: "https://app.test/home", Selector: "#watch-demo", Tag: "button", Text: "Watch demo",
			X: 100, Y: 200, Props: map[string]any{"interactive": true},
		})
	}
	return out
}

func (e *env) ingestJSON(tb testing.TB, body []byte, at time.Time) {
	tb.Helper()
	e.clock.Set(at)
	if _, err := e.ingest.Ingest(context.Background(), &trailguide.IngestRequest{Body: body, ReceivedAt: at}); err != nil {
		tb.Fatalf("ingest: %v", err)
	}
}

// serverDetections returns the session's server friction events by name.
func serverDetections(tb testing.TB, e *env, sid string) map[string]int {
	tb.Helper()
	events, err := e.sessions.Events(context.Background(), "proj1", sid)
	if err != nil {
		tb.Fatal(err)
	}
	got := map[string]int{}
	for _, ev := range events {
		if ev.Seq == trailguide.FrictionSeq {
			if ev.Type != trailguide.EventFriction {
				tb.Fatalf("event with the server seq of type %q", ev.Type)
			}
			got[ev.Name]++
		}
	}
	return got
}

// The worker detects friction when it closes a session, stores it as
// events and on the session row, and a session reopened by a late batch
// and closed again is analysed from scratch: nothing counts twice.
func TestWorkerDetectsFriction(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	const sid = "session0000000000000000000000001"
	start := t0
	sigs := append([]trailguide.Signal{{Type: trailguide.EventPageview, TS: start.UnixMilli(), URL: "https://app.test/home"}},
		rageBurst(start.Add(2*time.Second))...)
	e.ingestJSON(t, frictionBatch(t, sid, 0, start, sigs), start.Add(5*time.Second))

	if s, _ := e.sessions.Session(ctx, "proj1", sid); s.ExitClass != "" || s.FrictionCounts != nil {
		t.Fatalf("open session already analysed: %+v", s)
	}
	e.clock.Add(31 * time.Minute)
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("closed %d (%v), want 1", n, err)
	}
	s, err := e.sessions.Session(ctx, "proj1", sid)
	if err != nil {
		t.Fatal(err)
	}
	if s.FrictionCounts[friction.RageClick] != 1 {
		t.Fatalf("friction counts %v, want one rage click", s.FrictionCounts)
	}
	if want := friction.Score(s.FrictionCounts); s.FrustrationScore != want || want < 3 {
		t.Errorf("score %d, want %d (>= 3)", s.FrustrationScore, want)
	}
	if s.ExitClass != friction.ExitAfterFrust {
		t.Errorf("exit class %q, want %q", s.ExitClass, friction.ExitAfterFrust)
	}
	first := serverDetections(t, e, sid)
	wantEvents := maps.Clone(s.FrictionCounts)
	wantEvents[friction.Exit] = 1
	if !maps.Equal(first, wantEvents) {
		t.Fatalf("server friction events %v, want the counts plus one exit %v", first, wantEvents)
	}

	// The stored rage click describes the element and carries its evidence.
	events, _ := e.sessions.Events(ctx, "proj1", sid)
	var rage, firstClick *trailguide.Event
	for _, ev := range events {
		if ev.Seq == trailguide.FrictionSeq && ev.Name == friction.RageClick {
			rage = ev
		}
		if ev.Type == trailguide.EventClick && firstClick == nil {
			firstClick = ev // its time as stored, after ingest's clock-skew correction
		}
	}
	var data struct {
		Source   string           `json:"source"`
		Evidence []friction.Input `json:"evidence"`
		Details  map[string]any   `json:"details"`
	}
	if err := json.Unmarshal(rage.Data, &data); err != nil {
		t.Fatal(err)
	}
	if rage.Selector != "#watch-demo" || rage.Text != "Watch demo" || rage.X != 100 || rage.Y != 200 ||
		rage.URL != "https://app.test/home" || !rage.Time.Equal(firstClick.Time) ||
		rage.WindowID != "window00000000000000000000000001" {
		t.Errorf("rage click event %+v %s", rage, rage.Data)
	}
	if data.Source != "server" || len(data.Evidence) != 3 || data.Evidence[0].Kind != friction.KindClick {
		t.Errorf("rage click data %s", rage.Data)
	}

	// Closing again without anything new changes nothing.
	if err := e.worker.CompactSession(ctx, "proj1", sid); err != nil {
		t.Fatal(err)
	}
	if again := serverDetections(t, e, sid); !maps.Equal(again, first) {
		t.Fatalf("after a second close: %v, want %v", again, first)
	}

	// A late batch with another burst reopens the session; closed again,
	// it has two rage clicks, not three.
	late := start.Add(10 * time.Second)
	e.ingestJSON(t, frictionBatch(t, sid, 1, late, rageBurst(late)), e.clock.Now().Add(time.Minute))
	e.clock.Add(31 * time.Minute)
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("second pass: closed %d (%v), want 1", n, err)
	}
	s, _ = e.sessions.Session(ctx, "proj1", sid)
	if s.FrictionCounts[friction.RageClick] != 2 {
		t.Fatalf("after a late burst: counts %v, want two rage clicks", s.FrictionCounts)
	}
	got := serverDetections(t, e, sid)
	if got[friction.RageClick] != 2 || got[friction.Exit] != 1 {
		t.Fatalf("after a late burst: server events %v, want two rage clicks and one exit", got)
	}
	t.Logf("counts %v, score %d, exit %s", s.FrictionCounts, s.FrustrationScore, s.ExitClass)
}

// clickBurst is n clicks 200 ms apart on a button that does nothing.
func clickBurst(at time.Time, n int) []trailguide.Signal {
	var out []trailguide.Signal
	for i := range n {
		out = append(out, trailguide.Signal{
			Type: trailguide.EventClick, TS: at.Add(time.Duration(i) * 200 * time.Millisecond).UnixMilli(),
			URL: "https://app.test/home", Selector: "#watch-demo", Tag: "button", Text: "Watch demo",
			X: 100, Y: 200, Props: map[string]any{"interactive": true},
		})
	}
	return out
}

// The worker analyses a closed session with its project's friction
// settings, read when the session closes: a project whose rage click needs
// 5 clicks gets none for 3.
func TestWorkerProjectFrictionConfig(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		cfg      string // the project's stored friction config; "" for none
		clicks   int
		wantRage int
	}{
		{"default, 3 clicks", "", 3, 1},
		{"rage_clicks 5, 3 clicks", `{"rage_clicks":5}`, 3, 0},
		{"rage_clicks 5, 5 clicks", `{"rage_clicks":5}`, 5, 1},
		{"rage_clicks 5 window too short, 5 clicks", `{"rage_clicks":5,"rage_window_ms":500}`, 5, 0},
		{"rage_click disabled", `{"disabled":["rage_click"]}`, 5, 0},
		{"reset to the defaults", "", 3, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg json.RawMessage
			if tt.cfg != "" {
				cfg = json.RawMessage(tt.cfg)
			}
			if err := e.projects.SetFrictionConfig(ctx, "proj1", cfg); err != nil {
				t.Fatal(err)
			}
			sid := fmt.Sprintf("session%025d", 100+i)
			start := e.clock.Now().Add(time.Hour)
			sigs := append([]trailguide.Signal{{Type: trailguide.EventPageview, TS: start.UnixMilli(), URL: "https://app.test/home"}},
				clickBurst(start.Add(2*time.Second), tt.clicks)...)
			e.ingestJSON(t, frictionBatch(t, sid, 0, start, sigs), start.Add(5*time.Second))
			e.clock.Add(31 * time.Minute)
			if n, err := e.worker.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("closed %d (%v), want 1", n, err)
			}
			s, err := e.sessions.Session(ctx, "proj1", sid)
			if err != nil {
				t.Fatal(err)
			}
			if s.ExitClass == "" {
				t.Fatalf("session not analysed: %+v", s)
			}
			if got := s.FrictionCounts[friction.RageClick]; got != tt.wantRage {
				t.Fatalf("rage clicks %d, want %d (counts %v)", got, tt.wantRage, s.FrictionCounts)
			}
			if got := serverDetections(t, e, sid)[friction.RageClick]; got != tt.wantRage {
				t.Fatalf("stored rage click events %d, want %d", got, tt.wantRage)
			}
		})
	}
}

// failingProjects is a ProjectStore whose Project fails while err is set.
type failingProjects struct {
	trailguide.ProjectStore
	err error
}

func (f *failingProjects) Project(ctx context.Context, id string) (*trailguide.Project, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.ProjectStore.Project(ctx, id)
}

// A session whose project settings cannot be read is left open (not
// analysed with the wrong thresholds) and closed by a later pass.
func TestWorkerProjectStoreFailure(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	projects := &failingProjects{ProjectStore: e.projects, err: trailguide.Errorf(trailguide.EUNAVAILABLE, "down")}
	w := New(Config{Clock: e.clock, Projects: projects}, e.sessions, e.blobs, nil)
	if err := e.projects.SetFrictionConfig(ctx, "proj1", json.RawMessage(`{"rage_clicks":5}`)); err != nil {
		t.Fatal(err)
	}
	const sid = "session0000000000000000000000009"
	sigs := append([]trailguide.Signal{{Type: trailguide.EventPageview, TS: t0.UnixMilli(), URL: "https://app.test/home"}},
		clickBurst(t0.Add(2*time.Second), 3)...)
	e.ingestJSON(t, frictionBatch(t, sid, 0, t0, sigs), t0.Add(5*time.Second))
	e.clock.Add(31 * time.Minute)
	if n, err := w.RunOnce(ctx); err == nil || n != 0 {
		t.Fatalf("pass with a failing project store: closed %d (%v), want 0 and an error", n, err)
	}
	if s, _ := e.sessions.Session(ctx, "proj1", sid); s.Closed || s.ExitClass != "" {
		t.Fatalf("session closed or analysed without its settings: %+v", s)
	}
	projects.err = nil
	if n, err := w.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("closed %d (%v), want 1", n, err)
	}
	if s, _ := e.sessions.Session(ctx, "proj1", sid); !s.Closed || s.FrictionCounts[friction.RageClick] != 0 {
		t.Fatalf("session after the store came back: %+v, want closed without a rage click", s)
	}
}

// A client whose clock is off: ingest puts its signals on the server's
// clock and leaves its recording as sent, so the worker must shift the
// recording back onto the signals' clock before it looks for what answered
// a click. A second batch that arrives late keeps the session's skew.
func TestWorkerSkewedClientClock(t *testing.T) {
	tests := []struct {
		name     string
		behind   time.Duration // client clock behind the server's
		answered bool          // a mutation 150 ms after the click
		wantDead int
	}{
		{"in step, answered", 0, true, 0},
		{"in step, unanswered", 0, false, 1},
		{"an hour behind, answered", time.Hour, true, 0},
		{"an hour behind, unanswered", time.Hour, false, 1},
		{"ten minutes ahead, answered", -10 * time.Minute, true, 0},
		{"ten minutes ahead, unanswered", -10 * time.Minute, false, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustOpenEnv(t)
			ctx := context.Background()
			sid := fmt.Sprintf("session%025d", i)
			client := t0.Add(-tt.behind) // the client's clock at the server's t0
			click := client.Add(2 * time.Second).UnixMilli()
			sigs := []trailguide.Signal{
				{Type: trailguide.EventPageview, TS: client.UnixMilli(), URL: "https://app.test/home"},
				{Type: trailguide.EventClick, TS: click, URL: "https://app.test/home", Selector: "#save", Tag: "button",
					Text: "Save", X: 100, Y: 200, Props: map[string]any{"interactive": true}},
			}
			body := frictionBatch(t, sid, 0, client.Add(3*time.Second), sigs)
			e.ingestJSON(t, body, t0.Add(3*time.Second))

			// the second batch: the page's answer (or nothing), 4 s late
			var b trailguide.Batch
			if err := json.Unmarshal(frictionBatch(t, sid, 1, client.Add(4*time.Second),
				[]trailguide.Signal{{Type: trailguide.EventScroll, TS: client.Add(3500 * time.Millisecond).UnixMilli(), URL: "https://app.test/home"}}), &b); err != nil {
				t.Fatal(err)
			}
			if tt.answered {
				b.Events = append(b.Events, json.RawMessage(fmt.Sprintf(
					`{"type":3,"timestamp":%d,"data":{"source":0,"texts":[],"attributes":[{"id":1,"attributes":{"class":"saved"}}],"removes":[],"adds":[]}}`, click+150)))
			} else {
				b.Events = append(b.Events, json.RawMessage(fmt.Sprintf(
					`{"type":3,"timestamp":%d,"data":{"source":1,"positions":[{"x":5,"y":5,"id":1,"timeOffset":0}]}}`, click+150)))
			}
			late, _ := json.Marshal(b)
			e.ingestJSON(t, late, t0.Add(8*time.Second))

			e.clock.Add(31 * time.Minute)
			if n, err := e.worker.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("closed %d (%v), want 1", n, err)
			}
			if got := serverDetections(t, e, sid)[friction.DeadClick]; got != tt.wantDead {
				t.Errorf("dead clicks %d, want %d (detections %v)", got, tt.wantDead, serverDetections(t, e, sid))
			}
			events, _ := e.sessions.Events(ctx, "proj1", sid)
			for _, ev := range events {
				if ev.Type == trailguide.EventClick && !ev.Time.Equal(t0.Add(2*time.Second)) {
					t.Errorf("click stored at %v, want it on the server's clock at %v", ev.Time, t0.Add(2*time.Second))
				}
			}
		})
	}
}
