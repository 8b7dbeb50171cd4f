package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

func newGuide(project, id string) *trailguide.Guide {
	h := 10
	return &trailguide.Guide{ID: id, ProjectID: project, Name: "Plan help " + id, Type: trailguide.GuideTooltip, Status: trailguide.GuideDraft,
		Steps:          []trailguide.GuideStep{{Title: "Pick a plan", Body: "<b>Team</b> fits most", Selector: "#plan"}},
		Trigger:        trailguide.GuideTrigger{Type: trailguide.TriggerFriction, Selector: "#plan"},
		Frequency:      trailguide.GuideFrequency{Mode: trailguide.FrequencyOnce},
		HoldoutPercent: &h, Goal: &trailguide.GuideGoal{Event: "signup_completed"},
		CreatedAt: t0, UpdatedAt: t0}
}

func testGuides(t *testing.T, s Stores) {
	if s.Guides == nil {
		t.Skip("backend has no guide store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	g := newGuide("p", "g1")
	if err := s.Guides.SaveGuide(ctx, g); err != nil {
		t.Fatal(err)
	}
	if g.Version != 1 {
		t.Fatalf("version after create: got %d, want 1", g.Version)
	}
	if err := s.Guides.SaveGuide(ctx, newGuide("q", "g1")); err != nil {
		t.Fatalf("same id in another project: %v", err)
	}
	g2 := *g
	g2.Status, g2.UpdatedAt = trailguide.GuidePublished, t0.Add(time.Hour)
	g2.Steps = []trailguide.GuideStep{{Title: "Pick the Team plan", Selector: "#plan"}}
	if err := s.Guides.SaveGuide(ctx, &g2); err != nil {
		t.Fatal(err)
	}
	got, err := s.Guides.Guide(ctx, "p", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Status != trailguide.GuidePublished || got.Steps[0].Title != "Pick the Team plan" || !got.CreatedAt.Equal(t0) || got.Holdout() != 10 {
		t.Fatalf("guide after update: got %+v", got)
	}
	// A stale version conflicts.
	stale := *g
	stale.Version = 1
	if err := s.Guides.SaveGuide(ctx, &stale); trailguide.ErrorCode(err) != trailguide.ECONFLICT {
		t.Fatalf("stale save: got %v, want ECONFLICT", err)
	}
	vs, err := s.Guides.GuideVersions(ctx, "p", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 || vs[1].Steps[0].Title != "Pick a plan" {
		t.Fatalf("versions: got %d", len(vs))
	}
	if err := s.Guides.SaveGuide(ctx, newGuide("p", "g0")); err != nil {
		t.Fatal(err)
	}
	list, err := s.Guides.Guides(ctx, "p")
	if err != nil || len(list) != 2 {
		t.Fatalf("list: got %d, %v", len(list), err)
	}
	if _, err := s.Guides.Guide(ctx, "p", "nope"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("missing: got %v", err)
	}
	if _, err := s.Guides.GuideVersions(ctx, "q", "g0"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("versions across projects: got %v", err)
	}
	if err := s.Guides.SaveGuide(ctx, newGuide("nope", "g1")); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("unknown project: got %v", err)
	}
	if err := s.Guides.DeleteGuide(ctx, "p", "g0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Guides.DeleteGuide(ctx, "p", "g0"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("delete twice: got %v", err)
	}
	if got, _ := s.Guides.Guide(ctx, "q", "g1"); got == nil || got.Version != 1 {
		t.Fatal("project q's guide changed")
	}
}

// guideBatch commits one session of a visitor with the given events (type,
// name, selector, guide id), one second apart from at.
func guideBatch(t *testing.T, s Stores, session, visitor string, at time.Time, evs ...[4]string) {
	t.Helper()
	b := &trailguide.IngestBatch{ProjectID: "p", SessionID: session, WindowID: "w"}
	for i, e := range evs {
		te := &trailguide.Event{ProjectID: "p", SessionID: session, WindowID: "w", Index: i, Type: e[0], Name: e[1], Selector: e[2],
			Time: at.Add(time.Duration(i) * time.Second), URL: "https://app.test/pricing"}
		if e[3] != "" {
			te.Data, _ = json.Marshal(map[string]any{"props": map[string]any{"guide_id": e[3]}})
		}
		b.Events = append(b.Events, te)
	}
	b.Delta = trailguide.SessionDelta{VisitorID: visitor, FirstAt: at, LastAt: at.Add(time.Duration(len(evs)) * time.Second),
		Events: len(evs), EntryURL: "https://app.test/pricing", ReceivedAt: at,
		Context: &trailguide.Context{URL: "https://app.test/pricing", UserAgent: uaChromeWindows, Language: "en"}}
	withDevice(&b.Delta, uaChromeWindows)
	mustCommit(t, s, b)
}

func testGuideEligibilityQueries(t *testing.T, s Stores) {
	if s.Guides == nil {
		t.Skip("backend has no guide store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	g := newGuide("p", "g1")
	if err := s.Guides.SaveGuide(ctx, g); err != nil {
		t.Fatal(err)
	}
	a, err := s.Guides.Assign(ctx, &trailguide.GuideAssignment{ProjectID: "p", GuideID: "g1", VisitorID: "v1", SessionID: "s1", HeldOut: true, At: t0})
	if err != nil || !a.HeldOut {
		t.Fatalf("assign: %+v %v", a, err)
	}
	// The first assignment wins.
	a, err = s.Guides.Assign(ctx, &trailguide.GuideAssignment{ProjectID: "p", GuideID: "g1", VisitorID: "v1", SessionID: "s2", HeldOut: false, At: t0.Add(time.Hour)})
	if err != nil || !a.HeldOut || a.SessionID != "s1" || !a.At.Equal(t0) {
		t.Fatalf("second assign: %+v %v", a, err)
	}
	if _, err := s.Guides.Assign(ctx, &trailguide.GuideAssignment{ProjectID: "p", GuideID: "nope", VisitorID: "v1", SessionID: "s1", At: t0}); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("assign to unknown guide: %v", err)
	}

	guideBatch(t, s, "s1", "v1", t0, [4]string{"pageview", "", "", ""}, [4]string{"guide", trailguide.GuideEventShown, "", "g1"},
		[4]string{"guide", trailguide.GuideEventDismissed, "", "g1"})
	guideBatch(t, s, "s2", "v1", t0.Add(2*time.Hour), [4]string{"guide", trailguide.GuideEventShown, "", "g2"})
	guideBatch(t, s, "s3", "v2", t0, [4]string{"guide", trailguide.GuideEventShown, "", "g1"})
	seen, err := s.Guides.GuidesSeen(ctx, "p", "v1", t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || seen[0].GuideID != "g1" || seen[0].Name != trailguide.GuideEventShown || seen[0].SessionID != "s1" ||
		seen[1].Name != trailguide.GuideEventDismissed || seen[2].GuideID != "g2" || seen[2].SessionID != "s2" {
		t.Fatalf("seen: got %d %+v", len(seen), seen)
	}
	if seen, _ := s.Guides.GuidesSeen(ctx, "p", "v1", t0.Add(time.Hour)); len(seen) != 1 {
		t.Fatalf("seen since: got %d, want 1", len(seen))
	}

	yes := &trailguide.Filter{Condition: &trailguide.Condition{Field: trailguide.FieldDevice, Op: trailguide.OpEq, Value: "desktop"}}
	no := &trailguide.Filter{Condition: &trailguide.Condition{Field: trailguide.FieldDevice, Op: trailguide.OpEq, Value: "mobile"}}
	saw := &trailguide.Filter{Condition: &trailguide.Condition{Field: trailguide.FieldGuide, Value: "g2"}}
	for _, tt := range []struct {
		session string
		f       *trailguide.Filter
		want    bool
	}{{"s1", yes, true}, {"s1", no, false}, {"s1", nil, true}, {"s2", saw, true}, {"s1", saw, false}} {
		got, err := s.Guides.SessionMatches(ctx, "p", tt.session, tt.f)
		if err != nil || got != tt.want {
			t.Errorf("SessionMatches(%s): got %v, %v; want %v", tt.session, got, err, tt.want)
		}
	}
	if _, err := s.Guides.SessionMatches(ctx, "p", "unknown", yes); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("unindexed session: got %v, want ENOTFOUND", err)
	}
}

func testGuideImpact(t *testing.T, s Stores) {
	if s.Guides == nil {
		t.Skip("backend has no guide store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	g := newGuide("p", "g1")
	if err := s.Guides.SaveGuide(ctx, g); err != nil {
		t.Fatal(err)
	}
	assign := func(visitor string, held bool, at time.Time) {
		t.Helper()
		if _, err := s.Guides.Assign(ctx, &trailguide.GuideAssignment{ProjectID: "p", GuideID: "g1", VisitorID: visitor, SessionID: "x", HeldOut: held, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	rage := [4]string{"friction", "rage_click", "#plan", ""}
	// Exposed: e1 saw it, dismissed, then raged; e2 saw it and signed up;
	// e3 raged before the assignment only (not counted), and on another
	// element after it (not counted).
	assign("e1", false, t0)
	guideBatch(t, s, "se1", "e1", t0, [4]string{"guide", trailguide.GuideEventShown, "", "g1"}, [4]string{"guide", trailguide.GuideEventDismissed, "", "g1"}, rage)
	assign("e2", false, t0)
	guideBatch(t, s, "se2", "e2", t0, [4]string{"guide", trailguide.GuideEventShown, "", "g1"}, [4]string{"track", "signup_completed", "", ""})
	assign("e3", false, t0.Add(time.Hour))
	guideBatch(t, s, "se3", "e3", t0, rage)
	guideBatch(t, s, "se3b", "e3", t0.Add(2*time.Hour), [4]string{"friction", "rage_click", "#other", ""}, [4]string{"friction", "hesitation", "#plan", ""})
	// Holdout: h1 raged, h2 raged and signed up in a later session.
	assign("h1", true, t0)
	guideBatch(t, s, "sh1", "h1", t0, rage)
	assign("h2", true, t0)
	guideBatch(t, s, "sh2", "h2", t0.Add(24*time.Hour), rage, [4]string{"track", "signup_completed", "", ""})

	c, err := s.Guides.GuideImpact(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	want := trailguide.GuideImpactCounts{
		Friction: trailguide.GuideOutcome{Exposed: 3, ExposedHit: 1, Holdout: 2, HoldoutHit: 2},
		Goal:     trailguide.GuideOutcome{Exposed: 3, ExposedHit: 1, Holdout: 2, HoldoutHit: 1},
		Shown:    2, Dismissed: 1, DismissedFriction: 1,
	}
	if *c != want {
		t.Fatalf("impact:\ngot  %+v\nwant %+v", *c, want)
	}
}
