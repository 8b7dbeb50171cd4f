package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

// ingestContentTypes are the body types POST /ingest/v1/batch accepts:
// fetch sends JSON or a gzip blob, sendBeacon a CORS-safelisted text/plain
// (or no type at all), so the body's own magic bytes decide the decoding.
var ingestContentTypes = map[string]bool{
	"":                         true,
	"application/json":         true,
	"text/plain":               true,
	"application/octet-stream": true,
	"application/gzip":         true,
	"application/x-gzip":       true,
}

// handleIngestBatch accepts one SDK batch. The body is read whole under the
// compressed-size limit and handed to the ingest service, which answers only
// once the batch is durable.
func (s *Server) handleIngestBatch(w http.ResponseWriter, r *http.Request) {
	if s.deps.Metrics == nil {
		s.ingestBatch(w, r, &ingestOutcome{})
		return
	}
	start := time.Now()
	out := &ingestOutcome{}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.ingestBatch(sw, r, out)
	s.deps.Metrics.ObserveIngest(sw.status, out.reason, out.bytes, time.Since(start))
}

// ingestOutcome is what the metrics learn of one batch besides its status.
type ingestOutcome struct {
	bytes  int64
	reason string // why it was refused or stopped; "" when acknowledged
}

// refuse answers err and remembers its reason (or code) for the metrics.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, out *ingestOutcome, err error) {
	out.reason = reasonLabel(trailguide.ErrorReason(err))
	if out.reason == "" {
		out.reason = trailguide.ErrorCode(err)
	}
	if ErrorStatus(err) == http.StatusInternalServerError {
		out.reason = trailguide.EINTERNAL
	}
	s.ingestError(w, r, err)
}

// reasonLabel folds indexes out of a reason ("events[3].type" →
// "events[].type") so that the metric's label values stay few.
func reasonLabel(reason string) string {
	var b strings.Builder
	in := false
	for _, c := range reason {
		switch {
		case c == '[':
			in = true
			b.WriteRune(c)
		case c == ']':
			in = false
			b.WriteRune(c)
		case in && c >= '0' && c <= '9':
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func (s *Server) ingestBatch(w http.ResponseWriter, r *http.Request, out *ingestOutcome) {
	if !ingestContentTypes[mediaType(r.Header.Get("Content-Type"))] {
		s.refuse(w, r, out, trailguide.Errorf(trailguide.EUNSUPPORTED, "Unsupported content type."))
		return
	}
	if r.ContentLength > s.cfg.MaxCompressedBytes {
		s.refuse(w, r, out, trailguide.Errorf(trailguide.ETOOLARGE, "Batch too large."))
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, s.cfg.MaxCompressedBytes), r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.refuse(w, r, out, trailguide.Errorf(trailguide.ETOOLARGE, "Batch too large."))
			return
		}
		// The client went away or sent a broken body; nothing to store.
		s.refuse(w, r, out, trailguide.Invalid("body", "Could not read the request body."))
		return
	}
	out.bytes = int64(len(body))
	res, err := s.deps.Ingest.Ingest(r.Context(), &trailguide.IngestRequest{
		Body:            body,
		ContentEncoding: r.Header.Get("Content-Encoding"),
		Origin:          r.Header.Get("Origin"),
		UserAgent:       r.UserAgent(),
		ReceivedAt:      s.now(),
	})
	if err != nil {
		s.refuse(w, r, out, err)
		return
	}
	if res.Stop {
		out.reason = "stop"
		writeJSON(w, http.StatusOK, map[string]bool{"stop": true})
		return
	}
	if res.Snapshot {
		writeJSON(w, http.StatusOK, map[string]any{"ack": res.Ack, "snapshot": true})
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"ack": res.Ack})
}

// handleIngestConfig serves the SDK configuration of the project with ?key=.
func (s *Server) handleIngestConfig(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	if key == "" {
		s.ingestError(w, r, trailguide.Errorf(trailguide.EUNAUTHORIZED, "missing key"))
		return
	}
	// The answer depends on the page's origin (allowed origins).
	w.Header().Add("Vary", "Origin")
	cfg, err := s.deps.Ingest.Config(r.Context(), key, r.Header.Get("Origin"))
	if err != nil {
		s.ingestError(w, r, err)
		return
	}
	if cfg.Mask.MaskSelectors == nil {
		cfg.Mask.MaskSelectors = []string{}
	}
	if cfg.Mask.BlockSelectors == nil {
		cfg.Mask.BlockSelectors = []string{}
	}
	// Short caching spares a request per page load; rule changes still
	// reach visitors within minutes.
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, cfg)
}

// handleIngestPreflight answers CORS preflights for every /ingest path. The
// allow-origin header itself is set for all /ingest responses in Handler.
func (s *Server) handleIngestPreflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Content-Encoding")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// ingestError answers an ingest failure. An unknown key gets the bare 401 so
// that nobody can probe which keys exist or why one was refused; a secret
// API key is told why (its shape alone says what it is).
func (s *Server) ingestError(w http.ResponseWriter, r *http.Request, err error) {
	if trailguide.ErrorCode(err) == trailguide.EUNAUTHORIZED && trailguide.ErrorReason(err) != "secret_key" {
		err = trailguide.Errorf(trailguide.EUNAUTHORIZED, "Unauthorized.")
	}
	s.Error(w, r, err)
}

// readBody reads all of rc, in one allocation when the length is known.
func readBody(rc io.Reader, contentLength int64) ([]byte, error) {
	if contentLength <= 0 {
		return io.ReadAll(rc)
	}
	buf := make([]byte, contentLength)
	if _, err := io.ReadFull(rc, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// mediaType returns the lower-case media type of a Content-Type header
// without parameters; "" when absent, "invalid" when unparseable.
func mediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "invalid"
	}
	return mt
}
