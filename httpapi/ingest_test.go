package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

func TestIngestBatch(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{MaxCompressedBytes: 64 << 10})
	start := testNow().Add(-time10m)
	plain := batchJSON(batchSpec{Session: "session-ingest", Seq: 0, Start: start, Duration: time10s})
	gz := gzipBytes(t, batchJSON(batchSpec{Session: "session-ingest", Seq: 1, Start: start.Add(time10s), Duration: time10s}))
	unknownKey := batchJSON(batchSpec{Key: "tg_unknown", Session: "session-ingest", Start: start})
	huge := bytes.Repeat([]byte("x"), 65<<10)

	tests := []struct {
		name    string
		body    []byte
		headers map[string]string
		status  int
		json    map[string]any
		exact   string
	}{
		{"plain json", plain, map[string]string{"Content-Type": "application/json"}, 200, map[string]any{"ack": 0}, ""},
		{"duplicate acked again", plain, map[string]string{"Content-Type": "application/json"}, 200, map[string]any{"ack": 0}, ""},
		{"gzip as sendBeacon text/plain", gz, map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, 200, map[string]any{"ack": 1}, ""},
		{"no content type", plain, nil, 200, map[string]any{"ack": 0}, ""},
		{"unknown key", unknownKey, nil, 401, nil, `{"error":"unauthorized","message":"Unauthorized."}` + "\n"},
		{"invalid json", []byte(`{"key":`), nil, 400, map[string]any{"error": "invalid", "reason": "body"}, ""},
		{"bad field", []byte(`{"key":"` + testKey + `","visitor":"v","session":"s"}`), nil, 400, map[string]any{"error": "invalid"}, ""},
		{"too large", huge, nil, 413, map[string]any{"error": "too_large"}, ""},
		{"unsupported type", plain, map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 415, map[string]any{"error": "unsupported_media_type"}, ""},
		{"unsupported encoding", plain, map[string]string{"Content-Encoding": "br"}, 415, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(request{method: "POST", path: "/ingest/v1/batch", rawBody: tt.body, headers: tt.headers})
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			checkJSON(t, rec, tt.json)
			if tt.exact != "" && rec.Body.String() != tt.exact {
				t.Errorf("body = %q, want %q", rec.Body, tt.exact)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
			}
			if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("Access-Control-Allow-Credentials = %q, want none", got)
			}
		})
	}
}

// TestIngestTooLargeChunked: a body without Content-Length is cut off by
// MaxBytesReader, not read whole.
func TestIngestTooLargeChunked(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{MaxCompressedBytes: 1 << 10})
	req := request{method: "POST", path: "/ingest/v1/batch", rawBody: bytes.Repeat([]byte("a"), 4<<10)}
	rec := e.doUnknownLength(req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", rec.Code)
	}
}

func TestIngestPreflight(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	for _, path := range []string{"/ingest/v1/batch", "/ingest/v1/config"} {
		rec := e.do(request{method: "OPTIONS", path: path, headers: map[string]string{
			"Origin": "https://shop.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type",
		}})
		if rec.Code != http.StatusNoContent {
			t.Fatalf("OPTIONS %s: status %d, want 204", path, rec.Code)
		}
		want := map[string]string{
			"Access-Control-Allow-Origin":  "*",
			"Access-Control-Allow-Methods": "GET, POST",
			"Access-Control-Allow-Headers": "Content-Type, Content-Encoding",
		}
		for k, v := range want {
			if got := rec.Header().Get(k); got != v {
				t.Errorf("OPTIONS %s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
	// The dashboard API grants no CORS at all.
	rec := e.do(request{method: "OPTIONS", path: "/api/v1/login", headers: map[string]string{"Origin": "https://evil.example"}})
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("OPTIONS /api/v1/login: Access-Control-Allow-Origin = %q, want none", got)
	}
}

// fakeIngest returns a fixed result or error.
type fakeIngest struct {
	res *trailguide.IngestResult
	err error
}

func (f *fakeIngest) Ingest(ctx context.Context, req *trailguide.IngestRequest) (*trailguide.IngestResult, error) {
	return f.res, f.err
}

func (f *fakeIngest) Config(ctx context.Context, key, origin string) (*trailguide.SDKConfig, error) {
	return nil, f.err
}

// TestErrorMapping runs every root code through the ingest endpoint and
// checks status, body shape and Retry-After; internal text never leaks.
func TestErrorMapping(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		message    string
		reason     string
		retryAfter bool
	}{
		{"invalid", trailguide.Invalid("events[3].type", "Event 3 has no valid type."), 400, "invalid", "Event 3 has no valid type.", "events[3].type", false},
		{"unauthorized hides detail", trailguide.Errorf(trailguide.EUNAUTHORIZED, "key tg_x is disabled"), 401, "unauthorized", "Unauthorized.", "", false},
		{"forbidden", trailguide.Errorf(trailguide.EFORBIDDEN, "Origin not allowed."), 403, "forbidden", "Origin not allowed.", "", false},
		{"not found", trailguide.Errorf(trailguide.ENOTFOUND, "Nope."), 404, "not_found", "Nope.", "", false},
		{"conflict", trailguide.Errorf(trailguide.ECONFLICT, "Taken."), 409, "conflict", "Taken.", "", false},
		{"too large", trailguide.Errorf(trailguide.ETOOLARGE, "Big."), 413, "too_large", "Big.", "", false},
		{"unsupported", trailguide.Errorf(trailguide.EUNSUPPORTED, "Encoding."), 415, "unsupported_media_type", "Encoding.", "", false},
		{"rate limited", trailguide.Errorf(trailguide.ERATELIMITED, "Slow down."), 429, "rate_limited", "Slow down.", "", true},
		{"unavailable", trailguide.Errorf(trailguide.EUNAVAILABLE, "Busy."), 503, "unavailable", "Busy.", "", true},
		{"wrapped unavailable", fmtErr("commit: %w", trailguide.Errorf(trailguide.EUNAVAILABLE, "Busy.")), 503, "unavailable", "Busy.", "", true},
		{"plain error is internal", errors.New("database is locked at /secret/path"), 500, "internal", "Internal error.", "", false},
		{"internal code", trailguide.Errorf(trailguide.EINTERNAL, "sql: secret detail"), 500, "internal", "Internal error.", "", false},
		{"unknown code", trailguide.Errorf("weird", "secret weird detail"), 500, "internal", "Internal error.", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.ingest = &fakeIngest{err: tt.err}
			e.build(httpapi.Config{Password: testParams()}, testDist())
			rec := e.do(request{method: "POST", path: "/ingest/v1/batch", body: "{}"})
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			got := decode(t, rec)
			if got["error"] != tt.code || got["message"] != tt.message {
				t.Errorf("body = %s, want error %q message %q", rec.Body, tt.code, tt.message)
			}
			if r, _ := got["reason"].(string); r != tt.reason {
				t.Errorf("reason = %q, want %q", r, tt.reason)
			}
			if has := rec.Header().Get("Retry-After") != ""; has != tt.retryAfter {
				t.Errorf("Retry-After present = %v, want %v", has, tt.retryAfter)
			}
			if strings.Contains(rec.Body.String(), "secret") {
				t.Errorf("internal text leaked: %s", rec.Body)
			}
		})
	}
	if !strings.Contains(e.logs.String(), "/secret/path") {
		t.Errorf("internal error was not logged; logs:\n%s", e.logs)
	}
}

func TestIngestStop(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	e.ingest = &fakeIngest{res: &trailguide.IngestResult{Ack: 4, Stop: true}}
	e.build(httpapi.Config{}, testDist())
	rec := e.do(request{method: "POST", path: "/ingest/v1/batch", body: "{}"})
	if rec.Code != 200 || rec.Body.String() != "{\"stop\":true}\n" {
		t.Fatalf("got %d %q, want 200 {\"stop\":true}", rec.Code, rec.Body)
	}
}

type panicIngest struct{ *fakeIngest }

func (panicIngest) Ingest(ctx context.Context, req *trailguide.IngestRequest) (*trailguide.IngestResult, error) {
	panic("secret panic detail")
}

// TestPanicIsInternal: a panicking handler answers the generic 500.
func TestPanicIsInternal(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	e.ingest = panicIngest{&fakeIngest{}}
	e.build(httpapi.Config{}, testDist())
	rec := e.do(request{method: "POST", path: "/ingest/v1/batch", body: "{}"})
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("got %d %s, want generic 500", rec.Code, rec.Body)
	}
	checkJSON(t, rec, map[string]any{"error": "internal", "message": "Internal error."})
}
