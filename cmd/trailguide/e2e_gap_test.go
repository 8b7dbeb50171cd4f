package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/internal/browsertest"
)

// TestE2EDataMissing: a window whose seqs 4 and 5 never arrive. The batch
// after the gap is acknowledged with a request for a full snapshot, the
// recording API reports the gap, and the replay shows "Data missing" over
// the stage there instead of replaying incremental events onto a stale
// page. With TG_DOC_SCREENSHOTS set it saves docs/img/replay-data-missing.png.
func TestE2EDataMissing(t *testing.T) {
	ctx := browsertest.New(t, 3*time.Minute)
	data := t.TempDir()
	createProject(t, data, nil)
	srv := startE2EServer(t, data)

	bodies := batchgen.Session(77, batchgen.Options{Start: time.Now().Add(-2 * time.Minute), Batches: 12, PageEvery: 3})
	for _, b := range bodies {
		if b.Batch.Seq == 4 || b.Batch.Seq == 5 {
			continue // lost
		}
		// Sent now, as an SDK replaying its queue would: no clock skew to correct.
		b.Batch.SentAt = time.Now().UnixMilli()
		if b.Batch.Seq == 6 {
			b.Batch.Dropped = 2 // the SDK reports what its bound dropped
		}
		raw, err := json.Marshal(b.Batch)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.Post(srv.URL+"/ingest/v1/batch", "", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var r struct {
			Ack      int64 `json:"ack"`
			Snapshot bool  `json:"snapshot"`
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &r) != nil || r.Ack != b.Batch.Seq {
			t.Fatalf("seq %d: %d %s", b.Batch.Seq, res.StatusCode, body)
		}
		if r.Snapshot != (b.Batch.Seq == 6) {
			t.Errorf("seq %d: snapshot %v, want it only right after the gap", b.Batch.Seq, r.Snapshot)
		}
	}

	api := adminClient(t, srv)
	project := api.projectByKey(stormKey)
	sid := bodies[0].Batch.Session
	var rec struct {
		Gaps []struct {
			From int64 `json:"from_seq"`
			To   int64 `json:"to_seq"`
		} `json:"gaps"`
	}
	if code := api.do("GET", "/api/v1/projects/"+project.ID+"/sessions/"+sid+"/recording", nil, &rec); code != http.StatusOK {
		t.Fatalf("recording: %d", code)
	}
	if len(rec.Gaps) != 1 || rec.Gaps[0].From != 4 || rec.Gaps[0].To != 5 {
		t.Fatalf("gaps = %+v, want seqs 4-5", rec.Gaps)
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
	setupUI(t, ctx, srv)
	// Seq 3 ends 20 s into the window and seq 6 (a page load) starts at 30 s.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/sessions/"+sid+"?t=22")); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.CSS(".gap-notice"))); err != nil {
		shot(t, ctx, "gap-notice-missing")
		if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.session-page') ? document.querySelector('.session-page').innerText.slice(0, 600) : document.body.innerText.slice(0, 600)`)); err == nil {
			t.Logf("page text: %s", v)
		}
		t.Fatalf("no data-missing notice in the gap: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".gap-notice")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Data missing") || !strings.Contains(text, "dropped 2 batches") {
		t.Errorf("notice text %q, want it to say Data missing and that the browser dropped 2 batches", text)
	}
	docShot(t, ctx, "replay-data-missing.png")
	// Past the next full snapshot the replay is trustworthy again.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/projects/"+project.ID+"/sessions/"+sid+"?t=45"),
		chromedp.WaitVisible(chromedp.CSS("iframe")), chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.gap-notice').length`))
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("data-missing notice shown after the next full snapshot")
	}
}
