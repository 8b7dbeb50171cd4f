// Package fileblob implements trailguide.BlobStore on a local directory: one
// file per key, under root, at the key's slash-separated path.
//
// Put is atomic and durable: the bytes go to a temporary file in the
// destination directory, which is fsynced and renamed over the key, and then
// the directory is fsynced so the rename itself survives a crash. Directories
// created on the way are fsynced into their parents too. A crash therefore
// leaves either the old content or the new one, plus perhaps a stray
// temporary file, which List skips.
package fileblob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/trailguide/trailguide"
)

// MaxKeyLen is the longest key accepted, in bytes.
const MaxKeyLen = 512

// maxSegmentLen is the longest file name most file systems accept.
const maxSegmentLen = 255

// tempPrefix starts the names of temporary files; keys whose last segment
// starts with it are rejected so List can skip them safely.
const tempPrefix = ".tmp-"

// BlobStore is a trailguide.BlobStore on local disk.
type BlobStore struct {
	root string
}

var _ trailguide.BlobStore = (*BlobStore)(nil)

// New returns a BlobStore rooted at root, creating the directory if needed.
func New(root string) (*BlobStore, error) {
	if root == "" {
		return nil, trailguide.Errorf(trailguide.EINVALID, "Blob root required.")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blob root %s: %w", root, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("create blob root: %w", err)
	}
	return &BlobStore{root: abs}, nil
}

// Root returns the absolute root directory.
func (s *BlobStore) Root() string { return s.root }

// ValidateKey reports whether key is acceptable: relative, slash-separated,
// at most MaxKeyLen bytes with segments of at most 255, without empty, "." or ".." segments, backslashes,
// NUL bytes or segments that look like temporary files.
func ValidateKey(key string) error {
	invalid := func(why string) error {
		return trailguide.Invalid("key", "Invalid blob key: %s.", why)
	}
	switch {
	case key == "":
		return invalid("empty")
	case len(key) > MaxKeyLen:
		return invalid("too long")
	case strings.ContainsAny(key, "\\\x00"):
		return invalid("backslash or NUL")
	case strings.HasPrefix(key, "/"):
		return invalid("absolute")
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return invalid("empty segment")
		case seg == "." || seg == "..":
			return invalid("dot segment")
		case strings.HasPrefix(seg, tempPrefix):
			return invalid("reserved name")
		case len(seg) > maxSegmentLen:
			return invalid("segment too long")
		}
	}
	return nil
}

func (s *BlobStore) path(key string) string {
	return filepath.Join(s.root, filepath.FromSlash(key))
}

// Put writes data under key atomically and durably.
func (s *BlobStore) Put(ctx context.Context, key string, data []byte) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dst := s.path(key)
	dir := filepath.Dir(dst)
	var f *os.File
	for attempt := 0; ; attempt++ {
		err := s.mkdirAll(dir)
		if err == nil {
			if f, err = os.CreateTemp(dir, tempPrefix+"*"); err == nil {
				break
			}
		}
		// A concurrent Delete may have removed a directory on the way,
		// empty at the time, before the temporary file was in it: start
		// again.
		if !errors.Is(err, fs.ErrNotExist) || attempt == 10 {
			return fmt.Errorf("put %s: %w", key, err)
		}
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("put %s: write: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("put %s: sync: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("put %s: close: %w", key, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("put %s: rename: %w", key, err)
	}
	ok = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// mkdirAll creates dir and its missing parents under the root, fsyncing each
// new directory's parent so the new entry is durable.
func (s *BlobStore) mkdirAll(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir && dir != s.root {
		if err := s.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // created concurrently
		}
		return fmt.Errorf("mkdir: %w", err)
	}
	return syncDir(parent)
}

// syncDir fsyncs a directory so that entries created or renamed in it are
// durable. A directory that no longer exists was emptied and removed by a
// concurrent Delete: nothing in it is left to make durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	return nil
}

// Get opens key for reading; ENOTFOUND when it does not exist.
func (s *BlobStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Blob not found.")
	} else if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if fi, err := f.Stat(); err != nil {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, err)
	} else if fi.IsDir() {
		f.Close()
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Blob not found.")
	}
	return f, nil
}

// Delete removes key (a missing key is fine) and then the parent directories
// it leaves empty, up to the root.
func (s *BlobStore) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	p := s.path(key)
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	for dir := filepath.Dir(p); dir != s.root && strings.HasPrefix(dir, s.root); dir = filepath.Dir(dir) {
		// Fails harmlessly when the directory is not empty (or was just
		// refilled by a concurrent Put, which then recreates it).
		if os.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// List returns the keys starting with prefix in lexical order. The prefix is
// a plain string prefix, not necessarily a directory.
func (s *BlobStore) List(ctx context.Context, prefix string) ([]string, error) {
	if strings.Contains(prefix, "\\") || strings.Contains(prefix, "..") {
		return nil, trailguide.Invalid("prefix", "Invalid blob prefix.")
	}
	// Walk only the deepest directory the prefix fully names.
	start := s.root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = s.path(prefix[:i])
	}
	keys := []string{}
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // prefix directory missing, or removed meanwhile
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		if key := filepath.ToSlash(rel); strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %q: %w", prefix, err)
	}
	sort.Strings(keys) // WalkDir's order is per-directory, not by full key
	return keys, nil
}

// RemoveTemp deletes the temporary files, under the keys starting with
// prefix, last modified before before: what a Put leaves when the process
// dies between creating its temporary file and renaming it. Put removes its
// own temporary file on every error it survives, so only a crash leaves
// one. It returns how many it removed.
func (s *BlobStore) RemoveTemp(ctx context.Context, prefix string, before time.Time) (int, error) {
	if strings.Contains(prefix, "\\") || strings.Contains(prefix, "..") {
		return 0, trailguide.Invalid("prefix", "Invalid blob prefix.")
	}
	start := s.root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = s.path(prefix[:i])
	}
	n := 0
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil || !strings.HasPrefix(filepath.ToSlash(rel), prefix) {
			return err
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return err
		}
		if !fi.ModTime().Before(before) {
			return nil
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("remove temporary files under %q: %w", prefix, err)
	}
	return n, nil
}
