package analytics_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/analytics"
	"github.com/trailguide/trailguide/sqlite"
)

var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// genEvent is one generated analytics event.
type genEvent struct {
	typ, url, selector, name string
	at                       time.Time
	idx                      int
}

type genSession struct {
	id, visitor string
	events      []genEvent
}

// vocabulary of the generated sessions and funnels: small, so that steps
// match often and ties and repeats happen.
var (
	genURLs      = []string{"https://app.test/a", "https://app.test/b", "https://app.test/b?x=1", "https://app.test/c", "https://app.test/c/d"}
	genSelectors = []string{"#x", "#y"}
	genNames     = []string{"e1", "e2"}
	genPatterns  = []string{"/a", "/b", "/c*", "/*"}
)

func genSessions(r *rand.Rand) []genSession {
	var out []genSession
	visitors := 1 + r.IntN(6)
	n := 0
	for v := 0; v < visitors; v++ {
		start := t0.Add(time.Duration(r.IntN(48*60)) * time.Minute)
		for k := 0; k < 1+r.IntN(3); k++ {
			n++
			s := genSession{id: fmt.Sprintf("s%02d", n), visitor: fmt.Sprintf("v%d", v)}
			at := start
			for i := 0; i < r.IntN(12); i++ {
				at = at.Add(time.Duration(r.IntN(4)) * time.Duration([]int{0, 1, 10, 30, 60, 90}[r.IntN(6)]) * time.Second)
				e := genEvent{at: at, idx: i, url: genURLs[r.IntN(len(genURLs))]}
				switch r.IntN(5) {
				case 0, 1:
					e.typ = trailguide.EventPageview
				case 2:
					e.typ, e.selector = trailguide.EventClick, genSelectors[r.IntN(2)]
				case 3:
					e.typ, e.name = trailguide.EventTrack, genNames[r.IntN(2)]
				default:
					if r.IntN(2) == 0 {
						e.typ, e.selector = trailguide.EventSubmit, "#f"
					} else {
						e.typ = trailguide.EventScroll
					}
				}
				s.events = append(s.events, e)
			}
			out = append(out, s)
			start = at.Add(time.Duration(r.IntN(120)) * time.Minute)
		}
	}
	return out
}

func genFunnel(r *rand.Rand) trailguide.Funnel {
	f := trailguide.Funnel{
		Order:    []string{trailguide.OrderSequential, trailguide.OrderStrict, trailguide.OrderAny}[r.IntN(3)],
		CountBy:  []string{trailguide.CountSessions, trailguide.CountVisitors}[r.IntN(2)],
		WindowMS: []int64{0, 30e3, 120e3, 600e3, 3600e3}[r.IntN(5)],
	}
	for i := 0; i < 1+r.IntN(4); i++ {
		var s trailguide.FunnelStep
		switch r.IntN(4) {
		case 0, 1:
			s = trailguide.FunnelStep{Kind: trailguide.StepPageview, URL: genPatterns[r.IntN(len(genPatterns))]}
		case 2:
			s = trailguide.FunnelStep{Kind: trailguide.StepClick, Selector: genSelectors[r.IntN(2)]}
		default:
			s = trailguide.FunnelStep{Kind: trailguide.StepEvent, Name: genNames[r.IntN(2)]}
		}
		f.Steps = append(f.Steps, s)
	}
	return f
}

// refMatch is the reference's own reading of a step: pageview patterns are
// an exact path or a prefix ending in '*'.
func refMatch(s trailguide.FunnelStep, e genEvent) bool {
	switch s.Kind {
	case trailguide.StepPageview:
		if e.typ != trailguide.EventPageview {
			return false
		}
		path := strings.TrimPrefix(e.url, "https://app.test")
		path, _, _ = strings.Cut(path, "?")
		if p, ok := strings.CutSuffix(s.URL, "*"); ok {
			return strings.HasPrefix(path, p)
		}
		return path == s.URL
	case trailguide.StepClick:
		return e.typ == trailguide.EventClick && e.selector == s.Selector
	case trailguide.StepEvent:
		return e.typ == trailguide.EventTrack && e.name == s.Name
	}
	return false
}

// refDepth is the brute-force reference: the largest k such that some
// choice of events does steps 1..k as the order requires within the window.
func refDepth(f trailguide.Funnel, ev []genEvent) int {
	w := time.Duration(f.WindowMS) * time.Millisecond
	ok := func(first, last time.Time) bool { return w == 0 || last.Sub(first) <= w }
	best := 0
	switch f.Order {
	case trailguide.OrderSequential:
		var rec func(k, last int, first time.Time)
		rec = func(k, last int, first time.Time) {
			best = max(best, k)
			if k == len(f.Steps) {
				return
			}
			for j := last + 1; j < len(ev); j++ {
				if refMatch(f.Steps[k], ev[j]) && (k == 0 || ok(first, ev[j].at)) {
					st := first
					if k == 0 {
						st = ev[j].at
					}
					rec(k+1, j, st)
				}
			}
		}
		rec(0, -1, time.Time{})
	case trailguide.OrderStrict:
		var st []genEvent
		for _, e := range ev {
			if e.typ != trailguide.EventScroll {
				st = append(st, e)
			}
		}
		for i := range st {
			k := 0
			for k < len(f.Steps) && i+k < len(st) && refMatch(f.Steps[k], st[i+k]) && ok(st[i].at, st[i+k].at) {
				k++
			}
			best = max(best, k)
		}
	case trailguide.OrderAny:
		for k := 1; k <= len(f.Steps); k++ {
			used := make([]bool, len(ev))
			var rec func(step int, lo, hi time.Time) bool
			rec = func(step int, lo, hi time.Time) bool {
				if step == k {
					return ok(lo, hi)
				}
				for j := range ev {
					if used[j] || !refMatch(f.Steps[step], ev[j]) {
						continue
					}
					l, h := lo, hi
					if step == 0 || ev[j].at.Before(l) {
						l = ev[j].at
					}
					if step == 0 || ev[j].at.After(h) {
						h = ev[j].at
					}
					if !ok(l, h) {
						continue
					}
					used[j] = true
					found := rec(step+1, l, h)
					used[j] = false
					if found {
						return true
					}
				}
				return false
			}
			if !rec(0, time.Time{}, time.Time{}) {
				break
			}
			best = k
		}
	}
	return best
}

// refUnits groups the generated sessions into the funnel's units, each a
// stream in (time, session, index) order, keyed by the first session.
func refUnits(f trailguide.Funnel, sessions []genSession) map[string][]genEvent {
	type tagged struct {
		genEvent
		sid string
	}
	units := map[string][]tagged{}
	for _, s := range sessions {
		key := s.id
		if f.CountBy == trailguide.CountVisitors {
			key = s.visitor
		}
		for _, e := range s.events {
			units[key] = append(units[key], tagged{e, s.id})
		}
	}
	out := map[string][]genEvent{}
	for k, ev := range units {
		sort.SliceStable(ev, func(i, j int) bool {
			if !ev[i].at.Equal(ev[j].at) {
				return ev[i].at.Before(ev[j].at)
			}
			if ev[i].sid != ev[j].sid {
				return ev[i].sid < ev[j].sid
			}
			return ev[i].idx < ev[j].idx
		})
		for _, e := range ev {
			out[k] = append(out[k], e.genEvent)
		}
	}
	return out
}

func openStore(t *testing.T) (*sqlite.DB, *analytics.Funnels) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "tg.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := sqlite.NewProjectStore(db).CreateProject(context.Background(), &trailguide.Project{
		ID: "p", Name: "P", PublicKey: "pk_p", CreatedAt: t0,
	}); err != nil {
		t.Fatal(err)
	}
	return db, &analytics.Funnels{Store: sqlite.NewSessionStore(db)}
}

func ingest(t *testing.T, db *sqlite.DB, sessions []genSession) {
	t.Helper()
	st := sqlite.NewIngestStore(db)
	for _, s := range sessions {
		b := &trailguide.IngestBatch{ProjectID: "p", SessionID: s.id, WindowID: "w", Seq: 0}
		first := t0
		if len(s.events) > 0 {
			first = s.events[0].at
		}
		b.Delta = trailguide.SessionDelta{VisitorID: s.visitor, FirstAt: first, LastAt: first, ReceivedAt: first}
		for _, e := range s.events {
			b.Events = append(b.Events, &trailguide.Event{
				ProjectID: "p", SessionID: s.id, WindowID: "w", Seq: 0, Index: e.idx,
				Type: e.typ, Time: e.at, URL: e.url, Selector: e.selector, Name: e.name,
			})
			b.Delta.LastAt = e.at
		}
		if _, err := st.CommitBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFunnelProperties: on random event sets, the funnel computed by the
// product (SQLite scan + engine) equals the brute-force reference for every
// order, window and counting mode, step by step, and so do the drill-down
// lists.
func TestFunnelProperties(t *testing.T) {
	const datasets, funnelsPer = 25, 24
	for d := 0; d < datasets; d++ {
		r := rand.New(rand.NewPCG(uint64(d), 42))
		sessions := genSessions(r)
		db, svc := openStore(t)
		ingest(t, db, sessions)
		for k := 0; k < funnelsPer; k++ {
			f := genFunnel(r)
			name := fmt.Sprintf("data %d funnel %d (%s, %s, window %d ms, %d steps)", d, k, f.Order, f.CountBy, f.WindowMS, len(f.Steps))
			depths := map[string]int{}
			for key, ev := range refUnits(f, sessions) {
				depths[key] = refDepth(f, ev)
			}
			want := make([]int, len(f.Steps))
			for _, dp := range depths {
				for i := 0; i < dp; i++ {
					want[i]++
				}
			}
			res, err := svc.Funnel(context.Background(), &trailguide.FunnelQuery{ProjectID: "p", Funnel: f})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]int, len(res.Steps))
			for i, s := range res.Steps {
				got[i] = s.Entered
				if s.MedianMS < 0 || s.P90MS < s.MedianMS || (f.WindowMS > 0 && s.P90MS > f.WindowMS) {
					t.Fatalf("%s: step %d times median %d p90 %d", name, i, s.MedianMS, s.P90MS)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: entered per step: got %v, want %v\nfunnel %+v", name, got, want, f.Steps)
			}
			// Drill-down: who dropped after each step, by unit.
			for step := range f.Steps {
				for _, outcome := range []string{trailguide.OutcomeDropped, trailguide.OutcomeConverted} {
					page, err := svc.FunnelSessions(context.Background(), &trailguide.FunnelSessionsQuery{
						FunnelQuery: trailguide.FunnelQuery{ProjectID: "p", Funnel: f}, Step: step, Outcome: outcome, Limit: analytics.MaxDrillLimit,
					})
					if err != nil {
						t.Fatal(err)
					}
					var wantN int
					for _, dp := range depths {
						if outcome == trailguide.OutcomeDropped && dp == step+1 && step+1 < len(f.Steps) ||
							outcome == trailguide.OutcomeConverted && (dp >= step+2 || step == len(f.Steps)-1 && dp == len(f.Steps)) {
							wantN++
						}
					}
					if page.Total != wantN || len(page.Units) != wantN {
						t.Fatalf("%s: %s at step %d: got %d (%d listed), want %d", name, outcome, step, page.Total, len(page.Units), wantN)
					}
					for _, u := range page.Units {
						if len(u.StepTimes) != u.Reached || !u.At.Equal(u.StepTimes[u.Reached-1]) {
							t.Fatalf("%s: unit %+v: step times do not end at At", name, u)
						}
					}
				}
			}
		}
	}
}

// TestFunnelModesAgree: properties that hold between modes on the same data:
// a wider window never converts fewer; strict never more than sequential;
// sequential never more than any order; with one session per visitor,
// counting by visitor is counting by session.
func TestFunnelModesAgree(t *testing.T) {
	for d := 0; d < 15; d++ {
		r := rand.New(rand.NewPCG(uint64(d), 7))
		sessions := genSessions(r)
		db, svc := openStore(t)
		ingest(t, db, sessions)
		run := func(f trailguide.Funnel) []int {
			res, err := svc.Funnel(context.Background(), &trailguide.FunnelQuery{ProjectID: "p", Funnel: f})
			if err != nil {
				t.Fatal(err)
			}
			out := make([]int, len(res.Steps))
			for i, s := range res.Steps {
				out[i] = s.Entered
			}
			return out
		}
		leq := func(a, b []int) bool {
			for i := range a {
				if a[i] > b[i] {
					return false
				}
			}
			return true
		}
		for k := 0; k < 10; k++ {
			f := genFunnel(r)
			f.CountBy = trailguide.CountSessions
			byOrder := map[string][]int{}
			for _, o := range []string{trailguide.OrderStrict, trailguide.OrderSequential, trailguide.OrderAny} {
				f.Order = o
				var prev []int
				for _, w := range []int64{30e3, 600e3, 0} {
					f.WindowMS = w
					got := run(f)
					if prev != nil && !leq(prev, got) {
						t.Fatalf("data %d funnel %d %s: window %d converts fewer: %v < %v", d, k, o, w, got, prev)
					}
					prev = got
				}
				byOrder[o] = prev
			}
			if !leq(byOrder[trailguide.OrderStrict], byOrder[trailguide.OrderSequential]) || !leq(byOrder[trailguide.OrderSequential], byOrder[trailguide.OrderAny]) {
				t.Fatalf("data %d funnel %d: strict %v, sequential %v, any %v", d, k, byOrder[trailguide.OrderStrict], byOrder[trailguide.OrderSequential], byOrder[trailguide.OrderAny])
			}
		}
	}
}
