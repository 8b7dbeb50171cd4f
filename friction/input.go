// Package friction is the Friction Signal Spec v1 (docs/FRICTION.md) in Go:
// pure, deterministic detectors for rage clicks, dead clicks, error clicks,
// thrashed cursors, excessive scrolling, quick backs, form abandonment,
// field struggle, hesitation and exit classification. They run over a
// normalised stream of Inputs that both the server (FromSession, from stored
// signals and rrweb events) and the browser SDK (live, from DOM listeners)
// produce the same way, so that one set of test vectors (testdata/friction)
// holds both implementations to the same definitions. The package does no
// I/O and keeps no state between calls.
package friction

import (
	"cmp"
	"slices"
	"strings"
)

// Input kinds. Each is one fact about the page or the user at a moment; the
// spec (docs/FRICTION.md, "Input model") says which fields each kind sets
// and where both implementations get it from.
const (
	KindClick         = "click"          // a primary-button click (DOM click event) on Selector
	KindDblClick      = "dblclick"       // a DOM dblclick event at X, Y
	KindMutation      = "mutation"       // the DOM changed (nodes added/removed, text or attribute changed)
	KindPageview      = "pageview"       // a page load or an SPA route change to URL
	KindNavigation    = "navigation"     // the document started unloading (beforeunload / pagehide for a navigation)
	KindURLChange     = "url_change"     // URL changed without a pageview (in-page anchor, hash)
	KindScroll        = "scroll"         // a scroll position sample: ScrollY, ViewportH, Selector of the scroller ("" = document)
	KindFocus         = "focus"          // an element received focus (Selector, Form when it is a form field)
	KindSelection     = "selection"      // the text selection changed; Selected when it is not collapsed
	KindValue         = "value"          // a form control's value changed, for any reason (typing, script, checkbox toggle)
	KindMedia         = "media"          // a media element in the page played, paused, seeked or changed volume or rate
	KindInput         = "input"          // the user committed a change to a form field (DOM change event): Selector, Form, Empty
	KindInvalid       = "invalid"        // a form field was marked invalid (DOM invalid event or aria-invalid=true)
	KindSubmit        = "submit"         // a form was submitted (Selector is the form)
	KindError         = "error"          // an uncaught JS error or unhandled rejection (Name is the message)
	KindRequestFailed = "request_failed" // a fetch/XHR failed: Status ≥ 400, or 0 for a network error; Started is when it began
	KindMouseMove     = "mousemove"      // a pointer position sample (X, Y in viewport pixels)
	KindHover         = "hover"          // the pointer dwelt on an interactive element for Duration ms (gaps ≤ 500 ms merged)
	KindTrack         = "track"          // a custom track(Name) event
	KindPageLeave     = "page_leave"     // the page was hidden for good (pagehide); not a tab switch
	KindSessionEnd    = "session_end"    // the session is over; only the server knows this (appended at session close)
)

// Input is one normalised fact of a session, the only thing detectors read.
// Times are milliseconds (epoch or any other origin, as long as one stream
// uses one). Zero values mean "not known" or "false"; JSON omits them so
// test vectors stay short.
type Input struct {
	T      int64  `json:"t"`
	Kind   string `json:"kind"`
	Window string `json:"window,omitempty"` // tab id; detectors never mix windows
	URL    string `json:"url,omitempty"`

	// The target element (click, dblclick, focus, input, invalid, submit,
	// hover; scroll: the scrolling element, "" for the document).
	Selector string `json:"selector,omitempty"`
	Tag      string `json:"tag,omitempty"`  // lower-case tag name
	Type     string `json:"type,omitempty"` // lower-case type attribute of an <input>
	Text     string `json:"text,omitempty"` // element text, masked as the recording is
	Form     string `json:"form,omitempty"` // selector of the enclosing <form> (input, focus, invalid)

	// Page coordinates of a click or dblclick; viewport coordinates of a
	// mousemove.
	X float64 `json:"x,omitempty"`
	Y float64 `json:"y,omitempty"`

	// Facts about a click's target at click time, taken by the SDK.
	Interactive bool `json:"interactive,omitempty"` // click or hover target: link, button, form control, ARIA widget role, or cursor:pointer
	NewTab      bool `json:"new_tab,omitempty"`     // opens a new tab/window: target=_blank (or other named target) link/form
	Download    bool `json:"download,omitempty"`    // a[download]
	Modifier    bool `json:"modifier,omitempty"`    // ctrl, meta, shift or alt held, or not the primary button
	NoRage      bool `json:"no_rage,omitempty"`     // the target or an ancestor has data-tg-no-rage
	TextEntry   bool `json:"text_entry,omitempty"`  // a text-entry control: text-like input, textarea, contenteditable
	Navigates   bool `json:"navigates,omitempty"`   // the click's default action navigates this tab (not prevented)
	Native      bool `json:"native,omitempty"`      // the click opened browser UI no DOM observer sees: a native dialog, or a picker or choice it passed on to
	Unobserved  bool `json:"unobserved,omitempty"`  // no DOM observation covers this click (session not recorded)

	// scroll
	ScrollY   float64 `json:"scroll_y,omitempty"`
	ViewportH float64 `json:"viewport_h,omitempty"`

	Empty    bool   `json:"empty,omitempty"`    // input: the field's value is now empty (a clear)
	Selected bool   `json:"selected,omitempty"` // selection: the new selection is not collapsed
	Duration int64  `json:"duration,omitempty"` // hover: dwell in ms
	Name     string `json:"name,omitempty"`     // error message, track name, failed request description
	Status   int    `json:"status,omitempty"`   // request_failed: HTTP status, 0 = network error
	Started  int64  `json:"started,omitempty"`  // request_failed: when the request began (0 = unknown)
}

// interactiveTags are targets treated as interactive even when the SDK did
// not say so (old SDKs, or signals without props).
var interactiveTags = map[string]bool{
	"a": true, "button": true, "input": true, "select": true, "textarea": true,
	"label": true, "summary": true, "option": true,
}

// isInteractive reports whether a click target is something a user expects
// to react to a click.
func isInteractive(in *Input) bool {
	return in.Interactive || interactiveTags[in.Tag]
}

// isHoverTarget reports whether a hover is on an element a user weighs
// clicking: the SDK's interactive flag, or (older SDKs) one of the
// interactive tags other than <label>. A label is clickable, so a click on
// it counts for rage and dead clicks, but it is a caption: a pointer parked
// on it while the user types or reads is not hesitating. A label styled as
// clickable (cursor: pointer) carries the flag.
func isHoverTarget(in *Input) bool {
	return in.Interactive || (interactiveTags[in.Tag] && in.Tag != "label")
}

// nativePickerTypes are <input> types whose click opens browser UI that no
// DOM observer can see.
var nativePickerTypes = map[string]bool{
	"file": true, "color": true, "date": true, "datetime-local": true,
	"month": true, "week": true, "time": true,
}

// choiceTypes are <input> types whose click chooses one of several
// options: a click on the option already chosen changes nothing and is
// not dead, like a click on an <option>.
var choiceTypes = map[string]bool{"radio": true}

// PageKey is the identity of a page for "same page" comparisons: the URL
// without its fragment, unless the fragment is a route (#/… or #!…).
func PageKey(url string) string {
	i := strings.IndexByte(url, '#')
	if i < 0 {
		return url
	}
	if strings.HasPrefix(url[i:], "#/") || strings.HasPrefix(url[i:], "#!") {
		return url
	}
	return url[:i]
}

// order returns the indexes of in sorted by time, ties kept in input order.
// "After" in the spec always means later in this order.
func order(in []Input) []int {
	ix := make([]int, len(in))
	for i := range ix {
		ix[i] = i
	}
	slices.SortStableFunc(ix, func(a, b int) int { return cmp.Compare(in[a].T, in[b].T) })
	return ix
}
