package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

func testWebhooks(t *testing.T, s Stores) {
	ws := s.Webhooks
	if ws == nil {
		t.Skip("no webhook store")
	}
	ctx := context.Background()
	mustCreateProject(t, s, "p")
	mustCreateProject(t, s, "q")
	w := &trailguide.Webhook{ProjectID: "p", URL: "https://hooks.example/tg", Events: []string{trailguide.WebhookSessionError}, Secret: "s3", CreatedAt: t0}
	if err := ws.CreateWebhook(ctx, w); err != nil || w.ID == "" {
		t.Fatalf("create: %+v %v", w, err)
	}
	w2 := &trailguide.Webhook{ProjectID: "p", URL: "https://b.example/", Events: []string{trailguide.WebhookFrictionSpike, trailguide.WebhookGuideImpact}, Secret: "s4", CreatedAt: t0.Add(time.Second)}
	if err := ws.CreateWebhook(ctx, w2); err != nil {
		t.Fatal(err)
	}
	list, err := ws.Webhooks(ctx, "p")
	if err != nil || len(list) != 2 || list[0].ID != w.ID || list[1].Events[1] != trailguide.WebhookGuideImpact || list[0].Secret != "s3" {
		t.Fatalf("webhooks: %+v %v", list, err)
	}
	if got, err := ws.Webhook(ctx, "q", w.ID); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("another project's webhook: %+v %v", got, err)
	}
	if l, err := ws.Webhooks(ctx, "q"); err != nil || len(l) != 0 {
		t.Errorf("q's webhooks: %v %v", l, err)
	}

	d := &trailguide.WebhookDelivery{WebhookID: w.ID, ProjectID: "p", Event: trailguide.WebhookSessionError, DedupeKey: "session-1",
		Payload: json.RawMessage(`{"session":"session-1"}`), CreatedAt: t0}
	if created, err := ws.EnqueueDelivery(ctx, d); err != nil || !created || d.Status != trailguide.DeliveryPending {
		t.Fatalf("enqueue: %v %v %+v", created, err, d)
	}
	again := *d
	again.ID = ""
	if created, err := ws.EnqueueDelivery(ctx, &again); err != nil || created {
		t.Errorf("same dedupe key enqueued twice: %v %v", created, err)
	}
	if due, err := ws.DueDeliveries(ctx, t0.Add(-time.Second), 10); err != nil || len(due) != 0 {
		t.Errorf("due before next_at: %v %v", due, err)
	}
	due, err := ws.DueDeliveries(ctx, t0, 10)
	if err != nil || len(due) != 1 || string(due[0].Payload) != `{"session":"session-1"}` || due[0].DedupeKey != "session-1" {
		t.Fatalf("due: %+v %v", due, err)
	}
	got := due[0]
	got.Attempts, got.LastStatus, got.LastError, got.NextAt = 1, 500, "HTTP 500", t0.Add(time.Minute)
	if err := ws.UpdateDelivery(ctx, got); err != nil {
		t.Fatal(err)
	}
	if due, _ := ws.DueDeliveries(ctx, t0.Add(30*time.Second), 10); len(due) != 0 {
		t.Errorf("retry due too early: %+v", due)
	}
	got.Attempts, got.LastStatus, got.LastError, got.Status, got.DeliveredAt = 2, 204, "", trailguide.DeliveryDelivered, t0.Add(time.Minute)
	if err := ws.UpdateDelivery(ctx, got); err != nil {
		t.Fatal(err)
	}
	if due, _ := ws.DueDeliveries(ctx, t0.Add(time.Hour), 10); len(due) != 0 {
		t.Errorf("delivered still due: %+v", due)
	}
	log, err := ws.Deliveries(ctx, "p", w.ID, 10)
	if err != nil || len(log) != 1 || log[0].Status != trailguide.DeliveryDelivered || log[0].Attempts != 2 || log[0].LastStatus != 204 ||
		!log[0].DeliveredAt.Equal(t0.Add(time.Minute)) || !log[0].NextAt.IsZero() {
		t.Errorf("log: %+v %v", log, err)
	}
	if log, _ := ws.Deliveries(ctx, "q", w.ID, 10); len(log) != 0 {
		t.Errorf("another project's log: %+v", log)
	}

	if err := ws.DeleteWebhook(ctx, "q", w.ID); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("delete from another project: %v", err)
	}
	if err := ws.DeleteWebhook(ctx, "p", w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Webhook(ctx, "p", w.ID); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("deleted webhook: %v", err)
	}
	if log, _ := ws.Deliveries(ctx, "p", w.ID, 10); len(log) != 0 {
		t.Errorf("deleted webhook's deliveries: %+v", log)
	}
}
