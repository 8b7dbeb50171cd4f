// Package s3test starts a throwaway S3-compatible server for tests:
// versitygw with its posix backend on a temporary directory and a free
// loopback port (it would take :7070 otherwise), one server per test binary
// (Main stops it), a fresh bucket per caller.
//
// The binary is found through $TG_VERSITYGW, $PATH, $GOBIN, $GOPATH/bin and
// $HOME/.cache/trailguide/bin, where .ci/run installs it with
// `go install github.com/versity/versitygw/cmd/versitygw@v1.8.0` once and
// keeps it between runs. Under CI=true a missing binary fails the test;
// otherwise it skips.
package s3test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Credentials of the server's root user.
const (
	AccessKey = "tgtestaccess"
	SecretKey = "tgtestsecret-0123456789"
	Region    = "us-east-1"
)

// Server is a running versitygw.
type Server struct {
	Endpoint string // http://127.0.0.1:port
	Root     string // the posix backend's directory: one subdirectory per bucket
	cmd      *exec.Cmd
	done     chan struct{}
	seq      atomic.Int64
	base     string
}

var (
	once    sync.Once
	shared  *Server
	startEr error
)

var errMissing = errors.New("versitygw is not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")

// Main runs the tests and stops the shared server, if one was started.
func Main(m interface{ Run() int }) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the shared server, if one was started (for a TestMain that
// runs the tests itself).
func Stop() {
	if shared != nil {
		shared.Stop()
		shared = nil
	}
}

// Get returns the shared server of this test binary, starting it on first
// use; it skips (or fails under CI=true) when versitygw is missing.
func Get(tb testing.TB) *Server {
	tb.Helper()
	once.Do(func() { shared, startEr = Start() })
	if startEr != nil {
		if errors.Is(startEr, errMissing) && os.Getenv("CI") != "true" {
			tb.Skipf("s3test: %v", startEr)
		}
		tb.Fatalf("s3test: %v", startEr)
	}
	return shared
}

// Binary finds versitygw.
func Binary() (string, error) {
	if p := os.Getenv("TG_VERSITYGW"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if d := os.Getenv("GOPATH"); d != "" {
		dirs = append(dirs, filepath.Join(d, "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"), filepath.Join(home, ".cache", "trailguide", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errMissing
}

// Start starts a new server.
func Start() (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	base, err := os.MkdirTemp("", "tg-s3test-")
	if err != nil {
		return nil, err
	}
	s := &Server{Root: filepath.Join(base, "data"), done: make(chan struct{}), base: base}
	if err := os.Mkdir(s.Root, 0o755); err != nil {
		return nil, err
	}
	sidecar := filepath.Join(base, "meta")
	if err := os.Mkdir(sidecar, 0o755); err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // the free port may be taken between probing and listening
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		logPath := filepath.Join(base, "versitygw.log")
		logf, err := os.Create(logPath)
		if err != nil {
			return nil, err
		}
		// The sidecar keeps object metadata in files, so the backend works on
		// file systems without user xattrs.
		cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--region", Region,
			"--port", addr, "--quiet", "posix", "--sidecar", sidecar, s.Root)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			logf.Close()
			return nil, fmt.Errorf("start versitygw: %w", err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); logf.Close(); close(done) }()
		s.cmd, s.done, s.Endpoint = cmd, done, "http://"+addr
		if err := s.wait(addr); err == nil {
			return s, nil
		} else {
			out, _ := os.ReadFile(logPath)
			lastErr = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
			s.kill()
		}
	}
	os.RemoveAll(base)
	return nil, lastErr
}

func (s *Server) wait(addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return errors.New("versitygw exited")
		default:
		}
		// Any HTTP answer (403 without a signature) means it listens.
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("versitygw did not listen")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
}

// Stop stops the server and removes its directory.
func (s *Server) Stop() {
	s.kill()
	os.RemoveAll(s.base)
}

// NewBucket creates an empty bucket (a directory of the posix backend) and
// returns its name; it is removed when the test ends.
func (s *Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("tg-%d-%d", os.Getpid(), s.seq.Add(1))
	if err := os.Mkdir(filepath.Join(s.Root, name), 0o755); err != nil {
		tb.Fatalf("s3test: bucket: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(filepath.Join(s.Root, name)) })
	return name
}
