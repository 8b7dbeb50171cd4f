package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"sort"
	"time"

	"github.com/trailguide/trailguide"
)

// WebhookStore implements trailguide.WebhookStore.
type WebhookStore struct {
	db *DB
}

var _ trailguide.WebhookStore = (*WebhookStore)(nil)

// NewWebhookStore returns the webhook store of db.
func NewWebhookStore(db *DB) *WebhookStore { return &WebhookStore{db: db} }

// CreateWebhook stores w; an empty ID or CreatedAt is filled in.
func (s *WebhookStore) CreateWebhook(ctx context.Context, w *trailguide.Webhook) error {
	if w.ID == "" {
		w.ID = randomID()
	}
	if w.CreatedAt.IsZero() {
		w.CreatedAt = s.db.now()
	}
	w.CreatedAt = fromMS(ms(w.CreatedAt))
	events, _ := json.Marshal(w.Events)
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, project_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			w.ID, w.ProjectID, w.URL, string(events), w.Secret, ms(w.CreatedAt))
		if isUnique(err) {
			return trailguide.Errorf(trailguide.ECONFLICT, "Webhook exists.")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	return nil
}

const webhookCols = `id, project_id, url, events, secret, created_at`

func scanWebhook(sc interface{ Scan(...any) error }) (*trailguide.Webhook, error) {
	var w trailguide.Webhook
	var events string
	var created int64
	if err := sc.Scan(&w.ID, &w.ProjectID, &w.URL, &events, &w.Secret, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return nil, fmt.Errorf("webhook %s events: %w", w.ID, err)
	}
	w.CreatedAt = fromMS(created)
	return &w, nil
}

// Webhooks returns a project's webhooks, oldest first.
func (s *WebhookStore) Webhooks(ctx context.Context, projectID string) ([]*trailguide.Webhook, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE project_id = ? ORDER BY created_at, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	defer rows.Close()
	out := []*trailguide.Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("webhooks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhook returns one webhook of a project.
func (s *WebhookStore) Webhook(ctx context.Context, projectID, id string) (*trailguide.Webhook, error) {
	w, err := scanWebhook(s.db.reader().QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE project_id = ? AND id = ?`, projectID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Webhook not found.")
	} else if err != nil {
		return nil, fmt.Errorf("webhook %s: %w", id, err)
	}
	return w, nil
}

// DeleteWebhook removes a webhook with its deliveries.
func (s *WebhookStore) DeleteWebhook(ctx context.Context, projectID, id string) error {
	return s.db.write(ctx, func(ctx context.Context, tx q) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = ? AND project_id = ?`, id, projectID); err != nil {
			return fmt.Errorf("delete deliveries: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE project_id = ? AND id = ?`, projectID, id)
		if err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return trailguide.Errorf(trailguide.ENOTFOUND, "Webhook not found.")
		}
		return nil
	})
}

// EnqueueDelivery stores d as pending once per (webhook, dedupe key).
func (s *WebhookStore) EnqueueDelivery(ctx context.Context, d *trailguide.WebhookDelivery) (bool, error) {
	if d.ID == "" {
		d.ID = randomID()
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = s.db.now()
	}
	if d.NextAt.IsZero() {
		d.NextAt = d.CreatedAt
	}
	if d.DedupeKey == "" {
		d.DedupeKey = d.ID
	}
	d.Status = trailguide.DeliveryPending
	var created bool
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, project_id, event, dedupe_key, payload, status, next_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (webhook_id, dedupe_key) DO NOTHING`,
			d.ID, d.WebhookID, d.ProjectID, d.Event, d.DedupeKey, []byte(d.Payload), d.Status, ms(d.NextAt), ms(d.CreatedAt))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		created = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("enqueue delivery: %w", err)
	}
	return created, nil
}

const deliveryCols = `id, webhook_id, project_id, event, dedupe_key, payload, status, attempts, last_status, last_error, next_at, created_at, delivered_at`

func scanDeliveries(rows pgx.Rows) ([]*trailguide.WebhookDelivery, error) {
	defer rows.Close()
	out := []*trailguide.WebhookDelivery{}
	for rows.Next() {
		var d trailguide.WebhookDelivery
		var payload []byte
		var next, created, delivered int64
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.ProjectID, &d.Event, &d.DedupeKey, &payload, &d.Status, &d.Attempts,
			&d.LastStatus, &d.LastError, &next, &created, &delivered); err != nil {
			return nil, err
		}
		d.Payload = payload
		d.NextAt, d.CreatedAt, d.DeliveredAt = fromMS(next), fromMS(created), fromMS(delivered)
		if d.Status != trailguide.DeliveryPending {
			d.NextAt = time.Time{}
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

// DeliveryClaim is how long DueDeliveries hides the deliveries it returns
// from other nodes: every worker node runs the webhook sender, and without
// a claim two nodes would post the same delivery. UpdateDelivery stores the
// real next attempt; a delivery whose sender died is due again after the
// claim (at least once, never twice at a time). It exceeds a full pass of
// 50 deliveries at the sender's 10 s timeout.
const DeliveryClaim = 10 * time.Minute

// DueDeliveries claims and returns pending deliveries due by now, oldest
// first (see DeliveryClaim); deliveries another node claimed are skipped.
func (s *WebhookStore) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*trailguide.WebhookDelivery, error) {
	var ds []*trailguide.WebhookDelivery
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		rows, err := tx.QueryContext(ctx, `WITH due AS (
				SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_at <= ? AND claimed_until <= ?
				ORDER BY next_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
			UPDATE webhook_deliveries w SET claimed_until = ? FROM due WHERE w.id = due.id
			RETURNING `+prefixColumns("w.", deliveryCols), ms(now), ms(now), limit, ms(now.Add(DeliveryClaim)))
		if err != nil {
			return err
		}
		ds, err = scanDeliveries(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	sort.Slice(ds, func(i, j int) bool {
		if !ds[i].NextAt.Equal(ds[j].NextAt) {
			return ds[i].NextAt.Before(ds[j].NextAt)
		}
		return ds[i].ID < ds[j].ID
	})
	return ds, nil
}

// UpdateDelivery stores an attempt's outcome.
func (s *WebhookStore) UpdateDelivery(ctx context.Context, d *trailguide.WebhookDelivery) error {
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		// The outcome ends DueDeliveries' claim.
		_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?,
			next_at = ?, delivered_at = ?, claimed_until = 0 WHERE id = ?`, d.Status, d.Attempts, d.LastStatus, d.LastError, ms(d.NextAt), ms(d.DeliveredAt), d.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("update delivery: %w", err)
	}
	return nil
}

// Deliveries returns a webhook's deliveries, newest first.
func (s *WebhookStore) Deliveries(ctx context.Context, projectID, webhookID string, limit int) ([]*trailguide.WebhookDelivery, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries
		WHERE project_id = ? AND webhook_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, projectID, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	ds, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	return ds, nil
}
