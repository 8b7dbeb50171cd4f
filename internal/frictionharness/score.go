// Package frictionharness scores friction detections against labelled
// ground truth, for the two labelled harnesses of issue 3 ("Measured on real
// behaviour", docs/FRICTION.md §6): worker.TestFrictionHarness over the
// recorded demo journeys, and TestFixturePages, which drives headless
// Chromium over the fixture pages in testdata/friction/pages. Both report
// precision and recall per signal, for the server's detections and for the
// SDK's live ones, with the same matching rules.
package frictionharness

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
)

// Labels is the ground truth of a harness: what each journey's script calls
// for (testdata/friction/harness/labels.json for the demo journeys).
type Labels struct {
	Spec        string             `json:"spec"`
	Description string             `json:"description"`
	Journeys    map[string]Journey `json:"journeys"`
}

// Journey is what one scripted journey calls for. A labelled type with no
// Expect entry expects no detection; a type in Unlabelled is not scored.
type Journey struct {
	Why        string       `json:"why"`
	Expect     []Expect     `json:"expect"`
	Unlabelled []Unlabelled `json:"unlabelled"`
}

// Expect allows Min..Max detections of Type on Selector ("" = any element).
// Min 0 tolerates detections without requiring them.
type Expect struct {
	Type     string `json:"type"`
	Selector string `json:"selector"`
	Min      int    `json:"min"`
	Max      int    `json:"max"`
	Why      string `json:"why"`
}

// Unlabelled is a type a journey does not score, and why.
type Unlabelled struct {
	Type string `json:"type"`
	Why  string `json:"why"`
}

// Types are the scored signals: every detector but the exit, which is a
// classification of each session, not a detection.
var Types = []string{friction.RageClick, friction.DeadClick, friction.ErrorClick, friction.ThrashedCursor,
	friction.ExcessiveScrolling, friction.QuickBack, friction.FormAbandonment, friction.FieldStruggle, friction.Hesitation}

// Validate checks that the labels are well formed and cover exactly the
// journeys named; it returns one message per problem.
func (l *Labels) Validate(journeys []string) []string {
	var errs []string
	names := map[string]bool{}
	for _, name := range journeys {
		names[name] = true
		if _, ok := l.Journeys[name]; !ok {
			errs = append(errs, fmt.Sprintf("no labels for journey %s", name))
		}
	}
	keys := make([]string, 0, len(l.Journeys))
	for name := range l.Journeys {
		keys = append(keys, name)
	}
	sort.Strings(keys)
	for _, name := range keys {
		j := l.Journeys[name]
		if !names[name] {
			errs = append(errs, fmt.Sprintf("labels name %s, which is not a journey", name))
		}
		if strings.TrimSpace(j.Why) == "" {
			errs = append(errs, fmt.Sprintf("%s: no why", name))
		}
		seen := map[string]bool{}
		for _, e := range j.Expect {
			if !slices.Contains(Types, e.Type) {
				errs = append(errs, fmt.Sprintf("%s: %q is not a scored signal type", name, e.Type))
			}
			if e.Min < 0 || e.Max < 1 || e.Min > e.Max {
				errs = append(errs, fmt.Sprintf("%s: %s %q: bad count range %d..%d", name, e.Type, e.Selector, e.Min, e.Max))
			}
			if strings.TrimSpace(e.Why) == "" {
				errs = append(errs, fmt.Sprintf("%s: %s %q: no why", name, e.Type, e.Selector))
			}
			if seen[e.Type+" "+e.Selector] {
				errs = append(errs, fmt.Sprintf("%s: %s %q labelled twice", name, e.Type, e.Selector))
			}
			seen[e.Type+" "+e.Selector] = true
		}
		for _, u := range j.Unlabelled {
			if !slices.Contains(Types, u.Type) || strings.TrimSpace(u.Why) == "" {
				errs = append(errs, fmt.Sprintf("%s: unlabelled %q: unknown type or no why", name, u.Type))
			}
			if slices.ContainsFunc(j.Expect, func(e Expect) bool { return e.Type == u.Type }) {
				errs = append(errs, fmt.Sprintf("%s: %s is both labelled and unlabelled", name, u.Type))
			}
		}
	}
	return errs
}

// Detection is one detection of either side.
type Detection struct{ Type, Selector string }

// Score is one side's tally for one signal type, in detections.
type Score struct {
	Detections int // all detections of the type, labelled journeys or not
	TP         int // matched a label, up to its max, where the label requires min >= 1
	FP         int // no label allows it (including beyond a label's max)
	FN         int // shortfall below a label's min
	Tolerated  int // matched a min-0 label: counted neither way
	Unlabelled int // in a journey where the type is unlabelled
	Support    int // sum of the labels' min: detections that must be there
}

// Precision is TP / (TP + FP), "n/a" without any.
func (s Score) Precision() string { return Ratio(s.TP, s.TP+s.FP) }

// Recall is TP / (TP + FN), "n/a" without any.
func (s Score) Recall() string { return Ratio(s.TP, s.TP+s.FN) }

// Ratio formats a/b with two decimals, "n/a" when b is 0.
func Ratio(a, b int) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

// Scores is one side's tally per signal type.
type Scores map[string]*Score

// NewScores returns an empty tally for every scored type.
func NewScores() Scores {
	s := Scores{}
	for _, typ := range Types {
		s[typ] = &Score{}
	}
	return s
}

// Journey matches one journey's detections of one side against its labels
// and adds the outcome to s. Each detection is matched to a label of the
// same type and selector, then to one with selector "", while the label
// has room (below Max). It returns a line per mismatch.
func (s Scores) Journey(j Journey, got []Detection) []string {
	var notes []string
	for _, typ := range Types {
		sc := s[typ]
		var dets []Detection
		for _, d := range got {
			if d.Type == typ {
				dets = append(dets, d)
			}
		}
		sc.Detections += len(dets)
		if slices.ContainsFunc(j.Unlabelled, func(u Unlabelled) bool { return u.Type == typ }) {
			sc.Unlabelled += len(dets)
			continue
		}
		var exp []Expect
		for _, e := range j.Expect {
			if e.Type == typ {
				exp = append(exp, e)
			}
		}
		// Specific selectors claim their detections before the "any" labels.
		sort.SliceStable(exp, func(a, b int) bool { return exp[a].Selector != "" && exp[b].Selector == "" })
		matched := make([]int, len(exp))
		for _, d := range dets {
			k := slices.IndexFunc(exp, func(e Expect) bool { return e.Selector == d.Selector })
			if k < 0 || matched[k] >= exp[k].Max {
				k = -1
				for i, e := range exp {
					if e.Selector == "" && matched[i] < e.Max {
						k = i
						break
					}
				}
			}
			if k < 0 {
				sc.FP++
				notes = append(notes, fmt.Sprintf("FP %s %q", typ, d.Selector))
				continue
			}
			matched[k]++
		}
		for i, e := range exp {
			sc.Support += e.Min
			if e.Min == 0 {
				sc.Tolerated += matched[i]
				continue
			}
			sc.TP += matched[i]
			if matched[i] < e.Min {
				sc.FN += e.Min - matched[i]
				notes = append(notes, fmt.Sprintf("FN %s %q: %d of at least %d", typ, e.Selector, matched[i], e.Min))
			}
		}
	}
	return notes
}

// Check verifies that the tally adds up against total, the number of
// detections per type that side produced: every detection counted exactly
// once, and no detection of an unknown type. It returns one message per
// problem.
func (s Scores) Check(side string, total map[string]int) []string {
	var errs []string
	for typ, c := range total {
		if !slices.Contains(Types, typ) {
			errs = append(errs, fmt.Sprintf("%s: unknown friction type %q (%d detections)", side, typ, c))
		}
	}
	for _, typ := range Types {
		sc := s[typ]
		if sc.Detections != total[typ] || sc.TP+sc.FP+sc.Tolerated+sc.Unlabelled != sc.Detections {
			errs = append(errs, fmt.Sprintf("%s %s: %d detections, TP %d + FP %d + tolerated %d + unlabelled %d", side, typ,
				total[typ], sc.TP, sc.FP, sc.Tolerated, sc.Unlabelled))
		}
		if sc.TP+sc.FN < sc.Support {
			errs = append(errs, fmt.Sprintf("%s %s: TP %d + FN %d below support %d", side, typ, sc.TP, sc.FN, sc.Support))
		}
	}
	return errs
}

// Table prints both sides per signal: support, precision, recall and the
// counts behind them.
func Table(title string, server, live Scores) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s (counts are detections)\n", title)
	fmt.Fprintf(&b, "%-20s %7s | %6s %6s %4s %4s %4s %4s | %6s %6s %4s %4s %4s %4s\n", "signal", "support",
		"srv P", "srv R", "TP", "FP", "FN", "tol", "live P", "live R", "TP", "FP", "FN", "tol")
	for _, typ := range Types {
		a, l := server[typ], live[typ]
		fmt.Fprintf(&b, "%-20s %7d | %6s %6s %4d %4d %4d %4d | %6s %6s %4d %4d %4d %4d\n", typ, a.Support,
			a.Precision(), a.Recall(), a.TP, a.FP, a.FN, a.Tolerated, l.Precision(), l.Recall(), l.TP, l.FP, l.FN, l.Tolerated)
	}
	return b.String()
}

// Split sorts a session's stored friction events into the server's
// detections (seq trailguide.FrictionSeq) and the SDK's live ones (its
// friction signals, seq >= 0, name = type). Exits are not detections.
func Split(events []*trailguide.Event) (server, live []Detection) {
	for _, e := range events {
		if e.Type != trailguide.EventFriction || e.Name == friction.Exit {
			continue
		}
		d := Detection{Type: e.Name, Selector: e.Selector}
		if e.Seq == trailguide.FrictionSeq {
			server = append(server, d)
		} else if e.Seq >= 0 {
			live = append(live, d)
		}
	}
	return server, live
}

// Count adds the detections per type to total.
func Count(total map[string]int, ds []Detection) {
	for _, d := range ds {
		total[d.Type]++
	}
}

// Run scores a harness journey by journey: both sides' scores, the tallies
// Check compares them with, and the misses and false positives by journey.
type Run struct {
	Server, Live           Scores
	totalServer, totalLive map[string]int
	notes                  strings.Builder
}

// NewRun starts an empty run.
func NewRun() *Run {
	return &Run{Server: NewScores(), Live: NewScores(), totalServer: map[string]int{}, totalLive: map[string]int{}}
}

// Add scores one journey's stored events against its label and returns the
// server's and the live detections, for a harness's own checks.
func (r *Run) Add(name string, lab Journey, events []*trailguide.Event) (server, live []Detection) {
	server, live = Split(events)
	Count(r.totalServer, server)
	Count(r.totalLive, live)
	srvNotes, liveNotes := r.Server.Journey(lab, server), r.Live.Journey(lab, live)
	if len(srvNotes)+len(liveNotes) > 0 {
		fmt.Fprintf(&r.notes, "%s\n", name)
		for _, x := range srvNotes {
			fmt.Fprintf(&r.notes, "    server %s\n", x)
		}
		for _, x := range liveNotes {
			fmt.Fprintf(&r.notes, "    live   %s\n", x)
		}
	}
	return server, live
}

// Check reports tallies that do not add up (every detection counted once).
func (r *Run) Check() []string {
	return append(r.Server.Check("server", r.totalServer), r.Live.Check("live", r.totalLive)...)
}

// Table is the precision and recall table of the run.
func (r *Run) Table(title string) string { return Table(title, r.Server, r.Live) }

// Notes lists the misses and false positives by journey.
func (r *Run) Notes() string { return "\nmisses and false positives by journey:\n" + r.notes.String() }
