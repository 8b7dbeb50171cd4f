package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/internal/browsertest"
	"github.com/trailguide/trailguide/internal/pgtest"
	"github.com/trailguide/trailguide/internal/s3test"
	"github.com/trailguide/trailguide/postgres"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/s3blob"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	s3test.Stop()
	os.Exit(code)
}

// multiNode is one installation on PostgreSQL and S3: a config file shared
// by its nodes, secrets in their environment.
type multiNode struct {
	config string   // path of the config file
	env    []string // the nodes' environment
	dsn    string
	bucket string
	s3     *s3test.Server
}

func newMultiNode(t testing.TB) *multiNode {
	t.Helper()
	pg := pgtest.Get(t)
	srv := s3test.Get(t)
	m := &multiNode{dsn: pg.NewDB(t, ""), bucket: srv.NewBucket(t), s3: srv}
	m.config = filepath.Join(t.TempDir(), "trailguide.conf")
	conf := fmt.Sprintf(`# every node of the installation reads this file
store = postgres
postgres-dsn = ${TG_TEST_DSN}
postgres-max-conns = 6
blob = s3
s3-endpoint = %s
s3-bucket = %s
s3-region = %s
s3-access-key = ${TG_TEST_S3_KEY}
s3-secret-key = ${TG_TEST_S3_SECRET}
`, srv.Endpoint, m.bucket, s3test.Region)
	if err := os.WriteFile(m.config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	m.env = append(os.Environ(), "TG_TEST_DSN="+m.dsn, "TG_TEST_S3_KEY="+s3test.AccessKey, "TG_TEST_S3_SECRET="+s3test.SecretKey)
	return m
}

// start runs `trailguide serve --role role` and waits until it serves (a
// worker listens on nothing: it returns at once).
func (m *multiNode) start(t testing.TB, role string, args ...string) *e2eServer {
	t.Helper()
	bin := e2eBinary(t)
	full := []string{"serve", "--role", role, "--addr", "127.0.0.1:0", "--data", t.TempDir()}
	if m.config != "" {
		full = append(full, "--config", m.config)
	}
	full = append(full, args...)
	cmd := exec.Command(bin, full...)
	cmd.Env = m.env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &e2eServer{cmd: cmd, done: make(chan struct{})}
	s.t, _ = t.(*testing.T) // Stop needs one; benchmarks only Kill
	cmd.Stderr = &lockedWriter{mu: &s.mu, w: &s.out}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s node: %v", role, err)
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
			s.mu.Unlock()
			if (role == roleIngest && s.URL != "") || strings.HasPrefix(line, "Dashboard: ") {
				once.Do(func() { close(ready) })
			}
		}
		once.Do(func() { close(ready) })
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("%s node output:\n%s", role, s.Output())
		}
	})
	if role == roleWorker {
		return s
	}
	select {
	case <-ready:
	case <-time.After(90 * time.Second):
		t.Fatalf("%s node did not start in 90s:\n%s", role, s.Output())
	}
	if s.URL == "" {
		t.Fatalf("%s node exited:\n%s", role, s.Output())
	}
	return s
}

// stores opens the installation's index and bucket from the test.
func (m *multiNode) stores(t *testing.T) (*postgres.DB, *s3blob.BlobStore) {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, m.dsn, postgres.Options{MaxConns: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs, err := s3blob.New(ctx, s3blob.Config{Endpoint: m.s3.Endpoint, Region: s3test.Region, Bucket: m.bucket,
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	return db, blobs
}

// TestE2EMultiNode: two ingest nodes, one api node and two worker nodes on
// one PostgreSQL and one S3 server. A browser session whose batches
// alternate between the ingest nodes is stored as one session with every
// event once; one worker is killed in the middle of its jobs and the other
// finishes them, each window compacted once; the dashboard on the api node
// replays the session.
func TestE2EMultiNode(t *testing.T) {
	browserCtx := browsertest.New(t, 5*time.Minute)
	ctx := context.Background()
	m := newMultiNode(t)
	api := m.start(t, roleAPI, "--demo") // seeds the demo project and its recorded sessions
	ingestA := m.start(t, roleIngest)
	ingestB := m.start(t, roleIngest)

	// The load balancer: batches alternate between the ingest nodes, pages
	// and assets come from the api node.
	pa, p1, p2 := newCaptureProxy(t, api.URL), newCaptureProxy(t, ingestA.URL), newCaptureProxy(t, ingestB.URL)
	var turn atomic.Int64
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := pa.URL
		switch {
		case r.URL.Path == "/ingest/v1/batch":
			target = []string{p1.URL, p2.URL}[turn.Add(1)%2]
		case strings.HasPrefix(r.URL.Path, "/ingest/"):
			target = p1.URL
		}
		u, _ := url.Parse(target)
		httputil.NewSingleHostReverseProxy(u).ServeHTTP(w, r)
	}))
	t.Cleanup(lb.Close)

	// 1. A visitor browses the demo app.
	if err := chromedp.Do(browserCtx, chromedp.Navigate(lb.URL+"/demo/"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatalf("open demo: %v", err)
	}
	if err := waitSDK(browserCtx); err != nil {
		t.Fatalf("SDK did not load: %v", err)
	}
	heading, err := chromedp.Run(browserCtx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if err := chromedp.Do(browserCtx, chromedp.MouseClickXY(float64(150+40*(i%6)), float64(260+30*(i/6))), chromedp.Sleep(400*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			if _, err := chromedp.Run(browserCtx, chromedp.Evaluate[any](`window.scrollBy(0, 300)`)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := chromedp.Do(browserCtx, chromedp.Click(chromedp.CSS(`a[href*="pricing"]`)), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatalf("go to pricing: %v", err)
	}
	if err := waitSDK(browserCtx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(browserCtx, chromedp.MouseClickXY(300, 250), chromedp.Sleep(500*time.Millisecond),
		chromedp.Navigate("about:blank")); err != nil { // pagehide flushes
		t.Fatal(err)
	}

	// Every batch sent was acknowledged, by one node or the other.
	var sent, acked []wireBatch
	eventually(t, 60*time.Second, "every batch acknowledged, none for 5 s", func() error {
		for _, p := range []*captureProxy{p1, p2} {
			if !p.QuietFor("/ingest/v1/batch", 5*time.Second) {
				return fmt.Errorf("batches still arriving")
			}
		}
		sent, acked = nil, nil
		for _, p := range []*captureProxy{p1, p2} {
			s, a := p.Batches(t)
			sent, acked = append(sent, s...), append(acked, a...)
		}
		type key struct {
			w   string
			seq int64
		}
		ack := map[key]bool{}
		for _, b := range acked {
			ack[key{b.Window, b.Seq}] = true
		}
		for _, b := range sent {
			if !ack[key{b.Window, b.Seq}] {
				return fmt.Errorf("batch %s/%d not acknowledged", b.Window[:8], b.Seq)
			}
		}
		if len(sent) == 0 {
			return fmt.Errorf("no batch sent")
		}
		return nil
	})
	a1, _ := p1.Batches(t)
	a2, _ := p2.Batches(t)
	if len(a1) == 0 || len(a2) == 0 {
		t.Fatalf("batches per ingest node: %d and %d; want both to have some", len(a1), len(a2))
	}
	sessionID := sent[0].Session
	for _, b := range sent {
		if b.Session != sessionID {
			t.Fatalf("two sessions in one visit: %s and %s", sessionID, b.Session)
		}
	}
	t.Logf("%d batches: %d to ingest node A, %d to ingest node B", len(sent), len(a1), len(a2))

	// 2. The workers: one is killed as soon as it has compacted something
	// (in the middle of its pass over the demo sessions and the visit).
	workerArgs := []string{"--log-level", "debug", "--worker-idle-after", "3s", "--worker-interval", "500ms", "--worker-lease-ttl", "3s"}
	wA := m.start(t, roleWorker, workerArgs...)
	wB := m.start(t, roleWorker, workerArgs...)
	eventually(t, 60*time.Second, "worker A compacts a window", func() error {
		if !strings.Contains(wA.Output(), `msg="compacted window"`) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	wA.Kill()
	t.Logf("worker A killed after %d compactions", strings.Count(wA.Output(), `msg="compacted window"`))

	db, blobs := m.stores(t)
	sessions := postgres.NewSessionStore(db)
	eventually(t, 120*time.Second, "every session closed and compacted", func() error {
		open, err := sessions.IdleSessions(ctx, time.Now().Add(time.Hour), 1000)
		if err != nil {
			return err
		}
		if len(open) > 0 {
			return fmt.Errorf("%d sessions still open", len(open))
		}
		return nil
	})

	// No job done twice: across both workers' logs each window was
	// compacted once; no job undone: every session is closed with one
	// compacted blob per window, and no blob is left that no chunk uses.
	re := regexp.MustCompile(`msg="compacted window" worker\.session=(\S+) worker\.window=(\S+)`)
	compacted := map[string]int{}
	for _, w := range []*e2eServer{wA, wB} {
		for _, mm := range re.FindAllStringSubmatch(w.Output(), -1) {
			compacted[mm[1]+"/"+mm[2]]++
		}
	}
	project, err := postgres.NewProjectStore(db).ProjectByKey(ctx, e2eDemoKey)
	if err != nil {
		t.Fatal(err)
	}
	page, err := sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: project.ID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	live := map[string]bool{}
	windows := 0
	for _, s := range page.Sessions {
		if !s.Closed || !s.Compacted {
			t.Errorf("session %s: closed=%v compacted=%v", s.ID, s.Closed, s.Compacted)
		}
		chunks, err := sessions.Chunks(ctx, project.ID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		perWindow := map[string]int{}
		for _, c := range chunks {
			perWindow[c.WindowID]++
			if !recording.IsCompactKey(c.BlobKey) {
				t.Errorf("session %s window %s: chunk %d not compacted", s.ID, c.WindowID, c.SeqFrom)
			}
			live[c.BlobKey] = true
		}
		for w, n := range perWindow {
			windows++
			if n != 1 {
				t.Errorf("session %s window %s: %d chunks, want one", s.ID, w, n)
			}
			if got := compacted[s.ID+"/"+w]; got != 1 {
				t.Errorf("session %s window %s compacted %d times by the workers, want once", s.ID, w, got)
			}
		}
	}
	keys, err := blobs.List(ctx, project.ID+"/")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !strings.Contains(k, "/assets/") && !live[k] {
			t.Errorf("blob %s: no chunk references it (an orphan of a job done twice?)", k)
		}
	}
	t.Logf("%d sessions, %d windows, %d blobs; worker B's compactions %d", len(page.Sessions), windows, len(keys),
		strings.Count(wB.Output(), `msg="compacted window"`))

	// 3. The visit is one session with every event once: per window the
	// stored recording is the union of the distinct batches in seq order.
	sess, err := sessions.Session(ctx, project.ID, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	// What left the browser, read again now: on a loaded machine the SDK's
	// last flush can come after the quiet period above.
	early := len(sent)
	sent = nil
	for _, p := range []*captureProxy{p1, p2} {
		s, _ := p.Batches(t)
		sent = append(sent, s...)
	}
	if len(sent) != early {
		t.Logf("%d batch requests left the browser after the quiet period (%d before)", len(sent)-early, early)
	}
	bySeq := map[string]map[int64][]json.RawMessage{}
	for _, b := range sent {
		if bySeq[b.Window] == nil {
			bySeq[b.Window] = map[int64][]json.RawMessage{}
		}
		bySeq[b.Window][b.Seq] = b.Events
	}
	total := 0
	for win, seqs := range bySeq {
		var order []int64
		for s := range seqs {
			order = append(order, s)
		}
		sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
		var want []json.RawMessage
		for _, s := range order {
			want = append(want, seqs[s]...)
		}
		recording.SortEvents(want)
		got, err := recording.Read(ctx, sessions, blobs, project.ID, sessionID, win)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("window %s: %d events stored, %d sent", win[:8], len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("window %s: event %d differs", win[:8], i)
			}
		}
		total += len(got)
	}
	if total == 0 || sess.PageCount < 2 {
		t.Fatalf("session %+v: %d rrweb events", sess, total)
	}

	// 4. The dashboard on the api node replays it.
	adminClient(t, api) // first-run setup through the api node
	uiCtx := browsertest.New(t, 3*time.Minute)
	setupUI(t, uiCtx, api)
	if err := chromedp.Do(uiCtx, chromedp.Navigate(api.URL+"/projects/"+project.ID+"/sessions/"+sessionID+"?t=0")); err != nil {
		t.Fatal(err)
	}
	_, err = chromedp.Run(uiCtx, chromedp.Poll[bool](fmt.Sprintf(`(() => { const f = document.querySelector('iframe'); try { return !!f && f.contentDocument.body.innerText.includes(%q); } catch (e) { return false; } })()`, strings.TrimSpace(heading)),
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		shot(t, uiCtx, "multinode-replay-failed")
		t.Fatalf("replay on the api node never showed %q: %v", heading, err)
	}
	shot(t, uiCtx, "multinode-replay")
}
