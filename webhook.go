package trailguide

import (
	"context"
	"encoding/json"
	"time"
)

// Webhook events a project can subscribe a URL to.
const (
	// WebhookFrictionSpike: an element's friction detections of one
	// signal in the last hour are at least 5 and at least 3 times those
	// of the hour before.
	WebhookFrictionSpike = "friction.spike"
	// WebhookSessionError: a session with JavaScript errors or failed
	// requests was closed (analysed) by the worker.
	WebhookSessionError = "session.error"
	// WebhookGuideImpact: a guide's measured effect on friction became
	// statistically significant. Modelled now; guides emit it.
	WebhookGuideImpact = "guide.impact_significant"
	// WebhookPing is sent by the "send test" action only.
	WebhookPing = "ping"
)

// WebhookEvents are the events a webhook may subscribe to.
var WebhookEvents = []string{WebhookFrictionSpike, WebhookSessionError, WebhookGuideImpact}

// Webhook is a URL a project sends events to, signed with Secret
// (HMAC-SHA256; the secret is shown once, when the webhook is created).
type Webhook struct {
	ID        string    `json:"id"`
	ProjectID string    `json:"project_id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Secret    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // waiting for its next attempt
	DeliveryDelivered = "delivered" // a 2xx answer
	DeliveryFailed    = "failed"    // gave up after the last attempt
)

// WebhookDelivery is one event sent (or to be sent) to one webhook, and
// the log of its attempts' outcome.
type WebhookDelivery struct {
	ID        string `json:"id"`
	WebhookID string `json:"webhook_id"`
	ProjectID string `json:"project_id"`
	Event     string `json:"event"`
	// DedupeKey makes an event idempotent per webhook (a session id, an
	// element and hour): enqueueing the same key twice stores one delivery.
	DedupeKey   string          `json:"-"`
	Payload     json.RawMessage `json:"payload"`
	Status      string          `json:"status"`
	Attempts    int             `json:"attempts"`
	LastStatus  int             `json:"last_status,omitempty"` // HTTP status of the last attempt
	LastError   string          `json:"last_error,omitempty"`
	NextAt      time.Time       `json:"next_at,omitzero"`
	CreatedAt   time.Time       `json:"created_at"`
	DeliveredAt time.Time       `json:"delivered_at,omitzero"`
}

// WebhookStore keeps webhooks and their deliveries.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, w *Webhook) error
	// Webhooks returns a project's webhooks, oldest first.
	Webhooks(ctx context.Context, projectID string) ([]*Webhook, error)
	// Webhook returns ENOTFOUND for an unknown id or another project's.
	Webhook(ctx context.Context, projectID, id string) (*Webhook, error)
	// DeleteWebhook removes a webhook and its deliveries; ENOTFOUND when
	// unknown.
	DeleteWebhook(ctx context.Context, projectID, id string) error
	// EnqueueDelivery stores d as pending unless a delivery with the same
	// webhook and DedupeKey exists; created reports which.
	EnqueueDelivery(ctx context.Context, d *WebhookDelivery) (created bool, err error)
	// DueDeliveries returns pending deliveries whose NextAt is not after
	// now, oldest first.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*WebhookDelivery, error)
	// UpdateDelivery stores a delivery's status, attempts, last answer and
	// next attempt.
	UpdateDelivery(ctx context.Context, d *WebhookDelivery) error
	// Deliveries returns a webhook's deliveries, newest first.
	Deliveries(ctx context.Context, projectID, webhookID string, limit int) ([]*WebhookDelivery, error)
}
