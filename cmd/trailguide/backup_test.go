package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBackupRestoreRoundTrip backs up a running server's data directory
// (the demo's sessions, compacted into blobs by the worker), keeps
// ingesting during and after it, restores the archive into a new directory
// and serves it: the same sessions with the same recordings, nothing that
// arrived after the backup, integrity_check ok. Then the refusals: a
// restore over a database without --force, an archive that is not a
// backup, and the flags named in each error.
func TestBackupRestoreRoundTrip(t *testing.T) {
	bin := e2eBinary(t)
	dataDir := t.TempDir()
	srv, api := startAdminServer(t, "--demo", "--data", dataDir)
	project := api.projectByKey(e2eDemoKey)
	type sess struct {
		ID        string `json:"id"`
		ExitClass string `json:"exit_class"`
	}
	var page struct {
		Sessions []sess `json:"sessions"`
		Total    int    `json:"total"`
	}
	eventually(t, 2*time.Minute, "demo sessions compacted", func() error {
		if code := api.do("GET", "/api/v1/projects/"+project.ID+"/sessions?limit=200", nil, &page); code != 200 || len(page.Sessions) < 2 {
			return fmt.Errorf("sessions: %d, %d", code, len(page.Sessions))
		}
		for _, s := range page.Sessions[1:] {
			if s.ExitClass == "" {
				return fmt.Errorf("session %s not closed yet", s.ID)
			}
		}
		return nil
	})
	before := page.Total
	closed := page.Sessions[len(page.Sessions)-1].ID
	recording := func(c *apiClient, sid string) string {
		t.Helper()
		var rec json.RawMessage
		if code := c.do("GET", "/api/v1/projects/"+project.ID+"/sessions/"+sid+"/recording", nil, &rec); code != 200 {
			t.Fatalf("recording %s: %d", sid, code)
		}
		return string(rec)
	}
	wantRec := recording(api, closed)

	archive := filepath.Join(t.TempDir(), "backup.tar.gz")
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	code, out := run("backup", "--data", dataDir, "--out", archive, "--progress")
	if code != 0 || !strings.Contains(out, "Backup "+archive) || !strings.Contains(out, "blobs [") {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	if strings.Contains(out, " 0 blobs") {
		t.Fatalf("backup has no blobs; the test needs compacted sessions:\n%s", out)
	}
	// A session that arrives after the backup is not in it.
	postBatch(t, srv.URL, project.PublicKey, "session-after-backup", 0, "")
	srv.Stop()

	restored := filepath.Join(t.TempDir(), "restored")
	for _, tt := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"backup", "--data", dataDir}, 2, "--out: required"},
		{[]string{"backup", "--data", dataDir, "--out", archive}, 2, "--out: " + archive + " exists"},
		{[]string{"backup", "--data", t.TempDir(), "--out", archive + "2"}, 2, "--data: no trailguide.db"},
		{[]string{"backup", "--help"}, 0, "--out file"},
		{[]string{"restore", "--data", restored}, 2, "--from: required"},
		{[]string{"restore", "--from", archive, "--data", dataDir}, 2, "--data: " + dataDir + " already holds a database"},
		{[]string{"restore", "--from", filepath.Join(dataDir, "trailguide.db"), "--data", restored}, 2, "--from: not a trailguide backup"},
		{[]string{"restore", "--help"}, 0, "--force"},
		{[]string{"restore", "--from", archive, "--data", restored}, 0, "Restored " + archive + " into " + restored},
	} {
		if code, out := run(tt.args...); code != tt.code || !strings.Contains(out, tt.out) {
			t.Errorf("%v: exit %d\n%s\nwant exit %d containing %q", tt.args, code, out, tt.code, tt.out)
		}
	}
	if _, err := os.Stat(restored + "/trailguide.db"); err != nil {
		t.Fatalf("restored directory: %v", err)
	}

	again := startE2EServer(t, restored)
	c := newAPIClient(t, again.URL)
	c.login(e2eAdminEmail, e2eAdminPassword)
	var got struct {
		Total int `json:"total"`
	}
	if code := c.do("GET", "/api/v1/projects/"+project.ID+"/sessions", nil, &got); code != 200 || got.Total != before {
		t.Errorf("restored sessions: %d, total %d, want %d", code, got.Total, before)
	}
	if code := c.do("GET", "/api/v1/projects/"+project.ID+"/sessions/session-after-backup", nil, nil); code != http.StatusNotFound {
		t.Errorf("session sent after the backup is in the restore: %d", code)
	}
	if rec := recording(c, closed); rec != wantRec {
		t.Errorf("restored recording of %s differs (%d bytes, want %d)", closed, len(rec), len(wantRec))
	}
	again.Stop()

	// --force moves the current directory aside instead of deleting it.
	if code, out := run("restore", "--from", archive, "--data", restored, "--force"); code != 0 || !strings.Contains(out, "The previous data directory is now "+restored+".replaced-") {
		t.Errorf("restore --force: exit %d\n%s", code, out)
	}
}
