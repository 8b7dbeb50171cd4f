package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/sqlite"
)

// rawRequest writes req on a new connection to the server, optionally
// closes the write side, and returns the status line it gets back (""
// when the server closed the connection without one) and how long it took.
func rawRequest(t *testing.T, base, req string, closeWrite bool, timeout time.Duration) (string, time.Duration) {
	t.Helper()
	u, _ := url.Parse(base)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	c.SetDeadline(start.Add(timeout))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	if closeWrite {
		c.(*net.TCPConn).CloseWrite()
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), time.Since(start)
}

// TestServeHostileHTTP drives the real binary with requests that try to
// hold or exhaust it: oversized headers, a Content-Length that lies either
// way, and a client that never finishes its headers.
func TestServeHostileHTTP(t *testing.T) {
	data := t.TempDir()
	createProject(t, data, nil)
	srv := startE2EServer(t, data)
	body := batchgen.Session(9, batchgen.Options{Start: time.Now(), Batches: 1})[0].Gzip

	t.Run("slow headers are cut by ReadHeaderTimeout", func(t *testing.T) {
		t.Parallel()
		line, took := rawRequest(t, srv.URL, "POST /ingest/v1/batch HTTP/1.1\r\nHost: x\r\nX-Slow: ", false, 20*time.Second)
		if took < 9*time.Second || took > 15*time.Second {
			t.Errorf("connection cut after %v (%q), want about the 10 s ReadHeaderTimeout", took, line)
		}
	})
	t.Run("oversized headers get 431", func(t *testing.T) {
		t.Parallel()
		req := "POST /ingest/v1/batch HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 200<<10) + "\r\n\r\n"
		line, took := rawRequest(t, srv.URL, req, false, 5*time.Second)
		if !strings.Contains(line, " 431 ") || took > time.Second {
			t.Errorf("got %q after %v, want 431 at once", line, took)
		}
	})
	t.Run("Content-Length claiming 2 GB gets 413 without reading", func(t *testing.T) {
		t.Parallel()
		req := "POST /ingest/v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000000\r\n\r\n{\"key\":"
		line, took := rawRequest(t, srv.URL, req, false, 5*time.Second)
		if !strings.Contains(line, " 413 ") || took > time.Second {
			t.Errorf("got %q after %v, want 413 at once", line, took)
		}
	})
	t.Run("Content-Length longer than the body gets 400 at EOF", func(t *testing.T) {
		t.Parallel()
		req := "POST /ingest/v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{\"key\":\"" + stormKey + "\"}"
		line, took := rawRequest(t, srv.URL, req, true, 5*time.Second)
		if !strings.Contains(line, " 400 ") || took > time.Second {
			t.Errorf("got %q after %v, want 400 at once", line, took)
		}
	})
	t.Run("Content-Length shorter than the body: the rest is not a request", func(t *testing.T) {
		t.Parallel()
		req := "POST /ingest/v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{\"key\":\"" + stormKey + "\"}"
		line, took := rawRequest(t, srv.URL, req, true, 5*time.Second)
		if !strings.Contains(line, " 400 ") || took > time.Second {
			t.Errorf("got %q after %v, want 400 at once", line, took)
		}
	})
	t.Run("unknown Content-Encoding gets 415", func(t *testing.T) {
		t.Parallel()
		req, _ := http.NewRequest("POST", srv.URL+"/ingest/v1/batch", bytes.NewReader(body))
		req.Header.Set("Content-Encoding", "zstd")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("status %d, want 415", res.StatusCode)
		}
	})
	// The server is still healthy.
	res, err := http.Post(srv.URL+"/ingest/v1/batch", "", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("a valid batch after the abuse: %d", res.StatusCode)
	}
}

// TestServeGracefulShutdown: SIGTERM while a batch is half sent. The server
// stops accepting connections at once, lets the in-flight request finish
// and answers it 200, flushes the writer and exits 0; the batch is stored.
func TestServeGracefulShutdown(t *testing.T) {
	data := t.TempDir()
	createProject(t, data, nil)
	srv := startE2EServer(t, data)
	b := batchgen.Session(11, batchgen.Options{Start: time.Now(), Batches: 1})[0]

	u, _ := url.Parse(srv.URL)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(c, "POST /ingest/v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", len(b.Gzip))
	half := len(b.Gzip) / 2
	if _, err := c.Write(b.Gzip[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the server is reading the body

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// New connections are refused once the listener is closed.
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if nc, err := net.DialTimeout("tcp", u.Host, time.Second); err != nil {
			refused = true
			break
		} else {
			nc.Close()
		}
	}
	if !refused {
		t.Error("the server still accepts connections 5 s after SIGTERM")
	}
	if _, err := c.Write(b.Gzip[half:]); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("in-flight request: %v", err)
	}
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(got), `"ack":0`) {
		t.Fatalf("in-flight request answered %d %s, want 200 ack", res.StatusCode, got)
	}
	select {
	case <-srv.done:
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if !strings.Contains(srv.Output(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", srv.Output())
	}

	db, err := sqlite.Open(filepath.Join(data, "trailguide.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ok, err := sqlite.NewIngestStore(db).HasBatch(context.Background(), "storm", b.Batch.Session, b.Batch.Window, 0)
	if err != nil || !ok {
		t.Errorf("batch acknowledged during shutdown is not stored (%v)", err)
	}
}
