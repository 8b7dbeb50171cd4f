package friction

import (
	"math"
	"slices"
)

// thrashedCursor: on one axis, ThrashReversals reversals of direction whose
// turning points lie within ThrashWindowMS, with the pointer travelling at
// ThrashMinSpeed px/ms or more on average between the first and the last
// turning point. A reversal is a change of the sign of the movement on that
// axis (samples that do not move on that axis are skipped); its time and
// place are those of the turning-point sample.
func (s *stream) thrashedCursor(out []Detection) []Detection {
	c := s.cfg
	var mm []int // stream positions of mousemove samples
	for k := range s.ix {
		if s.at(k).Kind == KindMouseMove {
			mm = append(mm, k)
		}
	}
	if len(mm) < 3 {
		return out
	}
	type episode struct{ from, to, reversals int } // mm indexes
	var eps []episode
	for axis := 0; axis < 2; axis++ {
		coord := func(i int) float64 {
			if axis == 0 {
				return s.at(mm[i]).X
			}
			return s.at(mm[i]).Y
		}
		var tps []int // turning-point mm indexes
		last := 0.0
		for i := 1; i < len(mm); i++ {
			d := coord(i) - coord(i-1)
			if d == 0 {
				continue
			}
			sg := math.Copysign(1, d)
			if last != 0 && sg != last {
				tps = append(tps, i-1)
			}
			last = sg
		}
		n := c.ThrashReversals
		qualifies := func(j int) bool {
			a, b := tps[j], tps[j+n-1]
			ta, tb := s.at(mm[a]).T, s.at(mm[b]).T
			if tb-ta > c.ThrashWindowMS || tb <= ta {
				return false
			}
			return s.pathLength(mm, a, b)/float64(tb-ta) >= c.ThrashMinSpeed
		}
		for _, r := range runs(len(tps), n, qualifies) {
			eps = append(eps, episode{tps[r[0]], tps[r[1]], r[1] - r[0] + 1})
		}
	}
	// One detection per burst, whichever axis (or both) it was on.
	slices.SortFunc(eps, func(a, b episode) int { return a.from - b.from })
	for i := 0; i < len(eps); {
		e := eps[i]
		for i++; i < len(eps) && eps[i].from <= e.to; i++ {
			e.to = max(e.to, eps[i].to)
			e.reversals = max(e.reversals, eps[i].reversals)
		}
		d := s.detection(ThrashedCursor, mm[e.from])
		for j := e.from; j <= e.to; j++ {
			d.Evidence = append(d.Evidence, s.ix[mm[j]])
		}
		dt := s.at(mm[e.to]).T - d.T
		d.Details = map[string]any{
			"reversals":   e.reversals,
			"duration_ms": dt,
			"speed":       round2(s.pathLength(mm, e.from, e.to) / float64(dt)),
		}
		out = append(out, d)
	}
	return out
}

func (s *stream) pathLength(mm []int, a, b int) float64 {
	var l float64
	for i := a + 1; i <= b; i++ {
		l += dist(s.at(mm[i]), s.at(mm[i-1]))
	}
	return l
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// excessiveScrolling: on one page and one scroller, ScrollReversals
// reversals of vertical direction whose turning points lie within
// ScrollWindowMS, where every leg (the movement between two turning points,
// and the first and last legs) is at least ScrollMinFraction of the
// viewport height. Legs are found with a zig-zag filter: a reversal is
// confirmed once the position has moved back by the threshold from the
// extreme reached, so small corrections never count.
func (s *stream) excessiveScrolling(out []Detection) []Detection {
	c := s.cfg
	type group struct {
		key, sel string
	}
	var groups []group
	members := map[group][]int{}
	for k := range s.ix {
		in := s.at(k)
		if in.Kind != KindScroll {
			continue
		}
		g := group{PageKey(in.URL), in.Selector}
		if _, ok := members[g]; !ok {
			groups = append(groups, g)
		}
		members[g] = append(members[g], k)
	}
	for _, g := range groups {
		tps := s.scrollTurningPoints(members[g])
		n := c.ScrollReversals
		qualifies := func(j int) bool {
			return s.at(tps[j+n-1]).T-s.at(tps[j]).T <= c.ScrollWindowMS
		}
		for _, r := range runs(len(tps), n, qualifies) {
			d := s.detection(ExcessiveScrolling, tps[r[0]])
			d.X, d.Y = 0, 0
			for _, k := range tps[r[0] : r[1]+1] {
				d.Evidence = append(d.Evidence, s.ix[k])
			}
			d.Details = map[string]any{
				"reversals":   r[1] - r[0] + 1,
				"duration_ms": s.at(tps[r[1]]).T - d.T,
			}
			out = append(out, d)
		}
	}
	return out
}

// scrollTurningPoints runs the zig-zag filter over one scroller's samples
// (stream positions) and returns the positions of the confirmed turning
// points. Samples without a known viewport height are skipped (the last
// known height of the group is used when a sample lacks one).
func (s *stream) scrollTurningPoints(ks []int) []int {
	frac := s.cfg.ScrollMinFraction
	var tps []int
	var vh float64
	dir := 0
	var lo, hi, ext float64
	var extK int
	started := false
	for _, k := range ks {
		in := s.at(k)
		if in.ViewportH > 0 {
			vh = in.ViewportH
		}
		if vh <= 0 {
			continue
		}
		y, thr := in.ScrollY, frac*vh
		if !started {
			lo, hi, started = y, y, true
			continue
		}
		switch dir {
		case 0:
			lo, hi = min(lo, y), max(hi, y)
			if y-lo >= thr {
				dir, ext, extK = 1, y, k
			} else if hi-y >= thr {
				dir, ext, extK = -1, y, k
			}
		case 1:
			if y >= ext {
				ext, extK = y, k
			} else if ext-y >= thr {
				tps = append(tps, extK)
				dir, ext, extK = -1, y, k
			}
		case -1:
			if y <= ext {
				ext, extK = y, k
			} else if y-ext >= thr {
				tps = append(tps, extK)
				dir, ext, extK = 1, y, k
			}
		}
	}
	return tps
}
