package postgres

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/trailguide/trailguide"
)

// sessionColumns is the column list every session read selects, in the order
// scanSession expects.
const sessionColumns = `project_id, id, visitor_id, user_id, user_traits, started_at,
	last_activity_at, duration_ms, active_ms, page_count, click_count, error_count,
	event_count, entry_url, entry_at, exit_url, exit_at, context_at, has_context,
	referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
	device_class, browser, os, viewport_w, viewport_h, language, time_zone,
	user_agent, raw_bytes, stored_bytes, closed, compacted, last_batch_at,
	friction_counts, frustration_score, exit_class, dropped_batches`

// sessionSet is "col = $n, ..." over sessionColumns after the key columns,
// for the UPDATE of a merged row: its arguments are args()[2:] and then the
// key.
var sessionSet, sessionSetN = func() (string, int) {
	cols := strings.Split(sessionColumns, ",")[2:]
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s = $%d", strings.TrimSpace(c), i+1)
	}
	return strings.Join(parts, ", "), len(cols)
}()

// sessionRow is a session plus the bookkeeping the delta merge needs but the
// domain type does not show.
type sessionRow struct {
	trailguide.Session
	entryAt    int64 // FirstAt (ms) of the delta that set EntryURL
	exitAt     int64 // LastAt (ms) of the delta that set ExitURL
	contextAt  int64 // FirstAt (ms) of the delta that set the context fields
	hasContext bool
}

type scanner interface{ Scan(dest ...any) error }

func scanSession(sc scanner) (*sessionRow, error) {
	var (
		r                           sessionRow
		traits, counts              string
		started, lastAct, lastBatch int64
	)
	s := &r.Session
	err := sc.Scan(&s.ProjectID, &s.ID, &s.VisitorID, &s.UserID, &traits, &started,
		&lastAct, &s.DurationMS, &s.ActiveMS, &s.PageCount, &s.ClickCount, &s.ErrorCount,
		&s.EventCount, &s.EntryURL, &r.entryAt, &s.ExitURL, &r.exitAt, &r.contextAt, &r.hasContext,
		&s.Referrer, &s.UTM.Source, &s.UTM.Medium, &s.UTM.Campaign, &s.UTM.Term, &s.UTM.Content,
		&s.DeviceClass, &s.Browser, &s.OS, &s.ViewportW, &s.ViewportH, &s.Language, &s.TimeZone,
		&s.UserAgent, &s.RawBytes, &s.StoredBytes, &s.Closed, &s.Compacted, &lastBatch,
		&counts, &s.FrustrationScore, &s.ExitClass, &s.DroppedBatches)
	if err != nil {
		return nil, err
	}
	if counts != "" && counts != "{}" {
		if err := json.Unmarshal([]byte(counts), &s.FrictionCounts); err != nil {
			return nil, fmt.Errorf("decode friction counts of session %s: %w", s.ID, err)
		}
	}
	if traits != "" && traits != "{}" {
		if err := json.Unmarshal([]byte(traits), &s.UserTraits); err != nil {
			return nil, fmt.Errorf("decode traits of session %s: %w", s.ID, err)
		}
	}
	s.StartedAt = fromMS(started)
	s.LastActivityAt = fromMS(lastAct)
	s.LastBatchAt = fromMS(lastBatch)
	return &r, nil
}

func (r *sessionRow) args() ([]any, error) {
	s := &r.Session
	traits := []byte("{}")
	if len(s.UserTraits) > 0 {
		var err error
		if traits, err = json.Marshal(s.UserTraits); err != nil {
			return nil, fmt.Errorf("encode traits: %w", err)
		}
	}
	counts, err := encodeCounts(s.FrictionCounts)
	if err != nil {
		return nil, err
	}
	return []any{s.ProjectID, s.ID, s.VisitorID, s.UserID, string(traits), ms(s.StartedAt),
		ms(s.LastActivityAt), s.DurationMS, s.ActiveMS, s.PageCount, s.ClickCount, s.ErrorCount,
		s.EventCount, s.EntryURL, r.entryAt, s.ExitURL, r.exitAt, r.contextAt, r.hasContext,
		s.Referrer, s.UTM.Source, s.UTM.Medium, s.UTM.Campaign, s.UTM.Term, s.UTM.Content,
		s.DeviceClass, s.Browser, s.OS, s.ViewportW, s.ViewportH, s.Language, s.TimeZone,
		s.UserAgent, s.RawBytes, s.StoredBytes, s.Closed, s.Compacted, ms(s.LastBatchAt),
		counts, s.FrustrationScore, s.ExitClass, s.DroppedBatches}, nil
}

// encodeCounts stores friction counts as a JSON object without zeros.
func encodeCounts(c map[string]int) (string, error) {
	nonzero := make(map[string]int, len(c))
	for k, v := range c {
		if v != 0 {
			nonzero[k] = v
		}
	}
	if len(nonzero) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(nonzero)
	if err != nil {
		return "", fmt.Errorf("encode friction counts: %w", err)
	}
	return string(b), nil
}

// mergeDelta applies one batch's delta to the session row r (nil when the
// session does not exist yet) and returns the merged row. The rules, in
// SessionDelta's terms:
//   - counts, active time and byte sizes add up;
//   - StartedAt is the minimum FirstAt, LastActivityAt the maximum LastAt,
//     DurationMS their difference;
//   - EntryURL comes from the delta with the earliest FirstAt that has one,
//     so a late-arriving earlier batch still wins;
//   - ExitURL follows the delta with the latest LastAt that has one (ties go
//     to the later arrival);
//   - the context fields (referrer, UTM, viewport, language, time zone, user
//     agent and the device fields derived from it) are taken together from
//     the earliest delta (by FirstAt) that carries a Context;
//   - VisitorID is set once, UserID whenever the delta has one, traits merge
//     key by key;
//   - LastBatchAt is the latest ReceivedAt; any new batch reopens a closed
//     session and clears Compacted (its new chunk is not compacted).
func mergeDelta(r *sessionRow, d *trailguide.SessionDelta) *sessionRow {
	first, last := d.FirstAt, d.LastAt
	switch {
	case first.IsZero() && last.IsZero():
		first, last = d.ReceivedAt, d.ReceivedAt
	case first.IsZero():
		first = last
	case last.IsZero():
		last = first
	}

	if r == nil {
		r = &sessionRow{}
		r.ProjectID, r.ID = d.ProjectID, d.SessionID
		r.StartedAt, r.LastActivityAt = first, last
	}
	s := &r.Session
	if s.VisitorID == "" {
		s.VisitorID = d.VisitorID
	}
	if d.UserID != "" {
		s.UserID = d.UserID
	}
	if len(d.UserTraits) > 0 {
		if s.UserTraits == nil {
			s.UserTraits = make(map[string]string, len(d.UserTraits))
		}
		maps.Copy(s.UserTraits, d.UserTraits)
	}

	if !first.IsZero() && (s.StartedAt.IsZero() || first.Before(s.StartedAt)) {
		s.StartedAt = first
	}
	if last.After(s.LastActivityAt) {
		s.LastActivityAt = last
	}
	s.DurationMS = max(0, ms(s.LastActivityAt)-ms(s.StartedAt))
	s.ActiveMS += d.ActiveMS
	s.PageCount += d.Pages
	s.ClickCount += d.Clicks
	s.ErrorCount += d.Errors
	s.DroppedBatches += d.Dropped
	s.EventCount += d.Events
	s.RawBytes += d.RawBytes
	s.StoredBytes += d.StoredBytes

	if d.EntryURL != "" && (s.EntryURL == "" || ms(first) < r.entryAt) {
		s.EntryURL, r.entryAt = d.EntryURL, ms(first)
	}
	if d.ExitURL != "" && (s.ExitURL == "" || ms(last) >= r.exitAt) {
		s.ExitURL, r.exitAt = d.ExitURL, ms(last)
	}
	if c := d.Context; c != nil && (!r.hasContext || ms(first) < r.contextAt) {
		s.Referrer = c.Referrer
		s.UTM = c.UTM
		s.ViewportW, s.ViewportH = c.ViewportW, c.ViewportH
		s.Language, s.TimeZone = c.Language, c.TimeZone
		s.UserAgent = c.UserAgent
		s.DeviceClass, s.Browser, s.OS = d.DeviceClass, d.Browser, d.OS
		r.hasContext, r.contextAt = true, ms(first)
	}

	if d.ReceivedAt.After(s.LastBatchAt) {
		s.LastBatchAt = d.ReceivedAt
	}
	s.Closed = false
	s.Compacted = false
	return r
}
