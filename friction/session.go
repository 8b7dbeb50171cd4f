package friction

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/trailguide/trailguide"
)

// Signal types and props the spec adds to the wire protocol (see
// docs/FRICTION.md, "What the SDK sends"). FromSession understands them as
// soon as the SDK sends them; until then the facts they carry are missing
// and the detectors that need them stay silent rather than guess.
const (
	signalField = "field" // name: "focus" | "invalid"; selector, tag, props.form
	signalHover = "hover" // selector, tag, text; ts = dwell start; props.duration
	signalLeave = "leave" // pagehide, into the bfcache too (SDKs before 2026-11 sent it only when not persisted)
	// An error signal with source "request" is a failed fetch/XHR:
	// props.status (0 = network error), props.started (ms).
	errorSourceRequest = "request"
)

// rrweb event types and incremental sources read here.
const (
	rrFullSnapshot = 2
	rrIncremental  = 3
	rrMeta         = 4

	srcMutation         = 0
	srcMouseMove        = 1
	srcMouseInteraction = 2
	srcScroll           = 3
	srcViewportResize   = 4
	srcInput            = 5
	srcMediaInteraction = 7
	srcSelection        = 14

	miClick    = 2
	miDblClick = 4
	miFocus    = 5
)

// clickMatchMS bounds how far apart the SDK's click signal and rrweb's own
// Click interaction of the same DOM click may be timed. Both are taken by
// document listeners during one dispatch (measured on the demo recordings:
// -1 to +14 ms); see orderTies.
const clickMatchMS = 50

type rrEvent struct {
	Type      int             `json:"type"`
	Timestamp int64           `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

type rrData struct {
	Source    *int    `json:"source"`
	Type      int     `json:"type"`
	ID        int     `json:"id"`
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	Positions []struct {
		X          float64 `json:"x"`
		Y          float64 `json:"y"`
		TimeOffset int64   `json:"timeOffset"`
	} `json:"positions"`
	Adds       []json.RawMessage `json:"adds"`
	Removes    []json.RawMessage `json:"removes"`
	Texts      []json.RawMessage `json:"texts"`
	Attributes []json.RawMessage `json:"attributes"`
	Ranges     []struct {
		Start       int `json:"start"`
		StartOffset int `json:"startOffset"`
		End         int `json:"end"`
		EndOffset   int `json:"endOffset"`
	} `json:"ranges"`
	Height float64 `json:"height"`
	Href   string  `json:"href"`
	Node   *struct {
		ID int `json:"id"`
	} `json:"node"`
}

// signalRest is the part of a stored signal kept in Event.Data.
type signalRest struct {
	Tag    string         `json:"tag"`
	Props  map[string]any `json:"props"`
	Source string         `json:"source"`
}

// FromSession derives a session's inputs from what the server stores: its
// analytics events (all windows) and, per window id, that window's rrweb
// events in emission order. Signals give clicks, pageviews, form facts,
// errors, failed requests, hovers and custom events; the rrweb stream gives
// mutations, pointer samples, scrolls, focus, dblclicks, value changes and
// selection. Clicks in a window with no full snapshot at or before them are
// marked Unobserved. Undecodable rrweb events are skipped. The result is in
// time order; it does not contain a session_end (see WithSessionEnd).
func FromSession(events []*trailguide.Event, rrweb map[string][]json.RawMessage) []Input {
	var out []Input
	for _, e := range events {
		if in, ok := fromSignal(e); ok {
			out = append(out, in)
		}
	}
	nSignals := len(out)
	firstSnap := map[string]int64{}
	rrClicks := map[string][]rrClick{}
	wins := make([]string, 0, len(rrweb))
	for w := range rrweb {
		wins = append(wins, w)
	}
	slices.Sort(wins)
	for _, w := range wins {
		out = appendRRWeb(out, w, rrweb[w], firstSnap, rrClicks)
	}
	out = orderTies(out, nSignals, rrClicks)
	url := map[string]string{}
	for i := range out {
		in := &out[i]
		if in.URL != "" {
			url[in.Window] = in.URL
		} else {
			in.URL = url[in.Window]
		}
		if in.Kind == KindClick {
			t, ok := firstSnap[in.Window]
			if !ok || t > in.T {
				in.Unobserved = true
			}
		}
	}
	return out
}

// WithSessionEnd appends the session_end input at the time of the last
// input; the server calls it when it closes a session, so that Detect
// classifies the exit and closes the last page visits.
func WithSessionEnd(in []Input) []Input {
	var t int64
	for i := range in {
		t = max(t, in[i].T)
	}
	return append(in, Input{T: t, Kind: KindSessionEnd})
}

func fromSignal(e *trailguide.Event) (Input, bool) {
	var rest signalRest
	if len(e.Data) > 0 {
		_ = json.Unmarshal(e.Data, &rest) // written by ingest; a bad row only loses the extras
	}
	in := Input{
		T: e.Time.UnixMilli(), Window: e.WindowID, URL: e.URL,
		Selector: e.Selector, Tag: rest.Tag, Text: e.Text, Name: e.Name,
	}
	p := rest.Props
	switch e.Type {
	case trailguide.EventPageview:
		in.Kind = KindPageview
	case trailguide.EventClick:
		in.Kind = KindClick
		in.X, in.Y = float64(e.X), float64(e.Y)
		in.Type = strProp(p, "type")
		in.Interactive = boolProp(p, "interactive")
		in.NewTab = boolProp(p, "new_tab")
		in.Download = boolProp(p, "download")
		in.Modifier = boolProp(p, "modifier")
		in.NoRage = boolProp(p, "no_rage")
		in.TextEntry = boolProp(p, "text_entry")
		in.Navigates = boolProp(p, "navigates")
		in.Native = boolProp(p, "native")
	case trailguide.EventInput:
		in.Kind = KindInput
		in.Form = strProp(p, "form")
		in.Empty = boolProp(p, "empty")
	case signalField:
		switch e.Name {
		case "focus":
			in.Kind = KindFocus
		case "invalid":
			in.Kind = KindInvalid
		default:
			return in, false
		}
		in.Name = ""
		in.Form = strProp(p, "form")
	case trailguide.EventSubmit:
		in.Kind = KindSubmit
	case trailguide.EventError:
		in.Kind = KindError
		if rest.Source == errorSourceRequest {
			in.Kind = KindRequestFailed
			in.Status = int(numProp(p, "status"))
			in.Started = int64(numProp(p, "started"))
		}
	case trailguide.EventTrack:
		in.Kind = KindTrack
	case signalHover:
		in.Kind = KindHover
		in.Duration = int64(numProp(p, "duration"))
		in.Interactive = boolProp(p, "interactive")
	case signalLeave:
		in.Kind = KindPageLeave
	default:
		return in, false
	}
	return in, true
}

// rrClick is rrweb's own record of a DOM click (MouseInteraction Click): its
// time and the position in out of the first rrweb input after it.
type rrClick struct {
	t   int64
	pos int
}

// orderTies sorts the inputs by time. For equal times, signals (out[:nSignals])
// come before rrweb inputs, so that the mutation a click handler causes in
// the click's millisecond comes after the click. The exception is what
// happened before the click: rrweb records the mousedown's focus (and any
// scroll, selection or DOM change the press caused) before its own Click
// interaction, and on a tap all of them fall in the click's millisecond.
// An rrweb input at the same time as a click signal that rrweb recorded
// before the Click matched to that signal (the nearest in its window, within
// clickMatchMS) is ordered before the click (docs/FRICTION.md §1).
func orderTies(out []Input, nSignals int, rrClicks map[string][]rrClick) []Input {
	rank := make([]int, len(out)) // -1 before the signals of its ms, 0 signal, 1 other rrweb
	for i := nSignals; i < len(out); i++ {
		rank[i] = 1
	}
	for i := range out[:nSignals] {
		c := &out[i]
		if c.Kind != KindClick {
			continue
		}
		var best *rrClick
		for j, r := range rrClicks[c.Window] {
			if d := abs64(r.t - c.T); d <= clickMatchMS && (best == nil || d < abs64(best.t-c.T)) {
				best = &rrClicks[c.Window][j]
			}
		}
		if best == nil {
			continue
		}
		// rrweb's stream is in emission order; pointer samples carry
		// earlier times, so the walk back stops only well before the click.
		for p := best.pos - 1; p >= nSignals && out[p].Window == c.Window && out[p].T >= c.T-clickMatchMS; p-- {
			if out[p].T == c.T {
				rank[p] = -1
			}
		}
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(out[a].T, out[b].T), cmp.Compare(rank[a], rank[b]))
	})
	sorted := make([]Input, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
	}
	return sorted
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func appendRRWeb(out []Input, win string, events []json.RawMessage, firstSnap map[string]int64, rrClicks map[string][]rrClick) []Input {
	docID := -1
	var vh float64
	for _, raw := range events {
		var ev rrEvent
		if json.Unmarshal(raw, &ev) != nil {
			continue
		}
		if ev.Type != rrFullSnapshot && ev.Type != rrIncremental && ev.Type != rrMeta {
			continue
		}
		var d rrData
		if json.Unmarshal(ev.Data, &d) != nil {
			continue
		}
		t := ev.Timestamp
		switch ev.Type {
		case rrFullSnapshot:
			if d.Node != nil {
				docID = d.Node.ID
			}
			if _, ok := firstSnap[win]; !ok {
				firstSnap[win] = t
			}
			continue
		case rrMeta:
			if d.Height > 0 {
				vh = d.Height
			}
			continue
		}
		if d.Source == nil {
			continue
		}
		base := Input{T: t, Window: win}
		switch *d.Source {
		case srcMutation:
			if len(d.Adds)+len(d.Removes)+len(d.Texts)+len(d.Attributes) > 0 {
				base.Kind = KindMutation
				out = append(out, base)
			}
		case srcMouseMove:
			for _, p := range d.Positions {
				in := base
				in.Kind, in.T, in.X, in.Y = KindMouseMove, t+p.TimeOffset, p.X, p.Y
				out = append(out, in)
			}
		case srcMouseInteraction:
			switch d.Type {
			case miDblClick:
				base.Kind, base.X, base.Y = KindDblClick, d.X, d.Y
				out = append(out, base)
			case miFocus:
				base.Kind = KindFocus
				out = append(out, base)
			case miClick:
				rrClicks[win] = append(rrClicks[win], rrClick{t: t, pos: len(out)})
			}
		case srcScroll:
			base.Kind, base.ScrollY, base.ViewportH = KindScroll, d.Y, vh
			if d.ID != docID {
				base.Selector = "node:" + strconv.Itoa(d.ID)
			}
			out = append(out, base)
		case srcViewportResize:
			if d.Height > 0 {
				vh = d.Height
			}
		case srcInput:
			base.Kind = KindValue
			out = append(out, base)
		case srcMediaInteraction:
			base.Kind = KindMedia
			out = append(out, base)
		case srcSelection:
			base.Kind = KindSelection
			for _, r := range d.Ranges {
				if r.Start != r.End || r.StartOffset != r.EndOffset {
					base.Selected = true
				}
			}
			out = append(out, base)
		}
	}
	return out
}

func boolProp(p map[string]any, k string) bool {
	b, _ := p[k].(bool)
	return b
}

func strProp(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

func numProp(p map[string]any, k string) float64 {
	f, _ := p[k].(float64)
	return f
}
