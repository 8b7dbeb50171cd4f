package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailguide/trailguide/demo"
	"github.com/trailguide/trailguide/internal/batchgen"
)

// These tests run the real binary (built once by e2eBinary, see
// e2e_helpers_test.go) on port :0 with a temp data dir.

const (
	testAdminEmail    = "admin@example.com"
	testAdminPassword = "a long enough password"
)

// TestServeLifecycle: first start prints the setup link; setup through the
// API; a project; batches over HTTP; the session read back; SIGTERM exits
// cleanly; a restart keeps everything and no longer offers setup.
func TestServeLifecycle(t *testing.T) {
	dataDir := t.TempDir()
	srv := startE2EServer(t, dataDir)

	out := srv.Output()
	for _, want := range []string{
		"Trailguide listening on " + srv.URL + "\n",
		"Dashboard: " + srv.URL + "/\n",
		"Create the first admin account: " + srv.URL + "/setup?token=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Demo app:") {
		t.Errorf("demo line printed without --demo")
	}

	c := newAPIClient(t, srv.URL)
	c.setupAdmin(srv.SetupURL, testAdminEmail, testAdminPassword)
	var created struct {
		Project apiProject `json:"project"`
	}
	if code := c.do("POST", "/api/v1/projects", map[string]string{"name": "Shop"}, &created); code != http.StatusCreated {
		t.Fatalf("create project: status %d", code)
	}
	p := created.Project

	bodies := batchgen.Session(7, batchgen.Options{Key: p.PublicKey, Start: time.Now().Add(-2 * time.Minute), Batches: 3})
	for _, b := range bodies {
		resp, err := http.Post(srv.URL+"/ingest/v1/batch", "text/plain;charset=UTF-8", bytes.NewReader(b.Gzip))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("batch %d: status %d", b.Batch.Seq, resp.StatusCode)
		}
	}
	sessionID := bodies[0].Batch.Session
	wantEvents := 0
	for _, b := range bodies {
		wantEvents += len(b.Batch.Events)
	}
	checkSession := func(c *apiClient) {
		t.Helper()
		var list struct {
			Sessions []struct {
				ID string `json:"id"`
			} `json:"sessions"`
			Total int `json:"total"`
		}
		if code := c.do("GET", "/api/v1/projects/"+p.ID+"/sessions", nil, &list); code != 200 || list.Total != 1 || list.Sessions[0].ID != sessionID {
			t.Fatalf("sessions: status %d, %+v; want %s", code, list, sessionID)
		}
		var rec struct {
			Window string `json:"window"`
			Events []any  `json:"events"`
		}
		if code := c.do("GET", "/api/v1/projects/"+p.ID+"/sessions/"+sessionID+"/recording", nil, &rec); code != 200 || len(rec.Events) != wantEvents {
			t.Fatalf("recording: status %d, %d events, want %d", code, len(rec.Events), wantEvents)
		}
	}
	checkSession(c)

	// The dashboard page answers (503 only while the bundles are unbuilt).
	resp, err := http.Get(srv.URL + "/projects/" + p.ID + "/sessions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 503 {
		t.Errorf("dashboard: status %d", resp.StatusCode)
	}

	srv.Stop()
	if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0; output:\n%s", code, srv.Output())
	}
	if !strings.Contains(srv.Output(), "shutting down") {
		t.Errorf("no shutdown log line:\n%s", srv.Output())
	}

	again := startE2EServer(t, dataDir)
	if again.SetupURL != "" {
		t.Errorf("setup link printed although an admin exists: %s", again.SetupURL)
	}
	c2 := newAPIClient(t, again.URL)
	c2.login(testAdminEmail, testAdminPassword)
	checkSession(c2)
	again.Stop()
}

// TestUserCreate: the CLI makes an account from a password on stdin; the
// server then offers no setup link and the account can log in.
func TestUserCreate(t *testing.T) {
	bin := e2eBinary(t)
	dataDir := t.TempDir()
	create := func(stdin string, args ...string) (int, string) {
		cmd := exec.Command(bin, append([]string{"user", "create", "--data", dataDir}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"create", testAdminPassword + "\n", []string{"--email", "ops@example.com", "--name", "Ops"}, 0, "Created admin ops@example.com"},
		{"duplicate", testAdminPassword + "\n", []string{"--email", "OPS@example.com"}, 1, "already exists"},
		{"short password", "short\n", []string{"--email", "x@example.com"}, 1, "Password must be"},
		{"missing email", testAdminPassword, nil, 2, "--email"},
		{"viewer", testAdminPassword, []string{"--email", "view@example.com", "--role", "viewer"}, 0, "Created viewer"},
		{"other org", testAdminPassword, []string{"--email", "acme@example.com", "--org", "acme"}, 0, "in organisation acme"},
		{"bad org", testAdminPassword, []string{"--email", "bad@example.com", "--org", "Acme!"}, 2, "--org"},
	}
	for _, tt := range tests {
		code, out := create(tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.out) {
			t.Errorf("%s: exit %d, output %q; want exit %d containing %q", tt.name, code, out, tt.code, tt.out)
		}
	}

	srv := startE2EServer(t, dataDir)
	if srv.SetupURL != "" {
		t.Errorf("setup link printed although a user exists")
	}
	c := newAPIClient(t, srv.URL)
	c.login("ops@example.com", testAdminPassword)
	var me struct {
		User struct {
			Name string `json:"name"`
			Role string `json:"role"`
		} `json:"user"`
	}
	if code := c.do("GET", "/api/v1/me", nil, &me); code != 200 || me.User.Name != "Ops" || me.User.Role != "admin" {
		t.Errorf("me: status %d, %+v", code, me)
	}
	// Organisations are separate: acme's admin does not see ops's project.
	var created struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	if code := c.do("POST", "/api/v1/projects", map[string]string{"name": "Ops site"}, &created); code != 201 {
		t.Fatalf("create project: status %d", code)
	}
	acme := newAPIClient(t, srv.URL)
	acme.login("acme@example.com", testAdminPassword)
	var list struct {
		Projects []struct{} `json:"projects"`
	}
	if code := acme.do("GET", "/api/v1/projects", nil, &list); code != 200 || len(list.Projects) != 0 {
		t.Errorf("acme's projects: status %d, %d projects; want none", code, len(list.Projects))
	}
	if code := acme.do("GET", "/api/v1/projects/"+created.Project.ID, nil, nil); code != 404 {
		t.Errorf("ops's project as acme: status %d, want 404", code)
	}
	srv.Stop()
}

// TestServeDemo: --demo creates the Demo project, loads its sessions once
// and prints the demo link.
func TestServeDemo(t *testing.T) {
	dataDir := t.TempDir()
	srv := startE2EServer(t, dataDir, "--demo")
	if want := "Demo app: " + srv.URL + "/demo/\n"; !strings.Contains(srv.Output(), want) {
		t.Errorf("output lacks %q:\n%s", want, srv.Output())
	}
	c := newAPIClient(t, srv.URL)
	c.setupAdmin(srv.SetupURL, testAdminEmail, testAdminPassword)
	p := c.projectByKey(demo.PublicKey)
	var list struct {
		Total int `json:"total"`
	}
	loaded := -1
	if _, after, ok := strings.Cut(srv.Output(), `msg="demo sessions loaded" sessions=`); ok {
		fmt.Sscanf(after, "%d", &loaded)
	}
	if code := c.do("GET", "/api/v1/projects/"+p.ID+"/sessions", nil, &list); code != 200 || list.Total != loaded {
		t.Fatalf("demo sessions: status %d, total %d, want %d (as logged)", code, list.Total, loaded)
	}
	srv.Stop()
	if loaded == 0 {
		t.Skip("demo/fixtures holds no recorded sessions yet (make demo-record)")
	}

	// A restart does not load the sessions again.
	again := startE2EServer(t, dataDir, "--demo")
	c2 := newAPIClient(t, again.URL)
	c2.login(testAdminEmail, testAdminPassword)
	var list2 struct {
		Total int `json:"total"`
	}
	c2.do("GET", "/api/v1/projects/"+p.ID+"/sessions", nil, &list2)
	if list2.Total != list.Total {
		t.Errorf("sessions after restart = %d, want %d", list2.Total, list.Total)
	}
	if strings.Contains(again.Output(), "demo sessions loaded") {
		t.Errorf("demo sessions loaded twice:\n%s", again.Output())
	}
	again.Stop()
}

// TestServeWorkerRole: --role worker serves no HTTP and stops cleanly on
// SIGTERM.
func TestServeWorkerRole(t *testing.T) {
	bin := e2eBinary(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "serve", "--role", "worker", "--data", t.TempDir())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(time.Second)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("worker did not stop within 20s of SIGTERM")
	}
	if stdout.Len() != 0 {
		t.Errorf("worker printed %q, want nothing (it does not listen)", stdout.String())
	}
	if !strings.Contains(stderr.String(), "worker running") {
		t.Errorf("no worker log line:\n%s", stderr.String())
	}
}
