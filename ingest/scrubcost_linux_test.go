package ingest

import (
	"bytes"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/trailguide/trailguide/recording"
)

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScrubCost measures the scrubber against the in-process ingest
// baseline (gunzip + JSON decode + zstd) of the same batches in CPU time of
// one locked thread, so that other load on the machine does not skew the
// ratio the way wall-clock time under contention does. It reports the
// baseline's batches per CPU-second, the scrubber's share of the work, and
// the throughput ratio with scrubbing (1.0 = free; DESIGN asks it not to
// halve ingest, i.e. stay above 0.5).
func BenchmarkScrubCost(b *testing.B) {
	bodies := benchBodies(1200)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var base, scrubbed time.Duration
	var buf bytes.Buffer
	b.ResetTimer()
	for i := range b.N {
		body := bodies[i%len(bodies)]
		t0 := threadCPU(b)
		batch := decodeBench(b, &buf, body.Gzip)
		t1 := threadCPU(b)
		scrubBatch(batch)
		t2 := threadCPU(b)
		if _, err := recording.Encode(batch.Events, recording.LevelFast); err != nil {
			b.Fatal(err)
		}
		t3 := threadCPU(b)
		base += (t1 - t0) + (t3 - t2)
		scrubbed += t2 - t1
	}
	b.ReportMetric(float64(b.N)/base.Seconds(), "baseline-batches/cpu-s")
	b.ReportMetric(float64(b.N)/(base+scrubbed).Seconds(), "scrubbed-batches/cpu-s")
	b.ReportMetric(float64(base)/float64(base+scrubbed), "throughput-ratio")
}
