package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/trailguide/trailguide"
)

// Segments are the saved segments a demo install starts with: who the demo
// journeys are (docs: journeys.json) seen through the segment model.
func Segments() []*trailguide.Segment {
	c := func(field, op, value string) *trailguide.Filter {
		return &trailguide.Filter{Condition: &trailguide.Condition{Field: field, Op: op, Value: value}}
	}
	return []*trailguide.Segment{
		{ID: "seg_demo_google", Name: "From Google", Filter: c(trailguide.FieldUTMSource, trailguide.OpEq, "google")},
		{ID: "seg_demo_admins", Name: "Admins", Filter: &trailguide.Filter{Condition: &trailguide.Condition{
			Field: trailguide.FieldTrait, Key: "role", Op: trailguide.OpEq, Value: "admin"}}},
		{ID: "seg_demo_touch", Name: "Mobile and tablet", Filter: &trailguide.Filter{Condition: &trailguide.Condition{
			Field: trailguide.FieldDevice, Op: trailguide.OpIn, Values: []string{trailguide.DeviceMobile, trailguide.DeviceTablet}}}},
		{ID: "seg_demo_stuck", Name: "Struggled on the sign-up form", Filter: &trailguide.Filter{And: []*trailguide.Filter{
			{Condition: &trailguide.Condition{Field: trailguide.FieldVisited, Value: "/demo/signup.html"}},
			{Not: &trailguide.Filter{Condition: &trailguide.Condition{Field: trailguide.FieldEvent, Value: "signup_completed"}}},
		}}},
	}
}

// Funnels are the saved funnels a demo install starts with.
func Funnels() []*trailguide.Funnel {
	return []*trailguide.Funnel{{
		ID: "fun_demo_signup", Name: "Sign-up",
		Steps: []trailguide.FunnelStep{
			{Kind: trailguide.StepPageview, URL: "/demo/signup.html", Label: "Opened the sign-up form"},
			{Kind: trailguide.StepSubmit, Selector: "#signup-form", Label: "Submitted it"},
			{Kind: trailguide.StepEvent, Name: "signup_completed", Label: "Signed up"},
			{Kind: trailguide.StepPageview, URL: "/demo/onboarding.html", Label: "Reached onboarding"},
		},
		Order: trailguide.OrderSequential, CountBy: trailguide.CountSessions,
	}}
}

// SaveDefinitions stores Segments and Funnels in the project unless it
// already has saved segments or funnels of its own.
func SaveDefinitions(ctx context.Context, projectID string, segs trailguide.SegmentStore, funnels trailguide.FunnelDefStore, now time.Time) error {
	if have, err := segs.Segments(ctx, projectID); err != nil {
		return fmt.Errorf("demo segments: %w", err)
	} else if len(have) == 0 {
		for _, s := range Segments() {
			s.ProjectID, s.CreatedAt, s.UpdatedAt = projectID, now, now
			if err := trailguide.ValidateSegment(s); err != nil {
				return fmt.Errorf("demo segment %s: %w", s.ID, err)
			}
			if err := segs.SaveSegment(ctx, s); err != nil {
				return fmt.Errorf("demo segment %s: %w", s.ID, err)
			}
		}
	}
	if have, err := funnels.Funnels(ctx, projectID); err != nil {
		return fmt.Errorf("demo funnels: %w", err)
	} else if len(have) == 0 {
		for _, f := range Funnels() {
			f.ProjectID, f.CreatedAt, f.UpdatedAt = projectID, now, now
			if err := trailguide.ValidateFunnel(f); err != nil {
				return fmt.Errorf("demo funnel %s: %w", f.ID, err)
			}
			if err := funnels.SaveFunnel(ctx, f); err != nil {
				return fmt.Errorf("demo funnel %s: %w", f.ID, err)
			}
		}
	}
	return nil
}
