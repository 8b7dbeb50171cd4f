package friction

import (
	"cmp"
	"slices"
)

// Signal types, as stored in friction events and reported by the SDK.
const (
	RageClick          = "rage_click"
	DeadClick          = "dead_click"
	ErrorClick         = "error_click"
	ThrashedCursor     = "thrashed_cursor"
	ExcessiveScrolling = "excessive_scrolling"
	QuickBack          = "quick_back"
	FormAbandonment    = "form_abandonment"
	FieldStruggle      = "field_struggle"
	Hesitation         = "hesitation"
	Exit               = "exit"
)

// Types lists every signal type Detect can return.
var Types = []string{
	RageClick, DeadClick, ErrorClick, ThrashedCursor, ExcessiveScrolling,
	QuickBack, FormAbandonment, FieldStruggle, Hesitation, Exit,
}

// Exit classes, in order of precedence (the first that applies wins).
const (
	ExitConverted  = "converted"
	ExitAfterError = "after_error"
	ExitAfterFrust = "after_frustration"
	ExitMidForm    = "mid_form"
	ExitQuickBack  = "quick_back"
	ExitIdle       = "idle"
	ExitPlain      = "plain"
)

func knownType(t string) bool { return slices.Contains(Types, t) }

// Detection is one friction signal found in a stream.
type Detection struct {
	Type     string  `json:"type"`
	T        int64   `json:"t"` // when the behaviour started (see docs/FRICTION.md per signal)
	Window   string  `json:"window,omitempty"`
	URL      string  `json:"url,omitempty"`
	Selector string  `json:"selector,omitempty"`
	Text     string  `json:"text,omitempty"`
	X        float64 `json:"x,omitempty"`
	Y        float64 `json:"y,omitempty"`
	// Evidence holds the indexes (into the slice given to Detect) of the
	// inputs the detection was built from, in stream order.
	Evidence []int          `json:"evidence"`
	Details  map[string]any `json:"details,omitempty"`
}

// stream is one window's inputs in time order, with the original slice.
type stream struct {
	window string
	cfg    *Config
	in     []Input
	ix     []int // indexes into in, time order
}

// at returns the k-th input of the stream.
func (s *stream) at(k int) *Input { return &s.in[s.ix[k]] }

// Detect runs every enabled detector over a session's inputs and returns
// the detections sorted by time, then type, then selector, then evidence.
// It is pure: the same config and inputs always give the same result. in
// need not be sorted (ties keep their order, see order); windows are
// detected separately, except the exit, which is per session and only
// produced when the stream contains a session_end input.
func Detect(cfg Config, in []Input) []Detection {
	all := order(in)
	// Partition by window; session_end belongs to every window.
	var windows []string
	byWin := map[string][]int{}
	var ends []int
	for _, i := range all {
		if in[i].Kind == KindSessionEnd {
			ends = append(ends, i)
			continue
		}
		w := in[i].Window
		if _, ok := byWin[w]; !ok {
			windows = append(windows, w)
		}
		byWin[w] = append(byWin[w], i)
	}
	var out []Detection
	for _, w := range windows {
		ix := byWin[w]
		if len(ends) > 0 {
			ix = append(ix, ends...)
			slices.SortStableFunc(ix, func(a, b int) int { return cmp.Compare(in[a].T, in[b].T) })
		}
		s := &stream{window: w, cfg: &cfg, in: in, ix: ix}
		out = s.detectWindow(out)
	}
	if len(ends) > 0 && cfg.enabled(Exit) {
		if d, ok := classifyExit(&cfg, in, all, out); ok {
			out = append(out, d)
		}
	}
	sortDetections(out)
	return out
}

func (s *stream) detectWindow(out []Detection) []Detection {
	c := s.cfg
	if c.enabled(RageClick) {
		out = s.rageClicks(out)
	}
	if c.enabled(DeadClick) {
		out = s.deadClicks(out)
	}
	if c.enabled(ErrorClick) {
		out = s.errorClicks(out)
	}
	if c.enabled(ThrashedCursor) {
		out = s.thrashedCursor(out)
	}
	if c.enabled(ExcessiveScrolling) {
		out = s.excessiveScrolling(out)
	}
	if c.enabled(QuickBack) {
		out = s.quickBacks(out)
	}
	if c.enabled(FormAbandonment) || c.enabled(FieldStruggle) {
		out = s.forms(out)
	}
	if c.enabled(Hesitation) {
		out = s.hesitations(out)
	}
	return out
}

func sortDetections(ds []Detection) {
	slices.SortStableFunc(ds, func(a, b Detection) int {
		if c := cmp.Compare(a.T, b.T); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Selector, b.Selector); c != 0 {
			return c
		}
		return slices.Compare(a.Evidence, b.Evidence)
	})
}

// detection starts a detection at input k of the stream, copying the
// target's description.
func (s *stream) detection(typ string, k int) Detection {
	in := s.at(k)
	return Detection{
		Type: typ, T: in.T, Window: in.Window, URL: in.URL,
		Selector: in.Selector, Text: in.Text, X: in.X, Y: in.Y,
	}
}

// runs groups the windows of n consecutive items [i, i+n-1] for which
// qualifies(i) holds into maximal chains of overlapping windows and returns
// each chain as its first and last item. It is how every "≥ n things within
// a time" signal turns a burst into one detection instead of one per item.
func runs(items, n int, qualifies func(i int) bool) [][2]int {
	var out [][2]int
	for i := 0; i+n <= items; {
		if !qualifies(i) {
			i++
			continue
		}
		start, end := i, i+n-1
		j := i + 1
		for ; j+n <= items && j <= end; j++ {
			if qualifies(j) {
				end = j + n - 1
			}
		}
		out = append(out, [2]int{start, end})
		i = end + 1
	}
	return out
}
