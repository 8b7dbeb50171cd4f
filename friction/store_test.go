package friction

import (
	"maps"
	"testing"

	"github.com/trailguide/trailguide"
)

func TestScore(t *testing.T) {
	tests := []struct {
		counts map[string]int
		want   int
	}{
		{nil, 0},
		{map[string]int{RageClick: 1}, 3},
		{map[string]int{RageClick: 1, ErrorClick: 1, DeadClick: 1, FormAbandonment: 1}, 10},
		{map[string]int{ThrashedCursor: 1, ExcessiveScrolling: 1, QuickBack: 1, FieldStruggle: 2}, 5},
		{map[string]int{Hesitation: 4, Exit: 1}, 0},
	}
	for _, tt := range tests {
		if got := Score(tt.counts); got != tt.want {
			t.Errorf("Score(%v) = %d, want %d", tt.counts, got, tt.want)
		}
	}
}

func TestToSessionFriction(t *testing.T) {
	in := []Input{
		{T: 1000, Kind: KindClick, Window: "w", Selector: "#a"},
		{T: 1100, Kind: KindClick, Window: "w", Selector: "#a"},
		{T: 1200, Kind: KindClick, Window: "w", Selector: "#a"},
	}
	ds := []Detection{
		{Type: RageClick, T: 1000, Window: "w", URL: "/p", Selector: "#a", X: 10.6, Y: 2.2, Evidence: []int{0, 1, 2}},
		{Type: Exit, T: 1200, Window: "w", Evidence: []int{2}, Details: map[string]any{"class": ExitAfterFrust}},
	}
	f := ToSessionFriction("p", "s", in, ds)
	if !maps.Equal(f.Counts, map[string]int{RageClick: 1}) || f.Score != 3 || f.ExitClass != ExitAfterFrust {
		t.Fatalf("summary: counts %v, score %d, exit %q", f.Counts, f.Score, f.ExitClass)
	}
	if len(f.Events) != 2 {
		t.Fatalf("events: %d, want 2", len(f.Events))
	}
	e := f.Events[0]
	if e.Type != trailguide.EventFriction || e.Seq != trailguide.FrictionSeq || e.Index != 0 || e.Name != RageClick ||
		e.X != 11 || e.Y != 2 || e.Time.UnixMilli() != 1000 || e.WindowID != "w" || e.ProjectID != "p" || e.SessionID != "s" {
		t.Errorf("rage event %+v", e)
	}
	const want = `{"source":"server","evidence":[{"t":1000,"kind":"click","window":"w","selector":"#a"},{"t":1100,"kind":"click","window":"w","selector":"#a"},{"t":1200,"kind":"click","window":"w","selector":"#a"}]}`
	if string(e.Data) != want {
		t.Errorf("data\n got %s\nwant %s", e.Data, want)
	}
	if f.Events[1].Name != Exit || f.Events[1].Index != 1 {
		t.Errorf("exit event %+v", f.Events[1])
	}
}
