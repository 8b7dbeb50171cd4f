package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/webhook"
)

// This file: a project's webhooks (admins only): subscribe a URL to
// events, list and delete, read the delivery log, send a test event.
// Delivery itself is the worker's (webhook.Service.Run).

// webhookDeliveriesShown is how many deliveries the log returns.
const webhookDeliveriesShown = 50

// maxWebhooks bounds a project's webhooks.
const maxWebhooks = 20

func (s *Server) webhookStore(w http.ResponseWriter, r *http.Request) (*trailguide.Project, bool) {
	p := s.adminProject(w, r)
	if p == nil {
		return nil, false
	}
	if s.deps.Webhooks == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "Webhooks are not available."))
		return nil, false
	}
	return p, true
}

func (s *Server) handleListWebhooks(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookStore(w, r)
	if !ok {
		return
	}
	hooks, err := s.deps.Webhooks.Webhooks(r.Context(), p.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("list webhooks: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": hooks, "events": trailguide.WebhookEvents})
}

func (s *Server) handleCreateWebhook(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookStore(w, r)
	if !ok {
		return
	}
	var in struct {
		URL    string   `json:"url"`
		Events []string `json:"events"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	in.URL = strings.TrimSpace(in.URL)
	if err := webhook.ValidURL(in.URL); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := webhook.ValidEvents(in.Events); err != nil {
		s.Error(w, r, err)
		return
	}
	slices.Sort(in.Events)
	in.Events = slices.Compact(in.Events)
	hooks, err := s.deps.Webhooks.Webhooks(r.Context(), p.ID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("list webhooks: %w", err))
		return
	}
	if len(hooks) >= maxWebhooks {
		s.Error(w, r, trailguide.Errorf(trailguide.ECONFLICT, "A project has at most %d webhooks.", maxWebhooks))
		return
	}
	h := &trailguide.Webhook{ID: NewID(), ProjectID: p.ID, URL: in.URL, Events: in.Events, Secret: webhook.NewSecret(), CreatedAt: s.now()}
	if err := s.deps.Webhooks.CreateWebhook(r.Context(), h); err != nil {
		s.Error(w, r, fmt.Errorf("create webhook: %w", err))
		return
	}
	s.logger.Info("webhook created", "project_id", p.ID, "webhook_id", h.ID, "by", principalFrom(r.Context()).actor())
	// The secret is shown once, like an API key's.
	writeJSON(w, http.StatusCreated, map[string]any{"webhook": h, "secret": h.Secret})
}

func (s *Server) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookStore(w, r)
	if !ok {
		return
	}
	if err := s.deps.Webhooks.DeleteWebhook(r.Context(), p.ID, r.PathValue("wid")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.logger.Info("webhook deleted", "project_id", p.ID, "webhook_id", r.PathValue("wid"), "by", principalFrom(r.Context()).actor())
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookStore(w, r)
	if !ok {
		return
	}
	if _, err := s.deps.Webhooks.Webhook(r.Context(), p.ID, r.PathValue("wid")); err != nil {
		s.Error(w, r, err)
		return
	}
	ds, err := s.deps.Webhooks.Deliveries(r.Context(), p.ID, r.PathValue("wid"), webhookDeliveriesShown)
	if err != nil {
		s.Error(w, r, fmt.Errorf("deliveries: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
}

func (s *Server) handleTestWebhook(w http.ResponseWriter, r *http.Request) {
	p, ok := s.webhookStore(w, r)
	if !ok {
		return
	}
	if s.deps.WebhookPinger == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "Webhook delivery is not running."))
		return
	}
	h, err := s.deps.Webhooks.Webhook(r.Context(), p.ID, r.PathValue("wid"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.deps.WebhookPinger.Ping(r.Context(), h)
	if err != nil {
		s.Error(w, r, fmt.Errorf("test webhook: %w", err))
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}
