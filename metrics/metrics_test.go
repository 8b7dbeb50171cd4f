package metrics_test

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestBlobErrorsCounted: failures of the wrapped blob store count by
// operation; a missing key does not; RemoveTemp still reaches fileblob.
func TestBlobErrorsCounted(t *testing.T) {
	root := t.TempDir()
	fb, err := fileblob.New(root)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	b := m.Blobs(fb)
	ctx := context.Background()
	if err := b.Put(ctx, "p/s/ok", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, "p/s/missing"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("get missing: %v", err)
	}
	if err := b.Put(ctx, "../escape", []byte("x")); err == nil {
		t.Fatal("bad key accepted")
	}
	// A leftover temporary file is swept through the wrapper.
	if err := os.WriteFile(filepath.Join(root, "p", "s", ".tmp-leftover"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts, ok := b.(interface {
		RemoveTemp(context.Context, string, time.Time) (int, error)
	})
	if !ok {
		t.Fatal("wrapper hides RemoveTemp")
	}
	if n, err := ts.RemoveTemp(ctx, "p/s/", time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("RemoveTemp: %d %v", n, err)
	}
	out := scrape(t, m)
	if !strings.Contains(out, `trailguide_store_errors_total{op="put",store="blob"} 1`) {
		t.Errorf("put failure not counted:\n%s", out)
	}
	if strings.Contains(out, `op="get"`) {
		t.Errorf("a missing key counted as an error:\n%s", out)
	}
}

func TestObserve(t *testing.T) {
	m := metrics.New()
	m.ObserveIngest(200, "", 100, 3*time.Millisecond)
	m.ObserveIngest(200, "stop", 50, time.Millisecond)
	m.ObserveIngest(400, "events[].type", 10, time.Millisecond)
	m.ObserveJob("compaction", time.Second, nil)
	m.ObserveJob("retention", time.Second, io.EOF)
	out := scrape(t, m)
	for _, want := range []string{
		`trailguide_ingest_batches_total{status="2xx"} 2`,
		`trailguide_ingest_batches_total{status="4xx"} 1`,
		`trailguide_ingest_bytes_total 160`,
		`trailguide_ingest_duration_seconds_count 3`,
		`trailguide_ingest_rejections_total{reason="events[].type"} 1`,
		`trailguide_ingest_rejections_total{reason="stop"} 1`,
		`trailguide_worker_jobs_total{kind="compaction",result="ok"} 1`,
		`trailguide_worker_jobs_total{kind="retention",result="error"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}
