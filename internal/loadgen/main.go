// Command loadgen sends sustained ingest load to a Trailguide server over
// HTTP, from its own process, at a fixed rate per phase, and prints one JSON
// line per phase: throughput, status counts, latency percentiles. It is
// driven by `make bench` (cmd/trailguide TestLoad), which samples the
// server's RSS meanwhile.
//
//	loadgen -target http://127.0.0.1:8070 -phases 100:20s,1000:20s,100:15s
//
// Batches come from internal/batchgen (realistic rrweb batches, plain JSON
// as the SDK's page-hide path sends them); every request is a new (session,
// seq), so nothing is a duplicate. The load is open-loop: requests start on
// schedule whether or not earlier ones finished, up to -concurrency in
// flight; a request that finds no free sender is counted as skipped.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailguide/trailguide/internal/batchgen"
)

type phase struct {
	Rate     int           `json:"rate"`
	Duration time.Duration `json:"-"`
}

// Result is one phase's line of output.
type Result struct {
	Phase         int     `json:"phase"`
	Rate          int     `json:"rate"`
	Seconds       float64 `json:"seconds"`
	Sent          int64   `json:"sent"`
	OK            int64   `json:"ok"`
	Unavailable   int64   `json:"unavailable"` // 503/429
	NoRetryAfter  int64   `json:"no_retry_after"`
	Other         int64   `json:"other"`  // other statuses
	Errors        int64   `json:"errors"` // transport errors
	Skipped       int64   `json:"skipped"`
	OKPerSec      float64 `json:"ok_per_sec"`
	P50ms         float64 `json:"p50_ms"`
	P99ms         float64 `json:"p99_ms"`
	Maxms         float64 `json:"max_ms"`
	ShedP99ms     float64 `json:"shed_p99_ms"` // latency of the 503 answers
	BytesPerBatch int     `json:"bytes_per_batch"`
}

func parsePhases(s string) ([]phase, error) {
	var out []phase
	for _, p := range strings.Split(s, ",") {
		r, d, ok := strings.Cut(strings.TrimSpace(p), ":")
		if !ok {
			return nil, fmt.Errorf("phase %q: want RATE:DURATION", p)
		}
		rate, err := strconv.Atoi(r)
		if err != nil || rate <= 0 {
			return nil, fmt.Errorf("phase %q: bad rate", p)
		}
		dur, err := time.ParseDuration(d)
		if err != nil || dur <= 0 {
			return nil, fmt.Errorf("phase %q: bad duration", p)
		}
		out = append(out, phase{rate, dur})
	}
	return out, nil
}

func main() {
	target := flag.String("target", "http://127.0.0.1:8070", "server base URL")
	key := flag.String("key", "tg_pk_batchgen", "project public key")
	phases := flag.String("phases", "100:20s", "comma-separated RATE:DURATION phases (batches per second)")
	concurrency := flag.Int("concurrency", 256, "requests in flight at most")
	nodes := flag.Int("nodes", 100, "DOM nodes of a generated full snapshot")
	flag.Parse()
	ps, err := parsePhases(*phases)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}

	// One window of 60 batches as templates; each virtual session swaps in
	// its own session id (same length), so every request is new.
	const perSession = 60
	tpl := batchgen.Session(1, batchgen.Options{Key: *key, Start: time.Now(), Batches: perSession, Nodes: *nodes, PageEvery: 20})
	sid := []byte(tpl[0].Batch.Session)
	size := 0
	for _, b := range tpl {
		size += len(b.JSON)
	}
	var n atomic.Int64
	body := func() []byte {
		i := n.Add(1) - 1
		s := fmt.Sprintf("s_%022d", i/perSession)
		return bytes.Replace(tpl[i%perSession].JSON, sid, []byte(s), 1)
	}

	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency, MaxConnsPerHost: *concurrency}}
	url := strings.TrimRight(*target, "/") + "/ingest/v1/batch"
	enc := json.NewEncoder(os.Stdout)
	for pi, p := range ps {
		var (
			mu             sync.Mutex
			lat, shed      []float64
			res            = Result{Phase: pi + 1, Rate: p.Rate, BytesPerBatch: size / perSession}
			ok, unav, noRA atomic.Int64
			other, errs    atomic.Int64
			skipped, sent  atomic.Int64
			wg             sync.WaitGroup
			work           = make(chan []byte)
		)
		for range *concurrency {
			wg.Go(func() {
				for b := range work {
					start := time.Now()
					r, err := hc.Post(url, "text/plain", bytes.NewReader(b))
					if err != nil {
						errs.Add(1)
						continue
					}
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
					ms := float64(time.Since(start).Microseconds()) / 1000
					switch {
					case r.StatusCode == http.StatusOK:
						ok.Add(1)
						mu.Lock()
						lat = append(lat, ms)
						mu.Unlock()
					case r.StatusCode == http.StatusServiceUnavailable || r.StatusCode == http.StatusTooManyRequests:
						unav.Add(1)
						if r.Header.Get("Retry-After") == "" {
							noRA.Add(1)
						}
						mu.Lock()
						shed = append(shed, ms)
						mu.Unlock()
					default:
						other.Add(1)
					}
				}
			})
		}
		start := time.Now()
		tick := time.NewTicker(10 * time.Millisecond)
		due := 0.0
		for now := range tick.C {
			if now.Sub(start) >= p.Duration {
				break
			}
			due += float64(p.Rate) / 100
			for ; due >= 1; due-- {
				b := body()
				select {
				case work <- b:
					sent.Add(1)
				default:
					skipped.Add(1)
				}
			}
		}
		tick.Stop()
		close(work)
		wg.Wait()
		elapsed := time.Since(start).Seconds()
		res.Seconds = elapsed
		res.Sent, res.OK, res.Unavailable, res.NoRetryAfter = sent.Load(), ok.Load(), unav.Load(), noRA.Load()
		res.Other, res.Errors, res.Skipped = other.Load(), errs.Load(), skipped.Load()
		res.OKPerSec = float64(res.OK) / elapsed
		res.P50ms, res.P99ms, res.Maxms = pct(lat, 50), pct(lat, 99), pct(lat, 100)
		res.ShedP99ms = pct(shed, 99)
		enc.Encode(res)
	}
}

// pct returns the p-th percentile of v (nearest rank); 0 for none.
func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	i := int(float64(len(v))*p/100+0.5) - 1
	return v[max(0, min(len(v)-1, i))]
}
