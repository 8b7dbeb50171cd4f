package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The stock rrweb package (web/node_modules/rrweb, a devDependency used only
// here): its record() makes recordings of a different build than our SDK,
// and its Replayer is what rrweb-player wraps.
var rrwebDist = filepath.Join("..", "..", "web", "node_modules", "rrweb", "dist")

const recordPage = `<!doctype html><html><head><title>Interop fixture</title>
<style>h1 { color: rgb(40, 60, 90); font-family: serif } .note { padding: 4px }</style></head>
<body><h1 id="title">Interop fixture 7f3a</h1>
<button id="press" onclick="document.getElementById('out').textContent = 'clicked 5c2e'">Press</button>
<p id="out" class="note">not pressed yet</p>
<input id="name" placeholder="name">
<script src="/rrweb.js"></script>
<script>window.__events = []; rrweb.record({ emit: (e) => window.__events.push(e) });</script>
</body></html>`

const playPage = `<!doctype html><html><head><link rel="stylesheet" href="/rrweb.css"></head>
<body><div id="root"></div><script src="/rrweb.js"></script>
<script>
fetch('/events.json').then((r) => r.json()).then((events) => {
  const replayer = new rrweb.Replayer(events, { root: document.getElementById('root') });
  replayer.pause(events[events.length - 1].timestamp - events[0].timestamp);
  window.__ready = true;
}).catch((e) => { window.__error = String(e); });
</script></body></html>`

// fixtureServer serves the stock rrweb bundle, the page recorded with it,
// and a player page that replays whatever events.json currently holds.
type fixtureServer struct {
	*httptest.Server
	mu     sync.Mutex
	events []byte
}

func newFixtureServer(t *testing.T) *fixtureServer {
	t.Helper()
	if _, err := os.Stat(filepath.Join(rrwebDist, "rrweb.umd.min.cjs")); err != nil {
		t.Fatalf("the stock rrweb package is missing (cd web && npm ci): %v", err)
	}
	f := &fixtureServer{}
	mux := http.NewServeMux()
	file := func(path, typ string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", typ)
			http.ServeFile(w, r, path)
		}
	}
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("/rrweb.js", file(filepath.Join(rrwebDist, "rrweb.umd.min.cjs"), "text/javascript"))
	mux.HandleFunc("/rrweb.css", file(filepath.Join(rrwebDist, "style.css"), "text/css"))
	mux.HandleFunc("/record.html", html(recordPage))
	mux.HandleFunc("/play.html", html(playPage))
	mux.HandleFunc("/events.json", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(f.events)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fixtureServer) setEvents(b []byte) {
	f.mu.Lock()
	f.events = b
	f.mu.Unlock()
}

// playInStockReplayer replays events in the stock rrweb Replayer and
// returns the replayed document's text and its number of stylesheets.
func playInStockReplayer(t *testing.T, fx *fixtureServer, events []byte) (text string, sheets int) {
	t.Helper()
	fx.setEvents(events)
	ctx := newBrowser(t, time.Minute, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(fx.URL+"/play.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.__ready === true || !!window.__error`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("stock replayer did not start: %v", err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__error || ''`)); msg != "" {
		t.Fatalf("stock replayer: %s", msg)
	}
	var out struct {
		Text   string `json:"text"`
		Sheets int    `json:"sheets"`
	}
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const f = document.querySelector('#root iframe'); return !!f && !!f.contentDocument && f.contentDocument.body && f.contentDocument.body.innerText.length > 0; })()`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("stock replayer shows nothing: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const d = document.querySelector('#root iframe').contentDocument; return JSON.stringify({ text: d.body.innerText, sheets: d.styleSheets.length }); })()`))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(raw), &out)
	return out.Text, out.Sheets
}

// TestRRWebInterop: a recording made with the stock rrweb package in
// headless Chromium is imported, replays in the dashboard, exports back as
// plain rrweb events that the stock Replayer plays; and a session our SDK
// recorded (the demo's, compacted with its stylesheets moved to shared
// assets) exports to events the stock Replayer plays with its styles.
func TestRRWebInterop(t *testing.T) {
	bin := e2eBinary(t)
	fx := newFixtureServer(t)
	srv, api := startAdminServer(t, "--demo")
	project := api.projectByKey(e2eDemoKey)

	// Record with stock rrweb.
	rec := newBrowser(t, time.Minute, 1280, 800)
	if err := chromedp.Do(rec, chromedp.Navigate(fx.URL+"/record.html"), chromedp.WaitVisible(chromedp.CSS("#press")),
		chromedp.Sleep(300*time.Millisecond), chromedp.Click(chromedp.CSS("#press")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Ada"), chromedp.Sleep(700*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	recorded, err := chromedp.Run(rec, chromedp.Evaluate[string](`JSON.stringify(window.__events)`))
	if err != nil {
		t.Fatal(err)
	}
	var recEvents []json.RawMessage
	if err := json.Unmarshal([]byte(recorded), &recEvents); err != nil || len(recEvents) < 3 {
		t.Fatalf("stock rrweb recorded %d events: %v", len(recEvents), err)
	}
	file := filepath.Join(t.TempDir(), "stock-rrweb.json")
	if err := os.WriteFile(file, []byte(recorded), 0o600); err != nil {
		t.Fatal(err)
	}

	// The same recording as a PostHog export (two windows): a set of two
	// files in one import.
	var snaps []json.RawMessage
	for i, ev := range recEvents {
		win := "0190a-tab-one"
		if i%2 == 1 && i > 2 {
			win = "0190a-tab-two"
		}
		var m map[string]any
		json.Unmarshal(ev, &m)
		m["windowId"] = win
		b, _ := json.Marshal(m)
		snaps = append(snaps, b)
	}
	ph, _ := json.Marshal(map[string]any{"version": "2023-04-28", "data": map[string]any{"id": "x", "snapshots": snaps}})
	phFile := filepath.Join(t.TempDir(), "posthog-export.json")
	if err := os.WriteFile(phFile, ph, 0o600); err != nil {
		t.Fatal(err)
	}

	// Import them next to the running server; twice, to show each is stored once.
	var sid string
	for range 2 {
		out, err := exec.Command(bin, "import", "--data", srv.DataDir, "--project", project.ID, "--progress", file, phFile).CombinedOutput()
		if err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`as session (\S+): (\d+) events in 1 windows \(array\)`).FindStringSubmatch(string(out))
		if m == nil || m[2] != fmt.Sprint(len(recEvents)) || !strings.Contains(string(out), "import (files) [") ||
			!strings.Contains(string(out), fmt.Sprintf("%d events in 2 windows (posthog)", len(recEvents))) {
			t.Fatalf("import output:\n%s", out)
		}
		sid = m[1]
	}
	var list struct {
		Total int `json:"total"`
	}
	api.do("GET", "/api/v1/projects/"+project.ID+"/sessions?url=record.html", nil, &list)
	if list.Total != 2 {
		t.Errorf("sessions of the imported page: %d, want 2, one per file (a re-import stores nothing new)", list.Total)
	}

	// The dashboard replays it.
	ui := newBrowser(t, 2*time.Minute, 1440, 900)
	setupUI(t, ui, srv)
	if err := chromedp.Do(ui, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/sessions/"+sid)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ui, chromedp.Poll[bool](`(() => { const f = document.querySelector('iframe'); try { return !!f && f.contentDocument.body.innerText.includes('Interop fixture 7f3a'); } catch (e) { return false; } })()`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		shot(t, ui, "interop-dashboard")
		t.Fatalf("the dashboard did not replay the stock rrweb recording: %v", err)
	}
	if os.Getenv("TG_SCREENSHOTS") != "" {
		shot(t, ui, "interop-dashboard")
	}

	// Exported through the API: the events as recorded, in order, which
	// the stock Replayer plays to the end (the click's text included).
	var body json.RawMessage
	if code := api.do("GET", "/api/v1/projects/"+project.ID+"/sessions/"+sid+"/events", nil, &body); code != 200 {
		t.Fatalf("events export: %d", code)
	}
	var exported []json.RawMessage
	if err := json.Unmarshal(body, &exported); err != nil || len(exported) != len(recEvents) {
		t.Fatalf("export has %d events, want the %d recorded: %v", len(exported), len(recEvents), err)
	}
	for i := range exported {
		if kindOf(exported[i]) != kindOf(recEvents[i]) {
			t.Fatalf("event %d: exported %s, recorded %s", i, kindOf(exported[i]), kindOf(recEvents[i]))
		}
	}
	text, _ := playInStockReplayer(t, fx, body)
	if !strings.Contains(text, "Interop fixture 7f3a") || !strings.Contains(text, "clicked 5c2e") {
		t.Errorf("stock replay of the export shows %q; want the title and the clicked text", text)
	}

	// A session our SDK recorded, compacted by the worker: exported with
	// the CLI, played by the stock Replayer with its stylesheets.
	var page struct {
		Sessions []struct {
			ID        string `json:"id"`
			ExitClass string `json:"exit_class"`
			URL       string `json:"url"`
		} `json:"sessions"`
	}
	var closed string
	eventually(t, 2*time.Minute, "a compacted demo session", func() error {
		api.do("GET", "/api/v1/projects/"+project.ID+"/sessions?limit=200", nil, &page)
		for _, s := range page.Sessions {
			if s.ExitClass != "" && s.ID != sid {
				closed = s.ID
				return nil
			}
		}
		return fmt.Errorf("none closed yet")
	})
	out := filepath.Join(t.TempDir(), "demo.json")
	if b, err := exec.Command(bin, "export", "--data", srv.DataDir, "--project", project.ID, "--session", closed, "--out", out).CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, b)
	}
	demo, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(demo), "tg-asset:") {
		t.Errorf("export still holds asset references instead of the stylesheets")
	}
	text, sheets := playInStockReplayer(t, fx, demo)
	if len(strings.TrimSpace(text)) < 20 || sheets == 0 {
		t.Errorf("stock replay of an SDK session: %d characters of text, %d stylesheets", len(text), sheets)
	}
	for _, tt := range []struct {
		args []string
		out  string
	}{
		{[]string{"export", "--data", srv.DataDir, "--project", project.ID}, "--session: required"},
		{[]string{"export", "--data", srv.DataDir, "--project", project.ID, "--session", "nope-nope"}, `--session: no session "nope-nope"`},
		{[]string{"export", "--data", srv.DataDir, "--project", project.ID, "--session", closed, "--window", "nope-nope"}, `--window: no window "nope-nope"`},
		{[]string{"import", "--data", srv.DataDir, "--project", project.ID, out + ".missing"}, "read "},
		{[]string{"import", "--data", srv.DataDir, "--project", "nope", file}, `--project: no project "nope"`},
		{[]string{"import", "--data", srv.DataDir, "--project", project.ID}, "name at least one recording file"},
	} {
		b, err := exec.Command(bin, tt.args...).CombinedOutput()
		if err == nil || !strings.Contains(string(b), tt.out) {
			t.Errorf("%v: %v %q; want a failure containing %q", tt.args, err, b, tt.out)
		}
	}
}

// kindOf is an event's type and, for incremental snapshots, source.
func kindOf(ev json.RawMessage) string {
	var v struct {
		Type int `json:"type"`
		Data struct {
			Source *int `json:"source"`
		} `json:"data"`
	}
	json.Unmarshal(ev, &v)
	if v.Data.Source != nil {
		return fmt.Sprintf("%d/%d", v.Type, *v.Data.Source)
	}
	return fmt.Sprint(v.Type)
}
