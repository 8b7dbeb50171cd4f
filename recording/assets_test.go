package recording

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAssetsRoundTrip(t *testing.T) {
	big := strings.Repeat(`body{color:red}\"x\" `, 80) // escaped quotes inside
	small := "p{margin:0}"
	tests := []struct {
		name       string
		event      string
		wantAssets int
	}{
		{"no stylesheet", `{"type":3,"data":{"source":1,"positions":[]},"timestamp":1}`, 0},
		{"small stylesheet stays inline", `{"type":2,"data":{"node":{"attributes":{"_cssText":"` + small + `"}}},"timestamp":1}`, 0},
		{"large stylesheet", `{"type":2,"data":{"node":{"attributes":{"_cssText":"` + big + `"}}},"timestamp":1}`, 1},
		{"two copies share one asset", `{"type":2,"data":{"a":{"_cssText":"` + big + `"},"b":{"_cssText":"` + big + `"}},"timestamp":1}`, 1},
		{"text that mentions the key is not touched", `{"type":3,"data":{"text":"\"_cssText\":\"` + big + `\""},"timestamp":1}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []json.RawMessage{json.RawMessage(tt.event)}
			out, assets := ExtractAssets([]json.RawMessage{append(json.RawMessage(nil), in[0]...)})
			if len(assets) != tt.wantAssets {
				t.Fatalf("got %d assets, want %d", len(assets), tt.wantAssets)
			}
			if tt.wantAssets > 0 && len(out[0]) >= len(in[0]) {
				t.Errorf("event did not shrink: %d -> %d bytes", len(in[0]), len(out[0]))
			}
			if !json.Valid(out[0]) {
				t.Fatalf("rewritten event is not JSON: %s", out[0])
			}
			back, err := InlineAssets(out, func(id string) ([]byte, error) { return assets[id], nil })
			if err != nil {
				t.Fatal(err)
			}
			if string(back[0]) != tt.event {
				t.Errorf("round trip changed the event:\n got %s\nwant %s", back[0], tt.event)
			}
		})
	}
}

func FuzzAssetsRoundTrip(f *testing.F) {
	f.Add(`{"_cssText":"` + strings.Repeat("a", 2000) + `"}`)
	f.Add(`{"x":"\"_cssText\":\"y\""}`)
	f.Fuzz(func(t *testing.T, ev string) {
		if !json.Valid([]byte(ev)) {
			return
		}
		out, assets := ExtractAssets([]json.RawMessage{json.RawMessage(ev)})
		back, err := InlineAssets(out, func(id string) ([]byte, error) { return assets[id], nil })
		if err != nil {
			t.Fatal(err)
		}
		if string(back[0]) != ev {
			t.Fatalf("round trip changed %q into %q", ev, back[0])
		}
	})
}
