package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/recording"
)

// sendSession ingests one batch of a session at the clock's time: a full
// snapshot with the given stylesheets (each becomes a shared asset at
// compaction) and, when user is set, an identify signal.
func (e *env) sendBatch(t *testing.T, session string, seq int64, user string, css ...string) *trailguide.IngestResult {
	t.Helper()
	now := e.clock.Now()
	ts := now.UnixMilli() - 100
	var styles []string
	for i, c := range css {
		styles = append(styles, fmt.Sprintf(`{"type":2,"tagName":"style","attributes":{"_cssText":%q},"childNodes":[],"id":%d}`, c, 10+i))
	}
	events := []json.RawMessage{
		json.RawMessage(fmt.Sprintf(`{"type":4,"data":{"href":"https://app.test/","width":800,"height":600},"timestamp":%d}`, ts)),
		json.RawMessage(fmt.Sprintf(`{"type":2,"data":{"node":{"type":0,"childNodes":[%s],"id":1},"initialOffset":{"left":0,"top":0}},"timestamp":%d}`, strings.Join(styles, ","), ts)),
	}
	b := trailguide.Batch{Key: "tg_pk_batchgen", Visitor: "visitor_" + session, Session: session, Window: "window_1",
		Seq: seq, SentAt: now.UnixMilli(), SDK: "test", Events: events,
		Signals: []trailguide.Signal{{Type: "pageview", TS: ts, URL: "https://app.test/"}}}
	if user != "" {
		b.Signals = append(b.Signals, trailguide.Signal{Type: "identify", TS: ts, URL: "https://app.test/", UserID: user})
	}
	body, _ := json.Marshal(b)
	res, err := e.ingest.Ingest(context.Background(), &trailguide.IngestRequest{Body: body, ReceivedAt: now})
	if err != nil {
		t.Fatalf("ingest %s/%d: %v", session, seq, err)
	}
	return res
}

func css(seed string) string { return strings.Repeat(".c-"+seed+"{color:red}", 120) }

func (e *env) blobKeys(t *testing.T, prefix string) []string {
	t.Helper()
	keys, err := e.blobs.List(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestRetention(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	day := 24 * time.Hour

	e.sendBatch(t, "session_old", 0, "", css("shared"), css("old-only"))
	e.clock.Add(25 * day)
	e.sendBatch(t, "session_new", 0, "", css("shared"))
	e.clock.Add(time.Hour)
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 2 {
		t.Fatalf("compact: %d, %v", n, err)
	}
	if got := len(e.blobKeys(t, "proj1/assets/")); got != 2 {
		t.Fatalf("assets before retention = %d, want 2", got)
	}
	// An orphan left by a crash between an index delete and a blob delete.
	if err := e.blobs.Put(ctx, "proj1/session_gone/window_1/c-000000000000-000000000000.zst", []byte("x")); err != nil {
		t.Fatal(err)
	}

	// Day 26: nothing is 30 days old yet; only the orphan goes.
	st, err := e.worker.Retain(ctx)
	if err != nil || st.Sessions != 0 || st.Blobs != 1 || st.Assets != 0 {
		t.Fatalf("day 26: %+v, %v; want only the orphan blob", st, err)
	}

	// Day 31: the old session is past the default 30 days.
	e.clock.Add(5 * day)
	st, err = e.worker.Retain(ctx)
	if err != nil || st.Sessions != 1 || st.Blobs != 1 || st.Assets != 1 {
		t.Fatalf("day 31: %+v, %v; want 1 session, its blob and its own asset", st, err)
	}
	if _, err := e.sessions.Session(ctx, "proj1", "session_old"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("old session still there: %v", err)
	}
	if keys := e.blobKeys(t, "proj1/session_old/"); len(keys) != 0 {
		t.Errorf("old session's blobs left: %v", keys)
	}
	if ev, _ := e.sessions.Events(ctx, "proj1", "session_old"); len(ev) != 0 {
		t.Errorf("old session's events left: %d", len(ev))
	}
	// The new session still replays: its asset was kept.
	chunks, err := e.sessions.Chunks(ctx, "proj1", "session_new")
	if err != nil || len(chunks) != 1 {
		t.Fatalf("new session chunks: %v, %v", chunks, err)
	}
	events, err := recording.ReadChunks(ctx, e.sessions, e.blobs, chunks)
	if err != nil || !strings.Contains(string(events[1]), ".c-shared{") {
		t.Fatalf("new session does not read back with its stylesheet: %v", err)
	}

	// A project's own retention: 60 days keeps the new session at day 56.
	if err := e.projects.SetRetentionDays(ctx, "proj1", 60); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(30 * day)
	if st, err := e.worker.Retain(ctx); err != nil || st.Sessions != 0 {
		t.Fatalf("day 61 at 60 days: %+v, %v", st, err)
	}
	e.clock.Add(30 * day)
	if st, err := e.worker.Retain(ctx); err != nil || st.Sessions != 1 || st.Assets != 1 {
		t.Fatalf("day 91 at 60 days: %+v, %v", st, err)
	}
	if keys := e.blobKeys(t, "proj1/"); len(keys) != 0 {
		t.Errorf("blobs left after every session expired: %v", keys)
	}
	if err := e.projects.SetRetentionDays(ctx, "proj1", -1); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Errorf("negative retention: %v", err)
	}
}

// TestRetentionLegacyChunks: chunks compacted before asset references were
// recorded (assets NULL) are read once, so their assets are kept.
func TestRetentionLegacyChunks(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	e.sendBatch(t, "session_a", 0, "", css("legacy"))
	e.clock.Add(time.Hour)
	if _, err := e.worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	chunks, _ := e.sessions.Chunks(ctx, "proj1", "session_a")
	if err := e.sessions.SetChunkAssets(ctx, chunks[0], nil); err != nil {
		t.Fatal(err)
	}
	if st, err := e.worker.Retain(ctx); err != nil || st.Assets != 0 {
		t.Fatalf("retain: %+v, %v; want the legacy chunk's asset kept", st, err)
	}
	ids, unknown, err := e.sessions.ChunkAssets(ctx, "proj1")
	if err != nil || len(unknown) != 0 || len(ids) != 1 {
		t.Fatalf("after retain: ids %v, unknown %d, %v; want the reference recorded", ids, len(unknown), err)
	}
}

func TestErasure(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	eraser := NewEraser(e.sessions, e.blobs, e.clock, nil)

	// u-1 has a closed, compacted session and one still recording; u-2 one.
	e.sendBatch(t, "session_u1_old", 0, "u-1", css("a"))
	e.sendBatch(t, "session_u2", 0, "u-2", css("a"))
	e.clock.Add(time.Hour)
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 2 {
		t.Fatalf("compact: %d, %v", n, err)
	}
	e.sendBatch(t, "session_u1_live", 0, "u-1")
	e.clock.Add(time.Second)
	e.sendBatch(t, "session_u1_live", 1, "")

	j, err := eraser.Queue(ctx, "proj1", "u-1")
	if err != nil || j.Status != trailguide.JobQueued {
		t.Fatalf("queue: %+v, %v", j, err)
	}
	done, err := eraser.Run(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != trailguide.JobDone || done.Sessions != 2 || done.Chunks != 3 || done.Blobs != 1 || done.Events != 6 {
		t.Errorf("job = %+v; want done, 2 sessions, 3 chunks, 1 blob, 6 events (5 signals and the closed session's exit detection)", done)
	}
	got, err := eraser.Job(ctx, j.ID)
	if err != nil || got.Status != trailguide.JobDone || !got.FinishedAt.Equal(e.clock.Now().Truncate(time.Millisecond)) {
		t.Errorf("stored job = %+v, %v", got, err)
	}
	for _, sid := range []string{"session_u1_old", "session_u1_live"} {
		if _, err := e.sessions.Session(ctx, "proj1", sid); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
			t.Errorf("%s still there: %v", sid, err)
		}
		if keys := e.blobKeys(t, "proj1/"+sid+"/"); len(keys) != 0 {
			t.Errorf("%s blobs left: %v", sid, keys)
		}
	}
	if _, err := e.sessions.Session(ctx, "proj1", "session_u2"); err != nil {
		t.Errorf("other user's session erased: %v", err)
	}

	// The live session keeps sending: dropped, the SDK told to stop.
	e.clock.Add(time.Second)
	if res := e.sendBatch(t, "session_u1_live", 2, ""); !res.Stop {
		t.Errorf("late batch result %+v, want stop", res)
	}
	if _, err := e.sessions.Session(ctx, "proj1", "session_u1_live"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("late batch recreated the erased session: %v", err)
	}
	// Running the job again is harmless; an unknown job is ENOTFOUND.
	if again, err := eraser.Run(ctx, j.ID); err != nil || again.Sessions != 2 {
		t.Errorf("re-run: %+v, %v", again, err)
	}
	if _, err := eraser.Job(ctx, "nope"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("unknown job: %v", err)
	}
	if _, err := eraser.Queue(ctx, "proj1", ""); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Errorf("empty user: %v", err)
	}
}

// TestErasureAsync: EraseUser returns the queued job at once and runs it;
// a job left running by a dead process is picked up by RunPending once
// stale.
func TestErasureAsync(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	eraser := NewEraser(e.sessions, e.blobs, e.clock, nil)
	finished := make(chan *trailguide.Job, 1)
	eraser.done = func(j *trailguide.Job) { finished <- j }
	e.sendBatch(t, "session_u1", 0, "u-1")
	j, err := eraser.EraseUser(ctx, "proj1", "u-1")
	if err != nil || j.Status != trailguide.JobQueued {
		t.Fatalf("erase user: %+v, %v", j, err)
	}
	select {
	case done := <-finished:
		if done.Status != trailguide.JobDone || done.Sessions != 1 {
			t.Errorf("job = %+v", done)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("job did not finish")
	}

	stale, err := eraser.Queue(ctx, "proj1", "u-2")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.sessions.ClaimJob(ctx, stale.ID, e.clock.Now(), e.clock.Now().Add(-staleJobAfter)); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if n, _ := eraser.RunPending(ctx); n != 0 {
		t.Errorf("ran a job another runner holds: %d", n)
	}
	e.clock.Add(staleJobAfter + time.Second)
	if n, _ := eraser.RunPending(ctx); n != 1 {
		t.Errorf("stale job not run: %d", n)
	}
}

// TestRunEnforcesRetentionAndJobs: Run's loop runs pending erasure jobs and
// a retention pass, not only the idle-session pass.
func TestRunEnforcesRetentionAndJobs(t *testing.T) {
	e := mustOpenEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.sendBatch(t, "session_expired", 0, "")
	e.sendBatch(t, "session_erase", 0, "u-9")
	eraser := NewEraser(e.sessions, e.blobs, e.clock, nil)
	j, err := eraser.Queue(ctx, "proj1", "u-9")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(31 * 24 * time.Hour)
	w := New(Config{Clock: e.clock, Projects: e.projects, Eraser: eraser, Interval: time.Hour}, e.sessions, e.blobs, nil)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, _ := eraser.Job(ctx, j.ID)
		_, err := e.sessions.Session(ctx, "proj1", "session_expired")
		if got.Status == trailguide.JobDone && trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: job %s, expired session %v", got.Status, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
