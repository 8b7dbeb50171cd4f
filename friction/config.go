package friction

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Config holds every threshold of the spec. It travels as JSON (project
// settings → store → GET /ingest/v1/config → SDK), so field names are part
// of the wire protocol. Start from Default; ParseConfig applies a partial
// JSON object over the defaults.
type Config struct {
	// Rage click: RageClicks consecutive clicks, first to last within
	// RageWindowMS, each within RageRadiusPx of the first.
	RageClicks   int     `json:"rage_clicks"`
	RageWindowMS int64   `json:"rage_window_ms"`
	RageRadiusPx float64 `json:"rage_radius_px"`
	// A click "visibly changed the page" when a change follows it within
	// RageChangeMS and before the next click.
	RageChangeMS int64 `json:"rage_change_ms"`
	// A dblclick or text selection up to RageSelectionMS after the last
	// click counts as selecting text.
	RageSelectionMS int64 `json:"rage_selection_ms"`

	// Dead click: no DOM mutation, navigation, URL change, value change or
	// submit within DeadWindowMS; no scroll, focus or selection change within
	// DeadQuickMS.
	DeadWindowMS int64 `json:"dead_window_ms"`
	DeadQuickMS  int64 `json:"dead_quick_ms"`
	// Only clicks on interactive targets can be dead.
	DeadInteractiveOnly bool `json:"dead_interactive_only"`

	// Error click: an error or failed request within ErrorClickMS.
	ErrorClickMS int64 `json:"error_click_ms"`

	// Thrashed cursor.
	ThrashReversals int     `json:"thrash_reversals"`
	ThrashWindowMS  int64   `json:"thrash_window_ms"`
	ThrashMinSpeed  float64 `json:"thrash_min_speed"` // px/ms

	// Excessive scrolling.
	ScrollReversals   int     `json:"scroll_reversals"`
	ScrollMinFraction float64 `json:"scroll_min_fraction"` // of the viewport height
	ScrollWindowMS    int64   `json:"scroll_window_ms"`

	// Quick back.
	QuickBackMS int64 `json:"quick_back_ms"`

	// Field struggle: any one threshold reached on one field in one page visit.
	StruggleEdits   int `json:"struggle_edits"`
	StruggleRefocus int `json:"struggle_refocus"`
	StruggleInvalid int `json:"struggle_invalid"`

	// Hesitation: dwell on an interactive element without clicking it.
	HesitationMS int64 `json:"hesitation_ms"`

	// Exit classification.
	ExitRecentMS int64      `json:"exit_recent_ms"` // error / frustration this close to the last activity
	ExitIdleMS   int64      `json:"exit_idle_ms"`   // no user activity this long before the end
	Conversion   Conversion `json:"conversion"`

	// Disabled lists signal types not to detect (e.g. ["hesitation"]).
	Disabled []string `json:"disabled,omitempty"`
}

// Conversion says what a converted session is: one of these track event
// names, or a pageview whose URL path matches one of these patterns ("*"
// matches any run of characters, "/" included; everything else is literal).
type Conversion struct {
	Events []string `json:"events,omitempty"`
	URLs   []string `json:"urls,omitempty"`
}

// Default returns the v1 defaults (DESIGN §4, docs/FRICTION.md).
func Default() Config {
	return Config{
		RageClicks:      3,
		RageWindowMS:    1000,
		RageRadiusPx:    30,
		RageChangeMS:    500,
		RageSelectionMS: 500,

		DeadWindowMS:        2500,
		DeadQuickMS:         200,
		DeadInteractiveOnly: true,

		ErrorClickMS: 1000,

		ThrashReversals: 10,
		ThrashWindowMS:  2000,
		ThrashMinSpeed:  0.5,

		ScrollReversals:   4,
		ScrollMinFraction: 0.25,
		ScrollWindowMS:    10000,

		QuickBackMS: 10000,

		StruggleEdits:   3,
		StruggleRefocus: 3,
		StruggleInvalid: 2,

		HesitationMS: 3000,

		ExitRecentMS: 30000,
		ExitIdleMS:   300000,
	}
}

// ParseConfig decodes a (possibly partial) JSON config over the defaults
// and validates it. Unknown fields are errors, so a typo in a project's
// settings does not silently leave a default in place.
func ParseConfig(data []byte) (Config, error) {
	cfg := Default()
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("friction config: %w", err)
	}
	return cfg, cfg.Validate()
}

// Validate reports the first out-of-range threshold, naming its JSON field.
func (c Config) Validate() error {
	pos := []struct {
		name string
		ok   bool
	}{
		{"rage_clicks", c.RageClicks >= 2},
		{"rage_window_ms", c.RageWindowMS > 0},
		{"rage_radius_px", c.RageRadiusPx >= 0},
		{"rage_change_ms", c.RageChangeMS >= 0},
		{"rage_selection_ms", c.RageSelectionMS >= 0},
		{"dead_window_ms", c.DeadWindowMS > 0},
		{"dead_quick_ms", c.DeadQuickMS >= 0 && c.DeadQuickMS <= c.DeadWindowMS},
		{"error_click_ms", c.ErrorClickMS > 0},
		{"thrash_reversals", c.ThrashReversals >= 2},
		{"thrash_window_ms", c.ThrashWindowMS > 0},
		{"thrash_min_speed", c.ThrashMinSpeed >= 0},
		{"scroll_reversals", c.ScrollReversals >= 1},
		{"scroll_min_fraction", c.ScrollMinFraction > 0},
		{"scroll_window_ms", c.ScrollWindowMS > 0},
		{"quick_back_ms", c.QuickBackMS > 0},
		{"struggle_edits", c.StruggleEdits >= 2},
		{"struggle_refocus", c.StruggleRefocus >= 1},
		{"struggle_invalid", c.StruggleInvalid >= 1},
		{"hesitation_ms", c.HesitationMS > 0},
		{"exit_recent_ms", c.ExitRecentMS >= 0},
		{"exit_idle_ms", c.ExitIdleMS > 0},
	}
	for _, p := range pos {
		if !p.ok {
			return fmt.Errorf("friction config: %s out of range", p.name)
		}
	}
	for _, d := range c.Disabled {
		if !knownType(d) {
			return fmt.Errorf("friction config: disabled: unknown signal %q", d)
		}
	}
	return nil
}

func (c *Config) enabled(typ string) bool {
	for _, d := range c.Disabled {
		if d == typ {
			return false
		}
	}
	return true
}

// converts reports whether in is a conversion under c.
func (c *Conversion) converts(in *Input) bool {
	switch in.Kind {
	case KindTrack:
		for _, e := range c.Events {
			if in.Name == e {
				return true
			}
		}
	case KindPageview:
		p := urlPath(in.URL)
		for _, pat := range c.URLs {
			if glob(pat, p) {
				return true
			}
		}
	}
	return false
}

// urlPath is the path of an absolute or relative URL: after scheme://host,
// before ? or #. A route fragment (#/…) is kept, so SPA hash routes can be
// matched ("/#/thanks").
func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	frag := ""
	if i := strings.IndexByte(u, '#'); i >= 0 {
		if strings.HasPrefix(u[i:], "#/") || strings.HasPrefix(u[i:], "#!") {
			frag = u[i:]
		}
		u = u[:i]
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	if frag != "" {
		if i := strings.IndexByte(frag, '?'); i >= 0 {
			frag = frag[:i]
		}
	}
	return u + frag
}

// glob matches s against pattern where "*" matches any run of characters.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last) && len(s) >= len(last)
}
