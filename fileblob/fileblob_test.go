package fileblob_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/storetest"
)

func MustOpen(tb testing.TB) *fileblob.BlobStore {
	tb.Helper()
	s, err := fileblob.New(filepath.Join(tb.TempDir(), "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestBlobStore(t *testing.T) {
	storetest.TestBlobStore(t, func(t *testing.T) trailguide.BlobStore { return MustOpen(t) })
}

func TestListSkipsTempFiles(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	if err := s.Put(ctx, "p/s/1", []byte("x")); err != nil {
		t.Fatal(err)
	}
	// A crash between create and rename leaves a temporary file behind.
	if err := os.WriteFile(filepath.Join(s.Root(), "p", "s", ".tmp-123"), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	keys, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"p/s/1"}; !slices.Equal(keys, want) {
		t.Fatalf("list: got %v, want %v", keys, want)
	}
	if err := s.Put(ctx, "p/s/.tmp-x", []byte("x")); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Fatalf("put a temporary-file name: got %v, want EINVALID", err)
	}
}

func TestDeleteRemovesEmptyDirs(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	if err := s.Put(ctx, "a/b/c/key", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "a/other", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a/b/c/key"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "a", "b")); !os.IsNotExist(err) {
		t.Fatalf("a/b after deleting its only key: stat err %v, want not exist", err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "a")); err != nil {
		t.Fatalf("a still holds a key: %v", err)
	}
	if _, err := os.Stat(s.Root()); err != nil {
		t.Fatalf("root removed: %v", err)
	}
}

func TestNewCreatesRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "x", "y")
	if _, err := fileblob.New(root); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		t.Fatalf("root: %v", err)
	}
	if _, err := fileblob.New(""); trailguide.ErrorCode(err) != trailguide.EINVALID {
		t.Fatalf("empty root: got %v, want EINVALID", err)
	}
}
