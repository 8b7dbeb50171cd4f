package postgres_test

import (
	"context"
	"testing"

	"github.com/trailguide/trailguide"
)

// TestURLFunctions: the SQL functions the segment compiler uses on
// PostgreSQL answer as the Go functions SQLite registers (and the funnel
// engine applies) do.
func TestURLFunctions(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpenDB(t)
	urls := []string{
		"https://app.test/pricing?x=1", "https://app.test/pricing", "https://app.test/pricing/team",
		"https://app.test", "https://app.test/", "https://app.test/#/settings?tab=2", "https://app.test/app#!/inbox",
		"https://app.test/docs#section", "https://user:pw@app.test:8443/a/b_c%20d?q=1#frag", "/relative/path?x=y",
		"https://app.test/signup?plan=team&ref=ad", "https://app.test/a*b", "https://app.test/100%25",
		"http://WWW.Example.COM/x", "https://www.google.com/search?q=x", "https://news.ycombinator.com/item?id=1",
		"https://[::1]:8080/v6", "", "android-app://com.google.android.gm/", "https://app.test/path_with_underscore",
	}
	patterns := []string{
		"/pricing", "/pricing*", "/pricing/*", "*", "/", "/#/settings", "/#/*", "/app#!/inbox", "/docs",
		"/a/b_c%20d", "/a/b?c%20d", "/signup?plan=*", "/signup?plan=team*", "https://app.test/*", "*://app.test/pricing*",
		"/relative/*", "/a*b", "/100%25", "/path_with*", "/path?with*", "/*/team",
	}
	for _, u := range urls {
		var path, domain string
		if err := db.Pool().QueryRow(ctx, `SELECT tg_url_path($1), tg_referrer_domain($1)`, u).Scan(&path, &domain); err != nil {
			t.Fatal(err)
		}
		if want := trailguide.URLPath(u); path != want {
			t.Errorf("tg_url_path(%q) = %q, URLPath %q", u, path, want)
		}
		if want := trailguide.ReferrerDomain(u); domain != want {
			t.Errorf("tg_referrer_domain(%q) = %q, ReferrerDomain %q", u, domain, want)
		}
		for _, p := range patterns {
			var got bool
			if err := db.Pool().QueryRow(ctx, `SELECT tg_url_match($1, $2)`, p, u).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := trailguide.MatchURL(p, u); got != want {
				t.Errorf("tg_url_match(%q, %q) = %v, MatchURL %v", p, u, got, want)
			}
		}
	}
	for _, c := range []struct {
		in   string
		want *float64
	}{{"12", ptr(12)}, {" 3.5 ", ptr(3.5)}, {"-1e3", ptr(-1000)}, {".5", ptr(0.5)}, {"abc", nil}, {"", nil}, {"1.2.3", nil}} {
		var got *float64
		if err := db.Pool().QueryRow(ctx, `SELECT tg_number($1)`, c.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("tg_number(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func ptr(f float64) *float64 { return &f }
