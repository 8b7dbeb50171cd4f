// Package analytics computes the product's aggregate reports over the root
// store interfaces: funnels (conversion, drop-off, time between steps,
// drill-down), why units dropped (friction over-represented among those
// who dropped) and who struggles (friction rates by segment). The
// evaluation of one unit's event stream is a pure function (Evaluate), so
// that tests can compare it with a brute-force reference.
package analytics

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/trailguide/trailguide"
)

// Hit is one event of a unit's stream with the steps it matches.
type Hit struct {
	Event *trailguide.Event
	Mask  uint32 // bit i: matches step i
}

// Outcome is how far one unit got: Reached steps (0: never entered), the
// hits used for each reached step.
type Outcome struct {
	Reached int
	Hits    []*trailguide.Event // len Reached
}

// Hits matches a unit's events against the steps. For OrderStrict every
// step-kind event is kept (it breaks a strict chain); otherwise only the
// events that match a step.
func Hits(f *trailguide.Funnel, events []*trailguide.Event) []Hit {
	var out []Hit
	for _, e := range events {
		var m uint32
		for i := range f.Steps {
			if trailguide.MatchStep(&f.Steps[i], e) {
				m |= 1 << i
			}
		}
		if m != 0 || (f.Order == trailguide.OrderStrict && slices.Contains(trailguide.StepTypes, e.Type)) {
			out = append(out, Hit{Event: e, Mask: m})
		}
	}
	return out
}

// Evaluate computes how far a unit got through the funnel from its hits
// (in time order). Among the attempts (each start at an occurrence of the
// first step, within the window) it takes the one that gets furthest, the
// earliest of those; each step is taken at its earliest possible event.
func Evaluate(f *trailguide.Funnel, hits []Hit) Outcome {
	n := len(f.Steps)
	win := f.WindowMS
	within := func(start, e *trailguide.Event) bool {
		return win <= 0 || e.Time.Sub(start.Time).Milliseconds() <= win
	}
	best := Outcome{}
	switch f.Order {
	case trailguide.OrderAny:
		return evaluateAny(f, hits)
	case trailguide.OrderStrict:
		for s := range hits {
			if hits[s].Mask&1 == 0 {
				continue
			}
			got := []*trailguide.Event{hits[s].Event}
			for k := 1; k < n && s+k < len(hits); k++ {
				h := hits[s+k]
				if h.Mask&(1<<k) == 0 || !within(hits[s].Event, h.Event) {
					break
				}
				got = append(got, h.Event)
			}
			if len(got) > best.Reached {
				best = Outcome{Reached: len(got), Hits: got}
				if best.Reached == n {
					break
				}
			}
		}
	default: // sequential
		for s := range hits {
			if hits[s].Mask&1 == 0 {
				continue
			}
			got := []*trailguide.Event{hits[s].Event}
			k := 1
			for j := s + 1; j < len(hits) && k < n; j++ {
				if !within(hits[s].Event, hits[j].Event) {
					break
				}
				if hits[j].Mask&(1<<k) != 0 {
					got = append(got, hits[j].Event)
					k++
				}
			}
			if len(got) > best.Reached {
				best = Outcome{Reached: len(got), Hits: got}
				if best.Reached == n {
					break
				}
			}
		}
	}
	return best
}

// evaluateAny: step i is reached when steps 0..i are all covered, each by
// its own event, within one window. For each start hit (any step) it scans
// forward keeping the set of covered-step sets reachable (a step can be
// covered by any one event that matches it), and records when each prefix
// is first covered.
func evaluateAny(f *trailguide.Funnel, hits []Hit) Outcome {
	n := len(f.Steps)
	best := Outcome{}
	for s := range hits {
		if hits[s].Mask == 0 {
			continue
		}
		// reach[mask] = the events used to cover mask (nil: not reachable).
		reach := map[uint32][]*trailguide.Event{0: {}}
		var at []*trailguide.Event // at[i]: the event completing prefix i+1
		for j := s; j < len(hits); j++ {
			h := hits[j]
			if f.WindowMS > 0 && h.Event.Time.Sub(hits[s].Event.Time).Milliseconds() > f.WindowMS {
				break
			}
			if j == s || h.Mask != 0 {
				masks := make([]uint32, 0, len(reach))
				for m := range reach {
					masks = append(masks, m)
				}
				slices.Sort(masks)
				for _, m := range masks {
					for i := 0; i < n; i++ {
						bit := uint32(1) << i
						if h.Mask&bit != 0 && m&bit == 0 {
							nm := m | bit
							if _, ok := reach[nm]; !ok {
								used := append(slices.Clone(reach[m]), h.Event)
								reach[nm] = used
							}
						}
					}
				}
			}
			if j == s {
				// The attempt starts at this hit: drop sets that do not use it.
				for m, used := range reach {
					if m != 0 && (len(used) == 0 || used[len(used)-1] != h.Event) {
						delete(reach, m)
					}
				}
			}
			for len(at) < n {
				prefix := uint32(1)<<(len(at)+1) - 1
				if _, ok := reach[prefix]; !ok {
					break
				}
				at = append(at, h.Event)
			}
		}
		if len(at) > best.Reached {
			// Hits are the events at which each prefix was completed.
			best = Outcome{Reached: len(at), Hits: at}
			if best.Reached == n {
				break
			}
		}
	}
	return best
}

// unitEvents merges the sessions of one unit into one stream.
type unit struct {
	key       string
	visitorID string
	group     string
	sessions  []*trailguide.FunnelSession
	events    []*trailguide.Event
}

// Stats aggregates outcomes into step results.
func Stats(f *trailguide.Funnel, outcomes []Outcome) []trailguide.FunnelStepResult {
	n := len(f.Steps)
	res := make([]trailguide.FunnelStepResult, n)
	deltas := make([][]int64, n)
	for _, o := range outcomes {
		for i := 0; i < o.Reached; i++ {
			res[i].Entered++
			if i > 0 {
				deltas[i] = append(deltas[i], o.Hits[i].Time.Sub(o.Hits[i-1].Time).Milliseconds())
			}
		}
	}
	for i := range res {
		res[i].Name = f.Steps[i].StepName()
		if i+1 < n {
			res[i].Converted = res[i+1].Entered
		} else {
			res[i].Converted = res[i].Entered
		}
		res[i].DroppedOff = res[i].Entered - res[i].Converted
		if res[0].Entered > 0 {
			res[i].ConversionRate = float64(res[i].Entered) / float64(res[0].Entered)
		}
		switch {
		case i == 0 && res[0].Entered > 0:
			res[i].StepRate = 1
		case i > 0 && res[i-1].Entered > 0:
			res[i].StepRate = float64(res[i].Entered) / float64(res[i-1].Entered)
		}
		res[i].MedianMS = quantile(deltas[i], 0.5)
		res[i].P90MS = quantile(deltas[i], 0.9)
	}
	return res
}

// quantile is the nearest-rank quantile (0 for none).
func quantile(v []int64, q float64) int64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	rank := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(len(s)-1, rank))]
}

// Funnels implements trailguide.FunnelService over a FunnelStore.
type Funnels struct {
	Store trailguide.FunnelStore
	Clock trailguide.Clock
}

var _ trailguide.FunnelService = (*Funnels)(nil)

// scanned is one unit's evaluation.
type scanned struct {
	u   *unit
	out Outcome
}

// run scans the store and evaluates every unit of the funnel.
func (s *Funnels) run(ctx context.Context, q *trailguide.FunnelQuery, seg *trailguide.Filter, friction bool) ([]scanned, time.Time, time.Time, error) {
	f := &q.Funnel
	if err := trailguide.ValidateFunnel(f); err != nil {
		return nil, time.Time{}, time.Time{}, err
	}
	if err := trailguide.ValidateFilter(seg); err != nil {
		return nil, time.Time{}, time.Time{}, err
	}
	from, to, err := queryRange(q)
	if err != nil {
		return nil, time.Time{}, time.Time{}, err
	}
	types := trailguide.StepTypes
	if f.Order != trailguide.OrderStrict {
		types = nil
		for _, st := range f.Steps {
			if t := trailguide.StepEventType(st.Kind); !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	scanTypes := types
	if friction && !slices.Contains(types, trailguide.EventClick) {
		scanTypes = append(slices.Clone(types), trailguide.EventClick) // clicked elements are drop factors
	}
	scan := &trailguide.FunnelScan{
		ProjectID: q.ProjectID, From: from, To: to, Segment: seg, Types: scanTypes, Friction: friction,
		Breakdown: q.Breakdown, BreakdownKey: q.BreakdownKey, ByVisitor: f.CountBy == trailguide.CountVisitors,
	}
	if f.Order != trailguide.OrderStrict && !friction {
		scan.Steps = f.Steps // only the events that can be steps
	}
	var out []scanned
	var cur *unit
	flush := func() {
		if cur == nil {
			return
		}
		sortEvents(cur.events)
		var steps []*trailguide.Event
		for _, e := range cur.events {
			if slices.Contains(types, e.Type) {
				steps = append(steps, e)
			}
		}
		out = append(out, scanned{u: cur, out: Evaluate(f, Hits(f, steps))})
		cur = nil
	}
	err = s.Store.ScanFunnel(ctx, scan, func(fs *trailguide.FunnelSession) error {
		key := fs.ID
		if scan.ByVisitor && fs.VisitorID != "" {
			key = "v:" + fs.VisitorID
		}
		if cur == nil || cur.key != key {
			flush()
			cur = &unit{key: key, visitorID: fs.VisitorID, group: fs.Group}
		}
		cur.sessions = append(cur.sessions, fs)
		cur.events = append(cur.events, fs.Events...)
		return nil
	})
	if err != nil {
		return nil, from, to, fmt.Errorf("scan funnel: %w", err)
	}
	flush()
	// A visitor counts in the group of the session where they entered.
	for _, sc := range out {
		if sc.out.Reached > 0 && len(sc.u.sessions) > 1 {
			for _, fs := range sc.u.sessions {
				if fs.ID == sc.out.Hits[0].SessionID {
					sc.u.group = fs.Group
				}
			}
		}
	}
	return out, from, to, nil
}

func sortEvents(ev []*trailguide.Event) {
	sort.SliceStable(ev, func(i, j int) bool {
		a, b := ev[i], ev[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.SessionID != b.SessionID {
			return a.SessionID < b.SessionID
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		if a.Index != b.Index {
			return a.Index < b.Index
		}
		return a.WindowID < b.WindowID
	})
}

func queryRange(q *trailguide.FunnelQuery) (from, to time.Time, err error) {
	if q.From != "" {
		if from, err = trailguide.ParseTimeValue(q.From); err != nil {
			return from, to, trailguide.Invalid("from", "from must be an RFC 3339 time or ms since the epoch.")
		}
	}
	if q.To != "" {
		if to, err = trailguide.ParseTimeValue(q.To); err != nil {
			return from, to, trailguide.Invalid("to", "to must be an RFC 3339 time or ms since the epoch.")
		}
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return from, to, trailguide.Invalid("to", "to must be after from.")
	}
	return from, to, nil
}

func outcomes(sc []scanned) []Outcome {
	o := make([]Outcome, len(sc))
	for i, s := range sc {
		o[i] = s.out
	}
	return o
}

// Funnel computes a funnel's results, its breakdown and compared segments.
func (s *Funnels) Funnel(ctx context.Context, q *trailguide.FunnelQuery) (*trailguide.FunnelResult, error) {
	if len(q.Compare) > trailguide.MaxFunnelCompare {
		return nil, trailguide.Invalid("compare", "At most %d segments side by side.", trailguide.MaxFunnelCompare)
	}
	if q.Breakdown != "" && !slices.Contains(trailguide.BreakdownFields, q.Breakdown) {
		return nil, trailguide.Invalid("breakdown", "Cannot break down by %q.", q.Breakdown)
	}
	sc, from, to, err := s.run(ctx, q, q.Segment, false)
	if err != nil {
		return nil, err
	}
	res := &trailguide.FunnelResult{Funnel: q.Funnel, From: from, To: to, Steps: Stats(&q.Funnel, outcomes(sc))}
	if q.Breakdown != "" {
		groups := map[string][]Outcome{}
		for _, x := range sc {
			groups[x.u.group] = append(groups[x.u.group], x.out)
		}
		for name, o := range groups {
			res.Breakdown = append(res.Breakdown, trailguide.FunnelGroup{Name: name, Units: len(o), Steps: Stats(&q.Funnel, o)})
		}
		sort.Slice(res.Breakdown, func(i, j int) bool {
			a, b := res.Breakdown[i], res.Breakdown[j]
			if a.Steps[0].Entered != b.Steps[0].Entered {
				return a.Steps[0].Entered > b.Steps[0].Entered
			}
			return a.Name < b.Name
		})
	}
	for i, c := range q.Compare {
		if err := trailguide.ValidateFilter(c.Filter); err != nil {
			return nil, trailguide.Invalid(fmt.Sprintf("compare[%d]", i), "%s", trailguide.ErrorMessage(err))
		}
		csc, _, _, err := s.run(ctx, q, trailguide.AndFilters(q.Segment, c.Filter), false)
		if err != nil {
			return nil, err
		}
		name := c.Name
		if name == "" {
			name = fmt.Sprintf("Segment %d", i+1)
		}
		res.Compare = append(res.Compare, trailguide.FunnelGroup{Name: name, Units: len(csc), Steps: Stats(&q.Funnel, outcomes(csc))})
	}
	return res, nil
}

// Drill-down page bounds.
const (
	DefaultDrillLimit = 50
	MaxDrillLimit     = 500
)

// FunnelSessions lists the units that dropped off after a step, or went on
// to the next, latest first, each pointing at its last step reached.
func (s *Funnels) FunnelSessions(ctx context.Context, q *trailguide.FunnelSessionsQuery) (*trailguide.FunnelSessions, error) {
	if err := validateDrill(q); err != nil {
		return nil, err
	}
	sc, _, _, err := s.run(ctx, &q.FunnelQuery, q.Segment, false)
	if err != nil {
		return nil, err
	}
	var units []*trailguide.FunnelUnit
	for _, x := range sc {
		if !atStep(x.out, q.Step, len(q.Funnel.Steps), q.Outcome) {
			continue
		}
		units = append(units, drillUnit(x))
	}
	sort.SliceStable(units, func(i, j int) bool { return units[i].At.After(units[j].At) })
	page := &trailguide.FunnelSessions{Total: len(units), Units: units}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultDrillLimit
	}
	if len(page.Units) > limit {
		page.Units = page.Units[:limit]
	}
	if page.Units == nil {
		page.Units = []*trailguide.FunnelUnit{}
	}
	return page, nil
}

func validateDrill(q *trailguide.FunnelSessionsQuery) error {
	if err := trailguide.ValidateFunnel(&q.Funnel); err != nil {
		return err
	}
	if q.Step < 0 || q.Step >= len(q.Funnel.Steps) {
		return trailguide.Invalid("step", "step must be from 0 to %d.", len(q.Funnel.Steps)-1)
	}
	switch q.Outcome {
	case trailguide.OutcomeDropped, trailguide.OutcomeConverted:
	default:
		return trailguide.Invalid("outcome", "outcome must be dropped or converted.")
	}
	if q.Limit < 0 || q.Limit > MaxDrillLimit {
		return trailguide.Invalid("limit", "limit must be from 1 to %d.", MaxDrillLimit)
	}
	return nil
}

// atStep: dropped at step i means reached step i but never the next
// (nobody drops at the last step); converted means reached step i and the
// next one, or for the last step, reached it.
func atStep(o Outcome, step, n int, outcome string) bool {
	if outcome == trailguide.OutcomeDropped {
		return o.Reached == step+1 && step+1 < n
	}
	if step == n-1 {
		return o.Reached == n
	}
	return o.Reached >= step+2
}

func drillUnit(x scanned) *trailguide.FunnelUnit {
	last := x.out.Hits[x.out.Reached-1]
	u := &trailguide.FunnelUnit{
		SessionID: last.SessionID, VisitorID: x.u.visitorID, WindowID: last.WindowID, At: last.Time, Reached: x.out.Reached,
	}
	for _, h := range x.out.Hits {
		u.StepTimes = append(u.StepTimes, h.Time)
	}
	return u
}
