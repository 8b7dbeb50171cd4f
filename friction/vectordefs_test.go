package friction

import "encoding/json"

// vectorDefs is the source of testdata/friction/*.json. Every expectation
// here is written by hand from the spec, never copied from Detect's output.

// --- builders -------------------------------------------------------------

func click(t int64, sel string, x, y float64) Input {
	return Input{T: t, Kind: KindClick, Selector: sel, Tag: "button", Interactive: true, X: x, Y: y}
}

// at returns clicks on sel at (100,100) at each time.
func clicksAt(sel string, ts ...int64) []Input {
	var out []Input
	for _, t := range ts {
		out = append(out, click(t, sel, 100, 100))
	}
	return out
}

func with(ins []Input, f func(*Input)) []Input {
	for i := range ins {
		f(&ins[i])
	}
	return ins
}

func one(in Input, f func(*Input)) Input { f(&in); return in }

func kind(t int64, k string) Input { return Input{T: t, Kind: k} }

func muts(ts ...int64) []Input {
	var out []Input
	for _, t := range ts {
		out = append(out, kind(t, KindMutation))
	}
	return out
}

func pv(t int64, url string) Input { return Input{T: t, Kind: KindPageview, URL: url} }

func field(t int64, k, sel, form string) Input {
	return Input{T: t, Kind: k, Selector: sel, Tag: "input", Form: form}
}

func cat(parts ...any) []Input {
	var out []Input
	for _, p := range parts {
		switch v := p.(type) {
		case Input:
			out = append(out, v)
		case []Input:
			out = append(out, v...)
		default:
			panic("cat: bad part")
		}
	}
	return out
}

func exp(typ string, t int64, sel string) expectation {
	return expectation{Type: typ, T: t, Selector: sel}
}

func expD(typ string, t int64, sel string, d map[string]any) expectation {
	return expectation{Type: typ, T: t, Selector: sel, Details: d}
}

func cfg(s string) json.RawMessage { return json.RawMessage(s) }

// moves returns n mousemove samples every dt ms from t0, at f(i).
func moves(t0, dt int64, n int, f func(i int) (x, y float64)) []Input {
	var out []Input
	for i := 0; i < n; i++ {
		x, y := f(i)
		out = append(out, Input{T: t0 + int64(i)*dt, Kind: KindMouseMove, X: x, Y: y})
	}
	return out
}

func alternate(a, b float64) func(i int) float64 {
	return func(i int) float64 {
		if i%2 == 0 {
			return a
		}
		return b
	}
}

// scrolls returns document scroll samples (t, y) on a 800 px viewport.
func scrolls(sel string, ty ...float64) []Input {
	var out []Input
	for i := 0; i+1 < len(ty); i += 2 {
		out = append(out, Input{T: int64(ty[i]), Kind: KindScroll, Selector: sel, ScrollY: ty[i+1], ViewportH: 800})
	}
	return out
}

const (
	urlA      = "https://shop.example/a"
	urlB      = "https://shop.example/b"
	urlC      = "https://shop.example/c"
	urlSignup = "https://shop.example/signup"
)

// --- vectors --------------------------------------------------------------

func vectorDefs() []vectorFile {
	return []vectorFile{
		rageVectors(), deadVectors(), errorVectors(), thrashVectors(), scrollVectors(),
		quickBackVectors(), formVectors(), hesitationVectors(), exitVectors(), mixedVectors(),
	}
}

func file(signal, desc string, vs ...vector) vectorFile {
	return vectorFile{Spec: "friction/v1", Signal: signal, Description: desc, Vectors: vs}
}

func rageVectors() vectorFile {
	return file("rage_click", "Rage clicks: detection, boundaries and every suppression rule.",
		vector{
			Name:        "rage/dead-button",
			Description: "Three clicks within 800 ms on the same spot of a button that never reacts: one rage click at the first click, and each click is also dead.",
			Inputs:      clicksAt("#buy", 0, 400, 800),
			Expect: []expectation{
				expD(RageClick, 0, "#buy", map[string]any{"clicks": 3, "duration_ms": 800}),
				exp(DeadClick, 0, "#buy"), exp(DeadClick, 400, "#buy"), exp(DeadClick, 800, "#buy"),
			},
		},
		vector{
			Name:        "rage/boundary-1000ms-30px",
			Description: "First to last exactly 1000 ms, the farthest click exactly 30 px from the first (18,24): rage. A late re-render at 2000 ms keeps the clicks from being dead but is too late to count as each click changing the page.",
			Inputs: cat(click(0, "#buy", 100, 100), click(500, "#buy", 130, 100), click(1000, "#buy", 118, 124),
				muts(2000)),
			Expect: []expectation{expD(RageClick, 0, "#buy", map[string]any{"clicks": 3, "duration_ms": 1000})},
		},
		vector{
			Name:        "rage/boundary-1001ms",
			Description: "Same as the 1000 ms boundary but the third click comes 1001 ms after the first: not rage.",
			Inputs: cat(click(0, "#buy", 100, 100), click(500, "#buy", 130, 100), click(1001, "#buy", 118, 124),
				muts(2000)),
			Expect: []expectation{},
		},
		vector{
			Name:        "rage/boundary-31px",
			Description: "Third click 30.6 px (18,25) from the first: not rage.",
			Inputs: cat(click(0, "#buy", 100, 100), click(500, "#buy", 130, 100), click(1000, "#buy", 118, 125),
				muts(2000)),
			Expect: []expectation{},
		},
		vector{
			Name:        "rage/long-burst-is-one-detection",
			Description: "Six clicks 200 ms apart: overlapping series merge into one rage click carrying all six clicks as evidence.",
			Inputs:      cat(clicksAt("#buy", 0, 200, 400, 600, 800, 1000), muts(1600)),
			Expect:      []expectation{expD(RageClick, 0, "#buy", map[string]any{"clicks": 6, "duration_ms": 1000})},
		},
		vector{
			Name:        "rage/two-bursts",
			Description: "Two separate bursts of three clicks, 5 s apart: two rage clicks.",
			Inputs:      cat(clicksAt("#buy", 0, 300, 600), muts(1500), clicksAt("#buy", 5000, 5300, 5600), muts(6500)),
			Expect:      []expectation{exp(RageClick, 0, "#buy"), exp(RageClick, 5000, "#buy")},
		},
		vector{
			Name:        "rage/interrupted-by-click-elsewhere",
			Description: "A click far away between them breaks the series: clicks must be consecutive.",
			Inputs: cat(click(0, "#buy", 100, 100), click(200, "#other", 400, 400), click(400, "#buy", 100, 100),
				click(600, "#buy", 100, 100), muts(1500)),
			Expect: []expectation{},
		},
		vector{
			Name:        "rage/windows-are-separate",
			Description: "Clicks alternating between two tabs at the same coordinates: two per tab, no rage.",
			Inputs: cat(
				one(click(0, "#buy", 100, 100), func(in *Input) { in.Window = "w1" }),
				one(click(100, "#buy", 100, 100), func(in *Input) { in.Window = "w2" }),
				one(click(200, "#buy", 100, 100), func(in *Input) { in.Window = "w1" }),
				one(click(300, "#buy", 100, 100), func(in *Input) { in.Window = "w2" }),
				Input{T: 1000, Kind: KindMutation, Window: "w1"}, Input{T: 1000, Kind: KindMutation, Window: "w2"}),
			Expect: []expectation{},
		},
		vector{
			Name:        "suppress/stepper-each-click-changes",
			Description: "A quantity stepper clicked four times in 750 ms; the DOM changes 30 ms after each click: not rage, not dead.",
			Inputs:      cat(clicksAt("#qty-plus", 0, 250, 500, 750), muts(30, 280, 530, 780)),
			Expect:      []expectation{},
		},
		vector{
			Name:        "suppress/play-pause-toggled",
			Description: "A play/pause button clicked three times in 500 ms; the media element plays or pauses 20 ms after each click (no DOM change): not rage, not dead.",
			Inputs:      cat(clicksAt("#play", 0, 250, 500), []Input{kind(20, KindMedia), kind(270, KindMedia), kind(520, KindMedia)}),
			Expect:      []expectation{},
		},
		vector{
			Name:        "rage/stepper-at-its-limit",
			Description: "The stepper reacts to the first click only (it reached its maximum) and the user keeps clicking: rage, and the three unanswered clicks are dead.",
			Inputs:      cat(clicksAt("#qty-plus", 0, 250, 500, 750), muts(30)),
			Expect: []expectation{
				expD(RageClick, 0, "#qty-plus", map[string]any{"clicks": 4}),
				exp(DeadClick, 250, "#qty-plus"), exp(DeadClick, 500, "#qty-plus"), exp(DeadClick, 750, "#qty-plus"),
			},
		},
		vector{
			Name:        "suppress/carousel-next",
			Description: "Carousel 'next' clicked three times; the carousel scroller moves 60 ms after each click: not rage, not dead.",
			Inputs: cat(clicksAt(".carousel-next", 0, 300, 600),
				Input{T: 60, Kind: KindScroll, Selector: ".carousel", ScrollY: 0},
				Input{T: 360, Kind: KindScroll, Selector: ".carousel", ScrollY: 0},
				Input{T: 660, Kind: KindScroll, Selector: ".carousel", ScrollY: 0}),
			Expect: []expectation{},
		},
		vector{
			Name:        "suppress/pagination",
			Description: "'Next page' link clicked three times; each page of results renders 150 ms after its click: not rage.",
			Inputs:      cat(with(clicksAt("a.next", 0, 400, 800), func(in *Input) { in.Tag = "a" }), muts(150, 550, 950)),
			Expect:      []expectation{},
		},
		vector{
			Name:        "rage/clicks-faster-than-responses",
			Description: "Each response arrives only after the next click (350 ms for a click 300 ms apart): the clicks did not visibly change the page before the user clicked again, so this is rage; none is dead.",
			Inputs:      cat(clicksAt("#next", 0, 300, 600), muts(350, 650, 950)),
			Expect:      []expectation{exp(RageClick, 0, "#next")},
		},
		vector{
			Name:        "rage/last-click-unchanged",
			Description: "The first two clicks change the page, the third does not: rage (not every click changed the page); the third is dead.",
			Inputs:      cat(clicksAt("#qty-plus", 0, 250, 500), muts(30, 280)),
			Expect:      []expectation{exp(RageClick, 0, "#qty-plus"), exp(DeadClick, 500, "#qty-plus")},
		},
		vector{
			Name:        "suppress/text-input",
			Description: "Three quick clicks in an email field (placing the caret, selecting a word): not rage, not dead.",
			Inputs: with(clicksAt("#email", 0, 200, 400), func(in *Input) {
				in.Tag, in.Type, in.TextEntry = "input", "email", true
			}),
			Expect: []expectation{},
		},
		vector{
			Name:        "suppress/triple-click-selects-paragraph",
			Description: "Triple click on a paragraph (not interactive) selects it: the dblclick and the selection mark it as text selection.",
			Inputs: cat(
				with(clicksAt("p.intro", 0, 150, 300), func(in *Input) { in.Tag, in.Interactive = "p", false }),
				Input{T: 150, Kind: KindDblClick, X: 100, Y: 100},
				Input{T: 150, Kind: KindSelection, Selected: true},
				Input{T: 300, Kind: KindSelection, Selected: true}),
			Expect: []expectation{},
		},
		vector{
			Name:        "suppress/double-click-on-text-twice",
			Description: "Two double-clicks on a word 700 ms apart (four clicks): text selection, not rage.",
			Inputs: cat(
				with(clicksAt("span.word", 0, 120, 700, 820), func(in *Input) { in.Tag, in.Interactive = "span", false }),
				Input{T: 120, Kind: KindDblClick, X: 100, Y: 100}, Input{T: 120, Kind: KindSelection, Selected: true},
				Input{T: 820, Kind: KindDblClick, X: 100, Y: 100}, Input{T: 820, Kind: KindSelection, Selected: true}),
			Expect: []expectation{},
		},
		vector{
			Name:        "rage/dblclick-on-button-is-not-text-selection",
			Description: "A dblclick event during clicks on a button does not suppress rage: only non-interactive targets select text.",
			Inputs:      cat(clicksAt("#buy", 0, 150, 300), Input{T: 150, Kind: KindDblClick, X: 100, Y: 100}),
			Expect: []expectation{
				exp(RageClick, 0, "#buy"),
				exp(DeadClick, 0, "#buy"), exp(DeadClick, 150, "#buy"), exp(DeadClick, 300, "#buy"),
			},
		},
		vector{
			Name:        "rage/collapsed-selection-does-not-suppress",
			Description: "A clickable-looking card (no interactive role) clicked three times; the selection only collapses: rage. Not dead: dead clicks need an interactive target.",
			Inputs: cat(
				with(clicksAt("div.card", 0, 200, 400), func(in *Input) { in.Tag, in.Interactive = "div", false }),
				Input{T: 200, Kind: KindSelection}),
			Expect: []expectation{exp(RageClick, 0, "div.card")},
		},
		vector{
			Name:        "suppress/data-tg-no-rage",
			Description: "A game button marked data-tg-no-rage clicked three times fast: not rage.",
			Inputs:      cat(with(clicksAt("#tap", 0, 200, 400), func(in *Input) { in.NoRage = true }), muts(1200)),
			Expect:      []expectation{},
		},
		vector{
			Name:        "suppress/unobserved-clicks",
			Description: "Clicks in a session whose DOM is not observed (not recorded): neither rage nor dead can be judged, so neither is reported.",
			Inputs:      with(clicksAt("#buy", 0, 200, 400), func(in *Input) { in.Unobserved = true }),
			Expect:      []expectation{},
		},
		vector{
			Name:        "config/rage-clicks-4",
			Description: "With rage_clicks = 4, three clicks are not rage.",
			Config:      cfg(`{"rage_clicks": 4}`),
			Inputs:      cat(clicksAt("#buy", 0, 200, 400), muts(1000)),
			Expect:      []expectation{},
		},
		vector{
			Name:        "config/rage-radius-50",
			Description: "With rage_radius_px = 50, clicks 40 px apart are one series.",
			Config:      cfg(`{"rage_radius_px": 50}`),
			Inputs:      cat(click(0, "#buy", 100, 100), click(300, "#buy", 140, 100), click(600, "#buy", 100, 140), muts(1500)),
			Expect:      []expectation{exp(RageClick, 0, "#buy")},
		},
	)
}

func deadVectors() vectorFile {
	save := func(t int64) Input { return click(t, "#save", 100, 100) }
	return file("dead_click", "Dead clicks: the window, what counts as a response, and the exclusions.",
		vector{
			Name: "dead/basic", Description: "A button click followed by nothing at all.",
			Inputs: []Input{save(0)},
			Expect: []expectation{expD(DeadClick, 0, "#save", map[string]any{"window_ms": 2500})},
		},
		vector{
			Name: "dead/slow-button-responds-at-2000ms", Description: "The page reacts 2000 ms after the click: slow, but not dead.",
			Inputs: cat(save(0), muts(2000)), Expect: []expectation{},
		},
		vector{
			Name: "dead/slow-button-responds-at-3000ms", Description: "The page reacts 3000 ms after the click: dead (the window is 2500 ms).",
			Inputs: cat(save(0), muts(3000)), Expect: []expectation{exp(DeadClick, 0, "#save")},
		},
		vector{
			Name: "dead/boundary-2500ms", Description: "A response exactly 2500 ms after the click is in time.",
			Inputs: cat(save(0), muts(2500)), Expect: []expectation{},
		},
		vector{
			Name: "dead/boundary-2501ms", Description: "A response 2501 ms after the click is too late.",
			Inputs: cat(save(0), muts(2501)), Expect: []expectation{exp(DeadClick, 0, "#save")},
		},
		vector{
			Name: "exclude/target-blank", Description: "A link opening a new tab changes nothing in this page: excluded.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.NewTab = "a.docs", "a", true })},
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/download", Description: "A download link changes nothing in the page: excluded.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.Download = "a.invoice", "a", true })},
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/modifier-click", Description: "Ctrl/cmd-click (open in background tab): excluded.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.Modifier = "a.item", "a", true })},
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/same-tab-navigation", Description: "A link whose default action navigates this tab (the old page may show nothing until the next page arrives): excluded.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.Navigates = "a.pricing", "a", true })},
			Expect: []expectation{},
		},
		vector{
			Name: "dead/spa-route-change-answers", Description: "An SPA route change 300 ms after the click answers it.",
			Inputs: cat(save(0), pv(300, urlB)), Expect: []expectation{},
		},
		vector{
			Name: "dead/anchor-scroll-answers", Description: "The page scrolls 50 ms after the click (in-page anchor): answered.",
			Inputs: cat(save(0), Input{T: 50, Kind: KindScroll, ScrollY: 900, ViewportH: 800}), Expect: []expectation{},
		},
		vector{
			Name: "dead/later-scroll-does-not-answer", Description: "A scroll 800 ms after the click is the user scrolling, not the page answering (dead_quick_ms = 200).",
			Inputs: cat(save(0), Input{T: 800, Kind: KindScroll, ScrollY: 900, ViewportH: 800}),
			Expect: []expectation{exp(DeadClick, 0, "#save")},
		},
		vector{
			Name: "dead/focus-moved-answers", Description: "Focus moves to a search field 40 ms after the click: answered.",
			Inputs: cat(save(0), Input{T: 40, Kind: KindFocus, Selector: "#search-input"}), Expect: []expectation{},
		},
		vector{
			Name: "dead/own-focus-before-click-ignored", Description: "The button takes focus on mousedown, 80 ms before the click event: that is not a response.",
			Inputs: cat(Input{T: 920, Kind: KindFocus, Selector: "#save"}, save(1000)),
			Expect: []expectation{exp(DeadClick, 1000, "#save")},
		},
		vector{
			Name: "dead/tap-own-focus-same-ms-ignored", Description: "A tap: the link takes focus and is clicked in the same millisecond. The focus is listed first (it came first), so it does not answer the click.",
			Inputs: cat(Input{T: 1000, Kind: KindFocus}, save(1000), Input{T: 1001, Kind: KindError, Name: "TypeError"}),
			Expect: []expectation{exp(DeadClick, 1000, "#save"), exp(ErrorClick, 1000, "#save")},
		},
		vector{
			Name: "dead/focus-same-ms-after-click-answers", Description: "The click handler moves focus into a field in the click's millisecond: listed after the click, it answers it.",
			Inputs: cat(save(1000), Input{T: 1000, Kind: KindFocus, Selector: "#name"}), Expect: []expectation{},
		},
		vector{
			Name: "dead/selection-answers", Description: "A 'select all' button: the selection changes 20 ms later.",
			Inputs: cat(save(0), Input{T: 20, Kind: KindSelection, Selected: true}), Expect: []expectation{},
		},
		vector{
			Name: "dead/checkbox-value-answers", Description: "A checkbox click toggles its value in the same millisecond: answered.",
			Inputs: cat(one(save(0), func(in *Input) { in.Selector, in.Tag, in.Type = "#agree", "input", "checkbox" }), kind(0, KindValue)),
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/select-dropdown", Description: "A <select> opens a native dropdown no DOM observer sees: excluded.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag = "#country", "select" })},
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/native-date-picker", Description: "<input type=date> opens a native picker: excluded.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.Type = "#when", "input", "date" })},
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/non-interactive-target", Description: "A click on plain text is not expected to do anything: excluded by default.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.Interactive = "p.note", "p", false })},
			Expect: []expectation{},
		},
		vector{
			Name: "config/dead-non-interactive-included", Description: "With dead_interactive_only = false a click on plain text can be dead.",
			Config: cfg(`{"dead_interactive_only": false}`),
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.Interactive = "p.note", "p", false })},
			Expect: []expectation{exp(DeadClick, 0, "p.note")},
		},
		vector{
			Name: "dead/submit-answers", Description: "The click submits a form 5 ms later: answered.",
			Inputs: cat(save(0), Input{T: 5, Kind: KindSubmit, Selector: "#checkout", Tag: "form"}), Expect: []expectation{},
		},
		vector{
			Name: "dead/mutation-in-other-tab-does-not-answer", Description: "The DOM of another tab changes: this tab's click is still dead.",
			Inputs: cat(one(save(0), func(in *Input) { in.Window = "w1" }), Input{T: 100, Kind: KindMutation, Window: "w2"}),
			Expect: []expectation{exp(DeadClick, 0, "#save")},
		},
		vector{
			Name: "exclude/native-dialog", Description: "The click opened a native confirm() (or a handler passed it on to a file input's picker): browser UI no DOM observer sees. Excluded.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Native = "#discard", true })},
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/radio-choice", Description: "A click on a radio button: a choice, and on the option already chosen it changes nothing. Excluded like an <option>.",
			Inputs: []Input{one(save(0), func(in *Input) { in.Selector, in.Tag, in.Type = "#plan-monthly", "input", "radio" })},
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/passed-on-to-file-picker", Description: "An Upload button whose handler clicks a hidden <input type=file> (the click is passed on in the same ms): the picker is browser UI, so neither click is dead.",
			Inputs: cat(save(0), one(click(0, "#file", 0, 0), func(in *Input) { in.Tag, in.Type = "input", "file" })),
			Expect: []expectation{},
		},
		vector{
			Name: "exclude/passed-on-to-new-tab-link", Description: "The handler clicks a target=_blank link it made, 3 ms later: a new tab opens, the button is not dead, and the link's click is not the visitor's.",
			Inputs: cat(save(0), one(click(3, "a.help", 0, 0), func(in *Input) { in.Tag, in.NewTab = "a", true })),
			Expect: []expectation{},
		},
		vector{
			Name: "dead/passed-on-to-dead-button", Description: "The handler passes the click on to another button that does nothing: one dead click, the visitor's, not two.",
			Inputs: cat(save(0), click(1, "#real-save", 0, 0)),
			Expect: []expectation{exp(DeadClick, 0, "#save")},
		},
		vector{
			Name: "dead/second-element-after-51ms-is-own-click", Description: "A click on another element 51 ms later is the visitor's own (past the 50 ms of one dispatch): both dead.",
			Inputs: cat(save(0), click(51, "#cancel", 300, 100)),
			Expect: []expectation{exp(DeadClick, 0, "#save"), exp(DeadClick, 51, "#cancel")},
		},
		vector{
			Name: "dead/label-passes-to-chosen-radio", Description: "A click on the label of the radio already chosen: the label passes it on to the radio (same ms), which is a choice. Not dead.",
			Inputs: cat(one(click(0, "label.monthly", 100, 100), func(in *Input) { in.Tag = "label" }), one(click(0, "#plan-monthly", 90, 100), func(in *Input) { in.Tag, in.Type = "input", "radio" })),
			Expect: []expectation{},
		},
		vector{
			Name: "dead/media-answers", Description: "The click plays a video or sound in the page 30 ms later (rrweb MediaInteraction, DOM play event): answered.",
			Inputs: cat(save(0), kind(30, KindMedia)), Expect: []expectation{},
		},
		vector{
			Name: "dead/media-late-does-not-answer", Description: "Media that starts 2600 ms after the click is too late, like any answer after dead_window_ms.",
			Inputs: cat(save(0), kind(2600, KindMedia)), Expect: []expectation{exp(DeadClick, 0, "#save")},
		},
		vector{
			Name: "dead/page-leave-answers", Description: "The page unloads 1500 ms after the click: answered.",
			Inputs: cat(save(0), kind(1500, KindPageLeave)), Expect: []expectation{},
		},
	)
}

func errorVectors() vectorFile {
	pay := func(t int64) []Input { return cat(click(t, "#pay", 100, 100), muts(t+50)) }
	return file("error_click", "Error clicks: a click followed by an uncaught error or a failed request it could have caused.",
		vector{
			Name: "error-click/js-error", Description: "An uncaught TypeError 300 ms after the click.",
			Inputs: cat(pay(0), Input{T: 300, Kind: KindError, Name: "TypeError: total is undefined"}),
			Expect: []expectation{expD(ErrorClick, 0, "#pay", map[string]any{"errors": 1, "error": "TypeError: total is undefined"})},
		},
		vector{
			Name: "error-click/boundary-1000ms", Description: "An error exactly 1000 ms after the click counts.",
			Inputs: cat(pay(0), Input{T: 1000, Kind: KindError, Name: "Error"}),
			Expect: []expectation{exp(ErrorClick, 0, "#pay")},
		},
		vector{
			Name: "error-click/boundary-1001ms", Description: "An error 1001 ms after the click does not.",
			Inputs: cat(pay(0), Input{T: 1001, Kind: KindError, Name: "Error"}),
			Expect: []expectation{},
		},
		vector{
			Name: "error-click/failed-request", Description: "A request started 10 ms after the click fails with 500 at 400 ms.",
			Inputs: cat(pay(0), Input{T: 400, Kind: KindRequestFailed, Name: "POST /api/pay", Status: 500, Started: 10}),
			Expect: []expectation{expD(ErrorClick, 0, "#pay", map[string]any{"status": 500})},
		},
		vector{
			Name: "error-click/request-started-before-click", Description: "A background poll started 200 ms before the click fails 300 ms after it: the click did not cause it.",
			Inputs: cat(pay(1000), Input{T: 1300, Kind: KindRequestFailed, Name: "GET /api/poll", Status: 503, Started: 800}),
			Expect: []expectation{},
		},
		vector{
			Name: "error-click/network-error", Description: "A network error (status 0) whose start is unknown, 200 ms after the click.",
			Inputs: cat(pay(0), Input{T: 200, Kind: KindRequestFailed, Name: "POST /api/pay"}),
			Expect: []expectation{expD(ErrorClick, 0, "#pay", map[string]any{"status": 0})},
		},
		vector{
			Name: "error-click/error-before-click", Description: "An error 100 ms before the click is not caused by it.",
			Inputs: cat(Input{T: 900, Kind: KindError, Name: "Error"}, pay(1000)),
			Expect: []expectation{},
		},
	)
}

func thrashVectors() vectorFile {
	xs := func(a, b float64) func(int) (float64, float64) {
		alt := alternate(a, b)
		return func(i int) (float64, float64) { return alt(i), 200 }
	}
	return file("thrashed_cursor", "Thrashed cursor: reversals of direction on one axis, their span and the pointer's speed.",
		vector{
			Name: "thrash/x-axis", Description: "The pointer swings 200 px left and right every 50 ms: 10 reversals in 450 ms at 4 px/ms. Detected at the first turning point (50 ms).",
			Inputs: moves(0, 50, 12, xs(100, 300)),
			Expect: []expectation{expD(ThrashedCursor, 50, "", map[string]any{"reversals": 10, "speed": 4})},
		},
		vector{
			Name: "thrash/slow-wiggle", Description: "10 px swings every 50 ms: 0.2 px/ms, below 0.5.",
			Inputs: moves(0, 50, 12, xs(100, 110)), Expect: []expectation{},
		},
		vector{
			Name: "thrash/nine-reversals", Description: "Only 9 reversals.",
			Inputs: moves(0, 50, 11, xs(100, 300)), Expect: []expectation{},
		},
		vector{
			Name: "thrash/boundary-span-1998ms", Description: "Ten reversals 222 ms apart: first to last turning point 1998 ms, 0.9 px/ms.",
			Inputs: moves(0, 222, 12, xs(100, 300)), Expect: []expectation{exp(ThrashedCursor, 222, "")},
		},
		vector{
			Name: "thrash/span-2007ms", Description: "Ten reversals 223 ms apart: 2007 ms, more than 2000.",
			Inputs: moves(0, 223, 12, xs(100, 300)), Expect: []expectation{},
		},
		vector{
			Name: "thrash/y-axis", Description: "Up and down swings count on the y axis alone.",
			Inputs: moves(0, 50, 12, func(i int) (float64, float64) { return 400, alternate(100, 250)(i) }),
			Expect: []expectation{exp(ThrashedCursor, 50, "")},
		},
		vector{
			Name: "thrash/long-burst-is-one-detection", Description: "Three seconds of thrashing is one detection, not one per ten reversals.",
			Inputs: moves(0, 50, 60, xs(100, 300)), Expect: []expectation{exp(ThrashedCursor, 50, "")},
		},
	)
}

func scrollVectors() vectorFile {
	return file("excessive_scrolling", "Excessive scrolling: vertical reversals, each leg at least a quarter of the viewport (800 px → 200 px), within 10 s on one page and scroller.",
		vector{
			Name: "scroll/basic", Description: "Down 1000, up 800, down 800… every second: turning points at 1, 2, 3, 4, 5 s; one detection at the first.",
			Inputs: scrolls("", 0, 0, 1000, 1000, 2000, 200, 3000, 1000, 4000, 200, 5000, 1000, 6000, 200),
			Expect: []expectation{expD(ExcessiveScrolling, 1000, "", map[string]any{"reversals": 5})},
		},
		vector{
			Name: "scroll/small-corrections", Description: "Back-and-forth of 150 px (less than 25 % of 800) never counts.",
			Inputs: scrolls("", 0, 0, 1000, 1000, 2000, 850, 3000, 1000, 4000, 850, 5000, 1000, 6000, 850),
			Expect: []expectation{},
		},
		vector{
			Name: "scroll/three-reversals", Description: "Three reversals are not enough.",
			Inputs: scrolls("", 0, 0, 1000, 1000, 2000, 200, 3000, 1000, 4000, 200),
			Expect: []expectation{},
		},
		vector{
			Name: "scroll/boundary-10000ms", Description: "Four turning points, first to last exactly 10 s.",
			Inputs: scrolls("", 0, 0, 1000, 1000, 4000, 0, 7000, 1000, 11000, 0, 12000, 1000),
			Expect: []expectation{expD(ExcessiveScrolling, 1000, "", map[string]any{"reversals": 4})},
		},
		vector{
			Name: "scroll/span-10001ms", Description: "Four turning points spanning 10001 ms.",
			Inputs: scrolls("", 0, 0, 1000, 1000, 4000, 0, 7000, 1000, 11001, 0, 12000, 1000),
			Expect: []expectation{},
		},
		vector{
			Name: "scroll/legs-exactly-25-percent", Description: "Legs of exactly 200 px on an 800 px viewport count.",
			Inputs: scrolls("", 0, 0, 1000, 200, 2000, 0, 3000, 200, 4000, 0, 5000, 200, 6000, 0),
			Expect: []expectation{exp(ExcessiveScrolling, 1000, "")},
		},
		vector{
			Name: "scroll/legs-199px", Description: "Legs of 199 px do not.",
			Inputs: scrolls("", 0, 0, 1000, 199, 2000, 0, 3000, 199, 4000, 0, 5000, 199, 6000, 0),
			Expect: []expectation{},
		},
		vector{
			Name: "scroll/scrollers-are-separate", Description: "Two reversals on the document and two on an inner list do not add up.",
			Inputs: cat(
				scrolls("", 0, 0, 1000, 1000, 2000, 200, 3000, 1000),
				scrolls("#list", 500, 0, 1500, 1000, 2500, 200, 3500, 1000)),
			Expect: []expectation{},
		},
	)
}

func quickBackVectors() vectorFile {
	return file("quick_back", "Quick back: leaving a page for another and being back within 10 s.",
		vector{
			Name: "quick-back/basic", Description: "A promo link leads to /b; the user is back on /a 5.9 s later. Reported on /b, naming the link clicked on /a.",
			Inputs: cat(pv(0, urlA), one(click(2000, "a#promo", 50, 60), func(in *Input) { in.Tag, in.URL, in.Navigates = "a", urlA, true }),
				pv(2100, urlB), pv(8000, urlA)),
			Expect: []expectation{expD(QuickBack, 2100, "a#promo", map[string]any{"from": urlA, "dwell_ms": 5900})},
		},
		vector{
			Name: "quick-back/boundary-10000ms", Description: "Back exactly 10 s after arriving.",
			Inputs: []Input{pv(0, urlA), pv(2000, urlB), pv(12000, urlA)},
			Expect: []expectation{exp(QuickBack, 2000, "")},
		},
		vector{
			Name: "quick-back/boundary-10001ms", Description: "Back 10001 ms after arriving: not quick.",
			Inputs: []Input{pv(0, urlA), pv(2000, urlB), pv(12001, urlA)},
			Expect: []expectation{},
		},
		vector{
			Name: "quick-back/onward-is-not-back", Description: "A → B → C quickly is browsing, not going back.",
			Inputs: []Input{pv(0, urlA), pv(1000, urlB), pv(2000, urlC)},
			Expect: []expectation{},
		},
		vector{
			Name: "quick-back/reload-is-not-leaving", Description: "Reloading the same page twice.",
			Inputs: []Input{pv(0, urlA), pv(1000, urlA), pv(2000, urlA)},
			Expect: []expectation{},
		},
		vector{
			Name: "quick-back/in-page-anchor", Description: "An in-page anchor (#faq) is the same page.",
			Inputs: []Input{pv(0, urlA), pv(1000, urlA+"#faq"), pv(2000, urlA)},
			Expect: []expectation{},
		},
		vector{
			Name: "quick-back/hash-routes", Description: "Hash routes (#/…) are pages.",
			Inputs: []Input{pv(0, "https://app.example/#/a"), pv(1000, "https://app.example/#/b"), pv(3000, "https://app.example/#/a")},
			Expect: []expectation{exp(QuickBack, 1000, "")},
		},
	)
}

func formVectors() vectorFile {
	f := func(t int64, k, sel string) Input { return field(t, k, sel, "#signup") }
	submit := func(t int64, form string) Input { return Input{T: t, Kind: KindSubmit, Selector: form, Tag: "form"} }
	pay := func(t int64, k, sel string) Input { return field(t, k, sel, "#pay") }
	return file("forms", "Form abandonment and field struggle.",
		vector{
			Name: "form-abandonment/basic", Description: "Email changed, name focused, then the user goes to /pricing without submitting. Recorded at the leave with the last field touched.",
			Inputs: cat(pv(0, urlSignup), f(1000, KindFocus, "#email"), f(3000, KindInput, "#email"), f(3500, KindFocus, "#name"), pv(6000, urlB)),
			Expect: []expectation{expD(FormAbandonment, 6000, "#signup", map[string]any{"last_field": "#name", "fields_changed": 1})},
		},
		vector{
			Name: "form-abandonment/submitted", Description: "The form is submitted before leaving.",
			Inputs: cat(pv(0, urlSignup), f(1000, KindFocus, "#email"), f(3000, KindInput, "#email"), submit(5000, "#signup"), pv(6000, urlB)),
			Expect: []expectation{},
		},
		vector{
			Name: "form-abandonment/changed-after-submit", Description: "Submitted (rejected by the server), edited again, then left.",
			Inputs: cat(pv(0, urlSignup), f(3000, KindInput, "#email"), submit(4000, "#signup"), f(4500, KindInput, "#email"), pv(6000, urlB)),
			Expect: []expectation{expD(FormAbandonment, 6000, "#signup", map[string]any{"last_field": "#email"})},
		},
		vector{
			Name: "form-abandonment/focus-only", Description: "Fields focused but nothing changed: not abandonment.",
			Inputs: cat(pv(0, urlSignup), f(1000, KindFocus, "#email"), f(2000, KindFocus, "#name"), pv(6000, urlB)),
			Expect: []expectation{},
		},
		vector{
			Name: "form-abandonment/page-leave", Description: "The tab is closed after a change.",
			Inputs: cat(pv(0, urlSignup), f(3000, KindInput, "#email"), kind(7000, KindPageLeave)),
			Expect: []expectation{exp(FormAbandonment, 7000, "#signup")},
		},
		vector{
			Name: "form-abandonment/field-outside-form", Description: "A search box outside any <form> applies as it changes: leaving it is not abandonment.",
			Inputs: cat(pv(0, urlA), field(1000, KindInput, "#q", ""), pv(3000, urlB)),
			Expect: []expectation{},
		},
		vector{
			Name: "form-abandonment/end-of-session-is-mid-form-exit", Description: "The session ends with a changed, unsubmitted form: abandonment at the end, and the exit is mid_form.",
			Inputs: cat(pv(0, urlSignup), f(3000, KindInput, "#email"), kind(9000, KindSessionEnd)),
			Expect: []expectation{
				exp(FormAbandonment, 9000, "#signup"),
				expD(Exit, 9000, "#signup", map[string]any{"class": ExitMidForm}),
			},
		},
		vector{
			Name: "field-struggle/edits", Description: "The card number is changed three times. Reported at the field's first touch.",
			Inputs: cat(pv(0, urlA), pay(1000, KindInput, "#card"), pay(2000, KindInput, "#card"), pay(3000, KindInput, "#card"), submit(4000, "#pay")),
			Expect: []expectation{expD(FieldStruggle, 1000, "#card", map[string]any{"reason": "edits", "edits": 3})},
		},
		vector{
			Name: "field-struggle/refocus", Description: "The password field is focused four times (three refocuses) without a change.",
			Inputs: cat(pv(0, urlA), field(1000, KindFocus, "#pw", "#login"), field(2000, KindFocus, "#pw", "#login"),
				field(3000, KindFocus, "#pw", "#login"), field(4000, KindFocus, "#pw", "#login")),
			Expect: []expectation{expD(FieldStruggle, 1000, "#pw", map[string]any{"reason": "refocus", "refocus": 3})},
		},
		vector{
			Name: "field-struggle/invalid", Description: "The email is marked invalid on two submit attempts.",
			Inputs: cat(pv(0, urlSignup), f(1000, KindInvalid, "#email"), f(2000, KindInvalid, "#email")),
			Expect: []expectation{expD(FieldStruggle, 1000, "#email", map[string]any{"reason": "invalid", "invalid": 2})},
		},
		vector{
			Name: "field-struggle/below-thresholds", Description: "Two edits, one refocus and one invalid mark: a normal correction.",
			Inputs: cat(pv(0, urlSignup), f(1000, KindFocus, "#email"), f(1500, KindInput, "#email"), f(2000, KindInvalid, "#email"),
				f(2500, KindFocus, "#email"), f(3000, KindInput, "#email"), submit(4000, "#signup")),
			Expect: []expectation{},
		},
		vector{
			Name: "field-struggle/once-per-visit", Description: "Six edits of one field are one struggle.",
			Inputs: cat(pv(0, urlA), pay(1000, KindInput, "#card"), pay(2000, KindInput, "#card"), pay(3000, KindInput, "#card"),
				pay(4000, KindInput, "#card"), pay(5000, KindInput, "#card"), pay(6000, KindInput, "#card"), submit(7000, "#pay")),
			Expect: []expectation{expD(FieldStruggle, 1000, "#card", map[string]any{"edits": 3})},
		},
		vector{
			Name: "field-struggle/counts-are-per-visit", Description: "Two edits on /a and two on /b of a field with the same selector do not add up.",
			Inputs: cat(pv(0, urlA), field(1000, KindInput, "#q", "#f"), field(2000, KindInput, "#q", "#f"), submit(2500, "#f"),
				pv(3000, urlB), field(4000, KindInput, "#q", "#f"), field(5000, KindInput, "#q", "#f"), submit(5500, "#f")),
			Expect: []expectation{},
		},
		vector{
			Name: "field-struggle/clears-are-edits", Description: "Typed, cleared, typed, cleared: three edits, two of them clears.",
			Inputs: cat(pv(0, urlA), one(pay(1000, KindInput, "#code"), func(in *Input) { in.Empty = true }),
				pay(2000, KindInput, "#code"), one(pay(3000, KindInput, "#code"), func(in *Input) { in.Empty = true }), submit(4000, "#pay")),
			Expect: []expectation{expD(FieldStruggle, 1000, "#code", map[string]any{"edits": 3, "clears": 2})},
		},
	)
}

func hesitationVectors() vectorFile {
	hover := func(t, d int64) Input {
		return Input{T: t, Kind: KindHover, Selector: "#pay", Tag: "button", Text: "Pay now", Duration: d}
	}
	return file("hesitation", "Hesitation: a dwell on an interactive element without clicking it.",
		vector{
			Name: "hesitation/basic", Description: "The pointer rests on Pay for 3.5 s and leaves. Reported at the start of the dwell.",
			Inputs: []Input{hover(1000, 3500)},
			Expect: []expectation{expD(Hesitation, 1000, "#pay", map[string]any{"dwell_ms": 3500})},
		},
		vector{
			Name: "hesitation/boundary-3000ms", Description: "A dwell of exactly 3000 ms.",
			Inputs: []Input{hover(1000, 3000)}, Expect: []expectation{exp(Hesitation, 1000, "#pay")},
		},
		vector{
			Name: "hesitation/boundary-2999ms", Description: "A dwell of 2999 ms.",
			Inputs: []Input{hover(1000, 2999)}, Expect: []expectation{},
		},
		vector{
			Name: "hesitation/clicked-within-threshold", Description: "The element is clicked 2 s into a 5 s dwell: a decision, not hesitation.",
			Inputs: cat(hover(1000, 5000), click(3000, "#pay", 100, 100), muts(3050)), Expect: []expectation{},
		},
		vector{
			Name: "hesitation/clicked-after-threshold", Description: "Clicked 3.5 s into the dwell: the hesitation had already happened.",
			Inputs: cat(hover(1000, 5000), click(4500, "#pay", 100, 100), muts(4550)),
			Expect: []expectation{exp(Hesitation, 1000, "#pay")},
		},
		vector{
			Name: "hesitation/click-elsewhere", Description: "A click on another element does not end the hesitation.",
			Inputs: cat(hover(1000, 4000), click(2000, "#other", 10, 10), muts(2050)),
			Expect: []expectation{exp(Hesitation, 1000, "#pay")},
		},
		vector{
			Name: "hesitation/operated-by-keyboard", Description: "The pointer rests 5 s on a <select> the user focuses and changes with the keyboard: the element is being used, not weighed.",
			Inputs: []Input{
				{T: 1000, Kind: KindHover, Selector: "#size", Tag: "select", Duration: 5000, Interactive: true},
				{T: 1400, Kind: KindFocus, Selector: "#size", Tag: "select", Form: "#signup"},
				{T: 2600, Kind: KindInput, Selector: "#size", Tag: "select", Form: "#signup"},
			},
			Expect: []expectation{},
		},
		vector{
			Name: "hesitation/focus-after-threshold", Description: "The field is focused 3.5 s into the dwell: the hesitation had already happened.",
			Inputs: []Input{
				{T: 1000, Kind: KindHover, Selector: "#size", Tag: "select", Duration: 5000, Interactive: true},
				{T: 4500, Kind: KindFocus, Selector: "#size", Tag: "select"},
			},
			Expect: []expectation{exp(Hesitation, 1000, "#size")},
		},
		vector{
			Name: "hesitation/parked-on-label", Description: "The pointer rests 4 s on a field's <label> while the user picks a value with the keyboard: a caption, not an element weighed for a click.",
			Inputs: []Input{{T: 1000, Kind: KindHover, Selector: "#size-label", Tag: "label", Text: "Company size", Duration: 4000}},
			Expect: []expectation{},
		},
		vector{
			Name: "hesitation/label-styled-clickable", Description: "A <label> styled as clickable (cursor: pointer, so the SDK sets interactive) is weighed like a button.",
			Inputs: []Input{{T: 1000, Kind: KindHover, Selector: "#terms-label", Tag: "label", Text: "I accept", Duration: 4000, Interactive: true}},
			Expect: []expectation{exp(Hesitation, 1000, "#terms-label")},
		},
		vector{
			Name: "hesitation/parked-on-text", Description: "A dwell on plain text (no interactive flag, not an interactive tag) is not hesitation.",
			Inputs: []Input{{T: 1000, Kind: KindHover, Selector: "main > p", Tag: "p", Text: "Plans start at", Duration: 5000}},
			Expect: []expectation{},
		},
		vector{
			Name: "hesitation/interactive-card", Description: "A card with cursor: pointer (interactive flag) counts like a button.",
			Inputs: []Input{{T: 1000, Kind: KindHover, Selector: "#plan-pro", Tag: "div", Text: "Pro", Duration: 3200, Interactive: true}},
			Expect: []expectation{expD(Hesitation, 1000, "#plan-pro", map[string]any{"dwell_ms": 3200})},
		},
	)
}

func exitVectors() vectorFile {
	end := func(t int64) Input { return kind(t, KindSessionEnd) }
	mm := func(t int64) Input { return Input{T: t, Kind: KindMouseMove, X: 10, Y: 10} }
	return file("exit", "Exit classification: one per session, only once the session is over (session_end).",
		vector{
			Name: "exit/converted-by-event", Description: "A track('purchase') makes the session converted, even with a later error.",
			Config: cfg(`{"conversion": {"events": ["purchase"]}}`),
			Inputs: cat(pv(0, urlA), Input{T: 5000, Kind: KindTrack, Name: "purchase"}, Input{T: 6000, Kind: KindError, Name: "Error"}, end(7000)),
			Expect: []expectation{expD(Exit, 7000, "", map[string]any{"class": ExitConverted})},
		},
		vector{
			Name: "exit/converted-by-url", Description: "A pageview matching /thanks* converts.",
			Config: cfg(`{"conversion": {"urls": ["/thanks*"]}}`),
			Inputs: cat(pv(0, "https://shop.example/checkout"), pv(20000, "https://shop.example/thanks?order=1"), end(40000)),
			Expect: []expectation{expD(Exit, 40000, "", map[string]any{"class": ExitConverted})},
		},
		vector{
			Name: "exit/after-error", Description: "An error within 30 s of the last activity.",
			Inputs: cat(pv(0, urlA), Input{T: 50000, Kind: KindError, Name: "Error"}, mm(52000), end(60000)),
			Expect: []expectation{expD(Exit, 60000, "", map[string]any{"class": ExitAfterError})},
		},
		vector{
			Name: "exit/old-error-is-plain", Description: "An error 39 s before the last activity is too old to explain the exit.",
			Inputs: cat(pv(0, urlA), Input{T: 1000, Kind: KindError, Name: "Error"}, mm(40000), end(60000)),
			Expect: []expectation{expD(Exit, 60000, "", map[string]any{"class": ExitPlain})},
		},
		vector{
			Name: "exit/after-dead-click", Description: "A dead click 10 s before the last activity: the exit names it.",
			Inputs: cat(pv(0, urlA), one(click(20000, "#save", 100, 100), func(in *Input) { in.URL = urlA }), mm(30000), end(40000)),
			Expect: []expectation{
				exp(DeadClick, 20000, "#save"),
				expD(Exit, 40000, "#save", map[string]any{"class": ExitAfterFrust, "signal": DeadClick}),
			},
		},
		vector{
			Name: "exit/error-outranks-frustration", Description: "A dead click and a later error: after_error wins.",
			Inputs: cat(pv(0, urlA), click(20000, "#save", 100, 100), Input{T: 25000, Kind: KindError, Name: "Error"}, end(30000)),
			Expect: []expectation{exp(DeadClick, 20000, "#save"), expD(Exit, 30000, "", map[string]any{"class": ExitAfterError})},
		},
		vector{
			Name: "exit/quick-back", Description: "The last page was left 4 s after it was opened.",
			Inputs: cat(pv(0, urlA), mm(2000), end(4000)),
			Expect: []expectation{expD(Exit, 4000, "", map[string]any{"class": ExitQuickBack})},
		},
		vector{
			Name: "exit/idle", Description: "The last activity was 385 s before the end; the page kept mutating on its own.",
			Inputs: cat(pv(0, urlA), mm(15000), muts(200000, 400000), end(400000)),
			Expect: []expectation{expD(Exit, 400000, "", map[string]any{"class": ExitIdle})},
		},
		vector{
			Name: "exit/plain", Description: "Nothing notable: 30 s on a page.",
			Inputs: cat(pv(0, urlA), mm(30000), end(30000)),
			Expect: []expectation{expD(Exit, 30000, "", map[string]any{"class": ExitPlain})},
		},
		vector{
			Name: "exit/none-without-session-end", Description: "A session still in progress has no exit.",
			Inputs: cat(pv(0, urlA), mm(1000)),
			Expect: []expectation{},
		},
	)
}

func mixedVectors() vectorFile {
	co := "https://shop.example/checkout"
	help := "https://shop.example/help"
	at := func(in Input, url string) Input { in.URL = url; return in }
	return file("mixed", "Whole sessions and configuration switches.",
		vector{
			Name: "config/disabled-signal", Description: "dead_click disabled: the dead button yields only the rage click.",
			Config: cfg(`{"disabled": ["dead_click"]}`),
			Inputs: clicksAt("#buy", 0, 400, 800),
			Expect: []expectation{exp(RageClick, 0, "#buy")},
		},
		vector{
			Name: "mixed/checkout-gone-wrong",
			Description: "The card field is struggled with, Pay is rage-clicked and throws, the user checks /help for 3 s, comes back and the session ends. " +
				"Each Pay click is dead and an error click; the quick back names Pay as the last click before leaving; the form was abandoned when /help opened; the exit is after_error.",
			Inputs: cat(pv(0, co),
				at(field(1000, KindFocus, "#card", "#pay"), co), at(field(2000, KindInput, "#card", "#pay"), co),
				at(one(field(4000, KindInput, "#card", "#pay"), func(in *Input) { in.Empty = true }), co),
				at(field(6000, KindInput, "#card", "#pay"), co),
				at(click(8000, "#pay", 300, 500), co), at(click(8300, "#pay", 302, 501), co), at(click(8600, "#pay", 301, 499), co),
				Input{T: 8700, Kind: KindError, URL: co, Name: "TypeError: total is undefined"},
				pv(12000, help), pv(15000, co), kind(16000, KindSessionEnd)),
			Expect: []expectation{
				expD(FieldStruggle, 1000, "#card", map[string]any{"clears": 1}),
				exp(RageClick, 8000, "#pay"),
				exp(DeadClick, 8000, "#pay"), exp(DeadClick, 8300, "#pay"), exp(DeadClick, 8600, "#pay"),
				exp(ErrorClick, 8000, "#pay"), exp(ErrorClick, 8300, "#pay"), exp(ErrorClick, 8600, "#pay"),
				expD(FormAbandonment, 12000, "#pay", map[string]any{"last_field": "#card"}),
				expD(QuickBack, 12000, "#pay", map[string]any{"dwell_ms": 3000}),
				expD(Exit, 16000, "", map[string]any{"class": ExitAfterError}),
			},
		},
	)
}
