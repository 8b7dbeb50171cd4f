package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/trailguide/trailguide"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testNow is a fixed "now" for seeding.
var testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func mustReadSmall(tb testing.TB) []*recording {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "small.ndjson"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := parseSessions(f)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

func decodeAny(tb testing.TB, b []byte) any {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("decode %.80s: %v", b, err)
	}
	return v
}

// diffPaths returns the paths at which a and b differ, with both values.
func diffPaths(path string, a, b any, out map[string][2]any) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			out[path] = [2]any{a, b}
			return
		}
		for k := range av {
			diffPaths(path+"."+k, av[k], bv[k], out)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				out[path+"."+k] = [2]any{nil, bv[k]}
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			out[path] = [2]any{a, b}
			return
		}
		for i := range av {
			diffPaths(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i], out)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			out[path] = [2]any{a, b}
		}
	}
}

// timePaths lists the paths of every time that Seed must move.
func timePaths(tb testing.TB, body []byte) []string {
	tb.Helper()
	var b struct {
		Events  []json.RawMessage `json:"events"`
		Signals []json.RawMessage `json:"signals"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		tb.Fatal(err)
	}
	paths := []string{".sent_at"}
	for i := range b.Events {
		paths = append(paths, fmt.Sprintf(".events[%d].timestamp", i))
	}
	for i := range b.Signals {
		paths = append(paths, fmt.Sprintf(".signals[%d].ts", i))
	}
	return paths
}

func asFloat(tb testing.TB, v any) float64 {
	tb.Helper()
	n, ok := v.(json.Number)
	if !ok {
		tb.Fatalf("%v is not a number", v)
	}
	f, err := n.Float64()
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func TestRewriteTouchesEveryTimeAndNothingElse(t *testing.T) {
	recs := mustReadSmall(t)
	scenarios := []struct {
		name  string
		shift int64
		key   string
	}{
		{"forward", 123_456_789, PublicKey},
		{"backward", -86_400_000 * 40, PublicKey},
		{"zero", 0, PublicKey},
		{"new key", 5_000, "pk_other"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			rw := newRewrite(sc.key, sc.shift, nil)
			for _, rec := range recs {
				for i, raw := range rec.Batches {
					got, err := rw.apply(raw)
					if err != nil {
						t.Fatalf("batch %d: %v", i, err)
					}
					diffs := make(map[string][2]any)
					diffPaths("", decodeAny(t, raw), decodeAny(t, got), diffs)
					for _, p := range timePaths(t, raw) {
						d, ok := diffs[p]
						if !ok {
							if sc.shift != 0 {
								t.Errorf("batch %d: %s not shifted", i, p)
							}
							continue
						}
						delete(diffs, p)
						if delta := asFloat(t, d[1]) - asFloat(t, d[0]); delta != float64(sc.shift) {
							t.Errorf("batch %d: %s moved by %v, want %d", i, p, delta, sc.shift)
						}
					}
					if d, ok := diffs[".key"]; ok {
						delete(diffs, ".key")
						if d[1] != sc.key {
							t.Errorf("batch %d: key = %v, want %q", i, d[1], sc.key)
						}
					} else if sc.key != PublicKey {
						t.Errorf("batch %d: key not replaced", i)
					}
					for p, d := range diffs {
						t.Errorf("batch %d: %s changed from %v to %v; only times and the key may change", i, p, d[0], d[1])
					}
				}
			}
		})
	}
}

// TestRewriteGolden pins the exact bytes of a rewritten batch: key order,
// untouched values (HTML characters, non-ASCII text, numbers as written).
func TestRewriteGolden(t *testing.T) {
	recs := mustReadSmall(t)
	ids := map[string]string{}
	for _, rec := range recs {
		var h batchTimes
		for _, raw := range rec.Batches {
			if err := json.Unmarshal(raw, &h); err != nil {
				t.Fatal(err)
			}
			ids[h.Session] = deriveID(seedSalt, "session", h.Session)
			ids[h.Visitor] = deriveID(seedSalt, "visitor", h.Visitor)
			ids[h.Window] = deriveID(seedSalt, "window", h.Window)
		}
	}
	rw := newRewrite("pk_golden", 1_000_000, ids)
	var got bytes.Buffer
	for _, rec := range recs {
		for _, raw := range rec.Batches {
			b, err := rw.apply(raw)
			if err != nil {
				t.Fatal(err)
			}
			got.Write(b)
			got.WriteByte('\n')
		}
	}
	golden := filepath.Join("testdata", "small.rewritten.golden")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./demo -run TestRewriteGolden -update)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("rewritten batches differ from %s (run with -update if the change is intended)\ngot:\n%s", golden, got.Bytes())
	}
}

func TestDeriveID(t *testing.T) {
	hexID := regexp.MustCompile(`^[0-9a-f]+$`)
	tests := []struct {
		name       string
		seed, kind string
		orig       string
		wantLen    int
	}{
		{"sdk id", seedSalt, "session", "0f3a9c2e5b7d41e8a6c4b2d0e9f1a3c5", 32},
		{"short id is padded to the minimum", seedSalt, "window", "abc", 8},
		{"long id keeps its length", seedSalt, "visitor", strings.Repeat("x", 64), 64},
		{"too long is capped", seedSalt, "visitor", strings.Repeat("x", 80), 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := deriveID(tt.seed, tt.kind, tt.orig)
			if len(got) != tt.wantLen || !hexID.MatchString(got) {
				t.Errorf("deriveID = %q, want %d hex characters", got, tt.wantLen)
			}
			if again := deriveID(tt.seed, tt.kind, tt.orig); again != got {
				t.Errorf("deriveID not deterministic: %q then %q", got, again)
			}
			if other := deriveID(tt.seed+"x", tt.kind, tt.orig); other == got {
				t.Errorf("another seed gives the same id %q", got)
			}
			if other := deriveID(tt.seed, tt.kind+"x", tt.orig); other == got {
				t.Errorf("another kind gives the same id %q", got)
			}
			if got == tt.orig {
				t.Errorf("id unchanged")
			}
		})
	}
}

// recordingService is an IngestService that only records what it is sent.
type recordingService struct {
	mu   sync.Mutex
	reqs []*trailguide.IngestRequest
}

func (s *recordingService) Ingest(_ context.Context, req *trailguide.IngestRequest) (*trailguide.IngestResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, req)
	var b trailguide.Batch
	if err := json.Unmarshal(req.Body, &b); err != nil {
		return nil, trailguide.Invalid("body", "Body is not valid JSON.")
	}
	return &trailguide.IngestResult{Ack: b.Seq}, nil
}

func (s *recordingService) Config(context.Context, string, string) (*trailguide.SDKConfig, error) {
	return &trailguide.SDKConfig{SampleRate: 1}, nil
}

type sentBatch struct {
	req   *trailguide.IngestRequest
	batch trailguide.Batch
	times []int64
}

func decodeSent(tb testing.TB, reqs []*trailguide.IngestRequest) []sentBatch {
	tb.Helper()
	out := make([]sentBatch, len(reqs))
	for i, r := range reqs {
		out[i].req = r
		if err := json.Unmarshal(r.Body, &out[i].batch); err != nil {
			tb.Fatal(err)
		}
		out[i].times = append(out[i].times, out[i].batch.SentAt)
		for _, e := range out[i].batch.Events {
			var ev struct{ Timestamp float64 }
			if err := json.Unmarshal(e, &ev); err != nil {
				tb.Fatal(err)
			}
			out[i].times = append(out[i].times, int64(ev.Timestamp))
		}
		for _, s := range out[i].batch.Signals {
			out[i].times = append(out[i].times, s.TS)
		}
	}
	return out
}

func TestSeedSends(t *testing.T) {
	recs := mustReadSmall(t)
	svc := &recordingService{}
	n, err := seedRecordings(context.Background(), svc, recs, "pk_seeded", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("seeded %d sessions, want 2", n)
	}
	sent := decodeSent(t, svc.reqs)
	if got, want := len(sent), 5; got != want {
		t.Fatalf("sent %d batches, want %d", got, want)
	}

	var originals []string
	for _, r := range recs {
		for _, raw := range r.Batches {
			var h batchTimes
			_ = json.Unmarshal(raw, &h)
			originals = append(originals, h.Session, h.Visitor, h.Window)
		}
	}
	sessionOf := map[string]string{} // seeded window -> seeded session
	visitorOf := map[string]string{} // seeded session -> seeded visitor
	lastSeq := map[string]int64{}
	for i, s := range sent {
		b := s.batch
		if b.Key != "pk_seeded" {
			t.Errorf("batch %d: key %q, want pk_seeded", i, b.Key)
		}
		for _, o := range originals {
			if bytes.Contains(s.req.Body, []byte(o)) {
				t.Errorf("batch %d still contains recorded id %s", i, o)
			}
		}
		if got, want := s.req.ReceivedAt, time.UnixMilli(b.SentAt).UTC(); !got.Equal(want) {
			t.Errorf("batch %d: ReceivedAt %v, want sent_at %v", i, got, want)
		}
		if s.req.Origin != "https://pathway.example" {
			t.Errorf("batch %d: Origin %q", i, s.req.Origin)
		}
		if !strings.Contains(s.req.UserAgent, "Chrome/") {
			t.Errorf("batch %d: UserAgent %q", i, s.req.UserAgent)
		}
		for _, ts := range s.times {
			at := time.UnixMilli(ts)
			if at.Before(testNow.Add(-spreadOver)) || at.After(testNow.Add(-newestGap).Add(time.Millisecond)) {
				t.Errorf("batch %d: time %v outside the seeded week before %v", i, at, testNow)
			}
		}
		if prev, ok := sessionOf[b.Window]; ok && prev != b.Session {
			t.Errorf("window %s in sessions %s and %s", b.Window, prev, b.Session)
		}
		sessionOf[b.Window] = b.Session
		if prev, ok := visitorOf[b.Session]; ok && prev != b.Visitor {
			t.Errorf("session %s with visitors %s and %s", b.Session, prev, b.Visitor)
		}
		visitorOf[b.Session] = b.Visitor
		if prev, ok := lastSeq[b.Window]; ok && b.Seq <= prev {
			t.Errorf("window %s: seq %d sent after %d", b.Window, b.Seq, prev)
		}
		lastSeq[b.Window] = b.Seq
	}
	if len(visitorOf) != 2 || len(sessionOf) != 3 {
		t.Errorf("got %d sessions and %d windows, want 2 and 3", len(visitorOf), len(sessionOf))
	}
	// The newest session ends newestGap before now.
	var newest int64
	for _, s := range sent {
		newest = max(newest, slices.Max(s.times))
	}
	if got, want := time.UnixMilli(newest), testNow.Add(-newestGap); !got.Equal(want) {
		t.Errorf("newest time %v, want %v", got, want)
	}

	// Seeding again gives exactly the same requests.
	again := &recordingService{}
	if _, err := seedRecordings(context.Background(), again, mustReadSmall(t), "pk_seeded", testNow); err != nil {
		t.Fatal(err)
	}
	for i := range svc.reqs {
		if !bytes.Equal(svc.reqs[i].Body, again.reqs[i].Body) || !svc.reqs[i].ReceivedAt.Equal(again.reqs[i].ReceivedAt) {
			t.Fatalf("second seed differs at batch %d", i)
		}
	}
}

// A session's relative timing survives the shift: every time of a session
// moves by the same amount.
func TestSeedKeepsRelativeTimes(t *testing.T) {
	recs := mustReadSmall(t)
	svc := &recordingService{}
	if _, err := seedRecordings(context.Background(), svc, recs, PublicKey, testNow); err != nil {
		t.Fatal(err)
	}
	sent := decodeSent(t, svc.reqs)
	orig := map[string][]int64{} // by seq/window position in the fixture
	for _, r := range recs {
		for _, s := range decodeSent(t, requestsOf(r.Batches)) {
			k := deriveID(seedSalt, "window", s.batch.Window) + fmt.Sprint(s.batch.Seq)
			orig[k] = s.times
		}
	}
	shiftOf := map[string]int64{}
	for _, s := range sent {
		o := orig[s.batch.Window+fmt.Sprint(s.batch.Seq)]
		if len(o) != len(s.times) {
			t.Fatalf("window %s seq %d: %d times, recorded %d", s.batch.Window, s.batch.Seq, len(s.times), len(o))
		}
		for i := range o {
			d := s.times[i] - o[i]
			if prev, ok := shiftOf[s.batch.Session]; ok && prev != d {
				t.Fatalf("session %s: shifts %d and %d", s.batch.Session, prev, d)
			}
			shiftOf[s.batch.Session] = d
		}
	}
}

func requestsOf(batches []json.RawMessage) []*trailguide.IngestRequest {
	out := make([]*trailguide.IngestRequest, len(batches))
	for i, b := range batches {
		out[i] = &trailguide.IngestRequest{Body: b}
	}
	return out
}

func TestOrderBatches(t *testing.T) {
	recs := mustReadSmall(t)
	var got []string
	for _, raw := range recs[0].Batches {
		var h batchHeader
		_ = json.Unmarshal(raw, &h)
		got = append(got, fmt.Sprintf("%s:%d", h.Window[:4], h.Seq))
	}
	// Window b2c3's first batch was sent between a1b2's seq 0 and seq 1.
	want := []string{"a1b2:0", "b2c3:0", "a1b2:1", "a1b2:2"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestLoadFixturesFromZstd(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "small.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	half := bytes.Index(raw, []byte("\n")) + 1
	fsys := fstest.MapFS{
		"fx/a" + FixtureExt: {Data: enc.EncodeAll(raw[:half], nil)},
		"fx/b" + FixtureExt: {Data: enc.EncodeAll(raw[half:], nil)},
		"fx/README.md":      {Data: []byte("ignored")},
	}
	recs, err := loadFixtures(fsys, "fx")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(recs[0].Batches) != 4 || len(recs[1].Batches) != 1 {
		t.Errorf("loaded %d sessions, want 2 with 4 and 1 batches (split across files)", len(recs))
	}
}

func TestSeedEmbeddedFixtures(t *testing.T) {
	recs, err := loadFixtures(fixtures, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Skip("no recorded fixtures yet; run make demo-record")
	}
	svc := &recordingService{}
	n, err := Seed(context.Background(), svc, PublicKey, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Errorf("seeded %d sessions, want at least 30", n)
	}
	sent := decodeSent(t, svc.reqs)
	sessions := map[string]bool{}
	var oldest, newest int64 = 1 << 62, 0
	for _, s := range sent {
		sessions[s.batch.Session] = true
		oldest = min(oldest, slices.Min(s.times))
		newest = max(newest, slices.Max(s.times))
	}
	if len(sessions) != n {
		t.Errorf("%d distinct sessions sent, Seed reported %d", len(sessions), n)
	}
	if o := time.UnixMilli(oldest); o.Before(testNow.Add(-spreadOver)) || o.After(testNow.Add(-spreadOver+2*24*time.Hour)) {
		t.Errorf("oldest time %v; want the sessions spread over the week before %v", o, testNow)
	}
	if got, want := time.UnixMilli(newest), testNow.Add(-newestGap); !got.Equal(want) {
		t.Errorf("newest time %v, want %v", got, want)
	}
}
