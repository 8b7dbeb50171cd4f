package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/sqlite"
	"github.com/trailguide/trailguide/worker"
)

// benchBodies returns n distinct batchgen batches (sessions of 12 batches
// with seeds 1, 2, ...), generated once and shared by the benchmarks so
// that the baseline and the service process the same bytes.
var (
	benchMu   sync.Mutex
	benchPool []batchgen.Body
)

func benchBodies(n int) []batchgen.Body {
	benchMu.Lock()
	defer benchMu.Unlock()
	for seed := uint64(len(benchPool)/12 + 1); len(benchPool) < n; seed++ {
		benchPool = append(benchPool, batchgen.Session(seed, batchgen.Options{})...)
	}
	return benchPool[:n]
}

// rawPerBatch is the mean JSON size of the first 1200 batches, the unit of
// b.SetBytes for both benchmarks so that their MB/s compare.
func rawPerBatch() int64 {
	var total int64
	bodies := benchBodies(1200)
	for _, b := range bodies {
		total += int64(len(b.JSON))
	}
	return total / int64(len(bodies))
}

// BenchmarkBaselineInProcess is DESIGN §6's in-process baseline: gunzip,
// JSON decode and zstd of the same batches, nothing stored.
func BenchmarkBaselineInProcess(b *testing.B) { benchBaseline(b, false) }

// benchBaseline runs the in-process baseline over the benchmark batches, in
// parallel, with the server's scrubber over each decoded batch when scrub.
func benchBaseline(b *testing.B, scrub bool) {
	bodies := benchBodies(max(b.N, 1200))
	b.SetBytes(rawPerBatch())
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		var buf bytes.Buffer
		for pb.Next() {
			batch := decodeBench(b, &buf, bodies[int(next.Add(1)-1)%len(bodies)].Gzip)
			if scrub {
				scrubBatch(batch)
			}
			if _, err := recording.Encode(batch.Events, recording.LevelFast); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// decodeBench gunzips body through buf and decodes the batch.
func decodeBench(b *testing.B, buf *bytes.Buffer, body []byte) *trailguide.Batch {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	buf.Reset()
	if _, err := io.Copy(buf, zr); err != nil {
		b.Fatal(err)
	}
	var batch trailguide.Batch
	if err := json.Unmarshal(buf.Bytes(), &batch); err != nil {
		b.Fatal(err)
	}
	return &batch
}

// BenchmarkServiceIngest runs Service.Ingest into real sqlite and fileblob
// stores (durable: fsync'd blobs, group-committed transactions), in
// parallel so that concurrent batches share commits as they do under load.
func BenchmarkServiceIngest(b *testing.B) {
	bodies := benchBodies(max(b.N, 1200))
	e := mustOpenBenchEnv(b)
	b.SetBytes(rawPerBatch())
	b.ReportAllocs()
	b.SetParallelism(32) // many clients: requests waiting on fsync do not use a core, and share commits
	b.ResetTimer()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := bodies[int(next.Add(1)-1)]
			at := time.UnixMilli(body.Batch.SentAt)
			if _, err := e.Ingest(context.Background(), &trailguide.IngestRequest{Body: body.Gzip, ReceivedAt: at}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func mustOpenBenchEnv(b *testing.B) *Service {
	b.Helper()
	dir := b.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "tg.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	projects := sqlite.NewProjectStore(db)
	if err := projects.CreateProject(context.Background(), &trailguide.Project{ID: "proj1", Name: "Bench", PublicKey: "tg_pk_batchgen"}); err != nil {
		b.Fatal(err)
	}
	return NewService(Config{}, projects, sqlite.NewIngestStore(db), nil)
}

// BenchmarkCompactionRatio ingests batchgen sessions, compacts them with
// the worker and reports raw rrweb JSON bytes per stored byte (DESIGN §6
// wants at least 10x) next to the per-batch chunks' ratio.
func BenchmarkCompactionRatio(b *testing.B) {
	for range b.N {
		dir := b.TempDir()
		db, err := sqlite.Open(filepath.Join(dir, "tg.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		fb, _ := fileblob.New(filepath.Join(dir, "blobs"))
		projects := sqlite.NewProjectStore(db)
		projects.CreateProject(context.Background(), &trailguide.Project{ID: "proj1", Name: "Bench", PublicKey: "tg_pk_batchgen"})
		sessions := sqlite.NewSessionStore(db)
		svc := NewService(Config{}, projects, sqlite.NewIngestStore(db), nil)
		// Ten sessions of ten minutes each.
		var ids []string
		var last time.Time
		for seed := uint64(100); seed < 110; seed++ {
			for _, body := range batchgen.Session(seed, batchgen.Options{Batches: 120}) {
				last = time.UnixMilli(body.Batch.SentAt)
				if _, err := svc.Ingest(context.Background(), &trailguide.IngestRequest{Body: body.Gzip, ReceivedAt: last}); err != nil {
					b.Fatal(err)
				}
				if body.Batch.Seq == 0 {
					ids = append(ids, body.Batch.Session)
				}
			}
		}
		raw, perBatch, compacted := storedBytes(b, sessions, ids)
		w := worker.New(worker.Config{Clock: fixed(last.Add(time.Hour))}, sessions, fb, nil)
		if _, err := w.RunOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		_, _, compacted = storedBytes(b, sessions, ids)
		b.ReportMetric(float64(raw)/float64(perBatch), "x-per-batch")
		b.ReportMetric(float64(raw)/float64(compacted), "x-compacted")
		db.Close()
	}
}

func storedBytes(b *testing.B, sessions trailguide.SessionStore, ids []string) (raw, stored, _ int64) {
	for _, id := range ids {
		chunks, err := sessions.Chunks(context.Background(), "proj1", id)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range chunks {
			raw += c.RawBytes
			stored += c.StoredBytes
		}
	}
	return raw, stored, stored
}

type fixed time.Time

func (f fixed) Now() time.Time { return time.Time(f) }

// BenchmarkBaselineWithScrub is BenchmarkBaselineInProcess plus the
// server's scrubber over every decoded batch: the ratio of the two is what
// scrubbing costs ingest (docs/PRIVACY.md reports it).
func BenchmarkBaselineWithScrub(b *testing.B) { benchBaseline(b, true) }

// BenchmarkScrubBatch is the scrubber alone over decoded batches.
func BenchmarkScrubBatch(b *testing.B) {
	bodies := benchBodies(1200)
	batches := make([]trailguide.Batch, len(bodies))
	for i, body := range bodies {
		if err := json.Unmarshal(body.JSON, &batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(rawPerBatch())
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		bt := batches[i%len(batches)]
		scrubBatch(&bt)
	}
}
