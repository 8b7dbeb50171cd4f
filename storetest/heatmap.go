package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// heatSession is the heatmap contribution of one session on /page: one
// view (depth, attention, a block) and clicks on #buy at a width w.
func heatSession(projectID, id string, at time.Time, w int, depth int, clicks int, rage bool) *trailguide.SessionHeatmap {
	dev := trailguide.DeviceForWidth(w)
	h := &trailguide.SessionHeatmap{ProjectID: projectID, SessionID: id}
	h.Views = append(h.Views, &trailguide.HeatView{
		WindowID: "w", Time: at, Path: "/page", Device: dev, ViewportW: w, ViewportH: 800, DocH: 2000,
		Depth: depth, Snapshot: true, Bands: []int64{1000, 500},
		Moves:  []trailguide.HeatCell{{X: 3, Y: 4, N: 2}},
		Blocks: []trailguide.HeatBlock{{Selector: "#promo", Top: 1000, Height: 400, Seen: depth >= 70, DwellMS: 300}},
	})
	for i := range clicks {
		h.Clicks = append(h.Clicks, &trailguide.HeatClick{
			WindowID: "w", Time: at.Add(time.Duration(i+1) * time.Second), Path: "/page", Device: dev,
			Selector: "#buy", Text: "Buy", OX: 0.55, OY: 0.45, PX: 0.5, PY: 0.25, Rage: rage,
		})
	}
	return h
}

func testHeatmaps(t *testing.T, s Stores) {
	if s.Heatmaps == nil {
		t.Skip("no heatmap store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCommit(t, s, newBatch("p", "a", "w", 0, t0))
	mustCommit(t, s, newBatch("p", "b", "w", 0, t0.Add(time.Hour)))

	err := s.Heatmaps.ReplaceHeatmap(ctx, heatSession("p", "nope", t0, 1280, 50, 1, false))
	wantCode(t, err, trailguide.ENOTFOUND)

	a := heatSession("p", "a", t0, 1280, 100, 3, true)
	for range 2 { // replacing with the same input changes nothing
		if err := s.Heatmaps.ReplaceHeatmap(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Heatmaps.ReplaceHeatmap(ctx, heatSession("p", "b", t0.Add(time.Hour), 1000, 50, 5, false)); err != nil {
		t.Fatal(err) // a tablet
	}
	// b moves to a desktop width: its tablet rows go
	b := heatSession("p", "b", t0.Add(time.Hour), 1440, 50, 1, false)
	if err := s.Heatmaps.ReplaceHeatmap(ctx, b); err != nil {
		t.Fatal(err)
	}

	pages, err := s.Heatmaps.HeatmapPages(ctx, "p", "")
	if err != nil || len(pages) != 1 || pages[0] != (trailguide.HeatPage{Path: "/page", Views: 2}) {
		t.Fatalf("pages = %v, %v", pages, err)
	}
	if pages, _ := s.Heatmaps.HeatmapPages(ctx, "p", trailguide.DeviceTablet); len(pages) != 0 {
		t.Errorf("tablet pages = %v, want none", pages)
	}

	q := trailguide.HeatmapQuery{ProjectID: "p", Paths: []string{"/page"}, Device: trailguide.DeviceDesktop}
	d, err := s.Heatmaps.Heatmap(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if d.Views != 2 || d.SumVH != 1600 || d.SumDocH != 4000 || d.DocHViews != 2 {
		t.Errorf("views = %d vh %d doc %d/%d", d.Views, d.SumVH, d.SumDocH, d.DocHViews)
	}
	if d.Depth[20] != 1 || d.Depth[10] != 1 {
		t.Errorf("depth = %v", d.Depth)
	}
	if d.Bands[0] != 2000 || d.Bands[1] != 1000 || d.Bands[2] != 0 {
		t.Errorf("bands = %v", d.Bands)
	}
	wantCells := []*trailguide.HeatClickCell{{Selector: "#buy", CX: 5, CY: 4, N: 4, Rage: 3, PX: 0.5, PY: 0.25}}
	if !reflect.DeepEqual(d.Clicks, wantCells) {
		t.Errorf("clicks = %+v, want %+v", d.Clicks[0], wantCells[0])
	}
	wantEl := []*trailguide.HeatElement{{Selector: "#buy", Text: "Buy", Clicks: 4, Rage: 3, Views: 2, RageViews: 1}}
	if !reflect.DeepEqual(d.Elements, wantEl) {
		t.Errorf("elements = %+v, want %+v", d.Elements, wantEl)
	}
	if len(d.Moves) != 1 || d.Moves[0] != (trailguide.HeatCell{X: 3, Y: 4, N: 4}) {
		t.Errorf("moves = %v", d.Moves)
	}
	wantBlock := []*trailguide.HeatBlockAgg{{Selector: "#promo", Views: 2, Seen: 1, Short: 1, DwellMS: 300, Top: 500, Height: 200}}
	if !reflect.DeepEqual(d.Blocks, wantBlock) {
		t.Errorf("blocks = %+v, want %+v", d.Blocks[0], wantBlock[0])
	}

	// one map's layers only (and the views)
	ql := q
	ql.Layers = []string{trailguide.LayerDepth}
	if d, err := s.Heatmaps.Heatmap(ctx, ql); err != nil || d.Views != 2 || d.Depth[20] != 1 || len(d.Clicks) != 0 || len(d.Elements) != 0 || d.Bands[0] != 0 {
		t.Errorf("depth layer only: %+v, %v", d, err)
	}
	// days: a range after a's day leaves only b... both are on t0's day
	q2 := q
	q2.From = t0.Add(24 * time.Hour)
	if d, _ := s.Heatmaps.Heatmap(ctx, q2); d.Views != 0 || len(d.Clicks) != 0 {
		t.Errorf("next day: views %d clicks %v", d.Views, d.Clicks)
	}

	list, err := s.Heatmaps.HeatmapSessions(ctx, q, "#buy", trailguide.HeatRage, 10)
	if err != nil || len(list) != 1 || list[0].SessionID != "a" || list[0].Clicks != 3 || !list[0].Time.Equal(t0.Add(time.Second)) {
		t.Fatalf("rage sessions = %+v, %v", list, err)
	}
	if list, _ := s.Heatmaps.HeatmapSessions(ctx, q, "#buy", trailguide.HeatAll, 10); len(list) != 2 || list[0].SessionID != "b" {
		t.Errorf("all sessions = %+v", list)
	}
	_, err = s.Heatmaps.HeatmapSessions(ctx, q, "#buy", "odd", 10)
	wantCode(t, err, trailguide.EINVALID)

	snap, err := s.Heatmaps.HeatmapSnapshot(ctx, q)
	if err != nil || snap.SessionID != "b" || snap.ViewportW != 1440 || snap.DocH != 2000 {
		t.Fatalf("snapshot = %+v, %v", snap, err)
	}
	q3 := q
	q3.Device = trailguide.DeviceMobile
	_, err = s.Heatmaps.HeatmapSnapshot(ctx, q3)
	wantCode(t, err, trailguide.ENOTFOUND)
	q3.Device = "tv"
	_, err = s.Heatmaps.Heatmap(ctx, q3)
	wantCode(t, err, trailguide.EINVALID)

	// deleting a session (retention) takes its contribution out
	rs, ok := s.Sessions.(trailguide.RetentionStore)
	if !ok {
		return
	}
	if _, err := rs.DeleteSessionsBefore(ctx, "p", t0.Add(30*time.Minute), 10); err != nil {
		t.Fatal(err)
	}
	d, err = s.Heatmaps.Heatmap(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if d.Views != 1 || len(d.Elements) != 1 || d.Elements[0].Clicks != 1 || d.Elements[0].Rage != 0 || d.Depth[20] != 0 {
		t.Errorf("after delete: views %d elements %+v depth %v", d.Views, d.Elements, d.Depth)
	}
}

// testHeatmapFiltered: a session filter sums the raw rows of the matching
// sessions; one that matches every session gives the pre-aggregated map.
func testHeatmapFiltered(t *testing.T, s Stores) {
	if s.Heatmaps == nil {
		t.Skip("no heatmap store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCommit(t, s, newBatch("p", "a", "w", 0, t0))
	mustCommit(t, s, newBatch("p", "b", "w", 0, t0.Add(time.Hour)))
	for _, h := range []*trailguide.SessionHeatmap{
		heatSession("p", "a", t0, 1280, 100, 3, true),
		heatSession("p", "b", t0.Add(time.Hour), 1440, 45, 2, false),
	} {
		if err := s.Heatmaps.ReplaceHeatmap(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	q := trailguide.HeatmapQuery{ProjectID: "p", Paths: []string{"/page"}, Device: trailguide.DeviceDesktop}
	all, err := s.Heatmaps.Heatmap(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.Sessions.HasError = ptr(false) // every session
	got, err := s.Heatmaps.Heatmap(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, all) {
		t.Errorf("filtered (all) = %+v\nwant %+v", got, all)
	}
	q.Layers = []string{trailguide.LayerBand}
	if got, err := s.Heatmaps.Heatmap(ctx, q); err != nil || got.Views != 2 || got.Bands[0] != 2000 || len(got.Clicks) != 0 || got.Depth[20] != 0 {
		t.Errorf("filtered, band layer only: %+v, %v", got, err)
	}
	q.Layers = nil
	q.Sessions = trailguide.SessionFilter{From: t0.Add(30 * time.Minute)} // b only
	got, err = s.Heatmaps.Heatmap(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got.Views != 1 || len(got.Elements) != 1 || got.Elements[0].Clicks != 2 || got.Depth[9] != 1 {
		t.Errorf("b only: views %d elements %+v depth %v", got.Views, got.Elements, got.Depth)
	}
	if list, _ := s.Heatmaps.HeatmapSessions(ctx, q, "#buy", trailguide.HeatAll, 10); len(list) != 1 || list[0].SessionID != "b" {
		t.Errorf("filtered sessions = %+v", list)
	}
}
