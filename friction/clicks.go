package friction

import "math"

// Kinds that count as the page visibly changing after a click (rage-click
// suppression).
var rageChangeKinds = map[string]bool{
	KindMutation: true, KindPageview: true, KindNavigation: true, KindURLChange: true,
	KindValue: true, KindScroll: true, KindMedia: true,
}

// Kinds that answer a click at any time inside the dead-click window, and
// those that only count when they follow it almost at once (a user's own
// scroll or Tab a second later is not the page answering).
var (
	deadSlowKinds = map[string]bool{
		KindMutation: true, KindPageview: true, KindNavigation: true, KindURLChange: true,
		KindValue: true, KindMedia: true, KindSubmit: true, KindPageLeave: true,
	}
	deadQuickKinds = map[string]bool{
		KindScroll: true, KindFocus: true, KindSelection: true,
	}
)

func (s *stream) clicks() []int {
	var ks []int
	for k := range s.ix {
		if s.at(k).Kind == KindClick {
			ks = append(ks, k)
		}
	}
	return ks
}

func dist(a, b *Input) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// rageClicks: RageClicks consecutive clicks on one page, first to last
// within RageWindowMS, each within RageRadiusPx of the first, unless
// suppressed (see rageSuppressed). Overlapping qualifying series form one
// detection at the first click.
func (s *stream) rageClicks(out []Detection) []Detection {
	c := s.cfg
	ks := s.clicks()
	n := c.RageClicks
	qualifies := func(i int) bool {
		first := s.at(ks[i])
		last := s.at(ks[i+n-1])
		if last.T-first.T > c.RageWindowMS {
			return false
		}
		key := PageKey(first.URL)
		for _, k := range ks[i : i+n] {
			in := s.at(k)
			if PageKey(in.URL) != key || dist(in, first) > c.RageRadiusPx {
				return false
			}
		}
		return !s.rageSuppressed(ks, i, n)
	}
	for _, r := range runs(len(ks), n, qualifies) {
		d := s.detection(RageClick, ks[r[0]])
		for _, k := range ks[r[0] : r[1]+1] {
			d.Evidence = append(d.Evidence, s.ix[k])
		}
		d.Details = map[string]any{
			"clicks":      r[1] - r[0] + 1,
			"duration_ms": s.at(ks[r[1]]).T - d.T,
		}
		out = append(out, d)
	}
	return out
}

// rageSuppressed applies the suppression rules to the series ks[i:i+n].
func (s *stream) rageSuppressed(ks []int, i, n int) bool {
	c := s.cfg
	series := ks[i : i+n]
	for _, k := range series {
		in := s.at(k)
		if in.NoRage || in.TextEntry || in.Unobserved {
			return true
		}
	}
	// Selecting text: double/triple clicks on something that is not a
	// control, answered by a dblclick event or a non-collapsed selection.
	first, last := s.at(series[0]), s.at(series[n-1])
	if !isInteractive(first) {
		until := last.T + c.RageSelectionMS
		for p := series[0] + 1; p < len(s.ix) && s.at(p).T <= until; p++ {
			in := s.at(p)
			if in.Kind == KindDblClick || (in.Kind == KindSelection && in.Selected) {
				return true
			}
		}
	}
	// Each click visibly changed the page (stepper, carousel, pagination).
	for j, k := range series {
		next := len(s.ix) // the next click in the stream bounds the search
		if i+j+1 < len(ks) {
			next = ks[i+j+1]
		}
		until := s.at(k).T + c.RageChangeMS
		changed := false
		for p := k + 1; p < next && s.at(p).T <= until; p++ {
			if rageChangeKinds[s.at(p).Kind] {
				changed = true
				break
			}
		}
		if !changed {
			return false
		}
	}
	return true
}

// passMS: a click on another element at most this long after a click was
// passed on by it (a label to its control, a handler's el.click()), in the
// same dispatch. No visitor clicks two elements 50 ms apart.
const passMS = 50

// passedOn reports whether the click ks[j] was passed on by the click
// before it.
func (s *stream) passedOn(ks []int, j int) bool {
	if j == 0 {
		return false
	}
	a, b := s.at(ks[j-1]), s.at(ks[j])
	return b.T-a.T <= passMS && b.Selector != a.Selector
}

// deadClicks: a click on an interactive element after which, within
// DeadWindowMS, nothing happens (see deadSlowKinds, deadQuickKinds). A
// click passed on is part of the click that passed it on: it is not dead
// itself, and what it opens unseen (a new tab, a file picker) excludes the
// first click too.
func (s *stream) deadClicks(out []Detection) []Detection {
	c := s.cfg
	ks := s.clicks()
	for i, k := range ks {
		in := s.at(k)
		if s.passedOn(ks, i) || !deadCandidate(c, in) {
			continue
		}
		opens := false
		for j := i + 1; j < len(ks) && s.passedOn(ks, j); j++ {
			opens = opens || opensUnseen(s.at(ks[j]))
		}
		if opens {
			continue
		}
		answered := false
		for p := k + 1; p < len(s.ix); p++ {
			r := s.at(p)
			dt := r.T - in.T
			if dt > c.DeadWindowMS {
				break
			}
			if deadSlowKinds[r.Kind] || (deadQuickKinds[r.Kind] && dt <= c.DeadQuickMS) {
				answered = true
				break
			}
		}
		if answered {
			continue
		}
		d := s.detection(DeadClick, k)
		d.Evidence = []int{s.ix[k]}
		d.Details = map[string]any{"window_ms": c.DeadWindowMS}
		out = append(out, d)
	}
	return out
}

// deadCandidate applies the exclusions: clicks whose effect no DOM observer
// can see (new tab, download, native dialogs, pickers and dropdowns, caret
// placement in text fields, same-tab navigations), choices (a radio button
// already chosen) and modifier clicks.
func deadCandidate(c *Config, in *Input) bool {
	switch {
	case opensUnseen(in), in.Modifier, in.TextEntry, in.Unobserved:
		return false
	case c.DeadInteractiveOnly && !isInteractive(in):
		return false
	}
	return true
}

// opensUnseen reports whether a click's answer is something no DOM observer
// sees (another tab, a download, the next page, a native dialog, picker or
// dropdown) or a choice (a radio button).
func opensUnseen(in *Input) bool {
	return in.NewTab || in.Download || in.Navigates || in.Native ||
		in.Tag == "select" || in.Tag == "option" ||
		(in.Tag == "input" && (nativePickerTypes[in.Type] || choiceTypes[in.Type]))
}

// errorClicks: a click followed within ErrorClickMS by an uncaught error or
// by a failed request that started at or after the click.
func (s *stream) errorClicks(out []Detection) []Detection {
	c := s.cfg
	for _, k := range s.clicks() {
		in := s.at(k)
		var ev []int
		var first *Input
		for p := k + 1; p < len(s.ix); p++ {
			r := s.at(p)
			if r.T-in.T > c.ErrorClickMS {
				break
			}
			if r.Kind == KindError || (r.Kind == KindRequestFailed && (r.Started == 0 || r.Started >= in.T)) {
				if first == nil {
					first = r
				}
				ev = append(ev, s.ix[p])
			}
		}
		if first == nil {
			continue
		}
		d := s.detection(ErrorClick, k)
		d.Evidence = append([]int{s.ix[k]}, ev...)
		d.Details = map[string]any{"errors": len(ev), "error": first.Name}
		if first.Kind == KindRequestFailed {
			d.Details["status"] = first.Status
		}
		out = append(out, d)
	}
	return out
}
