package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/segsql"
)

var _ trailguide.FunnelStore = (*SessionStore)(nil)

// ScanFunnel streams the sessions of q with their events of q.Types (and
// the server's friction detections, exits excepted, and the errors, with q.Friction), one
// session at a time in (visitor, started_at, id) order with ByVisitor, id
// order otherwise. Sessions without any such event are not delivered.
func (s *SessionStore) ScanFunnel(ctx context.Context, q *trailguide.FunnelScan, fn func(*trailguide.FunnelSession) error) error {
	if q.ProjectID == "" {
		return trailguide.Invalid("project_id", "Project required.")
	}
	if err := trailguide.ValidateFilter(q.Segment); err != nil {
		return err
	}
	where := []string{"s.project_id = ?"}
	args := []any{q.ProjectID}
	if !q.From.IsZero() {
		where, args = append(where, "s.started_at >= ?"), append(args, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		where, args = append(where, "s.started_at < ?"), append(args, q.To.UnixMilli())
	}
	sq := segsql.NewQuery(dialect, args)
	group := "''"
	if q.Breakdown != "" {
		x, err := sq.Expr(q.Breakdown, q.BreakdownKey)
		if err != nil {
			return err
		}
		group = x
	}
	if q.Segment != nil {
		cond, err := sq.Where(q.Segment)
		if err != nil {
			return err
		}
		where = append(where, cond)
	}

	var types []string
	for _, t := range q.Types {
		types = append(types, "'"+strings.ReplaceAll(t, "'", "''")+"'")
	}
	evCond := "false"
	if len(types) > 0 {
		evCond = "(e.type IN (" + strings.Join(types, ", ") + ") AND e.seq >= 0)"
	}
	if len(q.Steps) > 0 && !q.AllSessions { // (AllSessions puts evCond before the where clause)
		// Only the events that can be a step: the same test as
		// trailguide.MatchStep, less the property filters.
		var any []string
		for _, st := range q.Steps {
			c := "e.type = " + sq.Arg(trailguide.StepEventType(st.Kind))
			switch st.Kind {
			case trailguide.StepClick, trailguide.StepSubmit:
				if st.Selector != "" {
					c += " AND e.selector = " + sq.Arg(st.Selector)
				}
			case trailguide.StepEvent:
				c += " AND e.name = " + sq.Arg(st.Name)
			case trailguide.StepGuide:
				c += " AND e.name = '" + trailguide.GuideEventCompleted + "'"
			}
			if st.URL != "" && !strings.Contains(st.URL, "%") {
				// (A pattern with an escape may match a URL stored
				// unescaped: no prefilter then.) A superset of MatchURL, native and index-free: the path
				// (or URL) pattern somewhere in the URL. The engine
				// applies MatchStep to what comes back.
				c += " AND e.url LIKE " + sq.Arg("%"+likePattern(st.URL)+"%")
			}
			any = append(any, "("+c+")")
		}
		evCond = "(e.seq >= 0 AND (" + strings.Join(any, " OR ") + "))"
	}
	if q.Friction {
		evCond = "(" + evCond + " OR (e.type = 'friction' AND e.seq = -1 AND e.name <> '" + trailguide.FrictionExit + "') OR e.type = 'error')"
	}
	// Expr takes no arguments (its SQL is literal), so the group in the
	// select list does not shift the placeholders. The step conditions
	// (in the join or the where clause) come after the session conditions
	// in the text, as their arguments do in sq.
	args = sq.Args
	order := "s.id"
	if q.ByVisitor {
		order = "s.visitor_id, s.started_at, s.id"
	}
	join := `JOIN events e ON e.project_id = s.project_id AND e.session_id = s.id WHERE ` + strings.Join(where, " AND ") + ` AND ` + evCond
	if q.AllSessions {
		join = `LEFT JOIN events e ON e.project_id = s.project_id AND e.session_id = s.id AND ` + evCond +
			` WHERE ` + strings.Join(where, " AND ")
	}
	query := `SELECT s.id, s.visitor_id, s.started_at, ` + group + `,
		e.window_id, e.seq, e.idx, e.type, e.ts, e.url, e.selector, e.text, e.name, e.data
		FROM sessions s ` + join + `
		ORDER BY ` + order + `, e.ts, e.seq, e.idx, e.window_id`
	rows, err := s.db.reader().QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("scan funnel: %w", err)
	}
	defer rows.Close()
	var cur *trailguide.FunnelSession
	for rows.Next() {
		var id, visitor, grp string
		var started int64
		var win, typ, u, sel, text, name, data *string
		var seq, idx, ts *int64
		if err := rows.Scan(&id, &visitor, &started, &grp, &win, &seq, &idx, &typ, &ts,
			&u, &sel, &text, &name, &data); err != nil {
			return fmt.Errorf("scan funnel: %w", err)
		}
		var e *trailguide.Event
		if typ != nil { // NULL: a session without events (AllSessions)
			e = &trailguide.Event{ProjectID: q.ProjectID, SessionID: id, WindowID: *win, Seq: *seq,
				Index: int(*idx), Type: *typ, Time: fromMS(*ts), URL: *u, Selector: *sel,
				Text: *text, Name: *name}
			if data != nil {
				e.Data = []byte(*data)
			}
		}
		if cur == nil || cur.ID != id {
			if cur != nil {
				if err := fn(cur); err != nil {
					return err
				}
			}
			cur = &trailguide.FunnelSession{ID: id, VisitorID: visitor, StartedAt: fromMS(started), Group: grp}
		}
		if e != nil {
			cur.Events = append(cur.Events, e)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("scan funnel: %w", err)
	}
	if cur != nil {
		return fn(cur)
	}
	return nil
}

// likePattern is a URL pattern as LIKE sees it (escape character '\'):
// '*' is '%', LIKE's own wildcards are quoted.
func likePattern(p string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`, "*", "%").Replace(p)
}
