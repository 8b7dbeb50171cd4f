package guide

import (
	"math"
	"slices"
	"testing"

	"github.com/trailguide/trailguide"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// Known figures: 30/200 vs 50/200 (computed by hand and checked against R's
// prop.test(correct = FALSE): X-squared = 6.25, so z = -2.5, p = 0.01242).
func TestCompareKnownNumbers(t *testing.T) {
	c := Compare(trailguide.GuideOutcome{Exposed: 200, ExposedHit: 30, Holdout: 200, HoldoutHit: 50})
	if !near(c.ExposedRate, 0.15, 1e-12) || !near(c.HoldoutRate, 0.25, 1e-12) || !near(c.Diff, -0.10, 1e-12) {
		t.Fatalf("rates: got %+v", c)
	}
	// SE = sqrt(.15*.85/200 + .25*.75/200) = sqrt(0.001575) = 0.0396863
	if !near(c.CILow, -0.177784, 1e-6) || !near(c.CIHigh, -0.022216, 1e-6) {
		t.Fatalf("ci: got [%v, %v]", c.CILow, c.CIHigh)
	}
	if !near(c.Z, -2.5, 1e-9) || !near(c.P, 0.012419, 1e-5) || !c.Significant || !c.Enough {
		t.Fatalf("test: got z %v p %v sig %v", c.Z, c.P, c.Significant)
	}
	// Equal rates: no difference, p = 1.
	c = Compare(trailguide.GuideOutcome{Exposed: 100, ExposedHit: 10, Holdout: 50, HoldoutHit: 5})
	if c.Diff != 0 || c.P != 1 || c.Significant {
		t.Fatalf("equal: got %+v", c)
	}
	// An empty arm: nothing judged.
	c = Compare(trailguide.GuideOutcome{Exposed: 10, ExposedHit: 3})
	if c.Enough || c.Significant || c.P != 1 {
		t.Fatalf("empty holdout: got %+v", c)
	}
	// Small arms are computed but not enough.
	c = Compare(trailguide.GuideOutcome{Exposed: 10, ExposedHit: 0, Holdout: 10, HoldoutHit: 9})
	if c.Enough || !c.Significant {
		t.Fatalf("small: got %+v", c)
	}
}

func TestReportGuardrails(t *testing.T) {
	g := &trailguide.Guide{ID: "g", Trigger: trailguide.GuideTrigger{Type: "friction", Selector: "#plan"}, Goal: &trailguide.GuideGoal{Event: "signup"}}
	tests := []struct {
		name string
		c    trailguide.GuideImpactCounts
		harm []string
	}{
		{"helped", trailguide.GuideImpactCounts{Friction: trailguide.GuideOutcome{Exposed: 200, ExposedHit: 30, Holdout: 200, HoldoutHit: 50},
			Goal: trailguide.GuideOutcome{Exposed: 200, ExposedHit: 60, Holdout: 200, HoldoutHit: 40}}, []string{}},
		{"more friction", trailguide.GuideImpactCounts{Friction: trailguide.GuideOutcome{Exposed: 200, ExposedHit: 50, Holdout: 200, HoldoutHit: 30}}, []string{"friction_up"}},
		{"lower goal", trailguide.GuideImpactCounts{Goal: trailguide.GuideOutcome{Exposed: 200, ExposedHit: 20, Holdout: 200, HoldoutHit: 50}}, []string{"goal_down"}},
		{"dismissers struggle", trailguide.GuideImpactCounts{Friction: trailguide.GuideOutcome{Exposed: 200, ExposedHit: 40, Holdout: 200, HoldoutHit: 40},
			Dismissed: 40, DismissedFriction: 25}, []string{"dismissed_then_friction"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := Report(g, &tt.c)
			if !slices.Equal(im.Harm, tt.harm) {
				t.Fatalf("harm: got %v, want %v", im.Harm, tt.harm)
			}
		})
	}
}

func TestInHoldoutDeterministicAndProportional(t *testing.T) {
	n, in := 20000, 0
	for i := 0; i < n; i++ {
		v := "visitor-" + string(rune('a'+i%26)) + itoa(i)
		a := InHoldout("g1", v, 10)
		if a != InHoldout("g1", v, 10) {
			t.Fatal("not deterministic")
		}
		if a {
			in++
		}
	}
	// 10 % ± 4 standard deviations (sd = sqrt(n p (1-p)) ≈ 42).
	if in < 2000-170 || in > 2000+170 {
		t.Fatalf("holdout share: got %d of %d, want ≈ 2000", in, n)
	}
	if InHoldout("g1", "v", 0) {
		t.Fatal("0 % holdout holds out")
	}
	// Guides draw independent buckets: the overlap of two 50 % holdouts is ≈ 25 %.
	both := 0
	for i := 0; i < n; i++ {
		v := itoa(i)
		if InHoldout("g1", v, 50) && InHoldout("g2", v, 50) {
			both++
		}
	}
	if both < 5000-300 || both > 5000+300 {
		t.Fatalf("overlap: got %d, want ≈ 5000", both)
	}
}

func itoa(i int) string {
	return string([]byte{byte('0' + i/10000%10), byte('0' + i/1000%10), byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)})
}
