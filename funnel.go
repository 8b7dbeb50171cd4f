package trailguide

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Funnel step kinds.
const (
	StepPageview = "pageview" // URL: a pattern (MatchURL), required
	StepClick    = "click"    // Selector, required
	StepEvent    = "event"    // Name: the custom (track) event, required
	StepSubmit   = "submit"   // Selector of the form, optional
	StepGuide    = "guide"    // Name: the guide id; completed (GuideEventCompleted)
)

// Funnel orders.
const (
	// OrderSequential: each step after the previous one, anything may
	// happen in between.
	OrderSequential = "sequential"
	// OrderStrict: each step the very next step-kind event (pageview,
	// click, submit, custom event or guide event) after the previous
	// step; scrolls, inputs, hovers and the like do not break it.
	OrderStrict = "strict"
	// OrderAny: step i is reached when steps 1..i have all happened, in
	// any order, each by its own event.
	OrderAny = "any"
)

// Funnel counting units.
const (
	CountSessions = "session"
	CountVisitors = "visitor" // a visitor's sessions form one stream; the window may span them
)

// Funnel limits.
const (
	MaxFunnelSteps   = 10
	MaxFunnelWindow  = 90 * 24 * time.Hour
	MaxFunnelCompare = 4
)

// StepTypes are the event types that count as steps in OrderStrict.
var StepTypes = []string{EventPageview, EventClick, EventSubmit, EventTrack, EventGuide}

// FunnelStep is one step of a funnel.
type FunnelStep struct {
	Kind     string `json:"kind"`
	Label    string `json:"label,omitempty"`
	URL      string `json:"url,omitempty"` // pageview: the page pattern; other kinds: an optional page pattern
	Selector string `json:"selector,omitempty"`
	Name     string `json:"name,omitempty"`
	// Props are extra conditions on the step's event, all of which must
	// hold.
	Props []StepProp `json:"props,omitempty"`
}

// StepProp is a condition on a step's event. Key is "url", "text",
// "selector", "name" or "props.NAME" (a property of a custom event); Op is
// eq, neq, contains, prefix, matches (URL pattern), exists, gt, gte, lt
// or lte (numbers).
type StepProp struct {
	Key   string `json:"key"`
	Op    string `json:"op"`
	Value string `json:"value,omitempty"`
}

// Funnel is a funnel definition; saved ones have an ID and a Name.
type Funnel struct {
	ID        string       `json:"id,omitempty"`
	ProjectID string       `json:"project_id,omitempty"`
	Name      string       `json:"name,omitempty"`
	Steps     []FunnelStep `json:"steps"`
	Order     string       `json:"order,omitempty"`    // OrderSequential by default
	CountBy   string       `json:"count_by,omitempty"` // CountSessions by default
	// WindowMS bounds the time from the first step to the last reached;
	// 0 is no bound (a session, or every session of a visitor).
	WindowMS  int64     `json:"window_ms,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Window is WindowMS as a duration.
func (f *Funnel) Window() time.Duration { return time.Duration(f.WindowMS) * time.Millisecond }

// StepName is the step's label or a description of it.
func (s *FunnelStep) StepName() string {
	if s.Label != "" {
		return s.Label
	}
	switch s.Kind {
	case StepPageview:
		return "Viewed " + s.URL
	case StepClick:
		return "Clicked " + s.Selector
	case StepEvent:
		return s.Name
	case StepSubmit:
		if s.Selector != "" {
			return "Submitted " + s.Selector
		}
		return "Submitted a form"
	case StepGuide:
		return "Completed guide " + s.Name
	}
	return s.Kind
}

var propKeyRE = regexp.MustCompile(`^(url|text|selector|name|props\.[A-Za-z0-9_.\-]{1,64})$`)

// ValidateFunnel checks a funnel definition and fills in the defaults
// (order, count_by). Reasons are paths ("steps[1].url").
func ValidateFunnel(f *Funnel) error {
	if f == nil {
		return Invalid("funnel", "Funnel required.")
	}
	if len(f.Steps) < 1 || len(f.Steps) > MaxFunnelSteps {
		return Invalid("steps", "A funnel has 1 to %d steps.", MaxFunnelSteps)
	}
	switch f.Order {
	case "":
		f.Order = OrderSequential
	case OrderSequential, OrderStrict, OrderAny:
	default:
		return Invalid("order", "order must be sequential, strict or any.")
	}
	switch f.CountBy {
	case "":
		f.CountBy = CountSessions
	case CountSessions, CountVisitors:
	default:
		return Invalid("count_by", "count_by must be session or visitor.")
	}
	if f.WindowMS < 0 || f.Window() > MaxFunnelWindow {
		return Invalid("window_ms", "window_ms must be from 0 (no limit) to %d.", MaxFunnelWindow.Milliseconds())
	}
	if len(f.Name) > MaxSegmentNameLen {
		return Invalid("name", "Name must be at most %d characters.", MaxSegmentNameLen)
	}
	for i := range f.Steps {
		s := &f.Steps[i]
		path := fmt.Sprintf("steps[%d]", i)
		for _, v := range []string{s.URL, s.Selector, s.Name, s.Label} {
			if len(v) > MaxSegmentValueLen {
				return Invalid(path, "Step values are at most %d bytes.", MaxSegmentValueLen)
			}
		}
		switch s.Kind {
		case StepPageview:
			if s.URL == "" {
				return Invalid(path+".url", "A pageview step needs a URL or pattern.")
			}
		case StepClick:
			if s.Selector == "" {
				return Invalid(path+".selector", "A click step needs a selector.")
			}
		case StepEvent:
			if s.Name == "" {
				return Invalid(path+".name", "An event step needs the event name.")
			}
		case StepGuide:
			if s.Name == "" {
				return Invalid(path+".name", "A guide step needs the guide id.")
			}
		case StepSubmit:
		default:
			return Invalid(path+".kind", "kind must be pageview, click, event, submit or guide.")
		}
		if len(s.Props) > 10 {
			return Invalid(path+".props", "A step has at most 10 property filters.")
		}
		for j, p := range s.Props {
			pp := fmt.Sprintf("%s.props[%d]", path, j)
			if !propKeyRE.MatchString(p.Key) {
				return Invalid(pp+".key", "key must be url, text, selector, name or props.NAME.")
			}
			switch p.Op {
			case OpEq, OpNeq, OpContains, OpPrefix, OpMatches, OpExists:
			case OpGt, OpGte, OpLt, OpLte:
				if _, err := strconv.ParseFloat(p.Value, 64); err != nil {
					return Invalid(pp+".value", "%s takes a number.", p.Op)
				}
			default:
				return Invalid(pp+".op", "Unknown op %q.", p.Op)
			}
			if len(p.Value) > MaxSegmentValueLen {
				return Invalid(pp+".value", "Values are at most %d bytes.", MaxSegmentValueLen)
			}
		}
	}
	return nil
}

// StepEventType is the event type a step kind matches.
func StepEventType(kind string) string {
	switch kind {
	case StepEvent:
		return EventTrack
	case StepGuide:
		return EventGuide
	}
	return kind // pageview, click, submit
}

// MatchStep reports whether an event is an occurrence of a step.
func MatchStep(s *FunnelStep, e *Event) bool {
	if e.Type != StepEventType(s.Kind) {
		return false
	}
	switch s.Kind {
	case StepPageview:
		if !MatchURL(s.URL, e.URL) {
			return false
		}
	case StepClick:
		if e.Selector != s.Selector {
			return false
		}
	case StepSubmit:
		if s.Selector != "" && e.Selector != s.Selector {
			return false
		}
	case StepEvent:
		if e.Name != s.Name {
			return false
		}
	case StepGuide:
		if e.Name != GuideEventCompleted || eventProp(e, "guide_id") != s.Name {
			return false
		}
	}
	if s.Kind != StepPageview && s.URL != "" && !MatchURL(s.URL, e.URL) {
		return false
	}
	for _, p := range s.Props {
		if !matchProp(p, e) {
			return false
		}
	}
	return true
}

func eventProp(e *Event, name string) string {
	if len(e.Data) == 0 {
		return ""
	}
	var d struct {
		Props map[string]any `json:"props"`
	}
	if json.Unmarshal(e.Data, &d) != nil {
		return ""
	}
	switch v := d.Props[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func matchProp(p StepProp, e *Event) bool {
	var v string
	switch p.Key {
	case "url":
		v = e.URL
	case "text":
		v = e.Text
	case "selector":
		v = e.Selector
	case "name":
		v = e.Name
	default:
		v = eventProp(e, strings.TrimPrefix(p.Key, "props."))
	}
	switch p.Op {
	case OpEq:
		return v == p.Value
	case OpNeq:
		return v != p.Value
	case OpContains:
		return strings.Contains(v, p.Value)
	case OpPrefix:
		return strings.HasPrefix(v, p.Value)
	case OpMatches:
		return MatchURL(p.Value, v)
	case OpExists:
		return v != ""
	}
	x, err1 := strconv.ParseFloat(v, 64)
	y, err2 := strconv.ParseFloat(p.Value, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch p.Op {
	case OpGt:
		return x > y
	case OpGte:
		return x >= y
	case OpLt:
		return x < y
	case OpLte:
		return x <= y
	}
	return false
}

// FunnelQuery asks for a funnel's results over the sessions that started
// in [From, To) and match Segment.
type FunnelQuery struct {
	ProjectID string  `json:"-"`
	Funnel    Funnel  `json:"funnel"`
	From      string  `json:"from,omitempty"` // RFC 3339 or ms
	To        string  `json:"to,omitempty"`
	Segment   *Filter `json:"segment,omitempty"`
	// Breakdown splits the results by one session property
	// (BreakdownFields; "trait" with BreakdownKey). A visitor counts in
	// the group of the session where they entered the funnel.
	Breakdown    string `json:"breakdown,omitempty"`
	BreakdownKey string `json:"breakdown_key,omitempty"`
	// Compare lists segments to show side by side (each within Segment).
	Compare []NamedFilter `json:"compare,omitempty"`
}

// NamedFilter is a segment filter with a display name.
type NamedFilter struct {
	Name   string  `json:"name"`
	Filter *Filter `json:"filter"`
}

// FunnelStepResult is one step's figures.
type FunnelStepResult struct {
	Name string `json:"name"`
	// Entered counts the units that reached the step; Converted those that
	// went on to the next one (the last step: Entered); DroppedOff the
	// difference.
	Entered    int `json:"entered"`
	Converted  int `json:"converted"`
	DroppedOff int `json:"dropped_off"`
	// ConversionRate is Entered over the first step's Entered; StepRate
	// over the previous step's (1 for the first step; 0 when nobody
	// entered).
	ConversionRate float64 `json:"conversion_rate"`
	StepRate       float64 `json:"step_rate"`
	// MedianMS and P90MS are the time from the previous step to this one
	// among those who reached it (0 for the first step).
	MedianMS int64 `json:"median_ms"`
	P90MS    int64 `json:"p90_ms"`
}

// FunnelGroup is the funnel over one group of units.
type FunnelGroup struct {
	Name  string             `json:"name"`
	Units int                `json:"units"` // units in the group with at least one session
	Steps []FunnelStepResult `json:"steps"`
}

// FunnelResult answers a FunnelQuery.
type FunnelResult struct {
	Funnel Funnel             `json:"funnel"`
	From   time.Time          `json:"from,omitzero"`
	To     time.Time          `json:"to,omitzero"`
	Steps  []FunnelStepResult `json:"steps"`
	// Breakdown has one group per value of the breakdown property, most
	// entered first; Compare one per compared segment, in order.
	Breakdown []FunnelGroup `json:"breakdown,omitempty"`
	Compare   []FunnelGroup `json:"compare,omitempty"`
}

// Drill-down outcomes.
const (
	OutcomeDropped   = "dropped"   // reached the step, not the next
	OutcomeConverted = "converted" // reached the step and the next
)

// FunnelSessionsQuery lists the units at a step of a funnel by outcome.
type FunnelSessionsQuery struct {
	FunnelQuery
	Step    int    `json:"step"`
	Outcome string `json:"outcome"`
	Limit   int    `json:"limit,omitempty"`
}

// FunnelUnit is one session (or visitor) of a drill-down, pointing at the
// moment of the last step it reached: the replay opens there.
type FunnelUnit struct {
	SessionID string    `json:"session_id"`
	VisitorID string    `json:"visitor_id"`
	WindowID  string    `json:"window_id"`
	At        time.Time `json:"at"` // time of the last step reached
	Reached   int       `json:"reached"`
	// StepTimes are the times of the steps reached, in step order.
	StepTimes []time.Time `json:"step_times"`
}

// FunnelSessions is a drill-down page.
type FunnelSessions struct {
	Total int           `json:"total"`
	Units []*FunnelUnit `json:"units"`
}

// FunnelService computes funnels (analytics implements it over a
// FunnelStore).
type FunnelService interface {
	Funnel(ctx context.Context, q *FunnelQuery) (*FunnelResult, error)
	FunnelSessions(ctx context.Context, q *FunnelSessionsQuery) (*FunnelSessions, error)
}

// FunnelScan selects what a funnel is computed from: the sessions of a
// project that started in [From, To) and match Segment, each with its
// events of Types (and, with Friction, its server friction detections and
// errors).
type FunnelScan struct {
	ProjectID    string
	From, To     time.Time
	Segment      *Filter
	Types        []string
	Friction     bool
	Breakdown    string // a BreakdownFields field: FunnelSession.Group is its value
	BreakdownKey string
	// ByVisitor delivers each visitor's sessions one after another,
	// oldest first.
	ByVisitor bool
	// AllSessions delivers the sessions without any such event too (with
	// no events), so that rates can count every session.
	AllSessions bool
	// Steps, when set, lets the store leave out the events of Types that
	// cannot match any of these steps (MatchStep without the property
	// filters); it must not leave out one that can.
	Steps []FunnelStep
}

// FunnelSession is one session of a scan with its events in time order
// (then seq, index, window).
type FunnelSession struct {
	ID        string
	VisitorID string
	StartedAt time.Time
	Group     string
	Events    []*Event
}

// FunnelStore is what the funnel engine reads. Backends implement it on
// the same database as their SessionStore.
type FunnelStore interface {
	ScanFunnel(ctx context.Context, q *FunnelScan, fn func(*FunnelSession) error) error
}

// DropQuery asks why units dropped off after a step of a funnel.
type DropQuery struct {
	FunnelQuery
	Step  int `json:"step"`
	Limit int `json:"limit,omitempty"` // factors returned; 20 by default
}

// Drop factor kinds.
const (
	FactorFriction = "friction" // a server friction detection (Signal) on an element
	FactorError    = "error"    // a JavaScript error or failed request (Name is the message)
	FactorElement  = "element"  // a click on an element
)

// DropFactor is something over-represented among the units that dropped
// off after a step compared with those that went on: counted once per
// unit, from the moment the unit reached the step until it reached the
// next one (converted) or its stream ended (dropped).
type DropFactor struct {
	Kind     string `json:"kind"`
	Signal   string `json:"signal,omitempty"`
	Selector string `json:"selector,omitempty"`
	URL      string `json:"url,omitempty"` // the page's path (URLPath)
	Name     string `json:"name,omitempty"`
	Text     string `json:"text,omitempty"`
	// Dropped and Converted count the units of each group with the factor;
	// the rates divide by the group's size.
	Dropped       int     `json:"dropped"`
	Converted     int     `json:"converted"`
	DroppedRate   float64 `json:"dropped_rate"`
	ConvertedRate float64 `json:"converted_rate"`
	// Lift is DroppedRate over ConvertedRate with 0.5 added to each count
	// (so it is finite when no converter had the factor).
	Lift float64 `json:"lift"`
	// ConversionsLost estimates the conversions the factor cost: the units
	// with it times how much lower their conversion rate was than that of
	// the units without it (0 when it was not lower).
	ConversionsLost float64 `json:"conversions_lost"`
	// CILow and CIHigh bound the difference DroppedRate - ConvertedRate
	// (95 %, Newcombe's score interval); PValue is the two-proportion z
	// test of that difference.
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
	PValue float64 `json:"p_value"`
	// Examples are dropped units with the factor, At the moment it
	// happened (latest first, at most 5).
	Examples []*FunnelUnit `json:"examples"`
}

// DropReport answers a DropQuery.
type DropReport struct {
	Step      int           `json:"step"`
	Dropped   int           `json:"dropped"`
	Converted int           `json:"converted"`
	Factors   []*DropFactor `json:"factors"`
}

// StruggleQuery asks for friction rates by segment dimension: sessions that
// started in [From, To) and match Segment.
type StruggleQuery struct {
	ProjectID string  `json:"-"`
	From      string  `json:"from,omitempty"`
	To        string  `json:"to,omitempty"`
	Segment   *Filter `json:"segment,omitempty"`
	// Dimensions are BreakdownFields ("trait:role" for a trait); a default
	// set when empty.
	Dimensions []string `json:"dimensions,omitempty"`
	Limit      int      `json:"limit,omitempty"`
}

// StruggleRow is one group's rate of one friction signal (on one element,
// when Selector is set) against everyone else's.
type StruggleRow struct {
	Dimension  string  `json:"dimension"`
	Value      string  `json:"value"`
	Signal     string  `json:"signal"`
	Selector   string  `json:"selector,omitempty"`
	Sessions   int     `json:"sessions"`    // sessions in the group
	WithSignal int     `json:"with_signal"` // of them, with the signal
	Rate       float64 `json:"rate"`
	OtherRate  float64 `json:"other_rate"` // the rate among the other sessions
	// Ratio is Rate over OtherRate with 0.5 added to each count.
	Ratio       float64 `json:"ratio"`
	PValue      float64 `json:"p_value"`
	Significant bool    `json:"significant"` // PValue < 0.05
}

// StruggleReport answers a StruggleQuery, most significant first.
type StruggleReport struct {
	Sessions int            `json:"sessions"`
	Rows     []*StruggleRow `json:"rows"`
}

// InsightService explains funnels and friction (analytics implements it).
type InsightService interface {
	Dropoff(ctx context.Context, q *DropQuery) (*DropReport, error)
	Struggles(ctx context.Context, q *StruggleQuery) (*StruggleReport, error)
}

// FunnelDefStore keeps the saved funnels of projects (ID, Name, Steps,
// Order, CountBy, WindowMS).
type FunnelDefStore interface {
	// Funnels lists a project's saved funnels by name.
	Funnels(ctx context.Context, projectID string) ([]*Funnel, error)
	// SaveFunnel creates the funnel or replaces the one with its (ProjectID,
	// ID); ECONFLICT when another funnel of the project has the name. The
	// caller validates it (ValidateFunnel, and a non-empty Name).
	SaveFunnel(ctx context.Context, f *Funnel) error
	// DeleteFunnel returns ENOTFOUND when there is no such funnel.
	DeleteFunnel(ctx context.Context, projectID, id string) error
}
