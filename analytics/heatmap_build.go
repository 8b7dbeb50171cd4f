// Package analytics turns stored sessions into the aggregate reports of the
// dashboard. This file builds what one closed session contributes to the
// heatmaps (docs/FRICTION.md §7): its page views, with scroll depth,
// attention bands, pointer cells and content blocks, and its clicks,
// anchored to the element they hit and marked rage, dead or error from the
// server's friction detections. The stores pre-aggregate the result.
package analytics

import (
	"cmp"
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/trailguide/trailguide"
)

// EventView is the signal type of the SDK's view summary (docs/PROTOCOL.md).
const EventView = trailguide.EventView

// Friction signal names that mark a click (friction.RageClick...). Kept as
// strings: analytics depends on the root package only.
const (
	sigRage  = "rage_click"
	sigDead  = "dead_click"
	sigError = "error_click"
)

// snapshotWithinMS: a full snapshot this close to a pageview (before or
// after) is that page view's.
const snapshotWithinMS = 5000

// PagePath is the page of a URL: its path, plus the fragment when it is a
// route (#/… or #!…), without query; "/" for an empty path.
func PagePath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if f := u.EscapedFragment(); strings.HasPrefix(f, "/") || strings.HasPrefix(f, "!") {
		f, _, _ = strings.Cut(f, "?")
		p += "#" + f
	}
	return p
}

// clickData, scrollData, viewData: the parts of Event.Data read here.
type clickData struct {
	EX int `json:"ex"`
	EY int `json:"ey"`
	EW int `json:"ew"`
	EH int `json:"eh"`
	VW int `json:"vw"`
	VH int `json:"vh"`
}

type scrollData struct {
	Depth   int `json:"depth"`
	ScrollY int `json:"scroll_y"`
}

// viewProps is the props of a view signal (web/sdk/src/friction/view.ts).
type viewProps struct {
	DocH   int      `json:"doc_h"`
	VW     int      `json:"vw"`
	VH     int      `json:"vh"`
	Depth  int      `json:"depth"`
	Bands  []int64  `json:"bands"`
	Moves  [][3]int `json:"moves"`
	Blocks []struct {
		S    string `json:"s"`
		T    int    `json:"t"`
		H    int    `json:"h"`
		MS   int64  `json:"ms"`
		Seen bool   `json:"seen"`
		I    bool   `json:"i"`
	} `json:"blocks"`
}

type frictionData struct {
	Evidence []struct {
		T        int64  `json:"t"`
		Kind     string `json:"kind"`
		Window   string `json:"window"`
		Selector string `json:"selector"`
	} `json:"evidence"`
}

// BuildSessionHeatmap builds the heatmap contribution of a session from its
// stored events (SessionStore.Events, which include the server's friction
// detections) and the rrweb streams of its windows (for which page views
// have a full snapshot; nil is fine). Device classes come from the
// viewport width of each view (trailguide.DeviceForWidth), falling back to
// the session's viewport.
func BuildSessionHeatmap(s *trailguide.Session, events []*trailguide.Event, rrweb map[string][]json.RawMessage) *trailguide.SessionHeatmap {
	h := &trailguide.SessionHeatmap{ProjectID: s.ProjectID, SessionID: s.ID}
	kinds := clickKinds(events)
	snaps := snapshotTimes(rrweb)
	cur := map[string]*trailguide.HeatView{} // window → current view
	viewport := func(v *trailguide.HeatView, w, hgt int) {
		if w > 0 && v.ViewportW == 0 {
			v.ViewportW, v.ViewportH = w, hgt
			v.Device = trailguide.DeviceForWidth(w)
		}
	}
	for _, e := range events {
		if e.Seq == trailguide.FrictionSeq {
			continue
		}
		v := cur[e.WindowID]
		switch e.Type {
		case trailguide.EventPageview:
			v = &trailguide.HeatView{WindowID: e.WindowID, Time: e.Time, Path: PagePath(e.URL)}
			cur[e.WindowID] = v
			h.Views = append(h.Views, v)
		case trailguide.EventClick:
			if v == nil || e.Selector == "" {
				continue
			}
			var d clickData
			_ = json.Unmarshal(e.Data, &d)
			viewport(v, d.VW, d.VH)
			c := &trailguide.HeatClick{
				WindowID: e.WindowID, Time: e.Time, Path: v.Path, Selector: e.Selector, Text: e.Text,
				OX: frac(d.EX, d.EW), OY: frac(d.EY, d.EH),
			}
			if w := cmp.Or(d.VW, v.ViewportW, s.ViewportW); w > 0 {
				c.PX, c.PY = float64(e.X)/float64(w), float64(e.Y)/float64(w)
			}
			k := clickKey{e.WindowID, e.Time.UnixMilli(), e.Selector}
			c.Rage, c.Dead, c.Error = kinds[k][0], kinds[k][1], kinds[k][2]
			h.Clicks = append(h.Clicks, c)
		case trailguide.EventScroll:
			if v == nil {
				continue
			}
			var d scrollData
			_ = json.Unmarshal(e.Data, &d)
			v.Depth = max(v.Depth, min(100, d.Depth))
		case EventView:
			// a view signal summarises the page of its URL, which may have
			// been left already (an SPA sends it after the next pageview)
			path := PagePath(e.URL)
			for i := len(h.Views) - 1; i >= 0 && (v == nil || v.Path != path); i-- {
				if h.Views[i].WindowID == e.WindowID && h.Views[i].Path == path {
					v = h.Views[i]
				}
			}
			if v == nil || v.Path != path {
				continue
			}
			var d struct {
				Props viewProps `json:"props"`
			}
			_ = json.Unmarshal(e.Data, &d)
			mergeView(v, &d.Props)
			viewport(v, d.Props.VW, d.Props.VH)
		}
	}
	markSnapshots(h.Views, snaps)
	for _, v := range h.Views {
		if v.ViewportW == 0 {
			v.ViewportW, v.ViewportH = s.ViewportW, s.ViewportH
			v.Device = trailguide.DeviceForWidth(s.ViewportW)
		}
		if v.Device == "" {
			v.Device = s.DeviceClass
		}
	}
	// clicks take the device of their view, known once its viewport is
	for _, c := range h.Clicks {
		for i := len(h.Views) - 1; i >= 0; i-- {
			v := h.Views[i]
			if v.WindowID == c.WindowID && !v.Time.After(c.Time) {
				c.Device = v.Device
				break
			}
		}
		if c.Device == "" {
			c.Device = s.DeviceClass
		}
	}
	return h
}

func frac(a, b int) float64 {
	if b <= 0 {
		return 0.5
	}
	return math.Max(0, math.Min(1, float64(a)/float64(b)))
}

type clickKey struct {
	window string
	t      int64
	sel    string
}

// clickKinds maps each click that is evidence of a server rage, dead or
// error click detection to those kinds.
func clickKinds(events []*trailguide.Event) map[clickKey][3]bool {
	out := map[clickKey][3]bool{}
	for _, e := range events {
		if e.Type != trailguide.EventFriction || e.Seq != trailguide.FrictionSeq {
			continue
		}
		i := slices.Index([]string{sigRage, sigDead, sigError}, e.Name)
		if i < 0 {
			continue
		}
		var d frictionData
		if json.Unmarshal(e.Data, &d) != nil {
			continue
		}
		for _, ev := range d.Evidence {
			if ev.Kind != "click" {
				continue
			}
			k := clickKey{ev.Window, ev.T, ev.Selector}
			if k.window == "" {
				k.window = e.WindowID
			}
			f := out[k]
			f[i] = true
			out[k] = f
		}
	}
	return out
}

type snap struct {
	t    int64
	path string // of the meta event before it; "" when none
}

// snapshotTimes lists each window's full snapshots with the page path of
// the meta event (type 4, data.href) before each.
func snapshotTimes(rrweb map[string][]json.RawMessage) map[string][]snap {
	out := map[string][]snap{}
	for w, evs := range rrweb {
		path := ""
		for _, raw := range evs {
			head := string(raw[:min(len(raw), 40)])
			if strings.HasPrefix(head, `{"type":`) && !strings.HasPrefix(head, `{"type":2`) && !strings.HasPrefix(head, `{"type":4`) {
				continue // most events are incremental (3): skip decoding them
			}
			var m struct {
				Type      int   `json:"type"`
				Timestamp int64 `json:"timestamp"`
				Data      struct {
					Href string `json:"href"`
				} `json:"data"`
			}
			if json.Unmarshal(raw, &m) != nil {
				continue
			}
			switch m.Type {
			case 4:
				path = ""
				if m.Data.Href != "" {
					path = PagePath(m.Data.Href)
				}
			case 2:
				out[w] = append(out[w], snap{m.Timestamp, path})
			}
		}
	}
	return out
}

// markSnapshots marks, for each full snapshot, the view of its window and
// page nearest to it (within snapshotWithinMS) as having one.
func markSnapshots(views []*trailguide.HeatView, snaps map[string][]snap) {
	for w, list := range snaps {
		for _, sn := range list {
			var best *trailguide.HeatView
			var bd int64
			for _, v := range views {
				if v.WindowID != w || (sn.path != "" && v.Path != sn.path) {
					continue
				}
				d := abs(v.Time.UnixMilli() - sn.t)
				if d <= snapshotWithinMS && (best == nil || d < bd) {
					best, bd = v, d
				}
			}
			if best != nil {
				best.Snapshot = true
			}
		}
	}
}

// mergeView adds one view signal to its page view: the SDK sends one each
// time the page is hidden, with what was measured since the last one.
func mergeView(v *trailguide.HeatView, p *viewProps) {
	v.DocH = max(v.DocH, p.DocH)
	v.Depth = max(v.Depth, min(100, p.Depth))
	if len(p.Bands) > 0 {
		if v.Bands == nil {
			v.Bands = make([]int64, trailguide.HeatBands)
		}
		for i, ms := range p.Bands {
			if i < trailguide.HeatBands && ms > 0 {
				v.Bands[i] += ms
			}
		}
	}
	for _, m := range p.Moves {
		if m[0] < 0 || m[0] >= trailguide.HeatMoveCells || m[1] < 0 || m[2] <= 0 {
			continue
		}
		j := slices.IndexFunc(v.Moves, func(c trailguide.HeatCell) bool { return c.X == m[0] && c.Y == m[1] })
		if j < 0 {
			v.Moves = append(v.Moves, trailguide.HeatCell{X: m[0], Y: m[1], N: m[2]})
		} else {
			v.Moves[j].N += m[2]
		}
	}
	for _, b := range p.Blocks {
		if b.S == "" {
			continue
		}
		j := slices.IndexFunc(v.Blocks, func(x trailguide.HeatBlock) bool { return x.Selector == b.S })
		if j < 0 {
			v.Blocks = append(v.Blocks, trailguide.HeatBlock{Selector: b.S})
			j = len(v.Blocks) - 1
		}
		x := &v.Blocks[j]
		x.Top, x.Height = b.T, b.H
		x.Seen = x.Seen || b.Seen
		x.DwellMS += max(0, b.MS)
		x.Interacted = x.Interacted || b.I
	}
}
