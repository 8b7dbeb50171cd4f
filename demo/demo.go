// Package demo gives a fresh Trailguide install something to look at: real
// sessions of the Pathway demo app (web/demo), recorded in headless Chromium
// with the real SDK by demo/record and embedded from demo/fixtures. Seed
// ingests a copy of each through the normal IngestService, with times moved
// into the last fourteen days and fresh ids, so the dashboard, friction
// detectors and reports see them exactly as if visitors had just come by.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/trailguide/trailguide"
)

// PublicKey is the ingest key of the demo project; the demo app's snippet
// carries it (web/demo/src/*.html).
const PublicKey = "pk_demo_trailguide"

// seedSalt makes the ids of seeded copies differ from the recorded ones
// while staying the same from one Seed to the next. Change it to seed an
// independent second copy of the fixtures.
const seedSalt = "trailguide-demo-seed-v1"

const (
	// spreadOver is the window that the seeded sessions cover, ending at now.
	spreadOver = 14 * 24 * time.Hour
	// newestGap is how long before now the newest session ends.
	newestGap = 4 * time.Minute
	// oldestMargin keeps the oldest session well inside spreadOver.
	oldestMargin = 2 * time.Hour
)

// Seed ingests a copy of every recorded demo session into svc, under the
// project whose key is publicKey (it must exist), and returns how many
// sessions it ingested.
//
// Each copy is the recorded batch bodies with three changes: the key is
// publicKey; session, visitor and window ids are replaced by ids derived
// from the originals (so seeding twice gives the same ids, and ingest
// deduplicates a second run); and every time (batch sent_at, each rrweb
// event's timestamp, each signal's ts) moves by one offset per session so
// that the sessions spread over the fourteen days before now, the newest one
// ending a few minutes before now. The spread depends only on the fixtures
// and now. Batches go to svc in order (sessions oldest first, each window's
// batches in seq order) with ReceivedAt equal to the shifted sent_at, so
// ingest sees no clock skew.
func Seed(ctx context.Context, svc trailguide.IngestService, publicKey string, now time.Time) (int, error) {
	recs, err := loadFixtures(fixtures, "fixtures")
	if err != nil {
		return 0, fmt.Errorf("load demo fixtures: %w", err)
	}
	return seedRecordings(ctx, svc, recs, publicKey, now)
}

// seedPlan is one recorded session's place in the seeded week.
type seedPlan struct {
	rec   *recording
	shift int64             // ms added to every time
	ids   map[string]string // recorded id -> seeded id
	end   int64             // ms, the session's last time after the shift
}

// batchTimes is what planning reads from a batch body.
type batchTimes struct {
	Visitor string                        `json:"visitor"`
	Session string                        `json:"session"`
	Window  string                        `json:"window"`
	SentAt  int64                         `json:"sent_at"`
	Context *trailguide.Context           `json:"context"`
	Events  []struct{ Timestamp float64 } `json:"events"`
	Signals []struct {
		TS int64 `json:"ts"`
	} `json:"signals"`
}

// plan places the recordings in the week before now. The order of the
// sessions over the week is a hash of their recorded ids (so the journeys
// are mixed rather than in recording order), the gaps between them are
// even, with a hashed jitter of up to half a gap (at most an hour).
func plan(recs []*recording, now time.Time) ([]*seedPlan, error) {
	plans := make([]*seedPlan, 0, len(recs))
	for _, r := range recs {
		p := &seedPlan{rec: r, ids: make(map[string]string)}
		var last int64
		for i, raw := range r.Batches {
			var b batchTimes
			if err := json.Unmarshal(raw, &b); err != nil {
				return nil, fmt.Errorf("session %s batch %d: %w", r.ID, i, err)
			}
			last = max(last, b.SentAt)
			for _, e := range b.Events {
				last = max(last, int64(e.Timestamp))
			}
			for _, s := range b.Signals {
				last = max(last, s.TS)
			}
			for kind, id := range map[string]string{"session": b.Session, "visitor": b.Visitor, "window": b.Window} {
				if id != "" {
					p.ids[id] = deriveID(seedSalt, kind, id)
				}
			}
		}
		if last <= 0 {
			return nil, fmt.Errorf("session %s has no times", r.ID)
		}
		p.end = last
		plans = append(plans, p)
	}
	sort.SliceStable(plans, func(i, j int) bool {
		return orderKey(plans[i].rec.ID) < orderKey(plans[j].rec.ID)
	})

	n := len(plans)
	step := (spreadOver - newestGap - oldestMargin) / time.Duration(max(n-1, 1))
	maxJitter := min(step/2, time.Hour)
	newest := now.Add(-newestGap)
	for i, p := range plans { // i == 0 is the newest
		end := newest.Add(-time.Duration(i) * step)
		if i > 0 {
			end = end.Add(-time.Duration(float64(maxJitter) * fraction(p.rec.ID)))
		}
		p.shift = end.UnixMilli() - p.end
		p.end = end.UnixMilli()
	}
	// Oldest first: the order in which real traffic would have arrived.
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].end < plans[j].end })
	return plans, nil
}

func orderKey(id string) string { return deriveID(seedSalt, "order", id) }

// fraction maps id to a number in [0, 1).
func fraction(id string) float64 {
	sum := sha256.Sum256([]byte(seedSalt + "\x00jitter\x00" + id))
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / float64(uint64(1)<<53)
}

func seedRecordings(ctx context.Context, svc trailguide.IngestService, recs []*recording, publicKey string, now time.Time) (int, error) {
	plans, err := plan(recs, now)
	if err != nil {
		return 0, err
	}
	for n, p := range plans {
		if err := seedOne(ctx, svc, p, publicKey); err != nil {
			return n, err
		}
	}
	return len(plans), nil
}

func seedOne(ctx context.Context, svc trailguide.IngestService, p *seedPlan, publicKey string) error {
	rw := newRewrite(publicKey, p.shift, p.ids)
	var origin, userAgent string
	for i, raw := range p.rec.Batches {
		body, err := rw.apply(raw)
		if err != nil {
			return fmt.Errorf("rewrite session %s batch %d: %w", p.rec.ID, i, err)
		}
		var b batchTimes
		if err := json.Unmarshal(body, &b); err != nil {
			return fmt.Errorf("session %s batch %d: %w", p.rec.ID, i, err)
		}
		if b.Context != nil {
			userAgent = b.Context.UserAgent
			if u, err := url.Parse(b.Context.URL); err == nil && u.Host != "" {
				origin = u.Scheme + "://" + u.Host
			}
		}
		res, err := svc.Ingest(ctx, &trailguide.IngestRequest{
			Body:       body,
			Origin:     origin,
			UserAgent:  userAgent,
			ReceivedAt: time.UnixMilli(b.SentAt).UTC(),
		})
		if err != nil {
			return fmt.Errorf("ingest session %s batch %d: %w", p.rec.ID, i, err)
		}
		if res.Stop {
			return trailguide.Errorf(trailguide.EUNAVAILABLE, "Ingest asked the demo seeder to stop.")
		}
	}
	return nil
}
