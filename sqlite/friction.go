package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/trailguide/trailguide"
)

// Friction report limits.
const (
	DefaultFrictionLimit = 50
	MaxFrictionLimit     = 200
)

var _ trailguide.FrictionStore = (*SessionStore)(nil)

// ReplaceFriction deletes the session's server friction events, inserts
// f.Events and sets the summary columns, in one savepoint of the writer.
func (s *SessionStore) ReplaceFriction(ctx context.Context, f *trailguide.SessionFriction) error {
	if f == nil || f.ProjectID == "" || f.SessionID == "" {
		return trailguide.Invalid("session", "Project and session required.")
	}
	for i, e := range f.Events {
		if e == nil || e.Type != trailguide.EventFriction || e.Seq != trailguide.FrictionSeq || e.Name == "" {
			return trailguide.Invalid(fmt.Sprintf("events[%d]", i), "Server friction events need type friction, seq %d and a name.", trailguide.FrictionSeq)
		}
		if len(e.Data) > 0 && !json.Valid(e.Data) {
			return trailguide.Invalid(fmt.Sprintf("events[%d].data", i), "Event data is not valid JSON.")
		}
	}
	counts, err := encodeCounts(f.Counts)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET friction_counts = ?, frustration_score = ?, exit_class = ?
			WHERE project_id = ? AND id = ?`, counts, f.Score, f.ExitClass, f.ProjectID, f.SessionID)
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE project_id = ? AND session_id = ? AND seq = ?`,
			f.ProjectID, f.SessionID, trailguide.FrictionSeq); err != nil {
			return fmt.Errorf("delete old detections: %w", err)
		}
		ins := tx.StmtContext(ctx, s.db.st.eventInsert)
		for _, e := range f.Events {
			var data any
			if len(e.Data) > 0 {
				data = string(e.Data)
			}
			_, err := ins.ExecContext(ctx, f.ProjectID, f.SessionID, e.WindowID, e.Seq, e.Index,
				e.Type, ms(e.Time), e.URL, e.Selector, e.Text, e.X, e.Y, e.Name, data)
			if isUnique(err) {
				return trailguide.Invalid("events", "Duplicate detection index %d in window %q.", e.Index, e.WindowID)
			} else if err != nil {
				return fmt.Errorf("insert detection %d: %w", e.Index, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace friction of %s: %w", f.SessionID, err)
	}
	return nil
}

// FrictionReport aggregates in Go over one read snapshot: the server
// detections and the pageviews of the sessions that started in the range,
// grouped by page path (urlPath), selector and signal. The example of a row
// is its latest detection. Ties in count are broken by sessions, then path,
// selector and signal, so the order is stable.
func (s *SessionStore) FrictionReport(ctx context.Context, q trailguide.FrictionQuery) (*trailguide.FrictionReport, error) {
	if q.ProjectID == "" {
		return nil, trailguide.Invalid("project_id", "Project required.")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultFrictionLimit
	}
	limit = min(limit, MaxFrictionLimit)
	where := "s.project_id = ?"
	args := []any{q.ProjectID}
	if !q.From.IsZero() {
		where += " AND s.started_at >= ?"
		args = append(args, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		where += " AND s.started_at < ?"
		args = append(args, q.To.UnixMilli())
	}

	tx, err := s.db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("friction report: %w", err)
	}
	defer tx.Rollback() // read-only: one snapshot for every query

	report := &trailguide.FrictionReport{Elements: []*trailguide.FrictionElement{}, Exits: map[string]int{}}
	if err := s.reportExits(ctx, tx, where, args, report.Exits); err != nil {
		return nil, fmt.Errorf("friction report: exits: %w", err)
	}
	type key struct{ path, selector, signal string }
	type acc struct {
		el       *trailguide.FrictionElement
		sessions map[string]bool
		latest   int64
	}
	groups := map[key]*acc{}
	rows, err := tx.QueryContext(ctx, `SELECT e.session_id, s.started_at, e.window_id, e.ts, e.url, e.selector,
		e.text, e.name FROM sessions s JOIN events e ON e.project_id = s.project_id AND e.session_id = s.id
		WHERE `+where+` AND e.seq = -1 AND e.type = 'friction' AND e.name <> ?`,
		append(slices.Clone(args), trailguide.FrictionExit)...)
	if err != nil {
		return nil, fmt.Errorf("friction report: detections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid, win, u, sel, text, name string
		var started, ts int64
		if err := rows.Scan(&sid, &started, &win, &ts, &u, &sel, &text, &name); err != nil {
			return nil, fmt.Errorf("friction report: detections: %w", err)
		}
		k := key{urlPath(u), sel, name}
		a := groups[k]
		if a == nil {
			a = &acc{
				el:       &trailguide.FrictionElement{URL: k.path, Selector: sel, Text: text, Signal: name, FirstSeen: fromMS(ts), LastSeen: fromMS(ts)},
				sessions: map[string]bool{},
				latest:   -1 << 62,
			}
			groups[k] = a
		}
		a.el.Count++
		a.sessions[sid] = true
		if t := fromMS(ts); t.Before(a.el.FirstSeen) {
			a.el.FirstSeen = t
		}
		// The latest detection is the example; ties go to the smaller
		// session id so that the choice does not depend on row order.
		if ts > a.latest || (ts == a.latest && sid < a.el.Example.SessionID) {
			a.latest = ts
			a.el.LastSeen = fromMS(ts)
			a.el.Example = trailguide.FrictionExample{SessionID: sid, WindowID: win, TMS: ts - started, Time: fromMS(ts)}
			if text != "" {
				a.el.Text = text
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("friction report: detections: %w", err)
	}
	rows.Close()
	if len(groups) == 0 {
		return report, nil
	}

	pageSessions, err := s.reportPageSessions(ctx, tx, where, args)
	if err != nil {
		return nil, fmt.Errorf("friction report: pageviews: %w", err)
	}
	for k, a := range groups {
		a.el.Sessions = len(a.sessions)
		a.el.PageSessions = len(pageSessions[k.path])
		// A detection on a page without a recorded pageview (an SDK that
		// lost it) still counts the page as viewed by these sessions.
		a.el.PageSessions = max(a.el.PageSessions, a.el.Sessions)
		a.el.ShareOfPageViews = float64(a.el.Sessions) / float64(a.el.PageSessions)
		report.Elements = append(report.Elements, a.el)
	}
	slices.SortFunc(report.Elements, func(a, b *trailguide.FrictionElement) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(b.Sessions, a.Sessions),
			cmp.Compare(a.URL, b.URL), cmp.Compare(a.Selector, b.Selector), cmp.Compare(a.Signal, b.Signal))
	})
	if len(report.Elements) > limit {
		report.Elements = report.Elements[:limit]
	}
	return report, nil
}

func (s *SessionStore) reportExits(ctx context.Context, tx *sql.Tx, where string, args []any, exits map[string]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.exit_class, count(*) FROM sessions s WHERE `+where+
		` AND s.exit_class <> '' GROUP BY s.exit_class`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var class string
		var n int
		if err := rows.Scan(&class, &n); err != nil {
			return err
		}
		exits[class] = n
	}
	return rows.Err()
}

// reportPageSessions returns, per page path, the sessions that viewed it.
func (s *SessionStore) reportPageSessions(ctx context.Context, tx *sql.Tx, where string, args []any) (map[string]map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT e.session_id, e.url FROM sessions s JOIN events e
		ON e.project_id = s.project_id AND e.session_id = s.id WHERE `+where+` AND e.type = 'pageview'`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var sid, u string
		if err := rows.Scan(&sid, &u); err != nil {
			return nil, err
		}
		p := urlPath(u)
		if out[p] == nil {
			out[p] = map[string]bool{}
		}
		out[p][sid] = true
	}
	return out, rows.Err()
}

// urlPath is the page of a URL for the friction report: its path, plus the
// fragment when it is a route (#/… or #!…), without query; "/" for an
// empty path. A string that does not parse is kept as it is.
func urlPath(raw string) string {
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
