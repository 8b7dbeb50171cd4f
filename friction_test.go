package trailguide_test

import (
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

func TestFrictionBuckets(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	const day = 24 * time.Hour
	tests := []struct {
		name  string
		d     time.Duration
		n     int
		width time.Duration
	}{
		{"empty", 0, 0, 0},
		{"negative", -time.Hour, 0, 0},
		{"one hour: 12 × 5 min", time.Hour, 12, 5 * time.Minute},
		{"one day: 12 × 2 h", day, 12, 2 * time.Hour},
		{"just under two days: 12 parts", 2*day - time.Hour, 12, (2*day - time.Hour + 11) / 12},
		{"seven days: daily", 7 * day, 7, day},
		{"seven and a half days: a partial last day", 7*day + 12*time.Hour, 8, day},
		{"62 days: daily", 62 * day, 62, day},
		{"90 days: 12 parts", 90 * day, 12, 90 * day / 12},
		{"odd length rounds the width up", 13, 7, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			starts, width := trailguide.FrictionBuckets(t0, t0.Add(tt.d))
			if len(starts) != tt.n || width != tt.width {
				t.Fatalf("got %d buckets of %v, want %d of %v", len(starts), width, tt.n, tt.width)
			}
			for i, s := range starts {
				if !s.Equal(t0.Add(time.Duration(i) * width)) {
					t.Fatalf("bucket %d starts %v", i, s)
				}
			}
			if tt.n > 0 && !starts[len(starts)-1].Add(width).After(t0.Add(tt.d-1)) {
				t.Fatalf("buckets end before the period does")
			}
		})
	}
}

func TestFrictionBucket(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Duration
		want int
	}{
		{-time.Hour, 0}, // before the period: clamped
		{0, 0},
		{time.Hour - 1, 0},
		{time.Hour, 1},
		{11*time.Hour + 59*time.Minute, 11},
		{48 * time.Hour, 11}, // after: clamped
	}
	for _, tt := range tests {
		if got := trailguide.FrictionBucket(t0, time.Hour, 12, t0.Add(tt.at)); got != tt.want {
			t.Errorf("at %v: bucket %d, want %d", tt.at, got, tt.want)
		}
	}
	if got := trailguide.FrictionBucket(t0, 0, 0, t0); got != 0 {
		t.Errorf("no buckets: %d", got)
	}
}
