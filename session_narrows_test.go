package trailguide

import (
	"testing"
	"time"
)

func TestSessionFilterNarrows(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		f    SessionFilter
		want bool
	}{
		{"empty", SessionFilter{}, false},
		{"paging and sort only", SessionFilter{ProjectID: "p", Limit: 10, Cursor: "c", Sort: SortFrustration}, false},
		{"url", SessionFilter{URL: "/x"}, true},
		{"has error", SessionFilter{HasError: &yes}, true},
		{"from", SessionFilter{From: time.Unix(1, 0)}, true},
		{"selector", SessionFilter{Selector: "#a"}, true},
		{"segment", SessionFilter{Segment: &Filter{Condition: &Condition{Field: FieldOS, Op: OpEq, Value: "iOS"}}}, true},
	}
	for _, tt := range tests {
		if got := tt.f.Narrows(); got != tt.want {
			t.Errorf("%s: Narrows() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
