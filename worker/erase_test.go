package worker

import (
	"context"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// TestEraseSessionAndVisitor: one session, then every session of one
// visitor id, each with its index rows and its compacted blobs; the others
// stay.
func TestEraseSessionAndVisitor(t *testing.T) {
	e := mustOpenEnv(t)
	ctx := context.Background()
	eraser := NewEraser(e.sessions, e.blobs, e.clock, nil)
	for _, sid := range []string{"session_a", "session_b", "session_c"} {
		e.sendBatch(t, sid, 0, "u-1", css(sid))
	}
	e.clock.Add(time.Hour)
	if n, err := e.worker.RunOnce(ctx); err != nil || n != 3 {
		t.Fatalf("compact: %d, %v", n, err)
	}

	tests := []struct {
		kind, target string
		gone, kept   []string
	}{
		{trailguide.JobEraseSession, "session_a", []string{"session_a"}, []string{"session_b", "session_c"}},
		{trailguide.JobEraseVisitor, "visitor_session_b", []string{"session_b"}, []string{"session_c"}},
	}
	for _, tt := range tests {
		j, err := eraser.QueueKind(ctx, tt.kind, "proj1", tt.target)
		if err != nil {
			t.Fatalf("queue %s: %v", tt.kind, err)
		}
		done, err := eraser.Run(ctx, j.ID)
		if err != nil || done.Status != trailguide.JobDone || done.Sessions != len(tt.gone) || done.Blobs < 1 {
			t.Fatalf("%s %s: %+v, %v; want done with %d session and its blobs", tt.kind, tt.target, done, err, len(tt.gone))
		}
		stored, err := eraser.Job(ctx, j.ID)
		if err != nil || stored.Kind != tt.kind || stored.SessionID+stored.VisitorID != tt.target {
			t.Errorf("stored job %+v, %v", stored, err)
		}
		for _, sid := range tt.gone {
			if _, err := e.sessions.Session(ctx, "proj1", sid); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
				t.Errorf("%s still there: %v", sid, err)
			}
			if keys := e.blobKeys(t, "proj1/"+sid+"/"); len(keys) != 0 {
				t.Errorf("%s blobs left: %v", sid, keys)
			}
		}
		for _, sid := range tt.kept {
			if _, err := e.sessions.Session(ctx, "proj1", sid); err != nil {
				t.Errorf("%s erased with %s %s: %v", sid, tt.kind, tt.target, err)
			}
			if keys := e.blobKeys(t, "proj1/"+sid+"/"); len(keys) == 0 {
				t.Errorf("%s lost its blobs", sid)
			}
		}
	}
	// A batch for the erased session is refused.
	if res := e.sendBatch(t, "session_a", 1, ""); !res.Stop {
		t.Errorf("late batch of an erased session: %+v, want stop", res)
	}
	for _, bad := range []struct{ kind, target string }{
		{trailguide.JobEraseSession, ""}, {trailguide.JobEraseSession, "short"}, {trailguide.JobEraseVisitor, "has space in it"},
		{"erase_everything", "session_c"},
	} {
		if _, err := eraser.QueueKind(ctx, bad.kind, "proj1", bad.target); trailguide.ErrorCode(err) != trailguide.EINVALID {
			t.Errorf("QueueKind(%q, %q): %v, want EINVALID", bad.kind, bad.target, err)
		}
	}
}
