package analytics

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

var _ trailguide.InsightService = (*Funnels)(nil)

// Report limits.
const (
	DefaultFactorLimit   = 20
	MaxFactorLimit       = 100
	maxFactorExamples    = 5
	DefaultStruggleLimit = 50
	MaxStruggleLimit     = 500
)

// DefaultDimensions are the dimensions of a struggle report by default.
var DefaultDimensions = []string{
	trailguide.FieldUTMSource, trailguide.FieldUTMCampaign, trailguide.FieldFirstUTMSource, trailguide.FieldDevice,
	trailguide.FieldBrowser, trailguide.FieldVisitor, "trait:role", "trait:plan",
}

type factorAcc struct {
	f         *trailguide.DropFactor
	dropped   map[string]bool // unit keys
	converted map[string]bool
	examples  []*trailguide.FunnelUnit
}

// factorKey describes an event as a drop factor; "" when it is none.
func factorKey(e *trailguide.Event) (string, *trailguide.DropFactor) {
	path := trailguide.URLPath(e.URL)
	switch {
	case e.Type == trailguide.EventFriction && e.Seq == trailguide.FrictionSeq && e.Name != trailguide.FrictionExit:
		return "f\x00" + e.Name + "\x00" + e.Selector + "\x00" + path,
			&trailguide.DropFactor{Kind: trailguide.FactorFriction, Signal: e.Name, Selector: e.Selector, URL: path, Text: e.Text}
	case e.Type == trailguide.EventError:
		return "e\x00" + e.Name, &trailguide.DropFactor{Kind: trailguide.FactorError, Name: e.Name, URL: path}
	case e.Type == trailguide.EventClick && e.Selector != "":
		return "c\x00" + e.Selector + "\x00" + path, &trailguide.DropFactor{Kind: trailguide.FactorElement, Selector: e.Selector, URL: path, Text: e.Text}
	}
	return "", nil
}

// Dropoff finds the friction signals, errors and clicked elements that are
// over-represented among the units that dropped off after a step, compared
// with those that went on to the next step, ranked by the conversions they
// are estimated to have cost.
func (s *Funnels) Dropoff(ctx context.Context, q *trailguide.DropQuery) (*trailguide.DropReport, error) {
	if err := trailguide.ValidateFunnel(&q.Funnel); err != nil {
		return nil, err
	}
	n := len(q.Funnel.Steps)
	if q.Step < 0 || q.Step >= n-1 {
		return nil, trailguide.Invalid("step", "step must be from 0 to %d (nobody drops off after the last step).", max(0, n-2))
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultFactorLimit
	}
	if limit < 0 || limit > MaxFactorLimit {
		return nil, trailguide.Invalid("limit", "limit must be from 1 to %d.", MaxFactorLimit)
	}
	sc, _, _, err := s.run(ctx, &q.FunnelQuery, q.Segment, true)
	if err != nil {
		return nil, err
	}
	rep := &trailguide.DropReport{Step: q.Step, Factors: []*trailguide.DropFactor{}}
	acc := map[string]*factorAcc{}
	for _, x := range sc {
		if x.out.Reached <= q.Step {
			continue
		}
		dropped := x.out.Reached == q.Step+1
		if dropped {
			rep.Dropped++
		} else {
			rep.Converted++
		}
		from := x.out.Hits[q.Step]
		var until *trailguide.Event
		if !dropped {
			until = x.out.Hits[q.Step+1]
		}
		seen := map[string]bool{}
		for _, e := range x.u.events {
			if e.Time.Before(from.Time) || (until != nil && e.Time.After(until.Time)) {
				continue
			}
			key, f := factorKey(e)
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			a := acc[key]
			if a == nil {
				a = &factorAcc{f: f, dropped: map[string]bool{}, converted: map[string]bool{}}
				acc[key] = a
			}
			if dropped {
				a.dropped[x.u.key] = true
				a.examples = append(a.examples, &trailguide.FunnelUnit{
					SessionID: e.SessionID, VisitorID: x.u.visitorID, WindowID: e.WindowID, At: e.Time, Reached: x.out.Reached,
					StepTimes: stepTimes(x.out),
				})
			} else {
				a.converted[x.u.key] = true
			}
		}
	}
	D, C := rep.Dropped, rep.Converted
	for _, a := range acc {
		f := a.f
		f.Dropped, f.Converted = len(a.dropped), len(a.converted)
		if D == 0 || f.Dropped == 0 {
			continue
		}
		f.DroppedRate = float64(f.Dropped) / float64(D)
		if C > 0 {
			f.ConvertedRate = float64(f.Converted) / float64(C)
		}
		if f.DroppedRate <= f.ConvertedRate {
			continue // not over-represented among those who dropped
		}
		f.Lift = ((float64(f.Dropped) + 0.5) / (float64(D) + 1)) / ((float64(f.Converted) + 0.5) / (float64(C) + 1))
		with := f.Dropped + f.Converted
		without := D + C - with
		if without > 0 {
			pWith := float64(f.Converted) / float64(with)
			pWithout := float64(C-f.Converted) / float64(without)
			f.ConversionsLost = math.Max(0, float64(with)*(pWithout-pWith))
		}
		f.CILow, f.CIHigh = newcombe(f.Dropped, D, f.Converted, C)
		f.PValue = twoProportionP(f.Dropped, D, f.Converted, C)
		sort.Slice(a.examples, func(i, j int) bool { return a.examples[i].At.After(a.examples[j].At) })
		f.Examples = a.examples[:min(len(a.examples), maxFactorExamples)]
		rep.Factors = append(rep.Factors, f)
	}
	sort.Slice(rep.Factors, func(i, j int) bool {
		a, b := rep.Factors[i], rep.Factors[j]
		if a.ConversionsLost != b.ConversionsLost {
			return a.ConversionsLost > b.ConversionsLost
		}
		if a.Lift != b.Lift {
			return a.Lift > b.Lift
		}
		return a.Kind+a.Signal+a.Selector+a.Name+a.URL < b.Kind+b.Signal+b.Selector+b.Name+b.URL
	})
	if len(rep.Factors) > limit {
		rep.Factors = rep.Factors[:limit]
	}
	return rep, nil
}

func stepTimes(o Outcome) []time.Time {
	out := make([]time.Time, len(o.Hits))
	for i, h := range o.Hits {
		out[i] = h.Time
	}
	return out
}

// wilson is the 95 % Wilson score interval of x successes in n.
func wilson(x, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p := float64(x) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	center := (p + z*z/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return math.Max(0, center-half), math.Min(1, center+half)
}

// newcombe is the 95 % interval of p1 - p2 (x1/n1 - x2/n2) by Newcombe's
// hybrid score method (his method 10), which behaves at 0 and small n.
func newcombe(x1, n1, x2, n2 int) (lo, hi float64) {
	var p1, p2 float64
	if n1 > 0 {
		p1 = float64(x1) / float64(n1)
	}
	if n2 > 0 {
		p2 = float64(x2) / float64(n2)
	}
	l1, u1 := wilson(x1, n1)
	l2, u2 := wilson(x2, n2)
	d := p1 - p2
	return d - math.Sqrt((p1-l1)*(p1-l1)+(u2-p2)*(u2-p2)), d + math.Sqrt((u1-p1)*(u1-p1)+(p2-l2)*(p2-l2))
}

// twoProportionP is the two-sided p-value of the pooled two-proportion z
// test of x1/n1 against x2/n2 (1 when either group is empty or the pooled
// rate is 0 or 1).
func twoProportionP(x1, n1, x2, n2 int) float64 {
	if n1 == 0 || n2 == 0 {
		return 1
	}
	p := float64(x1+x2) / float64(n1+n2)
	if p <= 0 || p >= 1 {
		return 1
	}
	se := math.Sqrt(p * (1 - p) * (1/float64(n1) + 1/float64(n2)))
	z := (float64(x1)/float64(n1) - float64(x2)/float64(n2)) / se
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// Struggles reports, for each dimension value, the friction signals (and
// signals on one element) whose rate among that group's sessions differs
// from the rate among the other sessions, with the z test's p-value; rows
// with at least two sessions with the signal, most significant first.
func (s *Funnels) Struggles(ctx context.Context, q *trailguide.StruggleQuery) (*trailguide.StruggleReport, error) {
	if err := trailguide.ValidateFilter(q.Segment); err != nil {
		return nil, err
	}
	from, to, err := queryRange(&trailguide.FunnelQuery{From: q.From, To: q.To})
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultStruggleLimit
	}
	if limit < 0 || limit > MaxStruggleLimit {
		return nil, trailguide.Invalid("limit", "limit must be from 1 to %d.", MaxStruggleLimit)
	}
	dims := q.Dimensions
	if len(dims) == 0 {
		dims = DefaultDimensions
	}
	if len(dims) > 12 {
		return nil, trailguide.Invalid("dimensions", "At most 12 dimensions.")
	}
	rep := &trailguide.StruggleReport{Rows: []*trailguide.StruggleRow{}}
	for i, d := range dims {
		field, key, _ := strings.Cut(d, ":")
		if !slices.Contains(trailguide.BreakdownFields, field) || (field == trailguide.FieldTrait) != (key != "") {
			return nil, trailguide.Invalid(fmt.Sprintf("dimensions[%d]", i), "Unknown dimension %q.", d)
		}
		groups := map[string]int{}          // value -> sessions
		with := map[string]map[string]int{} // signal key -> value -> sessions with it
		totalWith := map[string]int{}       // signal key -> sessions with it
		total := 0
		err := s.Store.ScanFunnel(ctx, &trailguide.FunnelScan{
			ProjectID: q.ProjectID, From: from, To: to, Segment: q.Segment, Friction: true,
			Breakdown: field, BreakdownKey: key, AllSessions: true,
		}, func(fs *trailguide.FunnelSession) error {
			total++
			groups[fs.Group]++
			seen := map[string]bool{}
			for _, e := range fs.Events {
				if e.Type != trailguide.EventFriction {
					continue
				}
				keys := []string{e.Name + "\x00"}
				if e.Selector != "" {
					keys = append(keys, e.Name+"\x00"+e.Selector)
				}
				for _, k := range keys {
					if seen[k] {
						continue
					}
					seen[k] = true
					if with[k] == nil {
						with[k] = map[string]int{}
					}
					with[k][fs.Group]++
					totalWith[k]++
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("struggles by %s: %w", d, err)
		}
		rep.Sessions = total
		for k, byValue := range with {
			signal, selector, _ := strings.Cut(k, "\x00")
			for value, n := range groups {
				x := byValue[value]
				if x < 2 || n == total {
					continue
				}
				others, otherWith := total-n, totalWith[k]-x
				r := &trailguide.StruggleRow{
					Dimension: d, Value: value, Signal: signal, Selector: selector, Sessions: n, WithSignal: x,
					Rate: float64(x) / float64(n), OtherRate: float64(otherWith) / float64(others),
					Ratio:  ((float64(x) + 0.5) / (float64(n) + 1)) / ((float64(otherWith) + 0.5) / (float64(others) + 1)),
					PValue: twoProportionP(x, n, otherWith, others),
				}
				if r.Rate <= r.OtherRate {
					continue // the report is about who struggles more
				}
				r.Significant = r.PValue < 0.05
				rep.Rows = append(rep.Rows, r)
			}
		}
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if a.PValue != b.PValue {
			return a.PValue < b.PValue
		}
		if a.Ratio != b.Ratio {
			return a.Ratio > b.Ratio
		}
		return a.Dimension+a.Value+a.Signal+a.Selector < b.Dimension+b.Value+b.Signal+b.Selector
	})
	if len(rep.Rows) > limit {
		rep.Rows = rep.Rows[:limit]
	}
	return rep, nil
}
