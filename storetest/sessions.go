package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// delta returns a minimal delta spanning [first, last] received at recv.
func delta(first, last, recv time.Time) trailguide.SessionDelta {
	return trailguide.SessionDelta{FirstAt: first, LastAt: last, ReceivedAt: recv, Events: 1}
}

func testDeltaMerge(t *testing.T, s Stores) {
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	withURLs := func(d trailguide.SessionDelta, entry, exit string) trailguide.SessionDelta {
		d.EntryURL, d.ExitURL = entry, exit
		return d
	}
	withContext := func(d trailguide.SessionDelta, referrer, ua string) trailguide.SessionDelta {
		d.Context = &trailguide.Context{Referrer: referrer, UserAgent: ua, UTM: trailguide.UTM{Source: referrer + "-utm"},
			ViewportW: 100, ViewportH: 200, Language: "lang-" + referrer, TimeZone: "tz-" + referrer}
		withDevice(&d, ua)
		return d
	}
	withUser := func(d trailguide.SessionDelta, user string, traits map[string]string) trailguide.SessionDelta {
		d.UserID, d.UserTraits = user, traits
		return d
	}

	tests := []struct {
		name   string
		deltas []trailguide.SessionDelta // committed in this order, one batch each
		check  func(t *testing.T, got *trailguide.Session)
	}{
		{
			name: "counts and sizes add up",
			deltas: []trailguide.SessionDelta{
				{FirstAt: sec(0), LastAt: sec(10), ReceivedAt: sec(11), ActiveMS: 4000, Pages: 1, Clicks: 3, Errors: 1, Dropped: 2, Events: 10, RawBytes: 5000, StoredBytes: 500},
				{FirstAt: sec(20), LastAt: sec(30), ReceivedAt: sec(31), ActiveMS: 6000, Pages: 2, Clicks: 0, Errors: 2, Dropped: 3, Events: 5, RawBytes: 3000, StoredBytes: 300},
			},
			check: func(t *testing.T, got *trailguide.Session) {
				if got.ActiveMS != 10000 || got.PageCount != 3 || got.ClickCount != 3 || got.ErrorCount != 3 ||
					got.EventCount != 15 || got.DroppedBatches != 5 || got.RawBytes != 8000 || got.StoredBytes != 800 {
					t.Fatalf("sums: got %+v", got)
				}
				if !got.StartedAt.Equal(sec(0)) || !got.LastActivityAt.Equal(sec(30)) || got.DurationMS != 30000 {
					t.Fatalf("span: got %v..%v (%d ms), want %v..%v (30000 ms)", got.StartedAt, got.LastActivityAt, got.DurationMS, sec(0), sec(30))
				}
				if !got.LastBatchAt.Equal(sec(31)) {
					t.Fatalf("last batch at: got %v, want %v", got.LastBatchAt, sec(31))
				}
			},
		},
		{
			name: "out of order: span is min and max, last batch is the latest receipt",
			deltas: []trailguide.SessionDelta{
				delta(sec(60), sec(70), sec(100)),
				delta(sec(0), sec(5), sec(90)), // an older batch of another window, received earlier
				delta(sec(20), sec(30), sec(101)),
			},
			check: func(t *testing.T, got *trailguide.Session) {
				if !got.StartedAt.Equal(sec(0)) || !got.LastActivityAt.Equal(sec(70)) || got.DurationMS != 70000 {
					t.Fatalf("span: got %v..%v (%d ms)", got.StartedAt, got.LastActivityAt, got.DurationMS)
				}
				if !got.LastBatchAt.Equal(sec(101)) {
					t.Fatalf("last batch at: got %v, want %v", got.LastBatchAt, sec(101))
				}
			},
		},
		{
			name: "entry URL is set once, from the earliest pageview",
			deltas: []trailguide.SessionDelta{
				withURLs(delta(sec(10), sec(20), sec(21)), "https://app.test/second", "https://app.test/second"),
				withURLs(delta(sec(0), sec(5), sec(22)), "https://app.test/first", "https://app.test/first"),
				withURLs(delta(sec(30), sec(40), sec(41)), "https://app.test/third", "https://app.test/third"),
				withURLs(delta(sec(50), sec(60), sec(61)), "", ""), // no pageview: no change
			},
			check: func(t *testing.T, got *trailguide.Session) {
				if got.EntryURL != "https://app.test/first" {
					t.Fatalf("entry URL: got %q, want the earliest", got.EntryURL)
				}
				if got.ExitURL != "https://app.test/third" {
					t.Fatalf("exit URL: got %q, want the latest", got.ExitURL)
				}
			},
		},
		{
			name: "exit URL follows the latest activity, not the latest arrival",
			deltas: []trailguide.SessionDelta{
				withURLs(delta(sec(0), sec(50), sec(51)), "https://app.test/a", "https://app.test/last"),
				withURLs(delta(sec(10), sec(20), sec(60)), "", "https://app.test/middle"),
			},
			check: func(t *testing.T, got *trailguide.Session) {
				if got.ExitURL != "https://app.test/last" {
					t.Fatalf("exit URL: got %q, want https://app.test/last", got.ExitURL)
				}
				if got.EntryURL != "https://app.test/a" {
					t.Fatalf("entry URL: got %q", got.EntryURL)
				}
			},
		},
		{
			name: "context comes from the first delta that has one",
			deltas: []trailguide.SessionDelta{
				delta(sec(0), sec(1), sec(2)), // no context
				withContext(delta(sec(5), sec(6), sec(7)), "first", uaSafariIPhone),
				withContext(delta(sec(10), sec(11), sec(12)), "second", uaFirefoxLinux),
			},
			check: func(t *testing.T, got *trailguide.Session) {
				if got.Referrer != "first" || got.UTM.Source != "first-utm" || got.Language != "lang-first" ||
					got.TimeZone != "tz-first" || got.ViewportW != 100 || got.ViewportH != 200 || got.UserAgent != uaSafariIPhone {
					t.Fatalf("context: got %+v", got)
				}
				if got.DeviceClass != trailguide.DeviceMobile || got.Browser != "Safari" || got.OS != "iOS" {
					t.Fatalf("device: got %q %q %q, want mobile Safari iOS", got.DeviceClass, got.Browser, got.OS)
				}
			},
		},
		{
			name: "visitor set once, user ID set when given, traits merged key by key",
			deltas: []trailguide.SessionDelta{
				withUser(delta(sec(0), sec(1), sec(2)), "", map[string]string{"plan": "free", "role": "admin"}),
				withUser(delta(sec(3), sec(4), sec(5)), "u1", nil),
				withUser(delta(sec(6), sec(7), sec(8)), "", map[string]string{"plan": "pro", "team": "a"}),
			},
			check: func(t *testing.T, got *trailguide.Session) {
				if got.UserID != "u1" {
					t.Fatalf("user ID: got %q, want u1 (an empty delta user ID leaves it)", got.UserID)
				}
				if want := map[string]string{"plan": "pro", "role": "admin", "team": "a"}; !maps.Equal(got.UserTraits, want) {
					t.Fatalf("traits: got %v, want %v", got.UserTraits, want)
				}
				if got.VisitorID != "visitor-0" {
					t.Fatalf("visitor: got %q, want visitor-0", got.VisitorID)
				}
			},
		},
		{
			name: "a later identify replaces the user ID",
			deltas: []trailguide.SessionDelta{
				withUser(delta(sec(0), sec(1), sec(2)), "u1", nil),
				withUser(delta(sec(3), sec(4), sec(5)), "u2", nil),
			},
			check: func(t *testing.T, got *trailguide.Session) {
				if got.UserID != "u2" {
					t.Fatalf("user ID: got %q, want u2", got.UserID)
				}
			},
		},
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid := fmt.Sprintf("merge-%d", i)
			for seq, d := range tt.deltas {
				d.ProjectID, d.SessionID = "p", sid
				d.VisitorID = fmt.Sprintf("visitor-%d", seq)
				b := &trailguide.IngestBatch{ProjectID: "p", SessionID: sid, WindowID: "w", Seq: int64(seq), Delta: d}
				if _, err := s.Ingest.CommitBatch(ctx, b); err != nil {
					t.Fatalf("commit delta %d: %v", seq, err)
				}
			}
			tt.check(t, mustSession(t, s, "p", sid))
		})
	}

	t.Run("a late earlier context wins", func(t *testing.T) {
		// Context fields describe the session's entry; when the entry
		// page's batch arrives after a later page's, it still wins.
		for seq, d := range []trailguide.SessionDelta{
			withContext(delta(sec(10), sec(11), sec(12)), "later", uaFirefoxLinux),
			withContext(delta(sec(0), sec(1), sec(13)), "entry", uaChromeWindows),
		} {
			d.ProjectID, d.SessionID = "p", "late-context"
			mustCommit(t, s, &trailguide.IngestBatch{ProjectID: "p", SessionID: "late-context", WindowID: fmt.Sprint(seq), Seq: 0, Delta: d})
		}
		got := mustSession(t, s, "p", "late-context")
		if got.Referrer != "entry" || got.Browser != "Chrome" {
			t.Fatalf("context: got referrer %q browser %q, want the entry page's", got.Referrer, got.Browser)
		}
	})
}

func testEventsAndChunksOrder(t *testing.T, s Stores) {
	mustCreateProject(t, s, "p")
	// Window w2 starts before w1; batches arrive out of order.
	for _, b := range []*trailguide.IngestBatch{
		newBatch("p", "s", "w2", 1, t0.Add(30*time.Second)),
		newBatch("p", "s", "w1", 1, t0.Add(20*time.Second)),
		newBatch("p", "s", "w1", 0, t0.Add(10*time.Second)),
		newBatch("p", "s", "w2", 0, t0),
	} {
		mustCommit(t, s, b)
	}
	events := mustEvents(t, s, "p", "s")
	for i := 1; i < len(events); i++ {
		if events[i].Time.Before(events[i-1].Time) {
			t.Fatalf("events not ordered by time: %v after %v", events[i].Time, events[i-1].Time)
		}
	}
	if len(events) != 8 {
		t.Fatalf("events: got %d, want 8", len(events))
	}

	// Same timestamp: ordered by seq, then index.
	same := newBatch("p", "t", "w", 1, t0)
	for _, e := range same.Events {
		e.Time = t0
	}
	same.Events[0].Index, same.Events[1].Index = 1, 0
	earlier := newBatch("p", "t", "w", 0, t0)
	for _, e := range earlier.Events {
		e.Time = t0
	}
	mustCommit(t, s, same)
	mustCommit(t, s, earlier)
	var got []string
	for _, e := range mustEvents(t, s, "p", "t") {
		got = append(got, fmt.Sprintf("%d.%d", e.Seq, e.Index))
	}
	if want := []string{"0.0", "0.1", "1.0", "1.1"}; !slices.Equal(got, want) {
		t.Fatalf("events at one timestamp: got %v, want %v", got, want)
	}

	got = nil
	for _, c := range mustChunks(t, s, "p", "s") {
		got = append(got, fmt.Sprintf("%s/%d", c.WindowID, c.SeqFrom))
	}
	if want := []string{"w1/0", "w1/1", "w2/0", "w2/1"}; !slices.Equal(got, want) {
		t.Fatalf("chunks: got %v, want %v", got, want)
	}
}

// filterFixture creates four sessions in project p (and a decoy in q):
//
//	id  started  duration  user   utm         device/browser        errors  pageviews
//	s1  t0       10s       alice  google      desktop Chrome        0       /pricing
//	s2  t0+1h    120s      alina  newsletter  mobile Safari         2       /checkout (+ click on /docs)
//	s3  t0+2h    30s       -      -           desktop Firefox       0       /pricing?plan=pro
//	s4  t0+3h    600s      bob    google      tablet Chrome         1       /docs
func filterFixture(t *testing.T, s Stores) {
	t.Helper()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	type fixture struct {
		project, id string
		start       time.Duration
		dur         time.Duration
		user, utm   string
		ua          string
		errors      int
		url         string
	}
	for _, f := range []fixture{
		{"p", "s1", 0, 10 * time.Second, "alice", "google", uaChromeWindows, 0, "https://app.test/pricing"},
		{"p", "s2", time.Hour, 120 * time.Second, "alina", "newsletter", uaSafariIPhone, 2, "https://app.test/checkout"},
		{"p", "s3", 2 * time.Hour, 30 * time.Second, "", "", uaFirefoxLinux, 0, "https://app.test/pricing?plan=pro"},
		{"p", "s4", 3 * time.Hour, 600 * time.Second, "bob", "google", uaChromeTablet, 1, "https://app.test/docs"},
		{"q", "s5", time.Hour, 120 * time.Second, "alice", "google", uaChromeWindows, 1, "https://app.test/pricing"},
	} {
		at := t0.Add(f.start)
		b := newBatch(f.project, f.id, "w", 0, at)
		b.Events[0].URL = f.url
		b.Events[1].URL = f.url
		if f.id == "s2" {
			b.Events[1].URL = "https://app.test/docs" // a click, not a pageview
		}
		b.Delta.LastAt = at.Add(f.dur)
		b.Delta.UserID = f.user
		b.Delta.Errors = f.errors
		b.Delta.EntryURL, b.Delta.ExitURL = f.url, f.url
		b.Delta.Context = &trailguide.Context{URL: f.url, UserAgent: f.ua, UTM: trailguide.UTM{Source: f.utm}}
		withDevice(&b.Delta, f.ua)
		mustCommit(t, s, b)
	}
}

func testFindSessionsFilters(t *testing.T, s Stores) {
	filterFixture(t, s)
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
		{"all, newest first", f(func(*trailguide.SessionFilter) {}), []string{"s4", "s3", "s2", "s1"}},
		{"other project", trailguide.SessionFilter{ProjectID: "q"}, []string{"s5"}},
		{"unknown project", trailguide.SessionFilter{ProjectID: "nope"}, nil},
		{"from (inclusive)", f(func(f *trailguide.SessionFilter) { f.From = t0.Add(time.Hour) }), []string{"s4", "s3", "s2"}},
		{"to (exclusive)", f(func(f *trailguide.SessionFilter) { f.To = t0.Add(2 * time.Hour) }), []string{"s2", "s1"}},
		{"from and to", f(func(f *trailguide.SessionFilter) { f.From, f.To = t0.Add(time.Hour), t0.Add(3*time.Hour) }), []string{"s3", "s2"}},
		{"url substring", f(func(f *trailguide.SessionFilter) { f.URL = "pricing" }), []string{"s3", "s1"}},
		{"url with query", f(func(f *trailguide.SessionFilter) { f.URL = "plan=pro" }), []string{"s3"}},
		{"url only counts pageviews", f(func(f *trailguide.SessionFilter) { f.URL = "/docs" }), []string{"s4"}},
		{"url matching nothing", f(func(f *trailguide.SessionFilter) { f.URL = "/nowhere" }), nil},
		{"min duration", f(func(f *trailguide.SessionFilter) { f.MinDuration = time.Minute }), []string{"s4", "s2"}},
		{"max duration", f(func(f *trailguide.SessionFilter) { f.MaxDuration = 30 * time.Second }), []string{"s3", "s1"}},
		{"duration range", f(func(f *trailguide.SessionFilter) { f.MinDuration, f.MaxDuration = 30*time.Second, 2*time.Minute }), []string{"s3", "s2"}},
		{"user exact", f(func(f *trailguide.SessionFilter) { f.UserID = "alice" }), []string{"s1"}},
		{"user exact is not a prefix", f(func(f *trailguide.SessionFilter) { f.UserID = "ali" }), nil},
		{"user prefix", f(func(f *trailguide.SessionFilter) { f.UserID = "ali*" }), []string{"s2", "s1"}},
		{"user wildcard only: any identified", f(func(f *trailguide.SessionFilter) { f.UserID = "*" }), []string{"s4", "s2", "s1"}},
		{"utm source", f(func(f *trailguide.SessionFilter) { f.UTMSource = "google" }), []string{"s4", "s1"}},
		{"device mobile", f(func(f *trailguide.SessionFilter) { f.DeviceClass = trailguide.DeviceMobile }), []string{"s2"}},
		{"device desktop", f(func(f *trailguide.SessionFilter) { f.DeviceClass = trailguide.DeviceDesktop }), []string{"s3", "s1"}},
		{"device tablet", f(func(f *trailguide.SessionFilter) { f.DeviceClass = trailguide.DeviceTablet }), []string{"s4"}},
		{"browser", f(func(f *trailguide.SessionFilter) { f.Browser = "Chrome" }), []string{"s4", "s1"}},
		{"has error", f(func(f *trailguide.SessionFilter) { f.HasError = ptr(true) }), []string{"s4", "s2"}},
		{"has no error", f(func(f *trailguide.SessionFilter) { f.HasError = ptr(false) }), []string{"s3", "s1"}},
		{"combined", f(func(f *trailguide.SessionFilter) {
			f.UTMSource, f.HasError, f.Browser = "google", ptr(true), "Chrome"
		}), []string{"s4"}},
		{"combined with url and dates", f(func(f *trailguide.SessionFilter) {
			f.URL, f.From = "pricing", t0.Add(time.Minute)
		}), []string{"s3"}},
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
			if page.NextCursor != "" {
				t.Fatalf("next cursor on the only page: got %q, want none", page.NextCursor)
			}
			if page.Sessions == nil {
				t.Fatal("sessions: got nil, want an empty slice")
			}
		})
	}
}

func testFindSessionsPaging(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	// 25 sessions, several sharing a start time so that ties break by ID.
	var want []string
	for i := range 25 {
		id := fmt.Sprintf("s%02d", i)
		mustCommit(t, s, newBatch("p", id, "w", 0, t0.Add(time.Duration(i/3)*time.Minute)))
		want = append(want, id)
	}
	slices.Reverse(want) // newest first; within a minute, higher IDs first

	collect := func(t *testing.T, limit int, between func(page int)) []string {
		t.Helper()
		var got []string
		cursor := ""
		for page := 0; ; page++ {
			p, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sessions) > limit {
				t.Fatalf("page %d: %d sessions, limit %d", page, len(p.Sessions), limit)
			}
			if p.Total < 25 {
				t.Fatalf("page %d: total %d, want >= 25", page, p.Total)
			}
			got = append(got, sessionIDs(p.Sessions)...)
			if p.NextCursor == "" {
				return got
			}
			if page > 30 {
				t.Fatal("paging does not end")
			}
			cursor = p.NextCursor
			if between != nil {
				between(page)
			}
		}
	}
	for _, limit := range []int{1, 7, 24, 25, 26} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			if got := collect(t, limit, nil); !slices.Equal(got, want) {
				t.Fatalf("paged sessions:\n got %v\nwant %v", got, want)
			}
		})
	}
	t.Run("sessions added while paging", func(t *testing.T) {
		// Newer sessions appear on a fresh search, not in the middle of
		// this one: keyset paging neither repeats nor skips.
		got := collect(t, 5, func(page int) {
			mustCommit(t, s, newBatch("p", fmt.Sprintf("new%02d", page), "w", 0, t0.Add(time.Hour)))
		})
		if !slices.Equal(got[5:], want[5:]) {
			t.Fatalf("paged sessions after the first page:\n got %v\nwant %v", got[5:], want[5:])
		}
	})
	t.Run("invalid cursor", func(t *testing.T) {
		for _, c := range []string{"!!!", "bm9jb2xvbg", "YWJjOmRlZg"} {
			_, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Cursor: c})
			wantCode(t, err, trailguide.EINVALID)
		}
	})
}

func testFindSessionsLimit(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	const n = 210
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := s.Ingest.CommitBatch(ctx, newBatch("p", fmt.Sprintf("s%03d", i), "w", 0, t0.Add(time.Duration(i)*time.Second)))
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		limit, want int
	}{
		{0, 50}, {-1, 50}, {10, 10}, {200, 200}, {201, 200}, {1000, 200},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.limit), func(t *testing.T) {
			p, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sessions) != tt.want || p.Total != n || p.NextCursor == "" {
				t.Fatalf("limit %d: got %d sessions, total %d, cursor %q; want %d, %d, a cursor", tt.limit, len(p.Sessions), p.Total, p.NextCursor, tt.want, n)
			}
		})
	}
}

func testIdleCloseReopen(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	// newBatch receives 2 s after at.
	mustCommit(t, s, newBatch("p", "old", "w", 0, t0))
	mustCommit(t, s, newBatch("q", "older", "w", 0, t0.Add(-time.Minute)))
	mustCommit(t, s, newBatch("p", "recent", "w", 0, t0.Add(20*time.Minute)))

	idle := func(before time.Time, limit int) []string {
		t.Helper()
		sessions, err := s.Sessions.IdleSessions(ctx, before, limit)
		if err != nil {
			t.Fatal(err)
		}
		return sessionIDs(sessions)
	}
	if got, want := idle(t0.Add(10*time.Minute), 10), []string{"older", "old"}; !equalIDs(got, want) {
		t.Fatalf("idle: got %v, want %v (longest idle first, all projects)", got, want)
	}
	if got, want := idle(t0.Add(10*time.Minute), 1), []string{"older"}; !equalIDs(got, want) {
		t.Fatalf("idle with limit 1: got %v, want %v", got, want)
	}
	if got := idle(t0.Add(2*time.Second), 10); !equalIDs(got, []string{"older"}) {
		t.Fatalf("idle before exactly the last batch time: got %v, want [older] (strictly before)", got)
	}

	if err := s.Sessions.CloseSession(ctx, "p", "old"); err != nil {
		t.Fatal(err)
	}
	if !mustSession(t, s, "p", "old").Closed {
		t.Fatal("closed: got false after CloseSession")
	}
	if got, want := idle(t0.Add(time.Hour), 10), []string{"older", "recent"}; !equalIDs(got, want) {
		t.Fatalf("idle after closing old: got %v, want %v", got, want)
	}
	if err := s.Sessions.CloseSession(ctx, "p", "old"); err != nil {
		t.Fatalf("closing a closed session: %v", err)
	}

	// A new batch reopens the session and moves its last batch time.
	mustCommit(t, s, newBatch("p", "old", "w", 1, t0.Add(40*time.Minute)))
	got := mustSession(t, s, "p", "old")
	if got.Closed || !got.LastBatchAt.Equal(t0.Add(40*time.Minute+2*time.Second)) {
		t.Fatalf("after a new batch: closed %v, last batch %v; want open, %v", got.Closed, got.LastBatchAt, t0.Add(40*time.Minute+2*time.Second))
	}
	if got, want := idle(t0.Add(time.Hour), 10), []string{"older", "recent", "old"}; !equalIDs(got, want) {
		t.Fatalf("idle after reopening: got %v, want %v", got, want)
	}
}

func testReplaceChunks(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	for seq, stored := range []int64{100, 200, 300} {
		b := newBatch("p", "s", "w1", int64(seq), t0.Add(time.Duration(seq)*time.Second))
		b.Chunk.StoredBytes, b.Delta.StoredBytes = stored, stored
		mustCommit(t, s, b)
	}
	other := newBatch("p", "s", "w2", 0, t0)
	mustCommit(t, s, other)
	if got := mustSession(t, s, "p", "s").StoredBytes; got != 700 {
		t.Fatalf("stored bytes before: got %d, want 700", got)
	}

	var old []*trailguide.Chunk
	for _, c := range mustChunks(t, s, "p", "s") {
		if c.WindowID == "w1" {
			old = append(old, c)
		}
	}
	compacted := &trailguide.Chunk{
		ProjectID: "p", SessionID: "s", WindowID: "w1", SeqFrom: 0, SeqTo: 2,
		FirstTS: old[0].FirstTS, LastTS: old[2].LastTS, EventCount: 30, RawBytes: 3000, StoredBytes: 250,
		BlobKey: "p/s/w1/0-2.zst",
	}
	if err := s.Sessions.ReplaceChunks(ctx, old, compacted); err != nil {
		t.Fatal(err)
	}
	chunks := mustChunks(t, s, "p", "s")
	if len(chunks) != 2 || !sameChunk(chunks[0], compacted) || !sameChunk(chunks[1], other.Chunk) {
		t.Fatalf("chunks after replace: got %+v %+v", chunks[0], chunks[1:])
	}
	for _, c := range append(old, compacted) {
		if _, err := s.Sessions.ChunkData(ctx, c); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
			t.Fatalf("staged data of chunk %d after replace: got %v, want not found", c.SeqFrom, err)
		}
	}
	if got := mustChunkData(t, s, chunks[1]); string(got) != string(other.Chunk.Data) {
		t.Fatalf("the other window's staged data: got %q", got)
	}
	sess := mustSession(t, s, "p", "s")
	if sess.StoredBytes != 350 || sess.RawBytes != 4000 {
		t.Fatalf("sizes after replace: stored %d raw %d, want 350 and 4000", sess.StoredBytes, sess.RawBytes)
	}

	// Replacing chunks that are gone changes nothing.
	again := *compacted
	again.BlobKey, again.StoredBytes = "p/s/w1/again.zst", 10
	err := s.Sessions.ReplaceChunks(ctx, old, &again)
	if err == nil {
		t.Fatal("replace of already replaced chunks: got nil error")
	}
	if chunks := mustChunks(t, s, "p", "s"); len(chunks) != 2 || !sameChunk(chunks[0], compacted) {
		t.Fatalf("chunks after a failed replace: got %+v", chunks)
	}
	if got := mustSession(t, s, "p", "s").StoredBytes; got != 350 {
		t.Fatalf("stored bytes after a failed replace: got %d, want 350", got)
	}

	// Chunks of another window are refused.
	bad := *compacted
	bad.WindowID = "w2"
	wantCode(t, s.Sessions.ReplaceChunks(ctx, []*trailguide.Chunk{compacted}, &bad), trailguide.EINVALID)

	if mustSession(t, s, "p", "s").Compacted {
		t.Fatal("compacted before MarkCompacted")
	}
	if err := s.Sessions.MarkCompacted(ctx, "p", "s"); err != nil {
		t.Fatal(err)
	}
	if !mustSession(t, s, "p", "s").Compacted {
		t.Fatal("compacted: got false after MarkCompacted")
	}
}

func testFacets(t *testing.T, s Stores) {
	ctx := context.Background()
	filterFixture(t, s)
	mustCreateProject(t, s, "empty")
	mustCommit(t, s, newBatch("p", "no-context", "w", 0, t0)) // no device fields at all

	got, err := s.Sessions.Facets(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	want := &trailguide.SessionFacets{
		Browsers:   []string{"Chrome", "Firefox", "Safari"},
		Devices:    []string{trailguide.DeviceDesktop, trailguide.DeviceMobile, trailguide.DeviceTablet},
		UTMSources: []string{"google", "newsletter"},
	}
	if !slices.Equal(got.Browsers, want.Browsers) || !slices.Equal(got.Devices, want.Devices) || !slices.Equal(got.UTMSources, want.UTMSources) {
		t.Fatalf("facets: got %+v, want %+v", got, want)
	}

	got, err = s.Sessions.Facets(ctx, "empty")
	if err != nil {
		t.Fatal(err)
	}
	if got.Browsers == nil || got.Devices == nil || got.UTMSources == nil ||
		len(got.Browsers)+len(got.Devices)+len(got.UTMSources) != 0 {
		t.Fatalf("facets of an empty project: got %+v, want empty (non-nil) lists", got)
	}
}
