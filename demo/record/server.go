package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// capture is the recorder's HTTP server. It serves web/dist (so /sdk/ and
// /demo/ work exactly as under the real server) and stands in for the
// ingest endpoint: every batch is kept, in arrival order, for the journey
// whose listener it arrived on. Each journey gets its own loopback listener,
// so batches never need to be told apart by their content.
type capture struct {
	files  http.Handler
	logger *slog.Logger

	mu    sync.Mutex
	sinks map[string]*sink // local address -> sink
}

// sink holds the batches of one journey.
type sink struct {
	mu      sync.Mutex
	bodies  [][]byte
	configs int
	last    time.Time
}

func newCapture(dist fs.FS, logger *slog.Logger) *capture {
	return &capture{
		files:  http.FileServerFS(dist),
		logger: logger,
		sinks:  make(map[string]*sink),
	}
}

func (c *capture) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ingest/v1/batch", c.handleBatch)
	mux.HandleFunc("GET /ingest/v1/config", c.handleConfig)
	mux.HandleFunc("OPTIONS /ingest/v1/", c.handlePreflight)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/demo/", http.StatusFound)
	})
	mux.Handle("GET /", c.files)
	return mux
}

// listen opens a loopback listener for one journey and returns it with the
// sink its batches go to.
func (c *capture) listen() (net.Listener, *sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("listen: %w", err)
	}
	s := &sink{}
	c.mu.Lock()
	c.sinks[ln.Addr().String()] = s
	c.mu.Unlock()
	return ln, s, nil
}

func (c *capture) sinkFor(r *http.Request) *sink {
	addr, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if addr == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sinks[addr.String()]
}

func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Content-Encoding")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	cors(w)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (c *capture) handlePreflight(w http.ResponseWriter, r *http.Request) {
	cors(w)
	w.WriteHeader(http.StatusNoContent)
}

func (c *capture) handleConfig(w http.ResponseWriter, r *http.Request) {
	if s := c.sinkFor(r); s != nil {
		s.mu.Lock()
		s.configs++
		s.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sample_rate": 1,
		"mask":        map[string]any{"mode": "balanced", "mask_selectors": []string{}, "block_selectors": []string{}},
	})
}

// handleBatch keeps the body as the SDK sent it, after gunzip, compacted to
// one line (the SDK's JSON.stringify output already is).
func (c *capture) handleBatch(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	c.logger.Debug("batch request", "bytes", len(body), "type", r.Header.Get("Content-Type"), "encoding", r.Header.Get("Content-Encoding"), "err", err)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid", "reason": "body"})
		return
	}
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(io.LimitReader(zr, 64<<20))
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid", "reason": "body"})
			return
		}
	}
	var line bytes.Buffer
	if err := json.Compact(&line, body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid", "reason": "body"})
		return
	}
	var head struct {
		Seq int64 `json:"seq"`
	}
	_ = json.Unmarshal(line.Bytes(), &head)
	s := c.sinkFor(r)
	if s == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "unavailable"})
		return
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, line.Bytes())
	s.last = time.Now()
	n := len(s.bodies)
	s.mu.Unlock()
	c.logger.Debug("batch", "addr", r.Host, "seq", head.Seq, "bytes", line.Len(), "n", n)
	w.Header().Set("Content-Type", "application/json")
	cors(w)
	_, _ = w.Write([]byte(`{"ack":` + strconv.FormatInt(head.Seq, 10) + `}`))
}

// quiet waits until no batch has arrived for d since the later of since
// and the last batch (or until timeout).
func (s *sink) quiet(since time.Time, d, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		last := s.last
		s.mu.Unlock()
		if last.Before(since) {
			last = since
		}
		if time.Since(last) >= d {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *sink) snapshot() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.bodies...)
}
