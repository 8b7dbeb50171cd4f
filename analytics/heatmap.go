package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

// Dead zone thresholds (docs/FRICTION.md §7, DESIGN §4 "dead zone
// (aggregate)"): a block that at least DeadZoneSeenShare of the page views
// scroll into view, whose median dwell is under a second (more than half
// of the views that saw it dwelt less than trailguide.DeadZoneDwellMS) and
// that fewer than DeadZoneInteractShare of those views interacted with.
const (
	DeadZoneSeenShare     = 0.5
	DeadZoneInteractShare = 0.02
	// DeadZoneMinViews: fewer views than this say nothing about a block.
	DeadZoneMinViews = 20
)

// HeatmapRequest is a heatmap as the dashboard asks for it.
type HeatmapRequest struct {
	ProjectID string
	// Page is a path (/pricing) or a pattern whose ":name" segments match
	// any one segment and a final "*" any rest (/product/:id, /docs/*).
	Page     string
	Device   string
	From, To time.Time
	// Sessions is the session filter (the segment model replaces it).
	Sessions trailguide.SessionFilter
	// Maps limits the report to these maps (MapClicks...); empty is all.
	// The top elements come with every map.
	Maps []string
}

// The maps of a report, and the roll-up layers each needs.
const (
	MapClicks    = "clicks"
	MapMoves     = "moves"
	MapDepth     = "depth"
	MapAttention = "attention"
	MapDead      = "dead"
)

var mapLayers = map[string][]string{
	MapClicks:    {trailguide.LayerClick, trailguide.LayerElement},
	MapMoves:     {trailguide.LayerMove, trailguide.LayerElement},
	MapDepth:     {trailguide.LayerDepth, trailguide.LayerElement},
	MapAttention: {trailguide.LayerBand, trailguide.LayerElement},
	MapDead:      {trailguide.LayerBlock, trailguide.LayerElement},
}

// MapNames lists the maps a request may ask for.
var MapNames = []string{MapClicks, MapMoves, MapDepth, MapAttention, MapDead}

// HeatmapReport is the Heatmaps page of one page, device and range.
type HeatmapReport struct {
	Page   string   `json:"page"`
	Paths  []string `json:"paths"` // the recorded paths the page matched
	Device string   `json:"device"`
	Views  int      `json:"views"`
	// FoldPX: the mean viewport height (the fold line); DocH: the mean
	// document height the SDK reported (0 when it did not).
	FoldPX int `json:"fold_px"`
	DocH   int `json:"doc_h"`
	// Depth: share of views that reached each HeatDepthStep % of the page.
	Depth []DepthStep `json:"depth"`
	// Attention: mean ms in view per view, per band of the page.
	Attention []AttentionBand             `json:"attention"`
	Clicks    []*trailguide.HeatClickCell `json:"clicks"`
	Elements  []*ElementRow               `json:"elements"`
	Moves     []trailguide.HeatCell       `json:"moves"`
	Blocks    []*BlockRow                 `json:"blocks"`
}

// DepthStep is one step of the scroll-depth map.
type DepthStep struct {
	Depth int     `json:"depth"` // %
	Views int     `json:"views"` // views that reached it
	Share float64 `json:"share"`
}

// AttentionBand is one band of the attention map.
type AttentionBand struct {
	From   int   `json:"from"` // % of the document height
	To     int   `json:"to"`
	MS     int64 `json:"ms"`      // summed over views
	MeanMS int64 `json:"mean_ms"` // per view
}

// ElementRow is a top element with shares of the page views.
type ElementRow struct {
	*trailguide.HeatElement
	Share      float64 `json:"share"` // views with a click on it / views
	RageShare  float64 `json:"rage_share"`
	DeadShare  float64 `json:"dead_share"`
	ErrorShare float64 `json:"error_share"`
}

// BlockRow is a content block with its dead-zone verdict.
type BlockRow struct {
	*trailguide.HeatBlockAgg
	SeenShare     float64 `json:"seen_share"`     // of all views
	ShortShare    float64 `json:"short_share"`    // of the views that saw it
	InteractShare float64 `json:"interact_share"` // of the views that saw it
	MeanDwellMS   int64   `json:"mean_dwell_ms"`
	Dead          bool    `json:"dead"`
}

// Heatmaps answers the heatmap API over a HeatmapStore.
type Heatmaps struct {
	Store trailguide.HeatmapStore
}

// MatchPage reports whether a recorded path matches a page pattern.
func MatchPage(pattern, path string) bool {
	if pattern == path {
		return true
	}
	if !strings.ContainsAny(pattern, ":*") {
		return false
	}
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, p := range ps {
		if p == "*" && i == len(ps)-1 {
			return len(xs) >= len(ps)
		}
		if i >= len(xs) {
			return false
		}
		if strings.HasPrefix(p, ":") && len(p) > 1 {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return len(xs) == len(ps)
}

// Query resolves the request's page to the recorded paths it matches.
func (h *Heatmaps) Query(ctx context.Context, r HeatmapRequest) (trailguide.HeatmapQuery, error) {
	q := trailguide.HeatmapQuery{ProjectID: r.ProjectID, Device: r.Device, From: r.From, To: r.To, Sessions: r.Sessions}
	for _, m := range r.Maps {
		ls, ok := mapLayers[m]
		if !ok {
			return q, trailguide.Invalid("maps", "Unknown map %q: maps are clicks, moves, depth, attention and dead.", m)
		}
		q.Layers = append(q.Layers, ls...)
	}
	if r.Page == "" {
		return q, trailguide.Invalid("page", "page required: a path such as /pricing or a pattern such as /product/:id.")
	}
	if !strings.HasPrefix(r.Page, "/") {
		return q, trailguide.Invalid("page", "page must start with /.")
	}
	pages, err := h.Store.HeatmapPages(ctx, r.ProjectID, r.Device)
	if err != nil {
		return q, fmt.Errorf("pages: %w", err)
	}
	for _, p := range pages {
		if MatchPage(r.Page, p.Path) {
			q.Paths = append(q.Paths, p.Path)
		}
	}
	return q, nil
}

// Heatmap builds the report of r.
func (h *Heatmaps) Heatmap(ctx context.Context, r HeatmapRequest) (*HeatmapReport, error) {
	q, err := h.Query(ctx, r)
	if err != nil {
		return nil, err
	}
	d, err := h.Store.Heatmap(ctx, q)
	if err != nil {
		return nil, err
	}
	return Report(r.Page, q, d), nil
}

// Report shapes the store's sums into the report.
func Report(page string, q trailguide.HeatmapQuery, d *trailguide.HeatmapData) *HeatmapReport {
	rep := &HeatmapReport{Page: page, Paths: q.Paths, Device: q.Device, Views: d.Views,
		Clicks: d.Clicks, Moves: d.Moves, Elements: []*ElementRow{}, Blocks: []*BlockRow{}}
	if rep.Paths == nil {
		rep.Paths = []string{}
	}
	share := func(n, of int) float64 {
		if of <= 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	if d.Views > 0 {
		rep.FoldPX = int(d.SumVH / int64(d.Views))
	}
	if d.DocHViews > 0 {
		rep.DocH = int(d.SumDocH / int64(d.DocHViews))
	}
	reached := 0
	rep.Depth = make([]DepthStep, trailguide.HeatDepthSteps)
	for i := trailguide.HeatDepthSteps - 1; i >= 0; i-- {
		reached += d.Depth[i]
		rep.Depth[i] = DepthStep{Depth: i * trailguide.HeatDepthStep, Views: reached, Share: share(reached, d.Views)}
	}
	rep.Attention = make([]AttentionBand, trailguide.HeatBands)
	for i, ms := range d.Bands {
		b := AttentionBand{From: i * 100 / trailguide.HeatBands, To: (i + 1) * 100 / trailguide.HeatBands, MS: ms}
		if d.Views > 0 {
			b.MeanMS = ms / int64(d.Views)
		}
		rep.Attention[i] = b
	}
	for _, e := range d.Elements {
		rep.Elements = append(rep.Elements, &ElementRow{HeatElement: e, Share: share(e.Views, d.Views),
			RageShare: share(e.RageViews, d.Views), DeadShare: share(e.DeadViews, d.Views), ErrorShare: share(e.ErrorViews, d.Views)})
	}
	for _, b := range d.Blocks {
		row := &BlockRow{HeatBlockAgg: b, SeenShare: share(b.Seen, d.Views), ShortShare: share(b.Short, b.Seen),
			InteractShare: share(b.Interacted, b.Seen)}
		if b.Seen > 0 {
			row.MeanDwellMS = b.DwellMS / int64(b.Seen)
		}
		row.Dead = IsDeadZone(b, d.Views)
		rep.Blocks = append(rep.Blocks, row)
	}
	if rep.Clicks == nil {
		rep.Clicks = []*trailguide.HeatClickCell{}
	}
	if rep.Moves == nil {
		rep.Moves = []trailguide.HeatCell{}
	}
	return rep
}

// IsDeadZone applies the dead-zone definition to a block's sums over views
// page views.
func IsDeadZone(b *trailguide.HeatBlockAgg, views int) bool {
	if views < DeadZoneMinViews || b.Seen == 0 {
		return false
	}
	return float64(b.Seen) >= DeadZoneSeenShare*float64(views) && // most views scroll it into view
		2*b.Short > b.Seen && // median dwell under a second
		float64(b.Interacted) < DeadZoneInteractShare*float64(b.Seen) // almost nobody interacts
}

// Snapshot is the rrweb events that rebuild a page: the window's events
// from the meta event before the view's full snapshot up to settleMS after
// it (late renders), and the view they come from.
type Snapshot struct {
	View   *trailguide.HeatSnapshotView `json:"view"`
	Events []json.RawMessage            `json:"events"`
}

// SnapshotSettleMS is how much of the recording after a page's full
// snapshot rebuilds it: enough for what a client-rendered page draws after
// load.
const SnapshotSettleMS = 3000

// SnapshotEvents cuts the events of one page view's load out of a window's
// rrweb stream: from the last meta event (type 4) at or before the full
// snapshot (type 2) nearest the view's start, up to SnapshotSettleMS after
// that snapshot. Nil when the stream has no full snapshot.
func SnapshotEvents(events []json.RawMessage, view time.Time) []json.RawMessage {
	type head struct {
		Type      int   `json:"type"`
		Timestamp int64 `json:"timestamp"`
	}
	heads := make([]head, len(events))
	for i, raw := range events {
		_ = json.Unmarshal(raw, &heads[i])
	}
	t := view.UnixMilli()
	best := -1
	for i, h := range heads {
		if h.Type != 2 {
			continue
		}
		if best < 0 || abs(h.Timestamp-t) < abs(heads[best].Timestamp-t) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	start := best
	for i := best; i >= 0; i-- {
		if heads[i].Type == 4 {
			start = i
			break
		}
	}
	end := best + 1
	for end < len(events) && heads[end].Type != 4 && heads[end].Type != 2 && heads[end].Timestamp <= heads[best].Timestamp+SnapshotSettleMS {
		end++
	}
	return events[start:end]
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
