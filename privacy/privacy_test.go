package privacy

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
)

// Selectors browsers accept in Element.closest() (checked by hand in
// Chromium) and that ParseSelector must accept.
var validSelectors = []string{
	"input", "*", ".pii", "#email", "div.card > p", "ul li + li", "h1 ~ p", "a[href]",
	`[data-private]`, `[data-x="a b"]`, `[data-x='1']`, `[name=email i]`, `input[type="email" s]`,
	`[class~=x]`, `[lang|=en]`, `[href^="mailto:"]`, `[src$=".png"]`, `[title*=secret]`,
	".a, .b", " .a , .b ", "div:not(.x)", ":is(h1, h2) span", ":where(.a .b)", "form:has(> input[type=password])",
	"li:nth-child(2n+1)", "li:nth-child( odd )", "li:nth-last-of-type(-n + 3)", "p:nth-of-type(3)",
	":lang(en)", ":dir(rtl)", "input:focus-visible", "section :checked", `.a\:b`, `#\31 23`, ".-x", ".--y", "._z",
	".é", "[data-tg-private]", "body *", "a:not([href^='https://'])", ":not(:is(.a, .b)) > .c",
}

var invalidSelectors = map[string]string{
	"":                       "expected a selector",
	"   ":                    "expected a selector",
	".":                      "expected a name after the class marker",
	"#1a":                    "expected a name after the id marker",
	"a,":                     "expected a selector",
	",a":                     "expected a selector",
	"a >":                    "expected a selector",
	"> a":                    "expected a selector",
	"a >> b":                 "expected a selector, found '>'",
	"[data-x":                "expected ']' or an attribute operator",
	`[data-x="a]`:            "unterminated quoted value",
	"[data-x=]":              "expected a quoted or plain attribute value",
	"[=x]":                   "expected an attribute name",
	"[x==y]":                 "expected a quoted or plain attribute value",
	"[x=y z]":                "expected ']'",
	"p::before":              "pseudo-elements (::name) never match an element",
	"p:before":               "pseudo-elements (:before) never match an element",
	"a:hoover":               "unknown pseudo-class :hoover",
	"a:contains(x)":          "unknown pseudo-class :contains()",
	"div:not(":               "expected a selector",
	"div:not(.a":             "expected ')'",
	"li:nth-child(2x)":       "expected An+B, odd or even",
	"li:nth-child()":         "expected An+B, odd or even",
	":dir(up)":               "expected ltr or rtl",
	"svg|rect":               "namespaces are not supported",
	"a\x00b":                 "control character",
	"a{color:red}":           "unexpected '{'",
	"a)":                     "unexpected ')'",
	"a\n\x01":                "control character",
	"\xff":                   "not valid UTF-8",
	strings.Repeat("a", 501): "longer than 500 characters",
	strings.Repeat(":not(", 9) + "a" + strings.Repeat(")", 9): "nested more than 8 levels deep",
}

func TestParseSelector(t *testing.T) {
	for _, s := range validSelectors {
		if err := ParseSelector(s); err != nil {
			t.Errorf("ParseSelector(%q) = %v, want ok", s, err)
		}
	}
	for s, want := range invalidSelectors {
		err := ParseSelector(s)
		var se *SelectorError
		if !errors.As(err, &se) {
			t.Errorf("ParseSelector(%q) = %v, want a *SelectorError", s, err)
			continue
		}
		if !strings.Contains(se.Msg, want) {
			t.Errorf("ParseSelector(%q) = %q, want it to say %q", s, se.Msg, want)
		}
		if se.Pos < 0 || se.Pos > len(s) {
			t.Errorf("ParseSelector(%q): position %d outside the selector", s, se.Pos)
		}
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   trailguide.MaskConfig
		reason string // EINVALID reason when the input is refused
	}{
		{name: "empty is the default", in: "", want: Default()},
		{name: "empty object is the default", in: "{}", want: Default()},
		{name: "full", in: `{"mode":"strict","mask_selectors":[" .pii ",".pii",""],"block_selectors":["#map"],"unmask_selectors":["[data-plan]"]}`,
			want: trailguide.MaskConfig{Mode: "strict", MaskSelectors: []string{".pii"}, BlockSelectors: []string{"#map"}, UnmaskSelectors: []string{"[data-plan]"}}},
		{name: "relaxed, lists omitted", in: `{"mode":"relaxed"}`, want: trailguide.MaskConfig{Mode: "relaxed", MaskSelectors: []string{}, BlockSelectors: []string{}, UnmaskSelectors: []string{}}},
		{name: "null lists", in: `{"mask_selectors":null}`, want: Default()},
		{name: "unknown mode", in: `{"mode":"paranoid"}`, reason: "privacy.mode"},
		{name: "empty mode", in: `{"mode":""}`, reason: "privacy.mode"},
		{name: "invalid selector names its index", in: `{"unmask_selectors":[".ok","p::after"]}`, reason: "privacy.unmask_selectors.1"},
		{name: "unknown field", in: `{"mask":[".a"]}`, reason: "privacy.mask"},
		{name: "wrong type", in: `{"block_selectors":".a"}`, reason: "privacy.block_selectors"},
		{name: "not an object", in: `[".a"]`, reason: "privacy"},
		{name: "two objects", in: `{} {}`, reason: "privacy"},
		{name: "too many", in: `{"mask_selectors":[` + strings.TrimSuffix(strings.Repeat(`".a",`, 0), ",") + manySelectors(101) + `]}`, reason: "privacy.mask_selectors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tt.in))
			if tt.reason != "" {
				var e *trailguide.Error
				if !errors.As(err, &e) || e.Code != trailguide.EINVALID || e.Reason != tt.reason || e.Message == "" {
					t.Fatalf("ParseConfig(%s) error = %#v, want EINVALID with reason %q", tt.in, err, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseConfig(%s): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseConfig(%s) = %+v, want %+v", tt.in, got, tt.want)
			}
			// What is stored parses back to itself.
			b, _ := json.Marshal(got)
			again, err := ParseConfig(b)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("round trip of %s: %+v, %v", b, again, err)
			}
		})
	}
}

func manySelectors(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `".c` + strings.Repeat("x", i) + `"`
	}
	return strings.Join(parts, ",")
}

// FuzzParseSelector: the parser never panics, reports positions inside the
// input, and what it accepts stays accepted inside :is() and in a list
// (the SDK wraps and joins the rules that way). Seeds: testdata/fuzz.
func FuzzParseSelector(f *testing.F) {
	for _, s := range validSelectors {
		f.Add(s)
	}
	for s := range invalidSelectors {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ParseSelector(s)
		if err != nil {
			var se *SelectorError
			if !errors.As(err, &se) || se.Msg == "" || se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("ParseSelector(%q) = %#v", s, err)
			}
			return
		}
		if len(s)+3 > MaxSelectorLen {
			return
		}
		if err := ParseSelector(s + ", a"); err != nil {
			t.Fatalf("%q accepted but not in a list: %v", s, err)
		}
		if len(s) < MaxSelectorLen-10 && strings.Count(s, "(") < maxDepth {
			if err := ParseSelector(":is(" + s + ")"); err != nil {
				t.Fatalf("%q accepted but not inside :is(): %v", s, err)
			}
		}
	})
}
