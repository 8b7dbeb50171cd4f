package storetest

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// segmentFixture creates four sessions in project p and a decoy in q:
//
//	id  visitor start   utm (source/medium/campaign)  referrer              entry            traits                   device                    events
//	a1  va      t0      google/cpc/brand               www.google.com        /pricing?x=1     role admin, seats 12     desktop Chrome Windows en-GB 1280  pageview /pricing, click #buy, track signup_completed, submit #signup-form; rage_click on #plan (server)
//	b1  vb      t0+2h   -                              news.ycombinator.com  /                role member, seats 3     tablet Chrome Android     pageview /, click #x, error; guide_shown g1
//	c1  -       t0+3h   -                              -                     /pricing/team    -                        desktop Firefox Linux     pageview /pricing/team
//	a2  va      t0+24h  newsletter/email/march         -                     /docs            role admin, vip true     mobile Safari iOS         pageview /docs; guide_completed g1
func segmentFixture(t *testing.T, s Stores) {
	t.Helper()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	type ev struct {
		typ, url, sel, name, data string
	}
	type fixture struct {
		project, id, visitor string
		start                time.Duration
		utm                  trailguide.UTM
		referrer, entry      string
		traits               map[string]string
		ua, lang             string
		vw                   int
		errors               int
		events               []ev
	}
	const app = "https://app.test"
	for _, f := range []fixture{
		{"p", "a1", "va", 0, trailguide.UTM{Source: "google", Medium: "cpc", Campaign: "brand"}, "https://www.google.com/search?q=x",
			app + "/pricing?x=1", map[string]string{"role": "admin", "seats": "12"}, uaChromeWindows, "en-GB", 1280, 0, []ev{
				{"pageview", app + "/pricing?x=1", "", "", ""}, {"click", app + "/pricing?x=1", "#buy", "", ""},
				{"track", app + "/signup", "", "signup_completed", `{"props":{"plan":"team"}}`}, {"submit", app + "/signup", "#signup-form", "", ""},
			}},
		{"p", "b1", "vb", 2 * time.Hour, trailguide.UTM{}, "https://news.ycombinator.com/item?id=1", app + "/",
			map[string]string{"role": "member", "seats": "3"}, uaChromeTablet, "de", 800, 1, []ev{
				{"pageview", app + "/", "", "", ""}, {"click", app + "/", "#x", "", ""}, {"error", app + "/", "", "boom", ""},
				{"guide", app + "/", "", trailguide.GuideEventShown, `{"props":{"guide_id":"g1"}}`},
			}},
		{"p", "c1", "", 3 * time.Hour, trailguide.UTM{}, "", app + "/pricing/team", nil, uaFirefoxLinux, "fr", 1440, 0, []ev{
			{"pageview", app + "/pricing/team", "", "", ""},
		}},
		{"p", "a2", "va", 24 * time.Hour, trailguide.UTM{Source: "newsletter", Medium: "email", Campaign: "march"}, "", app + "/docs",
			map[string]string{"role": "admin", "vip": "true"}, uaSafariIPhone, "en-US", 390, 0, []ev{
				{"pageview", app + "/docs", "", "", ""},
				{"guide", app + "/docs", "", trailguide.GuideEventCompleted, `{"props":{"guide_id":"g1"}}`},
			}},
		{"q", "d1", "va", 0, trailguide.UTM{Source: "google"}, "", app + "/pricing", map[string]string{"role": "admin"}, uaChromeWindows, "en", 1280, 0, []ev{
			{"pageview", app + "/pricing", "", "", ""},
		}},
	} {
		at := t0.Add(f.start)
		b := &trailguide.IngestBatch{ProjectID: f.project, SessionID: f.id, WindowID: "w", Seq: 0}
		for i, e := range f.events {
			te := &trailguide.Event{ProjectID: f.project, SessionID: f.id, WindowID: "w", Seq: 0, Index: i,
				Type: e.typ, Time: at.Add(time.Duration(i) * time.Second), URL: e.url, Selector: e.sel, Name: e.name}
			if e.data != "" {
				te.Data = json.RawMessage(e.data)
			}
			b.Events = append(b.Events, te)
		}
		b.Delta = trailguide.SessionDelta{
			VisitorID: f.visitor, UserTraits: f.traits, FirstAt: at, LastAt: at.Add(10 * time.Second),
			Errors: f.errors, Events: len(f.events), EntryURL: f.entry, ExitURL: f.entry, ReceivedAt: at,
			Context: &trailguide.Context{URL: f.entry, Referrer: f.referrer, UTM: f.utm, UserAgent: f.ua,
				Language: f.lang, ViewportW: f.vw, ViewportH: 700},
		}
		withDevice(&b.Delta, f.ua)
		mustCommit(t, s, b)
	}
	mustReplaceFriction(t, s, sessionFriction("p", "a1", "after_frustration",
		frictionEvent(0, "rage_click", app+"/pricing?x=1", "#plan", t0.Add(5*time.Second))))
}

func cond(field, op, value string) *trailguide.Filter {
	return &trailguide.Filter{Condition: &trailguide.Condition{Field: field, Op: op, Value: value}}
}

// testFindSessionsSegment: every segment field, group and negation selects
// exactly the sessions its documentation says (segment.go).
func testFindSessionsSegment(t *testing.T, s Stores) {
	segmentFixture(t, s)
	trait := func(key, typ, op, value string) *trailguide.Filter {
		return &trailguide.Filter{Condition: &trailguide.Condition{Field: trailguide.FieldTrait, Key: key, Type: typ, Op: op, Value: value}}
	}
	behave := func(field, value string) *trailguide.Filter {
		return &trailguide.Filter{Condition: &trailguide.Condition{Field: field, Value: value}}
	}
	not := func(f *trailguide.Filter) *trailguide.Filter { return &trailguide.Filter{Not: f} }
	ms := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).UnixMilli(), 10) }
	tests := []struct {
		name   string
		filter *trailguide.Filter
		want   []string
	}{
		{"nil: all", nil, []string{"a2", "c1", "b1", "a1"}},
		{"utm source", cond("utm_source", "eq", "google"), []string{"a1"}},
		{"utm medium in", &trailguide.Filter{Condition: &trailguide.Condition{Field: "utm_medium", Op: "in", Values: []string{"cpc", "email"}}}, []string{"a2", "a1"}},
		{"utm campaign neq includes none", cond("utm_campaign", "neq", "brand"), []string{"a2", "c1", "b1"}},
		{"first-touch source", cond("first_utm_source", "eq", "google"), []string{"a2", "a1"}},
		{"first-touch campaign", cond("first_utm_campaign", "contains", "ran"), []string{"a2", "a1"}},
		{"referrer domain without www", cond("referrer_domain", "eq", "google.com"), []string{"a1"}},
		{"referrer exists", cond("referrer_domain", "exists", ""), []string{"b1", "a1"}},
		{"landing page path", cond("landing_page", "eq", "/pricing"), []string{"a1"}},
		{"landing page pattern", cond("landing_page", "matches", "/pricing*"), []string{"c1", "a1"}},
		{"landing page prefix", cond("landing_page", "prefix", "/pri"), []string{"c1", "a1"}},
		{"trait string", trait("role", "", "eq", "admin"), []string{"a2", "a1"}},
		{"trait number gt", trait("seats", "number", "gt", "5"), []string{"a1"}},
		{"trait number lte", trait("seats", "number", "lte", "3"), []string{"b1"}},
		{"trait bool", trait("vip", "bool", "eq", "true"), []string{"a2"}},
		{"trait exists", trait("seats", "", "exists", ""), []string{"b1", "a1"}},
		{"not trait: absent counts as not", not(trait("role", "", "eq", "admin")), []string{"c1", "b1"}},
		{"device in", &trailguide.Filter{Condition: &trailguide.Condition{Field: "device", Op: "in", Values: []string{"mobile", "tablet"}}}, []string{"a2", "b1"}},
		{"browser", cond("browser", "eq", "Chrome"), []string{"b1", "a1"}},
		{"os", cond("os", "eq", "iOS"), []string{"a2"}},
		{"language prefix", cond("language", "prefix", "en"), []string{"a2", "a1"}},
		{"viewport width", cond("viewport_w", "gte", "1000"), []string{"c1", "a1"}},
		{"new visitors", cond("visitor", "eq", "new"), []string{"c1", "b1", "a1"}},
		{"returning visitors", cond("visitor", "eq", "returning"), []string{"a2"}},
		{"visited pattern", behave("visited", "/pricing*"), []string{"c1", "a1"}},
		{"visited exact path", behave("visited", "/pricing"), []string{"a1"}},
		{"did event", behave("event", "signup_completed"), []string{"a1"}},
		{"clicked", behave("clicked", "#buy"), []string{"a1"}},
		{"submitted any form", behave("submitted", ""), []string{"a1"}},
		{"friction signal", behave("friction", "rage_click"), []string{"a1"}},
		{"friction on element", &trailguide.Filter{Condition: &trailguide.Condition{Field: "friction", Value: "rage_click", Selector: "#plan"}}, []string{"a1"}},
		{"friction on another element", &trailguide.Filter{Condition: &trailguide.Condition{Field: "friction", Value: "rage_click", Selector: "#other"}}, nil},
		{"saw guide", behave("guide", "g1"), []string{"a2", "b1"}},
		{"completed guide", &trailguide.Filter{Condition: &trailguide.Condition{Field: "guide", Value: "g1", Action: "completed"}}, []string{"a2"}},
		{"started at", cond("started_at", "gte", ms(time.Hour)), []string{"a2", "c1", "b1"}},
		{"started before", cond("started_at", "lt", ms(time.Hour)), []string{"a1"}},
		{"errors", cond("errors", "gt", "0"), []string{"b1"}},
		{"or", &trailguide.Filter{Or: []*trailguide.Filter{cond("utm_source", "eq", "google"), cond("device", "eq", "mobile")}}, []string{"a2", "a1"}},
		{"and with not", &trailguide.Filter{And: []*trailguide.Filter{cond("browser", "eq", "Chrome"), not(behave("visited", "/pricing*"))}}, []string{"b1"}},
		{"nested", &trailguide.Filter{And: []*trailguide.Filter{
			{Or: []*trailguide.Filter{trait("role", "", "eq", "admin"), cond("device", "eq", "tablet")}},
			not(cond("visitor", "eq", "returning")),
		}}, []string{"b1", "a1"}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := trailguide.ValidateFilter(tt.filter); err != nil {
				t.Fatalf("fixture filter invalid: %v", err)
			}
			page, err := s.Sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Segment: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			if got := sessionIDs(page.Sessions); !equalIDs(got, tt.want) || page.Total != len(tt.want) {
				t.Fatalf("sessions: got %v (total %d), want %v", got, page.Total, tt.want)
			}
		})
	}
}

// testSegments: saved segments are per project, listed by name, replaced
// by id, unique by name, and deleted.
func testSegments(t *testing.T, s Stores) {
	if s.Segments == nil {
		t.Skip("backend has no segment store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	save := func(sg *trailguide.Segment) error { return s.Segments.SaveSegment(ctx, sg) }
	b := &trailguide.Segment{ID: "sb", ProjectID: "p", Name: "Beta", Filter: cond("utm_source", "eq", "google"), CreatedAt: t0, UpdatedAt: t0}
	a := &trailguide.Segment{ID: "sa", ProjectID: "p", Name: "Alpha", Filter: &trailguide.Filter{Not: cond("device", "eq", "mobile")}, CreatedAt: t0, UpdatedAt: t0}
	for _, sg := range []*trailguide.Segment{b, a} {
		if err := save(sg); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Segments.Segments(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "sa" || list[1].ID != "sb" {
		t.Fatalf("segments: got %+v, want sa then sb", list)
	}
	got, err := s.Segments.Segment(ctx, "p", "sa")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Alpha" || got.Filter == nil || got.Filter.Not == nil || got.Filter.Not.Condition.Value != "mobile" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("segment: got %+v", got)
	}
	if list, _ := s.Segments.Segments(ctx, "q"); len(list) != 0 {
		t.Fatalf("other project's segments: got %d, want 0", len(list))
	}
	wantCode(t, func() error { _, err := s.Segments.Segment(ctx, "q", "sa"); return err }(), trailguide.ENOTFOUND)

	// Replace by id keeps the creation time.
	upd := &trailguide.Segment{ID: "sa", ProjectID: "p", Name: "Alpha 2", Filter: cond("os", "eq", "iOS"), CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(time.Hour)}
	if err := save(upd); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Segments.Segment(ctx, "p", "sa")
	if got.Name != "Alpha 2" || got.Filter.Condition.Field != "os" || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("replaced segment: got %+v", got)
	}
	wantCode(t, save(&trailguide.Segment{ID: "sc", ProjectID: "p", Name: "Beta", Filter: cond("os", "eq", "iOS"), CreatedAt: t0, UpdatedAt: t0}), trailguide.ECONFLICT)
	if err := save(&trailguide.Segment{ID: "sc", ProjectID: "q", Name: "Beta", Filter: cond("os", "eq", "iOS"), CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatalf("same name in another project: %v", err)
	}
	if err := s.Segments.DeleteSegment(ctx, "p", "sb"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.Segments.DeleteSegment(ctx, "p", "sb"), trailguide.ENOTFOUND)
	wantCode(t, s.Segments.DeleteSegment(ctx, "q", "sa"), trailguide.ENOTFOUND)
}

// testScanFunnel: the funnel scan delivers the matching sessions of the
// segment and range with their events of the asked types in time order,
// the breakdown value, and with Friction the server detections and errors.
func testScanFunnel(t *testing.T, s Stores) {
	fs, ok := s.Sessions.(trailguide.FunnelStore)
	if !ok {
		t.Skip("backend has no funnel store")
	}
	segmentFixture(t, s)
	ctx := context.Background()
	type got struct {
		id, group string
		types     []string
	}
	scan := func(q *trailguide.FunnelScan) []got {
		t.Helper()
		var out []got
		if err := fs.ScanFunnel(ctx, q, func(x *trailguide.FunnelSession) error {
			g := got{id: x.ID, group: x.Group}
			for i, e := range x.Events {
				g.types = append(g.types, e.Type)
				if i > 0 && e.Time.Before(x.Events[i-1].Time) {
					t.Fatalf("events of %s out of order", x.ID)
				}
			}
			out = append(out, g)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	res := scan(&trailguide.FunnelScan{ProjectID: "p", Types: []string{"pageview", "track"}, Breakdown: "trait", BreakdownKey: "role", ByVisitor: true})
	// By visitor: "" (c1), then va (a1, a2), then vb (b1).
	want := []got{{"c1", "", []string{"pageview"}}, {"a1", "admin", []string{"pageview", "track"}}, {"a2", "admin", []string{"pageview"}}, {"b1", "member", []string{"pageview"}}}
	if len(res) != len(want) {
		t.Fatalf("scan: got %+v, want %+v", res, want)
	}
	for i := range want {
		if res[i].id != want[i].id || res[i].group != want[i].group || len(res[i].types) != len(want[i].types) {
			t.Fatalf("scan[%d]: got %+v, want %+v", i, res[i], want[i])
		}
	}
	res = scan(&trailguide.FunnelScan{ProjectID: "p", Types: []string{"click"}, Friction: true, Segment: cond("browser", "eq", "Chrome"),
		From: t0, To: t0.Add(3 * time.Hour)})
	if len(res) != 2 || res[0].id != "a1" || len(res[0].types) != 2 || res[0].types[1] != "friction" || res[1].id != "b1" || len(res[1].types) != 2 || res[1].types[1] != "error" {
		t.Fatalf("scan with friction: got %+v", res)
	}
}

// testSavedFunnels: saved funnels keep their definition, list by name, are
// unique by name per project and are deleted.
func testSavedFunnels(t *testing.T, s Stores) {
	if s.FunnelDefs == nil {
		t.Skip("backend has no saved-funnel store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	f := &trailguide.Funnel{ID: "f1", ProjectID: "p", Name: "Sign-up", Order: "strict", CountBy: "visitor", WindowMS: 60000,
		Steps:     []trailguide.FunnelStep{{Kind: "pageview", URL: "/signup"}, {Kind: "event", Name: "done", Props: []trailguide.StepProp{{Key: "props.plan", Op: "eq", Value: "team"}}}},
		CreatedAt: t0, UpdatedAt: t0}
	if err := s.FunnelDefs.SaveFunnel(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := s.FunnelDefs.SaveFunnel(ctx, &trailguide.Funnel{ID: "f0", ProjectID: "p", Name: "Activation", Steps: f.Steps, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	list, err := s.FunnelDefs.Funnels(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "Activation" {
		t.Fatalf("funnels: %+v", list)
	}
	got := list[1]
	if got.ID != "f1" || got.ProjectID != "p" || got.Order != "strict" || got.CountBy != "visitor" || got.WindowMS != 60000 ||
		len(got.Steps) != 2 || got.Steps[1].Props[0].Value != "team" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("funnel: %+v", got)
	}
	wantCode(t, s.FunnelDefs.SaveFunnel(ctx, &trailguide.Funnel{ID: "f2", ProjectID: "p", Name: "Sign-up", Steps: f.Steps, CreatedAt: t0, UpdatedAt: t0}), trailguide.ECONFLICT)
	if err := s.FunnelDefs.DeleteFunnel(ctx, "p", "f1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.FunnelDefs.DeleteFunnel(ctx, "p", "f1"), trailguide.ENOTFOUND)
}
