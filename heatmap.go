package trailguide

import (
	"context"
	"time"
)

// Heatmap geometry (docs/FRICTION.md §7). Clicks are anchored to the
// element they hit: the offset inside it is kept on a HeatOffsetCells ×
// HeatOffsetCells grid. Moves and the fallback position of a click whose
// element is gone are page coordinates divided by the page width, so a
// layout at another width does not smear them. Scroll depth is counted in
// steps of HeatDepthStep % of the document height, attention in HeatBands
// equal bands of it.
const (
	HeatOffsetCells = 10
	HeatMoveCells   = 40 // cells across the page width
	HeatDepthStep   = 5  // %
	HeatBands       = 20
	HeatDepthSteps  = 100/HeatDepthStep + 1 // 0, 5, ... 100 %
)

// DeviceForWidth is the device class of a viewport width (CSS px): below
// 768 mobile, below 1024 tablet, otherwise desktop; "" for an unknown width.
func DeviceForWidth(w int) string {
	switch {
	case w <= 0:
		return ""
	case w < 768:
		return DeviceMobile
	case w < 1024:
		return DeviceTablet
	}
	return DeviceDesktop
}

// SessionHeatmap is what one closed session contributes to the heatmaps of
// its project: its page views and clicks (analytics.BuildSessionHeatmap).
type SessionHeatmap struct {
	ProjectID string       `json:"-"`
	SessionID string       `json:"-"`
	Views     []*HeatView  `json:"views"`
	Clicks    []*HeatClick `json:"clicks"`
}

// HeatView is one page view of a session.
type HeatView struct {
	WindowID string    `json:"window"`
	Time     time.Time `json:"time"`
	Path     string    `json:"path"`   // URL path, route fragment kept (FrictionElement.URL)
	Device   string    `json:"device"` // DeviceForWidth(ViewportW)
	// ViewportW/H and DocH are CSS px; DocH is 0 when the SDK did not send it.
	ViewportW int `json:"vw"`
	ViewportH int `json:"vh"`
	DocH      int `json:"doc_h,omitempty"`
	// Depth is the deepest point of the page that was in view, in % of
	// the document height (0-100).
	Depth int `json:"depth"`
	// Snapshot is true when the window's recording has a full snapshot of
	// this page view (the heatmap's background can be rebuilt from it).
	Snapshot bool `json:"snapshot,omitempty"`
	// Bands is the attention of the view: for each of HeatBands bands of
	// the document, the ms it was in view weighted by the share of the
	// band that was visible (visible area × dwell).
	Bands []int64 `json:"bands,omitempty"`
	// Moves counts pointer samples per cell of HeatMoveCells across.
	Moves []HeatCell `json:"moves,omitempty"`
	// Blocks are the content blocks (landmarks and large sections) that
	// were on the page.
	Blocks []HeatBlock `json:"blocks,omitempty"`
}

// HeatCell is a count on a grid cell.
type HeatCell struct {
	X int `json:"x"`
	Y int `json:"y"`
	N int `json:"n"`
}

// HeatBlock is a content block of one page view.
type HeatBlock struct {
	Selector string `json:"selector"`
	// Top and Height in CSS px of the document.
	Top    int `json:"top"`
	Height int `json:"h"`
	// Seen: it was scrolled into view; DwellMS: how long at least half of
	// it (or half the viewport) was in view; Interacted: a click or input
	// inside it.
	Seen       bool  `json:"seen"`
	DwellMS    int64 `json:"dwell_ms"`
	Interacted bool  `json:"interacted,omitempty"`
}

// HeatClick is one click of a session.
type HeatClick struct {
	WindowID string    `json:"window"`
	Time     time.Time `json:"time"`
	Path     string    `json:"path"`
	Device   string    `json:"device"`
	Selector string    `json:"selector"`
	Text     string    `json:"text,omitempty"` // masked as the recording is
	// OX, OY: the offset inside the element, 0..1 of its width and height.
	OX float64 `json:"ox"`
	OY float64 `json:"oy"`
	// PX, PY: page coordinates divided by the page (viewport) width.
	PX float64 `json:"px"`
	PY float64 `json:"py"`
	// Kinds from the server's friction detections.
	Rage  bool `json:"rage,omitempty"`
	Dead  bool `json:"dead,omitempty"`
	Error bool `json:"error,omitempty"`
}

// Click kinds of a heatmap layer.
const (
	HeatAll   = "all"
	HeatRage  = "rage"
	HeatDead  = "dead"
	HeatError = "error"
)

// HeatmapQuery selects the page views a heatmap covers.
type HeatmapQuery struct {
	ProjectID string
	// Paths are the page paths to merge (analytics matches a pattern such
	// as /product/:id to them).
	Paths  []string
	Device string // required: DeviceDesktop, DeviceTablet or DeviceMobile
	// From, To bound the views' time, rounded to whole UTC days; To is
	// exclusive. Zero means open.
	From, To time.Time
	// Layers limits the aggregation to these roll-up layers (LayerPage...);
	// empty means every layer. The page layer (views) is always read.
	Layers []string
	// Sessions narrows to the sessions matching the filter (its
	// ProjectID, paging and sort are ignored). The zero filter is every
	// session and is answered from the pre-aggregated tables.
	Sessions SessionFilter
}

// HeatmapData is the aggregate of a HeatmapQuery.
type HeatmapData struct {
	Views     int   `json:"views"`
	SumVH     int64 `json:"-"`
	SumDocH   int64 `json:"-"`
	DocHViews int   `json:"-"` // views with a DocH
	// Depth[i] counts the views whose deepest point was in step i.
	Depth  [HeatDepthSteps]int `json:"depth"`
	Bands  [HeatBands]int64    `json:"bands"`
	Clicks []*HeatClickCell    `json:"clicks"`
	// Elements are per selector: clicks of each kind and the views with
	// at least one.
	Elements []*HeatElement  `json:"elements"`
	Moves    []HeatCell      `json:"moves"`
	Blocks   []*HeatBlockAgg `json:"blocks"`

	// Add's sums, until Finish
	cells  map[string]*HeatClickCell
	elems  map[string]*HeatElement
	blocks map[string]*HeatBlockAgg
	moves  map[[2]int]int
}

// HeatClickCell is the clicks on one offset cell of one element.
type HeatClickCell struct {
	Selector string `json:"selector"`
	CX       int    `json:"cx"`
	CY       int    `json:"cy"`
	N        int    `json:"n"`
	Rage     int    `json:"rage"`
	Dead     int    `json:"dead"`
	Error    int    `json:"error"`
	// PX, PY: the mean page position (÷ page width) of these clicks, for
	// when the element is not in the snapshot.
	PX float64 `json:"px"`
	PY float64 `json:"py"`
}

// HeatElement is one clicked element of a heatmap.
type HeatElement struct {
	Selector string `json:"selector"`
	Text     string `json:"text"`
	Clicks   int    `json:"clicks"`
	Rage     int    `json:"rage"`
	Dead     int    `json:"dead"`
	Error    int    `json:"error"`
	// Views with at least one click (of each kind) on the element.
	Views      int `json:"views"`
	RageViews  int `json:"rage_views"`
	DeadViews  int `json:"dead_views"`
	ErrorViews int `json:"error_views"`
}

// HeatBlockAgg sums one content block over the views that had it.
type HeatBlockAgg struct {
	Selector   string `json:"selector"`
	Views      int    `json:"views"`      // views where the block was on the page
	Seen       int    `json:"seen"`       // ... and scrolled into view
	Short      int    `json:"short"`      // ... seen with a dwell under 1 s
	Interacted int    `json:"interacted"` // ... with a click or input inside it
	DwellMS    int64  `json:"dwell_ms"`   // summed over seen views
	// Mean position in ‰ of the document height.
	Top    int `json:"top"`
	Height int `json:"height"`
}

// HeatClickSession is one session with clicks on an element: where the
// replay should start.
type HeatClickSession struct {
	SessionID string    `json:"session_id"`
	WindowID  string    `json:"window_id"`
	Time      time.Time `json:"time"`
	TMS       int64     `json:"t_ms"` // ms after the session's StartedAt
	Clicks    int       `json:"clicks"`
}

// HeatPage is a page path with heatmap data.
type HeatPage struct {
	Path  string `json:"path"`
	Views int    `json:"views"`
}

// HeatSnapshotView is a recent page view whose recording can rebuild the
// page.
type HeatSnapshotView struct {
	SessionID string    `json:"session_id"`
	WindowID  string    `json:"window_id"`
	Time      time.Time `json:"time"`
	Path      string    `json:"path"`
	ViewportW int       `json:"vw"`
	ViewportH int       `json:"vh"`
	DocH      int       `json:"doc_h"`
}

// HeatmapStore keeps the heatmap data of closed sessions, pre-aggregated
// per page path, device class and day. Backends implement it on the same
// database as their SessionStore, and delete a session's contribution
// with the session (retention, erasure).
type HeatmapStore interface {
	// ReplaceHeatmap replaces everything the session contributed with h;
	// running it again with the same input changes nothing. ENOTFOUND when
	// the session does not exist.
	ReplaceHeatmap(ctx context.Context, h *SessionHeatmap) error
	// HeatmapPages lists the project's page paths with their views, most
	// viewed first.
	HeatmapPages(ctx context.Context, projectID, device string) ([]HeatPage, error)
	// Heatmap aggregates the views and clicks q selects.
	Heatmap(ctx context.Context, q HeatmapQuery) (*HeatmapData, error)
	// HeatmapSessions lists up to limit sessions with clicks of kind
	// (HeatAll...) on selector among the views q selects, newest first,
	// each with its first such click.
	HeatmapSessions(ctx context.Context, q HeatmapQuery, selector, kind string, limit int) ([]*HeatClickSession, error)
	// HeatmapSnapshot returns the latest view q selects whose recording
	// has a full snapshot of the page; ENOTFOUND when there is none.
	HeatmapSnapshot(ctx context.Context, q HeatmapQuery) (*HeatSnapshotView, error)
}
