package httpapi

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/trailguide/trailguide"
)

// rateLimiter is a fixed-window counter per key (a client IP). It guards the
// password endpoints, where a few attempts a minute is plenty for a person
// and far too few for guessing.
type rateLimiter struct {
	limit  int
	window time.Duration
	clock  trailguide.Clock

	mu    sync.Mutex
	hits  map[string]*window
	swept time.Time
}

type window struct {
	start time.Time
	n     int
}

func newRateLimiter(limit int, per time.Duration, clock trailguide.Clock) *rateLimiter {
	return &rateLimiter{limit: limit, window: per, clock: clock, hits: make(map[string]*window)}
}

// allow counts one attempt for key and reports whether it is within the
// limit; when not, wait is how long until the window resets.
func (l *rateLimiter) allow(key string) (ok bool, wait time.Duration) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.window {
		for k, w := range l.hits {
			if now.Sub(w.start) >= l.window {
				delete(l.hits, k)
			}
		}
		l.swept = now
	}
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.hits[key] = w
	}
	if w.n >= l.limit {
		return false, w.start.Add(l.window).Sub(now)
	}
	w.n++
	return true, 0
}

// allowAttempt applies the login limiter to r's client IP; over the limit it
// answers 429 with Retry-After and returns false. The IP is the connection's
// peer: behind a reverse proxy all clients share its limit.
func (s *Server) allowAttempt(w http.ResponseWriter, r *http.Request) bool {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	ok, wait := s.limiter.allow(ip)
	if ok {
		return true
	}
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.Error(w, r, trailguide.Errorf(trailguide.ERATELIMITED, "Too many attempts; try again later."))
	return false
}
