package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide/internal/batchgen"
)

// TestMetricsScrape runs the binary with JSON logs, sends good and bad
// batches and scrapes /metrics as Prometheus would: the ingest counters,
// the latency histogram, the rejection reasons, the writer's queue and the
// process collectors are there with the values the traffic implies.
func TestMetricsScrape(t *testing.T) {
	srv, c := startAdminServer(t, "--log-format", "json", "--log-level", "info")
	p := c.addProject("Shop")

	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/readyz": `"blobs":"ok"`} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Fatalf("GET %s: %d %s, want 200 with %s", path, resp.StatusCode, body, want)
		}
	}

	bodies := batchgen.Session(3, batchgen.Options{Key: p.PublicKey, Start: time.Now().Add(-time.Minute), Batches: 3})
	var sent int
	for _, b := range bodies {
		sent += len(b.Gzip)
		post(t, srv.URL, b.Gzip, 200)
	}
	post(t, srv.URL, []byte(`{"key":"`+p.PublicKey+`","session":"x"}`), 400) // bad batch: no window
	post(t, srv.URL, []byte(`not json`), 400)

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	m := parseMetrics(t, string(raw))
	checks := []struct {
		series string
		want   func(float64) bool
		says   string
	}{
		{`trailguide_ingest_batches_total{status="2xx"}`, eq(3), "3"},
		{`trailguide_ingest_batches_total{status="4xx"}`, eq(2), "2"},
		{`trailguide_ingest_duration_seconds_count`, eq(5), "5"},
		{`trailguide_ingest_bytes_total`, func(v float64) bool { return v >= float64(sent) }, ">= bytes sent"},
		{`trailguide_store_write_queue_depth`, func(v float64) bool { return v >= 0 && v <= 512 }, "0..512"},
		{`trailguide_store_write_groups_total`, func(v float64) bool { return v >= 3 }, ">= 3"},
		{`trailguide_store_write_failures_total`, eq(0), "0"},
		{`go_goroutines`, func(v float64) bool { return v > 0 }, "> 0"},
		{`process_resident_memory_bytes`, func(v float64) bool { return v > 0 }, "> 0"},
	}
	for _, c := range checks {
		v, ok := m[c.series]
		if !ok {
			t.Errorf("no series %s in the scrape", c.series)
			continue
		}
		if !c.want(v) {
			t.Errorf("%s = %v, want %s", c.series, v, c.says)
		}
	}
	rejected := 0.0
	for k, v := range m {
		if strings.HasPrefix(k, "trailguide_ingest_rejections_total{") {
			rejected += v
		}
	}
	if rejected != 2 {
		t.Errorf("rejections sum %v, want 2; scrape:\n%s", rejected, grep(string(raw), "rejections"))
	}

	// Every stderr line is one JSON object with the slog keys.
	srv.Stop()
	lines := 0
	for _, line := range strings.Split(srv.Output(), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if rec["time"] == nil || rec["level"] == nil || rec["msg"] == nil {
			t.Errorf("log line lacks time/level/msg: %q", line)
		}
		lines++
	}
	if lines == 0 || strings.Contains(srv.Output(), "level=INFO") {
		t.Errorf("want JSON log lines only; output:\n%s", srv.Output())
	}
}

func eq(want float64) func(float64) bool { return func(v float64) bool { return v == want } }

func post(t *testing.T, base string, body []byte, want int) {
	t.Helper()
	resp, err := http.Post(base+"/ingest/v1/batch", "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("batch: status %d, want %d", resp.StatusCode, want)
	}
}

// parseMetrics reads the text exposition format: series → value.
func parseMetrics(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("bad metrics line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad value in %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

func grep(text, sub string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
