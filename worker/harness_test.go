package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailguide/trailguide/friction"
	"github.com/trailguide/trailguide/internal/frictionharness"
)

// The labelled harness (issue 3, "Measured on real behaviour"): the demo
// recordings are real headless-Chromium sessions whose scripts
// (demo/record/journeys.go) say what each visitor did, and
// testdata/friction/harness/labels.json turns that into expected
// detections. TestFrictionHarness scores the server's detections and the
// SDK's live ones against it (with internal/frictionharness, shared with
// the fixture-page harness) and prints precision and recall per signal
// (docs/FRICTION.md, "Measured precision and recall").

// TestFrictionHarness seeds the 36 recorded demo journeys into real SQLite
// and file stores, closes every session through the worker, and reports
// precision and recall per signal for (a) the server's detections
// (friction events with seq FrictionSeq) and (b) the SDK's live friction
// signals (seq >= 0, name = type) against the labels. The ≥ 0.95 target is
// reported, not asserted; calm journeys must get no server rage, dead or
// error click.
func TestFrictionHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds and analyses every demo recording")
	}
	ctx := context.Background()

	var labels frictionharness.Labels
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "friction", "harness", "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&labels); err != nil {
		t.Fatalf("labels.json: %v", err)
	}
	raw, err = os.ReadFile(filepath.Join("..", "demo", "fixtures", "journeys.json"))
	if err != nil {
		t.Fatal(err)
	}
	var journeys []journey
	if err := json.Unmarshal(raw, &journeys); err != nil {
		t.Fatal(err)
	}

	// The labels are well formed and cover exactly the recorded journeys.
	var names []string
	for _, j := range journeys {
		names = append(names, j.Name)
	}
	for _, e := range labels.Validate(names) {
		t.Error("labels.json: " + e)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Seed into real stores and close every session through the worker,
	// as TestDemoFriction does.
	sessions, _ := seedDemoClosed(t, len(journeys))

	run := frictionharness.NewRun()
	for _, j := range journeys {
		id := demoSessionID(j.Session)
		s, err := sessions.Session(ctx, "demo", id)
		if err != nil {
			t.Fatalf("journey %s: seeded session %s: %v", j.Name, id, err)
		}
		if !s.Closed {
			t.Fatalf("journey %s: session not closed", j.Name)
		}
		events, err := sessions.Events(ctx, "demo", id)
		if err != nil {
			t.Fatal(err)
		}
		lab := labels.Journeys[j.Name]
		srv, _ := run.Add(j.Name, lab, events)
		// The stored events agree with the session's counts.
		for _, typ := range frictionharness.Types {
			c := 0
			for _, d := range srv {
				if d.Type == typ {
					c++
				}
			}
			if c != s.FrictionCounts[typ] {
				t.Errorf("%s: %d server %s events, session counts %d", j.Name, c, typ, s.FrictionCounts[typ])
			}
		}
		// Regressions we never want: a journey labelled "nothing" with a
		// server rage, dead or error click.
		if len(lab.Expect) == 0 && len(lab.Unlabelled) == 0 {
			for _, d := range srv {
				if d.Type == friction.RageClick || d.Type == friction.DeadClick || d.Type == friction.ErrorClick {
					t.Errorf("%s: calm journey has a server %s on %q", j.Name, d.Type, d.Selector)
				}
			}
		}
	}

	// The tallies add up: every detection is counted exactly once.
	for _, e := range run.Check() {
		t.Error(e)
	}
	t.Log(run.Table(fmt.Sprintf("precision and recall over %d labelled journeys", len(journeys))))
	t.Log(run.Notes())
}
