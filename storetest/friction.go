package storetest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// frictionEvent is one server detection as the worker stores it.
func frictionEvent(idx int, signal, url, selector string, at time.Time) *trailguide.Event {
	return &trailguide.Event{
		WindowID: "w", Seq: trailguide.FrictionSeq, Index: idx, Type: trailguide.EventFriction,
		Time: at, URL: url, Selector: selector, Text: "text of " + selector, X: 1, Y: 2, Name: signal,
		Data: []byte(`{"source":"server","evidence":[]}`),
	}
}

// sessionFriction builds an analysis with counts (exits excluded), a score
// of 3 per rage click, 2 per dead click and 1 for anything else, and an
// exit detection at the end when exit is set.
func sessionFriction(projectID, sessionID, exit string, events ...*trailguide.Event) *trailguide.SessionFriction {
	f := &trailguide.SessionFriction{ProjectID: projectID, SessionID: sessionID, Counts: map[string]int{}, ExitClass: exit}
	for _, e := range events {
		f.Counts[e.Name]++
		switch e.Name {
		case "rage_click":
			f.Score += 3
		case "dead_click":
			f.Score += 2
		default:
			f.Score++
		}
	}
	if exit != "" {
		last := t0
		if len(events) > 0 {
			last = events[len(events)-1].Time
		}
		events = append(events, frictionEvent(len(events), trailguide.FrictionExit, "", "", last))
	}
	f.Events = events
	return f
}

func mustReplaceFriction(tb testing.TB, s Stores, f *trailguide.SessionFriction) {
	tb.Helper()
	if err := s.Friction.ReplaceFriction(context.Background(), f); err != nil {
		tb.Fatalf("replace friction of %s: %v", f.SessionID, err)
	}
}

// serverEvents returns the session's events with the server seq.
func serverEvents(tb testing.TB, s Stores, projectID, id string) []*trailguide.Event {
	tb.Helper()
	var out []*trailguide.Event
	for _, e := range mustEvents(tb, s, projectID, id) {
		if e.Seq == trailguide.FrictionSeq {
			out = append(out, e)
		}
	}
	return out
}

func testReplaceFriction(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCommit(t, s, newBatch("p", "s1", "w", 0, t0))
	sdkEvents := len(mustEvents(t, s, "p", "s1"))

	if got := mustSession(t, s, "p", "s1"); got.FrictionCounts != nil || got.FrustrationScore != 0 || got.ExitClass != "" {
		t.Fatalf("session before analysis: counts %v, score %d, exit %q; want none", got.FrictionCounts, got.FrustrationScore, got.ExitClass)
	}

	first := sessionFriction("p", "s1", "after_frustration",
		frictionEvent(0, "rage_click", "https://app.test/page", "#buy", t0.Add(time.Second)),
		frictionEvent(1, "dead_click", "https://app.test/page", "#buy", t0.Add(2*time.Second)))
	for range 2 { // the same analysis twice: the second changes nothing
		mustReplaceFriction(t, s, first)
		got := mustSession(t, s, "p", "s1")
		if want := map[string]int{"rage_click": 1, "dead_click": 1}; !maps.Equal(got.FrictionCounts, want) ||
			got.FrustrationScore != 5 || got.ExitClass != "after_frustration" {
			t.Fatalf("session after analysis: counts %v, score %d, exit %q", got.FrictionCounts, got.FrustrationScore, got.ExitClass)
		}
		server := serverEvents(t, s, "p", "s1")
		if len(server) != 3 {
			t.Fatalf("server events: got %d, want 3", len(server))
		}
		e := server[0]
		w := first.Events[0]
		if e.Type != trailguide.EventFriction || e.Name != "rage_click" || e.WindowID != "w" || e.Index != 0 ||
			!e.Time.Equal(w.Time) || e.URL != w.URL || e.Selector != "#buy" || e.Text != w.Text || e.X != 1 || e.Y != 2 ||
			string(e.Data) != string(w.Data) || e.ProjectID != "p" || e.SessionID != "s1" {
			t.Fatalf("server event: got %+v, want %+v", e, w)
		}
		if n := len(mustEvents(t, s, "p", "s1")); n != sdkEvents+3 {
			t.Fatalf("all events: got %d, want the %d of the SDK and 3", n, sdkEvents)
		}
	}

	// A new analysis replaces the old one as a whole.
	mustReplaceFriction(t, s, sessionFriction("p", "s1", "plain",
		frictionEvent(0, "quick_back", "https://app.test/other", "", t0.Add(3*time.Second))))
	got := mustSession(t, s, "p", "s1")
	if want := map[string]int{"quick_back": 1}; !maps.Equal(got.FrictionCounts, want) || got.FrustrationScore != 1 || got.ExitClass != "plain" {
		t.Fatalf("session after a second analysis: counts %v, score %d, exit %q", got.FrictionCounts, got.FrustrationScore, got.ExitClass)
	}
	if server := serverEvents(t, s, "p", "s1"); len(server) != 2 || server[0].Name != "quick_back" {
		t.Fatalf("server events after a second analysis: %+v", server)
	}

	// A late batch reopens the session but keeps the analysis until the
	// next one; ingest never touches the server events.
	mustCommit(t, s, newBatch("p", "s1", "w", 1, t0.Add(time.Minute)))
	got = mustSession(t, s, "p", "s1")
	if got.FrustrationScore != 1 || got.ExitClass != "plain" || got.FrictionCounts["quick_back"] != 1 {
		t.Fatalf("session after a late batch: counts %v, score %d, exit %q", got.FrictionCounts, got.FrustrationScore, got.ExitClass)
	}
	if server := serverEvents(t, s, "p", "s1"); len(server) != 2 {
		t.Fatalf("server events after a late batch: got %d, want 2", len(server))
	}

	// An empty analysis clears everything.
	mustReplaceFriction(t, s, &trailguide.SessionFriction{ProjectID: "p", SessionID: "s1"})
	if got := mustSession(t, s, "p", "s1"); got.FrictionCounts != nil || got.FrustrationScore != 0 || got.ExitClass != "" {
		t.Fatalf("session after an empty analysis: %v %d %q", got.FrictionCounts, got.FrustrationScore, got.ExitClass)
	}
	if server := serverEvents(t, s, "p", "s1"); len(server) != 0 {
		t.Fatalf("server events after an empty analysis: %d", len(server))
	}

	sdkSeq := frictionEvent(0, "rage_click", "", "", t0)
	sdkSeq.Seq = 0
	notFriction := frictionEvent(0, "rage_click", "", "", t0)
	notFriction.Type = trailguide.EventClick
	badData := frictionEvent(0, "rage_click", "", "", t0)
	badData.Data = []byte("{")
	errs := []struct {
		name string
		f    *trailguide.SessionFriction
		code string
	}{
		{"unknown session", sessionFriction("p", "nope", "plain"), trailguide.ENOTFOUND},
		{"other project", sessionFriction("q", "s1", "plain"), trailguide.ENOTFOUND},
		{"no session", &trailguide.SessionFriction{ProjectID: "p"}, trailguide.EINVALID},
		{"nil", nil, trailguide.EINVALID},
		{"sdk seq", sessionFriction("p", "s1", "", sdkSeq), trailguide.EINVALID},
		{"not a friction event", sessionFriction("p", "s1", "", notFriction), trailguide.EINVALID},
		{"bad data", sessionFriction("p", "s1", "", badData), trailguide.EINVALID},
		{"duplicate index", sessionFriction("p", "s1", "",
			frictionEvent(0, "rage_click", "", "", t0), frictionEvent(0, "dead_click", "", "", t0)), trailguide.EINVALID},
	}
	mustReplaceFriction(t, s, first)
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, s.Friction.ReplaceFriction(ctx, tt.f), tt.code)
			// A failed replace changes nothing.
			if server := serverEvents(t, s, "p", "s1"); len(server) != 3 {
				t.Fatalf("server events after a failed replace: got %d, want 3", len(server))
			}
			if got := mustSession(t, s, "p", "s1"); got.FrustrationScore != 5 {
				t.Fatalf("score after a failed replace: got %d, want 5", got.FrustrationScore)
			}
		})
	}
}

// frictionFixture analyses the filter fixture's sessions (see
// filterFixture; s4 also views /pricing):
//
//	id  score  detections                                   exit
//	s1  3      rage #buy on /pricing                        after_frustration
//	s2  5      dead #b on /checkout, rage #c on /checkout   after_frustration
//	s3  6      rage #buy on /pricing?plan=pro (twice)       plain
//	s4  1      quick back on /docs                          quick_back
//	s5  9      (project q) rage #buy x3                     after_frustration
func frictionFixture(t *testing.T, s Stores) {
	t.Helper()
	filterFixture(t, s)
	pv := newBatch("p", "s4", "w", 1, t0.Add(3*time.Hour+time.Minute))
	pv.Events[0].URL = "https://app.test/pricing#section"
	pv.Events = pv.Events[:1]
	mustCommit(t, s, pv)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	for _, f := range []*trailguide.SessionFriction{
		sessionFriction("p", "s1", "after_frustration",
			frictionEvent(0, "rage_click", "https://app.test/pricing", "#buy", at(time.Second))),
		sessionFriction("p", "s2", "after_frustration",
			frictionEvent(0, "dead_click", "https://app.test/checkout", "#b", at(time.Hour+time.Second)),
			frictionEvent(1, "rage_click", "https://app.test/checkout", "#c", at(time.Hour+2*time.Second))),
		sessionFriction("p", "s3", "plain",
			frictionEvent(0, "rage_click", "https://app.test/pricing?plan=pro", "#buy", at(2*time.Hour+time.Second)),
			frictionEvent(1, "rage_click", "https://app.test/pricing?plan=pro", "#buy", at(2*time.Hour+5*time.Second))),
		sessionFriction("p", "s4", "quick_back",
			frictionEvent(0, "quick_back", "https://app.test/docs", "", at(3*time.Hour+time.Second))),
		sessionFriction("q", "s5", "after_frustration",
			frictionEvent(0, "rage_click", "https://app.test/pricing", "#buy", at(time.Hour)),
			frictionEvent(1, "rage_click", "https://app.test/pricing", "#buy", at(time.Hour)),
			frictionEvent(2, "rage_click", "https://app.test/pricing", "#buy", at(time.Hour))),
	} {
		mustReplaceFriction(t, s, f)
	}
}

func testFindSessionsFriction(t *testing.T, s Stores) {
	frictionFixture(t, s)
	f := func(mod func(*trailguide.SessionFilter)) trailguide.SessionFilter {
		filter := trailguide.SessionFilter{ProjectID: "p"}
		mod(&filter)
		return filter
	}
	tests := []struct {
		name   string
		filter trailguide.SessionFilter
		want   []string
	}{
		{"signal", f(func(f *trailguide.SessionFilter) { f.Signal = "rage_click" }), []string{"s3", "s2", "s1"}},
		{"signal without selector", f(func(f *trailguide.SessionFilter) { f.Signal = "quick_back" }), []string{"s4"}},
		{"signal nobody has", f(func(f *trailguide.SessionFilter) { f.Signal = "thrashed_cursor" }), nil},
		{"exit is a signal too", f(func(f *trailguide.SessionFilter) { f.Signal = trailguide.FrictionExit }), []string{"s4", "s3", "s2", "s1"}},
		{"selector", f(func(f *trailguide.SessionFilter) { f.Selector = "#buy" }), []string{"s3", "s1"}},
		{"selector of another signal", f(func(f *trailguide.SessionFilter) { f.Selector = "#b" }), []string{"s2"}},
		{"signal and selector on one detection", f(func(f *trailguide.SessionFilter) { f.Signal, f.Selector = "dead_click", "#b" }), []string{"s2"}},
		{"signal and selector on different detections", f(func(f *trailguide.SessionFilter) { f.Signal, f.Selector = "rage_click", "#b" }), nil},
		{"an SDK click selector is not a detection", f(func(f *trailguide.SessionFilter) { f.Selector = "#nothing" }), nil},
		{"sort by frustration", f(func(f *trailguide.SessionFilter) { f.Sort = trailguide.SortFrustration }), []string{"s3", "s2", "s1", "s4"}},
		{"sort newest", f(func(f *trailguide.SessionFilter) { f.Sort = trailguide.SortNewest }), []string{"s4", "s3", "s2", "s1"}},
		{"signal, sorted by frustration", f(func(f *trailguide.SessionFilter) {
			f.Signal, f.Sort = "rage_click", trailguide.SortFrustration
		}), []string{"s3", "s2", "s1"}},
		{"with other filters", f(func(f *trailguide.SessionFilter) { f.Signal, f.HasError = "rage_click", ptr(true) }), []string{"s2"}},
		{"other project", trailguide.SessionFilter{ProjectID: "q", Signal: "rage_click"}, []string{"s5"}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.Sessions.FindSessions(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := sessionIDs(page.Sessions); !equalIDs(got, tt.want) {
				t.Fatalf("sessions: got %v, want %v", got, tt.want)
			}
			if page.Total != len(tt.want) {
				t.Fatalf("total: got %d, want %d", page.Total, len(tt.want))
			}
		})
	}
	t.Run("session fields", func(t *testing.T) {
		page, err := s.Sessions.FindSessions(ctx, f(func(f *trailguide.SessionFilter) { f.Selector = "#b" }))
		if err != nil {
			t.Fatal(err)
		}
		got := page.Sessions[0]
		if want := map[string]int{"dead_click": 1, "rage_click": 1}; !maps.Equal(got.FrictionCounts, want) ||
			got.FrustrationScore != 5 || got.ExitClass != "after_frustration" {
			t.Fatalf("listed session: counts %v, score %d, exit %q", got.FrictionCounts, got.FrustrationScore, got.ExitClass)
		}
	})
	t.Run("unknown sort", func(t *testing.T) {
		_, err := s.Sessions.FindSessions(ctx, f(func(f *trailguide.SessionFilter) { f.Sort = "oldest" }))
		wantCode(t, err, trailguide.EINVALID)
	})
}

func testFindSessionsFrustrationPaging(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	// 25 sessions, scores 0..4 (so many ties), some sharing a start time.
	type row struct {
		id      string
		score   int
		started time.Time
	}
	var rows []row
	for i := range 25 {
		id := fmt.Sprintf("s%02d", i)
		started := t0.Add(time.Duration(i/3) * time.Minute)
		mustCommit(t, s, newBatch("p", id, "w", 0, started))
		score := (i * 7) % 5
		f := &trailguide.SessionFriction{ProjectID: "p", SessionID: id, Score: score, ExitClass: "plain"}
		if score > 0 {
			f.Counts = map[string]int{"quick_back": score}
		}
		mustReplaceFriction(t, s, f)
		rows = append(rows, row{id, score, started})
	}
	slices.SortFunc(rows, func(a, b row) int {
		if a.score != b.score {
			return b.score - a.score
		}
		if c := b.started.Compare(a.started); c != 0 {
			return c
		}
		if a.id > b.id {
			return -1
		}
		return 1
	})
	var want []string
	for _, r := range rows {
		want = append(want, r.id)
	}
	for _, limit := range []int{1, 4, 7, 25, 26} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			var got []string
			cursor := ""
			for page := 0; ; page++ {
				p, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{
					ProjectID: "p", Sort: trailguide.SortFrustration, Limit: limit, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != 25 || len(p.Sessions) > limit {
					t.Fatalf("page %d: total %d, %d sessions", page, p.Total, len(p.Sessions))
				}
				got = append(got, sessionIDs(p.Sessions)...)
				if p.NextCursor == "" {
					break
				}
				if page > 30 {
					t.Fatal("paging does not end")
				}
				cursor = p.NextCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("paged sessions:\n got %v\nwant %v", got, want)
			}
		})
	}
	t.Run("cursor of the other sort", func(t *testing.T) {
		byScore, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Sort: trailguide.SortFrustration, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		newest, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Cursor: byScore.NextCursor})
		wantCode(t, err, trailguide.EINVALID)
		_, err = s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Sort: trailguide.SortFrustration, Cursor: newest.NextCursor})
		wantCode(t, err, trailguide.EINVALID)
	})
}

func testFrictionReport(t *testing.T, s Stores) {
	ctx := context.Background()
	frictionFixture(t, s)
	type row struct {
		url, selector, signal string
		count, sessions, page int
		example               string
	}
	tests := []struct {
		name  string
		q     trailguide.FrictionQuery
		rows  []row
		exits map[string]int
	}{
		{
			name: "whole project",
			q:    trailguide.FrictionQuery{ProjectID: "p"},
			rows: []row{
				// /pricing: viewed by s1, s3 (?plan=pro) and s4 (#section).
				{"/pricing", "#buy", "rage_click", 3, 2, 3, "s3"},
				{"/checkout", "#b", "dead_click", 1, 1, 1, "s2"},
				{"/checkout", "#c", "rage_click", 1, 1, 1, "s2"},
				{"/docs", "", "quick_back", 1, 1, 1, "s4"},
			},
			exits: map[string]int{"after_frustration": 2, "plain": 1, "quick_back": 1},
		},
		{
			name: "from and to, on the session start",
			q:    trailguide.FrictionQuery{ProjectID: "p", From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)},
			rows: []row{
				{"/pricing", "#buy", "rage_click", 2, 1, 1, "s3"},
				{"/checkout", "#b", "dead_click", 1, 1, 1, "s2"},
				{"/checkout", "#c", "rage_click", 1, 1, 1, "s2"},
			},
			exits: map[string]int{"after_frustration": 1, "plain": 1},
		},
		{
			name:  "limit",
			q:     trailguide.FrictionQuery{ProjectID: "p", Limit: 1},
			rows:  []row{{"/pricing", "#buy", "rage_click", 3, 2, 3, "s3"}},
			exits: map[string]int{"after_frustration": 2, "plain": 1, "quick_back": 1},
		},
		{
			name:  "empty range",
			q:     trailguide.FrictionQuery{ProjectID: "p", From: t0.Add(24 * time.Hour)},
			exits: map[string]int{},
		},
		{
			name:  "other project",
			q:     trailguide.FrictionQuery{ProjectID: "q"},
			rows:  []row{{"/pricing", "#buy", "rage_click", 3, 1, 1, "s5"}},
			exits: map[string]int{"after_frustration": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.Friction.FrictionReport(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if r.Elements == nil || r.Exits == nil {
				t.Fatalf("report with nil slices or maps: %+v", r)
			}
			var got []row
			for _, e := range r.Elements {
				got = append(got, row{e.URL, e.Selector, e.Signal, e.Count, e.Sessions, e.PageSessions, e.Example.SessionID})
				if want := float64(e.Sessions) / float64(e.PageSessions); math.Abs(e.ShareOfPageViews-want) > 1e-9 {
					t.Errorf("%s %s: share %v, want %v", e.URL, e.Selector, e.ShareOfPageViews, want)
				}
			}
			if !slices.Equal(got, tt.rows) {
				t.Fatalf("rows:\n got %+v\nwant %+v", got, tt.rows)
			}
			if !maps.Equal(r.Exits, tt.exits) {
				t.Fatalf("exits: got %v, want %v", r.Exits, tt.exits)
			}
		})
	}
	t.Run("row details", func(t *testing.T) {
		r, err := s.Friction.FrictionReport(ctx, trailguide.FrictionQuery{ProjectID: "p"})
		if err != nil {
			t.Fatal(err)
		}
		e := r.Elements[0]
		// s3 started at t0+2h; its latest rage click is 5 s in.
		want := trailguide.FrictionExample{SessionID: "s3", WindowID: "w", TMS: 5000, Time: t0.Add(2*time.Hour + 5*time.Second)}
		if e.Example.SessionID != want.SessionID || e.Example.WindowID != want.WindowID || e.Example.TMS != want.TMS ||
			!e.Example.Time.Equal(want.Time) {
			t.Errorf("example: got %+v, want %+v", e.Example, want)
		}
		if !e.FirstSeen.Equal(t0.Add(time.Second)) || !e.LastSeen.Equal(want.Time) || e.Text != "text of #buy" {
			t.Errorf("first %v, last %v, text %q", e.FirstSeen, e.LastSeen, e.Text)
		}
	})
	t.Run("trend and previous period", func(t *testing.T) {
		// [t0+1h, t0+3h): 12 buckets of 10 minutes; s2 starts in the
		// first, s3 in the seventh. The previous period [t0-1h, t0+1h)
		// holds s1, whose one rage click on #buy on /pricing is compared.
		from, to := t0.Add(time.Hour), t0.Add(3*time.Hour)
		r, err := s.Friction.FrictionReport(ctx, trailguide.FrictionQuery{ProjectID: "p", From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if !r.From.Equal(from) || !r.To.Equal(to) || !r.PreviousFrom.Equal(t0.Add(-time.Hour)) ||
			len(r.Buckets) != 12 || r.BucketMS != (10*time.Minute).Milliseconds() || !r.Buckets[6].Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("period: from %v to %v previous %v, %d buckets of %d ms", r.From, r.To, r.PreviousFrom, len(r.Buckets), r.BucketMS)
		}
		trend := func(at map[int]int) []int {
			out := make([]int, 12)
			for i, n := range at {
				out[i] = n
			}
			return out
		}
		want := map[string]struct {
			trend []int
			prev  *trailguide.FrictionPrevious
		}{
			"#buy rage_click": {trend(map[int]int{6: 2}), &trailguide.FrictionPrevious{Count: 1, Sessions: 1, PageSessions: 1, ShareOfPageViews: 1}},
			"#b dead_click":   {trend(map[int]int{0: 1}), nil},
			"#c rage_click":   {trend(map[int]int{0: 1}), nil},
		}
		if len(r.Elements) != len(want) {
			t.Fatalf("%d rows, want %d", len(r.Elements), len(want))
		}
		for _, e := range r.Elements {
			w, ok := want[e.Selector+" "+e.Signal]
			if !ok {
				t.Fatalf("unexpected row %s %s", e.Selector, e.Signal)
			}
			if !slices.Equal(e.Trend, w.trend) {
				t.Errorf("%s %s: trend %v, want %v", e.Selector, e.Signal, e.Trend, w.trend)
			}
			if (e.Previous == nil) != (w.prev == nil) || (e.Previous != nil && *e.Previous != *w.prev) {
				t.Errorf("%s %s: previous %+v, want %+v", e.Selector, e.Signal, e.Previous, w.prev)
			}
		}
	})
	t.Run("without from: from the first session, no previous period", func(t *testing.T) {
		to := t0.Add(10 * 24 * time.Hour)
		r, err := s.Friction.FrictionReport(ctx, trailguide.FrictionQuery{ProjectID: "p", To: to})
		if err != nil {
			t.Fatal(err)
		}
		// Ten days: one bucket per day, everything on the first.
		if !r.From.Equal(t0) || !r.PreviousFrom.IsZero() || len(r.Buckets) != 10 || r.BucketMS != (24*time.Hour).Milliseconds() {
			t.Fatalf("period: from %v previous %v, %d buckets of %d ms", r.From, r.PreviousFrom, len(r.Buckets), r.BucketMS)
		}
		for _, e := range r.Elements {
			sum := 0
			for _, n := range e.Trend {
				sum += n
			}
			if len(e.Trend) != 10 || sum != e.Count || e.Trend[0] != e.Count || e.Previous != nil {
				t.Errorf("%s %s: trend %v (count %d), previous %+v", e.Selector, e.Signal, e.Trend, e.Count, e.Previous)
			}
		}
	})
	t.Run("no project", func(t *testing.T) {
		_, err := s.Friction.FrictionReport(ctx, trailguide.FrictionQuery{})
		wantCode(t, err, trailguide.EINVALID)
	})
}
