package sqlite_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/sqlite"
)

// BenchmarkCommitBatch measures durable batch commits (synchronous=FULL) of
// realistic batches (20 events and a chunk row), one caller at a time and
// from many concurrent callers. The difference is what group commit buys:
// concurrent callers share one transaction and one fsync.
func BenchmarkCommitBatch(b *testing.B) {
	setup := func(b *testing.B) (*sqlite.DB, *sqlite.IngestStore) {
		db := MustOpenDB(b, "")
		if err := sqlite.NewProjectStore(db).CreateProject(context.Background(), &trailguide.Project{ID: "p", Name: "P"}); err != nil {
			b.Fatal(err)
		}
		return db, sqlite.NewIngestStore(db)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	b.Run("serial", func(b *testing.B) {
		_, ingest := setup(b)
		ctx := context.Background()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			// 50 batches per session, like a few minutes of recording.
			batch := benchBatch("p", fmt.Sprintf("s%d", i/50), int64(i%50), at.Add(time.Duration(i)*time.Second))
			if _, err := ingest.CommitBatch(ctx, batch); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
	})

	// The same serial and 64x loads without an fsync per commit
	// (synchronous=NORMAL: not durable in WAL mode, a power cut loses the
	// last commits): what durability costs, and how much of it group commit
	// wins back.
	b.Run("serial-sync-normal", func(b *testing.B) {
		restore := sqlite.SetSynchronous("NORMAL")
		_, ingest := setup(b)
		restore()
		ctx := context.Background()
		i := 0
		for b.Loop() {
			batch := benchBatch("p", fmt.Sprintf("s%d", i/50), int64(i%50), at.Add(time.Duration(i)*time.Second))
			if _, err := ingest.CommitBatch(ctx, batch); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
	})

	for _, par := range []int{8, 64} {
		b.Run(fmt.Sprintf("parallel-%dx", par), func(b *testing.B) {
			db, ingest := setup(b)
			ctx := context.Background()
			var next atomic.Int64
			groups := db.Groups()
			b.SetParallelism(par) // callers per GOMAXPROCS
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1) - 1
					batch := benchBatch("p", fmt.Sprintf("s%d", i/50), i%50, at.Add(time.Duration(i)*time.Second))
					if _, err := ingest.CommitBatch(ctx, batch); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
			if g := db.Groups() - groups; g > 0 {
				b.ReportMetric(float64(b.N)/float64(g), "batches/group")
			}
		})
	}
}
