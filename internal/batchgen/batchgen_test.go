package batchgen

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/trailguide/trailguide"
)

func TestSessionDeterministicAndSized(t *testing.T) {
	a := Session(1, Options{})
	b := Session(1, Options{})
	c := Session(2, Options{})
	if len(a) != 12 {
		t.Fatalf("got %d batches, want 12", len(a))
	}
	total := 0
	for i := range a {
		if !bytes.Equal(a[i].JSON, b[i].JSON) {
			t.Fatalf("batch %d differs between runs with the same seed", i)
		}
		var back trailguide.Batch
		dec := json.NewDecoder(bytes.NewReader(a[i].JSON))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&back); err != nil {
			t.Fatalf("batch %d does not decode: %v", i, err)
		}
		total += len(a[i].JSON)
		if n := len(a[i].JSON); n < 5_000 || n > 150_000 {
			t.Errorf("batch %d is %d bytes of JSON, want 5-150 KB", i, n)
		}
		t.Logf("batch %d: %d events, %d signals, %d B json, %d B gzip", i, len(a[i].Batch.Events), len(a[i].Batch.Signals), len(a[i].JSON), len(a[i].Gzip))
	}
	if avg := total / len(a); avg < 20_000 || avg > 80_000 {
		t.Errorf("average batch is %d bytes of JSON, want 5 s of activity to be 20-80 KB", avg)
	}
	if a[0].Batch.Session == c[0].Batch.Session {
		t.Errorf("seeds 1 and 2 share session id %s", a[0].Batch.Session)
	}
}
