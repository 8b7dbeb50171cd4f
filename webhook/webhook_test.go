package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/sqlite"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// receiver is a loopback endpoint that answers with the statuses queued in
// plan (then 200) and keeps what it got.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	plan []int
	got  []received
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, plan ...int) *receiver {
	r := &receiver{plan: plan}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), body})
		status := 200
		if len(r.plan) > 0 {
			status, r.plan = r.plan[0], r.plan[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

type env struct {
	svc      *Service
	store    *sqlite.WebhookStore
	sessions *sqlite.SessionStore
	ingest   trailguide.IngestService
	clock    *clock
	project  *trailguide.Project
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "tg.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Now().UTC().Truncate(time.Millisecond)}
	db.Now = c.Now
	projects := sqlite.NewProjectStore(db)
	p := &trailguide.Project{ID: "proj1", OrgID: trailguide.DefaultOrgID, Name: "Shop", PublicKey: "tg_pk_webhooks", AllowedOrigins: []string{}, CreatedAt: c.Now()}
	if err := sqlite.NewUserStore(db).CreateOrg(context.Background(), &trailguide.Org{ID: trailguide.DefaultOrgID, Name: "Default", CreatedAt: c.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := projects.CreateProject(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	e := &env{store: sqlite.NewWebhookStore(db), sessions: sqlite.NewSessionStore(db), clock: c, project: p}
	e.ingest = ingest.NewService(ingest.Config{Clock: c}, projects, sqlite.NewIngestStore(db), nil)
	e.svc = New(Config{Clock: c, BaseURL: "https://tg.example", Backoff: []time.Duration{time.Minute, time.Hour}}, e.store, e.sessions, e.sessions, nil)
	return e
}

func (e *env) hook(t *testing.T, url string, events ...string) *trailguide.Webhook {
	t.Helper()
	h := &trailguide.Webhook{ProjectID: e.project.ID, URL: url, Events: events, Secret: NewSecret()}
	if err := e.store.CreateWebhook(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	return h
}

// send ingests one batch of session sid; errors adds that many error signals.
func (e *env) send(t *testing.T, sid string, errors int) {
	t.Helper()
	now := e.clock.Now().UnixMilli()
	signals := []trailguide.Signal{{Type: "pageview", TS: now - 10, URL: "https://shop.test/cart"}}
	for i := range errors {
		signals = append(signals, trailguide.Signal{Type: "error", TS: now - 5, URL: "https://shop.test/cart", Text: fmt.Sprintf("boom %d", i)})
	}
	b := trailguide.Batch{Key: e.project.PublicKey, Visitor: "visitor-" + sid, Session: sid, Window: "window-1", SentAt: now, SDK: "test",
		Events:  []json.RawMessage{json.RawMessage(fmt.Sprintf(`{"type":4,"data":{"href":"https://shop.test/cart","width":800,"height":600},"timestamp":%d}`, now-10))},
		Signals: signals}
	body, _ := json.Marshal(b)
	if _, err := e.ingest.Ingest(context.Background(), &trailguide.IngestRequest{Body: body, ReceivedAt: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
}

// TestSessionErrorDelivery: a closed session with errors is sent, signed,
// to the webhooks subscribed to session.error only, once, retried with
// backoff after a 500 and logged.
func TestSessionErrorDelivery(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rcv := newReceiver(t, 500)
	other := newReceiver(t)
	h := e.hook(t, rcv.URL+"/hook", trailguide.WebhookSessionError)
	e.hook(t, other.URL, trailguide.WebhookFrictionSpike)
	e.send(t, "session-ok-1", 0)
	e.send(t, "session-err-1", 2)

	e.svc.SessionClosed(ctx, e.project.ID, "session-ok-1")
	e.svc.SessionClosed(ctx, e.project.ID, "session-err-1")
	e.svc.SessionClosed(ctx, e.project.ID, "session-err-1") // closed twice: one event
	if n, err := e.svc.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("first attempt: %d delivered, %v; want the planned 500", n, err)
	}
	log, _ := e.store.Deliveries(ctx, e.project.ID, h.ID, 10)
	if len(log) != 1 || log[0].Status != trailguide.DeliveryPending || log[0].Attempts != 1 || log[0].LastStatus != 500 ||
		log[0].LastError != "HTTP 500" || !log[0].NextAt.Equal(e.clock.Now().Add(time.Minute)) {
		t.Fatalf("after a 500: %+v", log)
	}
	if n, _ := e.svc.DeliverDue(ctx); n != 0 {
		t.Errorf("retried before its backoff")
	}
	e.clock.Add(time.Minute)
	if n, err := e.svc.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	log, _ = e.store.Deliveries(ctx, e.project.ID, h.ID, 10)
	if log[0].Status != trailguide.DeliveryDelivered || log[0].Attempts != 2 || log[0].LastStatus != 200 {
		t.Errorf("after the retry: %+v", log[0])
	}
	if len(rcv.got) != 2 || len(other.got) != 0 {
		t.Fatalf("received %d (want 2 attempts), other %d (want 0)", len(rcv.got), len(other.got))
	}
	for _, g := range rcv.got {
		if !Verify(h.Secret, g.header.Get(HeaderSignature), g.body, e.clock.Now(), 5*time.Minute) {
			t.Errorf("signature %q does not verify", g.header.Get(HeaderSignature))
		}
		if Verify("wrong", g.header.Get(HeaderSignature), g.body, e.clock.Now(), 5*time.Minute) {
			t.Errorf("verifies with the wrong secret")
		}
		if g.header.Get(HeaderEvent) != trailguide.WebhookSessionError || g.header.Get(HeaderDelivery) != log[0].ID {
			t.Errorf("headers %v", g.header)
		}
	}
	var env struct {
		ID    string `json:"id"`
		Event string `json:"event"`
		Data  struct {
			SessionID  string `json:"session_id"`
			ErrorCount int    `json:"error_count"`
			ReplayURL  string `json:"replay_url"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rcv.got[1].body, &env); err != nil || env.ID != log[0].ID || env.Data.SessionID != "session-err-1" ||
		env.Data.ErrorCount != 2 || env.Data.ReplayURL != "https://tg.example/projects/proj1/sessions/session-err-1" {
		t.Errorf("payload %s (%v)", rcv.got[1].body, err)
	}
	if string(rcv.got[0].body) != string(rcv.got[1].body) {
		t.Errorf("a retry sent a different body")
	}
}

// TestDeliveryGivesUp: after the last backoff a delivery is failed and no
// longer attempted; an unreachable URL is an error like a 5xx.
func TestDeliveryGivesUp(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rcv := newReceiver(t)
	rcv.Close() // refuses connections
	h := e.hook(t, rcv.URL, trailguide.WebhookSessionError)
	d, err := e.svc.Ping(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		e.svc.DeliverDue(ctx)
		e.clock.Add(2 * time.Hour)
	}
	log, _ := e.store.Deliveries(ctx, e.project.ID, h.ID, 10)
	if len(log) != 1 || log[0].ID != d.ID || log[0].Status != trailguide.DeliveryFailed || log[0].Attempts != 3 || log[0].LastError == "" {
		t.Fatalf("log %+v", log)
	}
	if due, _ := e.store.DueDeliveries(ctx, e.clock.Now().Add(24*time.Hour), 10); len(due) != 0 {
		t.Errorf("failed delivery still due")
	}
}

// TestFrictionSpike: five rage clicks on one element in the last window
// against none before is a spike, sent once; fewer is not.
func TestFrictionSpike(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rcv := newReceiver(t)
	h := e.hook(t, rcv.URL, trailguide.WebhookFrictionSpike)
	detect := func(sid, selector string, n int) {
		e.send(t, sid, 0)
		f := &trailguide.SessionFriction{ProjectID: e.project.ID, SessionID: sid, Counts: map[string]int{"rage_click": n}, Score: 3 * n}
		for i := range n {
			f.Events = append(f.Events, &trailguide.Event{WindowID: "window-1", Seq: trailguide.FrictionSeq, Index: i, Type: trailguide.EventFriction,
				Time: e.clock.Now(), URL: "https://shop.test/cart", Selector: selector, Text: "Pay", Name: "rage_click", Data: []byte(`{"source":"server"}`)})
		}
		if err := e.sessions.ReplaceFriction(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	detect("session-spike-1", "#pay", 3)
	detect("session-spike-2", "#pay", 2)
	detect("session-calm-1", "#coupon", 4)
	e.clock.Add(time.Minute)
	for range 2 {
		if _, err := e.svc.CheckSpikes(ctx, e.project.ID); err != nil {
			t.Fatal(err)
		}
	}
	e.svc.DeliverDue(ctx)
	if len(rcv.got) != 1 {
		t.Fatalf("%d spike deliveries, want 1 (#pay only, once)", len(rcv.got))
	}
	var env struct {
		Event string `json:"event"`
		Data  struct {
			Selector      string `json:"selector"`
			Signal        string `json:"signal"`
			Count         int    `json:"count"`
			PreviousCount int    `json:"previous_count"`
		} `json:"data"`
	}
	json.Unmarshal(rcv.got[0].body, &env)
	if env.Event != trailguide.WebhookFrictionSpike || env.Data.Selector != "#pay" || env.Data.Signal != "rage_click" || env.Data.Count != 5 || env.Data.PreviousCount != 0 {
		t.Errorf("spike payload %s", rcv.got[0].body)
	}
	_ = h
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		url    string
		reason string
	}{
		{"https://hooks.example/x", ""}, {"http://127.0.0.1:9/x", ""}, {"ftp://x", "url"}, {"/relative", "url"},
		{"https://user:pw@hooks.example/", "url"},
	} {
		if err := ValidURL(tt.url); trailguide.ErrorReason(err) != tt.reason {
			t.Errorf("ValidURL(%q) = %v, want reason %q", tt.url, err, tt.reason)
		}
	}
	if err := ValidEvents(nil); trailguide.ErrorReason(err) != "events" {
		t.Errorf("no events: %v", err)
	}
	if err := ValidEvents([]string{"session.error", "nope"}); trailguide.ErrorReason(err) != "events[1]" {
		t.Errorf("unknown event: %v", err)
	}
	if err := ValidEvents(trailguide.WebhookEvents); err != nil {
		t.Errorf("all events: %v", err)
	}
}
