package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/postgres"
)

// PostgresRetry is a retry sooner than the claim.
const PostgresRetry = 30 * time.Second

// TestDueDeliveriesClaim: two nodes asking for due deliveries at once never
// get the same one; a claim whose sender died runs out.
func TestDueDeliveriesClaim(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpenDB(t)
	if err := postgres.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P", PublicKey: "pk"}); err != nil {
		t.Fatal(err)
	}
	ws := postgres.NewWebhookStore(db)
	if err := ws.CreateWebhook(ctx, &trailguide.Webhook{ID: "w", ProjectID: "p", URL: "https://h.example/", Events: []string{trailguide.WebhookSessionError}, Secret: "s"}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, key := range []string{"a", "b", "c"} {
		if _, err := ws.EnqueueDelivery(ctx, &trailguide.WebhookDelivery{WebhookID: "w", ProjectID: "p", Event: trailguide.WebhookSessionError,
			DedupeKey: key, Payload: []byte(`{}`), CreatedAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(time.Minute)
	first, err := ws.DueDeliveries(ctx, now, 2)
	if err != nil || len(first) != 2 || first[0].DedupeKey != "a" || first[1].DedupeKey != "b" || !first[0].NextAt.Equal(t0) {
		t.Fatalf("first node: %+v %v", first, err)
	}
	second, err := ws.DueDeliveries(ctx, now, 10)
	if err != nil || len(second) != 1 || second[0].DedupeKey != "c" {
		t.Fatalf("second node: %+v %v", second, err)
	}
	if again, _ := ws.DueDeliveries(ctx, now.Add(time.Minute), 10); len(again) != 0 {
		t.Fatalf("claimed deliveries handed out again: %+v", again)
	}
	// The first node records an outcome for "a" and dies before "b".
	a := first[0]
	a.Attempts, a.Status, a.DeliveredAt, a.NextAt = 1, trailguide.DeliveryDelivered, now, time.Time{}
	if err := ws.UpdateDelivery(ctx, a); err != nil {
		t.Fatal(err)
	}
	if again, _ := ws.DueDeliveries(ctx, now.Add(postgres.DeliveryClaim-time.Second), 10); len(again) != 0 {
		t.Fatalf("claimed deliveries handed out before the claim ran out: %+v", again)
	}
	late, err := ws.DueDeliveries(ctx, now.Add(postgres.DeliveryClaim), 10)
	if err != nil || len(late) != 2 || late[0].DedupeKey != "b" || late[1].DedupeKey != "c" || !late[1].NextAt.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("after the claim ran out: %+v %v", late, err)
	}
	// An outcome ends the claim: a retry is due at its own time.
	b := late[0]
	b.Attempts, b.LastStatus, b.NextAt = 1, 500, now.Add(PostgresRetry)
	if err := ws.UpdateDelivery(ctx, b); err != nil {
		t.Fatal(err)
	}
	if retry, _ := ws.DueDeliveries(ctx, now.Add(PostgresRetry), 10); len(retry) != 1 || retry[0].DedupeKey != "b" {
		t.Fatalf("retry after an outcome: %+v", retry)
	}
}
