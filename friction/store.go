package friction

import (
	"encoding/json"
	"math"
	"time"

	"github.com/trailguide/trailguide"
)

// Weights of the frustration score (docs/FRICTION.md, "Frustration score"):
// how much one detection of each type says that a session went badly.
// Hesitation and the exit weigh nothing: hesitating is not failing, and
// every session has exactly one exit.
var Weights = map[string]int{
	RageClick:          3,
	ErrorClick:         3,
	DeadClick:          2,
	FormAbandonment:    2,
	ThrashedCursor:     1,
	ExcessiveScrolling: 1,
	QuickBack:          1,
	FieldStruggle:      1,
	Hesitation:         0,
	Exit:               0,
}

// Score is the frustration score of a session's counts per signal type.
func Score(counts map[string]int) int {
	score := 0
	for typ, n := range counts {
		score += Weights[typ] * n
	}
	return score
}

// Analyze runs the detectors over a closed session as the server stores it
// (its analytics events and each window's rrweb stream, see FromSession),
// with the session end appended, and returns what the server keeps.
func Analyze(cfg Config, projectID, sessionID string, events []*trailguide.Event, rrweb map[string][]json.RawMessage) *trailguide.SessionFriction {
	in := WithSessionEnd(FromSession(events, rrweb))
	return ToSessionFriction(projectID, sessionID, in, Detect(cfg, in))
}

// eventData is the JSON kept in a server friction event's Data.
type eventData struct {
	Source string `json:"source"` // "server"
	// Evidence is the inputs the detection was built from, in stream
	// order (Detection.Evidence resolved, so the indexes need no context).
	Evidence []Input        `json:"evidence"`
	Details  map[string]any `json:"details,omitempty"`
}

// ToSessionFriction turns detections made over in into friction events
// (type friction, Seq trailguide.FrictionSeq, Index the detection's
// position in ds, Name the signal type, Data the evidence and details) and
// the session summary: counts per type without the exit, the score, the
// exit class.
func ToSessionFriction(projectID, sessionID string, in []Input, ds []Detection) *trailguide.SessionFriction {
	f := &trailguide.SessionFriction{
		ProjectID: projectID, SessionID: sessionID,
		Events: make([]*trailguide.Event, 0, len(ds)),
		Counts: map[string]int{},
	}
	for i, d := range ds {
		data := eventData{Source: "server", Evidence: make([]Input, 0, len(d.Evidence)), Details: d.Details}
		for _, k := range d.Evidence {
			if k >= 0 && k < len(in) {
				data.Evidence = append(data.Evidence, in[k])
			}
		}
		raw, err := json.Marshal(data)
		if err != nil {
			// Details hold numbers, strings and slices of them; a value
			// JSON cannot encode (NaN) only loses the extras.
			raw, _ = json.Marshal(eventData{Source: "server", Evidence: data.Evidence})
		}
		f.Events = append(f.Events, &trailguide.Event{
			ProjectID: projectID, SessionID: sessionID, WindowID: d.Window,
			Seq: trailguide.FrictionSeq, Index: i,
			Type: trailguide.EventFriction, Time: time.UnixMilli(d.T).UTC(),
			URL: d.URL, Selector: d.Selector, Text: d.Text,
			X: int(math.Round(d.X)), Y: int(math.Round(d.Y)),
			Name: d.Type, Data: raw,
		})
		if d.Type == Exit {
			if c, ok := d.Details["class"].(string); ok {
				f.ExitClass = c
			}
			continue
		}
		f.Counts[d.Type]++
	}
	f.Score = Score(f.Counts)
	return f
}
