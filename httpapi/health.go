package httpapi

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

// This file: the operator's endpoints. /healthz is liveness (the process
// answers HTTP), /readyz readiness (the store and the blob store can be
// used now), /metrics the Prometheus scrape. They are mounted in every
// role, outside /api so that no CSRF or session rules apply.

// readyTimeout bounds the readiness checks, well under a load balancer's
// usual probe timeout.
const readyTimeout = 3 * time.Second

// ObserveIngester receives one observation per answered ingest batch
// (metrics.Metrics implements it).
type ObserveIngester interface {
	ObserveIngest(status int, reason string, bytes int64, d time.Duration)
}

// ReadyCheck is one named readiness check; nil error means usable.
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// handleHealthz answers 200 while the process serves HTTP at all.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz runs every readiness check and answers 200 when all pass,
// 503 with the failing check names otherwise. The failure's text is logged,
// never shown.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	checks := map[string]string{}
	ready := true
	for _, c := range s.deps.Ready {
		if err := c.Check(ctx); err != nil {
			s.logger.Warn("not ready", "check", c.Name, "err", err)
			checks[c.Name] = "failed"
			ready = false
			continue
		}
		checks[c.Name] = "ok"
	}
	if !ready {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "checks": checks})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "checks": checks})
}

// handleMetrics serves the Prometheus registry; with Config.MetricsToken
// set, only to a bearer of that token.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if s.deps.MetricsHandler == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "Metrics are not enabled."))
		return
	}
	if tok := s.cfg.MetricsToken; tok != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			s.Error(w, r, trailguide.Errorf(trailguide.EUNAUTHORIZED, "Unauthorized."))
			return
		}
	}
	s.deps.MetricsHandler.ServeHTTP(w, r)
}
