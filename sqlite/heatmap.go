package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

var _ trailguide.HeatmapStore = (*SessionStore)(nil)

// Heatmap list bounds.
const (
	maxHeatPages    = 500
	maxHeatSessions = 100
)

// ReplaceHeatmap takes the session's old rows back out of heat_day,
// replaces its raw rows and adds the new ones, in one transaction.
func (s *SessionStore) ReplaceHeatmap(ctx context.Context, h *trailguide.SessionHeatmap) error {
	if h == nil || h.ProjectID == "" || h.SessionID == "" {
		return trailguide.Invalid("session", "Project and session required.")
	}
	for i, v := range h.Views {
		if v == nil || v.Path == "" {
			return trailguide.Invalid(fmt.Sprintf("views[%d]", i), "A view needs a path.")
		}
	}
	for i, c := range h.Clicks {
		if c == nil || c.Selector == "" || c.Path == "" {
			return trailguide.Invalid(fmt.Sprintf("clicks[%d]", i), "A click needs a path and a selector.")
		}
	}
	err := s.db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM sessions WHERE project_id = ? AND id = ?`,
			h.ProjectID, h.SessionID).Scan(&one); err == sql.ErrNoRows {
			return trailguide.Errorf(trailguide.ENOTFOUND, "Session not found.")
		} else if err != nil {
			return err
		}
		if err := deleteHeatmapTx(ctx, tx, h.ProjectID, h.SessionID); err != nil {
			return err
		}
		if err := insertHeatRows(ctx, tx, h); err != nil {
			return err
		}
		return applyRollup(ctx, tx, h.ProjectID, h.Rollup(), 1)
	})
	if err != nil {
		return fmt.Errorf("replace heatmap of %s: %w", h.SessionID, err)
	}
	return nil
}

// insertHeatRows writes the raw rows of h (not the roll-up).
func insertHeatRows(ctx context.Context, tx *sql.Tx, h *trailguide.SessionHeatmap) error {
	vs, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO heat_views (project_id, session_id, window_id, ts, path, device, day,
		snapshot, vw, vh, doc_h, depth, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer vs.Close()
	for _, v := range h.Views {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := vs.ExecContext(ctx, h.ProjectID, h.SessionID, v.WindowID, ms(v.Time), v.Path, v.Device,
			trailguide.HeatDay(v.Time), boolInt(v.Snapshot), v.ViewportW, v.ViewportH, v.DocH, v.Depth, string(data)); err != nil {
			return fmt.Errorf("insert view: %w", err)
		}
	}
	cs, err := tx.PrepareContext(ctx, `INSERT INTO heat_clicks (project_id, session_id, window_id, ts, idx, path, device, day,
		selector, cx, cy, px, py, kinds, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer cs.Close()
	ts, err := tx.PrepareContext(ctx, `INSERT INTO heat_text (project_id, path, selector, text) VALUES (?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET text = excluded.text`)
	if err != nil {
		return err
	}
	defer ts.Close()
	for i, c := range h.Clicks {
		if _, err := cs.ExecContext(ctx, h.ProjectID, h.SessionID, c.WindowID, ms(c.Time), i, c.Path, c.Device,
			trailguide.HeatDay(c.Time), c.Selector, trailguide.HeatCellOf(c.OX), trailguide.HeatCellOf(c.OY),
			int64(c.PX*1000+0.5), int64(c.PY*1000+0.5), c.ClickKinds(), c.Text); err != nil {
			return fmt.Errorf("insert click: %w", err)
		}
		if c.Text != "" {
			if _, err := ts.ExecContext(ctx, h.ProjectID, c.Path, c.Selector, c.Text); err != nil {
				return fmt.Errorf("element text: %w", err)
			}
		}
	}
	return nil
}

// applyRollup adds sign × r to heat_day.
func applyRollup(ctx context.Context, tx *sql.Tx, projectID string, r map[trailguide.HeatRollKey]trailguide.HeatRollValues, sign int64) error {
	if len(r) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO heat_day (project_id, path, device, day, layer, key, v0, v1, v2, v3, v4, v5, v6, v7)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2, v3 = v3 + excluded.v3,
			v4 = v4 + excluded.v4, v5 = v5 + excluded.v5, v6 = v6 + excluded.v6, v7 = v7 + excluded.v7`)
	if err != nil {
		return err
	}
	defer st.Close()
	for k, v := range r {
		if _, err := st.ExecContext(ctx, projectID, k.Path, k.Device, k.Day, k.Layer, k.Key,
			sign*v[0], sign*v[1], sign*v[2], sign*v[3], sign*v[4], sign*v[5], sign*v[6], sign*v[7]); err != nil {
			return fmt.Errorf("roll up: %w", err)
		}
	}
	// Rows that sum to nothing after a session is taken out stay: they
	// add nothing, and the next session of that page and day reuses them.
	return nil
}

// deleteHeatmapTx takes a session's rows out of heat_day and deletes them.
func deleteHeatmapTx(ctx context.Context, tx *sql.Tx, projectID, sessionID string) error {
	old, err := loadSessionHeatmaps(ctx, tx, projectID, []string{sessionID})
	if err != nil {
		return fmt.Errorf("old heatmap rows: %w", err)
	}
	for _, h := range old {
		if err := applyRollup(ctx, tx, projectID, h.Rollup(), -1); err != nil {
			return err
		}
	}
	for _, q := range []string{`DELETE FROM heat_views WHERE project_id = ? AND session_id = ?`,
		`DELETE FROM heat_clicks WHERE project_id = ? AND session_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, projectID, sessionID); err != nil {
			return fmt.Errorf("delete heatmap rows: %w", err)
		}
	}
	return nil
}

// loadSessionHeatmaps rebuilds the SessionHeatmaps of sessions from their
// raw rows (the clicks' offsets and positions as stored: cell centres).
func loadSessionHeatmaps(ctx context.Context, q querier, projectID string, ids []string) (map[string]*trailguide.SessionHeatmap, error) {
	out := map[string]*trailguide.SessionHeatmap{}
	get := func(id string) *trailguide.SessionHeatmap {
		h := out[id]
		if h == nil {
			h = &trailguide.SessionHeatmap{ProjectID: projectID, SessionID: id}
			out[id] = h
		}
		return h
	}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(len(ids), start+500)]
		in := "?" + strings.Repeat(", ?", len(part)-1)
		args := []any{projectID}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := q.QueryContext(ctx, `SELECT session_id, data FROM heat_views WHERE project_id = ? AND session_id IN (`+in+`)
			ORDER BY session_id, ts, window_id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, data string
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return nil, err
			}
			v := &trailguide.HeatView{}
			if err := json.Unmarshal([]byte(data), v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("view of %s: %w", id, err)
			}
			get(id).Views = append(get(id).Views, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = q.QueryContext(ctx, `SELECT session_id, window_id, ts, path, device, selector, cx, cy, px, py, kinds, text
			FROM heat_clicks WHERE project_id = ? AND session_id IN (`+in+`) ORDER BY session_id, idx`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			var t, px, py int64
			var cx, cy, kinds int
			c := &trailguide.HeatClick{}
			if err := rows.Scan(&id, &c.WindowID, &t, &c.Path, &c.Device, &c.Selector, &cx, &cy, &px, &py, &kinds, &c.Text); err != nil {
				rows.Close()
				return nil, err
			}
			c.Time = fromMS(t)
			c.OX = (float64(cx) + 0.5) / trailguide.HeatOffsetCells
			c.OY = (float64(cy) + 0.5) / trailguide.HeatOffsetCells
			c.PX, c.PY = float64(px)/1000, float64(py)/1000
			c.Rage, c.Dead, c.Error = kinds&1 != 0, kinds&2 != 0, kinds&4 != 0
			get(id).Clicks = append(get(id).Clicks, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dayRange is the [from, to) of q in HeatDay numbers; open ends are wide.
func dayRange(q trailguide.HeatmapQuery) (int64, int64) {
	from, to := int64(-1<<40), int64(1<<40)
	if !q.From.IsZero() {
		from = trailguide.HeatDay(q.From)
	}
	if !q.To.IsZero() {
		to = trailguide.HeatDay(q.To.Add(-time.Millisecond)) + 1
	}
	return from, to
}

func checkHeatQuery(q trailguide.HeatmapQuery) error {
	if q.ProjectID == "" {
		return trailguide.Invalid("project_id", "Project required.")
	}
	switch q.Device {
	case trailguide.DeviceDesktop, trailguide.DeviceTablet, trailguide.DeviceMobile:
	default:
		return trailguide.Invalid("device", "device must be desktop, tablet or mobile.")
	}
	return nil
}

// heatLayers are the roll-up layers q reads: its Layers plus the page
// layer, or all of them.
func heatLayers(q trailguide.HeatmapQuery) []string {
	if len(q.Layers) == 0 {
		return trailguide.HeatLayers
	}
	out := []string{trailguide.LayerPage}
	for _, l := range q.Layers {
		if l != trailguide.LayerPage && slices.Contains(trailguide.HeatLayers, l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func inList(n int) string { return "?" + strings.Repeat(", ?", n-1) }

// HeatmapPages lists the paths with views on the device (any when "").
func (s *SessionStore) HeatmapPages(ctx context.Context, projectID, device string) ([]trailguide.HeatPage, error) {
	q := `SELECT path, sum(v0) n FROM heat_day WHERE project_id = ? AND layer = 'page'`
	args := []any{projectID}
	if device != "" {
		q += ` AND device = ?`
		args = append(args, device)
	}
	rows, err := s.db.reader.QueryContext(ctx, q+` GROUP BY path HAVING n > 0 ORDER BY n DESC, path LIMIT ?`, append(args, maxHeatPages)...)
	if err != nil {
		return nil, fmt.Errorf("heatmap pages: %w", err)
	}
	defer rows.Close()
	out := []trailguide.HeatPage{}
	for rows.Next() {
		var p trailguide.HeatPage
		if err := rows.Scan(&p.Path, &p.Views); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Heatmap sums heat_day over the query's days; with a session filter it
// sums the raw rows of the matching sessions instead (the same Rollup).
func (s *SessionStore) Heatmap(ctx context.Context, q trailguide.HeatmapQuery) (*trailguide.HeatmapData, error) {
	if err := checkHeatQuery(q); err != nil {
		return nil, err
	}
	d := &trailguide.HeatmapData{}
	if len(q.Paths) == 0 {
		d.Finish()
		return d, nil
	}
	tx, err := s.db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("heatmap: %w", err)
	}
	defer tx.Rollback()
	from, to := dayRange(q)
	if q.Sessions.Narrows() {
		if err := s.heatmapFiltered(ctx, tx, q, from, to, d); err != nil {
			return nil, fmt.Errorf("heatmap: %w", err)
		}
	} else {
		args := []any{q.ProjectID}
		for _, p := range q.Paths {
			args = append(args, p)
		}
		args = append(args, q.Device)
		layers := heatLayers(q)
		for _, l := range layers {
			args = append(args, l)
		}
		args = append(args, from, to)
		rows, err := tx.QueryContext(ctx, `SELECT layer, key, sum(v0), sum(v1), sum(v2), sum(v3), sum(v4), sum(v5), sum(v6), sum(v7)
			FROM heat_day WHERE project_id = ? AND path IN (`+inList(len(q.Paths))+`) AND device = ?
				AND layer IN (`+inList(len(layers))+`) AND day >= ? AND day < ?
			GROUP BY layer, key`, args...)
		if err != nil {
			return nil, fmt.Errorf("heatmap: %w", err)
		}
		for rows.Next() {
			var layer, key string
			var v trailguide.HeatRollValues
			if err := rows.Scan(&layer, &key, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]); err != nil {
				rows.Close()
				return nil, err
			}
			d.Add(layer, key, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("heatmap: %w", err)
		}
	}
	d.Finish()
	if err := heatTexts(ctx, tx, q, d.Elements); err != nil {
		return nil, fmt.Errorf("heatmap texts: %w", err)
	}
	return d, nil
}

func heatTexts(ctx context.Context, tx *sql.Tx, q trailguide.HeatmapQuery, els []*trailguide.HeatElement) error {
	if len(els) == 0 {
		return nil
	}
	args := []any{q.ProjectID}
	for _, p := range q.Paths {
		args = append(args, p)
	}
	rows, err := tx.QueryContext(ctx, `SELECT selector, text FROM heat_text WHERE project_id = ? AND path IN (`+inList(len(q.Paths))+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	texts := map[string]string{}
	for rows.Next() {
		var sel, text string
		if err := rows.Scan(&sel, &text); err != nil {
			return err
		}
		texts[sel] = text
	}
	for _, e := range els {
		e.Text = texts[e.Selector]
	}
	return rows.Err()
}

// matchingSessions is the SQL condition "session s of the views v matches
// q.Sessions".
func heatSessionCond(q trailguide.HeatmapQuery) (string, []any, error) {
	f := q.Sessions
	f.ProjectID = q.ProjectID
	where, args, err := sessionConds(f)
	return strings.Join(where, " AND "), args, err
}

func (s *SessionStore) heatmapFiltered(ctx context.Context, tx *sql.Tx, q trailguide.HeatmapQuery, from, to int64, d *trailguide.HeatmapData) error {
	cond, cargs, err := heatSessionCond(q)
	if err != nil {
		return err
	}
	args := []any{q.ProjectID}
	for _, p := range q.Paths {
		args = append(args, p)
	}
	args = append(args, q.Device, from, to)
	ids, err := queryStrings(ctx, tx, `SELECT DISTINCT v.session_id FROM heat_views v JOIN sessions s ON s.project_id = v.project_id AND s.id = v.session_id
		WHERE v.project_id = ? AND v.path IN (`+inList(len(q.Paths))+`) AND v.device = ? AND v.day >= ? AND v.day < ? AND `+cond,
		append(args, cargs...)...)
	if err != nil {
		return err
	}
	hs, err := loadSessionHeatmaps(ctx, tx, q.ProjectID, ids)
	if err != nil {
		return err
	}
	paths := map[string]bool{}
	for _, p := range q.Paths {
		paths[p] = true
	}
	want := map[string]bool{}
	for _, l := range heatLayers(q) {
		want[l] = true
	}
	for _, h := range hs {
		for k, v := range h.Rollup() {
			if paths[k.Path] && k.Device == q.Device && want[k.Layer] && k.Day >= from && k.Day < to {
				d.Add(k.Layer, k.Key, v)
			}
		}
	}
	return nil
}

// HeatmapSessions lists sessions with clicks of kind on selector.
func (s *SessionStore) HeatmapSessions(ctx context.Context, q trailguide.HeatmapQuery, selector, kind string, limit int) ([]*trailguide.HeatClickSession, error) {
	if err := checkHeatQuery(q); err != nil {
		return nil, err
	}
	if selector == "" {
		return nil, trailguide.Invalid("selector", "selector required.")
	}
	mask := map[string]int{trailguide.HeatAll: 0, "": 0, trailguide.HeatRage: 1, trailguide.HeatDead: 2, trailguide.HeatError: 4}
	m, ok := mask[kind]
	if !ok {
		return nil, trailguide.Invalid("kind", "kind must be all, rage, dead or error.")
	}
	if limit <= 0 || limit > maxHeatSessions {
		limit = maxHeatSessions
	}
	out := []*trailguide.HeatClickSession{}
	if len(q.Paths) == 0 {
		return out, nil
	}
	from, to := dayRange(q)
	cond, cargs, err := heatSessionCond(q)
	if err != nil {
		return nil, err
	}
	args := []any{q.ProjectID}
	for _, p := range q.Paths {
		args = append(args, p)
	}
	args = append(args, q.Device, selector, from, to, m, m)
	args = append(args, cargs...)
	rows, err := s.db.reader.QueryContext(ctx, `SELECT c.session_id, c.window_id, min(c.ts), count(*), s.started_at, max(c.ts) last
		FROM heat_clicks c JOIN sessions s ON s.project_id = c.project_id AND s.id = c.session_id
		WHERE c.project_id = ? AND c.path IN (`+inList(len(q.Paths))+`) AND c.device = ? AND c.selector = ? AND c.day >= ? AND c.day < ?
			AND (c.kinds & ?) = ? AND `+cond+`
		GROUP BY c.session_id ORDER BY last DESC, c.session_id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("heatmap sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r trailguide.HeatClickSession
		var t, started, last int64
		if err := rows.Scan(&r.SessionID, &r.WindowID, &t, &r.Clicks, &started, &last); err != nil {
			return nil, err
		}
		r.Time = fromMS(t)
		r.TMS = max(0, t-started)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// HeatmapSnapshot returns the latest view with a full snapshot.
func (s *SessionStore) HeatmapSnapshot(ctx context.Context, q trailguide.HeatmapQuery) (*trailguide.HeatSnapshotView, error) {
	if err := checkHeatQuery(q); err != nil {
		return nil, err
	}
	if len(q.Paths) > 0 {
		args := []any{q.ProjectID}
		for _, p := range q.Paths {
			args = append(args, p)
		}
		args = append(args, q.Device)
		var v trailguide.HeatSnapshotView
		var t int64
		err := s.db.reader.QueryRowContext(ctx, `SELECT session_id, window_id, ts, path, vw, vh, doc_h FROM heat_views
			WHERE project_id = ? AND path IN (`+inList(len(q.Paths))+`) AND device = ? AND snapshot = 1
			ORDER BY ts DESC LIMIT 1`, args...).Scan(&v.SessionID, &v.WindowID, &t, &v.Path, &v.ViewportW, &v.ViewportH, &v.DocH)
		if err == nil {
			v.Time = fromMS(t)
			return &v, nil
		} else if err != sql.ErrNoRows {
			return nil, fmt.Errorf("heatmap snapshot: %w", err)
		}
	}
	return nil, trailguide.Errorf(trailguide.ENOTFOUND, "No recorded snapshot of this page on this device.")
}
