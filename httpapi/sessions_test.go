package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

func TestParseSessionFilter(t *testing.T) {
	from := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		query  string
		reason string // expected EINVALID reason; "" for success
		check  func(f trailguide.SessionFilter) error
	}{
		{"", "", func(f trailguide.SessionFilter) error {
			if f.Limit != 50 || f.HasError != nil || !f.From.IsZero() {
				return fmt.Errorf("defaults: %+v", f)
			}
			return nil
		}},
		{"from=2026-03-01T12:00:00Z&to=2026-03-02T00:00:00%2B02:00", "", func(f trailguide.SessionFilter) error {
			if !f.From.Equal(from) || !f.To.Equal(time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)) {
				return fmt.Errorf("from %v to %v", f.From, f.To)
			}
			return nil
		}},
		{fmt.Sprintf("from=%d", from.UnixMilli()), "", func(f trailguide.SessionFilter) error {
			if !f.From.Equal(from) {
				return fmt.Errorf("from %v, want %v", f.From, from)
			}
			return nil
		}},
		{"min_duration=30&max_duration=90.5", "", func(f trailguide.SessionFilter) error {
			if f.MinDuration != 30*time.Second || f.MaxDuration != 90500*time.Millisecond {
				return fmt.Errorf("durations %v %v", f.MinDuration, f.MaxDuration)
			}
			return nil
		}},
		{"has_error=true&device=mobile&browser=Chrome&utm_source=news&user=u-1*&url=/checkout&limit=200&cursor=abc", "", func(f trailguide.SessionFilter) error {
			if f.HasError == nil || !*f.HasError || f.DeviceClass != "mobile" || f.Browser != "Chrome" || f.UTMSource != "news" ||
				f.UserID != "u-1*" || f.URL != "/checkout" || f.Limit != 200 || f.Cursor != "abc" {
				return fmt.Errorf("filter %+v", f)
			}
			return nil
		}},
		{"has_error=false", "", func(f trailguide.SessionFilter) error {
			if f.HasError == nil || *f.HasError {
				return fmt.Errorf("has_error %v", f.HasError)
			}
			return nil
		}},
		{"signal=rage_click&selector=%23pay&sort=frustration", "", func(f trailguide.SessionFilter) error {
			if f.Signal != "rage_click" || f.Selector != "#pay" || f.Sort != trailguide.SortFrustration {
				return fmt.Errorf("filter %+v", f)
			}
			return nil
		}},
		{"sort=newest", "", func(f trailguide.SessionFilter) error {
			if f.Sort != trailguide.SortNewest {
				return fmt.Errorf("sort %q", f.Sort)
			}
			return nil
		}},
		{"signal=rage", "signal", nil},
		{"sort=oldest", "sort", nil},
		{"selector=" + strings.Repeat("a", 1001), "selector", nil},
		{"from=yesterday", "from", nil},
		{"to=2026-13-01T00:00:00Z", "to", nil},
		{"from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to", nil},
		{"min_duration=-1", "min_duration", nil},
		{"min_duration=abc", "min_duration", nil},
		{"max_duration=NaN", "max_duration", nil},
		{"min_duration=60&max_duration=30", "max_duration", nil},
		{"device=watch", "device", nil},
		{"has_error=maybe", "has_error", nil},
		{"limit=0", "limit", nil},
		{"limit=201", "limit", nil},
		{"limit=ten", "limit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			f, err := httpapi.ParseSessionFilter(q)
			if tt.reason != "" {
				if trailguide.ErrorCode(err) != trailguide.EINVALID || trailguide.ErrorReason(err) != tt.reason {
					t.Fatalf("err = %v, want EINVALID reason %q", err, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.check(f); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestSessionsAPI(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	base := testNow().Add(-2 * time.Hour)
	const mobileUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
	// Five sessions, one minute apart, oldest first.
	specs := []batchSpec{
		{Session: "session-a", Duration: 5 * time.Second, URL: "https://shop.example/"},
		{Session: "session-b", Duration: 40 * time.Second, URL: "https://shop.example/checkout", Errors: 2},
		{Session: "session-c", Duration: 90 * time.Second, URL: "https://shop.example/cart", UserAgent: mobileUA, UTMSource: "newsletter"},
		{Session: "session-d", Duration: 20 * time.Second, URL: "https://shop.example/checkout", UserID: "user-42"},
		{Session: "session-e", Duration: 10 * time.Second, URL: "https://shop.example/about", Errors: 1, UserAgent: mobileUA},
	}
	for i, s := range specs {
		s.Start = base.Add(time.Duration(i) * time.Minute)
		e.ingestBatch(s)
	}
	// A second window of session-a, opened later.
	e.ingestBatch(batchSpec{Session: "session-a", Window: "window-2", Start: base.Add(30 * time.Second), Duration: time.Second, URL: "https://shop.example/help"})

	list := func(query string) (ids []string, body map[string]any) {
		t.Helper()
		rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions?" + query, cookie: admin})
		if rec.Code != http.StatusOK {
			t.Fatalf("list %q: status %d: %s", query, rec.Code, rec.Body)
		}
		body = decode(t, rec)
		for _, s := range body["sessions"].([]any) {
			ids = append(ids, s.(map[string]any)["id"].(string))
		}
		return ids, body
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"session-e", "session-d", "session-c", "session-b", "session-a"}},
		{"has_error=true", []string{"session-e", "session-b"}},
		{"has_error=false", []string{"session-d", "session-c", "session-a"}},
		{"device=mobile", []string{"session-e", "session-c"}},
		{"url=checkout", []string{"session-d", "session-b"}},
		{"min_duration=35", []string{"session-c", "session-b"}}, // session-a lasts 31 s over its two windows
		{"max_duration=25", []string{"session-e", "session-d"}},
		{"utm_source=newsletter", []string{"session-c"}},
		{"user=user-42", []string{"session-d"}},
		{"user=user-*", []string{"session-d"}},
		{fmt.Sprintf("from=%d&to=%s", base.Add(time.Minute).UnixMilli(), url.QueryEscape(base.Add(3*time.Minute).Format(time.RFC3339Nano))), []string{"session-c", "session-b"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, body := list(tt.query)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("sessions = %v, want %v", got, tt.want)
			}
			if body["total"] != float64(len(tt.want)) {
				t.Errorf("total = %v, want %d", body["total"], len(tt.want))
			}
		})
	}

	t.Run("paging", func(t *testing.T) {
		var all []string
		cursor := ""
		for page := 0; page < 5; page++ {
			ids, body := list("limit=2&cursor=" + url.QueryEscape(cursor))
			all = append(all, ids...)
			if body["total"] != float64(5) {
				t.Errorf("page %d total = %v, want 5", page, body["total"])
			}
			next, _ := body["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = next
		}
		want := []string{"session-e", "session-d", "session-c", "session-b", "session-a"}
		if fmt.Sprint(all) != fmt.Sprint(want) {
			t.Errorf("paged = %v, want %v", all, want)
		}
	})

	t.Run("facets", func(t *testing.T) {
		rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions/facets", cookie: admin})
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		got := decode(t, rec)
		if fmt.Sprint(got["devices"]) != "[desktop mobile]" || fmt.Sprint(got["utm_sources"]) != "[newsletter]" {
			t.Errorf("facets = %v", got)
		}
	})

	t.Run("detail", func(t *testing.T) {
		rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions/session-a", cookie: admin})
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		got := decode(t, rec)
		if s := got["session"].(map[string]any); s["id"] != "session-a" {
			t.Errorf("session = %v", s)
		}
		windows := got["windows"].([]any)
		if len(windows) != 2 {
			t.Fatalf("windows = %v, want 2", windows)
		}
		w0 := windows[0].(map[string]any)
		if w0["id"] != "window-1" || w0["event_count"] != float64(3) || w0["first_ts"] != float64(base.UnixMilli()) {
			t.Errorf("windows[0] = %v", w0)
		}
		if n := len(got["events"].([]any)); n != 4 { // two pageviews, two clicks
			t.Errorf("events = %d, want 4", n)
		}
	})

	t.Run("recording", func(t *testing.T) {
		tests := []struct {
			query, window string
			firstTS       int64
		}{
			{"", "window-1", base.UnixMilli()},
			{"?window=window-2", "window-2", base.Add(30 * time.Second).UnixMilli()},
		}
		for _, tt := range tests {
			rec := e.do(request{method: "GET", path: "/api/v1/projects/proj0001/sessions/session-a/recording" + tt.query, cookie: admin})
			if rec.Code != 200 {
				t.Fatalf("%q: status %d: %s", tt.query, rec.Code, rec.Body)
			}
			got := decode(t, rec)
			events := got["events"].([]any)
			if got["window"] != tt.window || len(events) != 3 {
				t.Fatalf("%q: window %v with %d events, want %s with 3", tt.query, got["window"], len(events), tt.window)
			}
			first := events[0].(map[string]any)
			if first["type"] != float64(4) || first["timestamp"] != float64(tt.firstTS) {
				t.Errorf("%q: first event = %v", tt.query, first)
			}
		}
	})
}
