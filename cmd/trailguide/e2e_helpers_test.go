package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/klauspost/compress/zstd"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/internal/browsertest"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/sqlite"
)

// This file holds the harness of the end-to-end tests: the real binary built
// once, started on port :0 with a temp data dir, a recording reverse proxy
// between the browser and the server (so the tests see every byte that left
// the browser, and can kill the server behind it), and a small API client.

var (
	e2eBinOnce sync.Once
	e2eBinPath string
	e2eBinErr  error
)

// e2eBinary builds ./cmd/trailguide once per test process.
func e2eBinary(t testing.TB) string {
	t.Helper()
	e2eBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trailguide-e2e-bin-")
		if err != nil {
			e2eBinErr = err
			return
		}
		e2eBinPath = filepath.Join(dir, "trailguide")
		out, err := exec.Command("go", "build", "-o", e2eBinPath, ".").CombinedOutput()
		if err != nil {
			e2eBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if e2eBinErr != nil {
		t.Fatal(e2eBinErr)
	}
	return e2eBinPath
}

// e2eServer is one running `trailguide serve` process.
type e2eServer struct {
	t        *testing.T
	cmd      *exec.Cmd
	URL      string // http://127.0.0.1:PORT
	SetupURL string // one-time admin link, when printed
	DataDir  string
	mu       sync.Mutex
	out      bytes.Buffer
	done     chan struct{}
}

func startE2EServer(t *testing.T, dataDir string, args ...string) *e2eServer {
	t.Helper()
	bin := e2eBinary(t)
	full := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir}, args...)
	cmd := exec.Command(bin, full...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &e2eServer{t: t, cmd: cmd, DataDir: dataDir, done: make(chan struct{})}
	cmd.Stderr = &lockedWriter{mu: &s.mu, w: &s.out}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		var once sync.Once
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.out.WriteString(line + "\n")
			if v, ok := strings.CutPrefix(line, "Trailguide listening on "); ok {
				s.URL = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "Create the first admin account: "); ok {
				s.SetupURL = strings.TrimSpace(v)
			}
			hasURL := s.URL != ""
			s.mu.Unlock()
			// The setup line follows the listening line; the dashboard line
			// comes after both.
			if hasURL && strings.HasPrefix(line, "Dashboard: ") {
				once.Do(func() { close(ready) })
			}
		}
		once.Do(func() { close(ready) })
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	select {
	case <-ready:
	case <-time.After(90 * time.Second):
		s.Kill()
		t.Fatalf("server did not print its address in 90s; output:\n%s", s.Output())
	}
	if s.URL == "" {
		t.Fatalf("server exited before listening; output:\n%s", s.Output())
	}
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("server output:\n%s", s.Output())
		}
	})
	return s
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (s *e2eServer) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// Stop sends SIGTERM and waits for a clean exit.
func (s *e2eServer) Stop() {
	s.t.Helper()
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.Kill()
		s.t.Fatalf("server did not stop within 30s of SIGTERM")
	}
}

// Kill is kill -9: no chance to flush anything.
func (s *e2eServer) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}

// capturedRequest is one request that left the browser towards our server.
type capturedRequest struct {
	Method string
	Path   string
	Query  string // raw query string
	Header http.Header
	Body   []byte // decompressed when it was gzip
	Status int
	Resp   []byte
	At     time.Time // when the answer went back
}

// captureProxy forwards to the current server and keeps every request.
type captureProxy struct {
	*httptest.Server
	mu     sync.Mutex
	target *url.URL
	reqs   []capturedRequest
	// requests received and not yet answered, and when the last one
	// arrived, per path: a slow request is not "quiet"
	inflight map[string]int
	arrived  map[string]time.Time
	// fault, when set, answers batch requests instead of the server:
	// "down" drops the connection (a network error in the browser),
	// "503" answers 503 with Retry-After: retryAfter seconds.
	fault      string
	retryAfter int
}

// SetFault makes batch requests fail ("down", "503") or pass ("").
func (p *captureProxy) SetFault(fault string, retryAfter int) {
	p.mu.Lock()
	p.fault, p.retryAfter = fault, retryAfter
	p.mu.Unlock()
}

func newCaptureProxy(t *testing.T, target string) *captureProxy {
	t.Helper()
	p := &captureProxy{inflight: map[string]int{}, arrived: map[string]time.Time{}}
	p.SetTarget(target)
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *captureProxy) SetTarget(target string) {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	p.mu.Lock()
	p.target = u
	p.mu.Unlock()
}

func (p *captureProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.inflight[r.URL.Path]++
	p.arrived[r.URL.Path] = time.Now()
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inflight[r.URL.Path]--
		p.mu.Unlock()
	}()
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	plain := body
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
			if b, err := io.ReadAll(zr); err == nil {
				plain = b
			}
		}
	}
	p.mu.Lock()
	target, fault, retryAfter := p.target, p.fault, p.retryAfter
	p.mu.Unlock()
	if fault != "" && r.URL.Path == "/ingest/v1/batch" {
		status := 0
		if fault == "503" {
			status = http.StatusServiceUnavailable
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
			w.WriteHeader(status)
		} else if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
			}
		}
		p.mu.Lock()
		p.reqs = append(p.reqs, capturedRequest{Method: r.Method, Path: r.URL.Path, Body: plain, Status: status, At: time.Now()})
		p.mu.Unlock()
		return
	}
	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		w.WriteHeader(http.StatusBadGateway)
	}
	rp.ServeHTTP(rec, r)
	for k, vs := range rec.Header() {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	p.mu.Lock()
	p.reqs = append(p.reqs, capturedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: plain, Status: rec.Code, Resp: rec.Body.Bytes(), At: time.Now()})
	p.mu.Unlock()
}

// QuietFor reports whether no request to path arrived or was answered for
// d, and none is still waiting for its answer.
func (p *captureProxy) QuietFor(path string, d time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inflight[path] > 0 || time.Since(p.arrived[path]) < d {
		return false
	}
	for i := len(p.reqs) - 1; i >= 0; i-- {
		if p.reqs[i].Path == path {
			return time.Since(p.reqs[i].At) >= d
		}
	}
	return true
}

func (p *captureProxy) Requests() []capturedRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]capturedRequest(nil), p.reqs...)
}

// wireBatch is the part of a batch body the tests look at.
type wireBatch struct {
	Key     string            `json:"key"`
	Session string            `json:"session"`
	Window  string            `json:"window"`
	Seq     int64             `json:"seq"`
	Events  []json.RawMessage `json:"events"`
	Signals []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
		Name string `json:"name"`
	} `json:"signals"`
}

// AckedTrack reports whether a batch carrying the track signal name was
// acknowledged.
func (p *captureProxy) AckedTrack(t *testing.T, name string) bool {
	t.Helper()
	_, acked := p.Batches(t)
	for _, b := range acked {
		for _, s := range b.Signals {
			if s.Type == "track" && s.Name == name {
				return true
			}
		}
	}
	return false
}

// leaveMarked records a track signal on the current page and navigates to
// about:blank. The marker leaves with the page's last (page-hide) batch, so
// once proxy.AckedTrack(name) holds, that page's recording has arrived.
func leaveMarked(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.trailguide.track(`+strconv.Quote(name)+`)`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
}

// Batches returns the ingest batches sent, with whether each was acknowledged.
func (p *captureProxy) Batches(t *testing.T) (sent []wireBatch, acked []wireBatch) {
	t.Helper()
	for _, r := range p.Requests() {
		if r.Method != http.MethodPost || r.Path != "/ingest/v1/batch" {
			continue
		}
		var b wireBatch
		if err := json.Unmarshal(r.Body, &b); err != nil {
			t.Fatalf("a batch that left the browser is not JSON: %v: %.200s", err, r.Body)
		}
		sent = append(sent, b)
		var resp struct {
			Ack  *int64 `json:"ack"`
			Stop bool   `json:"stop"`
		}
		if r.Status == http.StatusOK && json.Unmarshal(r.Resp, &resp) == nil && resp.Ack != nil && *resp.Ack == b.Seq {
			acked = append(acked, b)
		}
	}
	return sent, acked
}

// apiClient talks to the JSON API as a logged-in dashboard user.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newAPIClient(t *testing.T, base string) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (c *apiClient) do(method, path string, in, out any) int {
	c.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(context.Background(), method, c.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TG-CSRF", "1")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode
}

// setupAdmin completes first-run setup through the API with the printed token.
func (c *apiClient) setupAdmin(setupURL, email, password string) {
	c.t.Helper()
	u, err := url.Parse(setupURL)
	if err != nil || u.Query().Get("token") == "" {
		c.t.Fatalf("bad setup URL %q", setupURL)
	}
	code := c.do("POST", "/api/v1/setup", map[string]string{
		"token": u.Query().Get("token"), "email": email, "name": "E2E Admin", "password": password,
	}, nil)
	if code != http.StatusCreated {
		c.t.Fatalf("setup: status %d", code)
	}
}

func (c *apiClient) login(email, password string) {
	c.t.Helper()
	if code := c.do("POST", "/api/v1/login", map[string]string{"email": email, "password": password}, nil); code != http.StatusOK {
		c.t.Fatalf("login: status %d", code)
	}
}

type apiProject struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	PublicKey string `json:"public_key"`
}

func (c *apiClient) projectByKey(key string) apiProject {
	c.t.Helper()
	var out struct {
		Projects []apiProject `json:"projects"`
	}
	if code := c.do("GET", "/api/v1/projects", nil, &out); code != http.StatusOK {
		c.t.Fatalf("projects: status %d", code)
	}
	for _, p := range out.Projects {
		if p.PublicKey == key {
			return p
		}
	}
	c.t.Fatalf("no project with key %q in %+v", key, out.Projects)
	return apiProject{}
}

// eventually retries f until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s: not true after %s: %v", what, timeout, err)
}

// The first admin of every e2e server set up through the API, and the
// account setupUI signs in with.
const (
	e2eAdminEmail    = "admin@example.com"
	e2eAdminPassword = "correct horse battery staple"
)

// adminClient completes srv's first-run setup through the API and returns
// the admin's client.
func adminClient(t *testing.T, srv *e2eServer) *apiClient {
	t.Helper()
	api := newAPIClient(t, srv.URL)
	api.setupAdmin(srv.SetupURL, e2eAdminEmail, e2eAdminPassword)
	return api
}

// startAdminServer starts a server on a fresh data dir (srv.DataDir) and
// sets up its first admin through the API.
func startAdminServer(t *testing.T, args ...string) (*e2eServer, *apiClient) {
	t.Helper()
	srv := startE2EServer(t, t.TempDir(), args...)
	return srv, adminClient(t, srv)
}

// newBrowser starts headless Chromium (browsertest.New) with a width×height
// viewport, as the dashboard tests and screenshots use.
func newBrowser(t *testing.T, timeout time.Duration, width, height int64) context.Context {
	t.Helper()
	ctx := browsertest.New(t, timeout)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// addProject creates a project through the API.
func (c *apiClient) addProject(name string) apiProject {
	c.t.Helper()
	var created struct {
		Project apiProject `json:"project"`
	}
	if code := c.do("POST", "/api/v1/projects", map[string]string{"name": name}, &created); code != http.StatusCreated {
		c.t.Fatalf("create project: %d", code)
	}
	return created.Project
}

// needDocScreenshots skips a test that only refreshes docs/img unless
// TG_DOC_SCREENSHOTS names the directory to write to.
func needDocScreenshots(t *testing.T) {
	t.Helper()
	if os.Getenv("TG_DOC_SCREENSHOTS") == "" {
		t.Skip("set TG_DOC_SCREENSHOTS=docs/img (make screenshots) to refresh the doc screenshots")
	}
}

// docShot saves a screenshot of the browser as name in the directory
// TG_DOC_SCREENSHOTS names (make screenshots), and does nothing without it.
func docShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("TG_DOC_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// eachStoredFile calls f with every file under dir: its bytes, and for a
// zstd file its decompressed bytes (plain) or why they could not be read
// (zerr).
func eachStoredFile(t *testing.T, dir string, f func(path string, raw, plain []byte, zerr error)) {
	t.Helper()
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var plain []byte
		var zerr error
		if len(b) >= 4 && bytes.Equal(b[:4], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			if err := dec.Reset(bytes.NewReader(b)); err != nil {
				zerr = fmt.Errorf("zstd %s: %v", path, err)
			} else if plain, err = io.ReadAll(dec); err != nil {
				plain, zerr = nil, fmt.Errorf("decompress %s: %v", path, err)
			}
		}
		f(path, b, plain, zerr)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// eachStoredEvent reads back every recorded event of every session of every
// project in the stopped server's data dir, through recording.ReadChunks
// (chunks staged in SQLite and blobs), calls f with each, and returns how
// many chunks there were.
func eachStoredEvent(t *testing.T, dir string, f func(sessionID string, event []byte)) (chunks int) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(dir, "trailguide.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	projects, err := sqlite.NewProjectStore(db).Projects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sessions := sqlite.NewSessionStore(db)
	blobs, err := fileblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		filter := trailguide.SessionFilter{ProjectID: p.ID, Limit: 200}
		for {
			page, err := sessions.FindSessions(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.Sessions {
				cs, err := sessions.Chunks(ctx, p.ID, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				events, err := recording.ReadChunks(ctx, sessions, blobs, cs)
				if err != nil {
					t.Fatalf("read chunks of %s: %v", s.ID, err)
				}
				chunks += len(cs)
				for _, e := range events {
					f(s.ID, e)
				}
			}
			if page.NextCursor == "" {
				break
			}
			filter.Cursor = page.NextCursor
		}
	}
	return chunks
}
