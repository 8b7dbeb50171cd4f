package friction

// quickBacks: arriving on page B from page A and being back on A within
// QuickBackMS of arriving on B. Pages are compared by PageKey; consecutive
// pageviews of the same page (reloads) are one visit. The detection is
// about B (URL, time of arrival) and names the element on A whose click led
// there (the last click on A before leaving), when there was one.
func (s *stream) quickBacks(out []Detection) []Detection {
	var pvs []int // stream positions of pageviews that changed page
	last := ""
	for k := range s.ix {
		in := s.at(k)
		if in.Kind != KindPageview {
			continue
		}
		key := PageKey(in.URL)
		if len(pvs) > 0 && key == last {
			continue
		}
		pvs, last = append(pvs, k), key
	}
	for i := 1; i+1 < len(pvs); i++ {
		a, b, back := s.at(pvs[i-1]), s.at(pvs[i]), s.at(pvs[i+1])
		if PageKey(a.URL) != PageKey(back.URL) || back.T-b.T > s.cfg.QuickBackMS {
			continue
		}
		d := s.detection(QuickBack, pvs[i])
		d.Evidence = []int{s.ix[pvs[i-1]]}
		for k := pvs[i] - 1; k > pvs[i-1]; k-- {
			if c := s.at(k); c.Kind == KindClick {
				d.Selector, d.Text, d.X, d.Y = c.Selector, c.Text, c.X, c.Y
				d.Evidence = append(d.Evidence, s.ix[k])
				break
			}
		}
		d.Evidence = append(d.Evidence, s.ix[pvs[i]], s.ix[pvs[i+1]])
		d.Details = map[string]any{"from": a.URL, "dwell_ms": back.T - b.T}
		out = append(out, d)
	}
	return out
}

type formState struct {
	key       string
	changed   map[string]bool // fields changed since the last submit
	lastField string
	evidence  []int // stream positions since the last submit
}

type fieldState struct {
	first                           int // stream position of the first touch
	edits, clears, focuses, invalid int
	evidence                        []int
	fired                           bool
}

// forms runs form abandonment and field struggle, visit by visit. A visit
// is the time on one page: it ends at a pageview of another page, a
// page_leave or a session_end.
func (s *stream) forms(out []Detection) []Detection {
	c := s.cfg
	var (
		visitKey string
		visitURL string
		started  bool
		forms    []*formState
		byForm   map[string]*formState
		fields   map[string]*fieldState
	)
	reset := func() {
		forms, byForm, fields = nil, map[string]*formState{}, map[string]*fieldState{}
	}
	reset()
	closeVisit := func(end int) {
		if !c.enabled(FormAbandonment) {
			return
		}
		for _, f := range forms {
			// Fields outside a <form> (search boxes, live filters) apply
			// as they change; leaving them is not abandoning anything.
			if len(f.changed) == 0 || f.key == "" {
				continue
			}
			d := Detection{
				Type: FormAbandonment, T: s.at(end).T, Window: s.window, URL: visitURL,
				Selector: f.key,
			}
			for _, k := range f.evidence {
				d.Evidence = append(d.Evidence, s.ix[k])
			}
			d.Evidence = append(d.Evidence, s.ix[end])
			d.Details = map[string]any{"last_field": f.lastField, "fields_changed": len(f.changed)}
			out = append(out, d)
		}
	}
	for k := range s.ix {
		in := s.at(k)
		switch in.Kind {
		case KindPageview:
			key := PageKey(in.URL)
			if started && key == visitKey {
				continue
			}
			if started {
				closeVisit(k)
				reset()
			}
			visitKey, visitURL, started = key, in.URL, true
			continue
		case KindPageLeave, KindSessionEnd:
			if started {
				closeVisit(k)
			}
			reset()
			started = false
			continue
		}
		if !started && in.URL != "" {
			visitKey, visitURL, started = PageKey(in.URL), in.URL, true
		}
		switch in.Kind {
		case KindSubmit:
			for _, f := range forms {
				if f.key == in.Selector {
					f.changed, f.evidence = nil, nil
				}
			}
		case KindInput, KindFocus, KindInvalid:
			if in.Selector == "" {
				continue // a focus without a known element (rrweb) is no field fact
			}
			f := byForm[in.Form]
			if f == nil {
				f = &formState{key: in.Form}
				byForm[in.Form] = f
				forms = append(forms, f)
			}
			f.lastField = in.Selector
			f.evidence = append(f.evidence, k)
			if in.Kind == KindInput {
				if f.changed == nil {
					f.changed = map[string]bool{}
				}
				f.changed[in.Selector] = true
			}
			out = s.struggle(out, fields, k)
		}
	}
	// A visit still open at the end of the stream is not abandoned yet:
	// the user may still submit (the server appends session_end at close).
	return out
}

// struggle updates the field of the input at stream position k and reports
// field struggle the first time one of the thresholds is reached on it in
// this visit: StruggleEdits changes (a clear is a change), StruggleRefocus
// focuses after the first, or StruggleInvalid invalid marks.
func (s *stream) struggle(out []Detection, fields map[string]*fieldState, k int) []Detection {
	c := s.cfg
	in := s.at(k)
	f := fields[in.Selector]
	if f == nil {
		f = &fieldState{first: k}
		fields[in.Selector] = f
	}
	switch in.Kind {
	case KindInput:
		f.edits++
		if in.Empty {
			f.clears++
		}
	case KindFocus:
		f.focuses++
	case KindInvalid:
		f.invalid++
	}
	f.evidence = append(f.evidence, k)
	if f.fired || !c.enabled(FieldStruggle) {
		return out
	}
	reason := ""
	switch {
	case f.edits >= c.StruggleEdits:
		reason = "edits"
	case f.focuses-1 >= c.StruggleRefocus:
		reason = "refocus"
	case f.invalid >= c.StruggleInvalid:
		reason = "invalid"
	default:
		return out
	}
	f.fired = true
	d := s.detection(FieldStruggle, f.first)
	for _, e := range f.evidence {
		d.Evidence = append(d.Evidence, s.ix[e])
	}
	d.Details = map[string]any{
		"reason": reason, "edits": f.edits, "clears": f.clears,
		"refocus": max(f.focuses-1, 0), "invalid": f.invalid,
	}
	if in.Form != "" {
		d.Details["form"] = in.Form
	}
	return append(out, d)
}

// hesitations: a hover (a dwell on an interactive element, isHoverTarget)
// of at least HesitationMS during whose first HesitationMS that element was
// not used: not clicked, focused or changed (a field operated with the
// keyboard under a parked pointer is not hesitation).
func (s *stream) hesitations(out []Detection) []Detection {
	c := s.cfg
	for k := range s.ix {
		in := s.at(k)
		if in.Kind != KindHover || in.Duration < c.HesitationMS || !isHoverTarget(in) {
			continue
		}
		used := false
		for p := k + 1; p < len(s.ix) && s.at(p).T <= in.T+c.HesitationMS; p++ {
			if r := s.at(p); (r.Kind == KindClick || r.Kind == KindFocus || r.Kind == KindInput) && r.Selector == in.Selector {
				used = true
				break
			}
		}
		if used {
			continue
		}
		d := s.detection(Hesitation, k)
		d.Evidence = []int{s.ix[k]}
		d.Details = map[string]any{"dwell_ms": in.Duration}
		out = append(out, d)
	}
	return out
}

// activityKinds are what a person does; the rest can happen on its own.
var activityKinds = map[string]bool{
	KindClick: true, KindDblClick: true, KindScroll: true, KindMouseMove: true,
	KindInput: true, KindFocus: true, KindSelection: true, KindSubmit: true,
	KindHover: true, KindPageview: true,
}

// classifyExit gives the session's end one class, the first that applies:
// converted, after_error, after_frustration, mid_form, quick_back, idle,
// plain. all is every input index in time order; found are the window
// detections already made.
func classifyExit(c *Config, in []Input, all []int, found []Detection) (Detection, bool) {
	end := -1
	for _, i := range all {
		if in[i].Kind == KindSessionEnd {
			end = i
		}
	}
	if end < 0 {
		return Detection{}, false
	}
	endT := in[end].T
	lastAct, lastPV, lastURL := int64(-1), -1, -1
	conv, lastErr := -1, -1
	for _, i := range all {
		x := &in[i]
		if x.T > endT {
			break
		}
		if activityKinds[x.Kind] {
			lastAct = x.T
		}
		if x.Kind == KindPageview {
			lastPV = i
		}
		if x.URL != "" {
			lastURL = i
		}
		if conv < 0 && c.Conversion.converts(x) {
			conv = i
		}
		if x.Kind == KindError || x.Kind == KindRequestFailed {
			lastErr = i
		}
	}
	if lastAct < 0 {
		lastAct = endT
	}
	d := Detection{Type: Exit, T: endT}
	if lastPV >= 0 {
		d.URL, d.Window = in[lastPV].URL, in[lastPV].Window
	} else if lastURL >= 0 {
		d.URL, d.Window = in[lastURL].URL, in[lastURL].Window
	}
	recent := lastAct - c.ExitRecentMS
	class := ""
	var ev []int
	switch {
	case conv >= 0:
		class, ev = ExitConverted, []int{conv}
	case lastErr >= 0 && in[lastErr].T >= recent:
		class, ev = ExitAfterError, []int{lastErr}
	}
	if class == "" {
		var frust *Detection
		for i := range found {
			f := &found[i]
			switch f.Type {
			case RageClick, DeadClick, ErrorClick:
				if f.T >= recent && f.T <= endT && (frust == nil || f.T >= frust.T) {
					frust = f
				}
			}
		}
		if frust != nil {
			class, ev = ExitAfterFrust, frust.Evidence
			d.Selector, d.Text = frust.Selector, frust.Text
			d.Details = map[string]any{"signal": frust.Type}
		}
	}
	if class == "" {
		for i := range found {
			if f := &found[i]; f.Type == FormAbandonment && f.T == endT {
				class, ev = ExitMidForm, f.Evidence[:len(f.Evidence)-1]
				d.Selector = f.Selector
				break
			}
		}
	}
	if class == "" {
		switch {
		case lastPV >= 0 && endT-in[lastPV].T < c.QuickBackMS:
			class, ev = ExitQuickBack, []int{lastPV}
		case endT-lastAct >= c.ExitIdleMS:
			class = ExitIdle
		default:
			class = ExitPlain
		}
	}
	if d.Details == nil {
		d.Details = map[string]any{}
	}
	d.Details["class"] = class
	d.Evidence = append(append([]int(nil), ev...), end)
	return d, true
}
