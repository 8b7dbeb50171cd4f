package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/sqlite"
)

func TestIngestDecoding(t *testing.T) {
	plain := mustJSON(t, sampleBatch(0))
	withUnknown := append([]byte(`{"future_field":{"x":[1,2]},`), plain[1:]...)
	tests := []struct {
		name     string
		body     []byte
		encoding string
		cfg      Config
		code     string
		reason   string
	}{
		{name: "plain", body: plain},
		{name: "gzip without header", body: gz(t, plain)},
		{name: "gzip with header", body: gz(t, plain), encoding: "gzip"},
		{name: "identity", body: plain, encoding: "identity"},
		{name: "unknown top-level field tolerated", body: withUnknown},
		{name: "unknown encoding", body: plain, encoding: "br", code: trailguide.EUNSUPPORTED},
		{name: "bad gzip", body: append([]byte{0x1f, 0x8b, 8, 0}, "garbage!garbage!"...), code: trailguide.EINVALID, reason: "body"},
		{name: "truncated gzip", body: gz(t, plain)[:200], code: trailguide.EINVALID, reason: "body"},
		{name: "gzip header on plain body", body: plain, encoding: "gzip", code: trailguide.EINVALID, reason: "body"},
		{name: "not json", body: []byte(`{"key":`), code: trailguide.EINVALID, reason: "body"},
		{name: "array body", body: []byte(`[]`), code: trailguide.EINVALID, reason: "body"},
		{name: "seq as string", body: bytes.Replace(plain, []byte(`"seq":0`), []byte(`"seq":"0"`), 1), code: trailguide.EINVALID, reason: "seq"},
		{name: "invalid utf-8", body: bytes.Replace(plain, []byte("Home"), []byte("Ho\xffe"), 1), code: trailguide.EINVALID, reason: "body"},
		{name: "compressed over limit", body: gz(t, plain), cfg: Config{MaxCompressedBytes: 100}, code: trailguide.ETOOLARGE},
		{name: "decompressed over limit", body: gz(t, plain), cfg: Config{MaxDecompressedBytes: 500}, code: trailguide.ETOOLARGE},
		{name: "plain over decompressed limit", body: plain, cfg: Config{MaxDecompressedBytes: 500}, code: trailguide.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustOpenEnv(t, tt.cfg)
			req := request(tt.body)
			req.ContentEncoding = tt.encoding
			res, err := e.svc.Ingest(context.Background(), req)
			if got := trailguide.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if got := trailguide.ErrorReason(err); tt.reason != "" && got != tt.reason {
				t.Errorf("reason = %q, want %q", got, tt.reason)
			}
			if tt.code == "" && (res == nil || res.Ack != 0 || res.Duplicate) {
				t.Errorf("result = %+v, want ack 0, not duplicate", res)
			}
		})
	}
}

// TestIngestGzipBomb sends about 1 MB of gzip that inflates to 1 GiB: it
// must be refused quickly without allocating the inflated size.
func TestIngestGzipBomb(t *testing.T) {
	// Concatenated gzip members are one valid stream: compress 16 MiB of
	// zeros once and repeat the member 64 times.
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 16<<20))
	zw.Close()
	bomb := bytes.Repeat(member.Bytes(), 64)
	t.Logf("bomb: %d bytes of gzip, %d MiB inflated", len(bomb), 64*16)

	e := mustOpenEnv(t, Config{MaxCompressedBytes: int64(len(bomb))})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := e.svc.Ingest(context.Background(), request(bomb))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if got := trailguide.ErrorCode(err); got != trailguide.ETOOLARGE {
		t.Fatalf("code = %q (%v), want %q", got, err, trailguide.ETOOLARGE)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20 {
		t.Errorf("allocated %d MiB for a bomb, want at most 48", alloc>>20)
	}
	// Time is reported, not asserted (a loaded CI machine makes any bound
	// flaky); the allocation bound above is what fails when the limit is not
	// applied while inflating.
	t.Logf("refused in %v", elapsed)
}

func TestIngestValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(b *trailguide.Batch)
		cfg    Config
		origin string
		code   string
		reason string
	}{
		{name: "missing key", mutate: func(b *trailguide.Batch) { b.Key = "" }, code: trailguide.EINVALID, reason: "key"},
		{name: "unknown key", mutate: func(b *trailguide.Batch) { b.Key = "nope" }, code: trailguide.EUNAUTHORIZED},
		{name: "short visitor", mutate: func(b *trailguide.Batch) { b.Visitor = "abc" }, code: trailguide.EINVALID, reason: "visitor"},
		{name: "session bad chars", mutate: func(b *trailguide.Batch) { b.Session = "session/../1" }, code: trailguide.EINVALID, reason: "session"},
		{name: "window too long", mutate: func(b *trailguide.Batch) { b.Window = strings.Repeat("w", 65) }, code: trailguide.EINVALID, reason: "window"},
		{name: "negative seq", mutate: func(b *trailguide.Batch) { b.Seq = -1 }, code: trailguide.EINVALID, reason: "seq"},
		{name: "sent_at zero", mutate: func(b *trailguide.Batch) { b.SentAt = 0 }, code: trailguide.EINVALID, reason: "sent_at"},
		{name: "sent_at in seconds", mutate: func(b *trailguide.Batch) { b.SentAt /= 1000 }, code: trailguide.EINVALID, reason: "sent_at"},
		{name: "event not an object", mutate: func(b *trailguide.Batch) { b.Events[1] = json.RawMessage(`[1,2]`) }, code: trailguide.EINVALID, reason: "events[1]"},
		{name: "event null", mutate: func(b *trailguide.Batch) { b.Events[2] = json.RawMessage(`null`) }, code: trailguide.EINVALID, reason: "events[2]"},
		{name: "event type missing", mutate: func(b *trailguide.Batch) { b.Events[0] = json.RawMessage(`{"timestamp":1}`) }, code: trailguide.EINVALID, reason: "events[0].type"},
		{name: "event type 7", mutate: func(b *trailguide.Batch) { setEvent(b, 3, `{"type":7,"data":{},"timestamp":%d}`) }, code: trailguide.EINVALID, reason: "events[3].type"},
		{name: "event type string", mutate: func(b *trailguide.Batch) { setEvent(b, 3, `{"type":"3","data":{},"timestamp":%d}`) }, code: trailguide.EINVALID, reason: "events[3].type"},
		{name: "event type float", mutate: func(b *trailguide.Batch) { setEvent(b, 3, `{"type":3.5,"data":{},"timestamp":%d}`) }, code: trailguide.EINVALID, reason: "events[3].type"},
		{name: "event timestamp missing", mutate: func(b *trailguide.Batch) { b.Events[4] = json.RawMessage(`{"type":3,"data":{}}`) }, code: trailguide.EINVALID, reason: "events[4].timestamp"},
		{name: "event timestamp too old", mutate: func(b *trailguide.Batch) {
			b.Events[3] = json.RawMessage(`{"type":3,"data":{},"timestamp":` + itoa(b.SentAt-25*3600*1000) + `}`)
		}, code: trailguide.EINVALID, reason: "events[3].timestamp"},
		{name: "event timestamp in future", mutate: func(b *trailguide.Batch) {
			b.Events[3] = json.RawMessage(`{"type":3,"data":{},"timestamp":` + itoa(b.SentAt+2*3600*1000) + `}`)
		}, code: trailguide.EINVALID, reason: "events[3].timestamp"},
		{name: "signal unknown type", mutate: func(b *trailguide.Batch) { b.Signals[2].Type = "hovering" }, code: trailguide.EINVALID, reason: "signals[2].type"},
		{name: "signal ts out of range", mutate: func(b *trailguide.Batch) { b.Signals[1].TS = 5 }, code: trailguide.EINVALID, reason: "signals[1].ts"},
		{name: "too many events", mutate: func(b *trailguide.Batch) {}, cfg: Config{MaxEvents: 2}, code: trailguide.ETOOLARGE, reason: "events"},
		{name: "too many signals", mutate: func(b *trailguide.Batch) {}, cfg: Config{MaxSignals: 2}, code: trailguide.ETOOLARGE, reason: "signals"},
		{name: "origin not allowed", mutate: func(b *trailguide.Batch) {}, origin: "https://evil.test", code: trailguide.EFORBIDDEN, reason: "origin"},
		{name: "secret api key", mutate: func(b *trailguide.Batch) { b.Key = trailguide.SecretKeyPrefix + "abc" }, code: trailguide.EUNAUTHORIZED, reason: "secret_key"},
		{name: "origin allowed", mutate: func(b *trailguide.Batch) {}, origin: "https://app.test"},
		{name: "long strings truncated, not rejected", mutate: func(b *trailguide.Batch) {
			b.Signals[1].URL = "https://app.test/" + strings.Repeat("a", 5000)
			b.Signals[1].Selector = strings.Repeat("div > ", 200)
			b.Signals[1].Text = strings.Repeat("é", 300)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustOpenEnv(t, tt.cfg, "https://app.test")
			b := sampleBatch(0)
			tt.mutate(b)
			req := request(mustJSON(t, b))
			if tt.origin != "" {
				req.Origin = tt.origin
			}
			_, err := e.svc.Ingest(context.Background(), req)
			if got := trailguide.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if got := trailguide.ErrorReason(err); got != tt.reason {
				t.Errorf("reason = %q, want %q", got, tt.reason)
			}
			if tt.code == trailguide.EUNAUTHORIZED && tt.reason == "" && trailguide.ErrorMessage(err) != "Unauthorized." {
				t.Errorf("message = %q, want the bare Unauthorized.", trailguide.ErrorMessage(err))
			}
		})
	}
}

func TestIngestTruncates(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	b := sampleBatch(0)
	b.Signals[1].URL = "https://app.test/" + strings.Repeat("a", 5000)
	b.Signals[1].Selector = strings.Repeat("div > ", 200)
	b.Signals[1].Text = strings.Repeat("é", 300)
	if _, err := e.svc.Ingest(context.Background(), request(mustJSON(t, b))); err != nil {
		t.Fatal(err)
	}
	events, err := e.sessions.Events(context.Background(), "proj1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Type != "click" {
			continue
		}
		if len(ev.URL) != 2048 || len(ev.Selector) > 512 || len(ev.Text) != 200 {
			t.Errorf("got url %d, selector %d, text %d bytes; want 2048, <=512, 200", len(ev.URL), len(ev.Selector), len(ev.Text))
		}
	}
}

func setEvent(b *trailguide.Batch, i int, format string) {
	b.Events[i] = json.RawMessage(strings.Replace(format, "%d", itoa(b.SentAt-100), 1))
}

func itoa(v int64) string { return string(mustJSONNoTB(v)) }

func mustJSONNoTB(v any) []byte { b, _ := json.Marshal(v); return b }

func TestIngestDedupe(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	body := gz(t, mustJSON(t, sampleBatch(0)))
	ctx := context.Background()
	first, err := e.svc.Ingest(ctx, request(body))
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.svc.Ingest(ctx, request(body))
	if err != nil {
		t.Fatal(err)
	}
	if first.Duplicate || !second.Duplicate || first.Ack != 0 || second.Ack != 0 {
		t.Errorf("got %+v then %+v, want ack 0 twice, the second a duplicate", first, second)
	}
	if got := e.commits.batches(); len(got) != 1 {
		t.Errorf("%d commits, want one: the duplicate writes nothing", len(got))
	}
	chunks, _ := e.sessions.Chunks(ctx, "proj1", "session_1")
	events, _ := e.sessions.Events(ctx, "proj1", "session_1")
	s, err := e.sessions.Session(ctx, "proj1", "session_1")
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 1 || len(events) != 5 || s.PageCount != 2 || s.EventCount != 10 {
		t.Errorf("got %d chunks, %d events, %d pages, %d event count; want 1, 5, 2, 10", len(chunks), len(events), s.PageCount, s.EventCount)
	}
}

// TestIngestDroppedReport: the SDK's count of batches it dropped unsent is
// summed on the session, once per batch (a resend adds nothing), and an
// absurd figure is capped.
func TestIngestDroppedReport(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	ctx := context.Background()
	for _, tt := range []struct {
		seq, dropped int64
		want         int64
	}{
		{0, 2, 2},
		{0, 2, 2}, // the same batch again
		{1, 0, 2},
		{2, 1 << 40, 2 + maxDroppedReport},
	} {
		b := sampleBatch(0)
		b.Seq, b.Dropped = tt.seq, tt.dropped
		if _, err := e.svc.Ingest(ctx, request(gz(t, mustJSON(t, b)))); err != nil {
			t.Fatal(err)
		}
		s, err := e.sessions.Session(ctx, "proj1", "session_1")
		if err != nil {
			t.Fatal(err)
		}
		if s.DroppedBatches != tt.want {
			t.Errorf("after seq %d reporting %d: dropped_batches %d, want %d", tt.seq, tt.dropped, s.DroppedBatches, tt.want)
		}
	}
}

func TestIngestDurabilityOrder(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	ctx := context.Background()
	batch := sampleBatch(0)
	if _, err := e.svc.Ingest(ctx, request(mustJSON(t, batch))); err != nil {
		t.Fatal(err)
	}
	// The recording chunk travels inside the committed batch: staged in the
	// index store, durable with the same commit as the rows that point at it.
	got := e.commits.batches()
	if len(got) != 1 || got[0].Chunk == nil || got[0].Chunk.BlobKey != "" || len(got[0].Chunk.Data) == 0 {
		t.Fatalf("committed %+v, want one batch carrying its staged chunk", got)
	}
	events, err := recording.Decode(got[0].Chunk.Data)
	if err != nil || len(events) != len(batch.Events) {
		t.Fatalf("staged chunk decodes to %d events (%v), want %d", len(events), err, len(batch.Events))
	}
	if got[0].Chunk.StoredBytes != int64(len(got[0].Chunk.Data)) {
		t.Errorf("stored bytes %d, want %d", got[0].Chunk.StoredBytes, len(got[0].Chunk.Data))
	}

	// An unavailable store makes the SDK retry, and nothing is acknowledged.
	b := sampleBatch(0)
	b.Seq = 1
	for _, failure := range []error{trailguide.Errorf(trailguide.EUNAVAILABLE, "disk busy"), context.DeadlineExceeded} {
		e.commits.fail(failure)
		res, err := e.svc.Ingest(ctx, request(mustJSON(t, b)))
		if got := trailguide.ErrorCode(err); got != trailguide.EUNAVAILABLE || res != nil {
			t.Fatalf("%v: code = %q, result %+v; want %q and no ack", failure, got, res, trailguide.EUNAVAILABLE)
		}
	}
	e.commits.fail(nil)
	if has, _ := e.ingest.HasBatch(ctx, "proj1", "session_1", "window_1", 1); has {
		t.Error("batch 1 committed although the store failed")
	}
}

func TestIngestSkewCorrection(t *testing.T) {
	tests := []struct {
		name  string
		skew  time.Duration // client clock behind the server by
		shift time.Duration // expected correction
	}{
		{"client an hour behind", time.Hour, time.Hour},
		{"client 10 min ahead", -10 * time.Minute, -10 * time.Minute},
		{"latency-sized skew ignored", 1500 * time.Millisecond, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustOpenEnv(t, Config{})
			ctx := context.Background()
			b := sampleBatch(tt.skew)
			if _, err := e.svc.Ingest(ctx, request(mustJSON(t, b))); err != nil {
				t.Fatal(err)
			}
			events, err := e.sessions.Events(ctx, "proj1", "session_1")
			if err != nil {
				t.Fatal(err)
			}
			for i, ev := range events {
				if want := time.UnixMilli(b.Signals[i].TS).Add(tt.shift); !ev.Time.Equal(want) {
					t.Errorf("event %d at %v, want %v", i, ev.Time, want)
				}
			}
			s, _ := e.sessions.Session(ctx, "proj1", "session_1")
			if want := time.UnixMilli(b.SentAt - 5000).Add(tt.shift); !s.StartedAt.Equal(want) {
				t.Errorf("started at %v, want %v", s.StartedAt, want)
			}
			chunks, _ := e.sessions.Chunks(ctx, "proj1", "session_1")
			if want := b.SentAt - 5000 + tt.shift.Milliseconds(); len(chunks) != 1 || chunks[0].FirstTS != want {
				t.Errorf("chunk first ts = %v, want %d", chunks, want)
			}
			// The recording itself keeps the client's times.
			got, err := recording.Read(ctx, e.sessions, e.blobs, "proj1", "session_1", "window_1")
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if !bytes.Equal(got[i], b.Events[i]) {
					t.Errorf("replayed event %d = %s, want it untouched: %s", i, got[i], b.Events[i])
				}
			}
		})
	}
}

// A session keeps its first batch's skew: a later batch that arrives late
// (its own estimate larger by the delay) is shifted by the same offset as
// the first, so its signals stay on one clock with its rrweb events.
func TestIngestSkewPerSession(t *testing.T) {
	tests := []struct {
		name        string
		first, late time.Duration // estimates of the first and the late batch
		shift       time.Duration // expected correction of both
	}{
		{"no skew, late batch", 0, 6 * time.Second, 0},
		{"an hour behind, late batch", time.Hour, time.Hour + 6*time.Second, time.Hour},
		{"an hour behind, then an early-looking batch", time.Hour, time.Hour - 3*time.Second, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustOpenEnv(t, Config{})
			ctx := context.Background()
			b0 := sampleBatch(tt.first)
			if _, err := e.svc.Ingest(ctx, request(mustJSON(t, b0))); err != nil {
				t.Fatal(err)
			}
			b1 := sampleBatch(tt.late)
			b1.Seq = 1
			if _, err := e.svc.Ingest(ctx, request(mustJSON(t, b1))); err != nil {
				t.Fatal(err)
			}
			if skew, known, err := e.ingest.SessionClock(ctx, "proj1", "session_1"); err != nil || !known || skew != tt.shift.Milliseconds() {
				t.Errorf("SessionClock = %d, %v, %v; want %d", skew, known, err, tt.shift.Milliseconds())
			}
			events, err := e.sessions.Events(ctx, "proj1", "session_1")
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 2*len(b0.Signals) {
				t.Fatalf("%d events, want %d", len(events), 2*len(b0.Signals))
			}
			for _, ev := range events {
				b := b0
				if ev.Seq == 1 {
					b = b1
				}
				if want := time.UnixMilli(b.Signals[ev.Index].TS).Add(tt.shift); !ev.Time.Equal(want) {
					t.Errorf("batch %d event %d at %v, want %v", ev.Seq, ev.Index, ev.Time, want)
				}
			}
			chunks, _ := e.sessions.Chunks(ctx, "proj1", "session_1")
			for _, c := range chunks {
				b := b0
				if c.SeqFrom == 1 {
					b = b1
				}
				if want := b.SentAt - 5000 + tt.shift.Milliseconds(); c.FirstTS != want {
					t.Errorf("chunk %d first ts = %d, want %d", c.SeqFrom, c.FirstTS, want)
				}
			}
		})
	}
}

func TestBuildDelta(t *testing.T) {
	cfg := Config{}.withDefaults()
	b := sampleBatch(0)
	b.Context.UserAgent = ""
	headers, err := validate(&cfg, b, t0.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	ib := build(&cfg, "proj1", b, headers, t0, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148", 0)
	d := ib.Delta
	sent := b.SentAt
	checks := []struct {
		name      string
		got, want any
	}{
		{"first at", d.FirstAt, time.UnixMilli(sent - 5000).UTC()},
		{"last at", d.LastAt, time.UnixMilli(sent - 800).UTC()},
		{"pages", d.Pages, 2},
		{"clicks", d.Clicks, 1},
		{"errors", d.Errors, 1},
		{"events", d.Events, 10},
		{"entry url", d.EntryURL, "https://app.test/"},
		{"exit url", d.ExitURL, "https://app.test/cart"},
		// Activity at -4000 (mouse move), -3000 (mouse click and click
		// signal): gaps of 1000 and 0.
		{"active ms", d.ActiveMS, int64(1000)},
		{"user id", d.UserID, "u-42"},
		{"traits", d.UserTraits["plan"], "pro"},
		{"visitor", d.VisitorID, "visitor_1"},
		{"user agent from the request", d.Context.UserAgent, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"},
		{"raw bytes", d.RawBytes, recording.RawSize(b.Events)},
		{"chunk events", ib.Chunk.EventCount, 5},
		{"signal rows", len(ib.Events), 5},
		{"click data", string(ib.Events[1].Data), `{"ew":80}`},
		{"pageview data", string(ib.Events[0].Data), `{"title":"Home"}`},
		{"no data", ib.Events[2].Data == nil, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestActiveMS(t *testing.T) {
	tests := []struct {
		name  string
		times []int64
		want  int64
	}{
		{"none", nil, 0},
		{"one", []int64{5}, 0},
		{"steady", []int64{0, 1000, 2000, 3000}, 3000},
		{"long pause is idle", []int64{0, 1000, 20000, 21000}, 2000},
		{"gap of exactly 5 s counts", []int64{0, 5000}, 5000},
		{"unsorted", []int64{3000, 0, 1000}, 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := activeMS(tt.times, 5000); got != tt.want {
				t.Errorf("activeMS(%v) = %d, want %d", tt.times, got, tt.want)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	got, err := e.svc.Config(context.Background(), "tg_pk_test", "")
	if err != nil {
		t.Fatal(err)
	}
	def, _ := json.Marshal(friction.Default())
	want := `{"sample_rate":1,"mask":{"mode":"balanced","mask_selectors":[],"block_selectors":[],"unmask_selectors":[]},"friction":` + string(def) + `}`
	if s := string(mustJSON(t, got)); s != want {
		t.Errorf("config = %s, want %s", s, want)
	}
	if _, err := e.svc.Config(context.Background(), "unknown", ""); trailguide.ErrorCode(err) != trailguide.EUNAUTHORIZED {
		t.Errorf("unknown key: %v, want %s", err, trailguide.EUNAUTHORIZED)
	}
}

// TestConfigPrivacy: the SDK gets its project's privacy settings; a stored
// config that no longer validates fails closed (strict).
func TestConfigPrivacy(t *testing.T) {
	e := mustOpenEnv(t, Config{})
	ctx := context.Background()
	projects := sqlite.NewProjectStore(e.db)
	for _, p := range []*trailguide.Project{
		{ID: "proj2", Name: "Custom", PublicKey: "tg_pk_custom", PrivacyConfig: json.RawMessage(`{"mode":"relaxed","mask_selectors":[".pii"],"unmask_selectors":["#plan"]}`)},
		{ID: "proj3", Name: "Stale", PublicKey: "tg_pk_stale", PrivacyConfig: json.RawMessage(`{"mode":"relaxed","mask_selectors":["p::before"]}`)},
	} {
		if err := projects.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for key, want := range map[string]string{
		"tg_pk_custom": `{"mode":"relaxed","mask_selectors":[".pii"],"block_selectors":[],"unmask_selectors":["#plan"]}`,
		"tg_pk_stale":  `{"mode":"strict","mask_selectors":[],"block_selectors":[],"unmask_selectors":[]}`,
		"tg_pk_test":   `{"mode":"balanced","mask_selectors":[],"block_selectors":[],"unmask_selectors":[]}`,
	} {
		got, err := e.svc.Config(ctx, key, "")
		if err != nil {
			t.Fatal(err)
		}
		if s := string(mustJSON(t, got.Mask)); s != want {
			t.Errorf("mask of %s = %s, want %s", key, s, want)
		}
	}
}

// TestConfigFriction: the SDK gets its project's effective friction config
// (the settings over the defaults), through the project cache.
func TestConfigFriction(t *testing.T) {
	e := mustOpenEnv(t, Config{ProjectCacheTTL: 10 * time.Second})
	ctx := context.Background()
	projects := sqlite.NewProjectStore(e.db)
	frictionOf := func(key string) friction.Config {
		t.Helper()
		got, err := e.svc.Config(ctx, key, "")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := friction.ParseConfig(got.Friction)
		if err != nil {
			t.Fatalf("delivered friction config %s: %v", got.Friction, err)
		}
		return cfg
	}
	withRage := func(n int) friction.Config { c := friction.Default(); c.RageClicks = n; return c }

	if err := projects.CreateProject(ctx, &trailguide.Project{ID: "proj2", Name: "Custom", PublicKey: "tg_pk_custom",
		FrictionConfig: json.RawMessage(`{"rage_clicks":5}`)}); err != nil {
		t.Fatal(err)
	}
	if got := frictionOf("tg_pk_custom"); !reflect.DeepEqual(got, withRage(5)) {
		t.Errorf("friction of a project with settings = %+v, want rage_clicks 5 over the defaults", got)
	}
	if got := frictionOf("tg_pk_test"); !reflect.DeepEqual(got, friction.Default()) {
		t.Errorf("friction of a project without settings = %+v, want the defaults", got)
	}

	// A change is served once the cached project expires.
	if err := projects.SetFrictionConfig(ctx, "proj2", json.RawMessage(`{"rage_clicks":7}`)); err != nil {
		t.Fatal(err)
	}
	if got := frictionOf("tg_pk_custom"); got.RageClicks != 5 {
		t.Errorf("rage_clicks within the cache TTL = %d, want the cached 5", got.RageClicks)
	}
	e.clock.mu.Lock()
	e.clock.t = e.clock.t.Add(11 * time.Second)
	e.clock.mu.Unlock()
	if got := frictionOf("tg_pk_custom"); !reflect.DeepEqual(got, withRage(7)) {
		t.Errorf("friction after the cache TTL = %+v, want rage_clicks 7", got)
	}

	// A stored config that no longer validates is ignored: the defaults.
	if err := projects.CreateProject(ctx, &trailguide.Project{ID: "proj3", Name: "Stale", PublicKey: "tg_pk_stale",
		FrictionConfig: json.RawMessage(`{"rage_clicks":1,"retired_threshold":3}`)}); err != nil {
		t.Fatal(err)
	}
	if got := frictionOf("tg_pk_stale"); !reflect.DeepEqual(got, friction.Default()) {
		t.Errorf("friction of a project with an invalid stored config = %+v, want the defaults", got)
	}
}

// TestWireExamples proves that the SDK's example bodies decode into the Go
// types with no field left over, and that valid ones pass validation.
func TestWireExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "wire", "*.json"))
	if len(files) == 0 {
		t.Skip("no examples in testdata/wire yet")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var b trailguide.Batch
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&b); err != nil {
				t.Fatalf("strict decode: %v", err)
			}
			if strings.Contains(filepath.Base(f), "invalid") {
				return
			}
			cfg := Config{}.withDefaults()
			got, _, err := decodeBody(&cfg, &trailguide.IngestRequest{Body: data})
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if _, err := validate(&cfg, got, got.SentAt); err != nil {
				t.Errorf("validate: %v (reason %s)", err, trailguide.ErrorReason(err))
			}
		})
	}
}
