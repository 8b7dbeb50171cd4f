// Package webhook sends a project's events to the URLs it subscribed:
// friction spikes on an element, sessions with errors (and, once guides
// measure their impact, significant guide effects). Events are enqueued
// in the WebhookStore, deduplicated per webhook, and delivered by Run with
// an HMAC-SHA256 signature and retries with backoff; every attempt's
// outcome stays in the delivery log the dashboard shows.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/trailguide/trailguide"
)

// Header names of a delivery.
const (
	HeaderEvent     = "X-Trailguide-Event"
	HeaderDelivery  = "X-Trailguide-Delivery"
	HeaderSignature = "X-Trailguide-Signature" // t=UNIX,v1=HEX(HMAC-SHA256(secret, "UNIX." + body))
)

// DefaultBackoff is the wait after each failed attempt: six attempts over
// about seven and a half hours, then the delivery is failed.
var DefaultBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

// Spike thresholds: an element's detections of one signal in the sessions
// that started in the last SpikeWindow are at least SpikeMin and at least
// SpikeRatio times those of the window before.
const (
	SpikeWindow = 2 * time.Hour
	SpikeMin    = 5
	SpikeRatio  = 3
)

// Config tunes a Service; zero fields take the defaults noted.
type Config struct {
	Client   *http.Client    // 10 s timeout, no redirects followed
	Backoff  []time.Duration // DefaultBackoff
	Interval time.Duration   // how often Run delivers what is due (5 s)
	Clock    trailguide.Clock
	// BaseURL is the dashboard's address for links in payloads
	// ("https://trailguide.example.com"); links are left out without it.
	BaseURL string
}

// Service enqueues and delivers webhook events.
type Service struct {
	cfg      Config
	store    trailguide.WebhookStore
	sessions trailguide.SessionStore
	friction trailguide.FrictionStore // nil: no spike events
	logger   *slog.Logger

	mu    sync.Mutex
	dirty map[string]bool // projects with newly closed sessions: check for spikes
}

// New returns a Service.
func New(cfg Config, store trailguide.WebhookStore, sessions trailguide.SessionStore, friction trailguide.FrictionStore, logger *slog.Logger) *Service {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = trailguide.SystemClock{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: store, sessions: sessions, friction: friction,
		logger: logger.WithGroup("webhook"), dirty: map[string]bool{}}
}

// ValidURL checks a webhook URL: absolute http(s) with a host, at most 2048
// bytes, no user info.
func ValidURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case len(raw) > 2048:
		return trailguide.Invalid("url", "The URL is longer than 2048 characters.")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return trailguide.Invalid("url", "The URL must be http:// or https:// with a host.")
	case u.User != nil:
		return trailguide.Invalid("url", "The URL must not carry a user name or password.")
	}
	return nil
}

// ValidEvents checks a subscription list: at least one, each known.
func ValidEvents(events []string) error {
	if len(events) == 0 {
		return trailguide.Invalid("events", "Subscribe to at least one event.")
	}
	for i, e := range events {
		if !slices.Contains(trailguide.WebhookEvents, e) {
			return trailguide.Invalid(fmt.Sprintf("events[%d]", i), "Unknown event %q.", e)
		}
	}
	return nil
}

// NewSecret returns a signing secret: 32 random bytes, hex, prefixed.
func NewSecret() string { return "whsec_" + randomHex(32) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Sign returns the signature header value of body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", ts)
	mac.Write(body)
	return "t=" + strconv.FormatInt(ts, 10) + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signature header against body, as a receiver would:
// the HMAC matches and the timestamp is within tolerance of now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts int64
	var sig string
	for _, part := range bytes.Split([]byte(header), []byte(",")) {
		k, v, _ := bytes.Cut(part, []byte("="))
		switch string(k) {
		case "t":
			ts, _ = strconv.ParseInt(string(v), 10, 64)
		case "v1":
			sig = string(v)
		}
	}
	if ts == 0 || sig == "" || now.Sub(time.Unix(ts, 0)).Abs() > tolerance {
		return false
	}
	want := Sign(secret, ts, body)
	return hmac.Equal([]byte(want), []byte("t="+strconv.FormatInt(ts, 10)+",v1="+sig))
}

// Envelope is the JSON body of every delivery.
type Envelope struct {
	ID        string    `json:"id"` // the delivery id, also in X-Trailguide-Delivery
	Event     string    `json:"event"`
	ProjectID string    `json:"project_id"`
	CreatedAt time.Time `json:"created_at"`
	Data      any       `json:"data"`
}

// Emit enqueues event for every webhook of the project subscribed to it
// (every webhook for a ping). dedupeKey makes it idempotent per webhook.
// It returns how many deliveries it created.
func (s *Service) Emit(ctx context.Context, projectID, event, dedupeKey string, data any) (int, error) {
	hooks, err := s.store.Webhooks(ctx, projectID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, h := range hooks {
		if event != trailguide.WebhookPing && !slices.Contains(h.Events, event) {
			continue
		}
		if _, err := s.enqueue(ctx, h, event, dedupeKey, data); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Service) enqueue(ctx context.Context, h *trailguide.Webhook, event, dedupeKey string, data any) (*trailguide.WebhookDelivery, error) {
	now := s.cfg.Clock.Now().UTC().Truncate(time.Millisecond)
	id := randomHex(12)
	body, err := json.Marshal(Envelope{ID: id, Event: event, ProjectID: h.ProjectID, CreatedAt: now, Data: data})
	if err != nil {
		return nil, fmt.Errorf("webhook payload: %w", err)
	}
	d := &trailguide.WebhookDelivery{ID: id, WebhookID: h.ID, ProjectID: h.ProjectID, Event: event, DedupeKey: dedupeKey,
		Payload: body, CreatedAt: now, NextAt: now}
	if _, err := s.store.EnqueueDelivery(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// Ping enqueues a test event for one webhook and returns the delivery.
func (s *Service) Ping(ctx context.Context, h *trailguide.Webhook) (*trailguide.WebhookDelivery, error) {
	return s.enqueue(ctx, h, trailguide.WebhookPing, "", map[string]string{"message": "Test delivery from Trailguide."})
}

// SessionClosed is the worker's hook: a session with errors emits
// session.error, and its project is checked for friction spikes on the
// next Run tick.
func (s *Service) SessionClosed(ctx context.Context, projectID, sessionID string) {
	s.mu.Lock()
	s.dirty[projectID] = true
	s.mu.Unlock()
	sess, err := s.sessions.Session(ctx, projectID, sessionID)
	if err != nil {
		s.logger.Warn("session for webhooks", "project", projectID, "session", sessionID, "err", err)
		return
	}
	if sess.ErrorCount == 0 {
		return
	}
	data := map[string]any{
		"session_id": sess.ID, "visitor_id": sess.VisitorID, "user_id": sess.UserID, "url": sess.EntryURL,
		"started_at": sess.StartedAt, "duration_ms": sess.DurationMS, "error_count": sess.ErrorCount,
		"exit_class": sess.ExitClass,
	}
	if s.cfg.BaseURL != "" {
		data["replay_url"] = s.cfg.BaseURL + "/projects/" + projectID + "/sessions/" + sess.ID
	}
	if _, err := s.Emit(ctx, projectID, trailguide.WebhookSessionError, "session:"+sess.ID, data); err != nil {
		s.logger.Error("emit session.error", "project", projectID, "session", sessionID, "err", err)
	}
}

// CheckSpikes emits friction.spike for every element of the project whose
// detections in the sessions of the last SpikeWindow reach SpikeMin and
// SpikeRatio times the window before; once per element, signal and window.
func (s *Service) CheckSpikes(ctx context.Context, projectID string) (int, error) {
	if s.friction == nil {
		return 0, nil
	}
	now := s.cfg.Clock.Now().UTC()
	to := now.Truncate(time.Minute)
	rep, err := s.friction.FrictionReport(ctx, trailguide.FrictionQuery{ProjectID: projectID, From: to.Add(-SpikeWindow), To: to, Limit: 200})
	if err != nil {
		return 0, fmt.Errorf("friction report: %w", err)
	}
	bucket := now.Truncate(SpikeWindow).Unix()
	n := 0
	for _, el := range rep.Elements {
		prev := 0
		if el.Previous != nil {
			prev = el.Previous.Count
		}
		if el.Count < SpikeMin || el.Count < SpikeRatio*prev {
			continue
		}
		data := map[string]any{
			"url": el.URL, "selector": el.Selector, "text": el.Text, "signal": el.Signal,
			"count": el.Count, "previous_count": prev, "sessions": el.Sessions,
			"window_from": to.Add(-SpikeWindow), "window_to": to,
			"example_session_id": el.Example.SessionID,
		}
		if s.cfg.BaseURL != "" {
			data["friction_url"] = s.cfg.BaseURL + "/projects/" + projectID + "/friction"
		}
		key := fmt.Sprintf("spike:%s|%s|%s|%d", el.URL, el.Selector, el.Signal, bucket)
		c, err := s.Emit(ctx, projectID, trailguide.WebhookFrictionSpike, key, data)
		if err != nil {
			return n, err
		}
		n += c
	}
	return n, nil
}

// DeliverDue sends every delivery that is due and records each outcome.
// It returns how many were delivered.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	due, err := s.store.DueDeliveries(ctx, s.cfg.Clock.Now(), 50)
	if err != nil {
		return 0, err
	}
	delivered := 0
	hooks := map[string]*trailguide.Webhook{}
	for _, d := range due {
		h, ok := hooks[d.WebhookID]
		if !ok {
			if h, err = s.store.Webhook(ctx, d.ProjectID, d.WebhookID); err != nil {
				s.logger.Warn("webhook of a delivery", "delivery", d.ID, "err", err)
				continue
			}
			hooks[d.WebhookID] = h
		}
		if s.attempt(ctx, h, d) {
			delivered++
		}
		if err := s.store.UpdateDelivery(context.WithoutCancel(ctx), d); err != nil {
			return delivered, err
		}
	}
	return delivered, nil
}

// attempt posts d once and updates its status, attempts and next time.
func (s *Service) attempt(ctx context.Context, h *trailguide.Webhook, d *trailguide.WebhookDelivery) bool {
	now := s.cfg.Clock.Now()
	d.Attempts++
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(d.Payload))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Trailguide-Webhook/1")
		req.Header.Set(HeaderEvent, d.Event)
		req.Header.Set(HeaderDelivery, d.ID)
		req.Header.Set(HeaderSignature, Sign(h.Secret, now.Unix(), d.Payload))
		var resp *http.Response
		resp, err = s.cfg.Client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			d.LastStatus = resp.StatusCode
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				d.Status, d.LastError, d.DeliveredAt, d.NextAt = trailguide.DeliveryDelivered, "", now, time.Time{}
				return true
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
	}
	d.LastError = err.Error()
	if len(d.LastError) > 300 {
		d.LastError = d.LastError[:300]
	}
	if d.Attempts > len(s.cfg.Backoff) {
		d.Status, d.NextAt = trailguide.DeliveryFailed, time.Time{}
		s.logger.Warn("webhook delivery failed", "delivery", d.ID, "webhook", h.ID, "attempts", d.Attempts, "err", d.LastError)
		return false
	}
	d.NextAt = now.Add(s.cfg.Backoff[d.Attempts-1])
	return false
}

// Run delivers due events every Interval and checks the projects whose
// sessions closed for spikes, until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		s.mu.Lock()
		projects := make([]string, 0, len(s.dirty))
		for p := range s.dirty {
			projects = append(projects, p)
		}
		clear(s.dirty)
		s.mu.Unlock()
		for _, p := range projects {
			if _, err := s.CheckSpikes(ctx, p); err != nil && ctx.Err() == nil {
				s.logger.Error("friction spikes", "project", p, "err", err)
			}
		}
		if _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			s.logger.Error("deliver webhooks", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
