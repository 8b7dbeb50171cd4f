package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/internal/browsertest"
)

// canaryNames are the sensitive values of testdata/canary.html. Each case
// gets fresh random canaries, so a value found anywhere can only come from
// that case's page.
var canaryNames = []string{
	"visible",           // ordinary page text (<h1>): the positive control, recorded unless the mode or a rule masks it
	"email",             // an email address in page text
	"card",              // a card number in page text (Luhn-valid)
	"mailto",            // a mailto: link
	"link",              // ?token= in a link's href
	"form",              // ?code= in a form's action
	"masked",            // text of a data-tg-mask element
	"blocked",           // text of a data-tg-block element
	"text",              // typed into a text input
	"pw",                // typed into a password field
	"pw2",               // typed into it after a "show password" toggle turned it into type=text
	"pwu",               // typed into <input TYPE="PASSWORD">
	"hidden",            // value of a hidden input
	"textarea",          // typed into a textarea
	"select",            // the value of the option chosen in a select
	"selecttext",        // its text (which the page then copies into the select's title)
	"optother",          // the text of an option not chosen
	"optlabel",          // an option's label attribute
	"multi1", "multi1t", // value and text of an option clicked in a multi-select
	"multi2", "multi2t", // value and text of a second option the page selects in it
	"datalist",                            // the value of a datalist option, typed into its input
	"dltext",                              // that datalist option's text
	"fancy",                               // the text of the option chosen in a customizable select (copied into its <selectedcontent>)
	"cc",                                  // typed into autocomplete=cc-number
	"otp",                                 // typed into autocomplete=one-time-code
	"react",                               // set like a React controlled input: native value setter + input event
	"placeholder", "title", "aria", "alt", // attributes of form fields
	"ce",          // typed into a contenteditable
	"shadow",      // the value of an input inside a shadow root, set by the page before the SDK starts
	"shadowtyped", // typed into that input afterwards (see docs/PRIVACY.md: rrweb does not see it)
	"iframe",      // typed into an input inside a same-origin iframe
	"framesrc",    // ?sig= in the iframe's src
	"token",       // ?token= in the page URL
	"at",          // #access_token= in the page URL
}

type canaryCase struct {
	name    string
	privacy map[string]any // PUT /settings/privacy of the case's project; nil: defaults
	// page variants
	initPrivacy    string // init({privacy}) through the queue stub
	unmaskTextarea bool   // data-tg-unmask on the textarea
	// the canaries that may leave the browser; every other one must not
	want []string
}

// TestE2EPrivacyCanaries is issue 4's canary suite: a real browser loads a
// page full of unique canaries through the real binary, a person's typing
// and choosing is simulated, and then every byte that left the browser
// (bodies decompressed, URLs, headers) and every stored byte (files, zstd
// blobs, chunks staged in SQLite, decompressed) is searched for every
// canary. The default mode leaks nothing but the control text; each other
// mode and each unmask switch reaches exactly what it names.
func TestE2EPrivacyCanaries(t *testing.T) {
	labels := []string{"placeholder", "title", "aria", "alt"}
	// relaxed records the choices of selects, and their options; a datalist's
	// input is typed text, so its options are masked in every mode
	choices := []string{"select", "selecttext", "optother", "optlabel", "multi1", "multi1t", "multi2", "multi2t", "fancy"}
	cases := []canaryCase{
		{name: "balanced (default)", want: []string{"visible"}},
		{name: "strict", privacy: map[string]any{"mode": "strict"}, want: nil},
		// relaxed: choices and the labels of fields; typed text stays masked
		{name: "relaxed", privacy: map[string]any{"mode": "relaxed"}, want: append(append([]string{"visible"}, choices...), labels...)},
		{name: "data-tg-unmask on the textarea", unmaskTextarea: true, want: []string{"visible", "textarea"}},
		// an unmask rule for every input still never reaches passwords
		// (also switched), hidden, card and one-time-code fields
		{name: "unmask rules: every input and the email paragraph", privacy: map[string]any{"unmask_selectors": []string{"input", "#email-text"}},
			want: append([]string{"visible", "email", "text", "react", "shadow", "iframe", "datalist"}, labels...)},
		{name: "relaxed with mask rules", privacy: map[string]any{"mode": "relaxed", "mask_selectors": []string{"h1", "select", "#labels"}},
			want: []string{"alt"}},
		{name: "init privacy strict over a relaxed project", privacy: map[string]any{"mode": "relaxed"}, initPrivacy: "strict", want: nil},
	}

	browserCtx := browsertest.New(t, 8*time.Minute)
	data := t.TempDir()
	srv := startE2EServer(t, data)
	proxy := newCaptureProxy(t, srv.URL)
	api := adminClient(t, srv)
	site := newCanarySite(t, proxy.URL)

	type ran struct {
		c        canaryCase
		canaries map[string]string
	}
	var all []ran
	for i, c := range cases {
		canaries := newCanaries(t)
		ok := t.Run(c.name, func(t *testing.T) {
			all = append(all, ran{c, canaries})
			p := api.addProject(fmt.Sprintf("Canary %d", i))
			if c.privacy != nil {
				if code := api.do("PUT", "/api/v1/projects/"+p.ID+"/settings/privacy", c.privacy, nil); code != http.StatusOK {
					t.Fatalf("privacy settings: %d", code)
				}
			}
			before := len(proxy.Requests())
			site.set(canaryPage{Key: p.PublicKey, Endpoint: proxy.URL, C: canaries, InitPrivacy: c.initPrivacy, UnmaskTextarea: c.unmaskTextarea})
			actOnCanaryPage(t, browserCtx, site.URL, canaries)
			waitFlushed(t, proxy, before)

			var sent bytes.Buffer
			for _, r := range proxy.Requests()[before:] {
				fmt.Fprintf(&sent, "%s %s?%s\n", r.Method, r.Path, r.Query)
				for k, vs := range r.Header {
					fmt.Fprintf(&sent, "%s: %s\n", k, strings.Join(vs, ", "))
				}
				sent.Write(r.Body)
				sent.WriteByte('\n')
			}
			got := found(sent.Bytes(), canaries)
			if !slices.Equal(got, sorted(c.want)) {
				t.Errorf("canaries that left the browser: %v\nwant exactly %v", got, sorted(c.want))
				for _, n := range got {
					if !slices.Contains(c.want, n) {
						t.Logf("%s: …%s…", n, around(sent.Bytes(), canaries[n]))
					}
				}
			}
		})
		if !ok {
			shot(t, browserCtx, "canary-"+fmt.Sprint(i))
		}
	}

	// Every stored byte, decompressed: nothing but what each case allowed
	// to leave (the server may scrub more), and the control text is there,
	// so the search does find what was recorded.
	srv.Stop()
	var needles []string
	for _, r := range all {
		for _, v := range r.canaries {
			needles = append(needles, v)
		}
	}
	stored := scanStored(t, data, needles)
	for _, r := range all {
		for _, n := range canaryNames {
			where, ok := stored[r.canaries[n]]
			if ok && !slices.Contains(r.c.want, n) {
				t.Errorf("%s: canary %q stored in %s", r.c.name, n, where)
			}
		}
		if slices.Contains(r.c.want, "visible") && stored[r.canaries["visible"]] == "" {
			t.Errorf("%s: the control text was recorded but is not found in storage: the scan is broken", r.c.name)
		}
	}
}

// newCanaries makes one canary per name: "cnry" and 16 random lower-case
// letters. No digits: a digit run would be pattern-masked in part and hide
// a leak of the rest.
func newCanaries(t *testing.T) map[string]string {
	m := map[string]string{}
	for _, n := range canaryNames {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		for i := range b {
			b[i] = 'a' + b[i]%26
		}
		m[n] = "cnry" + string(b)
	}
	m["card"] = luhnCard(t)
	return m
}

// luhnCard is a random Luhn-valid 16-digit number starting with 4,
// formatted as shown on a page: "4xxx xxxx xxxx xxxx".
func luhnCard(t *testing.T) string {
	d := make([]int, 16)
	d[0] = 4
	for i := 1; i < 15; i++ {
		n, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			t.Fatal(err)
		}
		d[i] = int(n.Int64())
	}
	sum := 0
	for i := 0; i < 15; i++ {
		v := d[14-i]
		if i%2 == 0 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	d[15] = (10 - sum%10) % 10
	var b strings.Builder
	for i, v := range d {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(byte('0' + v))
	}
	return b.String()
}

// found lists the names of the canaries in b, sorted. A card number counts
// with or without its spaces.
func found(b []byte, canaries map[string]string) []string {
	var out []string
	for n, v := range canaries {
		if bytes.Contains(b, []byte(v)) || (n == "card" && bytes.Contains(b, []byte(strings.ReplaceAll(v, " ", "")))) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func around(b []byte, needle string) string {
	i := bytes.Index(b, []byte(needle))
	if i < 0 {
		return ""
	}
	return string(b[max(0, i-120):min(len(b), i+len(needle)+40)])
}

type canaryPage struct {
	Key, Endpoint  string
	C              map[string]string
	InitPrivacy    string
	UnmaskTextarea bool
	RequireConsent bool
}

// canarySite is the recorded web site: its own origin, as in a real
// install, serving the canary page of the current case and its iframe.
type canarySite struct {
	*httptest.Server
	tmpl *template.Template
	page chan canaryPage // holds the current page (buffer of 1)
}

func newCanarySite(t *testing.T, endpoint string) *canarySite {
	t.Helper()
	tmpl, err := template.ParseFiles(filepath.Join("testdata", "canary.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := &canarySite{tmpl: tmpl, page: make(chan canaryPage, 1)}
	s.page <- canaryPage{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := <-s.page
		s.page <- p
		w.Header().Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/canary.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if err := s.tmpl.Execute(w, p); err != nil {
				t.Errorf("canary page: %v", err)
			}
		case "/frame.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<!doctype html><html><body><label>In a frame <input id="in-frame" type="text"></label></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *canarySite) set(p canaryPage) {
	<-s.page
	s.page <- p
}

// actOnCanaryPage loads the page with ?token= and #access_token= canaries
// and does what a person would: types into every field, toggles the
// password field to text and types more, chooses an option, and leaves.
func actOnCanaryPage(t *testing.T, ctx context.Context, site string, c map[string]string) {
	t.Helper()
	// a new visitor for each case: ids and consent of the previous one forgotten
	if err := chromedp.Do(ctx, chromedp.Navigate(site+"/frame.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`localStorage.clear(); sessionStorage.clear(); true`)); err != nil {
		t.Fatal(err)
	}
	u := site + "/canary.html?token=" + c["token"] + "&utm_source=canary#access_token=" + c["at"]
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
		t.Fatalf("open canary page: %v", err)
	}
	// the recorder is running once its first batch is on its way
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.trailguide && typeof window.trailguide.identify === 'function' && document.querySelector('#frame').contentDocument && document.querySelector('#frame').contentDocument.querySelector('#in-frame'))`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("SDK did not load on the canary page: %v", err)
	}
	time.Sleep(500 * time.Millisecond) // config fetched, full snapshot taken
	typeInto := func(sel, text string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
			t.Fatalf("type into %s: %v", sel, err)
		}
	}
	focusAndType := func(focusJS, text string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](focusJS+`; true`)); err != nil {
			t.Fatalf("focus (%s): %v", focusJS, err)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(text)); err != nil {
			t.Fatalf("type after %s: %v", focusJS, err)
		}
	}
	typeInto("#text", c["text"])
	typeInto("#pw", c["pw"])
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#pw').type = 'text'; true`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	focusAndType(`document.querySelector('#pw').focus()`, c["pw2"])
	typeInto("#pwu", c["pwu"])
	typeInto("#textarea", c["textarea"])
	typeInto("#cc", c["cc"])
	typeInto("#otp", c["otp"])
	focusAndType(`document.querySelector('#ce').focus()`, c["ce"])
	focusAndType(`document.querySelector('#shadow-host').shadowRoot.querySelector('#shadow').focus()`, c["shadowtyped"])
	focusAndType(`document.querySelector('#frame').contentDocument.querySelector('#in-frame').focus()`, c["iframe"])
	// choose the option as a person does (the change event rrweb listens to)
	choose := func(sel, value string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event('input', {bubbles: true})); s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === %q; })()`, sel, value, value))); err != nil {
			t.Fatalf("choose %s: %v", sel, err)
		}
	}
	choose("#select", c["select"])
	choose("#fancy", "f")
	// a multi-select: one option clicked (click signal, rrweb's click on the option), one more added by the page
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#multi option:nth-child(1)")), chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatalf("click an option: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector('#multi'); s.options[2].selected = true; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)); err != nil {
		t.Fatalf("multi-select: %v", err)
	}
	typeInto("#city", c["datalist"])
	// a React-style controlled input: the native setter, then an input event
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const el = document.querySelector('#react'); Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, %q); el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, c["react"]))); err != nil {
		t.Fatalf("react input: %v", err)
	}
	// the typing landed where it should (else the test proves nothing)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
		const q = (s) => document.querySelector(s);
		return { text: q('#text').value, pw: q('#pw').value, pwu: q('#pwu').value, textarea: q('#textarea').value, cc: q('#cc').value,
			otp: q('#otp').value, ce: q('#ce').textContent, shadow: q('#shadow-host').shadowRoot.querySelector('#shadow').value,
			iframe: q('#frame').contentDocument.querySelector('#in-frame').value, select: q('#select').value, react: q('#react').value,
			title: q('#select').title, multi: Array.from(q('#multi').selectedOptions, (o) => o.value).join(','), city: q('#city').value,
			fancy: q('#fancy selectedcontent').textContent };
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"text": c["text"], "pw": c["pw"] + c["pw2"], "pwu": c["pwu"], "textarea": c["textarea"], "cc": c["cc"], "otp": c["otp"],
		"ce": c["ce"], "shadow": c["shadow"] + c["shadowtyped"], "iframe": c["iframe"], "select": c["select"], "react": c["react"],
		"title": c["selecttext"], "multi": c["multi1"] + "," + c["multi2"], "city": c["datalist"], "fancy": c["fancy"]}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s holds %q, want %q", k, got[k], v)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#visible")), chromedp.Sleep(700*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	// send what is queued now, then leave (pagehide flushes the rest)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.trailguide.flush(); true`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
}

// waitFlushed waits until batches of this page arrived and the SDK went quiet.
func waitFlushed(t *testing.T, proxy *captureProxy, before int) {
	t.Helper()
	eventually(t, 30*time.Second, "the page's batches acknowledged", func() error {
		batches := 0
		for _, r := range proxy.Requests()[before:] {
			if r.Path == "/ingest/v1/batch" {
				if r.Status != http.StatusOK {
					return fmt.Errorf("batch answered %d: %s", r.Status, r.Resp)
				}
				batches++
			}
		}
		if batches == 0 || !proxy.QuietFor("/ingest/v1/batch", 1500*time.Millisecond) {
			return fmt.Errorf("%d batches so far", batches)
		}
		return nil
	})
}

// scanStored searches every stored byte under dir for the needles: every
// file as is, zstd files decompressed, and every recorded event read back
// through recording.ReadChunks (chunks staged in SQLite and blobs). It
// returns where each needle found was first seen.
func scanStored(t *testing.T, dir string, needles []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	look := func(b []byte, where string) {
		for _, n := range needles {
			if _, seen := out[n]; !seen && bytes.Contains(b, []byte(n)) {
				out[n] = where
			}
		}
	}
	eachStoredFile(t, dir, func(path string, raw, plain []byte, _ error) {
		look(raw, path)
		if plain != nil {
			look(plain, path+" (decompressed)")
		}
	})
	eachStoredEvent(t, dir, func(sid string, e []byte) {
		look(e, "a recorded event of session "+sid)
	})
	return out
}

// TestE2EConsent: with data-require-consent the SDK sends nothing and
// stores nothing until trailguide.consent(true); optOut() then persists:
// the next page load does not even download the recorder.
func TestE2EConsent(t *testing.T) {
	ctx := browsertest.New(t, 3*time.Minute)
	srv, api := startAdminServer(t)
	proxy := newCaptureProxy(t, srv.URL)
	p := api.addProject("Consent")
	site := newCanarySite(t, proxy.URL)
	site.set(canaryPage{Key: p.PublicKey, Endpoint: proxy.URL, C: newCanaries(t), RequireConsent: true})
	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	ingest := func(from int) []string {
		var out []string
		for _, r := range proxy.Requests()[from:] {
			if strings.HasPrefix(r.Path, "/ingest/") {
				out = append(out, r.Method+" "+r.Path)
			}
		}
		return out
	}
	storage := `JSON.stringify([Object.keys(localStorage).sort(), Object.keys(sessionStorage).sort()])`

	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/frame.html")); err != nil {
		t.Fatal(err)
	}
	eval(`localStorage.clear(); sessionStorage.clear()`)
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/canary.html"), chromedp.WaitVisible(chromedp.CSS("#text"))); err != nil {
		t.Fatal(err)
	}
	if err := waitSDK(ctx); err != nil {
		t.Fatal(err)
	}
	// the recorder chunk is loaded (the API is the real one, not the loader's queue)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`typeof window.trailguide.consent === 'function' && !window.trailguide.q`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("recorder did not load: %v", err)
	}
	eval(`window.trailguide.identify('consent-user'); window.trailguide.track('before consent'); true`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#text")), chromedp.SendKeys(chromedp.CSS("#text"), "hello"), chromedp.Sleep(6*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := ingest(0); len(got) != 0 {
		t.Fatalf("requests before consent: %v", got)
	}
	if got := eval(storage); got != `[[],[]]` {
		t.Fatalf("stored before consent: %v", got)
	}

	eval(`window.trailguide.consent(true); true`)
	eventually(t, 20*time.Second, "batches after consent", func() error {
		for _, r := range proxy.Requests() {
			if r.Path == "/ingest/v1/batch" && r.Status == http.StatusOK {
				return nil
			}
		}
		return fmt.Errorf("requests: %v", ingest(0))
	})
	if got := eval(storage).(string); !strings.Contains(got, "tg_consent") || !strings.Contains(got, "tg_vid") {
		t.Fatalf("stored after consent: %v", got)
	}

	eval(`window.trailguide.optOut(); true`)
	before := len(proxy.Requests())
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#text")), chromedp.Sleep(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, r := range proxy.Requests()[before:] {
		if strings.HasPrefix(r.Path, "/ingest/") || r.Path == "/sdk/recorder.js" {
			t.Errorf("after optOut and a reload: %s %s", r.Method, r.Path)
		}
	}
	if got := eval(storage).(string); !strings.Contains(got, "tg_optout") {
		t.Fatalf("optOut not persisted: %v", got)
	}
}

// TestE2EPrivacySettingsUI: an admin sets the mode and the rules on the
// Settings page; a bad selector is refused with the server's reason on its
// line; what is saved is what the SDK config then delivers.
func TestE2EPrivacySettingsUI(t *testing.T) {
	ctx := newBrowser(t, 3*time.Minute, 1280, 900)
	srv, api := startAdminServer(t, "--demo")
	project := api.projectByKey(e2eDemoKey)
	setupUI(t, ctx, srv)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/settings"), chromedp.WaitVisible(chromedp.CSS("#p-mask_selectors"))); err != nil {
		shot(t, ctx, "privacy-settings-failed")
		t.Fatal(err)
	}
	save := `document.querySelector('.privacy-card button[type=submit]')`
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.privacy-mode input[value="strict"]`)),
		chromedp.SendKeys(chromedp.CSS("#p-mask_selectors"), ".customer-name\np::before"),
		chromedp.SendKeys(chromedp.CSS("#p-unmask_selectors"), "#plan"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](save+`.click(); true`)); err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Poll[string](`(document.querySelector('#p-mask_selectors ~ .field-error') || {}).textContent || ''`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !strings.HasPrefix(msg, "Line 2: Invalid selector \"p::before\": pseudo-elements") {
		shot(t, ctx, "privacy-settings-error")
		t.Fatalf("error under the mask rules = %q (%v)", msg, err)
	}
	shot(t, ctx, "privacy-settings-invalid")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector('#p-mask_selectors'); el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#p-mask_selectors"), ".customer-name\n[data-private]")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](save+`.click(); true`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('.privacy-card .save-status').textContent.includes('Saved')`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		shot(t, ctx, "privacy-settings-not-saved")
		t.Fatalf("not saved: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#p-mask_selectors")), chromedp.ScrollIntoView(chromedp.CSS(".privacy-card"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[document.querySelector('.privacy-mode input:checked').value, document.querySelector('#p-mask_selectors').value, document.querySelector('#p-unmask_selectors').value].join('|')`))
	if want := "strict|.customer-name\n[data-private]|#plan"; err != nil || got != want {
		t.Fatalf("after reload: %q (%v), want %q", got, err, want)
	}
	shot(t, ctx, "privacy-settings")
	var cfg struct {
		Mask struct {
			Mode            string   `json:"mode"`
			MaskSelectors   []string `json:"mask_selectors"`
			UnmaskSelectors []string `json:"unmask_selectors"`
		} `json:"mask"`
	}
	eventually(t, 15*time.Second, "the SDK config delivers the saved rules", func() error {
		if code := api.do("GET", "/ingest/v1/config?key="+e2eDemoKey, nil, &cfg); code != http.StatusOK {
			return fmt.Errorf("status %d", code)
		}
		if cfg.Mask.Mode != "strict" || !slices.Equal(cfg.Mask.MaskSelectors, []string{".customer-name", "[data-private]"}) || !slices.Equal(cfg.Mask.UnmaskSelectors, []string{"#plan"}) {
			return fmt.Errorf("mask %+v", cfg.Mask)
		}
		return nil
	})
}
