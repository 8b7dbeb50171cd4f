package scrub

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets check the properties that make the scrubber safe to run
// on untrusted input: no panic, valid UTF-8 and JSON stay valid, a second
// pass finds nothing more, and an input without any trigger byte comes back
// unchanged. Seeds live in testdata/fuzz/<Target>/ and run in every
// `go test`.

func FuzzText(f *testing.F) {
	for _, s := range []string{"jo@ex.com", "4111 1111 1111 1111", "Bearer abcdefghij", jwt, "https://a.test/?token=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, c := Text(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q: invalid UTF-8", s, got)
		}
		if c.Total() == 0 && got != s {
			t.Fatalf("Text(%q) changed text without counting: %q", s, got)
		}
		if c.Total() > 0 && got == s {
			t.Fatalf("Text(%q) counted %+v but changed nothing", s, c)
		}
		again, c2 := Text(got)
		if again != got || c2.Total() != 0 {
			t.Fatalf("Text not idempotent: %q -> %q (%+v) -> %q (%+v)", s, got, c, again, c2)
		}
		if strings.Contains(got, "@") && c.Email > 0 && strings.Count(got, "@") >= strings.Count(s, "@") {
			t.Fatalf("an e-mail was counted but its @ is still there: %q -> %q", s, got)
		}
	})
}

func FuzzURL(f *testing.F) {
	for _, s := range []string{"https://a.test/p?token=1&x=2#state=3", "/cb?code=1", "https://a.test/#/r?email=a%40b.co", "https://a.test/" + jwt + "/x", "?&&==#?#",
		"https://u:p@a.test/?accessToken=1", "mailto:jo@ex.com?cc=a&bcc=b", "https://a.test/#Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA", "https://a.test/#/r?Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, c := URL(s)
		if c.Total() == 0 && got != s {
			t.Fatalf("URL(%q) changed without counting: %q", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("URL(%q) = %q: invalid UTF-8", s, got)
		}
		// Structure stays: replacements contain no '?', '#' or '&', so
		// separators are only ever dropped (with user info, a bare-token
		// fragment, or all but the scheme of mailto: and the like), and the
		// query keeps all of its parameters.
		for _, sep := range []string{"?", "#", "&"} {
			if strings.Count(got, sep) > strings.Count(s, sep) {
				t.Fatalf("URL(%q) = %q: %q separators added", s, got, sep)
			}
		}
		if opaqueScheme(s) == 0 && strings.Count(query(got), "&") != strings.Count(query(s), "&") {
			t.Fatalf("URL(%q) = %q: query parameters changed", s, got)
		}
		again, c2 := URL(got)
		if again != got || c2.Total() != 0 {
			t.Fatalf("URL not idempotent: %q -> %q -> %q (%+v)", s, got, again, c2)
		}
	})
}

func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"textContent":"jo@ex.com"}`, `{"attributes":{"href":"/r?token=1"}}`, `["\n4111111111111111\u2028"]`, `{"a":"\ud83d\ude00 Bearer abcdefghij"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, c := JSON(doc)
		if json.Valid(doc) && !json.Valid(got) {
			t.Fatalf("JSON(%s) = %s: no longer valid JSON", doc, got)
		}
		if c.Total() == 0 && string(got) != string(doc) {
			t.Fatalf("JSON(%s) changed without counting: %s", doc, got)
		}
		if json.Valid(doc) {
			again, c2 := JSON(got)
			if string(again) != string(got) || c2.Total() != 0 {
				t.Fatalf("JSON not idempotent: %s -> %s -> %s", doc, got, again)
			}
		}
	})
}

// query is the query of URL s, without '?', before any '#'.
func query(s string) string {
	s, _, _ = strings.Cut(s, "#")
	_, q, _ := strings.Cut(s, "?")
	return q
}
