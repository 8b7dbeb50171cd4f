package trailguide_test

import (
	"testing"

	"github.com/trailguide/trailguide"
)

func TestMatchURL(t *testing.T) {
	tests := []struct {
		pattern, url string
		want         bool
	}{
		{"/pricing", "https://a.test/pricing", true},
		{"/pricing", "https://a.test/pricing?plan=pro", true},
		{"/pricing", "https://a.test/pricing/team", false},
		{"/pricing*", "https://a.test/pricing/team", true},
		{"/*/settings", "https://a.test/org/42/settings", true},
		{"/*/settings", "https://a.test/settings", false},
		{"/signup?plan=*", "https://a.test/signup?plan=team", true},
		{"/signup?plan=*", "https://a.test/signup", false},
		{"https://a.test/*", "https://a.test/x", true},
		{"https://a.test/*", "https://b.test/x", false},
		{"/#/cart", "https://a.test/#/cart", true},
		{"/Pricing", "https://a.test/pricing", false},
		{"*", "https://a.test/anything", true},
		{"/", "https://a.test", true},
	}
	for _, tt := range tests {
		if got := trailguide.MatchURL(tt.pattern, tt.url); got != tt.want {
			t.Errorf("MatchURL(%q, %q): got %v, want %v", tt.pattern, tt.url, got, tt.want)
		}
	}
}

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name, json string
		reason     string // "" valid
	}{
		{"empty", ``, ""},
		{"condition", `{"field":"utm_source","op":"eq","value":"google"}`, ""},
		{"groups", `{"and":[{"field":"device","op":"in","values":["mobile"]},{"not":{"field":"visited","value":"/x*"}},{"or":[{"field":"trait","key":"seats","type":"number","op":"gt","value":"3"}]}]}`, ""},
		{"unknown field", `{"field":"nope","op":"eq","value":"x"}`, "filter.field"},
		{"two kinds in a node", `{"and":[{"field":"os","op":"eq","value":"iOS"}],"field":"os","op":"eq","value":"x"}`, "filter"},
		{"empty group", `{"or":[]}`, "filter.or"},
		{"op not for field", `{"field":"device","op":"contains","value":"mob"}`, "filter.op"},
		{"bad device", `{"field":"device","op":"eq","value":"phone"}`, "filter.value"},
		{"number", `{"field":"viewport_w","op":"gt","value":"wide"}`, "filter.value"},
		{"behaviour takes no op", `{"field":"event","op":"eq","value":"x"}`, "filter.op"},
		{"behaviour needs value", `{"field":"clicked"}`, "filter.value"},
		{"trait needs key", `{"field":"trait","op":"eq","value":"x"}`, "filter.key"},
		{"bad trait key", `{"field":"trait","key":"a'b","op":"eq","value":"x"}`, "filter.key"},
		{"bool trait", `{"field":"trait","key":"vip","type":"bool","op":"eq","value":"yes"}`, "filter.value"},
		{"nested path", `{"and":[{"field":"os","op":"eq","value":"iOS"},{"not":{"field":"x"}}]}`, "filter.and[1].not.field"},
		{"in without values", `{"field":"os","op":"in"}`, "filter.values"},
		{"unknown key", `{"field":"os","op":"eq","value":"iOS","extra":1}`, "filter"},
		{"guide action", `{"field":"guide","value":"g1","action":"dismissed"}`, "filter.action"},
		{"time", `{"field":"started_at","op":"gte","value":"yesterday"}`, "filter.value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := trailguide.ParseFilter([]byte(tt.json))
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			if trailguide.ErrorCode(err) != trailguide.EINVALID || trailguide.ErrorReason(err) != tt.reason {
				t.Fatalf("got %v (reason %q), want EINVALID %q", err, trailguide.ErrorReason(err), tt.reason)
			}
		})
	}
	deep := `{"field":"os","op":"eq","value":"x"}`
	for i := 0; i < trailguide.MaxSegmentDepth; i++ {
		deep = `{"not":` + deep + `}`
	}
	if _, err := trailguide.ParseFilter([]byte(deep)); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Fatalf("too deep: got %v, want EINVALID", err)
	}
}
