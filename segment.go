package trailguide

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A segment is a filter over sessions: one model used by the session list,
// funnels, the friction reports and (later) heatmaps and guide targeting.
// Its JSON form (docs/API.md, "Segments") is a tree of groups and
// conditions:
//
//	{"and": [
//	  {"field": "utm_source", "op": "eq", "value": "google"},
//	  {"or": [{"field": "trait", "key": "role", "op": "eq", "value": "admin"},
//	          {"field": "device", "op": "in", "values": ["mobile", "tablet"]}]},
//	  {"not": {"field": "friction", "value": "rage_click", "selector": "#plan"}}
//	]}
//
// A node is exactly one of a group (and/or), a negation (not) or a
// condition (field). Backends compile it to their query language; the
// semantics of each field are documented on the Field constants and must be
// the same everywhere (the storetest conformance suite checks them).

// Segment fields: acquisition.
const (
	FieldUTMSource        = "utm_source"   // the session's entry-page UTM
	FieldUTMMedium        = "utm_medium"   //
	FieldUTMCampaign      = "utm_campaign" //
	FieldFirstUTMSource   = "first_utm_source"
	FieldFirstUTMMedium   = "first_utm_medium"   // first touch: the UTM of the
	FieldFirstUTMCampaign = "first_utm_campaign" // visitor's earliest session
	FieldReferrerDomain   = "referrer_domain"    // host of the referrer, "www." removed; "" when direct
	FieldLandingPage      = "landing_page"       // the entry URL (patterns match its path, see MatchURL)
)

// Segment fields: who and on what.
const (
	FieldUserID    = "user_id"
	FieldTrait     = "trait" // Key names the identify trait; Type says how to compare
	FieldDevice    = "device"
	FieldBrowser   = "browser"
	FieldOS        = "os"
	FieldLanguage  = "language"   // as the browser reports it, e.g. "en-GB"
	FieldViewportW = "viewport_w" // CSS pixels of the first page's viewport
	FieldViewportH = "viewport_h"
	FieldVisitor   = "visitor" // "new": the visitor's first session; "returning": not
)

// Segment fields: the session itself and what happened in it. The
// behaviour fields (visited ... guide) take no op: they hold when the
// session has a matching event; negate them with "not".
const (
	FieldStartedAt = "started_at" // RFC 3339 or ms since the epoch; ops gte, lt
	FieldDuration  = "duration"   // seconds
	FieldErrors    = "errors"     // count of error signals
	FieldVisited   = "visited"    // Value: a URL pattern (MatchURL) of a pageview
	FieldEvent     = "event"      // Value: the name of a custom (track) event
	FieldClicked   = "clicked"    // Value: the selector of a click, exactly
	FieldSubmitted = "submitted"  // Value: the form selector of a submit, exactly; "" any form
	FieldFriction  = "friction"   // Value: a signal type (server detection); Selector: optionally the element
	FieldGuide     = "guide"      // Value: a guide id; Action: GuideSeen (default) or GuideCompleted
)

// Condition operators. Which a field accepts is in segmentFields.
const (
	OpEq       = "eq"
	OpNeq      = "neq"
	OpIn       = "in" // Values
	OpContains = "contains"
	OpPrefix   = "prefix"
	OpMatches  = "matches" // a URL pattern (MatchURL)
	OpExists   = "exists"  // the value is not empty
	OpGt       = "gt"
	OpGte      = "gte"
	OpLt       = "lt"
	OpLte      = "lte"
)

// Trait value types (Condition.Type for FieldTrait). Traits are sent as
// strings; a number or bool condition holds only for a value that parses
// as one.
const (
	TraitString = "string"
	TraitNumber = "number"
	TraitBool   = "bool"
)

// Guide actions of FieldGuide, and the guide signal names they match (a
// guide signal's Name is its kind; the guide id is in Props["guide_id"]).
const (
	GuideSeen      = "seen"
	GuideCompleted = "completed"

	GuideEventShown     = "guide_shown"
	GuideEventCompleted = "guide_completed"
)

// Visitor kinds of FieldVisitor.
const (
	VisitorNew       = "new"
	VisitorReturning = "returning"
)

// Segment limits.
const (
	MaxSegmentDepth      = 6
	MaxSegmentConditions = 50
	MaxSegmentValueLen   = 1000
	MaxSegmentNameLen    = 100
)

// Filter is one node of a segment: a group, a negation or a condition.
type Filter struct {
	And []*Filter `json:"and,omitempty"`
	Or  []*Filter `json:"or,omitempty"`
	Not *Filter   `json:"not,omitempty"`
	*Condition
}

// Condition is a leaf of a segment.
type Condition struct {
	Field    string   `json:"field"`
	Op       string   `json:"op,omitempty"`
	Key      string   `json:"key,omitempty"`  // FieldTrait: the trait name
	Type     string   `json:"type,omitempty"` // FieldTrait: TraitString (default), TraitNumber, TraitBool
	Value    string   `json:"value,omitempty"`
	Values   []string `json:"values,omitempty"`   // OpIn
	Selector string   `json:"selector,omitempty"` // FieldFriction: the element
	Action   string   `json:"action,omitempty"`   // FieldGuide
}

// Segment is a saved, named filter of a project.
type Segment struct {
	ID        string    `json:"id"`
	ProjectID string    `json:"project_id"`
	Name      string    `json:"name"`
	Filter    *Filter   `json:"filter"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SegmentStore keeps the saved segments of projects.
type SegmentStore interface {
	// Segments lists a project's segments by name.
	Segments(ctx context.Context, projectID string) ([]*Segment, error)
	// Segment returns ENOTFOUND when id is not a segment of the project.
	Segment(ctx context.Context, projectID, id string) (*Segment, error)
	// SaveSegment creates the segment or, when its (ProjectID, ID) exists,
	// replaces its name and filter. ECONFLICT when another segment of the
	// project has the name. The caller validates it (ValidateSegment).
	SaveSegment(ctx context.Context, s *Segment) error
	// DeleteSegment returns ENOTFOUND when there is no such segment.
	DeleteSegment(ctx context.Context, projectID, id string) error
}

type fieldKind int

const (
	kindString   fieldKind = iota // eq neq in contains prefix exists
	kindURL                       // the string ops plus matches
	kindEnum                      // eq neq in
	kindNumber                    // eq neq gt gte lt lte
	kindTime                      // gte lt
	kindBehavior                  // no op
)

var segmentFields = map[string]fieldKind{
	FieldUTMSource: kindString, FieldUTMMedium: kindString, FieldUTMCampaign: kindString,
	FieldFirstUTMSource: kindString, FieldFirstUTMMedium: kindString, FieldFirstUTMCampaign: kindString,
	FieldReferrerDomain: kindString, FieldLandingPage: kindURL,
	FieldUserID: kindString, FieldTrait: kindString, FieldDevice: kindEnum, FieldBrowser: kindString,
	FieldOS: kindString, FieldLanguage: kindString, FieldViewportW: kindNumber, FieldViewportH: kindNumber,
	FieldVisitor: kindEnum, FieldStartedAt: kindTime, FieldDuration: kindNumber, FieldErrors: kindNumber,
	FieldVisited: kindBehavior, FieldEvent: kindBehavior, FieldClicked: kindBehavior,
	FieldSubmitted: kindBehavior, FieldFriction: kindBehavior, FieldGuide: kindBehavior,
}

var kindOps = map[fieldKind][]string{
	kindString: {OpEq, OpNeq, OpIn, OpContains, OpPrefix, OpExists},
	kindURL:    {OpEq, OpNeq, OpIn, OpContains, OpPrefix, OpExists, OpMatches},
	kindEnum:   {OpEq, OpNeq, OpIn},
	kindNumber: {OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte},
	kindTime:   {OpGte, OpLt},
}

// SegmentFields lists the fields a condition may use, for the dashboard's
// filter bar and for breakdowns.
func SegmentFields() []string {
	out := make([]string, 0, len(segmentFields))
	for f := range segmentFields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// BreakdownFields are the session properties a funnel can be broken down
// by: one value per session.
var BreakdownFields = []string{
	FieldUTMSource, FieldUTMMedium, FieldUTMCampaign, FieldFirstUTMSource, FieldFirstUTMMedium,
	FieldFirstUTMCampaign, FieldReferrerDomain, FieldLandingPage, FieldDevice, FieldBrowser, FieldOS,
	FieldLanguage, FieldVisitor, FieldTrait,
}

var traitKeyRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)

// ValidateSegment checks a saved segment's name and filter.
func ValidateSegment(s *Segment) error {
	if s == nil {
		return Invalid("segment", "Segment required.")
	}
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" || len(s.Name) > MaxSegmentNameLen {
		return Invalid("name", "Name must be 1 to %d characters.", MaxSegmentNameLen)
	}
	if s.Filter == nil {
		return Invalid("filter", "Filter required.")
	}
	return ValidateFilter(s.Filter)
}

// ValidateFilter checks a segment filter; nil is valid and matches every
// session. The error's reason is the path of the bad node
// ("filter.and[1].value").
func ValidateFilter(f *Filter) error {
	if f == nil {
		return nil
	}
	n := 0
	return validateNode(f, "filter", 1, &n)
}

func validateNode(f *Filter, path string, depth int, n *int) error {
	if f == nil {
		return Invalid(path, "Empty filter node.")
	}
	if depth > MaxSegmentDepth {
		return Invalid(path, "Filters nest at most %d deep.", MaxSegmentDepth)
	}
	kinds := 0
	if f.And != nil {
		kinds++
	}
	if f.Or != nil {
		kinds++
	}
	if f.Not != nil {
		kinds++
	}
	if f.Condition != nil {
		kinds++
	}
	if kinds != 1 {
		return Invalid(path, "A filter node is exactly one of and, or, not or a condition (field).")
	}
	switch {
	case f.And != nil || f.Or != nil:
		list, name := f.And, "and"
		if f.Or != nil {
			list, name = f.Or, "or"
		}
		if len(list) == 0 {
			return Invalid(path+"."+name, "An empty %s group.", name)
		}
		for i, c := range list {
			if err := validateNode(c, path+"."+name+"["+strconv.Itoa(i)+"]", depth+1, n); err != nil {
				return err
			}
		}
		return nil
	case f.Not != nil:
		return validateNode(f.Not, path+".not", depth+1, n)
	}
	*n++
	if *n > MaxSegmentConditions {
		return Invalid(path, "A filter has at most %d conditions.", MaxSegmentConditions)
	}
	return validateCondition(f.Condition, path)
}

func validateCondition(c *Condition, path string) error {
	kind, ok := segmentFields[c.Field]
	if !ok {
		return Invalid(path+".field", "Unknown field %q.", c.Field)
	}
	for _, v := range append([]string{c.Value, c.Key, c.Selector}, c.Values...) {
		if len(v) > MaxSegmentValueLen {
			return Invalid(path+".value", "Values are at most %d bytes.", MaxSegmentValueLen)
		}
	}
	if c.Field == FieldTrait {
		if !traitKeyRE.MatchString(c.Key) {
			return Invalid(path+".key", "Trait name must be 1 to 64 letters, digits, '_', '.' or '-'.")
		}
		switch c.Type {
		case "", TraitString:
		case TraitNumber:
			kind = kindNumber
		case TraitBool:
			kind = kindEnum
		default:
			return Invalid(path+".type", "type must be string, number or bool.")
		}
	} else if c.Key != "" || c.Type != "" {
		return Invalid(path+".key", "Only trait conditions take a key and a type.")
	}
	if c.Selector != "" && c.Field != FieldFriction {
		return Invalid(path+".selector", "Only friction conditions take a selector.")
	}
	if c.Action != "" && c.Field != FieldGuide {
		return Invalid(path+".action", "Only guide conditions take an action.")
	}
	if kind == kindBehavior {
		if c.Op != "" {
			return Invalid(path+".op", "Field %s takes no op; negate it with not.", c.Field)
		}
		switch c.Field {
		case FieldSubmitted:
		case FieldFriction:
			if c.Value == "" && c.Selector == "" {
				return Invalid(path+".value", "A friction condition needs a signal or a selector.")
			}
		case FieldGuide:
			if c.Action != "" && c.Action != GuideSeen && c.Action != GuideCompleted {
				return Invalid(path+".action", "action must be seen or completed.")
			}
			fallthrough
		default:
			if c.Value == "" {
				return Invalid(path+".value", "Field %s needs a value.", c.Field)
			}
		}
		return nil
	}
	if c.Op == "" {
		return Invalid(path+".op", "op required.")
	}
	allowed := false
	for _, op := range kindOps[kind] {
		allowed = allowed || op == c.Op
	}
	if !allowed {
		return Invalid(path+".op", "Field %s does not take op %q.", c.Field, c.Op)
	}
	if c.Op == OpIn {
		if len(c.Values) == 0 || len(c.Values) > 100 {
			return Invalid(path+".values", "in takes 1 to 100 values.")
		}
		if c.Value != "" {
			return Invalid(path+".value", "in takes values, not value.")
		}
	} else if len(c.Values) > 0 {
		return Invalid(path+".values", "Only in takes values.")
	}
	vals := c.Values
	if c.Op != OpIn && c.Op != OpExists {
		vals = []string{c.Value}
	}
	for _, v := range vals {
		switch {
		case kind == kindNumber:
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return Invalid(path+".value", "Field %s takes a number.", c.Field)
			}
		case kind == kindTime:
			if _, err := ParseTimeValue(v); err != nil {
				return Invalid(path+".value", "Field %s takes an RFC 3339 time or ms since the epoch.", c.Field)
			}
		case c.Field == FieldDevice:
			if v != DeviceDesktop && v != DeviceTablet && v != DeviceMobile {
				return Invalid(path+".value", "device is desktop, tablet or mobile.")
			}
		case c.Field == FieldVisitor:
			if v != VisitorNew && v != VisitorReturning {
				return Invalid(path+".value", "visitor is new or returning.")
			}
		case c.Field == FieldTrait && c.Type == TraitBool:
			if v != "true" && v != "false" {
				return Invalid(path+".value", "A bool trait is true or false.")
			}
		}
	}
	return nil
}

// ParseTimeValue reads an RFC 3339 time or milliseconds since the epoch.
func ParseTimeValue(v string) (time.Time, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 {
		return time.UnixMilli(ms).UTC(), nil
	}
	return time.Parse(time.RFC3339Nano, v)
}

// ParseFilter decodes and validates a filter's JSON form; empty input is a
// nil filter.
func ParseFilter(b []byte) (*Filter, error) {
	if len(strings.TrimSpace(string(b))) == 0 || string(b) == "null" {
		return nil, nil
	}
	var f Filter
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, Invalid("filter", "Invalid filter JSON: %s.", err.Error())
	}
	if err := ValidateFilter(&f); err != nil {
		return nil, err
	}
	return &f, nil
}

// AndFilters joins filters with "and", leaving out nil ones; nil when all
// are.
func AndFilters(fs ...*Filter) *Filter {
	var list []*Filter
	for _, f := range fs {
		if f != nil {
			list = append(list, f)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return &Filter{And: list}
}

// URLPath is the page of a URL as patterns see it: its path, plus the
// fragment when it is a route (#/… or #!…), without query; "/" for an
// empty path. A string that does not parse is kept as it is.
func URLPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if f := u.EscapedFragment(); strings.HasPrefix(f, "/") || strings.HasPrefix(f, "!") {
		f, _, _ = strings.Cut(f, "?")
		p += "#" + f
	}
	return p
}

// MatchURL reports whether a page URL matches a pattern. A pattern is
// matched against the URL's path (URLPath), or against the whole URL when
// it contains "://"; '*' matches any run of characters (slashes
// included), everything else itself, case-sensitively. A pattern with a
// '?' is matched against the path and the query ("/signup?plan=*"). A
// pattern without '*' must match the whole path, so "/pricing" does not
// match "/pricing/team" but "/pricing*" does.
func MatchURL(pattern, rawURL string) bool {
	subject := URLPath(rawURL)
	switch {
	case strings.Contains(pattern, "://"):
		subject = rawURL
	case strings.Contains(pattern, "?"):
		if u, err := url.Parse(rawURL); err == nil && u.RawQuery != "" {
			subject += "?" + u.RawQuery
		}
	}
	return globMatch(pattern, subject)
}

// globMatch matches s against p where '*' is any run of characters.
func globMatch(p, s string) bool {
	// Iterative with one backtrack point: linear in practice.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// ReferrerDomain is the host of a referrer URL without "www.", lower case;
// "" when there is none.
func ReferrerDomain(ref string) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	return strings.TrimPrefix(h, "www.")
}
