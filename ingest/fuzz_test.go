package ingest

import (
	"bytes"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/recording"
)

// FuzzDecodeBatch feeds arbitrary bodies through decoding, validation and
// index building: nothing may panic, every error must carry a code, and an
// accepted batch's events must survive the chunk codec byte for byte.
func FuzzDecodeBatch(f *testing.F) {
	bodies := batchgen.Session(3, batchgen.Options{Batches: 2, Nodes: 60})
	f.Add(bodies[1].JSON)
	f.Add(bodies[1].Gzip)
	f.Fuzz(func(t *testing.T, body []byte) {
		cfg := Config{}.withDefaults()
		b, _, err := decodeBody(&cfg, &trailguide.IngestRequest{Body: body})
		if err != nil {
			if trailguide.ErrorCode(err) == trailguide.EINTERNAL {
				t.Fatalf("decode error without a code: %v", err)
			}
			return
		}
		headers, err := validate(&cfg, b, b.SentAt)
		if err != nil {
			if trailguide.ErrorCode(err) == trailguide.EINTERNAL {
				t.Fatalf("validation error without a code: %v", err)
			}
			return
		}
		build(&cfg, "p", b, headers, t0, "", estimateSkew(&cfg, b.SentAt, t0))
		if len(b.Events) == 0 {
			return
		}
		data, err := recording.Encode(b.Events, recording.LevelFast)
		if err != nil {
			t.Fatal(err)
		}
		back, err := recording.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		for i := range back {
			if !bytes.Equal(bytes.TrimSpace(back[i]), bytes.TrimSpace(b.Events[i])) {
				t.Fatalf("event %d changed in the codec: %s -> %s", i, b.Events[i], back[i])
			}
		}
	})
}
