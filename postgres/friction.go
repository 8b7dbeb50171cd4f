package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
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
	seen := map[string]bool{}
	for _, e := range f.Events {
		k := fmt.Sprintf("%s\x00%d", e.WindowID, e.Index)
		if seen[k] {
			return trailguide.Invalid("events", "Duplicate detection index %d in window %q.", e.Index, e.WindowID)
		}
		seen[k] = true
	}
	// The detections go into the partition of the session's first batch,
	// with its other earliest rows (see DropExpiredPartitions).
	var firstBatch int64
	err = s.db.reader().QueryRowContext(ctx, `SELECT first_batch_at FROM sessions WHERE project_id = ? AND id = ?`,
		f.ProjectID, f.SessionID).Scan(&firstBatch)
	if errors.Is(err, pgx.ErrNoRows) {
		return trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
	} else if err != nil {
		return storageError("replace friction", err)
	}
	if len(f.Events) > 0 {
		if err := s.db.ensurePartition(ctx, firstBatch); err != nil {
			return err
		}
	}
	err = s.db.write(ctx, func(ctx context.Context, tx q) error {
		var recv int64
		err := tx.QueryRowContext(ctx, `UPDATE sessions SET friction_counts = ?, frustration_score = ?, exit_class = ?
			WHERE project_id = ? AND id = ? RETURNING first_batch_at`, counts, f.Score, f.ExitClass, f.ProjectID, f.SessionID).Scan(&recv)
		if errors.Is(err, pgx.ErrNoRows) {
			return trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
		} else if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		if recv/weekMS != firstBatch/weekMS && len(f.Events) > 0 {
			if err := s.db.ensurePartition(ctx, recv); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE project_id = ? AND session_id = ? AND seq = ?`,
			f.ProjectID, f.SessionID, trailguide.FrictionSeq); err != nil {
			return fmt.Errorf("delete old detections: %w", err)
		}
		if len(f.Events) > 0 {
			b := &pgx.Batch{}
			for _, e := range f.Events {
				b.Queue(eventInsert, eventArgs(f.ProjectID, f.SessionID, e, e.WindowID, e.Seq, recv)...)
			}
			if err := tx.pg.(pgx.Tx).SendBatch(ctx, b).Close(); err != nil {
				return fmt.Errorf("insert detections: %w", err)
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
// selector and signal, so the order is stable. With a From, the rows carry
// the same figures for the period of the same length just before it.
func (s *SessionStore) FrictionReport(ctx context.Context, q trailguide.FrictionQuery) (*trailguide.FrictionReport, error) {
	if q.ProjectID == "" {
		return nil, trailguide.Invalid("project_id", "Project required.")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultFrictionLimit
	}
	limit = min(limit, MaxFrictionLimit)

	tx, err := s.db.readTx(ctx)
	if err != nil {
		return nil, fmt.Errorf("friction report: %w", err)
	}
	defer tx.Rollback() // read-only: one snapshot for every query

	report := &trailguide.FrictionReport{From: q.From, To: q.To, Elements: []*trailguide.FrictionElement{}, Exits: map[string]int{}}
	if report.To.IsZero() {
		report.To = s.db.now()
	}
	if report.From.IsZero() {
		var first *int64
		if err := tx.QueryRowContext(ctx, `SELECT min(started_at) FROM sessions WHERE project_id = ?`,
			q.ProjectID).Scan(&first); err != nil {
			return nil, fmt.Errorf("friction report: first session: %w", err)
		}
		report.From = report.To
		if first != nil && fromMS(*first).Before(report.To) {
			report.From = fromMS(*first)
		}
	}
	buckets, width := trailguide.FrictionBuckets(report.From, report.To)
	report.Buckets, report.BucketMS = buckets, width.Milliseconds()
	if report.Buckets == nil {
		report.Buckets = []time.Time{}
	}

	where, args := reportRange(q.ProjectID, q.From, q.To)
	if err := s.reportExits(ctx, tx, where, args, report.Exits); err != nil {
		return nil, fmt.Errorf("friction report: exits: %w", err)
	}
	bucket := func(started int64) int {
		return trailguide.FrictionBucket(report.From, width, len(buckets), fromMS(started))
	}
	groups, err := s.reportDetections(ctx, tx, where, args, len(buckets), bucket)
	if err != nil {
		return nil, fmt.Errorf("friction report: detections: %w", err)
	}
	if len(groups) == 0 {
		return report, nil
	}
	pageSessions, err := s.reportPageSessions(ctx, tx, where, args)
	if err != nil {
		return nil, fmt.Errorf("friction report: pageviews: %w", err)
	}
	var prev map[reportKey]*reportRow
	var prevPages map[string]map[string]bool
	if !q.From.IsZero() {
		report.PreviousFrom = report.From.Add(-report.To.Sub(report.From))
		pwhere, pargs := reportRange(q.ProjectID, report.PreviousFrom, report.From)
		if prev, err = s.reportDetections(ctx, tx, pwhere, pargs, 0, nil); err != nil {
			return nil, fmt.Errorf("friction report: previous detections: %w", err)
		}
		if len(prev) > 0 {
			if prevPages, err = s.reportPageSessions(ctx, tx, pwhere, pargs); err != nil {
				return nil, fmt.Errorf("friction report: previous pageviews: %w", err)
			}
		}
	}
	for k, a := range groups {
		a.finish(pageSessions[k.path])
		if p := prev[k]; p != nil {
			p.finish(prevPages[k.path])
			a.el.Previous = &trailguide.FrictionPrevious{Count: p.el.Count, Sessions: p.el.Sessions,
				PageSessions: p.el.PageSessions, ShareOfPageViews: p.el.ShareOfPageViews}
		}
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

// reportRange is the WHERE clause (on sessions s) of a report period.
func reportRange(projectID string, from, to time.Time) (string, []any) {
	where := "s.project_id = ?"
	args := []any{projectID}
	if !from.IsZero() {
		where += " AND s.started_at >= ?"
		args = append(args, from.UnixMilli())
	}
	if !to.IsZero() {
		where += " AND s.started_at < ?"
		args = append(args, to.UnixMilli())
	}
	return where, args
}

type reportKey struct{ path, selector, signal string }

type reportRow struct {
	el       *trailguide.FrictionElement
	sessions map[string]bool
	latest   int64
}

// finish sets the row's session counts from the sessions that viewed its
// page. A detection on a page without a recorded pageview (an SDK that lost
// it) still counts the page as viewed by these sessions.
func (a *reportRow) finish(viewers map[string]bool) {
	a.el.Sessions = len(a.sessions)
	a.el.PageSessions = max(len(viewers), a.el.Sessions)
	a.el.ShareOfPageViews = float64(a.el.Sessions) / float64(a.el.PageSessions)
}

// reportDetections groups the server detections (exits excluded) of the
// sessions matching where by page path, selector and signal. With buckets
// > 0 each row gets a Trend counted into bucket(session start).
func (s *SessionStore) reportDetections(ctx context.Context, tx *rtx, where string, args []any,
	buckets int, bucket func(started int64) int) (map[reportKey]*reportRow, error) {
	groups := map[reportKey]*reportRow{}
	rows, err := tx.QueryContext(ctx, `SELECT e.session_id, s.started_at, e.window_id, e.ts, e.url, e.selector,
		e.text, e.name FROM sessions s JOIN events e ON e.project_id = s.project_id AND e.session_id = s.id
		WHERE `+where+` AND e.seq = -1 AND e.type = 'friction' AND e.name <> ?`,
		append(slices.Clone(args), trailguide.FrictionExit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid, win, u, sel, text, name string
		var started, ts int64
		if err := rows.Scan(&sid, &started, &win, &ts, &u, &sel, &text, &name); err != nil {
			return nil, err
		}
		k := reportKey{urlPath(u), sel, name}
		a := groups[k]
		if a == nil {
			a = &reportRow{
				el: &trailguide.FrictionElement{URL: k.path, Selector: sel, Text: text, Signal: name,
					FirstSeen: fromMS(ts), LastSeen: fromMS(ts), Trend: make([]int, buckets)},
				sessions: map[string]bool{},
				latest:   -1 << 62,
			}
			groups[k] = a
		}
		a.el.Count++
		a.sessions[sid] = true
		if buckets > 0 {
			a.el.Trend[bucket(started)]++
		}
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
	return groups, rows.Err()
}

func (s *SessionStore) reportExits(ctx context.Context, tx *rtx, where string, args []any, exits map[string]int) error {
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
func (s *SessionStore) reportPageSessions(ctx context.Context, tx *rtx, where string, args []any) (map[string]map[string]bool, error) {
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
