package s3blob_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/s3test"
	"github.com/trailguide/trailguide/s3blob"
	"github.com/trailguide/trailguide/storetest"
)

func TestMain(m *testing.M) { os.Exit(s3test.Main(m)) }

// MustOpen returns a store on a new bucket of the shared test server.
func MustOpen(tb testing.TB, prefix string) (*s3blob.BlobStore, string) {
	tb.Helper()
	srv := s3test.Get(tb)
	bucket := srv.NewBucket(tb)
	s, err := s3blob.New(context.Background(), s3blob.Config{
		Endpoint: srv.Endpoint, Region: s3test.Region, Bucket: bucket, Prefix: prefix,
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, PathStyle: true,
		PartSize: 5 << 20,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s, bucket
}

func TestBlobStore(t *testing.T) {
	storetest.TestBlobStore(t, func(t *testing.T) trailguide.BlobStore {
		s, _ := MustOpen(t, "")
		return s
	})
}

func TestBlobStoreWithPrefix(t *testing.T) {
	storetest.TestBlobStore(t, func(t *testing.T) trailguide.BlobStore {
		s, _ := MustOpen(t, "install-a")
		return s
	})
}

// TestMultipart puts a blob of more than two parts: it is uploaded in
// parts and read back whole.
func TestMultipart(t *testing.T) {
	s, bucket := MustOpen(t, "pre")
	ctx := context.Background()
	data := bytes.Repeat([]byte("trailguide multipart "), (12<<20)/21+1) // > 2 parts of 5 MiB
	if err := s.Put(ctx, "p/s/w/c-big.zst", data); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Get(ctx, "p/s/w/c-big.zst")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var got bytes.Buffer
	if _, err := got.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("multipart blob: got %d bytes, want %d", got.Len(), len(data))
	}
	// The object lives under the prefix, in the bucket's directory.
	fi, err := os.Stat(filepath.Join(s3test.Get(t).Root, bucket, "pre", "p", "s", "w", "c-big.zst"))
	if err != nil || fi.Size() != int64(len(data)) {
		t.Fatalf("object on the server: %v %v", fi, err)
	}
	keys, err := s.List(ctx, "p/")
	if err != nil || !slices.Equal(keys, []string{"p/s/w/c-big.zst"}) {
		t.Fatalf("list: %v %v", keys, err)
	}
}

func TestMissingBucket(t *testing.T) {
	srv := s3test.Get(t)
	cfg := s3blob.Config{Endpoint: srv.Endpoint, Region: s3test.Region, Bucket: "tg-missing-bucket",
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, PathStyle: true}
	if _, err := s3blob.New(context.Background(), cfg); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("missing bucket: got %v, want ENOTFOUND", err)
	}
	cfg.CreateBucket = true
	t.Cleanup(func() { os.RemoveAll(filepath.Join(srv.Root, cfg.Bucket)) })
	s, err := s3blob.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	if err := s.Put(context.Background(), "p/x", []byte("x")); err != nil {
		t.Fatal(err)
	}
}

func TestUnreachable(t *testing.T) {
	_, err := s3blob.New(context.Background(), s3blob.Config{Endpoint: "http://127.0.0.1:1", Bucket: "bucket",
		AccessKey: "a", SecretKey: "s", PathStyle: true, MaxRetries: 1})
	if trailguide.ErrorCode(err) != trailguide.EUNAVAILABLE {
		t.Fatalf("unreachable service: got %v, want EUNAVAILABLE", err)
	}
}

func TestInvalidConfig(t *testing.T) {
	for _, cfg := range []s3blob.Config{
		{Bucket: "b"},
		{Endpoint: "http://127.0.0.1:1"},
		{Endpoint: "ftp://x", Bucket: "b"},
		{Endpoint: "http://127.0.0.1:1", Bucket: "b", PartSize: 1 << 20},
	} {
		if _, err := s3blob.New(context.Background(), cfg); trailguide.ErrorCode(err) != trailguide.EINVALID {
			t.Errorf("%+v: got %v, want EINVALID", cfg, err)
		}
	}
}

// TestRetriesTransientFailures: behind a proxy that answers every other
// request 503, puts, gets, lists and deletes still succeed (retried with
// backoff); with the service gone for good they fail EUNAVAILABLE.
func TestRetriesTransientFailures(t *testing.T) {
	srv := s3test.Get(t)
	bucket := srv.NewBucket(t)
	target, _ := url.Parse(srv.Endpoint)
	rp := httputil.NewSingleHostReverseProxy(target)
	var n, failed atomic.Int64
	var down atomic.Bool
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() || n.Add(1)%2 == 1 {
			failed.Add(1)
			w.Header().Set("Retry-After", "0")
			http.Error(w, "<Error><Code>SlowDown</Code></Error>", http.StatusServiceUnavailable)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	ctx := context.Background()
	s, err := s3blob.New(ctx, s3blob.Config{Endpoint: proxy.URL, Region: s3test.Region, Bucket: bucket,
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, PathStyle: true, MaxRetries: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "p/s/w/c-1.zst", []byte("recording")); err != nil {
		t.Fatalf("put through a flaky service: %v", err)
	}
	rc, err := s.Get(ctx, "p/s/w/c-1.zst")
	if err != nil {
		t.Fatalf("get through a flaky service: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "recording" {
		t.Fatalf("got %q", got)
	}
	if keys, err := s.List(ctx, "p/"); err != nil || len(keys) != 1 {
		t.Fatalf("list through a flaky service: %v %v", keys, err)
	}
	if failed.Load() == 0 {
		t.Fatal("the proxy failed no request: nothing was retried")
	}
	down.Store(true)
	if err := s.Put(ctx, "p/s/w/c-2.zst", []byte("x")); trailguide.ErrorCode(err) != trailguide.EUNAVAILABLE {
		t.Fatalf("put with the service down: got %v, want EUNAVAILABLE", err)
	}
}
