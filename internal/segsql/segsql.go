// Package segsql compiles segment filters (trailguide.Filter) to a SQL
// condition over the sessions table aliased "s", for the SQL backends. What
// differs between engines (placeholders, JSON access, the URL pattern
// matcher) is a Dialect; the rest (the schema's column names, NULL
// handling, correlated subqueries on sessions and events) is shared, so a
// condition means the same on SQLite and PostgreSQL. Conformance is checked
// by storetest's segment cases.
package segsql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trailguide/trailguide"
)

// Dialect holds the engine-specific SQL. Each function gets SQL
// expressions (a column or a placeholder) and returns one.
type Dialect struct {
	// Param is the placeholder of the n-th argument, from 1.
	Param func(n int) string
	// URLMatch is true when the URL expression matches the pattern
	// expression as trailguide.MatchURL does.
	URLMatch func(pattern, url string) string
	// URLPath is trailguide.URLPath of a URL expression.
	URLPath func(url string) string
	// ReferrerDomain is trailguide.ReferrerDomain of a URL expression.
	ReferrerDomain func(url string) string
	// Trait is the text of trait key (a literal already validated as
	// [A-Za-z0-9_.-]+) in the JSON object column, NULL when absent.
	Trait func(col, key string) string
	// Prop is the text of props.key in an event's data JSON column.
	Prop func(col, key string) string
	// Number is the numeric value of a text expression, NULL when it does
	// not parse as a number.
	Number func(text string) string
	// Contains is true when haystack contains needle.
	Contains func(haystack, needle string) string
	// Float, when not nil, wraps the placeholder of a number compared to
	// (PostgreSQL casts it: a whole-number column against 1.5).
	Float func(param string) string
}

// Query accumulates a condition's arguments.
type Query struct {
	d    *Dialect
	Args []any
}

// NewQuery starts a query whose first len(args) placeholders are taken.
func NewQuery(d *Dialect, args []any) *Query {
	return &Query{d: d, Args: append([]any(nil), args...)}
}

// Arg adds an argument and returns its placeholder.
func (q *Query) Arg(v any) string {
	q.Args = append(q.Args, v)
	return q.d.Param(len(q.Args))
}

// Where compiles a validated filter; "" for nil (every session).
func (q *Query) Where(f *trailguide.Filter) (string, error) {
	if f == nil {
		return "", nil
	}
	return q.node(f)
}

func (q *Query) node(f *trailguide.Filter) (string, error) {
	switch {
	case f.And != nil || f.Or != nil:
		list, sep := f.And, " AND "
		if f.Or != nil {
			list, sep = f.Or, " OR "
		}
		parts := make([]string, 0, len(list))
		for _, c := range list {
			s, err := q.node(c)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return "(" + strings.Join(parts, sep) + ")", nil
	case f.Not != nil:
		s, err := q.node(f.Not)
		if err != nil {
			return "", err
		}
		return "(NOT " + s + ")", nil
	case f.Condition != nil:
		s, err := q.cond(f.Condition)
		if err != nil {
			return "", err
		}
		// Only a trait condition can be NULL (an absent trait): IS TRUE
		// makes it false, so that NOT stays a complement. The others are
		// left bare, so that the indexes on session columns apply.
		if f.Condition.Field == trailguide.FieldTrait {
			return "((" + s + ") IS TRUE)", nil
		}
		return "(" + s + ")", nil
	}
	return "", trailguide.Invalid("filter", "Empty filter node.")
}

// firstSession is a column of the visitor's earliest session (the session
// itself without a visitor id).
func firstSession(col string) string {
	return `CASE WHEN s.visitor_id = '' THEN s.` + col + ` ELSE (SELECT f.` + col + ` FROM sessions f
		WHERE f.project_id = s.project_id AND f.visitor_id = s.visitor_id ORDER BY f.started_at, f.id LIMIT 1) END`
}

const returning = `EXISTS (SELECT 1 FROM sessions p WHERE p.project_id = s.project_id AND s.visitor_id <> ''
	AND p.visitor_id = s.visitor_id AND (p.started_at < s.started_at OR (p.started_at = s.started_at AND p.id < s.id)))`

// Expr is the SQL expression of a session-level field's value as text
// (the breakdown of a funnel groups by it). Behaviour fields have none.
func (q *Query) Expr(field, key string) (string, error) {
	switch field {
	case trailguide.FieldUTMSource, trailguide.FieldUTMMedium, trailguide.FieldUTMCampaign:
		return "s." + field, nil
	case trailguide.FieldFirstUTMSource, trailguide.FieldFirstUTMMedium, trailguide.FieldFirstUTMCampaign:
		return firstSession(strings.TrimPrefix(field, "first_")), nil
	case trailguide.FieldReferrerDomain:
		return q.d.ReferrerDomain("s.referrer"), nil
	case trailguide.FieldLandingPage:
		return q.d.URLPath("s.entry_url"), nil
	case trailguide.FieldUserID, trailguide.FieldBrowser, trailguide.FieldOS, trailguide.FieldLanguage:
		return "s." + field, nil
	case trailguide.FieldDevice:
		return "s.device_class", nil
	case trailguide.FieldTrait:
		if !validKey(key) {
			return "", trailguide.Invalid("key", "Invalid trait name.")
		}
		return "coalesce(" + q.d.Trait("s.user_traits", key) + ", '')", nil
	case trailguide.FieldVisitor:
		return "CASE WHEN " + returning + " THEN 'returning' ELSE 'new' END", nil
	}
	return "", trailguide.Invalid("breakdown", "Cannot break down by %q.", field)
}

func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

func (q *Query) cond(c *trailguide.Condition) (string, error) {
	ev := func(cond string) string {
		return `EXISTS (SELECT 1 FROM events e WHERE e.project_id = s.project_id AND e.session_id = s.id AND ` + cond + `)`
	}
	switch c.Field {
	case trailguide.FieldVisited:
		return ev(`e.type = 'pageview' AND ` + q.d.URLMatch(q.Arg(c.Value), "e.url")), nil
	case trailguide.FieldEvent:
		return ev(`e.type = 'track' AND e.name = ` + q.Arg(c.Value)), nil
	case trailguide.FieldClicked:
		return ev(`e.type = 'click' AND e.selector = ` + q.Arg(c.Value)), nil
	case trailguide.FieldSubmitted:
		if c.Value == "" {
			return ev(`e.type = 'submit'`), nil
		}
		return ev(`e.type = 'submit' AND e.selector = ` + q.Arg(c.Value)), nil
	case trailguide.FieldFriction:
		// seq = -1 literally: the server's detections, on their partial index.
		cond := `e.seq = -1 AND e.type = 'friction'`
		if c.Value != "" {
			cond += ` AND e.name = ` + q.Arg(c.Value)
		}
		if c.Selector != "" {
			cond += ` AND e.selector = ` + q.Arg(c.Selector)
		}
		return ev(cond), nil
	case trailguide.FieldGuide:
		names := `'` + trailguide.GuideEventShown + `', '` + trailguide.GuideEventCompleted + `'`
		if c.Action == trailguide.GuideCompleted {
			names = `'` + trailguide.GuideEventCompleted + `'`
		}
		return ev(`e.type = 'guide' AND e.name IN (` + names + `) AND ` + q.d.Prop("e.data", "guide_id") + ` = ` + q.Arg(c.Value)), nil
	case trailguide.FieldVisitor:
		return q.enum(c, "CASE WHEN "+returning+" THEN 'returning' ELSE 'new' END"), nil
	case trailguide.FieldDevice:
		return q.enum(c, "s.device_class"), nil
	case trailguide.FieldViewportW, trailguide.FieldViewportH:
		return q.number(c, "s."+c.Field, 1)
	case trailguide.FieldDuration:
		return q.number(c, "s.duration_ms", 1000)
	case trailguide.FieldErrors:
		return q.number(c, "s.error_count", 1)
	case trailguide.FieldStartedAt:
		t, err := trailguide.ParseTimeValue(c.Value)
		if err != nil {
			return "", trailguide.Invalid("value", "Invalid time.")
		}
		op := ">="
		if c.Op == trailguide.OpLt {
			op = "<"
		}
		return "s.started_at " + op + " " + q.Arg(t.UnixMilli()), nil
	case trailguide.FieldTrait:
		if !validKey(c.Key) {
			return "", trailguide.Invalid("key", "Invalid trait name.")
		}
		x := q.d.Trait("s.user_traits", c.Key)
		switch c.Type {
		case trailguide.TraitNumber:
			return q.number(c, q.d.Number(x), 1)
		case trailguide.TraitBool:
			v := c.Value
			if c.Op == trailguide.OpNeq {
				v = strconv.FormatBool(v != "true")
			}
			if c.Op == trailguide.OpIn {
				return "lower(trim(" + x + ")) IN (" + q.list(c.Values) + ")", nil
			}
			return "lower(trim(" + x + ")) = " + q.Arg(v), nil
		}
		return q.str(c, "coalesce("+x+", '')"), nil
	case trailguide.FieldLandingPage:
		if c.Op == trailguide.OpMatches {
			return q.d.URLMatch(q.Arg(c.Value), "s.entry_url"), nil
		}
		return q.str(c, q.d.URLPath("s.entry_url")), nil
	}
	x, err := q.Expr(c.Field, c.Key)
	if err != nil {
		return "", err
	}
	return q.str(c, x), nil
}

func (q *Query) list(vs []string) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = q.Arg(v)
	}
	return strings.Join(ps, ", ")
}

func (q *Query) enum(c *trailguide.Condition, x string) string {
	switch c.Op {
	case trailguide.OpNeq:
		return x + " <> " + q.Arg(c.Value)
	case trailguide.OpIn:
		return x + " IN (" + q.list(c.Values) + ")"
	}
	return x + " = " + q.Arg(c.Value)
}

func (q *Query) str(c *trailguide.Condition, x string) string {
	switch c.Op {
	case trailguide.OpContains:
		return q.d.Contains(x, q.Arg(c.Value))
	case trailguide.OpPrefix:
		p := q.Arg(c.Value)
		return "substr(" + x + ", 1, length(" + p + ")) = " + q.Arg(c.Value)
	case trailguide.OpExists:
		return x + " <> ''"
	case trailguide.OpMatches:
		return q.d.URLMatch(q.Arg(c.Value), x)
	}
	return q.enum(c, x)
}

func (q *Query) number(c *trailguide.Condition, x string, scale float64) (string, error) {
	v, err := strconv.ParseFloat(c.Value, 64)
	if err != nil {
		return "", trailguide.Invalid("value", "Invalid number.")
	}
	ops := map[string]string{
		trailguide.OpEq: "=", trailguide.OpNeq: "<>", trailguide.OpGt: ">", trailguide.OpGte: ">=",
		trailguide.OpLt: "<", trailguide.OpLte: "<=",
	}
	op, ok := ops[c.Op]
	if !ok {
		return "", trailguide.Invalid("op", "Op %q does not apply to numbers.", c.Op)
	}
	p := q.Arg(v * scale)
	if q.d.Float != nil {
		p = q.d.Float(p)
	}
	return fmt.Sprintf("%s %s %s", x, op, p), nil
}
