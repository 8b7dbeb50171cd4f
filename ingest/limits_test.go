package ingest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/sqlite"
)

func (c *fixedClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestSeqGap: a batch whose predecessor in the window is missing is
// acknowledged with a request for a full snapshot; the gap is reported
// between the neighbours' event times until the missing batch arrives.
func TestSeqGap(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	ctx := context.Background()
	bodies := batchgen.Session(5, batchgen.Options{Key: "tg_pk_test", Start: t0, Batches: 5})
	send := func(i int) *trailguide.IngestResult {
		t.Helper()
		res, err := e.svc.Ingest(ctx, &trailguide.IngestRequest{Body: bodies[i].Gzip, ReceivedAt: t0})
		if err != nil {
			t.Fatalf("seq %d: %v", i, err)
		}
		return res
	}
	for _, i := range []int{0, 1} {
		if res := send(i); res.Snapshot || res.Ack != int64(i) {
			t.Fatalf("seq %d: %+v, want a plain ack", i, res)
		}
	}
	if res := send(3); !res.Snapshot || res.Ack != 3 {
		t.Fatalf("seq 3 after a missing 2: %+v, want ack 3 with snapshot", res)
	}
	if res := send(3); res.Snapshot || !res.Duplicate {
		t.Fatalf("seq 3 again: %+v, want a duplicate without snapshot", res)
	}
	if res := send(4); res.Snapshot {
		t.Fatalf("seq 4: %+v, want no snapshot (3 is there)", res)
	}
	gs := sqlite.NewSessionStore(e.db)
	sid, win := bodies[0].Batch.Session, bodies[0].Batch.Window
	ts := func(i int, last bool) int64 {
		evs := bodies[i].Batch.Events
		var v int64
		for _, ev := range evs {
			var h struct{ Timestamp int64 }
			if err := json.Unmarshal(ev, &h); err != nil {
				t.Fatal(err)
			}
			if v == 0 || (last && h.Timestamp > v) || (!last && h.Timestamp < v) {
				v = h.Timestamp
			}
		}
		return v
	}
	gaps, err := gs.Gaps(ctx, "proj1", sid)
	if err != nil {
		t.Fatal(err)
	}
	want := trailguide.SeqGap{WindowID: win, From: 2, To: 2, AfterTS: ts(1, true), BeforeTS: ts(3, false)}
	if len(gaps) != 1 || gaps[0] != want {
		t.Fatalf("gaps = %+v, want [%+v]", gaps, want)
	}
	if res := send(2); res.Snapshot {
		t.Fatalf("seq 2: %+v", res)
	}
	if gaps, _ := gs.Gaps(ctx, "proj1", sid); len(gaps) != 0 {
		t.Fatalf("gaps after the late batch = %+v, want none", gaps)
	}
}

// TestStop: a disabled project, and one that stored its daily batch quota,
// get {"stop": true} instead of an ack and nothing is stored; the quota
// starts again the next UTC day.
func TestStop(t *testing.T) {
	e := mustOpenEnv(t, Config{ProjectCacheTTL: time.Second})
	ctx := context.Background()
	projects := sqlite.NewProjectStore(e.db)
	bodies := batchgen.Session(6, batchgen.Options{Key: "tg_pk_test", Start: t0, Batches: 6})
	send := func(i int) *trailguide.IngestResult {
		t.Helper()
		res, err := e.svc.Ingest(ctx, &trailguide.IngestRequest{Body: bodies[i].Gzip, ReceivedAt: e.clock.Now()})
		if err != nil {
			t.Fatalf("seq %d: %v", i, err)
		}
		return res
	}
	stored := func(i int) bool {
		ok, err := e.ingest.HasBatch(ctx, "proj1", bodies[i].Batch.Session, bodies[i].Batch.Window, int64(i))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if err := projects.SetProjectLimits(ctx, "proj1", trailguide.ProjectLimits{DailyBatchQuota: 2}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if res := send(i); res.Stop {
			t.Fatalf("seq %d within the quota: stop", i)
		}
	}
	if res := send(2); !res.Stop || stored(2) {
		t.Fatalf("seq 2 over the quota: %+v, stored %v; want stop, not stored", res, stored(2))
	}
	if n, _ := projects.BatchesOn(ctx, "proj1", e.clock.Now()); n != 2 {
		t.Errorf("usage today = %d, want 2", n)
	}
	e.clock.add(24 * time.Hour) // a new UTC day
	if res := send(2); res.Stop || !stored(2) {
		t.Fatalf("seq 2 the next day: %+v, want stored", res)
	}

	if err := projects.SetProjectLimits(ctx, "proj1", trailguide.ProjectLimits{Disabled: true}); err != nil {
		t.Fatal(err)
	}
	e.clock.add(2 * time.Second) // past the cache
	if res := send(3); !res.Stop || stored(3) {
		t.Fatalf("disabled project: %+v, stored %v; want stop, not stored", res, stored(3))
	}
	if err := projects.SetProjectLimits(ctx, "proj1", trailguide.ProjectLimits{}); err != nil {
		t.Fatal(err)
	}
	e.clock.add(2 * time.Second)
	if res := send(3); res.Stop || !stored(3) {
		t.Fatalf("re-enabled project: %+v, want stored", res)
	}
	if err := projects.SetProjectLimits(ctx, "nope", trailguide.ProjectLimits{}); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("limits of an unknown project: %v, want ENOTFOUND", err)
	}
	if err := projects.SetProjectLimits(ctx, "proj1", trailguide.ProjectLimits{DailyBatchQuota: -1}); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Errorf("negative quota: %v, want EINVALID", err)
	}
}

// TestAdmitSheds: past MaxConcurrent batches at once, a batch waits BusyWait
// for room and is then refused with EUNAVAILABLE (503 + Retry-After).
func TestAdmitSheds(t *testing.T) {
	e := mustOpenEnv(t, Config{MaxConcurrent: 2, BusyWait: 50 * time.Millisecond})
	ctx := context.Background()
	r1, err := e.svc.admit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := e.svc.admit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	body := sampleBatch(0)
	if _, err := e.svc.Ingest(ctx, request(mustJSON(t, body))); trailguide.ErrorCode(err) != trailguide.EUNAVAILABLE {
		t.Fatalf("third batch at once: %v, want EUNAVAILABLE", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("refused after %v, want after waiting BusyWait", d)
	}
	r1()
	if _, err := e.svc.Ingest(ctx, request(mustJSON(t, body))); err != nil {
		t.Fatalf("with a slot free: %v", err)
	}
	r2()
}
