package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/trailguide/trailguide/internal/batchgen"
)

// mountSmallFS mounts a tmpfs of size (e.g. "20m") on a temp dir and
// unmounts it at cleanup. Without permission to mount, the test fails under
// CI=true and is skipped otherwise.
func mountSmallFS(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		msg := "cannot mount a size-limited tmpfs (needs root): " + err.Error() + " " + string(out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file in dir until the file system is full and returns its
// path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, n := range []int{1 << 20, 64 << 10, 4 << 10, 512} {
		buf := make([]byte, n)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("fill: %v", err)
				}
				break
			}
		}
	}
	return p
}

// TestDiskFull: the data dir lives on a 20 MB tmpfs that is filled while
// clients send. Ingest answers 503 with Retry-After (the clients check every
// one), never 200 for a batch it could not store, the server stays up, and
// once space returns ingest resumes. Afterwards every acknowledged batch is
// stored exactly once, the integrity check passes and the recordings decode
// to what was sent.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	fsDir := mountSmallFS(t, "20m")
	data := filepath.Join(fsDir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	createProject(t, data, nil)
	srv := startE2EServer(t, data)
	var target atomic.Pointer[string]
	target.Store(&srv.URL)

	const clients = 8
	cs := make([]*stormClient, clients)
	for i := range cs {
		cs[i] = &stormClient{seed: uint64(2000 + i), opts: batchgen.Options{
			Start: time.Now(), Batches: 30, Nodes: 60, Interval: time.Second, PageEvery: 10,
		}}
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	st := startStorm(cs, hc, &target)
	acked := st.Acked
	unavailable := func() (n int64) {
		for _, c := range cs {
			n += c.stats.unavailable.Load()
		}
		return n
	}

	eventually(t, 30*time.Second, "a first load before the disk fills", func() error {
		if acked() < 50 {
			return errors.New("not yet")
		}
		return nil
	})
	before := acked()
	filler := fill(t, fsDir)
	t0 := time.Now()
	eventually(t, 30*time.Second, "503s once the disk is full", func() error {
		if unavailable() < 20 {
			return errors.New("not yet")
		}
		return nil
	})
	t.Logf("first 503s %s after the disk filled", time.Since(t0).Round(time.Millisecond))
	// Full: nothing is acknowledged any more (at most what was committed
	// in WAL space already allocated when the disk filled).
	during := acked()
	time.Sleep(2 * time.Second)
	if n := acked() - during; n > 0 {
		t.Logf("%d batches acknowledged while the disk was full (WAL space allocated before)", n)
	}
	select {
	case <-srv.done:
		t.Fatalf("the server died when the disk filled:\n%s", srv.Output())
	default:
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	full := acked()
	eventually(t, 30*time.Second, "ingest to resume when space returns", func() error {
		if acked() < full+50 {
			return errors.New("no progress yet")
		}
		return nil
	})
	t.Logf("resumed %s after space returned", time.Since(t0).Round(time.Millisecond))
	st.Stop(t)
	srv.Stop()
	t.Logf("acked %d before the disk filled, %d while full, %d in all; %d answers 503 + Retry-After",
		before, full-during, acked(), unavailable())
	verifyStored(t, data, "storm", cs)
}
