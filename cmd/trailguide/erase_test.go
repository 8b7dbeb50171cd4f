package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// postBatch sends one minimal batch with the public key and returns the
// decoded answer.
func postBatch(t *testing.T, base, key, session string, seq int64, user string) map[string]any {
	t.Helper()
	now := time.Now().UnixMilli()
	signals := []map[string]any{{"type": "pageview", "ts": now, "url": "https://shop.test/"}}
	if user != "" {
		signals = append(signals, map[string]any{"type": "identify", "ts": now, "url": "https://shop.test/", "user_id": user})
	}
	body, _ := json.Marshal(map[string]any{
		"key": key, "visitor": "visitor-" + session, "session": session, "window": "window-1", "seq": seq,
		"sent_at": now, "sdk": "test",
		"events":  []json.RawMessage{json.RawMessage(fmt.Sprintf(`{"type":4,"data":{"href":"https://shop.test/","width":800,"height":600},"timestamp":%d}`, now))},
		"signals": signals,
	})
	resp, err := http.Post(base+"/ingest/v1/batch", "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if resp.StatusCode != 200 || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("batch %s/%d: %d %s", session, seq, resp.StatusCode, raw)
	}
	return out
}

// TestEraseCommand erases a user with `trailguide erase` next to a running
// server, including a session that keeps sending afterwards.
func TestEraseCommand(t *testing.T) {
	bin := e2eBinary(t)
	dataDir := t.TempDir()
	srv := startE2EServer(t, dataDir)
	c := newAPIClient(t, srv.URL)
	c.setupAdmin(srv.SetupURL, "admin@example.com", testAdminPassword)
	var created struct {
		Project apiProject `json:"project"`
	}
	if code := c.do("POST", "/api/v1/projects", map[string]string{"name": "Shop"}, &created); code != http.StatusCreated {
		t.Fatalf("create project: %d", code)
	}
	p := created.Project
	postBatch(t, srv.URL, p.PublicKey, "session-erase-1", 0, "user-7")
	postBatch(t, srv.URL, p.PublicKey, "session-erase-live", 0, "user-7")
	postBatch(t, srv.URL, p.PublicKey, "session-keep-1", 0, "user-8")
	postBatch(t, srv.URL, p.PublicKey, "session-one-off", 0, "")
	postBatch(t, srv.URL, p.PublicKey, "session-by-visitor", 0, "user-9")

	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, append([]string{"erase", "--data", dataDir}, args...)...)
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	for _, tt := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"--user", "user-7"}, 2, "--project"},
		{[]string{"--project", p.ID}, 2, "--user"},
		{[]string{"--project", "nope", "--user", "user-7"}, 2, "no project"},
		{[]string{"--project", p.ID, "--user", "user-7"}, 0, "Status done: 2 sessions, 4 events, 2 chunks, 0 blobs erased"},
		{[]string{"--project", p.ID, "--user", "u", "--session", "session-one-off"}, 2, "only one of"},
		{[]string{"--project", p.ID, "--session", "session-missing"}, 2, `--session: no session "session-missing"`},
		{[]string{"--project", p.ID, "--visitor", "bad id"}, 2, "--visitor: Visitor id must be"},
		{[]string{"--project", p.ID, "--session", "session-one-off"}, 0, "Status done: 1 sessions"},
		{[]string{"--project", p.ID, "--visitor", "visitor-session-by-visitor"}, 0, "Status done: 1 sessions"},
		{[]string{"--help"}, 0, "--visitor id"},
		{[]string{"--vistor", "x"}, 2, "flag provided but not defined: -vistor"},
	} {
		if code, out := run(tt.args...); code != tt.code || !strings.Contains(out, tt.out) {
			t.Errorf("erase %v: exit %d, %q; want %d containing %q", tt.args, code, out, tt.code, tt.out)
		}
	}

	// The live session sends again: acknowledged with stop, not stored.
	if got := postBatch(t, srv.URL, p.PublicKey, "session-erase-live", 1, ""); got["stop"] != true {
		t.Errorf("late batch answer %v, want stop", got)
	}
	var page struct {
		Total    int `json:"total"`
		Sessions []struct {
			ID string `json:"id"`
		} `json:"sessions"`
	}
	if code := c.do("GET", "/api/v1/projects/"+p.ID+"/sessions", nil, &page); code != 200 || page.Total != 1 || page.Sessions[0].ID != "session-keep-1" {
		t.Errorf("sessions after erase: %d %+v", code, page)
	}
	srv.Stop()
}
