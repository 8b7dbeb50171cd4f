package trailguide

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Heatmap roll-up layers: what a store pre-aggregates per page path,
// device class and day (HeatRollKey), each a few integers (HeatRollValues).
// SessionHeatmap.Rollup makes them and HeatmapData.Add sums them, so every
// backend aggregates the same way and a filtered heatmap (summed from the
// raw rows of the matching sessions) equals the pre-aggregated one.
//
//	page    ""            views, Σ viewport height, Σ document height, views with one
//	depth   step          views whose deepest point is in that HeatDepthStep step
//	band    band          ms of attention (visible share × dwell)
//	move    "x,y"         pointer samples
//	click   sel␟cx␟cy     clicks, rage, dead, error, Σ page x ‰, Σ page y ‰
//	element sel           clicks, rage, dead, error, views with a click (of each kind) ×4
//	block   sel           views, seen, short dwell, interacted, Σ dwell ms, Σ top ‰, Σ height ‰
const (
	LayerPage    = "page"
	LayerDepth   = "depth"
	LayerBand    = "band"
	LayerMove    = "move"
	LayerClick   = "click"
	LayerElement = "element"
	LayerBlock   = "block"
)

// HeatLayers lists every roll-up layer.
var HeatLayers = []string{LayerPage, LayerDepth, LayerBand, LayerMove, LayerClick, LayerElement, LayerBlock}

// DeadZoneDwellMS: a seen block whose dwell is below this was scrolled past.
const DeadZoneDwellMS = 1000

// HeatRollKey is one roll-up row's key.
type HeatRollKey struct {
	Path, Device string
	Day          int64 // UTC days since the epoch
	Layer, Key   string
}

// HeatRollValues are one roll-up row's sums; what each means depends on the layer.
type HeatRollValues [8]int64

// HeatDay is the UTC day number of t.
func HeatDay(t time.Time) int64 {
	return int64(math.Floor(float64(t.UnixMilli()) / float64(24*time.Hour/time.Millisecond)))
}

// HeatClickKey is the key of a click cell.
func HeatClickKey(selector string, cx, cy int) string {
	return selector + "\x1f" + strconv.Itoa(cx) + "\x1f" + strconv.Itoa(cy)
}

// HeatCellOf is the offset cell (0..HeatOffsetCells-1) of a 0..1 offset.
func HeatCellOf(o float64) int {
	return max(0, min(HeatOffsetCells-1, int(o*HeatOffsetCells)))
}

// ClickKinds is the bit mask of a click's kinds (1 rage, 2 dead, 4 error).
func (c *HeatClick) ClickKinds() int {
	k := 0
	if c.Rage {
		k |= 1
	}
	if c.Dead {
		k |= 2
	}
	if c.Error {
		k |= 4
	}
	return k
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Rollup is what h adds to the roll-up rows.
func (h *SessionHeatmap) Rollup() map[HeatRollKey]HeatRollValues {
	out := map[HeatRollKey]HeatRollValues{}
	add := func(k HeatRollKey, v HeatRollValues) {
		o := out[k]
		for i := range v {
			o[i] += v[i]
		}
		out[k] = o
	}
	for _, v := range h.Views {
		base := HeatRollKey{Path: v.Path, Device: v.Device, Day: HeatDay(v.Time)}
		k := base
		k.Layer = LayerPage
		add(k, HeatRollValues{1, int64(v.ViewportH), int64(v.DocH), b2i(v.DocH > 0)})
		k.Layer, k.Key = LayerDepth, strconv.Itoa(min(HeatDepthSteps-1, max(0, v.Depth)/HeatDepthStep))
		add(k, HeatRollValues{1})
		for i, ms := range v.Bands {
			if i < HeatBands && ms > 0 {
				k.Layer, k.Key = LayerBand, strconv.Itoa(i)
				add(k, HeatRollValues{ms})
			}
		}
		for _, m := range v.Moves {
			k.Layer, k.Key = LayerMove, strconv.Itoa(m.X)+","+strconv.Itoa(m.Y)
			add(k, HeatRollValues{int64(m.N)})
		}
		for _, b := range v.Blocks {
			k.Layer, k.Key = LayerBlock, b.Selector
			var top, hgt int64
			if v.DocH > 0 {
				top, hgt = int64(b.Top)*1000/int64(v.DocH), int64(b.Height)*1000/int64(v.DocH)
			}
			short := b.Seen && b.DwellMS < DeadZoneDwellMS
			var dwell int64
			if b.Seen {
				dwell = b.DwellMS
			}
			add(k, HeatRollValues{1, b2i(b.Seen), b2i(short), b2i(b.Interacted), dwell, top, hgt})
		}
	}
	// element views: a view counts once per element (and kind)
	type ev struct {
		view int
		sel  string
	}
	seen := map[ev]int{}
	for _, c := range h.Clicks {
		k := HeatRollKey{Path: c.Path, Device: c.Device, Day: HeatDay(c.Time), Layer: LayerClick,
			Key: HeatClickKey(c.Selector, HeatCellOf(c.OX), HeatCellOf(c.OY))}
		r, d, e := b2i(c.Rage), b2i(c.Dead), b2i(c.Error)
		add(k, HeatRollValues{1, r, d, e, int64(math.Round(c.PX * 1000)), int64(math.Round(c.PY * 1000))})
		vi := h.viewOf(c)
		key := ev{vi, c.Selector}
		had, ok := seen[key]
		if !ok {
			had = -1
		}
		mask := int(r) | int(d)<<1 | int(e)<<2
		var nv HeatRollValues
		nv[0], nv[1], nv[2], nv[3] = 1, r, d, e
		if had < 0 {
			nv[4] = 1
			had = 0
		}
		for bit := 0; bit < 3; bit++ {
			if mask&(1<<bit) != 0 && had&(1<<bit) == 0 {
				nv[5+bit] = 1
			}
		}
		seen[key] = had | mask
		k.Layer, k.Key = LayerElement, c.Selector
		add(k, nv)
	}
	return out
}

// viewOf is the index of the view a click belongs to: the latest view of
// its window that started before it; -1 when none.
func (h *SessionHeatmap) viewOf(c *HeatClick) int {
	best := -1
	for i, v := range h.Views {
		if v.WindowID == c.WindowID && !v.Time.After(c.Time) && (best < 0 || !v.Time.Before(h.Views[best].Time)) {
			best = i
		}
	}
	return best
}

// Add sums one roll-up row (of any day, path) into d.
func (d *HeatmapData) Add(layer, key string, v HeatRollValues) {
	if d.cells == nil {
		d.cells = map[string]*HeatClickCell{}
		d.elems = map[string]*HeatElement{}
		d.blocks = map[string]*HeatBlockAgg{}
		d.moves = map[[2]int]int{}
	}
	switch layer {
	case LayerPage:
		d.Views += int(v[0])
		d.SumVH += v[1]
		d.SumDocH += v[2]
		d.DocHViews += int(v[3])
	case LayerDepth:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < HeatDepthSteps {
			d.Depth[i] += int(v[0])
		}
	case LayerBand:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < HeatBands {
			d.Bands[i] += v[0]
		}
	case LayerMove:
		xs, ys, _ := strings.Cut(key, ",")
		x, err1 := strconv.Atoi(xs)
		y, err2 := strconv.Atoi(ys)
		if err1 == nil && err2 == nil {
			d.moves[[2]int{x, y}] += int(v[0])
		}
	case LayerClick:
		c := d.cells[key]
		if c == nil {
			parts := strings.Split(key, "\x1f")
			if len(parts) != 3 {
				return
			}
			cx, _ := strconv.Atoi(parts[1])
			cy, _ := strconv.Atoi(parts[2])
			c = &HeatClickCell{Selector: parts[0], CX: cx, CY: cy}
			d.cells[key] = c
		}
		c.N += int(v[0])
		c.Rage += int(v[1])
		c.Dead += int(v[2])
		c.Error += int(v[3])
		c.PX += float64(v[4]) // sums until Finish
		c.PY += float64(v[5])
	case LayerElement:
		e := d.elems[key]
		if e == nil {
			e = &HeatElement{Selector: key}
			d.elems[key] = e
		}
		e.Clicks += int(v[0])
		e.Rage += int(v[1])
		e.Dead += int(v[2])
		e.Error += int(v[3])
		e.Views += int(v[4])
		e.RageViews += int(v[5])
		e.DeadViews += int(v[6])
		e.ErrorViews += int(v[7])
	case LayerBlock:
		b := d.blocks[key]
		if b == nil {
			b = &HeatBlockAgg{Selector: key}
			d.blocks[key] = b
		}
		b.Views += int(v[0])
		b.Seen += int(v[1])
		b.Short += int(v[2])
		b.Interacted += int(v[3])
		b.DwellMS += v[4]
		b.Top += int(v[5]) // sums until Finish
		b.Height += int(v[6])
	}
}

// Finish turns the sums Add collected into the sorted lists of d: cells
// and elements by clicks, moves by position, blocks by position.
func (d *HeatmapData) Finish() {
	d.Clicks = d.Clicks[:0]
	for _, c := range d.cells {
		if c.N <= 0 {
			continue
		}
		c.PX, c.PY = c.PX/float64(c.N)/1000, c.PY/float64(c.N)/1000
		d.Clicks = append(d.Clicks, c)
	}
	slices.SortFunc(d.Clicks, func(a, b *HeatClickCell) int {
		return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Selector, b.Selector), cmp.Compare(a.CY, b.CY), cmp.Compare(a.CX, b.CX))
	})
	d.Elements = d.Elements[:0]
	for _, e := range d.elems {
		if e.Clicks > 0 {
			d.Elements = append(d.Elements, e)
		}
	}
	slices.SortFunc(d.Elements, func(a, b *HeatElement) int {
		return cmp.Or(cmp.Compare(b.Clicks, a.Clicks), strings.Compare(a.Selector, b.Selector))
	})
	d.Moves = d.Moves[:0]
	for k, n := range d.moves {
		if n > 0 {
			d.Moves = append(d.Moves, HeatCell{X: k[0], Y: k[1], N: n})
		}
	}
	slices.SortFunc(d.Moves, func(a, b HeatCell) int { return cmp.Or(cmp.Compare(a.Y, b.Y), cmp.Compare(a.X, b.X)) })
	d.Blocks = d.Blocks[:0]
	for _, b := range d.blocks {
		if b.Views <= 0 {
			continue
		}
		b.Top, b.Height = b.Top/b.Views, b.Height/b.Views
		d.Blocks = append(d.Blocks, b)
	}
	slices.SortFunc(d.Blocks, func(a, b *HeatBlockAgg) int {
		return cmp.Or(cmp.Compare(a.Top, b.Top), strings.Compare(a.Selector, b.Selector))
	})
	d.cells, d.elems, d.blocks, d.moves = nil, nil, nil, nil
}
