package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/recording"
)

// TestIngestScrubs sends a batch where the browser's masking missed a few
// things and checks that none of them is stored (index rows, staged chunk)
// and that every catch is counted per kind and page path.
func TestIngestScrubs(t *testing.T) {
	const (
		email = "leaked.person@example.org"
		card  = "4111 1111 1111 1111"
		jwt   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
		token = "s3cr3t-reset-token"
	)
	e := mustOpenEnv(t, Config{})
	ctx := context.Background()
	b := sampleBatch(0)
	b.Context.URL = "https://app.test/orders/123/reset?token=" + token + "&lang=en"
	b.Events = append(b.Events,
		json.RawMessage(`{"type":3,"data":{"source":0,"adds":[{"parentId":1,"nextId":null,"node":{"type":3,"textContent":"Signed in as `+email+`","id":9}}],"removes":[],"texts":[],"attributes":[{"id":4,"attributes":{"href":"/verify/`+jwt+`"}}]},"timestamp":`+itoa(b.SentAt-2000)+`}`),
		json.RawMessage(`{"type":3,"data":{"source":5,"text":"`+card+`","isChecked":false,"id":12},"timestamp":`+itoa(b.SentAt-1500)+`}`),
	)
	b.Signals[3].Name = "Error: fetch failed with Authorization: Bearer abcdef0123456789"
	b.Signals[1].Text = "Pay with " + card
	if _, err := e.svc.Ingest(ctx, request(mustJSON(t, b))); err != nil {
		t.Fatal(err)
	}

	got := e.commits.batches()[0]
	raw, err := recording.Decode(got.Chunk.Data)
	if err != nil {
		t.Fatal(err)
	}
	var stored []byte
	for _, ev := range raw {
		stored = append(stored, ev...)
	}
	for _, ev := range got.Events {
		row, _ := json.Marshal(ev)
		stored = append(stored, row...)
	}
	s, err := e.sessions.Session(ctx, "proj1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	row, _ := json.Marshal(s)
	stored = append(stored, row...)
	for _, secret := range []string{email, card, "4111111111111111", jwt, token, "abcdef0123456789"} {
		if bytes.Contains(stored, []byte(secret)) {
			t.Errorf("%q stored", secret)
		}
	}
	for _, ev := range raw {
		if !json.Valid(ev) {
			t.Errorf("scrubbed event is not JSON: %s", ev)
		}
	}
	kinds, sources, err := e.sessions.ScrubStats(ctx, "proj1", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"email": 1, "card": 2, "bearer": 1, "url": 2}
	gotKinds := map[string]int64{}
	for _, k := range kinds {
		gotKinds[k.Kind] = k.Count
		if !k.LastAt.Equal(t0) {
			t.Errorf("%s last at %v, want %v", k.Kind, k.LastAt, t0)
		}
	}
	for k, n := range want {
		if gotKinds[k] != n {
			t.Errorf("count %s = %d, want %d (all: %v)", k, gotKinds[k], n, gotKinds)
		}
	}
	if len(sources) == 0 || sources[0].Path != "/orders/*/reset" {
		t.Errorf("sources = %+v, want path /orders/*/reset", sources)
	}

	// A clean batch adds nothing.
	clean := sampleBatch(0)
	clean.Seq = 1
	if _, err := e.svc.Ingest(ctx, request(mustJSON(t, clean))); err != nil {
		t.Fatal(err)
	}
	if c := e.commits.batches()[1].Scrubbed; len(c) != 0 {
		t.Errorf("clean batch counted %+v", c)
	}
}

// TestIngestErasedSessionDropped: once a session is erased, its later
// batches are acknowledged with stop and nothing is stored.
func TestIngestErasedSessionDropped(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	ctx := context.Background()
	if _, err := e.svc.Ingest(ctx, request(mustJSON(t, sampleBatch(0)))); err != nil {
		t.Fatal(err)
	}
	d, err := e.sessions.EraseUserSessions(ctx, "job1", "proj1", "u-42")
	if err != nil || d.Sessions != 1 {
		t.Fatalf("erase: %+v, %v", d, err)
	}
	b := sampleBatch(0)
	b.Seq = 1
	res, err := e.svc.Ingest(ctx, request(mustJSON(t, b)))
	if err != nil || !res.Stop || res.Ack != 1 {
		t.Fatalf("late batch: %+v, %v; want ack 1 with stop", res, err)
	}
	if _, err := e.sessions.Session(ctx, "proj1", "session_1"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("erased session came back: %v", err)
	}
}
