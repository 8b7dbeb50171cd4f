// Package batchgen generates realistic, deterministic SDK batches for tests
// and benchmarks: per window a page load (meta event and a full snapshot of
// a few hundred DOM nodes with an inlined stylesheet), then incremental
// snapshots (mouse moves, clicks, DOM mutations, scrolls, masked inputs)
// and the matching analytics signals (pageview, click, scroll, input), in
// batches the size the SDK sends (5 s of activity is 20-80 KB of JSON).
// The same seed always yields the same bytes.
package batchgen

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

// Options shape a generated session. Zero fields take the defaults noted.
type Options struct {
	Key      string        // project public key ("tg_pk_batchgen")
	Start    time.Time     // first event (2026-01-05 09:00 UTC)
	Batches  int           // batches in the window (12, one minute)
	Interval time.Duration // activity per batch (5 s)
	Nodes    int           // DOM nodes of a full snapshot (400)
	// PageEvery starts a new page load (meta, full snapshot, pageview) every
	// so many batches (6); 0 keeps the default, negative never reloads.
	PageEvery int
	// SentDelay is added to the last event time to make sent_at (40 ms).
	SentDelay time.Duration
}

func (o Options) withDefaults() Options {
	if o.Key == "" {
		o.Key = "tg_pk_batchgen"
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	}
	if o.Batches <= 0 {
		o.Batches = 12
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.Nodes <= 0 {
		o.Nodes = 400
	}
	if o.PageEvery == 0 {
		o.PageEvery = 6
	}
	if o.SentDelay <= 0 {
		o.SentDelay = 40 * time.Millisecond
	}
	return o
}

// Body is one generated batch with its wire forms.
type Body struct {
	Batch *trailguide.Batch
	JSON  []byte // the batch as the SDK sends it uncompressed
	Gzip  []byte // JSON, gzip'd as CompressionStream does
}

// Session generates the batches of one window of one session. Different
// seeds give different ids and content.
func Session(seed uint64, o Options) []Body {
	o = o.withDefaults()
	g := &gen{
		rng:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		opts: o,
	}
	g.visitor = "v_" + g.id(22)
	g.session = "s_" + g.id(22)
	g.window = "w_" + g.id(12)
	g.now = o.Start.UnixMilli()

	bodies := make([]Body, 0, o.Batches)
	for seq := 0; seq < o.Batches; seq++ {
		b := &trailguide.Batch{
			Key: o.Key, Visitor: g.visitor, Session: g.session, Window: g.window,
			Seq: int64(seq), SDK: "trailguide-js/0.1.0",
			Events: []json.RawMessage{}, Signals: []trailguide.Signal{},
		}
		end := g.now + o.Interval.Milliseconds()
		if seq == 0 || (o.PageEvery > 0 && seq%o.PageEvery == 0) {
			g.pageLoad(b)
		}
		g.activity(b, end)
		g.now = end
		b.SentAt = end + o.SentDelay.Milliseconds()
		bodies = append(bodies, encode(b))
	}
	return bodies
}

// Sessions generates n sessions with seeds seed, seed+1, ... and returns
// their batches session by session.
func Sessions(seed uint64, n int, o Options) []Body {
	var out []Body
	for i := range n {
		out = append(out, Session(seed+uint64(i), o)...)
	}
	return out
}

func encode(b *trailguide.Batch) Body {
	data, err := json.Marshal(b)
	if err != nil {
		panic(fmt.Sprintf("batchgen: marshal batch: %v", err)) // only plain values
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return Body{Batch: b, JSON: data, Gzip: buf.Bytes()}
}

type gen struct {
	rng                      *rand.Rand
	opts                     Options
	visitor, session, window string
	now                      int64 // ms, current time

	page     int
	url      string
	nextID   int
	elements []element // interactive or mutable elements of the page
	mx, my   int
	scrollY  int
	docH     int
}

type element struct {
	id       int
	tag      string
	selector string
	text     string
	x, y     int
	w, h     int
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (g *gen) id(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

var words = strings.Fields(`the account plan billing invoice team member project settings
dashboard report export import search filter status active pending archived today yesterday
week month total revenue users sessions conversion funnel step checkout cart order product
price discount shipping address payment method card save cancel continue next back help
support message notification upgrade trial feature integration webhook api key token access
role admin viewer editor owner invite remove update create delete edit view open close more`)

func (g *gen) words(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = words[g.rng.IntN(len(words))]
	}
	s := strings.Join(parts, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

var paths = []string{"/", "/dashboard", "/projects", "/projects/42/settings", "/billing", "/team", "/reports/weekly", "/checkout"}

// event is an rrweb event envelope, fields in rrweb's order.
type event struct {
	Type      int   `json:"type"`
	Data      any   `json:"data"`
	Timestamp int64 `json:"timestamp"`
}

func (g *gen) emit(b *trailguide.Batch, typ int, data any, ts int64) {
	raw, err := json.Marshal(event{typ, data, ts})
	if err != nil {
		panic(fmt.Sprintf("batchgen: marshal event: %v", err))
	}
	b.Events = append(b.Events, raw)
}

// pageLoad emits a new page: context, pageview, meta and full snapshot.
func (g *gen) pageLoad(b *trailguide.Batch) {
	g.page++
	g.url = "https://app.example.com" + paths[g.rng.IntN(len(paths))]
	if g.page == 1 {
		g.url += "?utm_source=newsletter&utm_medium=email"
	}
	ts := g.now + 5
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	b.Context = &trailguide.Context{
		URL: g.url, Referrer: "https://mail.example.org/",
		ViewportW: 1440, ViewportH: 900, ScreenW: 1920, ScreenH: 1080,
		UserAgent: ua, Language: "en-US", TimeZone: "Europe/Berlin",
	}
	if g.page == 1 {
		b.Context.UTM = trailguide.UTM{Source: "newsletter", Medium: "email"}
	}
	b.Signals = append(b.Signals, trailguide.Signal{
		Type: trailguide.EventPageview, TS: ts, URL: g.url, Title: g.words(3) + " · Acme",
		Referrer: b.Context.Referrer,
	})
	g.emit(b, 4, map[string]any{"href": g.url, "width": 1440, "height": 900}, ts)
	g.nextID = 1
	g.elements = g.elements[:0]
	g.scrollY = 0
	node := g.document()
	g.emit(b, 2, map[string]any{"node": node, "initialOffset": map[string]int{"left": 0, "top": 0}}, ts+12)
	g.now = ts + 12
}

// node is an rrweb serialized node.
type node struct {
	Type        int               `json:"type"`
	Name        string            `json:"name,omitempty"`
	PublicID    *string           `json:"publicId,omitempty"`
	SystemID    *string           `json:"systemId,omitempty"`
	TagName     string            `json:"tagName,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"`
	ChildNodes  []*node           `json:"childNodes,omitempty"`
	TextContent *string           `json:"textContent,omitempty"`
	IsStyle     bool              `json:"isStyle,omitempty"`
	ID          int               `json:"id"`
}

func (g *gen) nid() int { g.nextID++; return g.nextID - 1 }

func (g *gen) el(tag string, attrs map[string]string, children ...*node) *node {
	if attrs == nil {
		attrs = map[string]string{}
	}
	n := &node{Type: 2, TagName: tag, Attributes: attrs, ID: g.nid()}
	n.ChildNodes = children
	if n.ChildNodes == nil {
		n.ChildNodes = []*node{}
	}
	return n
}

func (g *gen) text(s string) *node {
	return &node{Type: 3, TextContent: &s, ID: g.nid()}
}

// document builds a full snapshot of about opts.Nodes nodes.
func (g *gen) document() *node {
	empty := ""
	doc := &node{Type: 0, ID: g.nid()}
	doctype := &node{Type: 1, Name: "html", PublicID: &empty, SystemID: &empty, ID: g.nid()}
	css := g.stylesheet()
	style := g.el("style", nil, &node{Type: 3, TextContent: &css, IsStyle: true, ID: g.nid()})
	head := g.el("head", nil,
		g.el("meta", map[string]string{"charset": "utf-8"}),
		g.el("title", nil, g.text(g.words(3)+" · Acme")),
		style,
	)
	body := g.el("body", map[string]string{"class": "app theme-light"})
	nav := g.el("nav", map[string]string{"class": "nav"})
	for i, p := range paths {
		a := g.el("a", map[string]string{"href": p, "class": "nav-link"}, g.text(g.words(1)))
		nav.ChildNodes = append(nav.ChildNodes, a)
		g.elements = append(g.elements, element{a.ID, "a", fmt.Sprintf("nav > a:nth-child(%d)", i+1), g.words(1), 40 + i*120, 24, 100, 32})
	}
	main := g.el("main", map[string]string{"class": "content"})
	body.ChildNodes = append(body.ChildNodes, nav, main)
	y := 100
	for g.nextID < g.opts.Nodes-30 {
		card := g.el("section", map[string]string{"class": "card card--" + words[g.rng.IntN(8)]},
			g.el("h2", map[string]string{"class": "card-title"}, g.text(g.words(2+g.rng.IntN(3)))),
			g.el("p", map[string]string{"class": "card-body"}, g.text(g.words(8+g.rng.IntN(20)))),
		)
		list := g.el("ul", map[string]string{"class": "list"})
		for range 3 + g.rng.IntN(5) {
			li := g.el("li", map[string]string{"class": "list-item", "data-id": fmt.Sprint(g.rng.IntN(100000))},
				g.el("span", map[string]string{"class": "label"}, g.text(g.words(2))),
				g.el("span", map[string]string{"class": "value"}, g.text(fmt.Sprintf("%d.%02d", g.rng.IntN(1000), g.rng.IntN(100)))))
			list.ChildNodes = append(list.ChildNodes, li)
		}
		btn := g.el("button", map[string]string{"class": "btn btn-primary", "type": "button"}, g.text(g.words(1)))
		input := g.el("input", map[string]string{"type": "text", "class": "input", "name": words[g.rng.IntN(len(words))], "value": "***"})
		card.ChildNodes = append(card.ChildNodes, list, input, btn)
		main.ChildNodes = append(main.ChildNodes, card)
		g.elements = append(g.elements,
			element{btn.ID, "button", fmt.Sprintf("main > section:nth-child(%d) > button.btn", len(main.ChildNodes)), g.words(1), 200 + g.rng.IntN(600), y + 160, 120, 36},
			element{input.ID, "input", fmt.Sprintf("main > section:nth-child(%d) > input.input", len(main.ChildNodes)), "", 200, y + 120, 300, 32},
			element{list.ID, "ul", fmt.Sprintf("main > section:nth-child(%d) > ul.list", len(main.ChildNodes)), "", 200, y + 60, 600, 100},
		)
		y += 240
	}
	g.docH = y + 200
	footer := g.el("footer", map[string]string{"class": "footer"}, g.text("© 2026 Acme Inc. "+g.words(6)))
	body.ChildNodes = append(body.ChildNodes, footer)
	html := g.el("html", map[string]string{"lang": "en"}, head, body)
	doc.ChildNodes = []*node{doctype, html}
	return doc
}

// stylesheet is an inlined CSS of about 12 KB, mostly the same for every
// page of the app like a real bundle.
func (g *gen) stylesheet() string {
	var sb strings.Builder
	r := rand.New(rand.NewPCG(7, 7)) // the app's CSS does not vary by session
	for i := range 120 {
		fmt.Fprintf(&sb, ".%s-%d{display:%s;margin:%dpx %dpx;padding:%dpx;color:#%06x;font-size:%.3frem}",
			words[r.IntN(len(words))], i, []string{"flex", "block", "grid", "inline-block"}[r.IntN(4)],
			r.IntN(24), r.IntN(24), r.IntN(16), r.IntN(1<<24), 0.75+float64(r.IntN(8))/8)
	}
	return sb.String()
}

// activity emits the incremental events and signals up to end.
func (g *gen) activity(b *trailguide.Batch, end int64) {
	t := g.now
	for t < end {
		t += 100 + int64(g.rng.IntN(200))
		if t >= end {
			break
		}
		switch r := g.rng.IntN(100); {
		case r < 45:
			g.mouseMove(b, t)
		case r < 60:
			g.click(b, t)
		case r < 80:
			g.mutation(b, t)
		case r < 92:
			g.scroll(b, t)
		default:
			g.input(b, t)
		}
	}
}

func (g *gen) mouseMove(b *trailguide.Batch, t int64) {
	n := 8 + g.rng.IntN(8)
	pos := make([]map[string]int, n)
	for i := range pos {
		g.mx = max(0, min(1440, g.mx+g.rng.IntN(81)-40))
		g.my = max(0, min(900, g.my+g.rng.IntN(61)-30))
		pos[i] = map[string]int{"x": g.mx, "y": g.my, "id": g.elements[g.rng.IntN(len(g.elements))].id, "timeOffset": -(n - i) * 50}
	}
	g.emit(b, 3, map[string]any{"source": 1, "positions": pos}, t)
}

func (g *gen) click(b *trailguide.Batch, t int64) {
	e := g.elements[g.rng.IntN(len(g.elements))]
	x, y := e.x+g.rng.IntN(e.w), e.y+g.rng.IntN(e.h)
	for i, typ := range []int{1, 0, 2} { // mousedown, mouseup, click
		g.emit(b, 3, map[string]any{"source": 2, "type": typ, "id": e.id, "x": x, "y": y - g.scrollY, "pointerType": 0}, t+int64(i*8))
	}
	b.Signals = append(b.Signals, trailguide.Signal{
		Type: trailguide.EventClick, TS: t + 16, URL: g.url, Selector: e.selector, Tag: e.tag, Text: e.text,
		X: x, Y: y, EX: x - e.x, EY: y - e.y, EW: e.w, EH: e.h, VW: 1440, VH: 900,
	})
}

func (g *gen) mutation(b *trailguide.Batch, t int64) {
	e := g.elements[g.rng.IntN(len(g.elements))]
	var adds []map[string]any
	var removes []map[string]int
	n := 5 + g.rng.IntN(25)
	prev := 0
	for range n {
		li := g.el("li", map[string]string{"class": "list-item", "data-id": fmt.Sprint(g.rng.IntN(100000))},
			g.el("span", map[string]string{"class": "label"}, g.text(g.words(2+g.rng.IntN(4)))),
			g.el("span", map[string]string{"class": "value"}, g.text(fmt.Sprintf("%d.%02d", g.rng.IntN(1000), g.rng.IntN(100)))))
		add := map[string]any{"parentId": e.id, "nextId": nil, "node": li}
		if prev != 0 {
			add["nextId"] = prev
		}
		prev = li.ID
		adds = append(adds, add)
		if old := li.ID - 1000; old > 0 {
			removes = append(removes, map[string]int{"parentId": e.id, "id": old})
		}
	}
	texts := []map[string]any{{"id": g.elements[g.rng.IntN(len(g.elements))].id, "value": g.words(3)}}
	attrs := []map[string]any{{"id": e.id, "attributes": map[string]string{"class": "list is-" + words[g.rng.IntN(12)]}}}
	g.emit(b, 3, map[string]any{"source": 0, "texts": texts, "attributes": attrs, "removes": removes, "adds": adds}, t)
}

func (g *gen) scroll(b *trailguide.Batch, t int64) {
	g.scrollY = max(0, min(g.docH-900, g.scrollY+g.rng.IntN(900)-300))
	g.emit(b, 3, map[string]any{"source": 3, "id": 1, "x": 0, "y": g.scrollY}, t)
	depth := min(100, (g.scrollY+900)*100/max(1, g.docH))
	b.Signals = append(b.Signals, trailguide.Signal{Type: trailguide.EventScroll, TS: t, URL: g.url, Depth: depth, ScrollY: g.scrollY})
}

func (g *gen) input(b *trailguide.Batch, t int64) {
	var e element
	for range 10 {
		if e = g.elements[g.rng.IntN(len(g.elements))]; e.tag == "input" {
			break
		}
	}
	masked := strings.Repeat("*", 1+g.rng.IntN(12))
	g.emit(b, 3, map[string]any{"source": 5, "text": masked, "isChecked": false, "id": e.id}, t)
	b.Signals = append(b.Signals, trailguide.Signal{Type: trailguide.EventInput, TS: t, URL: g.url, Selector: e.selector, Tag: e.tag})
}
