package trailguide

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A guide is in-product guidance: a tooltip anchored to an element, a
// walkthrough of ordered steps (across pages), a hotspot (a beacon that
// opens a tooltip) or a modal. The server decides who is eligible
// (audience, frequency, interruption budget, holdout bucket; package
// guide); the SDK decides the moment (Trigger) and finds the anchor.

// Guide types.
const (
	GuideTooltip     = "tooltip"
	GuideWalkthrough = "walkthrough"
	GuideHotspot     = "hotspot"
	GuideModal       = "modal"
)

// Guide statuses. Only published guides are served to the SDK.
const (
	GuideDraft     = "draft"
	GuidePublished = "published"
	GuidePaused    = "paused"
)

// Trigger types: what makes an eligible guide show.
const (
	TriggerPageLoad   = "page_load"    // when the page (URL scope) loads
	TriggerClick      = "click"        // Selector clicked
	TriggerEvent      = "event"        // a custom event: trailguide.track(Event) or a DOM CustomEvent named Event
	TriggerTimeOnPage = "time_on_page" // Seconds on the page
	TriggerFriction   = "friction"     // a live friction detection (Friction kinds) on Selector
)

// Frequency modes.
const (
	FrequencyOnce           = "once"            // shown at most once per visitor
	FrequencyUntilCompleted = "until_completed" // until the visitor completes it
	FrequencyEverySession   = "every_session"   // at most once per session
	FrequencyMaxTimes       = "max_times"       // at most Max times per visitor
)

// Button actions.
const (
	ActionNext   = "next"
	ActionBack   = "back"
	ActionDone   = "done"
	ActionLink   = "link"   // open URL
	ActionCustom = "action" // run the host's registered action Name
)

// Guide signal names: a guide signal (EventGuide) carries one of these as
// its Name and the guide id in Props["guide_id"]; reasons in
// Props["reason"], steps in Props["step"].
const (
	GuideEventEligible   = "guide_eligible"
	GuideEventSuppressed = "guide_suppressed"
	GuideEventHeldOut    = "guide_held_out"
	GuideEventStepShown  = "step_shown"
	GuideEventStepDone   = "step_completed"
	GuideEventDismissed  = "guide_dismissed"
	GuideEventAnchorFail = "anchor_failed"
	// GuideEventShown and GuideEventCompleted are in segment.go.
)

// GuideEventNames lists every guide signal name the SDK may send.
var GuideEventNames = []string{
	GuideEventEligible, GuideEventSuppressed, GuideEventHeldOut, GuideEventShown, GuideEventStepShown,
	GuideEventStepDone, GuideEventDismissed, GuideEventCompleted, GuideEventAnchorFail,
}

// Guide limits.
const (
	DefaultHoldoutPercent = 10
	MaxGuideSteps         = 20
	MaxGuideButtons       = 4
	MaxGuideTitleLen      = 200
	MaxGuideBodyLen       = 5000
	MaxGuideNameLen       = 100
)

// Guide is one guide of a project, as authored. Version counts saves;
// every save is kept (GuideStore.GuideVersions).
type Guide struct {
	ID        string       `json:"id"`
	ProjectID string       `json:"project_id"`
	Name      string       `json:"name"`
	Type      string       `json:"type"`
	Status    string       `json:"status"`
	Version   int          `json:"version"`
	Steps     []GuideStep  `json:"steps"`
	Trigger   GuideTrigger `json:"trigger"`
	// Audience is the segment the visitor's current session must match;
	// nil is everyone.
	Audience *Filter `json:"audience,omitempty"`
	// URLScope are URL patterns (MatchURL) of the pages the guide may show
	// on; empty is every page.
	URLScope  []string       `json:"url_scope,omitempty"`
	Frequency GuideFrequency `json:"frequency"`
	// Priority orders guides competing for one visitor: higher first.
	Priority int `json:"priority"`
	// HoldoutPercent of eligible visitors (0-50) see nothing and are the
	// comparison group of the impact report; nil means the default 10.
	HoldoutPercent *int       `json:"holdout_percent"`
	Goal           *GuideGoal `json:"goal,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	UpdatedBy      string     `json:"updated_by,omitempty"`
}

// GuideStep is one step (a tooltip or modal is one step). Body is rich
// text in the safe subset (SanitizeGuideHTML in package guide): b, strong,
// i, em, a href (http, https, mailto), ul, ol, li, p, br.
type GuideStep struct {
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
	// Image is an http(s) URL shown above the body.
	Image string `json:"image,omitempty"`
	// Selector anchors the step (tooltip, hotspot, walkthrough); Text is
	// the fallback: the first element of the page whose own text is it.
	Selector string `json:"selector,omitempty"`
	Text     string `json:"text,omitempty"`
	// Page is the URL pattern the step shows on (walkthroughs across
	// pages); empty: any page in the guide's scope.
	Page      string        `json:"page,omitempty"`
	Placement string        `json:"placement,omitempty"` // top, bottom, left, right (Floating UI); bottom by default
	Buttons   []GuideButton `json:"buttons,omitempty"`
}

// GuideButton is a button of a step.
type GuideButton struct {
	Label  string `json:"label"`
	Action string `json:"action"`
	URL    string `json:"url,omitempty"`  // ActionLink
	Name   string `json:"name,omitempty"` // ActionCustom
}

// GuideTrigger says when an eligible guide shows.
type GuideTrigger struct {
	Type     string   `json:"type"`
	Selector string   `json:"selector,omitempty"` // click, friction
	Event    string   `json:"event,omitempty"`    // event
	Seconds  int      `json:"seconds,omitempty"`  // time_on_page
	Friction []string `json:"friction,omitempty"` // friction: kinds (rage_click, dead_click, error_click); empty is those three
}

// GuideFrequency caps how often one visitor sees a guide.
type GuideFrequency struct {
	Mode string `json:"mode"`
	Max  int    `json:"max,omitempty"` // FrequencyMaxTimes
}

// GuideGoal is what the impact report measures besides friction: a custom
// event (track name) or a page visited (URL pattern).
type GuideGoal struct {
	Event string `json:"event,omitempty"`
	Page  string `json:"page,omitempty"`
}

// Holdout is the guide's holdout percent with the default applied.
func (g *Guide) Holdout() int {
	if g.HoldoutPercent == nil {
		return DefaultHoldoutPercent
	}
	return *g.HoldoutPercent
}

// Anchor is the selector the guide's friction and impact refer to: the
// trigger's, else the first step's.
func (g *Guide) Anchor() string {
	if g.Trigger.Selector != "" {
		return g.Trigger.Selector
	}
	if len(g.Steps) > 0 {
		return g.Steps[0].Selector
	}
	return ""
}

// FrictionKinds are the live friction kinds the guide targets.
func (g *Guide) FrictionKinds() []string {
	if len(g.Trigger.Friction) > 0 {
		return g.Trigger.Friction
	}
	return []string{"rage_click", "dead_click", "error_click"}
}

// GuideAssignment is a visitor's first eligibility for a guide: which arm
// the holdout put them in. The impact report compares the arms.
type GuideAssignment struct {
	ProjectID string    `json:"project_id"`
	GuideID   string    `json:"guide_id"`
	VisitorID string    `json:"visitor_id"`
	SessionID string    `json:"session_id"`
	HeldOut   bool      `json:"held_out"`
	At        time.Time `json:"at"`
}

// GuideSignal is one guide signal of a visitor (shown, completed,
// dismissed), for frequency caps and the interruption budget.
type GuideSignal struct {
	GuideID   string
	SessionID string
	Name      string // GuideEventShown, GuideEventCompleted, ...
	Time      time.Time
}

// GuideOutcome is, per arm, how many assigned visitors there are and how
// many of them had the outcome after their assignment.
type GuideOutcome struct {
	Exposed, ExposedHit int
	Holdout, HoldoutHit int
}

// GuideImpactCounts are the raw counts of a guide's impact report.
type GuideImpactCounts struct {
	// Friction: visitors with a targeted friction signal on the anchor
	// after assignment.
	Friction GuideOutcome `json:"friction"`
	// Goal: visitors who reached the goal after assignment (zero without
	// a goal).
	Goal GuideOutcome `json:"goal"`
	// Shown and Dismissed count exposed-arm visitors who saw it and who
	// dismissed it; DismissedFriction, dismissers with friction after.
	Shown, Dismissed, DismissedFriction int
}

// GuideStore keeps guides, their versions and assignments, and answers the
// per-visitor and per-guide queries of eligibility and impact.
type GuideStore interface {
	// Guides lists a project's guides, newest first.
	Guides(ctx context.Context, projectID string) ([]*Guide, error)
	// Guide returns ENOTFOUND when id is not a guide of the project.
	Guide(ctx context.Context, projectID, id string) (*Guide, error)
	// SaveGuide creates the guide (Version 1) or replaces it, incrementing
	// its Version, and keeps the saved form as a version. The caller
	// validates and sanitises it (guide.Prepare). ECONFLICT when g.Version
	// is set and is not the stored version (a concurrent edit).
	SaveGuide(ctx context.Context, g *Guide) error
	// GuideVersions returns every saved version, newest first.
	GuideVersions(ctx context.Context, projectID, id string) ([]*Guide, error)
	// DeleteGuide returns ENOTFOUND when there is no such guide.
	DeleteGuide(ctx context.Context, projectID, id string) error
	// Assign records a's arm unless the visitor already has one for the
	// guide, and returns the stored assignment.
	Assign(ctx context.Context, a *GuideAssignment) (*GuideAssignment, error)
	// GuidesSeen returns the guide signals of a visitor's sessions since
	// a time.
	GuidesSeen(ctx context.Context, projectID, visitorID string, since time.Time) ([]*GuideSignal, error)
	// SessionMatches reports whether the session's index row matches the
	// segment filter; false (no error) when the session is not indexed.
	SessionMatches(ctx context.Context, projectID, sessionID string, f *Filter) (bool, error)
	// GuideImpact counts a guide's outcomes per arm (GuideImpactCounts).
	GuideImpact(ctx context.Context, g *Guide) (*GuideImpactCounts, error)
}

// ValidGuideLink reports whether u is an absolute http, https or mailto
// URL: the only links guide content may hold.
func ValidGuideLink(u string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != ""
	case "mailto":
		return p.Opaque != ""
	}
	return false
}

// ValidateGuide checks a guide's fields (not its body markup, which
// guide.Prepare sanitises). Reasons name the field ("steps[0].title").
func ValidateGuide(g *Guide) error {
	if g == nil {
		return Invalid("guide", "Guide required.")
	}
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" || len(g.Name) > MaxGuideNameLen {
		return Invalid("name", "Name must be 1 to %d characters.", MaxGuideNameLen)
	}
	switch g.Type {
	case GuideTooltip, GuideWalkthrough, GuideHotspot, GuideModal:
	default:
		return Invalid("type", "type must be tooltip, walkthrough, hotspot or modal.")
	}
	switch g.Status {
	case "":
		g.Status = GuideDraft
	case GuideDraft, GuidePublished, GuidePaused:
	default:
		return Invalid("status", "status must be draft, published or paused.")
	}
	if len(g.Steps) == 0 || len(g.Steps) > MaxGuideSteps {
		return Invalid("steps", "A guide has 1 to %d steps.", MaxGuideSteps)
	}
	if g.Type != GuideWalkthrough && len(g.Steps) != 1 {
		return Invalid("steps", "Only a walkthrough has more than one step.")
	}
	for i := range g.Steps {
		st := &g.Steps[i]
		path := "steps[" + strconv.Itoa(i) + "]"
		if st.Title = strings.TrimSpace(st.Title); st.Title == "" || len(st.Title) > MaxGuideTitleLen {
			return Invalid(path+".title", "A step's title is 1 to %d characters.", MaxGuideTitleLen)
		}
		if len(st.Body) > MaxGuideBodyLen {
			return Invalid(path+".body", "A step's body is at most %d bytes.", MaxGuideBodyLen)
		}
		if st.Image != "" && (!ValidGuideLink(st.Image) || strings.HasPrefix(strings.ToLower(st.Image), "mailto:")) {
			return Invalid(path+".image", "An image is an http or https URL.")
		}
		if len(st.Selector) > 500 || len(st.Text) > 200 || len(st.Page) > 500 {
			return Invalid(path+".selector", "Selector, text or page too long.")
		}
		if (g.Type == GuideTooltip || g.Type == GuideHotspot) && st.Selector == "" && st.Text == "" {
			return Invalid(path+".selector", "A %s needs an anchor: a selector or a text.", g.Type)
		}
		switch st.Placement {
		case "", "top", "bottom", "left", "right":
		default:
			return Invalid(path+".placement", "placement is top, bottom, left or right.")
		}
		if len(st.Buttons) > MaxGuideButtons {
			return Invalid(path+".buttons", "A step has at most %d buttons.", MaxGuideButtons)
		}
		for j, b := range st.Buttons {
			bp := path + ".buttons[" + strconv.Itoa(j) + "]"
			if b.Label = strings.TrimSpace(b.Label); b.Label == "" || len(b.Label) > 60 {
				return Invalid(bp+".label", "A button's label is 1 to 60 characters.")
			}
			st.Buttons[j].Label = b.Label
			switch b.Action {
			case ActionNext, ActionBack, ActionDone:
			case ActionLink:
				if !ValidGuideLink(b.URL) {
					return Invalid(bp+".url", "A link button needs an http, https or mailto URL.")
				}
			case ActionCustom:
				if !traitKeyRE.MatchString(b.Name) {
					return Invalid(bp+".name", "An action button needs a name of letters, digits, '_', '.' or '-'.")
				}
			default:
				return Invalid(bp+".action", "action is next, back, done, link or action.")
			}
		}
	}
	t := &g.Trigger
	switch t.Type {
	case "":
		t.Type = TriggerPageLoad
	case TriggerPageLoad:
	case TriggerClick:
		if t.Selector == "" {
			return Invalid("trigger.selector", "A click trigger needs a selector.")
		}
	case TriggerEvent:
		if t.Event == "" || len(t.Event) > 200 {
			return Invalid("trigger.event", "An event trigger needs an event name.")
		}
	case TriggerTimeOnPage:
		if t.Seconds < 1 || t.Seconds > 3600 {
			return Invalid("trigger.seconds", "seconds is 1 to 3600.")
		}
	case TriggerFriction:
		if t.Selector == "" && (len(g.Steps) == 0 || g.Steps[0].Selector == "") {
			return Invalid("trigger.selector", "A friction trigger needs the element's selector.")
		}
		for _, k := range t.Friction {
			switch k {
			case "rage_click", "dead_click", "error_click", "hesitation", "field_struggle", "thrashed_cursor":
			default:
				return Invalid("trigger.friction", "Unknown friction kind %q.", k)
			}
		}
	default:
		return Invalid("trigger.type", "trigger is page_load, click, event, time_on_page or friction.")
	}
	if err := ValidateFilter(g.Audience); err != nil {
		var e *Error
		if ok := asError(err, &e); ok {
			return Invalid("audience"+strings.TrimPrefix(e.Reason, "filter"), "%s", e.Message)
		}
		return err
	}
	if len(g.URLScope) > 20 {
		return Invalid("url_scope", "At most 20 URL patterns.")
	}
	for i, p := range g.URLScope {
		if p == "" || len(p) > 500 {
			return Invalid("url_scope["+strconv.Itoa(i)+"]", "A URL pattern is 1 to 500 characters.")
		}
	}
	f := &g.Frequency
	switch f.Mode {
	case "":
		f.Mode = FrequencyOnce
	case FrequencyOnce, FrequencyUntilCompleted, FrequencyEverySession:
	case FrequencyMaxTimes:
		if f.Max < 1 || f.Max > 1000 {
			return Invalid("frequency.max", "max is 1 to 1000.")
		}
	default:
		return Invalid("frequency.mode", "frequency is once, until_completed, every_session or max_times.")
	}
	if g.Priority < -1000 || g.Priority > 1000 {
		return Invalid("priority", "priority is -1000 to 1000.")
	}
	if g.HoldoutPercent == nil {
		h := DefaultHoldoutPercent
		g.HoldoutPercent = &h
	} else if *g.HoldoutPercent < 0 || *g.HoldoutPercent > 50 {
		return Invalid("holdout_percent", "holdout_percent is 0 to 50.")
	}
	if gl := g.Goal; gl != nil {
		if (gl.Event == "") == (gl.Page == "") {
			return Invalid("goal", "A goal is exactly one of an event or a page.")
		}
	}
	return nil
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}
