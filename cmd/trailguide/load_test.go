package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// loadResult mirrors internal/loadgen's per-phase output line.
type loadResult struct {
	Phase         int     `json:"phase"`
	Rate          int     `json:"rate"`
	Seconds       float64 `json:"seconds"`
	Sent          int64   `json:"sent"`
	OK            int64   `json:"ok"`
	Unavailable   int64   `json:"unavailable"`
	NoRetryAfter  int64   `json:"no_retry_after"`
	Other         int64   `json:"other"`
	Errors        int64   `json:"errors"`
	Skipped       int64   `json:"skipped"`
	OKPerSec      float64 `json:"ok_per_sec"`
	P50ms         float64 `json:"p50_ms"`
	P99ms         float64 `json:"p99_ms"`
	Maxms         float64 `json:"max_ms"`
	ShedP99ms     float64 `json:"shed_p99_ms"`
	BytesPerBatch int     `json:"bytes_per_batch"`
}

// rssMB reads a process's resident set size in MB from /proc.
func rssMB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

// TestLoad is the load bench (`make bench`; longer under `make soak`): the
// real binary on loopback, a separate load process (internal/loadgen)
// sending at a rate the server holds, then 10x that rate, then the base
// rate again, while the server's RSS is sampled. It reports throughput,
// p50/p99 latency and RSS over time, and checks that the overload is shed
// with 503 + Retry-After (never another error), memory stays within 256 MB,
// and the server recovers. TG_LOAD_RATE sets the base rate (batches/s).
func TestLoad(t *testing.T) {
	if os.Getenv("TG_LOAD") == "" && os.Getenv("TG_SOAK") == "" {
		t.Skip("load bench: make bench (TG_LOAD=1) or make soak")
	}
	rate := 100
	if v := os.Getenv("TG_LOAD_RATE"); v != "" {
		rate, _ = strconv.Atoi(v)
	}
	base, over, recover := 20*time.Second, 20*time.Second, 15*time.Second
	if os.Getenv("TG_SOAK") != "" {
		base, over, recover = 60*time.Second, 60*time.Second, 30*time.Second
	}
	bin := filepath.Join(t.TempDir(), "loadgen")
	if out, err := exec.Command("go", "build", "-o", bin, "../../internal/loadgen").CombinedOutput(); err != nil {
		t.Fatalf("build loadgen: %v\n%s", err, out)
	}
	data := t.TempDir()
	createProject(t, data, nil)
	srv := startE2EServer(t, data, "--log-level", "error")
	pid := srv.cmd.Process.Pid

	type sample struct {
		at  time.Duration
		rss float64
	}
	var (
		mu      sync.Mutex
		samples []sample
		stop    = make(chan struct{})
		done    = make(chan struct{})
	)
	start := time.Now()
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			if mb, err := rssMB(pid); err == nil {
				mu.Lock()
				samples = append(samples, sample{time.Since(start), mb})
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	phases := fmt.Sprintf("%d:%s,%d:%s,%d:%s", rate, base, rate*10, over, rate, recover)
	cmd := exec.Command(bin, "-target", srv.URL, "-phases", phases)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	close(stop)
	<-done
	if err != nil {
		t.Fatalf("loadgen: %v\n%s", err, stderr.String())
	}
	var res []loadResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r loadResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("loadgen output %q: %v", sc.Text(), err)
		}
		res = append(res, r)
	}
	if len(res) != 3 {
		t.Fatalf("loadgen printed %d phases, want 3:\n%s", len(res), out)
	}
	select {
	case <-srv.done:
		t.Fatalf("the server died under load:\n%s", srv.Output())
	default:
	}

	names := []string{"sustained", "10x overload", "recovery"}
	t.Logf("batch: %d bytes of JSON; phases %s", res[0].BytesPerBatch, phases)
	t.Logf("%-13s %6s %7s %7s %6s %6s %7s %8s %7s %7s %8s", "phase", "rate", "sent", "200", "503", "other", "skipped", "200/s", "p50 ms", "p99 ms", "503 p99")
	for i, r := range res {
		t.Logf("%-13s %6d %7d %7d %6d %6d %7d %8.1f %7.1f %7.1f %8.1f", names[i], r.Rate, r.Sent, r.OK, r.Unavailable,
			r.Other+r.Errors, r.Skipped, r.OKPerSec, r.P50ms, r.P99ms, r.ShedP99ms)
	}
	mu.Lock()
	maxRSS := 0.0
	var line []string
	for i, s := range samples {
		maxRSS = max(maxRSS, s.rss)
		if i%5 == 0 {
			line = append(line, fmt.Sprintf("%ds:%.0f", int(s.at.Seconds()), s.rss))
		}
	}
	mu.Unlock()
	t.Logf("server RSS MB over time: %s (max %.0f)", strings.Join(line, " "), maxRSS)
	if res[0].P99ms < 50 {
		t.Logf("sustained p99 %.1f ms: within the 50 ms goal", res[0].P99ms)
	} else {
		t.Logf("sustained p99 %.1f ms: OVER the 50 ms goal", res[0].P99ms)
	}

	for i, r := range res {
		if r.Other+r.Errors > 0 {
			t.Errorf("%s: %d answers other than 200/503 and %d transport errors", names[i], r.Other, r.Errors)
		}
		if r.NoRetryAfter > 0 {
			t.Errorf("%s: %d 503s without Retry-After", names[i], r.NoRetryAfter)
		}
	}
	if float64(res[0].OK) < 0.99*float64(res[0].Sent) {
		t.Errorf("sustained rate %d/s not held: %d of %d acknowledged", rate, res[0].OK, res[0].Sent)
	}
	if res[1].Unavailable == 0 {
		// Not a failure: on an idle machine the server keeps up with 10x
		// this rate (or the load generator, sharing the cores, cannot send
		// faster: see "skipped"). Shedding itself is tested
		// deterministically by TestWriterBehindShedsLoad and the ingest
		// admission tests; raise LOAD_RATE to see it here.
		t.Logf("10x overload: nothing was shed; the server acknowledged %.0f/s (p99 %.0f ms)", res[1].OKPerSec, res[1].P99ms)
	}
	if float64(res[2].OK) < 0.95*float64(res[2].Sent) {
		t.Errorf("no recovery after the overload: %d of %d acknowledged", res[2].OK, res[2].Sent)
	}
	if maxRSS > 256 {
		t.Errorf("server RSS reached %.0f MB, want at most 256", maxRSS)
	}
}
