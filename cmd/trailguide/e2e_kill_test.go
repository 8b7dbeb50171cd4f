package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/internal/browsertest"
	"github.com/trailguide/trailguide/sqlite"
)

// TestE2EKillBetweenBatches kills the server with SIGKILL while a real
// browser is recording, keeps interacting while it is down, restarts it on the
// same data dir, and checks that every batch the server acknowledged is
// stored and that the SDK resent the rest: each window's seqs are stored
// without a gap.
func TestE2EKillBetweenBatches(t *testing.T) {
	browserCtx := browsertest.New(t, 4*time.Minute)
	data := t.TempDir()
	srv := startE2EServer(t, data, "--demo")
	proxy := newCaptureProxy(t, srv.URL)

	if err := chromedp.Do(browserCtx, chromedp.Navigate(proxy.URL+"/demo/"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if err := waitSDK(browserCtx); err != nil {
		t.Fatal(err)
	}
	interact := func(n int) {
		for i := 0; i < n; i++ {
			if err := chromedp.Do(browserCtx,
				chromedp.MouseEvent("mouseMoved", float64(100+i*37%600), float64(150+i*53%400)),
				chromedp.MouseClickXY(float64(120+i*41%600), float64(200+i*29%300)),
				chromedp.Sleep(300*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
		}
	}
	interact(5)
	eventually(t, 20*time.Second, "a first acknowledged batch", func() error {
		if _, acked := proxy.Batches(t); len(acked) == 0 {
			return fmt.Errorf("none yet")
		}
		return nil
	})

	srv.Kill()
	interact(12) // the SDK keeps recording and fails to send
	time.Sleep(2 * time.Second)

	srv2 := startE2EServer(t, data, "--demo")
	proxy.SetTarget(srv2.URL)
	interact(4)
	// Navigating flushes on pagehide; the SDK resends what is pending.
	if err := chromedp.Do(browserCtx, chromedp.Navigate(proxy.URL+"/demo/pricing.html"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	// A batch whose request the navigation cut off is resent by the next
	// page's SDK from localStorage: let it start (on a loaded machine the
	// lazy recorder can take longer than the interaction below).
	if err := waitSDK(browserCtx); err != nil {
		t.Fatal(err)
	}
	interact(2)
	leaveMarked(t, browserCtx, "test-end")

	// Wait until every batch the browser ever tried to send is acknowledged
	// and the last page's page-hide requests have arrived.
	eventually(t, 90*time.Second, "all sent batches acknowledged", func() error {
		if !proxy.QuietFor("/ingest/v1/batch", 2*time.Second) {
			return fmt.Errorf("batches still arriving")
		}
		sent, acked := proxy.Batches(t)
		// the last page's recording has arrived (its load and its page-hide)
		pricing := false
		for _, b := range acked {
			for _, e := range b.Events {
				pricing = pricing || bytes.Contains(e, []byte("pricing.html"))
			}
		}
		if !pricing || !proxy.AckedTrack(t, "test-end") {
			return fmt.Errorf("the pricing page's load or page-hide batch is not acknowledged yet")
		}
		want := map[string]bool{}
		for _, b := range sent {
			want[fmt.Sprintf("%s/%s/%d", b.Session, b.Window, b.Seq)] = true
		}
		for _, b := range acked {
			delete(want, fmt.Sprintf("%s/%s/%d", b.Session, b.Window, b.Seq))
		}
		if len(want) > 0 {
			var detail []string
			for _, r := range proxy.Requests() {
				if r.Path == "/ingest/v1/batch" {
					var b wireBatch
					_ = json.Unmarshal(r.Body, &b)
					detail = append(detail, fmt.Sprintf("seq=%d ev=%d sig=%d len=%d -> %d:%.80s", b.Seq, len(b.Events), len(b.Signals), len(r.Body), r.Status, r.Resp))
				} else {
					detail = append(detail, r.Method+" "+r.Path)
				}
			}
			return fmt.Errorf("%d batches sent but not acknowledged yet %v (attempts: %v)", len(want), want, detail)
		}
		return nil
	})
	srv2.Stop()

	db, err := sqlite.Open(filepath.Join(data, "trailguide.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	ingest := sqlite.NewIngestStore(db)
	projects := sqlite.NewProjectStore(db)
	project, err := projects.ProjectByKey(context.Background(), e2eDemoKey)
	if err != nil {
		t.Fatal(err)
	}
	sent, acked := proxy.Batches(t)
	minSeq := map[[2]string]int64{}
	for _, b := range sent {
		k := [2]string{b.Session, b.Window}
		if v, ok := minSeq[k]; !ok || b.Seq < v {
			minSeq[k] = b.Seq
		}
	}
	maxSeq := map[[2]string]int64{}
	for _, b := range acked {
		k := [2]string{b.Session, b.Window}
		if b.Seq > maxSeq[k] {
			maxSeq[k] = b.Seq
		}
		ok, err := ingest.HasBatch(context.Background(), project.ID, b.Session, b.Window, b.Seq)
		if err != nil || !ok {
			t.Errorf("acknowledged batch %s/%s/%d is not stored (err %v)", b.Session, b.Window, b.Seq, err)
		}
	}
	if len(maxSeq) == 0 {
		t.Fatal("nothing acknowledged")
	}
	for k, max := range maxSeq {
		for seq := minSeq[k]; seq <= max; seq++ {
			ok, err := ingest.HasBatch(context.Background(), project.ID, k[0], k[1], seq)
			if err != nil || !ok {
				t.Errorf("window %v: seq %d missing after the restart (gap)", k, seq)
			}
		}
	}
	// The outage really cost requests, and what failed was sent again.
	failed := map[string]bool{}
	for _, r := range proxy.Requests() {
		if r.Path != "/ingest/v1/batch" || r.Status == http.StatusOK {
			continue
		}
		var b wireBatch
		if err := json.Unmarshal(r.Body, &b); err == nil {
			failed[fmt.Sprintf("%s/%s/%d", b.Session, b.Window, b.Seq)] = true
		}
	}
	if len(failed) == 0 {
		t.Fatal("no batch failed while the server was down; the test did not exercise a resend")
	}
	for k := range failed {
		var session, window string
		var seq int64
		parts := strings.SplitN(k, "/", 3)
		session, window = parts[0], parts[1]
		fmt.Sscan(parts[2], &seq)
		if ok, err := ingest.HasBatch(context.Background(), project.ID, session, window, seq); err != nil || !ok {
			var hist []string
			for _, r := range proxy.Requests() {
				var b wireBatch
				if r.Path == "/ingest/v1/batch" && json.Unmarshal(r.Body, &b) == nil {
					hist = append(hist, fmt.Sprintf("%s/%s/%d ev=%d sig=%d -> %d %s", b.Session[:6], b.Window[:6], b.Seq, len(b.Events), len(b.Signals), r.Status, r.Resp))
				}
			}
			t.Errorf("batch %s failed during the outage and was never stored; requests:\n%s", k, strings.Join(hist, "\n"))
		}
	}
}
