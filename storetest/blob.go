package storetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trailguide/trailguide"
)

// TestBlobStore runs the conformance suite of a BlobStore. open must return
// an empty store for each call (it is called once per subtest).
func TestBlobStore(t *testing.T, open func(t *testing.T) trailguide.BlobStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s trailguide.BlobStore)
	}{
		{"PutGet", testBlobPutGet},
		{"Overwrite", testBlobOverwrite},
		{"GetMissing", testBlobGetMissing},
		{"Delete", testBlobDelete},
		{"List", testBlobList},
		{"InvalidKeys", testBlobInvalidKeys},
		{"Concurrent", testBlobConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

func mustGetBlob(tb testing.TB, s trailguide.BlobStore, key string) []byte {
	tb.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		tb.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("read %s: %v", key, err)
	}
	return data
}

func mustPutBlob(tb testing.TB, s trailguide.BlobStore, key string, data []byte) {
	tb.Helper()
	if err := s.Put(context.Background(), key, data); err != nil {
		tb.Fatalf("put %s: %v", key, err)
	}
}

func mustList(tb testing.TB, s trailguide.BlobStore, prefix string) []string {
	tb.Helper()
	keys, err := s.List(context.Background(), prefix)
	if err != nil {
		tb.Fatalf("list %q: %v", prefix, err)
	}
	return keys
}

func testBlobPutGet(t *testing.T, s trailguide.BlobStore) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	tests := []struct {
		name, key string
		data      []byte
	}{
		{"small", "a.zst", []byte("hello")},
		{"empty", "empty", []byte{}},
		{"nested", "p1/s1/w1/000001.zst", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00}},
		{"large", "p1/s1/big", big},
		{"dots in names", "p1/.hidden/a.b.c", []byte("x")},
		{"unicode", "p1/sessión/ü", []byte("y")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustPutBlob(t, s, tt.key, tt.data)
			if got := mustGetBlob(t, s, tt.key); !bytes.Equal(got, tt.data) {
				t.Fatalf("get %s: got %d bytes, want %d", tt.key, len(got), len(tt.data))
			}
		})
	}
}

func testBlobOverwrite(t *testing.T, s trailguide.BlobStore) {
	mustPutBlob(t, s, "k/v", []byte("first version, longer"))
	mustPutBlob(t, s, "k/v", []byte("second"))
	if got := string(mustGetBlob(t, s, "k/v")); got != "second" {
		t.Fatalf("after overwrite: got %q, want %q", got, "second")
	}
	if got := mustList(t, s, ""); !slices.Equal(got, []string{"k/v"}) {
		t.Fatalf("keys after overwrite: got %v, want [k/v]", got)
	}
}

func testBlobGetMissing(t *testing.T, s trailguide.BlobStore) {
	mustPutBlob(t, s, "dir/file", []byte("x"))
	for _, key := range []string{"missing", "dir/missing", "dir", "dir/file/deeper"} {
		_, err := s.Get(context.Background(), key)
		if trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
			t.Fatalf("get %s: got %v, want ENOTFOUND", key, err)
		}
	}
}

func testBlobDelete(t *testing.T, s trailguide.BlobStore) {
	ctx := context.Background()
	mustPutBlob(t, s, "p/s/w/1", []byte("1"))
	mustPutBlob(t, s, "p/s/w/2", []byte("2"))
	if err := s.Delete(ctx, "p/s/w/1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "p/s/w/1"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("get after delete: got %v, want ENOTFOUND", err)
	}
	if got := string(mustGetBlob(t, s, "p/s/w/2")); got != "2" {
		t.Fatalf("sibling after delete: got %q", got)
	}
	for _, key := range []string{"p/s/w/1", "never/existed"} {
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("delete missing %s: got %v, want nil", key, err)
		}
	}
	if err := s.Delete(ctx, "p/s/w/2"); err != nil {
		t.Fatal(err)
	}
	if got := mustList(t, s, ""); len(got) != 0 {
		t.Fatalf("keys after deleting all: got %v, want none", got)
	}
	// The (now perhaps removed) directories can be written again.
	mustPutBlob(t, s, "p/s/w/3", []byte("3"))
	if got := string(mustGetBlob(t, s, "p/s/w/3")); got != "3" {
		t.Fatalf("put after delete: got %q", got)
	}
}

func testBlobList(t *testing.T, s trailguide.BlobStore) {
	keys := []string{
		"p1/s1/w1/000002", "p1/s1/w1/000001", "p1/s1/w2/000001", "p1/s10/w1/000001",
		"p1/s2/w1/000001", "p2/s1/w1/000001", "p10/x", "top",
	}
	for _, k := range keys {
		mustPutBlob(t, s, k, []byte(k))
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"p1/s1/w1/000001", "p1/s1/w1/000002", "p1/s1/w2/000001", "p1/s10/w1/000001", "p1/s2/w1/000001", "p10/x", "p2/s1/w1/000001", "top"}},
		{"p1/", []string{"p1/s1/w1/000001", "p1/s1/w1/000002", "p1/s1/w2/000001", "p1/s10/w1/000001", "p1/s2/w1/000001"}},
		{"p1", []string{"p1/s1/w1/000001", "p1/s1/w1/000002", "p1/s1/w2/000001", "p1/s10/w1/000001", "p1/s2/w1/000001", "p10/x"}},
		{"p1/s1/", []string{"p1/s1/w1/000001", "p1/s1/w1/000002", "p1/s1/w2/000001"}},
		{"p1/s1", []string{"p1/s1/w1/000001", "p1/s1/w1/000002", "p1/s1/w2/000001", "p1/s10/w1/000001"}},
		{"p1/s1/w1/000002", []string{"p1/s1/w1/000002"}},
		{"p3/", nil},
		{"nothing", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			got := mustList(t, s, tt.prefix)
			if !(len(got) == 0 && len(tt.want) == 0) && !slices.Equal(got, tt.want) {
				t.Fatalf("list %q:\n got %v\nwant %v", tt.prefix, got, tt.want)
			}
		})
	}
}

func testBlobInvalidKeys(t *testing.T, s trailguide.BlobStore) {
	ctx := context.Background()
	tests := []struct{ name, key string }{
		{"empty", ""},
		{"absolute", "/etc/passwd"},
		{"parent", "../outside"},
		{"parent inside", "a/../../outside"},
		{"dot dot segment", "a/.."},
		{"empty segment", "a//b"},
		{"trailing slash", "a/b/"},
		{"backslash", `a\b`},
		{"too long", longKey(513)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Put(ctx, tt.key, []byte("x")); trailguide.ErrorCode(err) != trailguide.EINVALID {
				t.Fatalf("put %q: got %v, want EINVALID", tt.key, err)
			}
			if _, err := s.Get(ctx, tt.key); trailguide.ErrorCode(err) != trailguide.EINVALID {
				t.Fatalf("get %q: got %v, want EINVALID", tt.key, err)
			}
			if err := s.Delete(ctx, tt.key); trailguide.ErrorCode(err) != trailguide.EINVALID {
				t.Fatalf("delete %q: got %v, want EINVALID", tt.key, err)
			}
		})
	}
	// 512 bytes is still fine.
	key := longKey(512)
	mustPutBlob(t, s, key, []byte("x"))
	if got := string(mustGetBlob(t, s, key)); got != "x" {
		t.Fatalf("get a 512-byte key: got %q", got)
	}
}

// testBlobConcurrent writes, overwrites and deletes in parallel in shared
// directories; every read sees a whole version.
func testBlobConcurrent(t *testing.T, s trailguide.BlobStore) {
	ctx := context.Background()
	versions := map[string]bool{}
	for v := range 4 {
		versions[strings.Repeat(fmt.Sprint(v), 4096)] = true
	}
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				key := fmt.Sprintf("p/s%d/w/%d", g%2, i%5)
				data := strings.Repeat(fmt.Sprint((g+i)%4), 4096)
				if err := s.Put(ctx, key, []byte(data)); err != nil {
					errc <- err
					return
				}
				rc, err := s.Get(ctx, key)
				if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
					continue // deleted by another goroutine meanwhile
				} else if err != nil {
					errc <- err
					return
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					errc <- err
					return
				}
				if !versions[string(got)] {
					errc <- fmt.Errorf("get %s: a torn or unknown version of %d bytes", key, len(got))
					return
				}
				if i%7 == 0 {
					if err := s.Delete(ctx, key); err != nil {
						errc <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	for _, k := range mustList(t, s, "") {
		if !strings.HasPrefix(k, "p/s") {
			t.Fatalf("unexpected key %q (a temporary file?)", k)
		}
	}
}

// longKey returns a key of n bytes in segments of at most 100 bytes (file
// systems limit one name to 255 bytes).
func longKey(n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(strings.Repeat("k", min(100, n-b.Len())))
	}
	return b.String()
}
