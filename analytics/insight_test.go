package analytics_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/sqlite"
)

// TestDropoffAndStruggles: 20 sessions view /plan; 10 of them go on to
// /done. 6 of the 10 that dropped and 1 of those that converted had a rage
// click on #plan after viewing /plan; everyone clicked #help. The rage
// click is the top drop factor with the exact rates, lift, conversions
// lost and an interval that excludes 0; #help is not over-represented.
// The rage-clickers all came from campaign "x": who-struggles names it.
func TestDropoffAndStruggles(t *testing.T) {
	db, svc := openStore(t)
	ctx := context.Background()
	ing := sqlite.NewIngestStore(db)
	fr := sqlite.NewSessionStore(db)
	for i := 0; i < 20; i++ {
		id := fmt.Sprintf("s%02d", i)
		at := t0.Add(time.Duration(i) * time.Minute)
		converted := i >= 10
		rage := i < 6 || i == 10
		utm := "y"
		if rage {
			utm = "x"
		}
		b := &trailguide.IngestBatch{ProjectID: "p", SessionID: id, WindowID: "w", Seq: 0}
		b.Delta = trailguide.SessionDelta{VisitorID: "v" + id, FirstAt: at, LastAt: at.Add(time.Minute), ReceivedAt: at,
			Context: &trailguide.Context{URL: "https://a.test/plan", UTM: trailguide.UTM{Source: utm}}}
		ev := func(idx int, typ, url, sel string, d time.Duration) {
			b.Events = append(b.Events, &trailguide.Event{ProjectID: "p", SessionID: id, WindowID: "w", Index: idx, Type: typ,
				Time: at.Add(d), URL: url, Selector: sel})
		}
		ev(0, "pageview", "https://a.test/plan", "", 0)
		ev(1, "click", "https://a.test/plan", "#help", 2*time.Second)
		if converted {
			ev(2, "pageview", "https://a.test/done", "", 30*time.Second)
		}
		if _, err := ing.CommitBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
		if rage {
			if err := fr.ReplaceFriction(ctx, &trailguide.SessionFriction{ProjectID: "p", SessionID: id, ExitClass: "plain",
				Counts: map[string]int{"rage_click": 1}, Score: 3, Events: []*trailguide.Event{{
					ProjectID: "p", SessionID: id, WindowID: "w", Seq: trailguide.FrictionSeq, Index: 0, Type: trailguide.EventFriction,
					Name: "rage_click", Time: at.Add(5 * time.Second), URL: "https://a.test/plan", Selector: "#plan"}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	f := trailguide.Funnel{Steps: []trailguide.FunnelStep{{Kind: "pageview", URL: "/plan"}, {Kind: "pageview", URL: "/done"}}}
	rep, err := svc.Dropoff(ctx, &trailguide.DropQuery{FunnelQuery: trailguide.FunnelQuery{ProjectID: "p", Funnel: f}, Step: 0})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Dropped != 10 || rep.Converted != 10 || len(rep.Factors) != 1 {
		t.Fatalf("report: dropped %d, converted %d, %d factors: %+v", rep.Dropped, rep.Converted, len(rep.Factors), rep.Factors)
	}
	top := rep.Factors[0]
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// 7 sessions with it, 1 converted (1/7); 13 without, 9 converted (9/13): lost 7*(9/13-1/7).
	if top.Kind != "friction" || top.Signal != "rage_click" || top.Selector != "#plan" || top.URL != "/plan" ||
		top.Dropped != 6 || top.Converted != 1 || !near(top.DroppedRate, 0.6) || !near(top.ConvertedRate, 0.1) ||
		!near(top.Lift, (6.5/11)/(1.5/11)) || !near(top.ConversionsLost, 7*(9.0/13-1.0/7)) {
		t.Fatalf("top factor: %+v", top)
	}
	if !(top.CILow > 0 && top.CIHigh < 1 && top.CILow < 0.5 && top.CIHigh > 0.5) || !(top.PValue < 0.05) {
		t.Fatalf("interval [%f, %f], p %f", top.CILow, top.CIHigh, top.PValue)
	}
	if len(top.Examples) != 5 || top.Examples[0].SessionID != "s05" || !top.Examples[0].At.Equal(t0.Add(5*time.Minute+5*time.Second)) {
		t.Fatalf("examples: %+v", top.Examples[0])
	}

	st, err := svc.Struggles(ctx, &trailguide.StruggleQuery{ProjectID: "p", Dimensions: []string{"utm_source"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Sessions != 20 || len(st.Rows) < 1 {
		t.Fatalf("struggles: %+v", st)
	}
	r := st.Rows[0]
	if r.Dimension != "utm_source" || r.Value != "x" || r.Signal != "rage_click" || r.Sessions != 7 || r.WithSignal != 7 ||
		!near(r.Rate, 1) || !near(r.OtherRate, 0) || !r.Significant {
		t.Fatalf("top struggle row: %+v", r)
	}
}
