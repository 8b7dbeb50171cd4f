package ingest

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/recording"
)

// Clock skew. The SDK stamps every event with the browser's clock, which
// can be minutes or hours off. sent_at is stamped with the same clock when
// the batch leaves, so received_at - sent_at estimates the offset (plus the
// network and queueing latency, which is why estimates within
// SkewThreshold, 2 s, count as no skew rather than being half-corrected).
// The estimate of a session's first batch is its skew for good
// (IngestStore.SessionClock): every later batch is shifted by the same
// offset, whatever its own latency, so that a batch that was merely slow to
// arrive does not move its clicks away from the page changes that answered
// them (the detectors compare the two). Every time that goes into the index
// (the events table, the session's start, end and active time, the chunk's
// first/last timestamps) is shifted by the skew, so that sessions from
// different devices sort and filter on one clock. The rrweb events inside
// the chunk are stored untouched: replay only uses their relative times,
// and rewriting them would cost a full re-encode. A reader that needs the
// two on one clock adds the chunk row's FirstTS minus its first event's
// timestamp (the worker does, before the detectors run). This assumes the
// SDK sets sent_at when a batch is (re)sent, not when it was built.

// estimateSkew is the skew a session's first batch gives: received − sent,
// or 0 within the threshold.
func estimateSkew(cfg *Config, sentAt int64, received time.Time) int64 {
	skew := received.UnixMilli() - sentAt
	if absDiff(skew, 0) <= cfg.SkewThreshold.Milliseconds() {
		return 0
	}
	return skew
}

// build turns a validated batch into the rows to commit. Chunk sizes other
// than RawBytes are filled in once the chunk is encoded.
// maxDroppedReport bounds the dropped count one batch can add to a session.
const maxDroppedReport = 10000

func build(cfg *Config, projectID string, b *trailguide.Batch, headers []recording.EventHeader, received time.Time, requestUA string, skew int64) *trailguide.IngestBatch {
	at := func(clientMS int64) time.Time { return time.UnixMilli(clientMS + skew).UTC() }

	ib := &trailguide.IngestBatch{
		ProjectID: projectID,
		SessionID: b.Session,
		WindowID:  b.Window,
		Seq:       b.Seq,
		Skew:      skew,
		Events:    make([]*trailguide.Event, 0, len(b.Signals)),
	}
	d := &ib.Delta
	d.ProjectID, d.SessionID, d.VisitorID = projectID, b.Session, b.Visitor
	d.ReceivedAt = received
	d.Events = len(b.Signals) + len(b.Events)
	// what the SDK dropped unsent since its last acknowledged report; a
	// buffer holds far fewer, so a larger figure is capped, not trusted
	d.Dropped = min(b.Dropped, maxDroppedReport)

	first, last := int64(0), int64(0)
	seen := false
	span := func(ts int64) {
		if !seen {
			first, last, seen = ts, ts, true
			return
		}
		first, last = min(first, ts), max(last, ts)
	}

	var activity []int64
	if len(headers) > 0 {
		cFirst, cLast := headers[0].Timestamp, headers[0].Timestamp
		for _, h := range headers {
			span(h.Timestamp)
			cFirst, cLast = min(cFirst, h.Timestamp), max(cLast, h.Timestamp)
			if h.Type == recording.EventIncrementalSnapshot && userSource(h.Source) {
				activity = append(activity, h.Timestamp)
			}
		}
		raw := recording.RawSize(b.Events)
		ib.ClientFirstTS, ib.ClientLastTS = cFirst, cLast
		ib.Chunk = &trailguide.Chunk{
			ProjectID:  projectID,
			SessionID:  b.Session,
			WindowID:   b.Window,
			SeqFrom:    b.Seq,
			SeqTo:      b.Seq,
			FirstTS:    cFirst + skew,
			LastTS:     cLast + skew,
			EventCount: len(b.Events),
			RawBytes:   raw,
		}
		d.RawBytes = raw
	}

	entryTS, exitTS := int64(0), int64(0)
	for i := range b.Signals {
		s := &b.Signals[i]
		span(s.TS)
		switch s.Type {
		case trailguide.EventPageview:
			d.Pages++
			if s.URL != "" && (d.EntryURL == "" || s.TS < entryTS) {
				d.EntryURL, entryTS = s.URL, s.TS
			}
		case trailguide.EventClick:
			d.Clicks++
			activity = append(activity, s.TS)
		case trailguide.EventInput, trailguide.EventScroll:
			activity = append(activity, s.TS)
		case trailguide.EventError:
			d.Errors++
		case trailguide.EventIdentify:
			if s.UserID != "" {
				d.UserID = s.UserID
			}
			for k, v := range s.Traits {
				if d.UserTraits == nil {
					d.UserTraits = make(map[string]string, len(s.Traits))
				}
				d.UserTraits[k] = v
			}
		}
		// a view summary may describe a page already left (docs/PROTOCOL.md)
		if s.URL != "" && s.Type != trailguide.EventView && (d.ExitURL == "" || s.TS >= exitTS) {
			d.ExitURL, exitTS = s.URL, s.TS
		}
		ib.Events = append(ib.Events, &trailguide.Event{
			ProjectID: projectID,
			SessionID: b.Session,
			WindowID:  b.Window,
			Seq:       b.Seq,
			Index:     i,
			Type:      s.Type,
			Time:      at(s.TS),
			URL:       s.URL,
			Selector:  s.Selector,
			Text:      s.Text,
			X:         s.X,
			Y:         s.Y,
			Name:      s.Name,
			Data:      signalData(s),
		})
	}

	if c := b.Context; c != nil {
		ctx := *c
		if ctx.UserAgent == "" {
			ctx.UserAgent = truncate(requestUA, cfg.MaxURLLen)
		}
		d.Context = &ctx
		dev := ParseUserAgent(ctx.UserAgent, ctx.ViewportW, ctx.TouchPoints)
		d.DeviceClass, d.Browser, d.OS = dev.Class, dev.Browser, dev.OS
		if d.ExitURL == "" {
			d.ExitURL = ctx.URL
		}
	}
	if !seen {
		// A batch with neither events nor signals still proves the page is
		// alive; date it by when it was sent.
		first, last = b.SentAt, b.SentAt
	}
	d.FirstAt, d.LastAt = at(first), at(last)
	d.ActiveMS = activeMS(activity, cfg.ActiveGap.Milliseconds())
	return ib
}

// userSource reports whether an rrweb incremental snapshot of this source
// is something the user did (as opposed to the page mutating itself).
func userSource(src int64) bool {
	switch src {
	case recording.SourceMouseMove, recording.SourceMouseInteraction, recording.SourceScroll,
		recording.SourceInput, recording.SourceTouchMove, recording.SourceDrag:
		return true
	}
	return false
}

// activeMS sums the pauses between consecutive user actions that are at
// most gap long. Actions are rrweb incremental snapshots from the mouse,
// touch, scroll and input sources and click/input/scroll signals (the two
// overlap; duplicates add zero-length gaps). A longer pause counts as idle
// entirely: a user reading for a minute without moving is not measured as
// active, which errs low like the peers' definitions. The sum is per batch,
// so the pause across a batch boundary (at most one gap per batch) is not
// counted; at the SDK's 5 s flush interval that undercounts by at most the
// time between the last action of one batch and the first of the next.
func activeMS(times []int64, gap int64) int64 {
	if len(times) < 2 {
		return 0
	}
	slices.Sort(times)
	var total int64
	for i := 1; i < len(times); i++ {
		if d := times[i] - times[i-1]; d <= gap {
			total += d
		}
	}
	return total
}

// signalFields are the signal fields without a column of their own in the
// events table; they go into Event.Data.
type signalFields struct {
	Title    string            `json:"title,omitempty"`
	Referrer string            `json:"referrer,omitempty"`
	Tag      string            `json:"tag,omitempty"`
	EX       int               `json:"ex,omitempty"`
	EY       int               `json:"ey,omitempty"`
	EW       int               `json:"ew,omitempty"`
	EH       int               `json:"eh,omitempty"`
	VW       int               `json:"vw,omitempty"`
	VH       int               `json:"vh,omitempty"`
	Depth    int               `json:"depth,omitempty"`
	ScrollY  int               `json:"scroll_y,omitempty"`
	Props    map[string]any    `json:"props,omitempty"`
	Stack    string            `json:"stack,omitempty"`
	Source   string            `json:"source,omitempty"`
	UserID   string            `json:"user_id,omitempty"`
	Traits   map[string]string `json:"traits,omitempty"`
}

// signalData is the rest of a signal, as JSON; nil when there is none.
func signalData(s *trailguide.Signal) json.RawMessage {
	f := signalFields{
		Title: s.Title, Referrer: s.Referrer, Tag: s.Tag,
		EX: s.EX, EY: s.EY, EW: s.EW, EH: s.EH, VW: s.VW, VH: s.VH,
		Depth: s.Depth, ScrollY: s.ScrollY, Props: s.Props, Stack: s.Stack, Source: s.Source,
		UserID: s.UserID, Traits: s.Traits,
	}
	data, err := json.Marshal(f)
	if err != nil || string(data) == "{}" {
		// Props came from JSON, so they always marshal; an error here
		// cannot happen and would only drop the extra fields.
		return nil
	}
	return data
}
