package guide

import (
	"math"

	"github.com/trailguide/trailguide"
)

// Comparison is one outcome's rate among exposed and holdout visitors, the
// difference (exposed - holdout) with its 95 % confidence interval
// (Wald, unpooled) and a two-sided two-proportion z-test (pooled).
type Comparison struct {
	Exposed     int     `json:"exposed"`
	ExposedHit  int     `json:"exposed_hit"`
	Holdout     int     `json:"holdout"`
	HoldoutHit  int     `json:"holdout_hit"`
	ExposedRate float64 `json:"exposed_rate"`
	HoldoutRate float64 `json:"holdout_rate"`
	Diff        float64 `json:"diff"`
	CILow       float64 `json:"ci_low"`
	CIHigh      float64 `json:"ci_high"`
	Z           float64 `json:"z"`
	P           float64 `json:"p"`
	Significant bool    `json:"significant"` // p < 0.05
	// Enough is false while either arm has fewer than MinArm visitors:
	// the figures are shown but not judged.
	Enough bool `json:"enough"`
}

// MinArm is the smallest arm the report judges.
const MinArm = 20

// Compare computes the comparison of two proportions.
func Compare(o trailguide.GuideOutcome) Comparison {
	c := Comparison{Exposed: o.Exposed, ExposedHit: o.ExposedHit, Holdout: o.Holdout, HoldoutHit: o.HoldoutHit, P: 1}
	if o.Exposed == 0 || o.Holdout == 0 {
		return c
	}
	n1, n0 := float64(o.Exposed), float64(o.Holdout)
	p1, p0 := float64(o.ExposedHit)/n1, float64(o.HoldoutHit)/n0
	c.ExposedRate, c.HoldoutRate, c.Diff = p1, p0, p1-p0
	se := math.Sqrt(p1*(1-p1)/n1 + p0*(1-p0)/n0)
	c.CILow, c.CIHigh = c.Diff-1.959964*se, c.Diff+1.959964*se
	pool := float64(o.ExposedHit+o.HoldoutHit) / (n1 + n0)
	se0 := math.Sqrt(pool * (1 - pool) * (1/n1 + 1/n0))
	if se0 > 0 {
		c.Z = c.Diff / se0
		c.P = math.Erfc(math.Abs(c.Z) / math.Sqrt2)
	}
	c.Significant = c.P < 0.05
	c.Enough = o.Exposed >= MinArm && o.Holdout >= MinArm
	return c
}

// Impact is a guide's impact report.
type Impact struct {
	GuideID   string      `json:"guide_id"`
	Anchor    string      `json:"anchor"`
	Kinds     []string    `json:"friction_kinds"`
	Friction  Comparison  `json:"friction"`
	Goal      *Comparison `json:"goal,omitempty"`
	Shown     int         `json:"shown"`
	Dismissed int         `json:"dismissed"`
	// DismissedFrictionRate is the friction rate of visitors who dismissed
	// the guide (after dismissing).
	DismissedFrictionRate float64 `json:"dismissed_friction_rate"`
	// Harm lists the guardrails that fired: "friction_up" (significantly
	// more friction among exposed), "goal_down" (significantly lower goal
	// rate), "dismissed_then_friction" (dismissers struggle more than the
	// holdout).
	Harm []string `json:"harm"`
}

// Report turns a guide's counts into its impact report.
func Report(g *trailguide.Guide, c *trailguide.GuideImpactCounts) *Impact {
	im := &Impact{GuideID: g.ID, Anchor: g.Anchor(), Kinds: g.FrictionKinds(), Friction: Compare(c.Friction),
		Shown: c.Shown, Dismissed: c.Dismissed, Harm: []string{}}
	if g.Goal != nil {
		gc := Compare(c.Goal)
		im.Goal = &gc
	}
	if im.Friction.Enough && im.Friction.Significant && im.Friction.Diff > 0 {
		im.Harm = append(im.Harm, "friction_up")
	}
	if im.Goal != nil && im.Goal.Enough && im.Goal.Significant && im.Goal.Diff < 0 {
		im.Harm = append(im.Harm, "goal_down")
	}
	if c.Dismissed > 0 {
		im.DismissedFrictionRate = float64(c.DismissedFriction) / float64(c.Dismissed)
		if c.Dismissed >= MinArm && im.Friction.Holdout >= MinArm {
			d := Compare(trailguide.GuideOutcome{Exposed: c.Dismissed, ExposedHit: c.DismissedFriction, Holdout: c.Friction.Holdout, HoldoutHit: c.Friction.HoldoutHit})
			if d.Significant && d.Diff > 0 {
				im.Harm = append(im.Harm, "dismissed_then_friction")
			}
		}
	}
	return im
}
