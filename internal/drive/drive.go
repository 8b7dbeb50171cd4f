// Package drive runs scripted input in one Chromium tab for the tools that
// play people (the demo recorder, the friction fixture harness): the first
// error is kept and every later step does nothing, so a journey reads as a
// plain script and its caller checks the error once.
package drive

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Tab drives one tab (Ctx) and holds the first error (Err).
type Tab struct {
	Ctx context.Context
	Err error
}

// Fail keeps err if it is the first error.
func (t *Tab) Fail(err error) {
	if t.Err == nil && err != nil {
		t.Err = err
	}
}

// Do runs actions unless an error happened before.
func (t *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	if t.Err == nil {
		t.Fail(chromedp.Do(t.Ctx, actions...))
	}
}

// Call runs f with the tab's target unless an error happened before.
func (t *Tab) Call(f func(ctx context.Context, target *chromedp.Target) error) {
	t.Do(chromedp.Func(f))
}

// Eval runs JavaScript and decodes its JSON-able result into out (may be
// nil).
func (t *Tab) Eval(expr string, out any) {
	if t.Err != nil {
		return
	}
	raw, err := chromedp.Run(t.Ctx, chromedp.Evaluate[json.RawMessage](expr))
	if err != nil {
		t.Fail(fmt.Errorf("eval %.60q: %w", expr, err))
		return
	}
	if out != nil && len(raw) > 0 {
		t.Fail(json.Unmarshal(raw, out))
	}
}

// Keys sends the keys of s at once, one rune each (text, or kb.Tab,
// kb.Backspace...); pacing is the caller's.
func (t *Tab) Keys(s string) {
	t.Call(func(ctx context.Context, target *chromedp.Target) error {
		for _, r := range s {
			for _, p := range kb.Encode(r) {
				if _, err := cdp.Call(ctx, target, input.DispatchKeyEvent, *p); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
