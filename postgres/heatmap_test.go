package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/postgres"
)

// TestHeatmapConcurrentSessions: sessions of the same page closed at once
// (by several worker nodes) add to the same heat_day rows, and the sums
// stay exact. (Transactions take those row locks in key order, so they
// cannot deadlock; this test is too short-lived to show a deadlock when
// they do not, so it checks the sums, not the order.)
func TestHeatmapConcurrentSessions(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpenDB(t)
	if err := postgres.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P", PublicKey: "pk"}); err != nil {
		t.Fatal(err)
	}
	ing, ss := postgres.NewIngestStore(db), postgres.NewSessionStore(db)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	const n = 12
	for i := range n {
		b := &trailguide.IngestBatch{ProjectID: "p", SessionID: fmt.Sprint("s", i), WindowID: "w", Seq: 0,
			Delta: trailguide.SessionDelta{FirstAt: t0, LastAt: t0.Add(time.Minute), Events: 1, ReceivedAt: t0.Add(time.Minute)}}
		if _, err := ing.CommitBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	heat := func(i int) *trailguide.SessionHeatmap {
		h := &trailguide.SessionHeatmap{ProjectID: "p", SessionID: fmt.Sprint("s", i)}
		h.Views = []*trailguide.HeatView{{WindowID: "w", Time: t0, Path: "/checkout", Device: trailguide.DeviceDesktop,
			ViewportW: 1280, ViewportH: 800, DocH: 2400, Depth: 60, Bands: []int64{100, 200, 300},
			Moves:  []trailguide.HeatCell{{X: 1, Y: 1, N: 1}, {X: 2, Y: 5, N: 3}},
			Blocks: []trailguide.HeatBlock{{Selector: "#a", Top: 0, Height: 500, Seen: true, DwellMS: 900}, {Selector: "#b", Top: 900, Height: 300}}}}
		// The same elements in a different order per session.
		sels := []string{"#pay", "#cart", "#logo", "#help"}
		for j := range 8 {
			h.Clicks = append(h.Clicks, &trailguide.HeatClick{WindowID: "w", Time: t0.Add(time.Duration(j+1) * time.Second),
				Path: "/checkout", Device: trailguide.DeviceDesktop, Selector: sels[(i+j)%len(sels)], Text: "x",
				OX: 0.5, OY: 0.5, PX: 0.1, PY: 0.2, Rage: j%3 == 0})
		}
		return h
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			for range 3 { // and again: each replace takes the old rows out
				if errs[i] = ss.ReplaceHeatmap(ctx, heat(i)); errs[i] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
	}
	d, err := ss.Heatmap(ctx, trailguide.HeatmapQuery{ProjectID: "p", Paths: []string{"/checkout"}, Device: trailguide.DeviceDesktop})
	if err != nil {
		t.Fatal(err)
	}
	clicks := 0
	for _, e := range d.Elements {
		clicks += e.Clicks
	}
	if d.Views != n || clicks != 8*n || d.Bands[0] == 0 {
		t.Fatalf("views %d clicks %d bands %v, want %d and %d", d.Views, clicks, d.Bands, n, 8*n)
	}
	// Deleting half the sessions takes exactly their contribution out.
	if _, err := ss.DeleteSessionsBefore(ctx, "p", t0.Add(2*time.Minute), n/2); err != nil {
		t.Fatal(err)
	}
	d, err = ss.Heatmap(ctx, trailguide.HeatmapQuery{ProjectID: "p", Paths: []string{"/checkout"}, Device: trailguide.DeviceDesktop})
	if err != nil || d.Views != n/2 {
		t.Fatalf("after deleting half: %d views, %v", d.Views, err)
	}
	if pages, err := ss.HeatmapPages(ctx, "p", ""); err != nil || len(pages) != 1 || pages[0].Views != n/2 {
		t.Fatalf("pages: %v %v", pages, err)
	}
}
