package guide_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/guide"
	"github.com/trailguide/trailguide/sqlite"
)

var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

type env struct {
	db  *sqlite.DB
	st  *sqlite.GuideStore
	svc *guide.Service
	clk *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "tg.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := sqlite.NewProjectStore(db).CreateProject(context.Background(), &trailguide.Project{ID: "p", Name: "P", PublicKey: "pk_p", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	st := sqlite.NewGuideStore(db)
	clk := &clock{t0.Add(time.Hour)}
	return &env{db: db, st: st, clk: clk, svc: &guide.Service{Store: st, Clock: clk, Budget: guide.Budget{PerSession: 2, PerDay: 3}}}
}

func (e *env) guide(t *testing.T, id string, edit func(g *trailguide.Guide)) {
	t.Helper()
	zero := 0
	g := &trailguide.Guide{ID: id, ProjectID: "p", Name: id, Type: trailguide.GuideModal, Status: trailguide.GuidePublished,
		Steps: []trailguide.GuideStep{{Title: "Hello"}}, HoldoutPercent: &zero, CreatedAt: t0, UpdatedAt: t0}
	if edit != nil {
		edit(g)
	}
	if err := guide.Prepare(g); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SaveGuide(context.Background(), g); err != nil {
		t.Fatal(err)
	}
}

// session indexes a session of a visitor with guide signals (name, guide id).
func (e *env) session(t *testing.T, id, visitor, ua string, at time.Time, sigs ...[2]string) {
	t.Helper()
	b := &trailguide.IngestBatch{ProjectID: "p", SessionID: id, WindowID: "w"}
	for i, s := range sigs {
		data, _ := json.Marshal(map[string]any{"props": map[string]any{"guide_id": s[1]}})
		b.Events = append(b.Events, &trailguide.Event{ProjectID: "p", SessionID: id, WindowID: "w", Index: i, Type: trailguide.EventGuide,
			Name: s[0], Time: at.Add(time.Duration(i) * time.Second), URL: "https://app.test/", Data: data})
	}
	dev := trailguide.DeviceDesktop
	if ua == "mobile" {
		dev = trailguide.DeviceMobile
	}
	b.Delta = trailguide.SessionDelta{VisitorID: visitor, FirstAt: at, LastAt: at.Add(time.Minute), ReceivedAt: at, DeviceClass: dev,
		EntryURL: "https://app.test/", Context: &trailguide.Context{URL: "https://app.test/"}}
	if _, err := sqlite.NewIngestStore(e.db).CommitBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func ids(list []*guide.Served) string {
	s := ""
	for _, g := range list {
		s += g.ID
		if g.Suppressed != "" {
			s += ":" + g.Suppressed
		}
		s += " "
	}
	return s
}

func TestEligible(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.guide(t, "draft", func(g *trailguide.Guide) { g.Status = trailguide.GuideDraft })
	e.guide(t, "paused", func(g *trailguide.Guide) { g.Status = trailguide.GuidePaused })
	e.guide(t, "pricing", func(g *trailguide.Guide) { g.URLScope = []string{"/pricing*"}; g.Priority = 5 })
	e.guide(t, "mobile", func(g *trailguide.Guide) {
		g.Audience = &trailguide.Filter{Condition: &trailguide.Condition{Field: trailguide.FieldDevice, Op: trailguide.OpEq, Value: "mobile"}}
	})
	e.guide(t, "once", nil)
	e.guide(t, "every", func(g *trailguide.Guide) { g.Frequency.Mode = trailguide.FrequencyEverySession; g.Priority = -1 })
	e.session(t, "old", "v", "desktop", t0.Add(-48*time.Hour), [2]string{"guide_shown", "once"}, [2]string{"guide_shown", "every"})
	e.session(t, "s", "v", "desktop", t0)

	got, err := e.svc.Eligible(ctx, "p", guide.Visitor{SessionID: "s", VisitorID: "v", URL: "https://app.test/pricing/team"})
	if err != nil {
		t.Fatal(err)
	}
	// draft and paused never; mobile not in the audience; once seen in an
	// earlier session; pricing first by priority.
	if ids(got.Guides) != "pricing every " || ids(got.Suppressed) != "once:frequency " || len(got.HeldOut) != 0 || got.Retry {
		t.Fatalf("guides %q suppressed %q held %d retry %v", ids(got.Guides), ids(got.Suppressed), len(got.HeldOut), got.Retry)
	}
	got, _ = e.svc.Eligible(ctx, "p", guide.Visitor{SessionID: "s", VisitorID: "v", URL: "https://app.test/docs"})
	if ids(got.Guides) != "every " {
		t.Fatalf("off the pricing page: got %q", ids(got.Guides))
	}
	// A session not indexed yet: audience guides wait (retry), others answer.
	got, _ = e.svc.Eligible(ctx, "p", guide.Visitor{SessionID: "new", VisitorID: "v2", URL: "https://app.test/"})
	if !got.Retry || ids(got.Guides) != "once every " {
		t.Fatalf("unindexed: got %q retry %v", ids(got.Guides), got.Retry)
	}
	if _, err := e.svc.Eligible(ctx, "p", guide.Visitor{}); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Fatalf("no ids: got %v", err)
	}
}

func TestEligibleFrequencyAndBudget(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for i := 1; i <= 4; i++ {
		e.guide(t, fmt.Sprint("g", i), func(g *trailguide.Guide) { g.Priority = 10 - i; g.Frequency.Mode = trailguide.FrequencyEverySession })
	}
	e.guide(t, "until", func(g *trailguide.Guide) { g.Frequency.Mode = trailguide.FrequencyUntilCompleted; g.Priority = 20 })
	// This session: g1 shown and still open (a walkthrough in progress
	// stays eligible), g2 shown then dismissed; "until" was completed in
	// an earlier session. Yesterday's session showed g3.
	e.session(t, "y", "v", "desktop", t0.Add(-20*time.Hour), [2]string{"guide_shown", "g3"}, [2]string{"guide_shown", "until"}, [2]string{"guide_completed", "until"})
	e.session(t, "s", "v", "desktop", t0, [2]string{"guide_shown", "g1"}, [2]string{"guide_shown", "g2"}, [2]string{"guide_dismissed", "g2"})
	got, err := e.svc.Eligible(ctx, "p", guide.Visitor{SessionID: "s", VisitorID: "v", URL: "https://app.test/"})
	if err != nil {
		t.Fatal(err)
	}
	// g1 open: still served; g2 ended here; g3 and g4 over the budget
	// (2 guides shown this session).
	if ids(got.Guides) != "g1 " || ids(got.Suppressed) != "until:completed g2:frequency g3:budget g4:budget " {
		t.Fatalf("guides %q suppressed %q", ids(got.Guides), ids(got.Suppressed))
	}
}

func TestEligibleHoldout(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.guide(t, "g", func(g *trailguide.Guide) { h := 50; g.HoldoutPercent = &h })
	held, shown := 0, 0
	for i := 0; i < 200; i++ {
		v := guide.Visitor{SessionID: fmt.Sprint("s", i), VisitorID: fmt.Sprint("v", i), URL: "https://app.test/"}
		got, err := e.svc.Eligible(ctx, "p", v)
		if err != nil {
			t.Fatal(err)
		}
		want := guide.InHoldout("g", v.VisitorID, 50)
		if want != (len(got.HeldOut) == 1) || want == (len(got.Guides) == 1) {
			t.Fatalf("visitor %s: held %d shown %d, InHoldout %v", v.VisitorID, len(got.HeldOut), len(got.Guides), want)
		}
		if want {
			held++
			if got.HeldOut[0].Steps != nil {
				t.Fatal("a held-out visitor got the content")
			}
		} else {
			shown++
		}
		// Asking again gives the same arm.
		again, _ := e.svc.Eligible(ctx, "p", v)
		if len(again.HeldOut) != len(got.HeldOut) {
			t.Fatal("arm changed")
		}
	}
	if held < 70 || shown < 70 {
		t.Fatalf("50 %% holdout: held %d shown %d", held, shown)
	}
}
