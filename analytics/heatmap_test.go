package analytics

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

func TestMatchPage(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/pricing", "/pricing", true},
		{"/pricing", "/pricing/", false},
		{"/product/:id", "/product/42", true},
		{"/product/:id", "/product/", false},
		{"/product/:id", "/product/42/reviews", false},
		{"/product/:id/reviews", "/product/42/reviews", true},
		{"/docs/*", "/docs/a/b", true},
		{"/docs/*", "/docs", false},
		{"/:any", "/x", true},
		{"/a", "/b", false},
	}
	for _, tt := range tests {
		if got := MatchPage(tt.pattern, tt.path); got != tt.want {
			t.Errorf("MatchPage(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

func ev(typ, window string, at time.Time, url string) *trailguide.Event {
	return &trailguide.Event{Type: typ, WindowID: window, Time: at, URL: url}
}

// Clicks at two widths on the same element land in the same offset cell,
// and get their kinds from the detections whose evidence they are.
func TestBuildSessionHeatmap(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	pv := ev(trailguide.EventPageview, "w", t0, "https://a.test/pricing?x=1")
	wide := ev(trailguide.EventClick, "w", t0.Add(time.Second), "https://a.test/pricing")
	wide.Selector, wide.X, wide.Y, wide.Text = "#buy", 700, 300, "Buy"
	wide.Data = json.RawMessage(`{"ex":50,"ey":10,"ew":100,"eh":20,"vw":1400,"vh":800}`)
	scroll := ev(trailguide.EventScroll, "w", t0.Add(2*time.Second), "https://a.test/pricing")
	scroll.Data = json.RawMessage(`{"depth":64,"scroll_y":500}`)
	view := ev(EventView, "w", t0.Add(3*time.Second), "https://a.test/pricing")
	view.Data = json.RawMessage(`{"props":{"doc_h":2000,"vw":1400,"vh":800,"depth":70,"bands":[100,200],"moves":[[1,2,3]],"blocks":[{"s":"#hero","t":0,"h":600,"ms":900,"seen":true}]}}`)
	next := ev(trailguide.EventPageview, "w", t0.Add(4*time.Second), "https://a.test/#/settings")
	narrow := ev(trailguide.EventClick, "w2", t0.Add(5*time.Second), "https://a.test/pricing")
	narrow.Selector, narrow.X, narrow.Y = "#buy", 60, 900
	narrow.Data = json.RawMessage(`{"ex":52,"ey":11,"ew":100,"eh":20,"vw":390,"vh":700}`)
	pv2 := ev(trailguide.EventPageview, "w2", t0.Add(4500*time.Millisecond), "https://a.test/pricing")
	rage := ev(trailguide.EventFriction, "w", t0.Add(time.Second), "https://a.test/pricing")
	rage.Seq, rage.Name = trailguide.FrictionSeq, "rage_click"
	rage.Data = json.RawMessage(`{"source":"server","evidence":[{"t":` + itoa(wide.Time.UnixMilli()) + `,"kind":"click","window":"w","selector":"#buy"}]}`)
	// the SPA's view summary of /pricing arrives after the next pageview
	late := ev(EventView, "w", t0.Add(4100*time.Millisecond), "https://a.test/pricing")
	late.Data = json.RawMessage(`{"props":{"doc_h":2100,"bands":[1,0,5]}}`)

	sess := &trailguide.Session{ProjectID: "p", ID: "s", ViewportW: 1400, ViewportH: 800, DeviceClass: "desktop"}
	rr := map[string][]json.RawMessage{"w": {json.RawMessage(`{"type":4,"timestamp":` + itoa(t0.UnixMilli()) + `,"data":{"href":"https://a.test/pricing?x=1","width":1400,"height":800}}`), json.RawMessage(`{"type":2,"timestamp":` + itoa(t0.UnixMilli()+20) + `}`)}}
	h := BuildSessionHeatmap(sess, []*trailguide.Event{pv, wide, rage, scroll, view, next, late, pv2, narrow}, rr)

	if len(h.Views) != 3 {
		t.Fatalf("views = %d, want 3", len(h.Views))
	}
	v := h.Views[0]
	if v.Path != "/pricing" || v.Device != "desktop" || v.Depth != 70 || v.DocH != 2100 || !v.Snapshot ||
		v.Bands[0] != 101 || v.Bands[1] != 200 || v.Bands[2] != 5 || len(v.Moves) != 1 || len(v.Blocks) != 1 {
		t.Errorf("first view = %+v", v)
	}
	if h.Views[1].Path != "/#/settings" || h.Views[1].Snapshot {
		t.Errorf("second view = %+v", h.Views[1])
	}
	if len(h.Clicks) != 2 {
		t.Fatalf("clicks = %d", len(h.Clicks))
	}
	a, b := h.Clicks[0], h.Clicks[1]
	if !a.Rage || b.Rage {
		t.Errorf("rage = %v %v, want the evidence click only", a.Rage, b.Rage)
	}
	if trailguide.HeatCellOf(a.OX) != trailguide.HeatCellOf(b.OX) || trailguide.HeatCellOf(a.OY) != trailguide.HeatCellOf(b.OY) {
		t.Errorf("cells (%v,%v) and (%v,%v) differ: the element-relative offset should match at both widths", a.OX, a.OY, b.OX, b.OY)
	}
	if a.Device != "desktop" || b.Device != "mobile" {
		t.Errorf("devices %q %q", a.Device, b.Device)
	}
	if a.PX != 0.5 || b.PX != 60.0/390 {
		t.Errorf("page x ÷ width = %v %v", a.PX, b.PX)
	}
}

func itoa(v int64) string { b, _ := json.Marshal(v); return string(b) }

func TestReportAndDeadZones(t *testing.T) {
	d := &trailguide.HeatmapData{}
	d.Add(trailguide.LayerPage, "", trailguide.HeatRollValues{40, 40 * 800, 40 * 2000, 40})
	d.Add(trailguide.LayerDepth, "20", trailguide.HeatRollValues{10})
	d.Add(trailguide.LayerDepth, "10", trailguide.HeatRollValues{30})
	// seen by 30 of 40, 20 of them under a second, nobody interacts: dead
	d.Add(trailguide.LayerBlock, "#promo", trailguide.HeatRollValues{40, 30, 20, 0, 9000, 400, 100})
	// seen by 30, but a third interact: used
	d.Add(trailguide.LayerBlock, "#form", trailguide.HeatRollValues{40, 30, 20, 10, 9000, 600, 100})
	// seen by few
	d.Add(trailguide.LayerBlock, "#footer", trailguide.HeatRollValues{40, 10, 10, 0, 100, 900, 100})
	d.Finish()
	r := Report("/p", trailguide.HeatmapQuery{Device: "desktop"}, d)
	if r.Views != 40 || r.FoldPX != 800 || r.DocH != 2000 {
		t.Errorf("views %d fold %d doc %d", r.Views, r.FoldPX, r.DocH)
	}
	if r.Depth[0].Share != 1 || r.Depth[10].Share != 1 || r.Depth[11].Share != 0.25 || r.Depth[20].Share != 0.25 {
		t.Errorf("depth = %+v", r.Depth)
	}
	dead := map[string]bool{}
	for _, b := range r.Blocks {
		dead[b.Selector] = b.Dead
	}
	if !dead["#promo"] || dead["#form"] || dead["#footer"] {
		t.Errorf("dead zones = %v, want #promo only", dead)
	}
	// too few views say nothing
	if IsDeadZone(&trailguide.HeatBlockAgg{Views: 5, Seen: 5, Short: 5}, 5) {
		t.Error("5 views made a dead zone")
	}
}

func TestSnapshotEvents(t *testing.T) {
	raw := func(typ int, ts int64) json.RawMessage {
		return json.RawMessage(`{"type":` + itoa(int64(typ)) + `,"timestamp":` + itoa(ts) + `}`)
	}
	evs := []json.RawMessage{raw(4, 1000), raw(2, 1010), raw(3, 2000), raw(3, 9000), raw(4, 20000), raw(2, 20010), raw(3, 21000)}
	got := SnapshotEvents(evs, time.UnixMilli(19900))
	if len(got) != 3 || string(got[0]) != string(evs[4]) {
		t.Errorf("second page load: %d events from %s", len(got), got)
	}
	got = SnapshotEvents(evs, time.UnixMilli(900))
	if len(got) != 3 { // meta, snapshot, the mutation 990 ms later; not the one 8 s later
		t.Errorf("first page load: %d events", len(got))
	}
	if SnapshotEvents(evs[2:4], time.UnixMilli(0)) != nil {
		t.Error("no full snapshot should give nil")
	}
}
