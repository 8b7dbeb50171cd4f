package friction

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// signalsToEvents stores signals the way ingest does: columns for the
// common fields, the rest (tag, props, source…) as JSON in Data.
func signalsToEvents(tb testing.TB, window string, sigs []trailguide.Signal) []*trailguide.Event {
	tb.Helper()
	var out []*trailguide.Event
	for i, s := range sigs {
		data, err := json.Marshal(map[string]any{"tag": s.Tag, "props": s.Props, "source": s.Source})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, &trailguide.Event{
			WindowID: window, Index: i, Type: s.Type, Time: time.UnixMilli(s.TS), URL: s.URL,
			Selector: s.Selector, Text: s.Text, X: s.X, Y: s.Y, Name: s.Name, Data: data,
		})
	}
	return out
}

func readBatch(tb testing.TB, name string) trailguide.Batch {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "wire", name))
	if err != nil {
		tb.Fatal(err)
	}
	var b trailguide.Batch
	if err := json.Unmarshal(data, &b); err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestFromSessionWire derives inputs from the SDK's own example batches.
func TestFromSessionWire(t *testing.T) {
	var events []*trailguide.Event
	rr := map[string][]json.RawMessage{}
	for _, name := range []string{"first-batch.json", "later-batch.json", "unload-part.json"} {
		b := readBatch(t, name)
		events = append(events, signalsToEvents(t, b.Window, b.Signals)...)
		rr[b.Window] = append(rr[b.Window], b.Events...)
	}
	in := FromSession(events, rr)
	const t0 = 1700000000000
	url := "http://localhost:3000/checkout?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero"
	w := "cccccccccccccccccccccccccccccccc"
	want := []Input{
		{T: t0, Kind: KindPageview, Window: w, URL: url},
		{T: t0 + 1200, Kind: KindClick, Window: w, URL: url, Selector: "#pay", Tag: "button", Text: "Pay now", X: 130, Y: 412, Interactive: true},
		{T: t0 + 2500, Kind: KindInput, Window: w, URL: url, Selector: "#email", Tag: "input", Form: "#checkout"},
		{T: t0 + 2800, Kind: KindSubmit, Window: w, URL: url, Selector: "#checkout", Tag: "form"},
		{T: t0 + 2900, Kind: KindError, Window: w, URL: url, Name: "Cannot read properties of undefined (reading 'total')"},
		{T: t0 + 3000, Kind: KindTrack, Window: w, URL: url, Name: "checkout_started"},
		{T: t0 + 5000, Kind: KindMouseMove, Window: w, URL: url, X: 10, Y: 20},
	}
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("FromSession:\ngot  %+v\nwant %+v", in, want)
	}

	// The click is answered by the submit 1.6 s later (not dead); the error
	// comes 1.7 s after it (not an error click); the session ends 2.1 s
	// after the error, so the exit is after_error.
	got := Detect(Default(), WithSessionEnd(in))
	if len(got) != 1 || got[0].Type != Exit || got[0].Details["class"] != ExitAfterError {
		t.Fatalf("Detect = %+v, want one exit after_error", got)
	}
	if got[0].URL != url || !reflect.DeepEqual(got[0].Evidence, []int{4, 7}) {
		t.Errorf("exit URL %q evidence %v, want %q [4 7]", got[0].URL, got[0].Evidence, url)
	}
}

// TestFromSessionRRWeb covers every rrweb fact the detectors use, the
// proposed signal additions and the Unobserved rule.
func TestFromSessionRRWeb(t *testing.T) {
	sig := []trailguide.Signal{
		{Type: "click", TS: 900, URL: "https://a.example/p", Selector: "#early", Tag: "button", X: 5, Y: 5},
		{Type: "pageview", TS: 1000, URL: "https://a.example/p"},
		{Type: "click", TS: 1100, URL: "https://a.example/p", Selector: "a.dl", Tag: "a", X: 1, Y: 2,
			Props: map[string]any{"interactive": true, "download": true, "new_tab": true, "modifier": true,
				"no_rage": true, "text_entry": true, "navigates": true, "native": true, "type": "x"}},
		{Type: "input", TS: 1200, URL: "https://a.example/p", Selector: "#q", Tag: "input", Props: map[string]any{"form": "#f", "empty": true}},
		{Type: "field", TS: 1250, URL: "https://a.example/p", Selector: "#q", Tag: "input", Name: "invalid", Props: map[string]any{"form": "#f"}},
		{Type: "error", TS: 1300, URL: "https://a.example/p", Name: "POST /api 502", Source: "request", Props: map[string]any{"status": 502.0, "started": 1150.0}},
		{Type: "hover", TS: 1400, URL: "https://a.example/p", Selector: "#buy", Tag: "button", Props: map[string]any{"duration": 3200.0}},
		{Type: "leave", TS: 9000, URL: "https://a.example/p"},
		{Type: "identify", TS: 1000, UserID: "u"},
	}
	rrweb := []string{
		`{"type":4,"timestamp":1000,"data":{"href":"https://a.example/p","width":1024,"height":700}}`,
		`{"type":2,"timestamp":1000,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"html","childNodes":[]}]},"initialOffset":{"left":0,"top":0}}}`,
		`{"type":3,"timestamp":1500,"data":{"source":0,"adds":[],"removes":[],"texts":[],"attributes":[]}}`,
		`{"type":3,"timestamp":1510,"data":{"source":0,"adds":[{"parentId":2,"nextId":null,"node":{"type":3,"id":9,"textContent":"x"}}],"removes":[],"texts":[],"attributes":[]}}`,
		`{"type":3,"timestamp":1600,"data":{"source":1,"positions":[{"x":1,"y":2,"id":2,"timeOffset":-40},{"x":3,"y":4,"id":2,"timeOffset":0}]}}`,
		`{"type":3,"timestamp":1700,"data":{"source":2,"type":4,"id":2,"x":7,"y":8}}`,
		`{"type":3,"timestamp":1710,"data":{"source":2,"type":2,"id":2,"x":7,"y":8}}`,
		`{"type":3,"timestamp":1720,"data":{"source":2,"type":5,"id":2}}`,
		`{"type":3,"timestamp":1800,"data":{"source":3,"id":1,"x":0,"y":640}}`,
		`{"type":3,"timestamp":1810,"data":{"source":4,"width":1024,"height":900}}`,
		`{"type":3,"timestamp":1820,"data":{"source":3,"id":2,"x":0,"y":50}}`,
		`{"type":3,"timestamp":1900,"data":{"source":5,"text":"***","isChecked":false,"id":2}}`,
		`{"type":3,"timestamp":1950,"data":{"source":7,"type":0,"id":2,"currentTime":0,"volume":1,"muted":false,"playbackRate":1,"loop":false}}`,
		`{"type":3,"timestamp":2000,"data":{"source":14,"ranges":[{"start":9,"startOffset":0,"end":9,"endOffset":0}]}}`,
		`{"type":3,"timestamp":2010,"data":{"source":14,"ranges":[{"start":9,"startOffset":0,"end":9,"endOffset":4}]}}`,
		`{"type":5,"timestamp":2020,"data":{"tag":"custom","payload":{}}}`,
		`not json`,
	}
	var raw []json.RawMessage
	for _, r := range rrweb {
		raw = append(raw, json.RawMessage(r))
	}
	in := FromSession(signalsToEvents(t, "w", sig), map[string][]json.RawMessage{"w": raw})
	u := "https://a.example/p"
	want := []Input{
		{T: 900, Kind: KindClick, Window: "w", URL: u, Selector: "#early", Tag: "button", X: 5, Y: 5, Unobserved: true},
		{T: 1000, Kind: KindPageview, Window: "w", URL: u},
		{T: 1100, Kind: KindClick, Window: "w", URL: u, Selector: "a.dl", Tag: "a", Type: "x", X: 1, Y: 2,
			Interactive: true, NewTab: true, Download: true, Modifier: true, NoRage: true, TextEntry: true, Navigates: true, Native: true},
		{T: 1200, Kind: KindInput, Window: "w", URL: u, Selector: "#q", Tag: "input", Form: "#f", Empty: true},
		{T: 1250, Kind: KindInvalid, Window: "w", URL: u, Selector: "#q", Tag: "input", Form: "#f"},
		{T: 1300, Kind: KindRequestFailed, Window: "w", URL: u, Name: "POST /api 502", Status: 502, Started: 1150},
		{T: 1400, Kind: KindHover, Window: "w", URL: u, Selector: "#buy", Tag: "button", Duration: 3200},
		{T: 1510, Kind: KindMutation, Window: "w", URL: u},
		{T: 1560, Kind: KindMouseMove, Window: "w", URL: u, X: 1, Y: 2},
		{T: 1600, Kind: KindMouseMove, Window: "w", URL: u, X: 3, Y: 4},
		{T: 1700, Kind: KindDblClick, Window: "w", URL: u, X: 7, Y: 8},
		{T: 1720, Kind: KindFocus, Window: "w", URL: u},
		{T: 1800, Kind: KindScroll, Window: "w", URL: u, ScrollY: 640, ViewportH: 700},
		{T: 1820, Kind: KindScroll, Window: "w", URL: u, Selector: "node:2", ScrollY: 50, ViewportH: 900},
		{T: 1900, Kind: KindValue, Window: "w", URL: u},
		{T: 1950, Kind: KindMedia, Window: "w", URL: u},
		{T: 2000, Kind: KindSelection, Window: "w", URL: u},
		{T: 2010, Kind: KindSelection, Window: "w", URL: u, Selected: true},
		{T: 9000, Kind: KindPageLeave, Window: "w", URL: u},
	}
	if len(in) != len(want) {
		t.Fatalf("got %d inputs, want %d:\n%+v", len(in), len(want), in)
	}
	for i := range want {
		if !reflect.DeepEqual(in[i], want[i]) {
			t.Errorf("input %d:\ngot  %+v\nwant %+v", i, in[i], want[i])
		}
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, json, err string
	}{
		{"empty is default", ``, ""},
		{"partial", `{"rage_clicks": 4, "conversion": {"events": ["buy"]}}`, ""},
		{"unknown field", `{"rage_click": 4}`, `friction config: json: unknown field "rage_click"`},
		{"out of range", `{"rage_clicks": 1}`, "friction config: rage_clicks out of range"},
		{"quick above window", `{"dead_quick_ms": 3000}`, "friction config: dead_quick_ms out of range"},
		{"unknown disabled", `{"disabled": ["rage"]}`, `friction config: disabled: unknown signal "rage"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.json))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Errorf("got %q, want %q", got, tt.err)
			}
		})
	}
	// The defaults round-trip through JSON unchanged (what the SDK receives).
	data, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(data)
	if err != nil || !reflect.DeepEqual(c, Default()) {
		t.Errorf("round trip: %+v, %v", c, err)
	}
}

func TestGlobAndPath(t *testing.T) {
	tests := []struct {
		pattern, url string
		want         bool
	}{
		{"/thanks*", "https://s.example/thanks?order=1", true},
		{"/thanks", "https://s.example/thanks/x", false},
		{"/orders/*/done", "https://s.example/orders/42/done", true},
		{"/orders/*/done", "https://s.example/orders/42/done/again", false},
		{"/#/paid", "https://s.example/#/paid", true},
		{"*", "https://s.example", true},
		{"/a*b*c", "/abc", true},
		{"/a*bc*c", "/abc", false},
	}
	for _, tt := range tests {
		c := Conversion{URLs: []string{tt.pattern}}
		if got := c.converts(&Input{Kind: KindPageview, URL: tt.url}); got != tt.want {
			t.Errorf("%q on %q = %v, want %v", tt.pattern, tt.url, got, tt.want)
		}
	}
}

// TestDetectDeterministic: input order of simultaneous, independent inputs
// and repeated runs do not change the output.
func TestDetectDeterministic(t *testing.T) {
	in := syntheticSession(3)
	a := Detect(Default(), in)
	b := Detect(Default(), in)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs differ")
	}
	if len(a) == 0 {
		t.Fatal("synthetic session produced no detections")
	}
}

// TestFromSessionTapOrder: inputs of a click's millisecond that rrweb
// recorded before its own Click interaction (the focus a tap gives the
// button on its way to the click) come before the click; those recorded
// after it (what the click handler did) come after it. Journey 30 of the
// demo recordings lost a dead click to the first case (docs/FRICTION.md §6).
func TestFromSessionTapOrder(t *testing.T) {
	u := "https://a.example/settings"
	sig := []trailguide.Signal{
		{Type: "pageview", TS: 1000, URL: u},
		// a tap: focus, then click, in one ms; the handler throws
		{Type: "click", TS: 5000, URL: u, Selector: "#export", Tag: "a", Props: map[string]any{"interactive": true}},
		// rrweb's listener ran 3 ms after the SDK's (a style recalc)
		{Type: "click", TS: 9000, URL: u, Selector: "#tab", Tag: "button", Props: map[string]any{"interactive": true}},
		// the handler moves focus into a field in the click's ms
		{Type: "click", TS: 13000, URL: u, Selector: "#edit", Tag: "button", Props: map[string]any{"interactive": true}},
	}
	rrweb := []string{
		`{"type":4,"timestamp":1000,"data":{"href":"https://a.example/settings","width":390,"height":844}}`,
		`{"type":2,"timestamp":1000,"data":{"node":{"type":0,"id":1,"childNodes":[]},"initialOffset":{"left":0,"top":0}}}`,
		`{"type":3,"timestamp":5000,"data":{"source":2,"type":6,"id":3}}`,
		`{"type":3,"timestamp":5000,"data":{"source":2,"type":5,"id":4}}`,
		`{"type":3,"timestamp":5000,"data":{"source":2,"type":2,"id":4,"x":85,"y":670}}`,
		`{"type":3,"timestamp":9000,"data":{"source":2,"type":5,"id":5}}`,
		`{"type":3,"timestamp":9003,"data":{"source":2,"type":2,"id":5,"x":30,"y":40}}`,
		`{"type":3,"timestamp":9003,"data":{"source":0,"adds":[],"removes":[],"texts":[],"attributes":[{"id":5,"attributes":{"aria-selected":"true"}}]}}`,
		`{"type":3,"timestamp":13000,"data":{"source":2,"type":2,"id":6,"x":30,"y":90}}`,
		`{"type":3,"timestamp":13000,"data":{"source":2,"type":5,"id":7}}`,
	}
	var raw []json.RawMessage
	for _, r := range rrweb {
		raw = append(raw, json.RawMessage(r))
	}
	in := FromSession(signalsToEvents(t, "w", sig), map[string][]json.RawMessage{"w": raw})
	var got []string
	for _, x := range in {
		got = append(got, fmt.Sprintf("%d %s%s", x.T, x.Kind, x.Selector))
	}
	want := []string{
		"1000 pageview",
		"5000 focus", "5000 click#export",
		"9000 focus", "9000 click#tab", "9003 mutation",
		"13000 click#edit", "13000 focus",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order:\ngot  %q\nwant %q", got, want)
	}
	ds := Detect(Default(), in)
	var dead []string
	for _, d := range ds {
		if d.Type == DeadClick {
			dead = append(dead, d.Selector)
		}
	}
	if !reflect.DeepEqual(dead, []string{"#export"}) {
		t.Errorf("dead clicks %q, want only the tap on #export (its own focus came first)", dead)
	}
}
