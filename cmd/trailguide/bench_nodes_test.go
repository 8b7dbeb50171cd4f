package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/internal/pgtest"
)

// BenchmarkIngestNodes measures ingest throughput over HTTP, with durable
// acknowledgements, of (a) one node on SQLite + files, (b) one ingest node
// on PostgreSQL + S3 and (c) two ingest nodes on the same PostgreSQL + S3,
// in one run on this machine, and reports (b) and (c) as ratios of (a).
// PostgreSQL runs with fsync on (as in production) when this benchmark
// starts the test binary's cluster. Every node, the database, the S3
// server and the load share the machine's cores, so (c) shows what a
// second node costs or gains here, not on separate machines.
//
//	go test -run '^$' -bench IngestNodes -benchtime 1x ./cmd/trailguide/
func BenchmarkIngestNodes(b *testing.B) {
	pgtest.Durable = true
	const sessions, perSession, clients = 48, 10, 16
	var bodies [][]byte
	for i := range sessions {
		for _, body := range batchgen.Session(uint64(9000+i), batchgen.Options{Key: e2eDemoKey, Batches: perSession, Start: time.Now()}) {
			bodies = append(bodies, body.Gzip)
		}
	}
	// Interleave sessions as concurrent visitors would.
	order := make([][]byte, 0, len(bodies))
	for j := range perSession {
		for i := range sessions {
			order = append(order, bodies[i*perSession+j])
		}
	}

	send := func(b *testing.B, urls []string) float64 {
		b.Helper()
		var next atomic.Int64
		var failed atomic.Int64
		client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
		start := time.Now()
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= len(order) {
						return
					}
					for attempt := 0; ; attempt++ {
						resp, err := client.Post(urls[i%len(urls)]+"/ingest/v1/batch", "text/plain", bytes.NewReader(order[i]))
						if err == nil {
							resp.Body.Close()
						}
						if err == nil && resp.StatusCode == http.StatusOK {
							break
						}
						if attempt == 20 {
							failed.Add(1)
							break
						}
						time.Sleep(100 * time.Millisecond) // 503 + Retry-After under overload
					}
				}
			})
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d batches not acknowledged", n)
		}
		return float64(len(order)) / time.Since(start).Seconds()
	}

	for range b.N {
		// (a) SQLite + files, one node.
		sq := (&multiNode{env: os.Environ()}).start(b, roleAll, "--demo", "--log-level", "error")
		sqliteRate := send(b, []string{sq.URL})
		sq.Kill()

		// (b), (c) PostgreSQL + S3: an api node seeds the demo project.
		// A fresh database and bucket for each, so that the same batches
		// are new to it.
		m := newMultiNode(b)
		api := m.start(b, roleAPI, "--demo", "--log-level", "error")
		in1 := m.start(b, roleIngest, "--log-level", "error")
		pg1 := send(b, []string{in1.URL})
		in1.Kill()
		api.Kill()
		m2 := newMultiNode(b)
		m2.start(b, roleAPI, "--demo", "--log-level", "error")
		a := m2.start(b, roleIngest, "--log-level", "error")
		c := m2.start(b, roleIngest, "--log-level", "error")
		pg2 := send(b, []string{a.URL, c.URL})

		b.ReportMetric(sqliteRate, "sqlite-batches/s")
		b.ReportMetric(pg1, "pg1-batches/s")
		b.ReportMetric(pg2, "pg2-batches/s")
		b.ReportMetric(pg1/sqliteRate, "pg1/sqlite")
		b.ReportMetric(pg2/sqliteRate, "pg2/sqlite")
		b.ReportMetric(pg2/pg1, "pg2/pg1")
		fmt.Printf("ingest over HTTP, %d batches from %d clients: sqlite+files %.0f/s, postgres+s3 one node %.0f/s (%.2f×), two nodes %.0f/s (%.2f×)\n",
			len(order), clients, sqliteRate, pg1, pg1/sqliteRate, pg2, pg2/sqliteRate)
	}
}
